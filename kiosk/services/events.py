"""Meetings and other events (三会一课, 主题党日) with their sign-in windows."""

from __future__ import annotations

import datetime as dt

from kiosk.db.models import Branch, Event


def list_events() -> list[Event]:
    return list(Event.select(Event, Branch).join(Branch).order_by(Event.start, Event.id))


def signin_open(event: Event, at: dt.datetime) -> bool:
    return event.status == "planned" and event.signin_opens <= at <= event.signin_closes


def event_record(event: Event, at: dt.datetime) -> dict:
    return {
        "id": event.id,
        "title": event.title,
        "type": event.type,
        "status": event.status,
        "signin_open": signin_open(event, at),
        "branch": event.branch.name,
        "place": event.place,
        "start": event.start,
        "end": event.end,
        "signin_opens": event.signin_opens,
        "signin_closes": event.signin_closes,
    }
