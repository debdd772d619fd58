"""A small hall whose report figures are worked out by hand in tests/test_reports.py: two
branches, the second quarter of 2026, and a neighbouring hall in the same database (as on a
county server) that the hall filter must leave out. Call `build()` on a `db` fixture."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from kiosk.db.database import write_lock
from kiosk.db.models import (
    Attendance, Branch, Dues, Event, FlowRecord, Hall, Member, MemberStageChange, Request,
)
from kiosk.services.events import record_rolls
from kiosk.services.hall import local_hall
from kiosk.services.periods import parse_period

PERIOD = parse_period("2026-Q2")
TODAY = dt.date(2026, 7, 15)
OLD = dt.datetime(2025, 1, 1)
MEMBERS = (  # number, name, branch (0 or 1), stage, status, card_key
    ("R001", "张三明", 0, "full", "normal", ""),
    ("R002", "李四", 0, "probationary", "normal", ""),
    ("R003", "王五华", 0, "full", "flowed_out", ""),
    ("R004", "赵六", 0, "full", "deceased", ""),
    ("R005", "孙七", 0, "activist", "normal", ""),
    ("R006", "周八", 1, "full", "normal", ""),
    ("R007", "吴九", 1, "full", "flowed_in", ""),
    ("R008", "郑十", 1, "full", "normal", ""),
    ("V001", "冯外来", 0, "full", "normal", "OTHERKEY"),  # a member from another hall
)
MINUTES = "学习了党章第三章，讨论了村里道路硬化的事，大家发言踊跃。"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def undo_version_5(db) -> None:
    """Take out what schema version 5 added, so that a test can upgrade to it."""
    db.execute_sql("DROP INDEX attendance_event_id_kind_on_roll_late")
    for table, column in (("event", "expected"), ("attendance", "on_roll")):
        db.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')


def build() -> dict:
    with write_lock():
        hall = local_hall()
        branches = [Branch.create(hall=hall, name=name) for name in ("第一党支部", "第二党支部")]
        people = {number: Member.create(number=number, name=name, branch=branches[branch],
                                        stage=stage, status=status, card_key=key, created=OLD)
                  for number, name, branch, stage, status, key in MEMBERS}
        people["R002"].probation_on = dt.date(2025, 6, 1)
        people["R002"].save()
        people["R005"].activist_on = dt.date(2025, 3, 1)
        people["R005"].save()

        def event(branch: int, kind: str, start: str, status: str = "closed",
                  minutes: str = "") -> Event:
            begins = at(start)
            return Event.create(branch=branches[branch], type=kind, title=f"{kind} {start[:10]}",
                                start=begins, end=begins + dt.timedelta(hours=2),
                                signin_opens=begins, signin_closes=begins, status=status,
                                minutes=minutes)

        def came(event_: Event, number: str, kind: str = "present", late: bool = False) -> None:
            Attendance.create(hall=hall, event=event_, member=people[number], kind=kind,
                              time=event_.start, late=late)

        first = event(0, "theme_day", "2026-04-10 09:00")
        came(first, "R001"), came(first, "R002", late=True), came(first, "R003", "remote")
        came(first, "V001")
        second = event(0, "group", "2026-05-12 09:00", minutes=MINUTES)
        came(second, "R001", "leave"), came(second, "R002", "assisted")
        event(0, "branch_assembly", "2026-06-20 09:00")
        event(0, "committee", "2026-06-01 09:00", status="cancelled")
        event(0, "lecture", "2026-07-20 09:00", status="planned")  # after the period
        fifth = event(1, "theme_day", "2026-04-15 09:00")
        came(fifth, "R006"), came(fifth, "R007", late=True)

        MemberStageChange.create(hall=hall, member=people["R001"], from_stage="probationary",
                                 to_stage="full", on=dt.date(2026, 5, 20), recorded=OLD)
        MemberStageChange.create(hall=hall, member=people["R002"], from_stage="candidate",
                                 to_stage="probationary", on=dt.date(2025, 6, 1), recorded=OLD)

        for number, direction, place, since, until in (
            ("R003", "out", "广东省深圳市", dt.date(2025, 9, 1), None),
            ("R006", "out", "广东省深圳市", dt.date(2026, 5, 1), None),
            ("R001", "out", "浙江省杭州市", dt.date(2025, 1, 1), dt.date(2025, 3, 1)),
            ("R007", "in", "福建省福州市", dt.date(2026, 1, 10), None),
        ):
            FlowRecord.create(hall=hall, member=people[number], direction=direction, place=place,
                              since=since, until=until, recorded=OLD)

        def pay(number: str, first_month: str, months: int, receipt: str, reverses=None) -> Dues:
            return Dues.create(hall=hall, member=people[number], first_month=first_month,
                               months=months, amount=Decimal(months), receipt_no=receipt,
                               reverses=reverses, time=OLD)

        pay("R001", "2026-01", 6, "DF20260001")
        pay("R002", "2026-05", 12, "DF20260002")
        pay("R006", "2026-04", -3, "DF20260004", reverses=pay("R006", "2026-04", 3, "DF20260003"))
        pay("R007", "2026-06", 1, "DF20260005")

        for ticket, category, created, closed, verdict in (
            ("A", "certificate", "2026-04-01 09:00", "2026-04-03 09:00", "satisfied"),
            ("B", "certificate", "2026-04-10 09:00", "2026-04-20 09:00", "unsatisfied"),
            ("C", "certificate", "2026-05-01 09:00", "2026-05-05 09:00", ""),
            ("D", "sanitation", "2026-06-01 09:00", None, ""),
            ("E", "sanitation", "2026-03-20 00:00", "2026-04-02 12:00", "mostly_satisfied"),
        ):
            Request.create(hall=hall, ticket=ticket, secret="x", category=category,
                           status="closed" if closed else "received", verdict=verdict,
                           created=at(created), closed=at(closed) if closed else None)

        neighbour = Hall.create(id=uuid.uuid4(), name="邻村党群服务中心")
        other_branch = Branch.create(hall=neighbour, name="邻村党支部")
        other = Member.create(number="X001", name="陈邻", branch=other_branch, created=OLD)
        begins = at("2026-04-20 09:00")
        theirs = Event.create(branch=other_branch, type="theme_day", title="邻村主题党日",
                              start=begins, end=begins, signin_opens=begins, signin_closes=begins,
                              status="closed")
        Attendance.create(hall=neighbour, event=theirs, member=other, kind="present", time=begins)
        Request.create(hall=neighbour, ticket="N", secret="x", category="certificate",
                       created=at("2026-04-02 09:00"))
        record_rolls()  # as an upgraded database has them
    return {"hall": hall, "neighbour": neighbour, "branches": branches}
