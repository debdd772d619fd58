"""What every screen shows: the hall header with its clock, and the bottom bar with a way
back, a message line and 呼叫工作人员."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static

from kiosk import labels
from kiosk.i18n import _



class HallHeader(Horizontal):
    def compose(self) -> ComposeResult:
        yield Static(self.app.hall_name, id="hall-name")
        yield Static(self._clock_text(), id="clock")

    def on_mount(self) -> None:
        self.set_interval(1, self._tick)

    def _tick(self) -> None:
        self.query_one("#clock", Static).update(self._clock_text())

    def _clock_text(self) -> str:
        t = self.app.wall_clock()
        return f"{t:%Y-%m-%d} {_(labels.WEEKDAYS[t.weekday()])} {t:%H:%M}"


class MessageLine(Static):
    """A result in colour, symbol and words: ✓ done, ✗ problem, ℹ information."""

    SYMBOLS = {"ok": "✓", "error": "✗", "info": "ℹ"}

    def show(self, text: str, kind: str = "info") -> None:
        self.remove_class("ok", "error", "info")
        self.add_class(kind)
        self.update(f"{self.SYMBOLS[kind]} {text}" if text else "")

    def clear(self) -> None:
        self.remove_class("ok", "error", "info")
        self.update("")


class ActionBar(Horizontal):
    def __init__(self, show_back: bool = True):
        super().__init__()
        self.show_back = show_back

    def compose(self) -> ComposeResult:
        if self.show_back:
            yield Button(_("← 返回 (Esc)"), id="back", classes="back")
        yield MessageLine(id="message")
        yield Button(_("☎ 呼叫工作人员"), id="call-staff", classes="call-staff")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "back":
            event.stop()
            self.app.action_back()
        elif event.button.id == "call-staff":
            event.stop()
            self.app.call_staff()
