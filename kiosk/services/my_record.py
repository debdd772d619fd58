"""A member's own record, as shown to them at the kiosk after scanning their card: their
stage and flow, this year's meetings by type, and the dues months paid. Only their own
data, and no comparison with anyone else's."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from kiosk.db.models import (
    EVENT_TYPES, Attendance, Dues, Event, FlowRecord, Member, MemberStageChange,
)
from kiosk.services.events import ATTENDING
from kiosk.services.privacy import mask_name


@dataclass(frozen=True)
class MeetingCount:
    type: str
    attended: int
    leave: int
    missed: int


@dataclass(frozen=True)
class Flow:
    direction: str  # out / in
    place: str
    since: dt.date
    holds_certificate: bool


@dataclass(frozen=True)
class OwnRecord:
    name: str  # masked: the record is shown on a public screen
    number: str
    branch: str
    stage: str
    status: str
    home_org: str
    stages: list[tuple[dt.date, str]]  # oldest first
    flow: Flow | None
    year: int
    meetings: list[MeetingCount]  # only types with something to count
    recent: list[tuple[dt.datetime, str, str, bool]]  # start, title, kind, late; newest first
    dues_months: list[str]  # YYYY-MM paid in `year`
    dues_through: str  # the last month paid, YYYY-MM, or ""


def own_record(member_id: int, at: dt.datetime) -> OwnRecord:
    member = Member.get_by_id(member_id)
    year_start = dt.datetime(at.year, 1, 1)
    rows = list(Attendance.select(Attendance, Event).join(Event)
                .where((Attendance.member == member) & (Event.start >= year_start)
                       & (Event.start <= at))
                .order_by(Event.start.desc()))
    flow = (FlowRecord.select().where((FlowRecord.member == member) & FlowRecord.until.is_null())
            .order_by(FlowRecord.since.desc()).first())
    paid = paid_months(member)
    return OwnRecord(
        name=mask_name(member.name), number=member.number, branch=member.branch.name,
        stage=member.stage, status=member.status, home_org=member.home_org,
        stages=[(c.on, c.to_stage) for c in member.stage_changes.order_by(
            MemberStageChange.on, MemberStageChange.recorded)],
        flow=Flow(flow.direction, flow.place, flow.since, flow.holds_flow_certificate)
        if flow else None,
        year=at.year,
        meetings=_meetings(member, rows, year_start, at),
        recent=[(r.event.start, r.event.title, r.kind, r.late) for r in rows[:10]],
        dues_months=[m for m in paid if m.startswith(f"{at.year:04d}-")],
        dues_through=paid[-1] if paid else "",
    )


def _meetings(member: Member, rows: list[Attendance], since: dt.datetime,
              at: dt.datetime) -> list[MeetingCount]:
    """Per meeting type: attended, on leave, and missed (their branch's meetings that are
    over, with nothing recorded for them)."""
    attended = Counter(r.event.type for r in rows if r.kind in ATTENDING)
    leave = Counter(r.event.type for r in rows if r.kind == "leave")
    seen = {r.event_id for r in rows}
    held = Event.select().where((Event.branch == member.branch_id) & (Event.start >= since)
                                & (Event.end < at) & (Event.status != "cancelled"))
    missed = Counter(e.type for e in held if e.id not in seen)
    return [MeetingCount(t, attended[t], leave[t], missed[t]) for t in EVENT_TYPES
            if attended[t] or leave[t] or missed[t]]


def _month_index(month: str) -> int:
    year, number = month.split("-")
    return int(year) * 12 + int(number) - 1


def paid_months(member: Member) -> list[str]:
    """Months covered by dues, corrections taken off, oldest first."""
    count: Counter[int] = Counter()
    for dues in Dues.select().where(Dues.member == member):
        first = _month_index(dues.first_month)
        step = 1 if dues.months > 0 else -1
        for offset in range(abs(dues.months)):
            count[first + offset] += step
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in sorted(m for m, n in count.items() if n > 0)]
