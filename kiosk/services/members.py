"""The member registry."""

from __future__ import annotations

from kiosk.db.models import Branch, Member
from kiosk.services.privacy import mask_id_number, mask_name, mask_phone


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
