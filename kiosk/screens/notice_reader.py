"""One notice to read: title, category, dates and its Markdown text in large, calm type, with
big buttons to turn the page, print a copy, take it away by QR code, hear it read aloud
(where espeak-ng is installed) and see its history. A retracted notice says so, and why."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Markdown, Static

from kiosk.i18n import _
from kiosk.printing.receipts import notice_copy
from kiosk.screens.base import KioskScreen
from kiosk.screens.notice_history import NoticeHistoryScreen
from kiosk.screens.notice_take_away import TakeAwayScreen
from kiosk.services import notices, speech
from kiosk.services.notice_text import plain_text
from kiosk.services.notices import NoticeView
from kiosk.widgets.chrome import MessageLine
from kiosk.widgets.notice_list import meta_text, state_text
from kiosk.widgets.scroll_buttons import ScrollButtons

ACTIONS = ("print", "take-away", "read-aloud", "history")  # button ids: notice-…


class NoticeReaderScreen(KioskScreen):
    AUTO_FOCUS = ""

    def __init__(self, notice_id: str):
        super().__init__()
        self.notice_id = notice_id
        self.notice: NoticeView | None = None
        self.reading: speech.Reading | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(id="reader-title", classes="screen-title")
        yield Static(id="reader-meta")
        yield MessageLine(id="reader-state")
        with VerticalScroll(id="reader-scroll"):
            yield Markdown(id="reader-body", open_links=False)
        with Horizontal(id="reader-actions"):
            yield ScrollButtons("#reader-scroll")
            yield Static(classes="spacer")
            yield Button(_("打印"), id="notice-print", disabled=True)
            yield Button(_("扫码带走"), id="notice-take-away", disabled=True)
            if speech.available():
                yield Button(_("朗读"), id="notice-read-aloud", disabled=True)
            yield Button(_("修改记录"), id="notice-history", disabled=True)

    def on_mount(self) -> None:
        self.call_service(lambda: notices.public(self.notice_id), self._show)

    async def _show(self, notice: NoticeView) -> None:
        self.notice = notice
        today = self.app.wall_clock().date()
        self.query_one("#reader-title", Static).update(notice.title)
        self.query_one("#reader-meta", Static).update(
            _("第 {n} 号").format(n=notice.number) + " · " + meta_text(notice, today))
        state, kind = state_text(notice, today)
        banner = self.query_one("#reader-state", MessageLine)
        banner.display = bool(state)
        if state:
            banner.show(state, kind)
        for action in ACTIONS:
            for button in self.query(f"#notice-{action}").results(Button):
                # a retracted notice is not handed out any more: read it here only
                button.disabled = notice.status == "retracted" and action in ("print", "take-away")
        await self.query_one(Markdown).update(notice.body)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = (event.button.id or "").removeprefix("notice-")
        if button == "print":
            self._print()
        elif button == "take-away":
            self.app.push_screen(TakeAwayScreen(self.notice))
        elif button == "read-aloud":
            self._toggle_reading()
        elif button == "history":
            self.app.push_screen(NoticeHistoryScreen(self.notice_id))
        else:
            return
        event.stop()

    def _print(self) -> None:
        notice = self.notice
        self.app.print_receipt(notice_copy(
            hall=self.app.hall_name, time=self.app.wall_clock(), number=notice.number,
            category=notice.category, title=notice.title, body=notice.body,
            published=notice.published, version=notice.version), "notice")

    # --- reading aloud -------------------------------------------------------------------

    def _toggle_reading(self) -> None:
        button = self.query_one("#notice-read-aloud", Button)
        if self.reading is not None:
            self.reading.stop()
            return
        self.reading = speech.Reading(f"{self.notice.title}。\n{plain_text(self.notice.body)}")
        button.label = _("■ 停止朗读")
        self.show_message(_("正在朗读。听不到声音，请找工作人员看看音箱"), "info")
        self._read_aloud(self.reading)

    @work(thread=True, exclusive=True, group="read-aloud")
    def _read_aloud(self, reading: speech.Reading) -> None:
        try:
            finished = reading.run()
        except OSError:
            finished = None
        self.app.call_from_thread(self._reading_ended, finished)

    def _reading_ended(self, finished: bool | None) -> None:
        self.reading = None
        if not self.is_attached:  # the screen was left while reading
            return
        self.query_one("#notice-read-aloud", Button).label = _("朗读")
        if finished is None:
            self.show_message(_("朗读没有成功，请找工作人员"), "error")
        else:
            self.show_message(_("朗读完了") if finished else _("已停止朗读"), "ok")

    def on_unmount(self) -> None:
        if self.reading is not None:
            self.reading.stop()
