"""Staff login: staff number and PIN on a big keypad (or a staff card, then the PIN)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.screens.staff.home import StaffHomeScreen
from kiosk.services import staff
from kiosk.widgets.chrome import MessageLine
from kiosk.widgets.keypad import Keypad


class StaffLoginScreen(KioskScreen):
    def compose_body(self) -> ComposeResult:
        yield Static(_("工作人员登录"), classes="screen-title")
        with Horizontal(id="login"):
            with Vertical(id="login-fields"):
                yield Label(_("工号"))
                yield Input(id="number", max_length=12, placeholder=_("输入工号或扫工作证"))
                yield Label(_("密码"))
                yield Input(id="pin", password=True, max_length=8, restrict=r"[0-9]*",
                            placeholder=_("4 到 8 位数字"))
                yield MessageLine(id="login-result")
            yield Keypad("#number", id="keypad")

    def on_mount(self) -> None:
        self.query_one("#number", Input).focus()

    def prefill(self, number: str) -> None:
        """A staff card was scanned: its number is known, only the PIN is asked for."""
        self.query_one("#number", Input).value = number
        self.query_one("#pin", Input).value = ""
        self.query_one("#pin", Input).focus()
        self.query_one("#login-result", MessageLine).show(_("已读到工作证，请输入密码"), "info")

    def on_keypad_pressed(self, event: Keypad.Pressed) -> None:
        self._submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def _submit(self) -> None:
        number = self.query_one("#number", Input).value.strip()
        pin = self.query_one("#pin", Input).value
        if not number:
            self.query_one("#number", Input).focus()
        elif not pin:
            self.query_one("#pin", Input).focus()
        else:
            self.query_one("#login-result", MessageLine).show(_("正在核对……"), "info")
            self.call_service(lambda: staff.login(number, pin), self._accepted)

    def refused(self, message: str) -> None:
        self.query_one("#login-result", MessageLine).show(message, "error")
        pin = self.query_one("#pin", Input)
        pin.value = ""
        pin.focus()

    def _accepted(self, session: staff.StaffSession) -> None:
        for field in self.query(Input):
            field.value = ""
        self.query_one("#login-result", MessageLine).clear()
        self.app.start_staff_session(session)
        self.app.push_screen(StaffHomeScreen())
