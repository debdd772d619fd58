"""Residents' requests (诉求) and their tickets."""

from __future__ import annotations

from kiosk.db.models import Request
from kiosk.services.privacy import mask_phone


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
        "phone": request.phone if full else mask_phone(request.phone),
        "created": request.created,
        "updated": request.updated,
        "closed": request.closed,
    }
    if full:
        record.update(text=request.text, reply=request.reply,
                      verdict_comment=request.verdict_comment)
    return record
