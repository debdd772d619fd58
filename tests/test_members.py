"""The member registry, dues and a member's own record (services, SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import signin_hall
from signin_hall import NOW

from kiosk.db.models import AuditEntry, Dues, FlowRecord, Member, MemberStageChange
from kiosk.errors import KioskError
from kiosk.services import dues, events, members, my_record, signin
from kiosk.services.members import MemberDetails

ID_NUMBER = "11010519491231002X"  # a well-formed example


@pytest.fixture
def hall(db, config):
    return signin_hall.build(config.keys_dir)


def last_actions(n: int) -> list[str]:
    return [e.action for e in AuditEntry.select().order_by(AuditEntry.seq.desc()).limit(n)][::-1]


def test_add_and_edit_a_member(hall, clerk):
    details = MemberDetails(name="欧阳小明", branch_id=hall.branches[1].id, sex="M",
                            phone="139 0000 1234", id_number=ID_NUMBER.lower())
    member = members.add_member(clerk, "m100", details, "activist", dt.date(2025, 3, 1))
    member = Member.get_by_id(member.id)
    assert (member.number, member.name_initials, member.phone, member.id_number) == (
        "M100", "oyxm", "13900001234", ID_NUMBER)
    assert (member.stage, member.activist_on) == ("activist", dt.date(2025, 3, 1))
    assert [(c.to_stage, c.on) for c in member.stage_changes] == [("activist", dt.date(2025, 3, 1))]
    with pytest.raises(KioskError, match="已经有人用了"):
        members.add_member(clerk, "M100", details, "activist", dt.date(2025, 3, 1))
    members.edit_member(clerk, member.id, MemberDetails(name="欧阳晓明", branch_id=hall.branches[0].id))
    member = Member.get_by_id(member.id)
    assert (member.name, member.name_initials, member.branch_id) == ("欧阳晓明", "oyxm", hall.branches[0].id)
    assert last_actions(2) == ["member.add", "member.edit"]
    assert AuditEntry.select().order_by(AuditEntry.seq.desc()).first().details == (
        '{"fields": ["branch", "id_number", "name", "phone", "sex"]}')  # names, not values


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("change, words", [
    ({"name": " "}, "姓名"), ({"id_number": "110105194912310021"}, "身份证"),
    ({"phone": "12ab"}, "电话"), ({"branch_id": 999}, "支部"),
])
def test_details_are_checked(hall, clerk, change, words):
    details = MemberDetails(**({"name": "张三", "branch_id": hall.branches[0].id} | change))
    with pytest.raises(KioskError, match=words):
        members.add_member(clerk, "M100", details, "full", NOW.date())
    assert not Member.select().where(Member.number == "M100").exists()


def test_search_by_number_name_and_pinyin_initials(hall):
    assert [m.number for m in members.search("zsm")] == ["M001"]
    assert [m.number for m in members.search("ZS")] == ["M001"]
    assert [m.number for m in members.search("五华")] == ["M003"]
    assert [m.number for m in members.search("m00")][:2] == ["M001", "M002"]
    assert len(members.search("")) == len(signin_hall.MEMBERS)


def test_stage_history_is_kept_and_a_probation_extension_recorded(hall, clerk):
    member = hall.member("M002")  # probationary
    with pytest.raises(KioskError, match="延长预备期"):
        members.change_stage(clerk, member.id, "probationary", dt.date(2026, 7, 1))
    members.change_stage(clerk, member.id, "probationary", dt.date(2026, 7, 1), "延长预备期半年")
    members.change_stage(clerk, member.id, "full", dt.date(2027, 1, 1))
    member = Member.get_by_id(member.id)
    assert (member.stage, member.full_on) == ("full", dt.date(2027, 1, 1))
    changes = list(MemberStageChange.select().where(MemberStageChange.member == member)
                   .order_by(MemberStageChange.on))
    assert [(c.from_stage, c.to_stage, c.note) for c in changes] == [
        ("probationary", "probationary", "延长预备期半年"), ("probationary", "full", "")]


def test_flow_out_and_back(hall, clerk):
    member = hall.member("M001")
    with pytest.raises(KioskError):
        members.record_flow(clerk, member.id, direction="out", place=" ", since=NOW.date())
    members.record_flow(clerk, member.id, direction="out", place="广东省深圳市", since=dt.date(2026, 3, 1),
                        reason="务工", contact="13900001234", holds_certificate=True)
    assert Member.get_by_id(member.id).status == "flowed_out"
    record = my_record.own_record(member.id, NOW)
    assert record.flow.place == "广东省深圳市" and record.flow.holds_certificate
    members.set_status(clerk, member.id, "normal", dt.date(2026, 10, 1))
    assert Member.get_by_id(member.id).status == "normal"
    assert FlowRecord.get().until == dt.date(2026, 10, 1)
    with pytest.raises(KioskError):
        members.set_status(clerk, member.id, "flowed_in", NOW.date())
    assert last_actions(2) == ["member.flow", "member.status"]


def test_dues_pay_and_reverse(hall, clerk):
    member = hall.member("M001")
    with pytest.raises(KioskError):
        dues.parse_amount("-3")
    paid = dues.pay(clerk, member.id, "2026-01", 6, dues.parse_amount("12"), at=NOW)
    again = dues.pay(clerk, member.id, "2026-07", 3, Decimal("6.00"), at=NOW)
    assert (paid.receipt_no, again.receipt_no) == ("DF20260001", "DF20260002")
    assert paid.received_by.number == "8002"
    assert my_record.paid_months(member)[-1] == "2026-09"
    correction = dues.reverse(clerk, again.id, at=NOW)
    assert (correction.months, correction.amount, correction.reverses_id) == (-3, Decimal("-6.00"), again.id)
    with pytest.raises(KioskError, match="冲销过"):
        dues.reverse(clerk, again.id)
    with pytest.raises(KioskError):
        dues.reverse(clerk, correction.id)
    assert my_record.paid_months(member) == [f"2026-{m:02d}" for m in range(1, 7)]
    assert Dues.select().count() == 3  # nothing edited, nothing deleted
    assert [d.receipt_no for d in dues.member_dues(member.id)][0] == "DF20260003"


def test_own_record_counts_only_the_members_own_meetings(hall, clerk):
    member = hall.member("M001")
    past = events.create_event(clerk, branch_id=hall.branches[0].id, type="lecture", title="党课",
                               place="", start=NOW - dt.timedelta(days=30),
                               end=NOW - dt.timedelta(days=30, hours=-1))
    events.create_event(clerk, branch_id=hall.branches[0].id, type="lecture", title="党课二",
                        place="", start=NOW - dt.timedelta(days=20),
                        end=NOW - dt.timedelta(days=20, hours=-1))
    events.mark(clerk, past.id, member.id, "leave", "看病")
    signin.sign_in(hall.payloads["M001"], NOW)
    signin.sign_in(hall.payloads["M002"], NOW)  # someone else's attendance is not counted
    dues.pay(clerk, member.id, "2025-11", 4, Decimal("8"), at=NOW)
    record = my_record.own_record(member.id, NOW)
    assert (record.name, record.number, record.year) == ("张*明", "M001", 2026)
    counts = {c.type: (c.attended, c.leave, c.missed) for c in record.meetings}
    assert counts == {"lecture": (0, 1, 1), "theme_day": (1, 0, 0)}
    assert record.dues_months == ["2026-01", "2026-02"] and record.dues_through == "2026-02"
    assert [title for _t, title, _k, _l in record.recent] == ["主题党日：学习交流", "党课"]
