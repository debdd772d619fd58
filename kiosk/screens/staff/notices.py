"""Notices for staff: every notice with its state, and new / edit / retract (with a reason
the public sees) / import from a folder."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Static

from kiosk import labels
from kiosk.db.database import release
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.screens.staff.notice_import import NoticeImportScreen
from kiosk.services import notices


class StaffNoticesScreen(KioskScreen):
    def compose_body(self) -> ComposeResult:
        yield Static(_("通知发布"), classes="screen-title")
        yield DataTable(id="notices-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="form-row"):
            yield Button(_("新建通知"), id="new")
            yield Button(_("修改"), id="edit", classes="secondary")
            yield Button(_("从文件夹导入"), id="import", classes="secondary")
        with Horizontal(classes="form-row"):
            yield Input(id="retract-reason", max_length=notices.MAX_REASON,
                        placeholder=_("撤回原因（群众能看到）"))
            yield Button(_("撤回"), id="retract", classes="secondary")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            _("编号"), _("标题"), _("类别"), _("状态"), _("版本"), _("置顶"), _("发布时间"))
        self.reload()

    @work(thread=True, exclusive=True, group="load")
    def reload(self) -> None:
        today = self.app.wall_clock().date()
        try:
            rows = [(str(n.id), str(n.number), n.title,
                     _(labels.NOTICE_CATEGORIES.get(n.category, n.category)),
                     _(labels.NOTICE_STATES[notices.state(n, today)]), str(n.version),
                     _("是") if n.pinned else "",
                     f"{n.published:%Y-%m-%d}" if n.published else "")
                    for n in notices.staff_list()]
        finally:
            release()
        self.app.call_from_thread(self._fill, rows)

    def _fill(self, rows: list[tuple]) -> None:
        table = self.query_one(DataTable)
        selected = self._selected()
        table.clear()
        for notice_id, *cells in rows:
            table.add_row(*cells, key=notice_id)
        if selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected))

    def _selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id
        if button not in ("new", "edit", "import", "retract"):
            return
        event.stop()
        selected = self._selected()
        # imported when first needed: its Markdown preview would slow the kiosk's start-up
        from kiosk.screens.staff.notice_editor import NoticeEditorScreen

        if button == "new":
            self.app.push_screen(NoticeEditorScreen(), self._changed)
        elif button == "import":
            self.app.push_screen(NoticeImportScreen(), self._changed)
        elif selected is None:
            self.show_message(_("请先在表格里选中一条通知"), "error")
        elif button == "edit":
            self.app.push_screen(NoticeEditorScreen(selected), self._changed)
        else:
            self._retract(selected, self.query_one("#retract-reason", Input).value)

    def _changed(self, done: str | None) -> None:
        """Back from the editor or the import: what was done, if anything."""
        if done:
            self.show_message(done, "ok")
        self.reload()

    @work(thread=True, group="change")
    def _retract(self, notice_id: str, reason: str) -> None:
        try:
            notice = notices.retract(self.app.staff_session, notice_id, reason)
        except KioskError as exc:
            self.app.call_from_thread(self.show_message, str(exc), "error")
            return
        finally:
            release()
        self.app.call_from_thread(self.query_one("#retract-reason", Input).clear)
        self.app.call_from_thread(self._changed, _("已撤回第 {n} 号通知，群众仍能在「已过期/已撤回」里看到它和撤回原因")
                                  .format(n=notice.number))
