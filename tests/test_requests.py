"""The requests service, on SQLite and PostgreSQL: the whole loop, lookups, bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.db.models import AuditEntry, HelpCall, Request
from kiosk.errors import KioskError
from kiosk.services import audit, requests
from kiosk.services.staff import StaffSession

CLERK = StaffSession("8002", "李秀英", "staff")


@pytest.fixture
def clerk(staff_accounts):
    return CLERK


def _id(ticket: str) -> str:
    return str(Request.get(Request.ticket == ticket).id)


def test_whole_loop(clerk):
    view = requests.submit("utilities", "村口路灯坏了", phone="138 0013 8000")
    assert view.status == "received" and view.phone == "138****8000"
    assert view.proof.startswith("VK1T" + view.ticket + ".")
    request_id = _id(view.ticket)

    requests.assign(clerk, request_id)
    requests.reply(clerk, request_id, "已联系电工，明天修好")
    requests.close(clerk, request_id)
    seen = requests.by_number(view.ticket.lower(), "8000")
    assert (seen.status, seen.reply) == ("closed", "已联系电工，明天修好")

    reopened = requests.give_verdict(view.proof, "unsatisfied", "还是不亮")
    assert (reopened.status, reopened.verdict, reopened.reopened) == ("in_progress", "unsatisfied", 1)
    with pytest.raises(KioskError, match="办结以后"):
        requests.give_verdict(view.proof, "satisfied")

    requests.close(clerk, request_id)
    assert requests.give_verdict(view.proof, "satisfied").verdict == "satisfied"
    requests.reopen(clerk, request_id)
    assert requests.by_scan(view.proof).reopened == 2

    actions = [e.action for e in AuditEntry.select().where(AuditEntry.subject == view.ticket)
               .order_by(AuditEntry.seq)]
    assert actions == ["request.submit", "request.assign", "request.reply", "request.close",
                       "request.verdict", "request.reopen", "request.close", "request.verdict",
                       "request.reopen"]
    assert audit.verify().ok


def test_close_needs_a_reply(clerk):
    view = requests.submit("other", "想问问")
    with pytest.raises(KioskError, match="先写答复"):
        requests.close(clerk, _id(view.ticket))
    assert Request.get(Request.ticket == view.ticket).status == "received"


@pytest.mark.parametrize("text, phone, message", [
    ("", "", "要办的事"),
    ("   \n ", "", "要办的事"),
    ("字" * 10_000, "", "太长"),
    ("路灯坏了😀", "", "表情"),
    ("路灯坏了", "12345", "电话号码"),
    ("路灯坏了", "1380013800a", "电话号码"),
])
def test_bad_input_saves_nothing(db, text, phone, message):
    with pytest.raises(KioskError, match=message):
        requests.submit("utilities", text, phone=phone)
    assert Request.select().count() == 0


def test_help_without_typing_calls_staff(db):
    view = requests.submit("certificate", "", needs_help=True)
    assert view.needs_help
    assert HelpCall.select().where(HelpCall.place == "requests").count() == 1


def test_forged_and_unknown_tickets(db):
    view = requests.submit("policy", "低保怎么申请")
    forged = view.proof[:-4] + "AAAA"
    for text in (forged, "VK1TQ000000.ABCDEFGHIJKLMNOP", "hello"):
        with pytest.raises(KioskError, match="查不到"):
            requests.by_scan(text)
    with pytest.raises(KioskError):
        requests.give_verdict(forged, "satisfied")


def test_guessing_locks_the_ticket(db):
    view = requests.submit("policy", "低保怎么申请", phone="13800138000")
    at = dt.datetime(2026, 11, 27, 10, 0)
    for digits in ("1234", "１２３４", "12", "abcd"):
        with pytest.raises(KioskError, match="不对"):
            requests.by_number(view.ticket, digits, at)
    with pytest.raises(KioskError, match="10 分钟"):
        requests.by_number(view.ticket, "1234", at)
    with pytest.raises(KioskError, match="暂时不能查询"):  # even the right digits
        requests.by_number(view.ticket, "8000", at + dt.timedelta(minutes=5))
    assert requests.by_number(view.ticket, "8000", at + dt.timedelta(minutes=11)).ticket == view.ticket
    assert AuditEntry.select().where(AuditEntry.action == "request.lookup_locked").count() == 1


def test_no_phone_points_to_the_qr(db):
    view = requests.submit("policy", "低保怎么申请")
    with pytest.raises(KioskError, match="二维码"):
        requests.by_number(view.ticket, "0000")


def test_queue_and_statistics(clerk):
    old = requests.submit("sanitation", "垃圾没人收")
    Request.update(created=dt.datetime(2026, 11, 2, 9)).where(Request.ticket == old.ticket).execute()
    new = requests.submit("sanitation", "水沟堵了")
    at = dt.datetime(2026, 11, 27, 10)
    items = requests.queue(at, overdue_days=7)
    assert [(i.ticket, i.overdue) for i in items] == [(old.ticket, True), (new.ticket, False)]

    requests.reply(clerk, items[0].id, "已安排")
    requests.close(clerk, items[0].id)
    Request.update(closed=dt.datetime(2026, 11, 6, 9)).where(Request.ticket == old.ticket).execute()
    requests.give_verdict(old.proof, "mostly_satisfied")
    assert [i.ticket for i in requests.queue(at, 7, closed=True)] == [old.ticket]

    month, year = requests.month_and_year(dt.date(2026, 11, 27))
    assert month.total == 2 and year.total == 2
    assert month.by_status == {"received": 1, "in_progress": 0, "closed": 1}
    assert month.by_category["sanitation"] == 2
    assert month.median_days_to_close == 4.0
    assert month.satisfied_share == 1.0
