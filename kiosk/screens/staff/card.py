"""A newly issued staff card, shown as a QR code to photograph or copy onto a card."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.widgets.qr import QrCode


class StaffCardScreen(KioskScreen):
    def __init__(self, number: str, payload: str):
        super().__init__()
        self.number = number
        self.payload = payload

    def compose_body(self) -> ComposeResult:
        yield Static(_("工号 {number} 的新工作证").format(number=self.number), classes="screen-title")
        yield QrCode(self.payload, id="card-qr")
        yield Static(_("旧工作证已停用。扫这个二维码，再输入密码即可登录。"), classes="hint")
