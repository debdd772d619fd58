"""A plain panel for areas that are not built yet: it says so and offers a person to help."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from kiosk.i18n import _
from kiosk.screens.base import KioskScreen


class ComingSoonScreen(KioskScreen):
    def __init__(self, area: str):
        super().__init__()
        self.area = area  # untranslated, as marked with N_()

    def compose_body(self) -> ComposeResult:
        yield Static(_(self.area), classes="screen-title")
        yield Static(
            _("「{what}」功能还在建设中，暂时不能在这里办理。").format(what=_(self.area))
            + "\n\n" + _("需要办理的，请按下方「呼叫工作人员」，工作人员会来帮您。"),
            classes="coming-soon",
        )
