"""Meetings and other events (三会一课, 主题党日) with their sign-in windows, who was expected
at them and how each member took part."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from kiosk import labels
from kiosk.db.database import write_lock
from kiosk.db.models import (
    ATTENDANCE_KINDS, EVENT_TYPES, Attendance, Branch, Event, Hall, Member, StaffUser, now,
)
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.services import audit
from kiosk.services.hall import local_hall
from kiosk.services.privacy import mask_name
from kiosk.services.staff import StaffSession, staff_only

EXPECTED_STAGES = ("probationary", "full")
EXPECTED_STATUSES = ("normal", "flowed_in", "flowed_out")
ATTENDING = ("present", "assisted", "remote")
DEFAULT_OPENS_BEFORE = dt.timedelta(minutes=30)


def list_events() -> list[Event]:
    return list(Event.select(Event, Branch).join(Branch).order_by(Event.start, Event.id))


def get_event(event_id: int) -> Event:
    event = Event.get_or_none(Event.id == event_id)
    if event is None:
        raise KioskError(_("没有编号为 {number} 的会议").format(number=event_id))
    return event


def signin_open(event: Event, at: dt.datetime) -> bool:
    return event.status == "planned" and event.signin_opens <= at <= event.signin_closes


def signin_state(event: Event, at: dt.datetime) -> str | None:
    """open, too_early (opens later today), too_late (closed while the meeting goes on) or
    None (nothing to do with a scan at `at`)."""
    if signin_open(event, at):
        return "open"
    if event.status == "planned" and at < event.signin_opens:
        return "too_early" if event.signin_opens.date() == at.date() else None
    if event.status != "cancelled" and at <= event.end:
        return "too_late"
    return None


_STATE_ORDER = {"open": 0, "too_late": 1, "too_early": 2}


def event_for_scan(branch_id: int | None, at: dt.datetime) -> tuple[Event | None, str | None]:
    """The event a member of `branch_id` scanning at `at` is there for, and its sign-in state.
    An open event comes first (their own branch's before another's: members of other
    branches and halls may sign in too), then their branch's events of today."""
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    candidates = Event.select().where(
        (Event.status != "cancelled") & (Event.signin_opens < day + dt.timedelta(days=1))
        & (Event.end >= at))
    ranked = []
    for event in candidates:
        state = signin_state(event, at)
        if state is not None:
            own = event.branch_id == branch_id
            ranked.append(((state != "open", not own, _STATE_ORDER[state], event.start), event, state))
    if not ranked:
        return None, None
    _key, event, state = min(ranked, key=lambda item: item[0])
    return event, state


def open_events(at: dt.datetime) -> list[Event]:
    """Events open for sign-in at `at`."""
    return list(Event.select(Event, Branch).join(Branch).where(
        (Event.status == "planned") & (Event.signin_opens <= at) & (Event.signin_closes >= at)
    ).order_by(Event.start, Event.id))


# --- staff: creating, closing, minutes --------------------------------------------------

@staff_only("events.create")
def create_event(session: StaffSession, *, branch_id: int, type: str, title: str, place: str,
                 start: dt.datetime, end: dt.datetime, signin_opens: dt.datetime | None = None,
                 signin_closes: dt.datetime | None = None) -> Event:
    title, place = title.strip(), place.strip()
    opens = signin_opens or start - DEFAULT_OPENS_BEFORE
    closes = signin_closes or end
    if type not in EVENT_TYPES:
        raise KioskError(_("请选择会议类型"))
    if not title:
        raise KioskError(_("会议名称不能为空"))
    if end <= start:
        raise KioskError(_("结束时间应晚于开始时间"))
    if not opens < closes <= end:
        raise KioskError(_("签到时间应在会议结束之前，且开始早于截止"))
    with write_lock():
        branch = Branch.get_or_none(Branch.id == branch_id)
        if branch is None:
            raise KioskError(_("请选择支部"))
        event = Event.create(branch=branch, type=type, title=title, place=place, start=start,
                             end=end, signin_opens=opens, signin_closes=closes,
                             expected=expected_count(branch.id))
        audit.record("event.create", actor=session.actor, subject=event.id, title=title,
                     start=start, branch=branch.name)
    return event


@staff_only("events.close")
def close_event(session: StaffSession, event_id: int) -> None:
    with write_lock():
        event = get_event(event_id)
        if event.status == "closed":
            raise KioskError(_("这个会议已经结束了"))
        event.status = "closed"
        event.save()
        audit.record("event.close", actor=session.actor, subject=event.id)


@staff_only("events.set_minutes")
def set_minutes(session: StaffSession, event_id: int, minutes: str) -> None:
    """Minutes are kept whole in the audit log too, so that earlier wording stays visible."""
    minutes = minutes.strip()
    with write_lock():
        event = get_event(event_id)
        event.minutes = minutes
        event.save()
        audit.record("event.minutes", actor=session.actor, subject=event.id, minutes=minutes)


# --- attendance --------------------------------------------------------------------------

def record_attendance(event: Event, member: Member, kind: str, at: dt.datetime, *,
                      reason: str = "", assisted_by: StaffUser | None = None,
                      home_org: str = "", hall: Hall | None = None) -> tuple[Attendance, bool]:
    """Record how a member takes part; call inside write_lock(). Returns the member's row
    and whether it is new. One row per member and event: a member on leave who comes after
    all is changed to attending (their reason kept); otherwise the first row stands."""
    existing = Attendance.get_or_none((Attendance.event == event) & (Attendance.member == member))
    late = kind in ("present", "assisted") and at > event.start
    if existing is None:
        if not Attendance.select().where(Attendance.event == event).exists():
            _count_roll(event)  # the first one recorded: sign-in has opened
        on_roll = _expected_in(event.branch_id).where(Member.id == member.id).exists()
        row = Attendance.create(hall=hall or local_hall(), event=event, member=member, kind=kind,
                                time=at, late=late, reason=reason, assisted_by=assisted_by,
                                home_org=home_org or member.home_org, on_roll=on_roll)
        return row, True
    if existing.kind == "leave" and kind != "leave":
        existing.kind, existing.time, existing.late = kind, at, late
        existing.assisted_by = assisted_by
        existing.save()
        audit.record("attendance.after_leave", subject=f"{event.id}:{member.number}", kind=kind)
        return existing, True
    return existing, False


@staff_only("events.mark")
def mark(session: StaffSession, event_id: int, member_id: int, kind: str, reason: str = "",
         at: dt.datetime | None = None) -> Attendance:
    """Staff record leave (with its reason), remote attendance, or sign a member in on
    their behalf (assisted: the staff member is recorded)."""
    at = (at or now()).replace(microsecond=0)
    reason = reason.strip()
    if kind not in ATTENDANCE_KINDS or kind == "present":
        raise KioskError(_("请选择代签到、请假或远程参加"))
    if kind == "leave" and not reason:
        raise KioskError(_("请假要写明原因"))
    with write_lock():
        event = get_event(event_id)
        member = Member.get_by_id(member_id)
        helper = StaffUser.get(StaffUser.number == session.number)
        row, new = record_attendance(event, member, kind, at, reason=reason,
                                     assisted_by=helper if kind == "assisted" else None)
        if not new:
            raise KioskError(_("{name} 已经登记为「{kind}」，不能再改").format(
                name=mask_name(member.name), kind=_(labels.ATTENDANCE_KINDS[row.kind])))
        audit.record(f"attendance.{kind}", actor=session.actor,
                     subject=f"{event.id}:{member.number}", reason=reason)
    return row


@dataclass(frozen=True)
class Roll:
    """Who was expected at an event and how it went: the lists behind 应到 / 实到 / 请假 /
    缺席 / 迟到. Members from elsewhere who came are in `attended`, not in `expected`."""

    expected: list[Member]
    attended: list[Attendance]
    leave: list[Attendance]
    absent: list[Member]
    late: list[Attendance]


def expected_condition():
    """Members expected at their branch's meetings (and to pay dues): this hall's probationary
    and full members who are not transferred out or deceased."""
    return ((Member.card_key == "") & Member.stage.in_(EXPECTED_STAGES)
            & Member.status.in_(EXPECTED_STATUSES))


def _expected_in(branch_id: int):
    return Member.select().where(expected_condition() & (Member.branch == branch_id))


def expected_count(branch_id: int) -> int:
    return _expected_in(branch_id).count()


def expected_members(event: Event) -> list[Member]:
    """Who is expected by today's rule (event.expected is how many were when it was held)."""
    return list(_expected_in(event.branch_id).order_by(Member.number))


def _count_roll(event: Event) -> None:
    """Record how many are expected at `event` now; written only when that changed (every
    write of an event goes to the county)."""
    event.expected = expected_count(event.branch_id)
    Event.update(expected=event.expected).where(
        (Event.id == event.id) & (Event.expected != event.expected)).execute()


def record_rolls() -> None:
    """Record every event's roll, and whether each attendance row's member was on it, by
    today's rule: for events held before rolls were recorded (an upgraded database) and
    for events and attendance written in bulk (demo data). Writes only what changes."""
    count = (Member.select(fn.COUNT(Member.id))
             .where(expected_condition() & (Member.branch == Event.branch)))
    Event.update(expected=count).where(Event.expected != count).execute()
    held_by = Event.select(Event.branch).where(Event.id == Attendance.event)
    on_roll = fn.EXISTS(Member.select(Member.id).where(
        (Member.id == Attendance.member) & expected_condition() & (Member.branch == held_by)))
    Attendance.update(on_roll=on_roll).where(Attendance.on_roll != on_roll).execute()


def roll(event_id: int) -> Roll:
    event = get_event(event_id)
    expected = expected_members(event)
    rows = list(Attendance.select(Attendance, Member).join(Member)
                .where(Attendance.event == event).order_by(Attendance.time, Member.number))
    attended = [r for r in rows if r.kind in ATTENDING]
    leave = [r for r in rows if r.kind == "leave"]
    accounted = {r.member_id for r in rows}
    absent = [m for m in expected if m.id not in accounted]
    return Roll(expected, attended, leave, absent, [r for r in attended if r.late])


@dataclass(frozen=True)
class RollEntry:
    """One member on one of an event's lists, as staff see it."""

    member_id: int
    number: str
    name: str
    kind: str = ""  # "" for nothing recorded
    time: dt.datetime | None = None
    late: bool = False
    reason: str = ""
    assisted_by: str = ""  # the staff member's name
    home_org: str = ""


ROLL_LISTS = ("expected", "attended", "leave", "absent", "late")


def roll_entries(event_id: int) -> dict[str, list[RollEntry]]:
    """The lists behind 应到 / 实到 / 请假 / 缺席 / 迟到, keyed as in ROLL_LISTS."""
    found = roll(event_id)
    helpers = {u.id: u.name for u in StaffUser.select()}

    def of_row(row: Attendance) -> RollEntry:
        return RollEntry(row.member_id, row.member.number, row.member.name, row.kind, row.time,
                         row.late, row.reason, helpers.get(row.assisted_by_id, ""), row.home_org)

    rows = {r.member_id: r for r in found.attended + found.leave}
    return {
        "expected": [of_row(rows[m.id]) if m.id in rows else RollEntry(m.id, m.number, m.name)
                     for m in found.expected],
        "attended": [of_row(r) for r in found.attended],
        "leave": [of_row(r) for r in found.leave],
        "absent": [RollEntry(m.id, m.number, m.name) for m in found.absent],
        "late": [of_row(r) for r in found.late],
    }


def recent_events(limit: int = 100) -> list[tuple[Event, Roll]]:
    """The latest events, newest first, each with its roll (for 应到 / 实到 / … counts)."""
    latest = (Event.select(Event, Branch).join(Branch)
              .order_by(Event.start.desc(), Event.id.desc()).limit(limit))
    return [(event, roll(event.id)) for event in latest]


def list_attendance(event_id: int | None = None) -> list[Attendance]:
    query = (Attendance.select(Attendance, Member, Event).join(Member)
             .switch(Attendance).join(Event))
    if event_id is not None:
        query = query.where(Attendance.event == event_id)
    return list(query.order_by(Event.start, Event.id, Attendance.time, Member.number))


def attendance_record(row: Attendance, full: bool = False) -> dict:
    return {
        "event_id": row.event_id,
        "event": row.event.title,
        "member_number": row.member.number,
        "name": row.member.name if full else mask_name(row.member.name),
        "kind": row.kind,
        "time": row.time,
        "late": row.late,
        "reason": row.reason,
        "assisted_by": row.assisted_by.number if row.assisted_by_id else "",
        "home_org": row.home_org,
    }


def event_record(event: Event, at: dt.datetime) -> dict:
    return {
        "id": event.id,
        "title": event.title,
        "type": event.type,
        "status": event.status,
        "signin_open": signin_open(event, at),
        "branch": event.branch.name,
        "place": event.place,
        "start": event.start,
        "end": event.end,
        "signin_opens": event.signin_opens,
        "signin_closes": event.signin_closes,
    }
