"""Notices as big rows, a page at a time, with big 上一页/下一页 buttons (not only a
scrollbar). As many rows as fit the height; pages are fetched in a worker thread.

Also how a notice's dates, state and search matches are written, for the screens that show
notices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Static

from kiosk import labels
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.services import notices
from kiosk.services.connection import release
from kiosk.services.notices import Hit, NoticeView, Page
from kiosk.widgets.chrome import MessageLine

Fetch = Callable[[int, int], Page]  # (page, rows per page) -> Page, run in a worker thread
ROW_HEIGHT = 3  # two lines and a blank line between rows
PAGER_LINES = 4  # the pager's buttons and the gap above them
MATCH_STYLE = "reverse bold"
STATE_STYLES = {"error": "bold $error", "info": "bold"}
BADGE_STYLE = "bold #000000 on $accent"


def day_text(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def highlighted(text: str, terms: tuple[str, ...], style: str = "") -> Content:
    """`text` with every match of `terms` shown in reverse video."""
    parts, last = [], 0
    for start, end in notices.match_spans(text, terms):
        parts += [(text[last:start], style), (text[start:end], f"{style} {MATCH_STYLE}".strip())]
        last = end
    parts.append((text[last:], style))
    return Content.assemble(*parts)


def state_text(notice: NoticeView, today: dt.date) -> tuple[str, str]:
    """What a notice's state means for a resident, and how it is marked (a MessageLine kind:
    error or info), or ("", "") for a notice in force."""
    state = notices.state(notice, today)
    if state == "retracted":
        return _("已于{day}撤回。撤回原因：{reason}").format(
            day=day_text(notice.retracted.date()), reason=notice.retract_reason), "error"
    if state == "expired":
        return _("已过期（有效期到{day}为止）").format(day=day_text(notice.valid_until)), "info"
    if state in ("draft", "scheduled"):
        return _(labels.NOTICE_STATES[state]), "info"
    return "", ""


def meta_text(notice: NoticeView, today: dt.date) -> str:
    """Category, publishing date, validity and whether it was changed, in one line."""
    parts = [_(labels.NOTICE_CATEGORIES.get(notice.category, notice.category))]
    if notice.published:
        parts.append(_("{day}发布").format(day=day_text(notice.published.date())))
    if notice.valid_until and notice.status == "published" and notice.valid_until >= today:
        parts.append(_("有效期到{day}").format(day=day_text(notice.valid_until)))
    if notice.version > 1:
        parts.append(_("修改过 {n} 次").format(n=notice.version - 1))
    return " · ".join(parts)


def row_label(hit: Hit, today: dt.date, terms: tuple[str, ...]) -> Content:
    """Two lines: the title, then what matters about the notice (its state, or category and
    dates); for a search result, the text around the match instead, its state by the title."""
    notice = hit.notice
    state, kind = state_text(notice, today)
    title = highlighted(notice.title, terms, "bold")
    badge = None
    if hit.snippet and state:
        badge = (f" {_(labels.NOTICE_STATES[notices.state(notice, today)])} ", BADGE_STYLE)
    elif notice.pinned and not state:
        badge = (_(" 置顶 "), BADGE_STYLE)
    if badge:
        title = Content.assemble(badge, " ", title)
    if hit.snippet:
        second = highlighted(hit.snippet, terms)
    elif state:
        second = Content.styled(f"{MessageLine.SYMBOLS[kind]} {state}", STATE_STYLES[kind])
    else:
        second = Content(meta_text(notice, today))
    return Content("\n").join([title, second])


class NoticeList(Vertical):
    BINDINGS = [Binding("pageup", "turn(-1)", show=False), Binding("pagedown", "turn(1)", show=False)]

    class Opened(Message):
        def __init__(self, notice_id: str):
            super().__init__()
            self.notice_id = notice_id

    def __init__(self, today: dt.date, *, extra: tuple[Widget, ...] = (), id: str | None = None):
        """`extra`: more buttons for the pager's row, at its end."""
        super().__init__(id=id)
        self.today = today
        self.extra = extra
        self.fetch: Fetch | None = None
        self.empty = ""
        self.page = 0
        self.rows_per_page = 0  # known once the list has its height
        self.shown: Page | None = None

    def compose(self) -> ComposeResult:
        yield Vertical(id="notice-rows")
        with Horizontal(id="pager"):
            yield Button(_("◀ 上一页"), id="page-previous", classes="secondary")
            yield Static(id="page-info")
            yield Button(_("下一页 ▶"), id="page-next", classes="secondary")
            yield from self.extra

    def show(self, fetch: Fetch, empty: str) -> None:
        """List what `fetch` finds, from its first page; `empty` says there is nothing."""
        self.fetch, self.empty, self.page = fetch, empty, 0
        self.reload()

    def reload(self) -> None:
        if self.fetch is not None and self.rows_per_page:
            self._load(self.fetch, self.page, self.rows_per_page)

    def on_resize(self) -> None:
        rows = max(1, self.rows_area_height() // ROW_HEIGHT)
        if rows != self.rows_per_page:
            self.rows_per_page = rows
            self.page = self.page * (self.shown.size if self.shown else rows) // rows
            self.reload()

    def rows_area_height(self) -> int:
        return self.content_size.height - PAGER_LINES + 1  # the last row needs no gap

    @work(thread=True, exclusive=True, group="notice-page")
    def _load(self, fetch: Fetch, page: int, size: int) -> None:
        try:
            result = fetch(page, size)
        except KioskError as exc:
            self.app.call_from_thread(self.screen.show_message, str(exc), "error")
            return
        finally:
            release()
        self.app.call_from_thread(self._fill, result)

    async def _fill(self, result: Page) -> None:
        self.shown, self.page = result, result.page
        rows = self.query_one("#notice-rows", Vertical)
        await rows.remove_children()
        if not result.hits:
            await rows.mount(Static(self.empty, classes="notice-empty"))
        else:
            await rows.mount_all(
                Button(row_label(hit, self.today, result.terms), name=hit.notice.id,
                       id=f"notice-{hit.notice.number}", classes="notice-row")
                for hit in result.hits)
        self.query_one("#page-info", Static).update(
            _("第 {page}/{pages} 页，共 {total} 条").format(
                page=result.page + 1, pages=result.pages, total=result.total))
        self.query_one("#page-previous", Button).disabled = result.page == 0
        self.query_one("#page-next", Button).disabled = result.page + 1 >= result.pages

    def action_turn(self, step: int) -> None:
        if self.shown is not None and 0 <= self.page + step < self.shown.pages:
            self.page += step
            self.reload()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id in ("page-previous", "page-next"):
            event.stop()
            self.action_turn(-1 if event.button.id == "page-previous" else 1)
        elif event.button.has_class("notice-row"):
            event.stop()
            self.post_message(self.Opened(event.button.name))
