"""诉求处理 (staff): open requests oldest first, overdue ones marked; assign, reply (what the
resident sees), close, reopen. Closed requests can be listed to reopen one."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Select, Static

from kiosk import labels
from kiosk.i18n import _
from kiosk.screens.staff.worker import StaffWorkScreen, fill_table, selected_key
from kiosk.services import requests, staff

SUMMARY = 16  # characters of the description shown in the table


class StaffRequestsScreen(StaffWorkScreen):
    def __init__(self) -> None:
        super().__init__()
        self.closed = False
        self.items: dict[str, requests.QueueItem] = {}

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="staff-top"):
            yield Static(_("诉求处理"), classes="screen-title")
            yield Button(_("看已办结的"), id="toggle-closed", classes="secondary")
        yield DataTable(id="staff-requests-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="request-detail", markup=False)
        with Horizontal(classes="form-row"):
            yield Input(id="reply-text", max_length=requests.MAX_TEXT,
                        placeholder=_("答复（群众扫回执能看到）"))
            yield Button(_("答复"), id="reply")
        with Horizontal(classes="form-row"):
            yield Button(_("我来办理"), id="assign")
            yield Select([], id="assignee", prompt=_("交给别人办理"))
            yield Button(_("办结"), id="close")
            yield Button(_("重新办理"), id="reopen", classes="secondary")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(_("回执号"), _("提交"), _("类别"), _("状态"),
                                              _("经办人"), _("内容"))
        super().on_mount()
        self.load(staff.list_staff, self._fill_staff)

    def _fill_staff(self, users: list) -> None:
        self.query_one("#assignee", Select).set_options(
            (f"{user.name}（{user.number}）", user.number) for user in users if user.active)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        chosen = selected_key(self.query_one(DataTable))
        if event.value is Select.NULL or chosen is None:
            return
        event.select.clear()
        self.change(requests.assign, self.app.staff_session, chosen, event.value,
                    done=_("已改派"))

    def reload(self) -> None:
        at, days, closed = self.app.wall_clock(), self.app.config.request_overdue_days, self.closed
        self.load(lambda: requests.queue(at, days, closed), self._fill)

    def _fill(self, items: list[requests.QueueItem]) -> None:
        self.items = {item.id: item for item in items}
        fill_table(self.query_one(DataTable), [(item.id, _row(item)) for item in items])
        self._show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def _show_detail(self) -> None:
        item = self.items.get(selected_key(self.query_one(DataTable)) or "")
        detail = self.query_one("#request-detail", Static)
        if item is None:
            detail.update(_("没有未办结的诉求") if not self.closed else _("没有已办结的诉求"))
            return
        lines = [_("内容：{text}").format(text=item.text or _("（请工作人员协助填写）")),
                 _("电话：{phone}").format(phone=item.phone or _("没有留")),
                 _("答复：{text}").format(text=item.reply or _("还没有答复"))]
        if item.verdict:
            lines.append(_("群众评价：{v}").format(v=_(labels.VERDICTS[item.verdict])))
        detail.update("\n".join(lines))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id
        if button == "toggle-closed":
            event.stop()
            self.closed = not self.closed
            event.button.label = _("看未办结的") if self.closed else _("看已办结的")
            self.reload()
            return
        if button not in ("assign", "reply", "close", "reopen"):
            return
        event.stop()
        chosen = selected_key(self.query_one(DataTable))
        if chosen is None:
            self.show_message(_("请先在表格里选中一件诉求"), "error")
            return
        session = self.app.staff_session
        if button == "assign":
            self.change(requests.assign, session, chosen, done=_("已由您办理"))
        elif button == "reply":
            text = self.query_one("#reply-text", Input).value
            self.change(requests.reply, session, chosen, text, done=_("答复已保存"),
                        then=self._replied)
        elif button == "close":
            self.change(requests.close, session, chosen, done=_("已办结"))
        else:
            self.change(requests.reopen, session, chosen, done=_("已重新办理"))


    def _replied(self, _request) -> None:
        self.query_one("#reply-text", Input).clear()
        self.reload()


def _row(item: requests.QueueItem) -> tuple:
    marks = "".join((
        _("⚠超期 ") if item.overdue else "",
        _("↻重办 ") if item.reopened else "",
        _("☎需协助 ") if item.needs_help and not item.text else "",
    ))
    ticket = Text(marks + item.ticket, style="bold red" if item.overdue else "")
    text = " ".join(item.text.split())
    return (ticket, f"{item.created:%m-%d %H:%M}",
            _(labels.REQUEST_CATEGORIES.get(item.category, item.category)),
            _(labels.REQUEST_STATUSES[item.status]), item.assigned_to or "—",
            text[:SUMMARY] + ("…" if len(text) > SUMMARY else ""))
