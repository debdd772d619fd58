"""Adding a member, or editing one's details (staff). Stage, status and flow change on the
member's history screen, where they are kept as history."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Button, Input, Label, Select, Static

from kiosk import labels
from kiosk.i18n import N_, _
from kiosk.screens.staff.worker import StaffWorkScreen
from kiosk.services import members
from kiosk.services.members import MemberDetails

SEXES = {"M": N_("男"), "F": N_("女")}
TEXT_FIELDS = ("name", "phone", "id_number", "address", "home_org")


def parse_day(text: str) -> dt.date | None:
    """ "2026-11-27" -> date; "" -> None; ValueError otherwise."""
    return dt.date.fromisoformat(text.strip()) if text.strip() else None


class MemberFormScreen(StaffWorkScreen):
    def __init__(self, member_id: int | None = None):
        super().__init__()
        self.member_id = member_id

    def compose_body(self) -> ComposeResult:
        adding = self.member_id is None
        yield Static(_("新增党员") if adding else _("修改党员信息"), classes="screen-title",
                     id="form-title")
        with Grid(classes="form-grid"):
            yield Label(_("党员编号"))
            yield Input(id="number", max_length=12, disabled=not adding)
            yield Label(_("姓名"))
            yield Input(id="name", max_length=50)
            yield Label(_("性别"))
            yield Select([(_(label), code) for code, label in SEXES.items()], id="sex",
                         prompt=_("选择"))
            yield Label(_("出生日期"))
            yield Input(id="birth_date", max_length=10, placeholder="1970-01-31")
            yield Label(_("电话"))
            yield Input(id="phone", max_length=20)
            yield Label(_("身份证号"))
            yield Input(id="id_number", max_length=18)
            yield Label(_("支部"))
            yield Select([], id="branch", prompt=_("选择支部"))
            yield Label(_("原组织"))
            yield Input(id="home_org", max_length=100, placeholder=_("流入党员填写"))
            yield Label(_("住址"))
            yield Input(id="address", max_length=200)
            if adding:
                yield Label(_("发展阶段"))
                yield Select([(_(label), code) for code, label in labels.STAGES.items()],
                             value="full", allow_blank=False, id="stage")
                yield Label(_("阶段开始于"))
                yield Input(id="since", max_length=10, placeholder="2020-07-01")
            yield Label("")
            yield Button(_("保存"), id="save")

    def reload(self) -> None:
        self.load(lambda: (members.list_branches(),
                           members.by_id(self.member_id) if self.member_id else None),
                  self._show)

    def _show(self, found) -> None:
        branches, member = found
        branch = self.query_one("#branch", Select)
        branch.set_options([(b.name, b.id) for b in branches])
        if member is None:
            if branches:
                branch.value = branches[0].id
            return
        self.query_one("#number", Input).value = member.number
        for name in TEXT_FIELDS:
            self.query_one(f"#{name}", Input).value = getattr(member, name)
        self.query_one("#birth_date", Input).value = f"{member.birth_date or ''}"
        branch.value = member.branch_id
        if member.sex:
            self.query_one("#sex", Select).value = member.sex

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "save":
            return
        event.stop()
        value = lambda wid: self.query_one(f"#{wid}", Input).value  # noqa: E731
        chosen = lambda wid: self.query_one(f"#{wid}", Select).value  # noqa: E731
        try:
            birth = parse_day(value("birth_date"))
            since = parse_day(value("since")) if self.member_id is None else None
        except ValueError:
            self.show_message(_("日期写成 1970-01-31 这样"), "error")
            return
        details = MemberDetails(
            branch_id=chosen("branch") if chosen("branch") != Select.BLANK else 0,
            sex=chosen("sex") if chosen("sex") != Select.BLANK else "", birth_date=birth,
            **{name: value(name) for name in TEXT_FIELDS})
        session = self.app.staff_session
        if self.member_id is not None:
            self.change(members.edit_member, session, self.member_id, details,
                        done=_("已保存"), then=self._saved)
        elif since is None:
            self.show_message(_("请填写阶段开始的日期"), "error")
        else:
            self.change(members.add_member, session, value("number"), details, chosen("stage"),
                        since, done=_("已保存"), then=self._saved)

    def _saved(self, _result) -> None:
        self.app.pop_screen()
        self.app.show_message(_("党员信息已保存"), "ok")
