"""A new meeting (staff): type, branch, title, place, day and times, and its sign-in window
(by default from half an hour before the start until the end)."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal
from textual.widgets import Button, Input, Label, Select, Static

from kiosk import labels
from kiosk.i18n import _
from kiosk.screens.staff.worker import StaffWorkScreen
from kiosk.services import events, members


def parse_moment(day: str, clock: str) -> dt.datetime:
    """ "2026-11-27", "9:30" -> datetime; ValueError when either cannot be read."""
    hour, minute = clock.strip().replace("：", ":").split(":")
    return dt.datetime.combine(dt.date.fromisoformat(day.strip()), dt.time(int(hour), int(minute)))


class EventFormScreen(StaffWorkScreen):
    def compose_body(self) -> ComposeResult:
        today = self.app.wall_clock()
        yield Static(_("新建会议"), classes="screen-title")
        with Grid(id="event-form", classes="form-grid"):
            yield Label(_("类型"))
            yield Select([(_(label), code) for code, label in labels.EVENT_TYPES.items()],
                         value="branch_assembly", allow_blank=False, id="type")
            yield Label(_("应到支部"))
            yield Select([], id="branch", prompt=_("选择支部"))
            yield Label(_("会议名称"))
            yield Input(id="title", max_length=100, placeholder=_("如：11 月支部党员大会"))
            yield Label(_("地点"))
            yield Input(id="place", max_length=100, placeholder=_("如：二楼会议室"))
            yield Label(_("日期"))
            yield Input(f"{today:%Y-%m-%d}", id="day", max_length=10)
            yield Label(_("开始 / 结束"))
            with Horizontal(classes="pair"):
                yield Input("09:00", id="start", max_length=5)
                yield Input("11:00", id="end", max_length=5)
            yield Label(_("签到开始"))
            yield Input(id="opens", max_length=5, placeholder=_("不填：开始前半小时"))
            yield Label(_("签到截止"))
            yield Input(id="closes", max_length=5, placeholder=_("不填：会议结束时"))
        yield Button(_("保存"), id="save")

    def reload(self) -> None:
        self.load(members.list_branches, self._branches)

    def _branches(self, branches: list) -> None:
        select = self.query_one("#branch", Select)
        select.set_options([(b.name, b.id) for b in branches])
        if branches:
            select.value = branches[0].id

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "save":
            return
        event.stop()
        value = lambda wid: self.query_one(f"#{wid}", Input).value.strip()  # noqa: E731
        branch = self.query_one("#branch", Select).value
        try:
            start, end = (parse_moment(value("day"), value(w)) for w in ("start", "end"))
            opens, closes = (parse_moment(value("day"), value(w)) if value(w) else None
                             for w in ("opens", "closes"))
        except ValueError:
            self.show_message(_("日期写成 2026-11-27，时间写成 09:30"), "error")
            return
        self.change(events.create_event, self.app.staff_session,
                    branch_id=branch if branch != Select.BLANK else 0,
                    type=self.query_one("#type", Select).value, title=value("title"),
                    place=value("place"), start=start, end=end, signin_opens=opens,
                    signin_closes=closes, done=_("会议已建好"), then=self._saved)

    def _saved(self, event) -> None:
        self.app.pop_screen()
        self.app.show_message(_("会议「{title}」已建好").format(title=event.title), "ok")
