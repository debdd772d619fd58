"""The demo hall (`kiosk demo`): everything it promises is there, consistent, built once,
and always with an event open for sign-in. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from kiosk.db.database import database
from kiosk.db.demo import build_demo
from kiosk.db.models import (
    ALL_MODELS, ATTENDANCE_KINDS, EVENT_TYPES, NOTICE_CATEGORIES, REQUEST_CATEGORIES,
    REQUEST_STATUSES, STAGES, STATUSES, VERDICTS, Attendance, AuditEntry, Branch, Dues, Event,
    FlowRecord, Hall, HallKey, Member, MemberStageChange, Notice, NoticeVersion, Request,
    StaffUser,
)
from kiosk.db.session import open_database
from kiosk.errors import KioskError
from kiosk.services import audit, setup, staff

NOW = dt.datetime(2025, 3, 14, 10, 20)
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")


@pytest.fixture
def bound(config):
    open_database(config.db_url, create=True)
    yield config
    database.close()


@pytest.fixture
def demo(bound):
    return build_demo(bound.keys_dir, NOW)


def counts() -> dict[str, int]:
    return {model.__name__: model.select().count() for model in ALL_MODELS}


def open_events(at: dt.datetime) -> list[Event]:
    return list(Event.select().where(Event.status == "planned", Event.signin_opens <= at,
                                     Event.signin_closes >= at))


def iso7064_ok(number: str) -> bool:
    """ISO 7064 MOD 11-2 over all 18 characters (X stands for 10)."""
    digits = [10 if c == "X" else int(c) for c in number]
    return sum(d * pow(2, 17 - i, 11) for i, d in enumerate(digits)) % 11 == 1


def test_builds_the_hall_with_working_staff_and_a_member_to_try(demo, bound):
    assert demo.created and demo.hall_name == "青禾村党群服务中心"
    hall = Hall.get(Hall.is_local == True)  # noqa: E712
    assert hall.name == demo.hall_name
    assert Branch.select().where(Branch.hall == hall).count() == 2
    key = HallKey.get(HallKey.is_local == True)  # noqa: E712
    assert (bound.keys_dir / f"{key.key_id}.pem").is_file()
    assert sorted(role for _, _, role, _ in demo.staff) == ["admin", "staff"]
    for number, name, role, pin in demo.staff:
        assert number.isdigit()
        session = staff.login(number, pin, at=NOW)
        assert (session.name, session.role) == (name, role)
    member = Member.get(Member.number == demo.member_number)
    assert re.fullmatch(r"[0-9A-Z]{1,12}", member.number)
    assert (member.stage, member.status) == ("full", "normal")
    assert member.branch_id == open_events(NOW)[0].branch_id
    assert audit.verify().ok
    assert AuditEntry.select().where(AuditEntry.action == "demo.fill").count() == 1


def test_members_cover_every_stage_and_status_mostly_full_and_normal(demo):
    members = list(Member.select())
    assert len(members) >= 60
    assert {m.stage for m in members} == set(STAGES)
    assert {m.status for m in members} == set(STATUSES)
    usual = [m for m in members if (m.stage, m.status) == ("full", "normal")]
    assert len(usual) > len(members) / 2
    assert len({m.number for m in members}) == len(members)
    assert len({m.name for m in members}) == len(members)
    for m in members:
        assert re.fullmatch(r"[0-9A-Z]{1,12}", m.number)
        assert re.fullmatch(r"[a-z]+", m.name_initials) and len(m.name_initials) == len(m.name)
        assert m.sex in ("M", "F")
        assert re.fullmatch(r"1[358]\d{9}", m.phone)
        assert m.address
    for surname, initial in {"王": "w", "刘": "l", "周": "z"}.items():
        named = list(Member.select().where(Member.name.startswith(surname)))
        assert named and all(m.name_initials[0] == initial for m in named)


def test_id_numbers_have_valid_checksums_birth_dates_and_sex(demo):
    for m in Member.select():
        assert re.fullmatch(r"\d{17}[\dX]", m.id_number)
        assert iso7064_ok(m.id_number), m.id_number
        assert m.id_number[6:14] == f"{m.birth_date:%Y%m%d}"
        assert int(m.id_number[16]) % 2 == (1 if m.sex == "M" else 0)
    assert iso7064_ok("11010519491231002X")  # the example in GB 11643
    assert not iso7064_ok("110105194912310021")


def test_stage_dates_follow_the_rules_and_the_history_matches(demo):
    for m in Member.select():
        dates = [m.applied_on, m.activist_on, m.candidate_on, m.probation_on, m.full_on]
        reached = STAGES.index(m.stage) + 1
        assert all(dates[:reached]) and not any(dates[reached:])
        assert dates[:reached] == sorted(dates[:reached]) and dates[reached - 1] <= NOW.date()
        assert m.applied_on >= m.birth_date.replace(year=m.birth_date.year + 18)
        if m.full_on:
            assert (m.full_on - m.probation_on).days in (365, 366)
        if m.activist_on and m.candidate_on:
            assert (m.candidate_on - m.activist_on).days >= 365
        history = list(MemberStageChange.select().where(MemberStageChange.member == m)
                       .order_by(MemberStageChange.on))
        assert [(h.from_stage, h.to_stage, h.on) for h in history] == [
            (([""] + list(STAGES))[i], STAGES[i], dates[i]) for i in range(reached)
        ]


def test_flow_records_for_members_who_moved(demo):
    for direction, status, least in (("out", "flowed_out", 5), ("in", "flowed_in", 3)):
        flows = list(FlowRecord.select().where(FlowRecord.direction == direction))
        assert len(flows) >= least
        assert {f.member.status for f in flows} == {status}
        assert Member.select().where(Member.status == status).count() == len(flows)
        assert any(f.holds_flow_certificate for f in flows)
        for f in flows:
            assert f.place and f.reason and f.contact and f.since < NOW.date()
            if direction == "in":
                assert f.member.home_org == f.place


def test_notices_cover_every_category_with_versions(demo):
    notices = list(Notice.select())
    assert len(notices) >= 20
    assert {n.category for n in notices} == set(NOTICE_CATEGORIES)
    assert len({n.number for n in notices}) == len(notices)
    for n in notices:
        assert "{" not in n.title + n.body
        versions = list(n.versions.order_by(NoticeVersion.version))
        assert [v.version for v in versions] == list(range(1, n.version + 1))
        assert versions[-1].body == n.body
        assert all(v.changed_by_role == "staff" for v in versions)
        if n.status != "draft":
            assert n.published and n.valid_from == n.published.date()
    edited = [n for n in notices if n.version == 2]
    assert len(edited) >= 2
    for n in edited:
        first, second = n.versions.order_by(NoticeVersion.version)
        assert first.body != second.body and second.note and second.changed > first.changed
    assert any("| ---" in n.body for n in notices if n.category == "finance")


def test_one_notice_retracted_one_expired_one_pinned_one_with_a_mobile_number(demo):
    retracted = Notice.get(Notice.status == "retracted")
    assert retracted.retract_reason and retracted.published < retracted.retracted < NOW
    published = Notice.select().where(Notice.status == "published")
    assert any(n.valid_until and n.valid_until < NOW.date() for n in published)
    assert any(n.pinned for n in published)
    assert len([n for n in published if MOBILE.search(n.body)]) == 1
    assert not any(ID_NUMBER.search(n.body) for n in Notice.select())


def test_events_past_upcoming_and_open_now_with_every_attendance_kind(demo):
    events = list(Event.select())
    assert len(events) >= 6
    assert {e.type for e in events} == set(EVENT_TYPES)
    assert len(open_events(NOW)) == 1
    past = [e for e in events if e.end < NOW]
    assert len(past) >= 4 and any(e.start > NOW for e in events)
    assert all(e.status == "closed" and e.minutes.strip() for e in past)
    hall = Hall.get(Hall.is_local == True)  # noqa: E712
    rows = list(Attendance.select())
    assert {a.kind for a in rows} == set(ATTENDANCE_KINDS)
    assert any(a.late for a in rows)
    staff_ids = {u.id for u in StaffUser.select()}
    for a in rows:
        assert a.hall_id == hall.id and a.event.end < NOW
        assert a.member.branch_id == a.event.branch_id
        assert (a.kind == "leave") == bool(a.reason)
        assert (a.kind == "assisted") == (a.assisted_by_id in staff_ids)
        assert a.late == (a.time > a.event.start)


def test_dues_with_one_reversed_entry(demo):
    rows = list(Dues.select())
    assert len(rows) >= 10
    assert len({d.receipt_no for d in rows}) == len(rows)
    assert all(d.receipt_no and d.received_by_id for d in rows)
    correction = Dues.get(Dues.reverses.is_null(False))
    original = correction.reverses
    assert correction.months == -original.months < 0
    assert correction.amount == -original.amount
    assert correction.member_id == original.member_id and correction.time > original.time


def test_requests_in_every_state_and_verdict(demo):
    rows = list(Request.select())
    assert len(rows) >= 8
    assert {r.category for r in rows} == set(REQUEST_CATEGORIES)
    assert {r.status for r in rows} == set(REQUEST_STATUSES)
    assert {r.verdict for r in rows} == {"", *VERDICTS}
    assert len({r.secret for r in rows}) == len(rows)
    for r in rows:
        assert re.fullmatch(r"Q\d{4,}", r.ticket) and re.fullmatch(r"[A-Z2-7]{16,32}", r.secret)
        assert bool(r.reply) == bool(r.assigned_to_id) == (r.status != "received")
        assert (r.closed is not None) == (r.status == "closed")
    reopened = [r for r in rows if r.status == "in_progress" and r.verdict == "unsatisfied"]
    assert reopened and reopened[0].verdict_comment


def test_second_run_adds_nothing(demo, bound):
    before = counts()
    again = build_demo(bound.keys_dir, NOW + dt.timedelta(minutes=5))
    assert not again.created
    assert (again.staff, again.member_number) == (demo.staff, demo.member_number)
    assert counts() == before
    assert audit.verify().ok


def test_run_days_later_opens_one_new_event_then_only_moves_it(demo, bound):
    before = counts()
    later = NOW + dt.timedelta(days=3, hours=5)
    build_demo(bound.keys_dir, later)
    assert len(open_events(later)) == 1
    assert counts() == {**before, "Event": before["Event"] + 1,
                        "AuditEntry": before["AuditEntry"] + 1}
    assert counts()["Outbox"] == 0  # no county: nothing is queued for one
    evening = later + dt.timedelta(hours=6)  # same day, after the window closed
    build_demo(bound.keys_dir, evening)
    assert len(open_events(evening)) == 1
    assert counts()["Event"] == before["Event"] + 1
    assert audit.verify().ok


def test_quick_and_open_now_by_default(bound):
    started = time.perf_counter()
    build_demo(bound.keys_dir)
    assert time.perf_counter() - started < 2.0
    assert len(open_events(dt.datetime.now())) == 1


def test_same_seed_gives_the_same_hall(demo, bound, tmp_path):
    def snapshot():
        return (
            [(m.number, m.name, m.birth_date, m.phone, m.id_number, m.stage, m.status)
             for m in Member.select().order_by(Member.number)],
            [(n.number, n.title) for n in Notice.select().order_by(Notice.number)],
            sorted(r.ticket for r in Request.select()),
        )

    first = snapshot()
    database.close()
    open_database(f"sqlite:///{tmp_path / 'again.db'}", create=True)
    build_demo(tmp_path / "keys-again", NOW)
    assert snapshot() == first


def test_refuses_a_database_of_another_hall(bound):
    setup.initialise_hall("别的村党群服务中心", bound.keys_dir)
    with pytest.raises(KioskError, match="别的村"):
        build_demo(bound.keys_dir, NOW)
    assert Member.select().count() == 0
