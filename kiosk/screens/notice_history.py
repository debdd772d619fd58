"""A notice's history, newest first: every version with when, by which role and why it was
changed, and what changed, old and new side by side in words (改前/改后, 新增, 删去), the
changed words struck out or underlined and coloured. A retraction is shown with its reason."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from kiosk import labels
from kiosk.i18n import N_, _
from kiosk.screens.base import KioskScreen
from kiosk.services import notice_diff, notices
from kiosk.services.notices import NoticeView, VersionView
from kiosk.widgets.notice_list import day_text
from kiosk.widgets.scroll_buttons import ScrollButtons

OLD_STYLE = "strike bold $error"
NEW_STYLE = "underline bold $success"
FIELD_NAMES = {"title": N_("标题"), "category": N_("类别"), "valid_from": N_("有效期开始"),
               "valid_until": N_("有效期结束")}

Comparison = tuple[VersionView, tuple | None]  # a version, and its changes from the one before


def time_text(at: dt.datetime) -> str:
    return f"{day_text(at.date())} {at:%H:%M}"


class NoticeHistoryScreen(KioskScreen):
    AUTO_FOCUS = ""

    def __init__(self, notice_id: str):
        super().__init__()
        self.notice_id = notice_id

    def compose_body(self) -> ComposeResult:
        yield Static(_("修改记录"), id="history-title", classes="screen-title")
        with VerticalScroll(id="history-scroll"):
            yield Vertical(id="history-entries")
        yield ScrollButtons("#history-scroll")

    def on_mount(self) -> None:
        self.call_service(self._history, lambda found: self._show(*found))

    def _history(self) -> tuple[NoticeView, list]:
        """(In a worker thread.) The notice, and each version with what changed from the one
        before (None for the first)."""
        notice = notices.public(self.notice_id)
        found = notices.versions(self.notice_id)
        older = found[1:] + [None]
        return notice, [(version, notice_diff.compare(before, version) if before else None)
                        for version, before in zip(found, older)]

    async def _show(self, notice: NoticeView, comparisons: list[Comparison]) -> None:
        self.query_one("#history-title", Static).update(
            _("修改记录：{title}").format(title=notice.title))
        box = self.query_one("#history-entries", Vertical)
        entries = []
        edits = len(comparisons) - 1
        entries.append(Static(
            _("这条通知发布后修改过 {n} 次。每次修改都留有记录，不能删除。").format(n=edits)
            if edits else _("这条通知发布后没有修改过。"), classes="history-intro"))
        if notice.status == "retracted":
            role = _(labels.ROLES.get(notice.retracted_by_role, notice.retracted_by_role))
            entries.append(Static(Content.styled(
                _("✗ {time} · {role}撤回。撤回原因：{reason}").format(
                    time=time_text(notice.retracted), role=role, reason=notice.retract_reason),
                "bold $error"), classes="history-entry"))
        for version, changes in comparisons:
            entries += self._entry(version, changes)
        await box.mount_all(entries)

    def _entry(self, version: VersionView, changes: tuple | None) -> list:
        role = _(labels.ROLES.get(version.changed_by_role, version.changed_by_role))
        done = _("发布") if changes is None else _("修改")
        head = _("第 {n} 版 · {time} · {role}{done}").format(
            n=version.version, time=time_text(version.changed), role=role, done=done)
        widgets: list = [Static(head, classes="history-version")]
        if version.note:
            widgets.append(self._line(_("修改原因"), Content(version.note)))
        if changes is None:
            return widgets
        fields, texts = changes
        widgets += [self._field_line(change) for change in fields]
        for change in texts:
            widgets += self._text_lines(change)
        if not fields and not texts:
            widgets.append(self._line("", Content(_("文字没有变化，只调整了格式。"))))
        return widgets

    @staticmethod
    def _line(label: str, text: Content, classes: str = "") -> Horizontal:
        """A label in its own column, so that a change of several lines reads as one."""
        return Horizontal(Static(label, classes="history-label"), Static(text),
                          classes=f"history-line {classes}")

    def _field_line(self, change: notice_diff.FieldChange) -> Horizontal:
        def shown(value) -> str:
            if change.field == "category":
                return _(labels.NOTICE_CATEGORIES.get(value, value))
            if isinstance(value, dt.date):
                return day_text(value)
            return value or _("（没有）")

        return self._line(_(FIELD_NAMES[change.field]), Content.assemble(
            (shown(change.before), OLD_STYLE), " → ", (shown(change.after), NEW_STYLE)))

    def _text_lines(self, change: notice_diff.TextChange) -> list[Horizontal]:
        def marked(label: str, pieces, style: str, classes: str = "") -> Horizontal:
            return self._line(label, Content.assemble(
                *((text, style if changed else "") for text, changed in pieces)), classes)

        if not change.before:
            return [marked(_("新增"), change.after, NEW_STYLE)]
        if not change.after:
            return [marked(_("删去"), change.before, OLD_STYLE)]
        return [marked(_("改前"), change.before, OLD_STYLE),
                marked(_("改后"), change.after, NEW_STYLE, "-after")]
