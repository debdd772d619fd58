"""The member registry (staff): find a member by number, name or pinyin initials (zs finds
张三), add or edit one, open their history (stage, flow, status, card) or their dues."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Static

from kiosk import labels
from kiosk.i18n import _
from kiosk.screens.staff.member_detail import MemberDetailScreen
from kiosk.screens.staff.member_dues import MemberDuesScreen
from kiosk.screens.staff.member_form import MemberFormScreen
from kiosk.screens.staff.worker import StaffWorkScreen, fill_table, selected_key
from kiosk.services import members


class MembersScreen(StaffWorkScreen):
    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="form-row", id="members-top"):
            yield Static(_("党员管理"), classes="screen-title")
            yield Input(id="search", max_length=20, placeholder=_("查找：编号、姓名或拼音首字母（如 zs）"))
        yield DataTable(id="members-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="form-row"):
            yield Button(_("发展与流动"), id="detail")
            yield Button(_("党费"), id="dues", classes="secondary")
            yield Button(_("修改信息"), id="edit", classes="secondary")
            yield Button(_("新增党员"), id="new", classes="secondary")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(_("编号"), _("姓名"), _("支部"), _("阶段"), _("状态"),
                                              _("原组织"))
        super().on_mount()
        self.query_one("#search", Input).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        text = self.query_one("#search", Input).value
        self.load(lambda: members.search(text), self._fill)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.reload()

    def _fill(self, found: list) -> None:
        fill_table(self.query_one(DataTable), [
            (str(m.id), (m.number, m.name or _("外来党员"), m.branch.name,
                         _(labels.STAGES.get(m.stage, m.stage)),
                         _(labels.STATUSES.get(m.status, m.status)), m.home_org))
            for m in found])

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id
        if button not in ("detail", "dues", "edit", "new"):
            return
        event.stop()
        if button == "new":
            self.app.push_screen(MemberFormScreen())
            return
        chosen = selected_key(self.query_one(DataTable))
        if chosen is None:
            self.show_message(_("请先在表格里选中一位党员"), "error")
            return
        screen = {"detail": MemberDetailScreen, "dues": MemberDuesScreen,
                  "edit": MemberFormScreen}[button]
        self.app.push_screen(screen(int(chosen)))
