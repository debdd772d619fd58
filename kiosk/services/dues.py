"""Party dues (党费): staff record a payment (member, months covered, amount, who received
it) with a numbered receipt. A mistake is corrected by a new entry that reverses the old
one, never by editing it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from peewee import JOIN, fn

from kiosk.db.database import write_lock
from kiosk.db.models import Dues, Member, StaffUser, now
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.services import audit
from kiosk.services.hall import local_hall
from kiosk.services.staff import StaffSession, staff_only

MAX_MONTHS = 24


def parse_amount(text: str) -> Decimal:
    try:
        amount = Decimal(text.strip().removesuffix("元"))
    except InvalidOperation:
        raise KioskError(_("金额应为数字，如 12.00")) from None
    if not amount.is_finite() or amount <= 0 or amount >= 100_000 or amount != round(amount, 2):
        raise KioskError(_("金额应大于 0，最多两位小数"))
    return amount


def _receipt_no(at: dt.datetime) -> str:
    """DF + year + a 4-digit number, one more than the year's last."""
    prefix = f"DF{at:%Y}"
    last = (Dues.select(fn.MAX(Dues.receipt_no)).where(Dues.receipt_no.startswith(prefix))
            .scalar())
    return f"{prefix}{int(last[len(prefix):]) + 1 if last else 1:04d}"


@staff_only("dues.pay")
def pay(session: StaffSession, member_id: int, first_month: str, months: int, amount: Decimal,
        at: dt.datetime | None = None) -> Dues:
    at = (at or now()).replace(microsecond=0)
    if not re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", first_month.strip()):
        raise KioskError(_("起始月份写成 2026-01 这样"))
    if not 1 <= months <= MAX_MONTHS:
        raise KioskError(_("一次可交 1 到 {limit} 个月").format(limit=MAX_MONTHS))
    with write_lock():
        member = Member.get_by_id(member_id)
        dues = Dues.create(hall=local_hall(), member=member, first_month=first_month.strip(),
                           months=months, amount=amount, receipt_no=_receipt_no(at),
                           received_by=StaffUser.get(StaffUser.number == session.number),
                           time=at)
        audit.record("dues.pay", actor=session.actor, subject=member.number,
                     receipt=dues.receipt_no, months=months, amount=amount)
    return dues


@staff_only("dues.reverse")
def reverse(session: StaffSession, dues_id, at: dt.datetime | None = None) -> Dues:
    """A correcting entry that cancels payment `dues_id` (it stays on record)."""
    at = (at or now()).replace(microsecond=0)
    with write_lock():
        paid = Dues.get_or_none(Dues.id == dues_id)
        if paid is None or paid.months < 0:
            raise KioskError(_("只能冲销一笔缴费记录"))
        if Dues.select().where(Dues.reverses == paid).exists():
            raise KioskError(_("收据 {receipt_no} 已经冲销过了").format(receipt_no=paid.receipt_no))
        correction = Dues.create(hall=local_hall(), member=paid.member_id,
                                 first_month=paid.first_month, months=-paid.months,
                                 amount=-paid.amount, receipt_no=_receipt_no(at),
                                 received_by=StaffUser.get(StaffUser.number == session.number),
                                 reverses=paid, time=at)
        audit.record("dues.reverse", actor=session.actor, subject=paid.receipt_no,
                     receipt=correction.receipt_no)
    return correction


def member_dues(member_id: int) -> list[Dues]:
    """The member's payments and corrections, newest first, with who received them."""
    return list(Dues.select(Dues, StaffUser)
                .join(StaffUser, JOIN.LEFT_OUTER, on=(Dues.received_by == StaffUser.id))
                .where(Dues.member == member_id).order_by(Dues.time.desc(), Dues.receipt_no.desc()))
