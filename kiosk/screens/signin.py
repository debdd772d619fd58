"""扫码签到: what is open for sign-in now, and where to hold the card. The scan itself is
handled by the app's scan router, whatever screen is showing."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.widgets import Static

from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.services import events
from kiosk.services.connection import release


class SignInScreen(KioskScreen):
    def compose_body(self) -> ComposeResult:
        yield Static(_("扫码签到"), classes="screen-title")
        yield Static(_("请把党员卡上的二维码对准扫码器"), id="signin-prompt")
        yield Static(id="open-events")
        yield Static(_("没带卡、扫不上？请按「呼叫工作人员」，工作人员会帮您签到。"), classes="hint")

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        try:
            found = events.open_events(self.app.wall_clock())
        finally:
            release()
        self.app.call_from_thread(self._show, found)

    def _show(self, found: list) -> None:
        if not found:
            text = _("现在没有正在签到的会议。")
        else:
            lines = [_("正在签到：")]
            for event in found:
                lines.append(_("· 「{title}」 {place}　{start} 开始，签到到 {closes}").format(
                    title=event.title, place=event.place, start=f"{event.start:%H:%M}",
                    closes=f"{event.signin_closes:%H:%M}"))
            text = "\n".join(lines)
        self.query_one("#open-events", Static).update(text)
