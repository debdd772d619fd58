"""Finding a notice: type words, or tap one of the common ones; the notices whose title or
text contain them, in force first, with the words marked where they were found."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.screens.base import KioskScreen
from kiosk.screens.notice_reader import NoticeReaderScreen
from kiosk.services import notices
from kiosk.widgets.notice_list import NoticeList

# What residents ask about most; a tap searches for it.
KEYWORDS = (N_("医保"), N_("养老"), N_("低保"), N_("补贴"), N_("财务"), N_("党费"), N_("体检"),
            N_("诈骗"))


class NoticeSearchScreen(KioskScreen):
    AUTO_FOCUS = ""

    def compose_body(self) -> ComposeResult:
        yield Static(_("找通知"), classes="screen-title")
        with Horizontal(id="search-row"):
            yield Input(id="search-input", max_length=notices.MAX_QUERY,
                        placeholder=_("输入要找的字词"))
            yield Button(_("找"), id="search-go")
        with Horizontal(id="keywords"):
            yield Static(_("常用："), id="keywords-label")
            for index, word in enumerate(KEYWORDS):
                yield Button(_(word), id=f"keyword-{index}", classes="keyword")
        yield Static(_("点一个常用词，或者输入要找的字词，再按「找」。"), id="search-hint")
        yield NoticeList(self.app.wall_clock().date(), id="search-results")

    def on_mount(self) -> None:
        self.query_one(NoticeList).display = False

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button.startswith("keyword-"):
            event.stop()
            word = _(KEYWORDS[int(button.removeprefix("keyword-"))])
            self.query_one(Input).value = word
            self.search(word)
        elif button == "search-go":
            event.stop()
            self.search(self.query_one(Input).value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.search(event.value)

    def search(self, text: str) -> None:
        try:
            notices.search_terms(text)
        except KioskError as exc:
            self.show_message(str(exc), "error")
            return
        self.query_one("#message").clear()
        self.query_one("#search-hint").display = False
        results = self.query_one(NoticeList)
        results.display = True
        today = self.app.wall_clock().date()
        results.show(lambda page, size: notices.search(text, today, page, size),
                     _("没有找到含有「{text}」的通知，换个词试试").format(text=text.strip()))

    def on_notice_list_opened(self, message: NoticeList.Opened) -> None:
        self.app.push_screen(NoticeReaderScreen(message.notice_id))
