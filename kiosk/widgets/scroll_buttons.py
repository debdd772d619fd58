"""Big ▲ 上一页 / ▼ 下一页 buttons that scroll a text a page at a time: older readers need
more than a thin scrollbar."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, ScrollableContainer
from textual.widgets import Button

from kiosk.i18n import _


class ScrollButtons(Horizontal):
    def __init__(self, target: str):
        """`target`: a selector for the scrolling container, e.g. "#reader-scroll"."""
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        yield Button(_("▲ 上一页"), id="scroll-up", classes="secondary")
        yield Button(_("▼ 下一页"), id="scroll-down", classes="secondary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        scroll = self.screen.query_one(self.target, ScrollableContainer)
        if event.button.id == "scroll-up":
            scroll.scroll_page_up()
        else:
            scroll.scroll_page_down()
