"""Meetings (staff): the latest events with 应到 / 实到 / 请假 / 缺席 / 迟到 at a glance; create
one, see and change its roll, write its minutes, end it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Static

from kiosk import labels
from kiosk.i18n import N_, _
from kiosk.screens.staff.event_form import EventFormScreen
from kiosk.screens.staff.event_minutes import EventMinutesScreen
from kiosk.screens.staff.event_roll import EventRollScreen
from kiosk.screens.staff.worker import StaffWorkScreen, fill_table, selected_key
from kiosk.services import events

STATUSES = {"planned": N_("未结束"), "closed": N_("已结束"), "cancelled": N_("已取消")}


class EventsScreen(StaffWorkScreen):
    def compose_body(self) -> ComposeResult:
        yield Static(_("会议与签到"), classes="screen-title")
        yield DataTable(id="events-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="form-row"):
            yield Button(_("签到情况"), id="roll")
            yield Button(_("新建会议"), id="new", classes="secondary")
            yield Button(_("会议记录"), id="minutes", classes="secondary")
            yield Button(_("结束会议"), id="close", classes="secondary")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            _("开始"), _("类型"), _("会议"), _("状态"), _("应到"), _("实到"), _("请假"), _("缺席"),
            _("迟到"))
        super().on_mount()

    def on_screen_resume(self) -> None:
        self.reload()  # back from the roll, the form or the minutes

    def reload(self) -> None:
        self.load(events.recent_events, self._fill)

    def _fill(self, found: list) -> None:
        rows = []
        for event, roll in found:
            rows.append((str(event.id), (
                f"{event.start:%m-%d %H:%M}", _(labels.EVENT_TYPES[event.type]), event.title,
                _(STATUSES.get(event.status, event.status)), str(len(roll.expected)),
                str(len(roll.attended)), str(len(roll.leave)), str(len(roll.absent)),
                str(len(roll.late)))))
        fill_table(self.query_one(DataTable), rows)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id
        if button not in ("roll", "new", "minutes", "close"):
            return
        event.stop()
        if button == "new":
            self.app.push_screen(EventFormScreen())
            return
        chosen = selected_key(self.query_one(DataTable))
        if chosen is None:
            self.show_message(_("请先在表格里选中一个会议"), "error")
        elif button == "roll":
            self.app.push_screen(EventRollScreen(int(chosen)))
        elif button == "minutes":
            self.app.push_screen(EventMinutesScreen(int(chosen)))
        else:
            self.change(events.close_event, self.app.staff_session, int(chosen),
                        done=_("会议已结束，不能再扫码签到"))
