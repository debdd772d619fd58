"""The frame shared by all screens: header on top, the screen's own body, action bar below."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen

from kiosk.widgets.chrome import ActionBar, HallHeader, MessageLine


class KioskScreen(Screen):
    SHOW_BACK = True

    def compose(self) -> ComposeResult:
        yield HallHeader()
        with Vertical(id="body"):
            yield from self.compose_body()
        yield ActionBar(show_back=self.SHOW_BACK)

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def show_message(self, text: str, kind: str = "info") -> None:
        self.query_one("#message", MessageLine).show(text, kind)
