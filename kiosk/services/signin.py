"""Signing in to a meeting with a member card, and opening a member's own record with it.

Result codes (DESIGN.md section 3): ok, already, no_event, too_early, too_late, revoked,
invalid, unknown_member, inactive, error. Every scan is logged in ScanLog with its result,
and nothing else is written for a card that does not get a member signed in. A record
looked at is logged as "record".
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from kiosk import scan
from kiosk.db.database import write_lock
from kiosk.db.models import Card, Event, Hall, Member, ScanLog, now
from kiosk.scan import CardPayload
from kiosk.services import audit, events
from kiosk.services.cards import CardRejected, verified_with_key
from kiosk.services.hall import local_hall
from kiosk.services.privacy import mask_name

log = logging.getLogger(__name__)

RESULTS = ("ok", "already", "no_event", "too_early", "too_late", "revoked", "invalid",
           "unknown_member", "inactive", "error")
INACTIVE_STATUSES = ("transferred_out", "deceased")


@dataclass(frozen=True)
class SignInResult:
    code: str
    name: str = ""  # masked
    number: str = ""
    event: str = ""  # the event's title
    start: dt.datetime | None = None  # the event's
    place: str = ""  # the event's
    time: dt.datetime | None = None  # when signed in: the first time, for "already"
    late: bool = False
    kind: str = ""  # attendance kind
    home_org: str = ""  # a member from elsewhere: their own organisation
    opens: dt.datetime | None = None  # too_early: when sign-in opens
    member_id: int | None = None  # a known member, so that their record can be shown


@dataclass(frozen=True)
class Holder:
    """Whose card it is. `member` is None for a member of another hall never seen here."""

    payload: CardPayload
    member: Member | None
    home_org: str


def check_card(text: str) -> Holder:
    """A valid, current member card, or CardRejected with a result code."""
    payload, key = verified_with_key(text)  # CardRejected("invalid")
    if payload.kind != "M":
        raise CardRejected("invalid")
    card_key = "" if key.is_local else key.key_id
    member = Member.get_or_none((Member.card_key == card_key) & (Member.number == payload.number))
    if key.is_local:
        if member is None:
            raise CardRejected("unknown_member")
        _check_serial(member, payload.serial)
    elif member is not None and member.cards.exists():  # cards known from the county
        _check_serial(member, payload.serial)
    if member is not None and member.status in INACTIVE_STATUSES:
        raise CardRejected("inactive")
    home_org = member.home_org if member is not None and member.home_org else (
        "" if key.is_local else key.hall_name)
    return Holder(payload, member, home_org)


def _check_serial(member: Member, serial: int) -> None:
    card = Card.get_or_none((Card.member == member) & (Card.serial == serial))
    if card is not None and card.revoked is None:
        return
    newer = Card.select().where((Card.member == member) & (Card.serial > serial)).exists()
    raise CardRejected("revoked" if card is not None or newer else "invalid")


def sign_in(text: str, at: dt.datetime | None = None) -> SignInResult:
    """Sign the card's holder in to the event open now; never raises."""
    at = (at or now()).replace(microsecond=0)
    try:
        return _sign_in(text, at)
    except Exception:
        log.exception("sign-in failed")
        result = SignInResult("error")
        try:
            _log(text, result.code, at)
        except Exception:
            log.exception("scan not logged")
        return result


def _sign_in(text: str, at: dt.datetime) -> SignInResult:
    hall = local_hall()
    try:
        holder = check_card(text)
    except CardRejected as exc:
        _log(text, exc.reason, at, hall=hall)
        return SignInResult(exc.reason)
    member = holder.member
    event, state = events.event_for_scan(member.branch_id if member else None, at)
    found = dict(name=mask_name(member.name) if member else "", number=holder.payload.number,
                 home_org=holder.home_org, member_id=member.id if member else None)
    if event is not None:
        found.update(event=event.title, start=event.start, place=event.place)
    if state != "open":
        code = state or "no_event"
        _log(text, code, at, event, hall)
        return SignInResult(code, opens=event.signin_opens if state == "too_early" else None,
                            **found)
    with write_lock():
        if member is None:
            member = _visitor(holder, event)
            found.update(member_id=member.id)
        row, new = events.record_attendance(event, member, "present", at, hall=hall,
                                            home_org=holder.home_org)
        _log(text, "ok" if new else "already", at, event, hall)
    return SignInResult("ok" if new else "already", time=row.time, late=row.late,
                        kind=row.kind, **found)


def _visitor(holder: Holder, event: Event) -> Member:
    """A member of another hall whose key we trust, at their first meeting here: kept
    under their own number and organisation (流入参加); staff can fill in the rest. Call
    inside write_lock() (a second scan of the card may have added them meanwhile)."""
    payload = holder.payload
    member = Member.get_or_none((Member.card_key == payload.key_id)
                                & (Member.number == payload.number))
    if member is None:
        member = Member.create(number=payload.number, card_key=payload.key_id, name="",
                               branch=event.branch_id, status="flowed_in",
                               home_org=holder.home_org)
        audit.record("member.visitor", subject=member.number, home_org=holder.home_org)
    return member


def open_record(text: str, at: dt.datetime | None = None) -> SignInResult:
    """Check a card to show its holder's own record: code "record" with the member, or a
    rejection code. Never raises."""
    at = (at or now()).replace(microsecond=0)
    try:
        try:
            holder = check_card(text)
            if holder.member is None:
                raise CardRejected("unknown_member")
        except CardRejected as exc:
            _log(text, exc.reason, at)
            return SignInResult(exc.reason)
        _log(text, "record", at)
        return SignInResult("record", name=mask_name(holder.member.name),
                            number=holder.payload.number, member_id=holder.member.id)
    except Exception:
        log.exception("record look-up failed")
        return SignInResult("error")


def _log(text: str, result: str, at: dt.datetime, event: Event | None = None,
         hall: Hall | None = None) -> None:
    """What was scanned: only the kind and number of a readable code, never the text."""
    try:
        payload = scan.parse_payload(text)
    except scan.InvalidPayload:
        payload = None
    number = payload.number if isinstance(payload, CardPayload) else ""
    with write_lock():
        ScanLog.create(hall=hall or local_hall(), time=at, kind=payload.kind if payload else "",
                       subject=number, result=result, event=event)
