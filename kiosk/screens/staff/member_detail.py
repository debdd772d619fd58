"""One member's history (staff): stage changes (a probation extended is recorded, not
overwritten), flow records, status, and their member card (issue or reissue, which stops
older cards; or stop the card in use)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, Input, Select, Static, TabbedContent, TabPane

from kiosk import labels
from kiosk.i18n import N_, _
from kiosk.printing import receipts
from kiosk.screens.staff.member_form import parse_day
from kiosk.screens.staff.worker import StaffWorkScreen
from kiosk.services import cards, members
from kiosk.services.privacy import mask_name

DIRECTIONS = {"out": N_("流出"), "in": N_("流入")}
SET_STATUSES = ("normal", "transferred_out", "deceased")


def issue_card(session, member_id: int, keys_dir):
    """Issue a card in the worker; what the card receipt needs comes back with it."""
    member = members.by_id(member_id)
    payload = cards.issue_member_card(session, member, keys_dir)
    _payload, card = cards.card_payload(member, keys_dir)
    return member, payload, card


def revoke_card(session, member_id: int) -> None:
    cards.revoke_member_card(session, members.by_id(member_id))


class MemberDetailScreen(StaffWorkScreen):
    def __init__(self, member_id: int):
        super().__init__()
        self.member_id = member_id

    def compose_body(self) -> ComposeResult:
        yield Static(_("发展与流动"), classes="screen-title", id="detail-title")
        with TabbedContent():
            with TabPane(_("发展阶段"), id="tab-stage"):
                yield Static(id="stage-history", classes="history")
                with Horizontal(classes="form-row"):
                    yield Select([(_(label), code) for code, label in labels.STAGES.items()],
                                 id="to-stage", prompt=_("新阶段"))
                    yield Input(id="stage-on", max_length=10, placeholder=_("日期 2026-07-01"))
                    yield Input(id="stage-note", max_length=200, placeholder=_("说明（延长预备期必填）"))
                    yield Button(_("记录"), id="stage")
            with TabPane(_("流动"), id="tab-flow"):
                yield Static(id="flow-history", classes="history")
                with Horizontal(classes="form-row"):
                    yield Select([(_(label), code) for code, label in DIRECTIONS.items()],
                                 id="direction", value="out", allow_blank=False)
                    yield Input(id="place", max_length=200, placeholder=_("流向 / 来自哪里"))
                    yield Input(id="flow-since", max_length=10, placeholder=_("日期"))
                with Horizontal(classes="form-row"):
                    yield Input(id="reason", max_length=200, placeholder=_("原因，如外出务工"))
                    yield Input(id="contact", max_length=100, placeholder=_("联系方式"))
                    yield Checkbox(_("持流动党员活动证"), id="certificate")
                    yield Button(_("登记"), id="flow")
            with TabPane(_("状态与党员卡"), id="tab-card"):
                yield Static(id="card-state", classes="history")
                with Horizontal(classes="form-row"):
                    yield Select([(_(labels.STATUSES[s]), s) for s in SET_STATUSES],
                                 id="status", prompt=_("新状态"))
                    yield Input(id="status-on", max_length=10, placeholder=_("日期"))
                    yield Button(_("变更状态"), id="set-status", classes="secondary")
                with Horizontal(classes="form-row"):
                    yield Button(_("发卡 / 补办新卡"), id="issue-card")
                    yield Button(_("停用党员卡"), id="revoke-card", classes="secondary")

    def reload(self) -> None:
        self.load(lambda: (members.by_id(self.member_id), *members.history(self.member_id)),
                  self._show)

    def _show(self, found) -> None:
        member, stages, flows = found
        self.query_one("#detail-title", Static).update(_("发展与流动：{name}（{number}）").format(
            name=member.name or _("外来党员"), number=member.number))
        self.query_one("#stage-history", Static).update("\n".join(
            f"{c.on:%Y-%m-%d}  {_(labels.STAGES.get(c.to_stage, c.to_stage))}"
            + (f"  {c.note}" if c.note else "") for c in stages) or _("还没有记录"))
        self.query_one("#flow-history", Static).update("\n".join(
            _("{since} 起 {direction}：{place}{until}　{reason}{certificate}").format(
                since=f"{f.since:%Y-%m-%d}", direction=_(DIRECTIONS[f.direction]), place=f.place,
                until=_("（到 {day}）").format(day=f"{f.until:%Y-%m-%d}") if f.until else "",
                reason=f.reason, certificate=_("，持活动证") if f.holds_flow_certificate else "")
            for f in flows) or _("没有流动记录"))
        self.query_one("#card-state", Static).update(_("现在的状态：{status}").format(
            status=_(labels.STATUSES.get(member.status, member.status))))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id
        if button not in ("stage", "flow", "set-status", "issue-card", "revoke-card"):
            return
        event.stop()
        session = self.app.staff_session
        value = lambda w: self.query_one(f"#{w}", Input).value  # noqa: E731
        chosen = lambda w: self.query_one(f"#{w}", Select).value  # noqa: E731
        if button == "issue-card":
            self.change(issue_card, session, self.member_id, self.app.config.keys_dir,
                        done=_("新卡已签发，以前的卡停用了"), then=self._print_card)
            return
        if button == "revoke-card":
            self.change(revoke_card, session, self.member_id, done=_("党员卡已停用"))
            return
        day_field = {"stage": "stage-on", "flow": "flow-since", "set-status": "status-on"}[button]
        try:
            day = parse_day(value(day_field)) or self.app.wall_clock().date()
        except ValueError:
            self.show_message(_("日期写成 2026-07-01 这样"), "error")
            return
        if button == "stage":
            self.change(members.change_stage, session, self.member_id,
                        chosen("to-stage") if chosen("to-stage") != Select.BLANK else "",
                        day, value("stage-note"), done=_("已记录"))
        elif button == "flow":
            self.change(members.record_flow, session, self.member_id,
                        direction=chosen("direction"), place=value("place"), since=day,
                        reason=value("reason"), contact=value("contact"),
                        holds_certificate=self.query_one("#certificate", Checkbox).value,
                        done=_("已登记"))
        else:
            self.change(members.set_status, session, self.member_id,
                        chosen("status") if chosen("status") != Select.BLANK else "", day,
                        done=_("状态已变更"))

    def _print_card(self, issued) -> None:
        """The new card as a receipt: printed, and shown on screen with its QR code."""
        member, payload, card = issued
        self.reload()
        self.app.print_receipt(receipts.member_card(
            hall=self.app.hall_name, time=self.app.wall_clock(), name=mask_name(member.name),
            number=member.number, branch=member.branch.name, payload=payload,
            serial=card.serial, issued=card.issued), "card")
