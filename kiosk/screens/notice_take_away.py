"""扫码带走: a QR code carrying the notice's text itself, so that a phone without internet
gets it. The code is as big as the screen allows (the header makes way for it); when the
notice does not fit, it carries the opening and the notice's number."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.services.notice_text import TAKE_AWAY_QR, take_away_text
from kiosk.services.notices import NoticeView
from kiosk.widgets.qr import qr_text

QUIET_ZONE = 2  # light modules around the code (as qr_text draws it)
SMALLEST_VERSION = 4  # below this a code holds hardly more than the notice number


def largest_version(columns: int, rows: int) -> int:
    """The largest QR version that fits columns × rows cells (two modules per cell, up and
    down); 0 when none does."""
    modules = min(columns, rows * 2) - 2 * QUIET_ZONE
    return max(0, min(40, (modules - 17) // 4))


class TakeAwayScreen(KioskScreen):
    AUTO_FOCUS = ""

    def __init__(self, notice: NoticeView):
        super().__init__()
        self.notice = notice
        self.version = 0

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="take-away"):
            yield Vertical(id="take-away-code")
            with Vertical(id="take-away-side"):
                yield Static(_("扫码带走"), classes="screen-title")
                yield Static(_("打开手机微信或相机，对准左边的二维码扫一扫，就能把通知存到手机上。"
                               "不用上网。"), classes="take-away-text")
                yield Static(id="take-away-what", classes="take-away-text")

    def on_resize(self, event) -> None:
        super().on_resize(event)
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        area = self.query_one("#take-away-code", Vertical).content_size
        version = largest_version(area.width, area.height)
        if version != self.version:
            self.version = version
            self._make(version)

    @work(thread=True, exclusive=True, group="take-away")
    def _make(self, version: int) -> None:
        """Made in a worker: a large code takes segno a moment."""
        notice = self.notice
        if version < SMALLEST_VERSION:
            self.app.call_from_thread(self._show, "", _("窗口太小，放不下二维码，请找工作人员"))
            return
        text, whole = take_away_text(notice.number, notice.title, notice.body, version)
        what = (_("二维码里是这条通知的全文。") if whole else
                _("这条通知较长，二维码里是开头部分和通知编号（第{n}号）。要全文，请返回上一页按「打印」。")
                .format(n=notice.number))
        self.app.call_from_thread(self._show, qr_text(text, **TAKE_AWAY_QR), what)

    async def _show(self, code: str, what: str) -> None:
        box = self.query_one("#take-away-code", Vertical)
        await box.remove_children()
        if code:
            await box.mount(Static(code, id="take-away-qr"))
        self.query_one("#take-away-what", Static).update(what)
