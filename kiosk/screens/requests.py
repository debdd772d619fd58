"""办事诉求: one tap on a category starts a request; below, checking a ticket's progress
and the public statistics."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal
from textual.widgets import Button, Static

from kiosk import labels
from kiosk.i18n import _
from kiosk.screens.base import KioskScreen


class RequestsScreen(KioskScreen):
    AUTO_FOCUS = ""

    def compose_body(self) -> ComposeResult:
        yield Static(_("办事诉求：您要办什么事？点一下"), classes="screen-title")
        with Grid(id="request-categories"):
            for code, title in labels.REQUEST_CATEGORIES.items():
                yield Button(_(title), id=f"category-{code}", classes="category")
        with Horizontal(id="request-more"):
            yield Button(_("查办理进度"), id="open-status", classes="secondary")
            yield Button(_("办理情况统计"), id="open-stats", classes="secondary")
        yield Static(_("有回执？直接对准扫码器扫一下回执上的二维码"), classes="hint")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        # imported when first needed, to keep them off the kiosk's start-up
        if button.startswith("category-"):
            event.stop()
            from kiosk.screens.request_form import RequestFormScreen

            self.app.push_screen(RequestFormScreen(button.removeprefix("category-")))
        elif button == "open-status":
            event.stop()
            from kiosk.screens.request_lookup import RequestLookupScreen

            self.app.push_screen(RequestLookupScreen())
        elif button == "open-stats":
            event.stop()
            from kiosk.screens.request_stats import RequestStatsScreen

            self.app.push_screen(RequestStatsScreen())
