"""The frame shared by all screens: header on top, the screen's own body, action bar below."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from kiosk.i18n import _
from kiosk.widgets.chrome import ActionBar, HallHeader, MessageLine

MIN_WIDTH, MIN_HEIGHT = 80, 24


class KioskScreen(Screen):
    SHOW_BACK = True

    def compose(self) -> ComposeResult:
        yield HallHeader()
        with Vertical(id="body"):
            yield from self.compose_body()
        yield Static(_("窗口太小，请把终端放大到至少 80×24"), id="too-small")
        yield ActionBar(show_back=self.SHOW_BACK)

    def on_resize(self, event: events.Resize) -> None:
        small = event.size.width < MIN_WIDTH or event.size.height < MIN_HEIGHT
        self.set_class(small, "-too-small")

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def action_back(self) -> None:
        """Esc and the 返回 button: one screen back; from an area's first screen, home."""
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.go_home("back")

    def show_message(self, text: str, kind: str = "info") -> None:
        self.query_one("#message", MessageLine).show(text, kind)
