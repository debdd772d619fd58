"""Signing in with a member card (services, on SQLite and PostgreSQL): every result code,
the scan log, leave and assisted sign-in, members from elsewhere, and two scans of one card
at the same moment."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
import signin_hall
from signin_hall import HOUR, NOW

from kiosk.db.database import release
from kiosk.db.models import Attendance, AuditEntry, Member, ScanLog
from kiosk.errors import KioskError
from kiosk.scan import CardPayload, DoubleReads
from kiosk.services import cards, events, signin


@pytest.fixture
def hall(db, config):
    return signin_hall.build(config.keys_dir)


def scan_results() -> list[str]:
    return [row.result for row in ScanLog.select().order_by(ScanLog.time, ScanLog.id)]


def test_sign_in_records_attendance_and_logs_the_scan(hall):
    result = signin.sign_in(hall.payloads["M001"], NOW)
    assert result.code == "ok"
    assert (result.name, result.number, result.event) == ("张*明", "M001", "主题党日：学习交流")
    assert result.time == NOW and result.late  # the meeting started at 09:00
    row = Attendance.get()
    assert (row.member.number, row.kind, row.time, row.late) == ("M001", "present", NOW, True)
    log = ScanLog.get()
    assert (log.kind, log.subject, log.result, log.event_id) == ("M", "M001", "ok", hall.event.id)


def test_on_time_is_not_late(hall):
    assert not signin.sign_in(hall.payloads["M001"], hall.event.start - HOUR / 4).late


def test_second_scan_is_already_with_the_first_time(hall):
    signin.sign_in(hall.payloads["M001"], NOW)
    again = signin.sign_in(hall.payloads["M001"], NOW + dt.timedelta(minutes=5))
    assert again.code == "already" and again.time == NOW
    assert Attendance.select().count() == 1
    assert scan_results() == ["ok", "already"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the logic, not the database
@pytest.mark.parametrize("at, code", [
    (NOW + 24 * HOUR, "no_event"),
    (NOW - 3 * HOUR, "too_early"),  # 06:30, sign-in opens at 08:30
    (NOW + HOUR, "too_late"),  # 10:30: sign-in closed at 10:00, the meeting ends at 11:00
    (NOW + 2 * HOUR, "no_event"),  # 11:30: the meeting is over
])
def test_outside_the_sign_in_window(hall, at, code):
    result = signin.sign_in(hall.payloads["M001"], at)
    assert result.code == code and result.member_id == hall.member("M001").id
    if code == "too_early":
        assert result.opens == hall.event.signin_opens
    assert Attendance.select().count() == 0
    assert scan_results() == [code]


def test_a_closed_event_takes_no_sign_in(hall, clerk):
    events.close_event(clerk, hall.event.id)
    assert signin.sign_in(hall.payloads["M001"], NOW).code == "too_late"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the logic, not the database
@pytest.mark.parametrize("number, code", [("M004", "inactive"), ("M005", "inactive"),
                                          ("M003", "ok"), ("M006", "ok"), ("M002", "ok")])
def test_member_status_and_branch(hall, number, code):
    """Deceased and transferred members are refused; flowed-out members and members of
    another branch may sign in."""
    assert signin.sign_in(hall.payloads[number], NOW).code == code
    assert Attendance.select().count() == (code == "ok")


def test_reissued_card_revokes_the_older_one(hall, config):
    old = hall.payloads["M001"]
    new = cards.issue_member_card(None, hall.member("M001"), config.keys_dir)
    assert signin.sign_in(old, NOW).code == "revoked"
    assert signin.sign_in(new, NOW).code == "ok"


def test_revoked_card(hall):
    cards.revoke_member_card(None, hall.member("M001"))
    assert signin.sign_in(hall.payloads["M001"], NOW).code == "revoked"
    assert Attendance.select().count() == 0


def test_card_of_nobody_here(hall, config):
    payload = cards.sign_card(config.keys_dir, "M", "M999", 1, NOW.date())
    assert signin.sign_in(payload, NOW).code == "unknown_member"


def test_card_signed_but_never_issued(hall, config):
    payload = cards.sign_card(config.keys_dir, "M", "M001", 5, NOW.date())
    assert signin.sign_in(payload, NOW).code == "invalid"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the logic, not the database
@pytest.mark.parametrize("text", ["hello", "VK1M", "", "\x00\x1b[A", "x" * 10_000])
def test_unreadable_codes_are_invalid_and_only_logged(hall, text):
    audit_before = AuditEntry.select().count()
    assert signin.sign_in(text, NOW).code == "invalid"
    assert Attendance.select().count() == 0 and Member.select().count() == len(signin_hall.MEMBERS)
    assert AuditEntry.select().count() == audit_before
    log = ScanLog.get()
    assert (log.kind, log.subject, log.result) == ("", "", "invalid")


def test_a_staff_card_does_not_sign_in(hall, config):
    payload = cards.sign_card(config.keys_dir, "S", "M001", 1, NOW.date())
    assert signin.sign_in(payload, NOW).code == "invalid"


def test_unexpected_failure_is_error_and_logged(hall, monkeypatch):
    def broken(*args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(events, "event_for_scan", broken)
    assert signin.sign_in(hall.payloads["M001"], NOW).code == "error"
    assert scan_results() == ["error"]


# --- members of other halls ---------------------------------------------------------------

def _other_hall(tmp_path):
    """Another hall's key pair, and its public key file as `kiosk keys export` writes it."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw)
    key_id = cards.key_id_of(raw)
    exported = json.dumps({"key_id": key_id, "hall": "山下村党群服务中心",
                           "public_key": cards._b32(raw)})

    def sign(number: str, serial: int = 1) -> str:
        unsigned = CardPayload("M", key_id, number, serial, NOW.date(), "")
        signature = cards._b32(private.sign(unsigned.signed_text.encode()))
        return CardPayload("M", key_id, number, serial, NOW.date(), signature).text

    return exported, sign


def test_member_of_another_hall_is_accepted_once_its_key_is_imported(hall, tmp_path):
    exported, sign = _other_hall(tmp_path)
    card = sign("M001")  # the same number as one of ours: a different person
    assert signin.sign_in(card, NOW).code == "invalid"
    cards.import_key(exported)
    result = signin.sign_in(card, NOW)
    assert result.code == "ok" and result.home_org == "山下村党群服务中心"
    visitor = Attendance.get().member
    assert visitor.card_key and visitor.status == "flowed_in"
    assert visitor.id != hall.member("M001").id
    assert Attendance.get().home_org == "山下村党群服务中心"
    assert signin.sign_in(card, NOW + HOUR / 6).code == "already"
    assert signin.sign_in(hall.payloads["M001"], NOW).code == "ok"  # ours is someone else
    assert Member.select().count() == len(signin_hall.MEMBERS) + 1


def test_key_file_that_was_altered_is_refused(hall, tmp_path):
    exported, _sign = _other_hall(tmp_path)
    data = json.loads(exported)
    data["key_id"] = "00000000"
    with pytest.raises(KioskError):
        cards.import_key(json.dumps(data))
    with pytest.raises(KioskError):
        cards.import_key("not json")
    cards.import_key(exported)
    with pytest.raises(KioskError):
        cards.import_key(exported)


def test_export_then_import_elsewhere_round_trip(hall):
    exported = cards.export_key()
    key = cards.local_key()
    assert json.loads(exported)["key_id"] == key.key_id
    with pytest.raises(KioskError, match="已经导入"):
        cards.import_key(exported)


# --- staff: leave, remote, assisted -------------------------------------------------------

def test_staff_mark_leave_remote_and_assisted(hall, clerk):
    event = hall.event.id
    with pytest.raises(KioskError, match="原因"):
        events.mark(clerk, event, hall.member("M001").id, "leave", "  ")
    events.mark(clerk, event, hall.member("M001").id, "leave", "外出务工", at=NOW - 24 * HOUR)
    events.mark(clerk, event, hall.member("M003").id, "remote", at=NOW)
    row = events.mark(clerk, event, hall.member("M002").id, "assisted", at=NOW)
    assert row.assisted_by.number == "8002" and row.late
    with pytest.raises(KioskError, match="代签到"):
        events.mark(clerk, event, hall.member("M002").id, "remote", at=NOW)
    actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.seq)]
    assert actions[-3:] == ["attendance.leave", "attendance.remote", "attendance.assisted"]

    roll = events.roll(event)
    assert {m.number for m in roll.expected} == {"M001", "M002", "M003"}
    assert [r.member.number for r in roll.leave] == ["M001"]
    assert {r.member.number for r in roll.attended} == {"M002", "M003"}
    assert [r.member.number for r in roll.late] == ["M002"]
    assert roll.absent == []


def test_member_on_leave_who_comes_after_all_is_attending(hall, clerk):
    events.mark(clerk, hall.event.id, hall.member("M001").id, "leave", "看病", at=NOW - HOUR)
    assert signin.sign_in(hall.payloads["M001"], NOW).code == "ok"
    row = Attendance.get()
    assert (row.kind, row.reason) == ("present", "看病")


def test_roll_counts_absent_and_visitors(hall):
    signin.sign_in(hall.payloads["M006"], NOW)  # another branch
    roll = events.roll(hall.event.id)
    assert [r.member.number for r in roll.attended] == ["M006"]
    assert {m.number for m in roll.absent} == {"M001", "M002", "M003"}


def test_create_and_close_event_and_minutes(hall, clerk):
    start = NOW + 48 * HOUR
    event = events.create_event(clerk, branch_id=hall.branches[1].id, type="lecture",
                                title="党课：乡村振兴", place="会议室", start=start,
                                end=start + HOUR)
    assert event.signin_opens == start - dt.timedelta(minutes=30) and event.signin_closes == start + HOUR
    with pytest.raises(KioskError):
        events.create_event(clerk, branch_id=hall.branches[1].id, type="lecture", title="x",
                            place="", start=start, end=start - HOUR)
    events.set_minutes(clerk, event.id, "会议记录：……")
    events.close_event(clerk, event.id)
    event = events.get_event(event.id)
    assert event.status == "closed" and event.minutes == "会议记录：……"
    actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.seq)]
    assert actions[-3:] == ["event.create", "event.minutes", "event.close"]


# --- at the same moment -------------------------------------------------------------------

def scan_at_once(text: str, times: int) -> list[str]:
    """The result codes of `times` threads scanning `text` at the same moment."""
    results, start = [], threading.Barrier(times)

    def scan_now():
        start.wait()
        try:
            results.append(signin.sign_in(text, NOW).code)
        finally:
            release()

    threads = [threading.Thread(target=scan_now) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


def test_two_scans_of_one_card_at_once_make_one_row(hall):
    assert scan_at_once(hall.payloads["M001"], 6) == ["already"] * 5 + ["ok"]
    assert Attendance.select().count() == 1
    assert ScanLog.select().count() == 6


def test_a_visitors_first_scans_at_once_add_them_once(hall, tmp_path):
    exported, sign = _other_hall(tmp_path)
    cards.import_key(exported)
    assert scan_at_once(sign("SX01"), 4) == ["already"] * 3 + ["ok"]
    assert Member.select().where(Member.number == "SX01").count() == 1
    assert Attendance.select().count() == 1


def test_double_reads():
    reads = DoubleReads(3.0)
    assert not reads.is_repeat("VK1MABC", 0.0)
    assert reads.is_repeat(" vk1mabc\r", 2.0)  # the same code, spelled as scanners do
    assert reads.is_repeat("VK1MABC", 4.5)  # still held in front of the scanner
    assert not reads.is_repeat("VK1MXYZ", 4.6)
    assert not reads.is_repeat("VK1MABC", 7.6)
