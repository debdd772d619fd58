"""The reports (kiosk.services.reports) over the county's halls, with a hall filter.

The county keeps what the halls send as JSON rows (kiosk.services.county). For a report,
the rows it needs are laid out in the halls' own tables in a scratch SQLite database in
memory, where the reports run exactly as they do at a hall. Member, ticket and receipt
numbers are only unique within a hall: there members are told apart by their branch, and
tickets and receipts get the hall's id in front.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import peewee as pw

from kiosk.db.database import database
from kiosk.db.models import (
    ALL_MODELS, Attendance, Branch, CountyRecord, Dues, Event, FlowRecord, Hall, HallAccount,
    Member, MemberStageChange, Request,
)
from kiosk.services.sync import set_fields

KINDS = ("member", "event", "attendance", "flow_record", "member_stage_change", "request",
         "dues")


def _made(model: type[pw.Model], data: dict, **given) -> pw.Model:
    row = model(**given)
    set_fields(row, data, [f.name for f in model._meta.sorted_fields if f.name not in given
                           and not isinstance(f, (pw.ForeignKeyField, pw.AutoField))])
    row.save(force_insert=True)
    return row


class _Layout:
    def __init__(self):
        self.branches: dict[tuple, int] = {}
        self.members: dict[str, int] = {}
        self.events: dict[str, int] = {}

    def branch(self, hall_id, name: str | None) -> int:
        key = (hall_id, name or "")
        if key not in self.branches:
            self.branches[key] = Branch.create(hall=hall_id, name=name or "—").id
        return self.branches[key]

    def put(self, kind: str, key: str, hall_id, data: dict) -> None:
        prefix = str(hall_id)[:8]
        if kind == "member":
            number = key.split(":", 1)[1]
            self.members[key] = _made(Member, data, card_key="", number=number,
                                      branch=self.branch(hall_id, data.get("branch"))).id
            return
        if kind == "event":
            self.events[key] = _made(Event, data,
                                     branch=self.branch(hall_id, data.get("branch"))).id
            return
        if kind == "request":
            _made(Request, data, hall=hall_id, ticket=f"{prefix}-{data['ticket']}", secret="")
            return
        member = self.members.get(data.get("member"))
        if member is None:
            return  # a member the county has not been sent
        if kind == "attendance" and data.get("event") in self.events:
            _made(Attendance, data, hall=hall_id, member=member,
                  event=self.events[data["event"]])
        elif kind == "dues":
            _made(Dues, data, hall=hall_id, member=member, reverses=data.get("reverses"),
                  receipt_no=f"{prefix}-{data['receipt_no']}")
        elif kind in ("flow_record", "member_stage_change"):
            model = FlowRecord if kind == "flow_record" else MemberStageChange
            _made(model, data, hall=hall_id, member=member)


@contextmanager
def laid_out() -> Iterator[dict[str, object]]:
    """While open, the models work on a scratch database with the county's rows; yields
    the halls' ids by the names the county gave them (`add-hall`: unique, where the names
    halls give themselves need not be), for the hall filter. Not for use by several
    threads, so never in the server."""
    halls = list(Hall.select(Hall.id, Hall.name).tuples())
    named = dict(HallAccount.select(HallAccount.name, HallAccount.hall)
                 .where(HallAccount.hall.is_null(False)).tuples())
    records = [(r.kind, r.key, r.hall_id, json.loads(r.data)) for kind in KINDS
               for r in CountyRecord.select().where(CountyRecord.kind == kind)
               .order_by(CountyRecord.id)]
    county_db, scratch = database.obj, pw.SqliteDatabase(":memory:")
    database.initialize(scratch)
    try:
        with scratch.atomic():
            scratch.create_tables(ALL_MODELS)
            # every member here is one of their own hall's (card_key ""), and member
            # numbers are unique only within a hall
            scratch.execute_sql("DROP INDEX member_card_key_number")
            for hall_id, name in halls:
                Hall.create(id=hall_id, name=name)
            layout = _Layout()
            for kind, key, hall_id, data in records:
                layout.put(kind, key, hall_id, data)
        yield named
    finally:
        database.initialize(county_db)
        scratch.close()
