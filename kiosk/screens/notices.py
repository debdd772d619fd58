"""The notice board for residents: a tab per category, plus all notices and the archive
(expired and retracted); in force pinned first, then newest. Opens the reader and search."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static

from kiosk import labels
from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.services import notices
from kiosk.widgets.notice_list import NoticeList


class NoticesScreen(KioskScreen):
    AUTO_FOCUS = ""  # a touch screen: nothing looks selected that was not tapped
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (90, "-wide")]

    def __init__(self) -> None:
        super().__init__()
        self.tab = "all"
        self.load_on_resume = False

    def compose_body(self) -> ComposeResult:
        yield Static(_("通知公告"), classes="screen-title")
        with Horizontal(id="notice-tabs"):
            for tab in notices.TABS:
                yield Button(_(labels.NOTICE_TABS[tab]), id=f"tab-{tab}", classes="tab")
        search = Button(_("找通知"), id="open-search")
        yield NoticeList(self.app.wall_clock().date(), extra=(search,), id="notice-list")

    def on_mount(self) -> None:
        self.show_tab(self.tab)

    async def reset(self) -> bool:
        """Composed anew while the home screen shows; the rows load when it is shown again
        (for that day, with what is published by then)."""
        self.tab = "all"
        rows = self.query_one(NoticeList).rows_per_page
        await self.recompose()
        # as many rows as before (the list has its height when shown): they load as soon as
        # it is shown, not after its first layout
        self.query_one(NoticeList).rows_per_page = rows
        if self.is_current:  # opened again while being composed
            self.show_tab(self.tab)
        else:
            self.load_on_resume = True
        return True

    def on_screen_resume(self) -> None:
        if self.load_on_resume:
            self.load_on_resume = False
            self.show_tab(self.tab)

    def show_tab(self, tab: str) -> None:
        self.tab = tab
        for button in self.query(".tab").results(Button):
            button.set_class(button.id == f"tab-{tab}", "-current")
        today = self.app.wall_clock().date()
        empty = _("这一栏目前没有通知") if tab != "archive" else _("没有过期或撤回的通知")
        notice_list = self.query_one(NoticeList)
        notice_list.today = today  # (a kept screen may have been composed the day before)
        notice_list.show(lambda page, size: notices.board(tab, today, page, size), empty)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button.startswith("tab-"):
            event.stop()
            self.show_tab(button.removeprefix("tab-"))
        elif button == "open-search":
            event.stop()
            from kiosk.screens.notice_search import NoticeSearchScreen  # see below

            self.app.push_screen(NoticeSearchScreen())

    def on_notice_list_opened(self, message: NoticeList.Opened) -> None:
        # imported when first needed: the Markdown widget would add its parser and syntax
        # highlighter to the kiosk's start-up
        from kiosk.screens.notice_reader import NoticeReaderScreen

        self.app.push_screen(NoticeReaderScreen(message.notice_id))
