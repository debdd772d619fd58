"""Residents' requests (诉求) and their tickets: submit, look up by ticket QR or by ticket
number + the phone's last 4 digits (locked for a while after 5 wrong tries), staff handling,
the resident's verdict (不满意 reopens), and public statistics. Every change is audited."""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
import statistics as stats
from dataclasses import dataclass

from peewee import JOIN

from kiosk import labels, scan
from kiosk.db.database import write_lock
from kiosk.db.models import Request, StaffUser, now
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.services import audit, help
from kiosk.services.hall import local_hall
from kiosk.services.privacy import mask_phone
from kiosk.services.staff import StaffSession, staff_only

MAX_TEXT = 500  # characters of the resident's description or a staff reply
MAX_COMMENT = 200
MAX_FAILED_LOOKUPS = 5
LOOKUP_LOCK = dt.timedelta(minutes=10)
_PHONE = re.compile(r"1[3-9]\d{9}|0\d{9,11}")  # mobile, or landline with area code
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_TICKET_TEXT = re.compile(r"[0-9A-Z]{1,20}")  # what a ticket number can be


def list_requests() -> list[Request]:
    return list(Request.select().order_by(Request.created, Request.ticket))


def request_record(request: Request, full: bool = False) -> dict:
    """The request as plain data for exports. The resident's own words may hold personal
    data, so they are left out unless `full`; the ticket secret is never included."""
    record = {
        "ticket": request.ticket,
        "category": request.category,
        "status": request.status,
        "verdict": request.verdict,
        "needs_help": request.needs_help,
        "reopened": request.reopened,
        "phone": request.phone if full else mask_phone(request.phone),
        "created": request.created,
        "updated": request.updated,
        "closed": request.closed,
    }
    if full:
        record.update(text=request.text, reply=request.reply,
                      verdict_comment=request.verdict_comment)
    return record


# --- residents ----------------------------------------------------------------------------

@dataclass(frozen=True)
class TicketView:
    """What the ticket holder sees (phone masked); `proof` is the ticket QR payload, which
    lets the holder give a verdict."""

    ticket: str
    proof: str
    category: str
    text: str
    needs_help: bool
    phone: str
    status: str
    reply: str
    verdict: str
    reopened: int
    created: dt.datetime
    updated: dt.datetime
    closed: dt.datetime | None


def _view(request: Request) -> TicketView:
    return TicketView(
        request.ticket, scan.TicketPayload(request.ticket, request.secret).text,
        request.category, request.text, request.needs_help, mask_phone(request.phone),
        request.status, request.reply, request.verdict, request.reopened,
        request.created, request.updated, request.closed)


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """Trimmed text, or KioskError for text too long or with symbols a printer cannot print
    (emoji and other characters beyond the basic plane, control characters)."""
    text = text.strip()
    if len(text) > limit:
        raise KioskError(_("内容太长了（最多 {limit} 个字），请简短一些").format(limit=limit))
    if any(ord(c) > 0xFFFF or (not c.isprintable() and c != "\n") for c in text):
        raise KioskError(_("内容里有无法打印的符号（如表情图案），请删去后再提交"))
    return text


def clean_phone(phone: str) -> str:
    digits = re.sub(r"[\s-]", "", phone)
    if digits and not _PHONE.fullmatch(digits):
        raise KioskError(_("电话号码格式不对：手机号是 1 开头的 11 位数字"))
    return digits


def submit(category: str, text: str, phone: str = "", needs_help: bool = False) -> TicketView:
    """Record a request; with `needs_help` staff are called to help fill it in."""
    if category not in labels.REQUEST_CATEGORIES:
        raise KioskError(_("请先选择要办的事的类别"))
    text, phone = clean_text(text), clean_phone(phone)
    if not text and not needs_help:
        raise KioskError(_("请说一说要办的事，或选「请工作人员协助填写」"))
    with write_lock():
        ticket = _new_ticket()
        request = Request.create(
            hall=local_hall(), ticket=ticket,
            secret="".join(secrets.choice(_BASE32) for _ in range(20)),
            category=category, text=text, phone=phone, needs_help=needs_help)
        audit.record("request.submit", actor="resident", subject=ticket, category=category,
                     needs_help=needs_help, text=text)
        if needs_help:
            help.raise_call("requests")
    return _view(request)


def _new_ticket() -> str:
    while True:
        ticket = f"Q{secrets.randbelow(900000) + 100000}"
        if not Request.select().where(Request.ticket == ticket).exists():
            return ticket


def by_scan(text: str) -> TicketView:
    """The request a scanned ticket QR belongs to; a forged or unknown one is refused."""
    try:
        payload = scan.parse_payload(text)
    except scan.InvalidPayload:
        payload = None
    request = None
    if isinstance(payload, scan.TicketPayload):
        request = Request.get_or_none(Request.ticket == payload.ticket)
    if request is None or not hmac.compare_digest(request.secret, payload.secret):
        audit.record("request.scan_refused", actor="resident",
                     subject=payload.ticket if isinstance(payload, scan.TicketPayload) else "")
        raise KioskError(_("查不到这张回执，请找工作人员"))
    return _view(request)


def by_number(ticket: str, last4: str, at: dt.datetime | None = None) -> TicketView:
    """Look up by ticket number and the phone's last 4 digits. After MAX_FAILED_LOOKUPS
    wrong tries the ticket is locked for LOOKUP_LOCK; refusals are committed and audited."""
    at = at or now()
    ticket = ticket.strip().upper()
    ticket = f"Q{ticket}" if ticket.isdigit() else ticket  # typed on the keypad: digits only
    if not _TICKET_TEXT.fullmatch(ticket):  # (and PostgreSQL would refuse a NUL character)
        ticket = ""  # looked up as no ticket, refused as a wrong number
    with write_lock():
        request = Request.get_or_none(Request.ticket == ticket)
        refusal = _lookup_refusal(request, ticket, last4.strip(), at)
        if refusal is None and request.failed_lookups:
            request.failed_lookups = 0
            request.save()
    if refusal is not None:
        raise refusal
    return _view(request)


def _lookup_refusal(request: Request | None, ticket: str, last4: str, at) -> KioskError | None:
    wrong = KioskError(_("回执号或电话后四位不对，请核对后再试"))
    if request is None:
        audit.record("request.lookup_refused", actor="resident", subject=ticket, reason="unknown")
        return wrong
    if request.lookup_locked_until and request.lookup_locked_until > at:
        return _locked(request.lookup_locked_until - at)
    if not request.phone:
        return KioskError(_("这张回执没有留电话，请扫回执上的二维码，或找工作人员"))
    if hmac.compare_digest(request.phone[-4:].encode(), last4.encode()):
        return None
    request.failed_lookups += 1
    if request.failed_lookups >= MAX_FAILED_LOOKUPS:
        request.failed_lookups = 0
        request.lookup_locked_until = at + LOOKUP_LOCK
        request.save()
        audit.record("request.lookup_locked", actor="resident", subject=ticket,
                     until=request.lookup_locked_until)
        return _locked(LOOKUP_LOCK)
    request.save()
    audit.record("request.lookup_refused", actor="resident", subject=ticket, reason="wrong_digits")
    return wrong


def _locked(left: dt.timedelta) -> KioskError:
    minutes = max(1, -(-int(left.total_seconds()) // 60))
    return KioskError(_("输错次数太多，这张回执暂时不能查询，请 {minutes} 分钟后再试，或找工作人员").format(
        minutes=minutes))


def give_verdict(proof: str, verdict: str, comment: str = "") -> TicketView:
    """The ticket holder's verdict on a closed request; 不满意 reopens it."""
    if verdict not in labels.VERDICTS:
        raise KioskError(_("请选择 满意、基本满意 或 不满意"))
    comment = clean_text(comment, MAX_COMMENT)
    ticket = by_scan(proof).ticket
    with write_lock():
        request = Request.get(Request.ticket == ticket)
        if request.status != "closed" or request.verdict:
            raise KioskError(_("这件事现在不能评价：办结以后才能评价，每次办结评价一次"))
        request.verdict, request.verdict_comment = verdict, comment
        request.updated = now()
        audit.record("request.verdict", actor="resident", subject=ticket, verdict=verdict,
                     comment=comment)
        if verdict == "unsatisfied":
            _reopen(request, "resident", "unsatisfied")
        request.save()
    return _view(request)


# --- staff --------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueItem:
    id: str
    ticket: str
    category: str
    status: str
    text: str
    needs_help: bool
    phone: str  # in full: staff may call back
    reply: str
    assigned_to: str  # staff name, or ""
    verdict: str
    reopened: int
    created: dt.datetime
    overdue: bool


def queue(at: dt.datetime, overdue_days: int, closed: bool = False) -> list[QueueItem]:
    """Open requests oldest first (or, with `closed`, closed ones newest first)."""
    query = (Request.select(Request, StaffUser).join(StaffUser, JOIN.LEFT_OUTER)
             .switch(Request))
    if closed:
        query = query.where(Request.status == "closed").order_by(Request.closed.desc())
    else:
        query = query.where(Request.status != "closed").order_by(Request.created, Request.ticket)
    limit = at - dt.timedelta(days=overdue_days)
    return [QueueItem(
        str(r.id), r.ticket, r.category, r.status, r.text, r.needs_help, r.phone, r.reply,
        r.assigned_to.name if r.assigned_to_id else "", r.verdict, r.reopened, r.created,
        r.status != "closed" and r.created < limit) for r in query]


def _handle(request_id, change) -> Request:
    with write_lock():
        request = Request.get_or_none(Request.id == request_id)
        if request is None:
            raise KioskError(_("找不到这件诉求"))
        change(request)
        request.updated = now()
        request.save()
    return request


@staff_only("requests.assign")
def assign(session: StaffSession, request_id, number: str | None = None) -> Request:
    """Assign to a staff member (default: the one logged in); starts the handling."""
    def change(request: Request) -> None:
        user = StaffUser.get_or_none(StaffUser.number == (number or session.number))
        if user is None or not user.active:
            raise KioskError(_("没有这位工作人员"))
        request.assigned_to = user
        if request.status == "received":
            request.status = "in_progress"
        audit.record("request.assign", actor=session.actor, subject=request.ticket,
                     to=user.number)
    return _handle(request_id, change)


@staff_only("requests.reply")
def reply(session: StaffSession, request_id, text: str) -> Request:
    """Write the reply the resident sees."""
    text = clean_text(text)
    if not text:
        raise KioskError(_("答复不能为空"))

    def change(request: Request) -> None:
        request.reply = text
        if request.status == "received":
            request.status = "in_progress"
        audit.record("request.reply", actor=session.actor, subject=request.ticket, reply=text)
    return _handle(request_id, change)


@staff_only("requests.close")
def close(session: StaffSession, request_id) -> Request:
    def change(request: Request) -> None:
        if request.status == "closed":
            raise KioskError(_("这件诉求已经办结了"))
        if not request.reply:
            raise KioskError(_("请先写答复，群众能看到答复后再办结"))
        request.status, request.closed = "closed", now()
        request.verdict, request.verdict_comment = "", ""  # the resident judges this closing
        audit.record("request.close", actor=session.actor, subject=request.ticket)
    return _handle(request_id, change)


@staff_only("requests.reopen")
def reopen(session: StaffSession, request_id) -> Request:
    def change(request: Request) -> None:
        if request.status != "closed":
            raise KioskError(_("这件诉求还没有办结，不用重新办理"))
        _reopen(request, session.actor, "staff")
    return _handle(request_id, change)


def _reopen(request: Request, actor: str, reason: str) -> None:
    request.status, request.closed = "in_progress", None
    request.reopened += 1
    audit.record("request.reopen", actor=actor, subject=request.ticket, reason=reason)


# --- public statistics --------------------------------------------------------------------

@dataclass(frozen=True)
class PeriodStats:
    total: int
    by_status: dict[str, int]
    by_category: dict[str, int]
    median_days_to_close: float | None
    satisfied_share: float | None  # 满意 + 基本满意 among verdicts given
    verdicts: int


def period_stats(start: dt.datetime, end: dt.datetime) -> PeriodStats:
    """Requests submitted in [start, end): counts only, no names or phones."""
    rows = list(Request.select(Request.status, Request.category, Request.created,
                               Request.closed, Request.verdict)
                .where((Request.created >= start) & (Request.created < end)))
    by_status = {code: sum(r.status == code for r in rows) for code in labels.REQUEST_STATUSES}
    by_category = {code: sum(r.category == code for r in rows)
                   for code in labels.REQUEST_CATEGORIES}
    days = [(r.closed - r.created).total_seconds() / 86400 for r in rows if r.closed]
    verdicts = [r.verdict for r in rows if r.verdict]
    good = sum(v in ("satisfied", "mostly_satisfied") for v in verdicts)
    return PeriodStats(len(rows), by_status, by_category,
                       stats.median(days) if days else None,
                       good / len(verdicts) if verdicts else None, len(verdicts))


def month_and_year(today: dt.date) -> tuple[PeriodStats, PeriodStats]:
    month = dt.datetime(today.year, today.month, 1)
    next_month = dt.datetime(today.year + today.month // 12, today.month % 12 + 1, 1)
    year = dt.datetime(today.year, 1, 1)
    return period_stats(month, next_month), period_stats(year, dt.datetime(today.year + 1, 1, 1))
