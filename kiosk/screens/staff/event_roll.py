"""One meeting's roll (staff): 应到 / 实到 / 请假 / 缺席 / 迟到 with the list behind each
number; sign a member in on their behalf (代签到, recorded as such), record leave with its
reason, or remote attendance."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Static

from kiosk import labels
from kiosk.i18n import N_, _
from kiosk.screens.staff.worker import StaffWorkScreen, fill_table, selected_key
from kiosk.services import events
from kiosk.services.events import RollEntry

LISTS = {"expected": N_("应到"), "attended": N_("实到"), "leave": N_("请假"),
         "absent": N_("缺席"), "late": N_("迟到")}


def how(entry: RollEntry) -> str:
    """What is recorded for a member, in words: 到会 / 代签到（李秀英） / 请假：看病 …"""
    if not entry.kind:
        return _("未到")
    text = _(labels.ATTENDANCE_KINDS[entry.kind])
    if entry.assisted_by:
        text += _("（{name}）").format(name=entry.assisted_by)
    if entry.reason:
        text += _("：{reason}").format(reason=entry.reason)
    if entry.home_org:
        text += _("，来自 {org}").format(org=entry.home_org)
    return text


class EventRollScreen(StaffWorkScreen):
    def __init__(self, event_id: int):
        super().__init__()
        self.event_id = event_id
        self.showing = "expected"
        self.lists: dict[str, list[RollEntry]] = {}

    def compose_body(self) -> ComposeResult:
        yield Static(_("签到情况"), classes="screen-title", id="roll-title")
        with Horizontal(id="roll-counts"):
            for key, title in LISTS.items():
                yield Button(_(title), id=f"list-{key}", classes="roll-count secondary")
        yield DataTable(id="roll-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="form-row"):
            yield Button(_("代签到"), id="assisted")
            yield Button(_("远程参加"), id="remote", classes="secondary")
            yield Input(id="reason", max_length=100, placeholder=_("请假原因"))
            yield Button(_("登记请假"), id="leave", classes="secondary")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(_("编号"), _("姓名"), _("情况"), _("时间"), _("迟到"))
        super().on_mount()

    def reload(self) -> None:
        self.load(lambda: (events.get_event(self.event_id), events.roll_entries(self.event_id)),
                  self._show)

    def _show(self, found) -> None:
        event, self.lists = found
        self.query_one("#roll-title", Static).update(_("签到情况：{title}（{start}）").format(
            title=event.title, start=f"{event.start:%Y-%m-%d %H:%M}"))
        for key, title in LISTS.items():
            button = self.query_one(f"#list-{key}", Button)
            button.label = _("{what} {n}").format(what=_(title), n=len(self.lists[key]))
            button.set_class(key == self.showing, "-chosen")
        rows = [(str(e.member_id), (e.number, e.name or _("外来党员"), how(e),
                                    f"{e.time:%m-%d %H:%M}" if e.time else "",
                                    _("迟到") if e.late else ""))
                for e in self.lists[self.showing]]
        fill_table(self.query_one(DataTable), rows)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button.startswith("list-"):
            event.stop()
            self.showing = button.removeprefix("list-")
            self.reload()
        elif button in ("assisted", "remote", "leave"):
            event.stop()
            member = selected_key(self.query_one(DataTable))
            if member is None:
                self.show_message(_("请先在表格里选中一位党员"), "error")
                return
            reason = self.query_one("#reason", Input).value
            self.change(events.mark, self.app.staff_session, self.event_id, int(member), button,
                        reason, at=self.app.wall_clock(), done=_("已登记"), then=self._marked)

    def _marked(self, _row) -> None:
        self.query_one("#reason", Input).value = ""
        self.reload()
