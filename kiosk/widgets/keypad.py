"""A big on-screen number pad for PINs and numbers: no keyboard needed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid
from textual.message import Message
from textual.widgets import Button, Input

from kiosk.i18n import _

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "delete", "0", "enter")


class Keypad(Grid):
    """Digits and 删除 go into the focused field (or `default_field` when none is focused);
    确定 posts `Keypad.Pressed("enter")` for the screen to act on."""

    class Pressed(Message):
        def __init__(self, key: str):
            super().__init__()
            self.key = key  # "enter"

    def __init__(self, default_field: str, **kwargs):
        super().__init__(**kwargs)
        self.default_field = default_field  # a selector, e.g. "#number"

    def compose(self) -> ComposeResult:
        labels = {"delete": _("⌫ 删除"), "enter": _("✓ 确定")}
        for key in KEYS:
            button = Button(labels.get(key, key), id=f"key-{key}", classes=f"pad-key pad-{key}")
            button.can_focus = False  # tapping a key must not take focus from the field
            button.active_effect_duration = 0  # a quick second tap on "0" is another "0"
            yield button

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        key = event.button.id.removeprefix("key-")
        if key == "enter":
            self.post_message(self.Pressed(key))
            return
        focused = self.screen.focused
        field = focused if isinstance(focused, Input) else self.screen.query_one(self.default_field, Input)
        if key == "delete":
            field.value = field.value[:-1]
        else:
            field.insert_text_at_cursor(key)
