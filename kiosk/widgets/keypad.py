"""A big on-screen number pad for PINs and numbers: no keyboard needed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid
from textual.message import Message
from textual.widgets import Button

from kiosk.i18n import _

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "delete", "0", "enter")


class Keypad(Grid):
    class Pressed(Message):
        def __init__(self, key: str):
            super().__init__()
            self.key = key  # a digit, "delete" or "enter"

    def compose(self) -> ComposeResult:
        labels = {"delete": _("⌫ 删除"), "enter": _("✓ 确定")}
        for key in KEYS:
            button = Button(labels.get(key, key), id=f"key-{key}", classes=f"pad-key pad-{key}")
            button.can_focus = False  # tapping a key must not take focus from the field
            button.active_effect_duration = 0  # a quick second tap on "0" is another "0"
            yield button

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Pressed(event.button.id.removeprefix("key-")))
