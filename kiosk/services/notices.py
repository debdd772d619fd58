"""The public notice board (党务/村务/财务公开)."""

from __future__ import annotations

from kiosk.db.models import Notice


def list_notices() -> list[Notice]:
    return list(Notice.select().order_by(Notice.number))


def notice_record(notice: Notice) -> dict:
    return {
        "id": notice.id,
        "number": notice.number,
        "title": notice.title,
        "category": notice.category,
        "status": notice.status,
        "pinned": notice.pinned,
        "version": notice.version,
        "valid_from": notice.valid_from,
        "valid_until": notice.valid_until,
        "published": notice.published,
        "retracted": notice.retracted,
    }
