"""查办理进度 without the ticket QR: the ticket number and the phone's last 4 digits, on a
big keypad."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.services import requests
from kiosk.widgets.keypad import Keypad


class RequestLookupScreen(KioskScreen):
    def compose_body(self) -> ComposeResult:
        yield Static(_("查办理进度"), classes="screen-title")
        with Horizontal(id="lookup"):
            with Vertical(id="lookup-fields"):
                yield Label(_("回执号（Q 后面的数字）"))
                yield Input(id="lookup-ticket", max_length=8, restrict=r"[0-9]*",
                            placeholder=_("如 123456"))
                yield Label(_("留的电话的后四位"))
                yield Input(id="lookup-digits", max_length=4, restrict=r"[0-9]*")
                yield Static(_("有回执？直接扫回执上的二维码更快"), classes="hint")
            yield Keypad("#lookup-ticket", id="keypad")

    def on_mount(self) -> None:
        self.query_one("#lookup-ticket", Input).focus()

    def on_keypad_pressed(self, event: Keypad.Pressed) -> None:
        self._submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def _submit(self) -> None:
        ticket = self.query_one("#lookup-ticket", Input)
        digits = self.query_one("#lookup-digits", Input)
        if not ticket.value:
            ticket.focus()
        elif len(digits.value) != 4:
            digits.focus()
            self.show_message(_("请输入电话的后四位"), "info")
        else:
            self.show_message(_("正在查询……"), "info")
            number, last_digits = ticket.value, digits.value
            self.call_service(lambda: requests.by_number(number, last_digits), self._found)

    def refused(self, message: str) -> None:
        super().refused(message)
        digits = self.query_one("#lookup-digits", Input)
        digits.value = ""
        digits.focus()

    def _found(self, view: requests.TicketView) -> None:
        from kiosk.screens.request_status import RequestStatusScreen

        self.app.switch_screen(RequestStatusScreen(view))
