"""A member's party dues (staff): the payments and corrections, a new payment with its
printed receipt, and reversing a payment made by mistake (a new, negative entry)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Static

from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.printing import receipts
from kiosk.screens.staff.worker import StaffWorkScreen, fill_table, selected_key
from kiosk.services import dues, members, my_record
from kiosk.services.privacy import mask_name


def load_dues(member_id: int):
    member = members.by_id(member_id)
    return member, dues.member_dues(member_id), my_record.paid_months(member)


class MemberDuesScreen(StaffWorkScreen):
    def __init__(self, member_id: int):
        super().__init__()
        self.member_id = member_id

    def compose_body(self) -> ComposeResult:
        yield Static(_("党费"), classes="screen-title", id="dues-title")
        yield DataTable(id="dues-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="form-row"):
            yield Input(id="first-month", max_length=7, placeholder=_("起始月份 2026-01"))
            yield Input(id="months", max_length=2, restrict=r"[0-9]*", placeholder=_("月数"))
            yield Input(id="amount", max_length=10, placeholder=_("金额（元）"))
            yield Button(_("收款并打印收据"), id="pay")
            yield Button(_("冲销选中的"), id="reverse", classes="secondary")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(_("收据号"), _("时间"), _("起始月份"), _("月数"),
                                              _("金额"), _("收款人"), _("说明"))
        super().on_mount()

    def reload(self) -> None:
        self.load(lambda: load_dues(self.member_id), self._show)

    def _show(self, found) -> None:
        self.member, entries, paid = found
        through = _("，已交到 {month}").format(month=paid[-1]) if paid else ""
        self.query_one("#dues-title", Static).update(_("党费：{name}（{number}）{through}").format(
            name=self.member.name, number=self.member.number, through=through))
        reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
        fill_table(self.query_one(DataTable), [
            (str(e.id), (e.receipt_no, f"{e.time:%Y-%m-%d %H:%M}", e.first_month, str(e.months),
                         f"{e.amount:.2f}", e.received_by.name if e.received_by_id else "",
                         _("冲销") if e.reverses_id else _("已冲销") if e.id in reversed_ids else ""))
            for e in entries])

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id
        if button not in ("pay", "reverse"):
            return
        event.stop()
        session = self.app.staff_session
        if button == "reverse":
            chosen = selected_key(self.query_one(DataTable))
            if chosen is None:
                self.show_message(_("请先在表格里选中要冲销的收据"), "error")
            else:
                self.change(dues.reverse, session, chosen, done=_("已冲销"), then=self._print)
            return
        value = lambda wid: self.query_one(f"#{wid}", Input).value  # noqa: E731
        try:
            amount = dues.parse_amount(value("amount"))
        except KioskError as exc:
            self.show_message(str(exc), "error")
            return
        self.change(dues.pay, session, self.member_id, value("first-month"),
                    int(value("months") or 0), amount, done=_("已收款"), then=self._print)

    def _print(self, entry) -> None:
        for field in self.query(Input):
            field.value = ""
        self.reload()
        self.app.print_receipt(receipts.dues_receipt(
            hall=self.app.hall_name, time=entry.time, receipt_no=entry.receipt_no,
            member_name=mask_name(self.member.name), member_number=self.member.number,
            first_month=entry.first_month, months=entry.months, amount=entry.amount,
            received_by=self.app.staff_session.name), "dues")
