"""The frame shared by all screens: header on top, the screen's own body, action bar below."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from importlib import resources

from textual import events, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.types import NoActiveAppError
from textual.widgets import Static

from kiosk import textual_caches
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.services.connection import release
from kiosk.widgets.chrome import ActionBar, HallHeader, MessageLine

MIN_WIDTH, MIN_HEIGHT = 80, 24


class KioskScreen(Screen):
    SHOW_BACK = True
    CSS_PATH = str(resources.files("kiosk.assets") / "areas.tcss")  # none for the home screen

    def __init__(self) -> None:
        super().__init__()
        # Styled as it mounts, with the stylesheet as it is: without this Textual re-parses
        # every stylesheet (twice) whenever a mode gets a new screen (App._init_mode). A screen
        # made in a worker thread (no app there) is pushed, never a mode's first screen.
        with suppress(NoActiveAppError):
            self._css_update_count = self.app._css_update_count

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

    async def recompose(self) -> None:
        await super().recompose()
        textual_caches.forget_old_children(self)

    async def reset(self) -> bool:
        """Going home calls this on an area's first screen: make it as new, for the next
        person, and say True; or say False, and it is thrown away and made anew when the
        area is opened next (slower: composing and styling a whole screen)."""
        return False

    def action_back(self) -> None:
        """Esc and the 返回 button: one screen back; from an area's first screen, home."""
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.go_home("back")

    def show_message(self, text: str, kind: str = "info") -> None:
        self.query_one("#message", MessageLine).show(text, kind)

    @work(thread=True, group="service")
    def call_service(self, call: Callable, then: Callable) -> None:
        """call() in a worker thread (services may wait on the database), then then(result)
        on the screen; a refusal (KioskError) goes to self.refused(message)."""
        try:
            result = call()
        except KioskError as exc:
            self.app.call_from_thread(self.refused, str(exc))
            return
        finally:
            release()
        self.app.call_from_thread(then, result)

    def refused(self, message: str) -> None:
        """A service said no: by default its plain message on the message line."""
        self.show_message(message, "error")
