"""呼叫工作人员: a press is recorded, shown to staff, and acknowledged by whoever comes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.db.database import write_lock
from kiosk.db.models import HelpCall, StaffUser, now
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.services import audit
from kiosk.services.hall import local_hall
from kiosk.services.staff import StaffSession, staff_only


def raise_call(place: str) -> HelpCall:
    with write_lock():
        call = HelpCall.create(hall=local_hall(), place=place[:50])
        audit.record("help.call", actor="resident", subject=str(call.id), place=place)
    return call


@dataclass(frozen=True)
class PendingCall:
    id: str
    place: str  # the area it was raised from
    waited: dt.timedelta


def pending_calls() -> list[PendingCall]:
    at = now()
    query = HelpCall.select().where(HelpCall.acknowledged.is_null()).order_by(HelpCall.time)
    return [PendingCall(str(call.id), call.place, at - call.time) for call in query]


@staff_only("help.acknowledge")
def acknowledge(session: StaffSession, call_id) -> HelpCall:
    with write_lock():
        call = HelpCall.get_or_none(HelpCall.id == call_id)
        if call is None:
            raise KioskError(_("找不到这次呼叫"))
        if call.acknowledged is None:
            call.acknowledged = now()
            call.acknowledged_by = StaffUser.get(StaffUser.number == session.number)
            call.save()
            waited = int((call.acknowledged - call.time).total_seconds())
            audit.record("help.acknowledge", actor=session.actor, subject=str(call.id),
                         waited_seconds=waited)
    return call
