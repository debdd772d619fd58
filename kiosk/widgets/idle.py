"""The countdown shown before an idle screen goes home, with a big 继续 button.

It sits at the foot of the page, above the bottom bar, rather than over the text, so a
slow reader still sees what they were reading and 呼叫工作人员 stays in reach."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Button, Static

from kiosk.i18n import _


class IdleCountdown(Horizontal):
    seconds = reactive(0)

    def __init__(self, seconds: int):
        super().__init__()
        self.set_reactive(IdleCountdown.seconds, seconds)

    def compose(self) -> ComposeResult:
        yield Static(self._text(), id="idle-text")
        yield Button(_("继续使用"), id="idle-continue")

    def watch_seconds(self) -> None:
        if self.is_mounted:
            self.query_one("#idle-text", Static).update(self._text())

    def _text(self) -> str:
        return _("⚠ 没有操作，{n} 秒后回到首页。还要用，请按「继续使用」").format(n=self.seconds)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()  # the press itself counts as input, which resets the idle clock
        self.remove()
