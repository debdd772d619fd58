"""Before publishing: the numbers in a notice that look like personal data (mobile, ID and
bank card numbers). Staff confirm they are meant to be public or have them masked (the
screen is dismissed with "confirm" or "mask"), or go back to change the text."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static

from kiosk import labels
from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.services.privacy import Finding

SHOWN = 8  # findings listed; the rest are counted


class PrivacyCheckScreen(KioskScreen):
    AUTO_FOCUS = ""  # neither choice is made for staff

    def __init__(self, findings: list[Finding]):
        super().__init__()
        self.findings = findings

    def compose_body(self) -> ComposeResult:
        yield Static(_("⚠ 发布前检查：通知里有像是个人信息的号码"), classes="screen-title")
        for finding in self.findings[:SHOWN]:
            yield Static(_("{kind}：{text}　打码后：{masked}").format(
                kind=_(labels.PERSONAL_DATA[finding.kind]), text=finding.text,
                masked=finding.masked), classes="privacy-finding")
        if len(self.findings) > SHOWN:
            yield Static(_("还有 {n} 处").format(n=len(self.findings) - SHOWN))
        yield Static(_("通知会公开给所有人看。这些号码本来就该公开的（如办事电话），请按"
                       "「确认可以公开」；否则请按「打码后发布」。按「返回」可以回去修改。"),
                     id="privacy-why")
        with Horizontal(id="privacy-actions"):
            yield Button(_("确认可以公开，发布"), id="privacy-confirm")
            yield Button(_("打码后发布"), id="privacy-mask")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id in ("privacy-confirm", "privacy-mask"):
            event.stop()
            self.dismiss(event.button.id.removeprefix("privacy-"))
