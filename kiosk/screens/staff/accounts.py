"""Staff accounts (admins): add, disable or enable, reset a PIN, issue a staff card.
The services check the admin role again; this screen only saves a wasted tap."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Select, Static

from kiosk import labels
from kiosk.i18n import _
from kiosk.screens.staff.card import StaffCardScreen
from kiosk.screens.staff.worker import StaffWorkScreen, fill_table, selected_key
from kiosk.services import staff


class StaffAccountsScreen(StaffWorkScreen):
    def compose_body(self) -> ComposeResult:
        yield Static(_("工作人员账号"), classes="screen-title")
        yield DataTable(id="staff-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="form-row"):
            yield Button(_("停用 / 启用"), id="toggle", classes="secondary")
            yield Input(id="new-pin", password=True, max_length=8, restrict=r"[0-9]*",
                        placeholder=_("新密码"))
            yield Button(_("重置密码"), id="reset", classes="secondary")
            yield Button(_("发工作证"), id="card", classes="secondary")
        yield Static(_("添加工作人员"), classes="section-title")
        with Horizontal(classes="form-row"):
            yield Input(id="add-number", max_length=12, placeholder=_("工号"))
            yield Input(id="add-name", max_length=20, placeholder=_("姓名"))
            yield Select([(_(label), role) for role, label in labels.ROLES.items()], value="staff",
                         allow_blank=False, id="add-role")
            yield Input(id="add-pin", password=True, max_length=8, restrict=r"[0-9]*",
                        placeholder=_("初始密码"))
            yield Button(_("添加"), id="add")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("工号"), _("姓名"), _("角色"), _("状态"), _("工作证"))
        super().on_mount()

    def reload(self) -> None:
        self.load(staff.list_staff, lambda found: fill_table(self.query_one(DataTable), [
            (u.number, (u.number, u.name, _(labels.ROLES[u.role]),
                        _("正常") if u.active else _("已停用"),
                        _("第 {n} 张").format(n=u.card_serial) if u.card_serial else _("未发")))
            for u in found]))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id not in ("toggle", "reset", "card", "add"):
            return
        event.stop()
        session = self.app.staff_session
        value = lambda wid: self.query_one(f"#{wid}", Input).value  # noqa: E731
        number = selected_key(self.query_one(DataTable))
        if event.button.id == "add":
            role = self.query_one("#add-role", Select).value
            self.change(staff.add_staff, session, value("add-number"), value("add-name"), role,
                        value("add-pin"), done=_("已添加"), then=self._changed)
        elif number is None:
            self.show_message(_("请先在表格里选中一位工作人员"), "error")
        elif event.button.id == "toggle":
            active = self.query_one(DataTable).get_row(number)[3] != _("正常")
            self.change(staff.set_active, session, number, active,
                        done=_("已启用") if active else _("已停用"), then=self._changed)
        elif event.button.id == "reset":
            self.change(staff.reset_pin, session, number, value("new-pin"), done=_("密码已重置"),
                        then=self._changed)
        else:
            keys = self.app.config.keys_dir
            self.call_service(lambda: staff.issue_card(session, number, keys),
                              lambda payload: self._card_issued(number, payload))

    def _changed(self, _result) -> None:
        for field in self.query(Input):
            field.value = ""
        self.reload()

    def _card_issued(self, number: str, payload: str) -> None:
        self.reload()
        self.app.push_screen(StaffCardScreen(number, payload))
