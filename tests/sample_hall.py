"""A small hall with rows in every table, with values that are easy to get wrong when copied
between databases (blobs, decimals, nulls, non-ASCII text, rows that refer to rows of their
own table stored after them). Call `fill_every_table` on a database set up by the `db` fixture."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from kiosk.db import outbox
from kiosk.db.database import database
from kiosk.db.models import (
    Attendance, Branch, Card, CountyRecord, Dues, Event, FlowRecord, HallAccount, HelpCall,
    Member, MemberStageChange, Notice, NoticeVersion, PrintJob, ReportCommentary, Request, ScanLog,
    SyncConflict, SyncVersion, now,
)
from kiosk.services import audit, cards, staff
from kiosk.services.hall import local_hall
from kiosk.services.notices import version_digest

MEMBER = ("M001", "张三明", "13812341234", "350102199001011234")  # number, name, phone, ID
REQUEST = ("T0001", "13998765432", "村口路灯坏了，请联系我 13998765432")  # ticket, phone, text
ADMIN = ("8001", "王建国", "admin", "246810")  # number, name, role, PIN


def fill_every_table() -> None:
    outbox.switch_on(database.obj)  # as on a hall with a county: the outbox fills too
    hall = local_hall()
    at = now()
    # A branch whose parent is stored after it: a copy in id order must still work.
    group = Branch.create(hall=hall, name="第一党小组")
    branch = Branch.create(hall=hall, name="第一党支部")
    group.parent = branch
    group.save()

    number, name, phone, id_number = MEMBER
    member = Member.create(
        number=number, name=name, name_initials="zsm", sex="M", birth_date=dt.date(1990, 1, 1),
        phone=phone, id_number=id_number, branch=branch, stage="full", full_on=dt.date(2015, 7, 1),
        address="山下村 3 组 12 号",
    )
    flowed = Member.create(number="M002", name="欧阳小明", branch=group, stage="probationary",
                           status="flowed_out", probation_on=dt.date(2025, 7, 1))
    MemberStageChange.create(hall=hall, member=member, from_stage="probationary", to_stage="full",
                             on=dt.date(2015, 7, 1), note="按期转正")
    FlowRecord.create(hall=hall, member=flowed, direction="out", place="广东省深圳市",
                      since=dt.date(2024, 3, 1), reason="务工", holds_flow_certificate=True)
    Card.create(member=member, serial=1, key_id=cards.local_key().key_id, issued=at.date())

    admin_number, admin_name, role, pin = ADMIN
    admin = staff.add_staff(None, admin_number, admin_name, role, pin)

    hour = dt.timedelta(hours=1)
    open_event = Event.create(
        branch=branch, type="theme_day", title="主题党日：学习交流", place="二楼会议室",
        start=at, end=at + 2 * hour, signin_opens=at - hour, signin_closes=at + hour,
    )
    past = Event.create(
        branch=branch, type="branch_assembly", title="支部党员大会", start=at - 50 * hour,
        end=at - 48 * hour, signin_opens=at - 51 * hour, signin_closes=at - 49 * hour,
        status="closed", minutes="会议记录\n第二行",
    )
    Event.create(branch=group, type="lecture", title="党课", start=at + 48 * hour,
                 end=at + 50 * hour, signin_opens=at + 47 * hour, signin_closes=at + 49 * hour)
    Attendance.create(hall=hall, event=past, member=member, kind="assisted", late=True,
                      assisted_by=admin, time=at - 49 * hour)
    ScanLog.create(hall=hall, kind="M", subject=number, result="ok", event=open_event)

    notice = Notice.create(hall=hall, number=1, category="finance", title="2026 年村务财务公开",
                           body="# 收支\n\n- 道路维修 ¥12,000 🚧", pinned=True, status="published",
                           published=at, valid_from=at.date())
    version = NoticeVersion.create(hall=hall, notice=notice, version=1, title=notice.title,
                                   body=notice.body, category=notice.category,
                                   valid_from=notice.valid_from, changed_by_role="staff")

    ticket, request_phone, text = REQUEST
    Request.create(hall=hall, ticket=ticket, secret="ABCDEFGHIJKLMNOP", category="utilities",
                   text=text, phone=request_phone, status="closed", reply="已修好",
                   verdict="satisfied", closed=at)
    HelpCall.create(hall=hall, place="home", acknowledged=at, acknowledged_by=admin)
    PrintJob.create(hall=hall, kind="ticket", document='{"title": "回执"}', attempts=2,
                    last_error="printer offline")

    # A correction whose id sorts before the entry it reverses.
    paid = Dues.create(id=uuid.UUID(int=2**128 - 1), hall=hall, member=member,
                       first_month="2026-01", months=3, amount=Decimal("12.50"),
                       receipt_no="D2026-0001", received_by=admin)
    Dues.create(id=uuid.UUID(int=1), hall=hall, member=member, first_month="2026-01", months=-3,
                amount=Decimal("-12.50"), receipt_no="D2026-0002", reverses=paid)
    audit.record("notice.publish", actor=f"staff:{admin_number}", subject=str(notice.id),
                 version=1, digest=version_digest(version))
    ReportCommentary.create(hall=hall, kind="attendance", period="2026-Q2", branch=branch,
                            text="出勤比上季度好，\n流出党员多用视频参会", written_by=admin)
    # county sync: on a hall its own tables, the county's too (one schema for both)
    SyncVersion.create(kind="member", key=f"{cards.local_key().key_id}:{number}", version=2)
    SyncConflict.create(hall=hall, kind="member", key=f"{cards.local_key().key_id}:{number}",
                        lost='{"stage": "full"}', kept='{"stage": "candidate"}',
                        rule="county_wins")
    HallAccount.create(name="东村党群服务中心", token_hash="0" * 64, hall=hall, last_seen=at)
    CountyRecord.create(kind="attendance", key=str(uuid.UUID(int=2)), hall=hall, data="{}",
                        written_by=hall.id, change_seq=1, member_key="K:M001",
                        audience=hall.id)
