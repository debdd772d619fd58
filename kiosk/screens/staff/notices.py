"""Notices for staff: every notice with its state, and new / edit / retract (with a reason
the public sees) / import from a folder."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Static

from kiosk import labels
from kiosk.i18n import _
from kiosk.screens.staff.notice_import import NoticeImportScreen
from kiosk.screens.staff.worker import StaffWorkScreen, fill_table, selected_key
from kiosk.services import notices


class StaffNoticesScreen(StaffWorkScreen):
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
        super().on_mount()

    def reload(self) -> None:
        today = self.app.wall_clock().date()
        self.load(notices.staff_list, lambda found: fill_table(self.query_one(DataTable), [
            (n.id, (str(n.number), n.title, _(labels.NOTICE_CATEGORIES.get(n.category, n.category)),
                    _(labels.NOTICE_STATES[notices.state(n, today)]), str(n.version),
                    _("是") if n.pinned else "", f"{n.published:%Y-%m-%d}" if n.published else ""))
            for n in found]))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id
        if button not in ("new", "edit", "import", "retract"):
            return
        event.stop()
        selected = selected_key(self.query_one(DataTable))
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
            reason = self.query_one("#retract-reason", Input).value
            self.change(notices.retract, self.app.staff_session, selected, reason,
                        done=lambda notice: _("已撤回第 {n} 号通知，群众仍能在「已过期/已撤回」里看到它和撤回原因")
                        .format(n=notice.number), then=self._retracted)

    def _changed(self, done: str | None) -> None:
        """Back from the editor or the import: what was done, if anything."""
        if done:
            self.show_message(done, "ok")
        self.reload()

    def _retracted(self, _notice) -> None:
        self.query_one("#retract-reason", Input).clear()
        self.reload()
