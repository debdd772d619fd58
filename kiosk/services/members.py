"""The member registry: members with their stage history (申请人 → 正式党员), status and
flow records. Changes are audited; history is appended, never overwritten."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields

from kiosk.db.database import write_lock
from kiosk.db.models import STAGES, STATUSES, Branch, FlowRecord, Member, MemberStageChange
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.services import audit
from kiosk.services.hall import local_hall
from kiosk.services.privacy import is_id_number, mask_id_number, mask_name, mask_phone
from kiosk.services.staff import StaffSession, staff_only

STAGE_DATES = {"applicant": "applied_on", "activist": "activist_on", "candidate": "candidate_on",
               "probationary": "probation_on", "full": "full_on"}
SEARCH_LIMIT = 200


def list_members() -> list[Member]:
    return list(Member.select(Member, Branch).join(Branch).order_by(Member.number))


def member_record(member: Member, full: bool = False) -> dict:
    """The member as plain data for exports; personal data masked unless `full`."""
    record = {
        "number": member.number,
        "name": member.name if full else mask_name(member.name),
        "sex": member.sex,
        "branch": member.branch.name,
        "stage": member.stage,
        "status": member.status,
        "phone": member.phone if full else mask_phone(member.phone),
        "id_number": member.id_number if full else mask_id_number(member.id_number),
        "applied_on": member.applied_on,
        "activist_on": member.activist_on,
        "candidate_on": member.candidate_on,
        "probation_on": member.probation_on,
        "full_on": member.full_on,
        "home_org": member.home_org,
    }
    if full:
        record.update(birth_date=member.birth_date, address=member.address)
    return record


def get_member(number: str) -> Member:
    """A member of this hall by number (members from elsewhere are kept by their card)."""
    member = Member.get_or_none((Member.number == number.strip().upper()) & (Member.card_key == ""))
    if member is None:
        raise KioskError(_("没有编号为 {number} 的党员").format(number=number))
    return member


def by_id(member_id: int) -> Member:
    return Member.select(Member, Branch).join(Branch).where(Member.id == member_id).get()


def list_branches() -> list[Branch]:
    return list(Branch.select().order_by(Branch.id))


def pinyin_initials(name: str) -> str:
    """张三明 -> "zsm" (for finding members by typing initials)."""
    from pypinyin import Style, lazy_pinyin  # its dictionary loads in about 0.3 s

    return "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER) if p).lower()[:20]


def search(text: str) -> list[Member]:
    """Members whose number starts with, whose name contains, or whose pinyin initials start
    with `text` ("zs" finds 张三); everyone when it is empty. Control characters (a NUL,
    which PostgreSQL refuses, say) are left out."""
    text = re.sub(r"[\x00-\x1f\x7f]", "", text).strip()
    query = Member.select(Member, Branch).join(Branch)
    if text:
        query = query.where(Member.number.startswith(text.upper()) | Member.name.contains(text)
                            | Member.name_initials.startswith(text.lower()))
    return list(query.order_by(Member.card_key, Member.number).limit(SEARCH_LIMIT))


@dataclass
class MemberDetails:
    """What staff fill in about a member (stage and status change through their own steps)."""

    name: str
    branch_id: int
    sex: str = ""  # M / F
    birth_date: dt.date | None = None
    phone: str = ""
    id_number: str = ""
    address: str = ""
    home_org: str = ""

    def checked(self) -> MemberDetails:
        name, phone = self.name.strip(), re.sub(r"[\s-]", "", self.phone)
        id_number = self.id_number.strip().upper()
        if not name:
            raise KioskError(_("姓名不能为空"))
        if self.sex not in ("", "M", "F"):
            raise KioskError(_("性别应为 男 或 女"))
        if phone and not (phone.isdigit() and 7 <= len(phone) <= 20):
            raise KioskError(_("电话号码应为 7 到 20 位数字"))
        if id_number and not is_id_number(id_number):
            raise KioskError(_("身份证号码不对：应为 18 位，最后一位是校验码"))
        if not Branch.select().where(Branch.id == self.branch_id).exists():
            raise KioskError(_("请选择支部"))
        return MemberDetails(name, self.branch_id, self.sex, self.birth_date, phone, id_number,
                             self.address.strip(), self.home_org.strip())


def _values(details: MemberDetails) -> dict:
    values = {f.name: getattr(details, f.name) for f in fields(details)}
    values["branch"] = values.pop("branch_id")
    values["name_initials"] = pinyin_initials(details.name)
    return values


@staff_only("members.add")
def add_member(session: StaffSession, number: str, details: MemberDetails, stage: str,
               since: dt.date) -> Member:
    """A new member of this hall, at `stage` since `since` (the first entry of their
    stage history)."""
    number = number.strip().upper()
    if not (number.isascii() and number.isalnum() and 1 <= len(number) <= 12):
        raise KioskError(_("党员编号应为 1 到 12 位字母或数字"))
    if stage not in STAGES:
        raise KioskError(_("请选择发展阶段"))
    with write_lock():
        details = details.checked()
        if Member.select().where((Member.number == number) & (Member.card_key == "")).exists():
            raise KioskError(_("党员编号 {number} 已经有人用了").format(number=number))
        member = Member.create(number=number, stage=stage, **{STAGE_DATES[stage]: since},
                               **_values(details))
        MemberStageChange.create(hall=local_hall(), member=member, to_stage=stage, on=since)
        audit.record("member.add", actor=session.actor, subject=number, stage=stage)
    return member


@staff_only("members.edit")
def edit_member(session: StaffSession, member_id: int, details: MemberDetails) -> None:
    with write_lock():
        details = details.checked()
        member = Member.get_by_id(member_id)
        values = _values(details)
        before = {k: getattr(member, k) for k in values} | {"branch": member.branch_id}
        changed = sorted(k for k, v in values.items() if before[k] != v and k != "name_initials")
        Member.update(**values).where(Member.id == member_id).execute()
        audit.record("member.edit", actor=session.actor, subject=member.number, fields=changed)


@staff_only("members.change_stage")
def change_stage(session: StaffSession, member_id: int, to_stage: str, on: dt.date,
                 note: str = "") -> None:
    """Move a member to another stage, or record a change within one (a probation
    extended: the same stage again, with the reason in `note`)."""
    note = note.strip()
    if to_stage not in STAGES:
        raise KioskError(_("请选择发展阶段"))
    with write_lock():
        member = Member.get_by_id(member_id)
        if to_stage == member.stage and not note:
            raise KioskError(_("阶段没有变；如果是延长预备期，请在说明里写明"))
        MemberStageChange.create(hall=local_hall(), member=member, from_stage=member.stage,
                                 to_stage=to_stage, on=on, note=note)
        if to_stage != member.stage:
            setattr(member, STAGE_DATES[to_stage], on)
        member.stage = to_stage
        member.save()
        audit.record("member.stage", actor=session.actor, subject=member.number, to=to_stage,
                     on=on, note=note)


FLOW_STATUSES = {"out": "flowed_out", "in": "flowed_in"}


@staff_only("members.record_flow")
def record_flow(session: StaffSession, member_id: int, *, direction: str, place: str,
                since: dt.date, reason: str = "", contact: str = "",
                holds_certificate: bool = False) -> None:
    """A member flows out (or has flowed in); their status follows. An earlier open flow
    record is ended on `since`."""
    place = place.strip()
    if direction not in FLOW_STATUSES:
        raise KioskError(_("请选择流出或流入"))
    if not place:
        raise KioskError(_("请写明流向（或来自）哪里"))
    with write_lock():
        member = Member.get_by_id(member_id)
        FlowRecord.update(until=since).where(
            (FlowRecord.member == member) & FlowRecord.until.is_null()).execute()
        FlowRecord.create(hall=local_hall(), member=member, direction=direction, place=place,
                          since=since, reason=reason.strip(), contact=contact.strip(),
                          holds_flow_certificate=holds_certificate)
        member.status = FLOW_STATUSES[direction]
        member.save()
        audit.record("member.flow", actor=session.actor, subject=member.number,
                     direction=direction, place=place, since=since)


@staff_only("members.set_status")
def set_status(session: StaffSession, member_id: int, status: str, on: dt.date) -> None:
    """Back to 正常 (ending an open flow record), or 转出 / 去世."""
    if status not in STATUSES or status in FLOW_STATUSES.values():
        raise KioskError(_("流出、流入请用「登记流动」"))
    with write_lock():
        member = Member.get_by_id(member_id)
        FlowRecord.update(until=on).where(
            (FlowRecord.member == member) & FlowRecord.until.is_null()).execute()
        member.status = status
        member.save()
        audit.record("member.status", actor=session.actor, subject=member.number, status=status,
                     on=on)


def history(member_id: int) -> tuple[list[MemberStageChange], list[FlowRecord]]:
    """A member's stage changes and flow records, oldest first."""
    return (list(MemberStageChange.select().where(MemberStageChange.member == member_id)
                 .order_by(MemberStageChange.on, MemberStageChange.recorded)),
            list(FlowRecord.select().where(FlowRecord.member == member_id)
                 .order_by(FlowRecord.since, FlowRecord.recorded)))
