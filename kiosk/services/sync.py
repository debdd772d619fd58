"""The hall's side of county sync (protocol: docs/SYNC.md).

Push: what the hall made or changed is in the outbox (kiosk.db.outbox fills it in the same
transaction as the change, from the first sync on, which queues every earlier row).
Uploads take the oldest BATCH entries, send the rows as they are now, and delete the
entries only once the county has answered: a cut mid-batch is retried, and the county
keys rows by id, so a repeat changes nothing.
Pull: the county's changes after the hall's cursor (other halls' keys, members flowed
here, the county's edits of our members and cards, county notices), applied in one
transaction a page.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from kiosk.db.database import database, write_lock
from kiosk.db.models import (
    ALL_MODELS, Branch, Card, Event, FlowRecord, Hall, HallKey, Member, Meta, Outbox, StaffUser,
    SyncConflict, SyncVersion, now,
)
from kiosk.db import outbox
from kiosk.db.outbox import SYNCED
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.services import audit, notices
from kiosk.services.cards import local_key
from kiosk.services.hall import local_hall

log = logging.getLogger(__name__)

BATCH = 500
PAGE = 500
TIMEOUT = 30  # seconds for one request
SHARED = ("hall_key", "member", "card")  # kept by natural keys, editable at the county
LEFT_OUT = {  # fields the county does not get: secrets, lock-outs, receipts' contents
    "request": {"secret", "failed_lookups", "lookup_locked_until"},
    "print_job": {"document"},
    "member": {"id"}, "card": {"id"}, "event": {"id"},
}
CURSOR, LAST_OK, LAST_ERROR = "sync_cursor", "sync_last_ok", "sync_error"  # keys in meta
_one_at_a_time = threading.Lock()  # see sync_once


class SyncError(KioskError):
    """The county could not be reached, or refused: nothing was lost, try again later."""


def synced_models() -> dict[str, type[pw.Model]]:
    """The synced tables' models by table name."""
    return {m._meta.table_name: m for m in ALL_MODELS if m._meta.table_name in SYNCED}


# --- turning rows into records -------------------------------------------------------------

def plain(value):
    """A field's value as JSON."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    return value


class Records:
    """Builds the county's records of local rows, remembering what it looked up."""

    def __init__(self):
        self.hall = local_hall()
        self.key_id = local_key().key_id
        self._refs: dict[tuple, object] = {}

    def member_key(self, member_id: int) -> str:
        def find():
            card_key, number = Member.select(Member.card_key, Member.number).where(
                Member.id == member_id).tuples().get()
            return f"{card_key or self.key_id}:{number}"
        return self._ref(("member", member_id), find)

    def _ref(self, key: tuple, find):
        if key not in self._refs:
            self._refs[key] = find()
        return self._refs[key]

    def reference(self, field: pw.ForeignKeyField, value):
        """A foreign key as something that means the same at the county."""
        if value is None:
            return None
        target = field.rel_model
        if target is Member:
            return self.member_key(value)
        if target is Event:
            return f"{self.hall.id}:{value}"
        if target is StaffUser:
            return self._ref(("staff", value), lambda: StaffUser.get_by_id(value).number)
        if target is Branch:
            return self._ref(("branch", value), lambda: Branch.get_by_id(value).name)
        return plain(value)  # a UUID

    def record(self, kind: str, row: pw.Model) -> dict | None:
        """The row as the county keeps it; None for a row this hall does not own (another
        hall's member or key, kept here from the county)."""
        if kind == "hall_key" and not row.is_local:
            return None
        if "hall" in row._meta.fields and row.hall_id != self.hall.id:
            return None  # e.g. another hall's flow record of a member who came here
        if kind == "member" and row.card_key:
            return None
        if kind == "card" and not self.member_key(row.member_id).startswith(self.key_id + ":"):
            return None
        data = {}
        for field in row._meta.sorted_fields:
            if field.name in LEFT_OUT.get(kind, ()):
                continue
            value = row.__data__.get(field.name)
            data[field.name] = (self.reference(field, value)
                                if isinstance(field, pw.ForeignKeyField) else plain(value))
        if kind == "member":
            data["hall_name"] = self.hall.name
        if kind == "event":
            data["hall"] = str(self.hall.id)
        key = {"hall_key": lambda: row.key_id, "member": lambda: self.member_key(row.id),
               "card": lambda: f"{self.member_key(row.member_id)}:{row.serial}",
               "event": lambda: f"{self.hall.id}:{row.id}"}.get(kind, lambda: str(row.id))()
        base = 0
        if kind in SHARED:
            seen = SyncVersion.get_or_none((SyncVersion.kind == kind) & (SyncVersion.key == key))
            base = seen.version if seen else 0
        return {"kind": kind, "key": key, "data": data, "base": base}


def pending_batch(limit: int = BATCH) -> tuple[list[int], list[dict]]:
    """The outbox's oldest entries as records (each row once, as it is now), and the seqs
    of the entries read (empty when the outbox is empty)."""
    models = synced_models()
    with database.atomic():  # one consistent view of the rows
        entries = list(Outbox.select().order_by(Outbox.seq).limit(limit))
        records, done, builder = [], set(), (Records() if entries else None)
        for entry in entries:
            if (entry.kind, entry.key) in done:
                continue
            done.add((entry.kind, entry.key))
            model = models[entry.kind]
            row = model.get_or_none(model._meta.primary_key == entry.key)
            made = builder.record(entry.kind, row) if row is not None else None
            if made is not None:
                records.append(made)
    return [entry.seq for entry in entries], records


def push_body(seqs: list[int], records: list[dict]) -> dict:
    hall = local_hall()
    return {"hall": {"id": str(hall.id), "name": hall.name},
            "backlog": Outbox.select().where(Outbox.seq > seqs[-1]).count(), "rows": records}


def _taken(seqs: list[int], reply: dict) -> None:
    """The county has the batch: forget exactly the entries it was made of, and note what
    the county said. Not `seq <= last`: on PostgreSQL an entry with a smaller seq can
    commit after the batch was read, and would be lost."""
    with write_lock():
        Outbox.delete().where(Outbox.seq << seqs).execute()
        _remember_versions(reply.get("versions", []))
        for conflict in reply.get("conflicts", []):
            _conflict(conflict["kind"], conflict["key"], conflict["lost"], conflict["kept"])


def _remember_versions(versions: list) -> None:
    for kind, key, version in versions:
        SyncVersion.insert(kind=kind, key=key, version=version).on_conflict(
            conflict_target=[SyncVersion.kind, SyncVersion.key],
            update={SyncVersion.version: version}).execute()


def _conflict(kind: str, key: str, lost: dict, kept: dict) -> None:
    SyncConflict.create(hall=local_hall(), kind=kind, key=key, rule="county_wins",
                        lost=json.dumps(lost, ensure_ascii=False),
                        kept=json.dumps(kept, ensure_ascii=False))
    audit.record("sync.conflict", subject=f"{kind}:{key}", rule="county_wins")


# --- applying the county's changes ---------------------------------------------------------

def set_fields(row: pw.Model, data: dict, names) -> None:
    for name in names:
        if name not in data:
            continue
        field, value = row._meta.fields[name], data[name]
        if value is not None and isinstance(field, pw.DateTimeField):
            value = dt.datetime.fromisoformat(value)
        elif value is not None and isinstance(field, pw.DateField):
            value = dt.date.fromisoformat(value)
        setattr(row, name, value)


MEMBER_FIELDS = ("name", "name_initials", "sex", "birth_date", "phone", "id_number", "stage",
                 "status", "applied_on", "activist_on", "candidate_on", "probation_on",
                 "full_on", "address")


def _member_by_key(member_key: str) -> Member | None:
    key_id, number = member_key.split(":", 1)
    card_key = "" if key_id == local_key().key_id else key_id
    return Member.get_or_none((Member.card_key == card_key) & (Member.number == number))


def _apply_member(key: str, data: dict, before: int) -> Member:
    member = _member_by_key(key)
    if member is not None and not member.card_key:
        # one of ours, edited at the county: the county's values win, also over a change
        # of ours still in the outbox (entries up to `before`: not this page's own writes)
        if Outbox.select().where((Outbox.seq <= before) & (Outbox.kind == "member")
                                 & (Outbox.key == str(member.id))).exists():
            lost = Records().record("member", member)["data"]
            _conflict("member", key, lost, data)
        set_fields(member, data, MEMBER_FIELDS)
        member.save()
        return member
    if member is None:
        branch = Branch.select().order_by(Branch.id).first() or Branch.create(
            hall=local_hall(), name="流入党员")
        member = Member(number=key.split(":", 1)[1], card_key=key.split(":", 1)[0],
                        branch=branch)
    set_fields(member, data, MEMBER_FIELDS)
    if data.get("status") in ("normal", "flowed_out"):  # at home, or flowed out to here
        member.status = "flowed_in"
    member.home_org = f"{data.get('hall_name', '')} {data.get('branch', '')}".strip()
    member.save()
    return member


def _apply(change: dict, before: int) -> tuple[str, str] | None:
    """Apply one change; the (table, local key) it wrote, or None."""
    kind, key, data = change["kind"], change["key"], change["data"]
    if kind == "hall_key":
        if HallKey.get_or_none(HallKey.key_id == key) is None:
            HallKey.create(key_id=key, hall_name=data["hall_name"],
                           public_key=base64.b64decode(data["public_key"]))
        return kind, key
    if kind == "member":
        return kind, str(_apply_member(key, data, before).id)
    if kind == "notice":  # from the county: a draft for staff, once
        if SyncVersion.get_or_none((SyncVersion.kind == kind) & (SyncVersion.key == key)):
            return None
        notices.county_draft(notices.NoticeFields(data["title"], data["category"],
                                                  data["body"]))
        return None  # the draft is this hall's own, for the county to see too
    member = _member_by_key(data["member"] if kind == "flow_record" else key.rsplit(":", 1)[0])
    if member is None:
        return None  # not a member this hall knows
    if kind == "card":
        card = Card.get_or_none((Card.member == member) & (Card.serial == data["serial"])) or Card(
            member=member, serial=data["serial"])
        set_fields(card, data, ("key_id", "issued", "revoked"))
        card.save()
        return kind, str(card.id)
    if kind == "flow_record":
        owner = Hall.get_or_none(Hall.id == data["hall"]) or Hall.create(
            id=data["hall"], name=change.get("hall_name", ""))
        flow = FlowRecord.get_or_none(FlowRecord.id == key)
        new = flow is None
        if new:
            flow = FlowRecord(id=uuid.UUID(key), hall=owner, member=member)
        set_fields(flow, data, ("direction", "place", "since", "until", "reason", "contact",
                                 "holds_flow_certificate", "recorded"))
        flow.save(force_insert=new)
        return kind, key
    return None


def _spellings(key: str) -> list[str]:
    """How the outbox may spell a key: a UUID as SQLite stores it (hex) or as text."""
    try:
        parsed = uuid.UUID(key)
    except ValueError:
        return [key]
    return [parsed.hex, str(parsed)]


def _cursor() -> int:
    saved = Meta.get_or_none(Meta.key == CURSOR)
    return int(saved.value) if saved else 0


def apply_changes(changes: list[dict], after: int, cursor: int) -> bool:
    """One page of the county's changes (those after `after`), and the cursor after it, in
    one transaction; False, writing nothing, when another sync (`kiosk sync`, another
    process) moved the cursor meanwhile. What it writes must not go back to the county as the
    hall's own change."""
    with write_lock():
        if _cursor() != after:
            return False
        before = Outbox.select(pw.fn.MAX(Outbox.seq)).scalar() or 0
        written = set()
        for change in changes:
            done = _apply(change, before)
            if done:
                written.add(done)
            _remember_versions([(change["kind"], change["key"], change["version"])])
        for kind, key in written:
            Outbox.delete().where((Outbox.seq > before) & (Outbox.kind == kind)
                                  & (Outbox.key << _spellings(key))).execute()
        Meta.put(CURSOR, str(cursor))
    return True


# --- talking to the county -----------------------------------------------------------------

class County:
    """The county server's API over HTTP (stdlib only)."""

    def __init__(self, url: str, token: str, timeout: float = TIMEOUT):
        self.url, self.token, self.timeout = url.rstrip("/"), token, timeout

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        request = urllib.request.Request(
            self.url + path, data=data, method=method,
            headers={"Authorization": f"Bearer {self.token}",
                     "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            try:
                reason = json.loads(exc.read()).get("error", "")
            except ValueError:
                reason = ""
            message = (_("县里的服务器拒绝了（{code}）{reason}") if exc.code < 500
                       else _("县里的服务器出错了（{code}）{reason}"))
            raise SyncError(message.format(code=exc.code, reason=reason)) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            # the reason is for the log: staff get plain words (timed out, refused, ...)
            log.warning("county %s%s: %s", self.url, path.split("?")[0],
                        getattr(exc, "reason", exc))
            raise SyncError(_("连不上县里的服务器：请检查网络和 county_url")) from None


def push(county: County, batch: int = BATCH) -> int:
    """Upload the outbox, oldest first; returns the rows sent."""
    sent = 0
    while True:
        seqs, records = pending_batch(batch)
        if not seqs:
            return sent
        reply = county.call("POST", "/v1/push", push_body(seqs, records))
        _taken(seqs, reply)
        sent += len(records)


def pull(county: County) -> int:
    """Take the county's changes since the cursor; returns how many."""
    taken = 0
    while True:
        after, hall = _cursor(), local_hall()
        query = urllib.parse.urlencode({"after": after, "limit": PAGE, "hall": str(hall.id),
                                        "name": hall.name})
        reply = county.call("GET", f"/v1/changes?{query}")
        if apply_changes(reply["changes"], after, reply["next"]):
            taken += len(reply["changes"])
        if not reply["more"]:
            return taken


@dataclass(frozen=True)
class SyncResult:
    pushed: int
    pulled: int


def sync_once(url: str, token: str) -> SyncResult:
    """Switch syncing on (the first time: every row made so far is queued), push, then pull.
    One at a time in a process (the background sync, the staff's button): two at once
    would send the same rows twice. A failure is kept for the staff's status line and
    raised."""
    if not url or not token:
        raise KioskError(_("还没有设置县里的服务器：请在配置里填 county_url 和 county_token"))
    if not _one_at_a_time.acquire(blocking=False):
        raise KioskError(_("正在同步，请稍后再看"))
    county = County(url, token)
    try:
        outbox.switch_on(database.obj)
        result = SyncResult(push(county), pull(county))
    except Exception as exc:
        Meta.put(LAST_ERROR, str(exc) if isinstance(exc, KioskError) else
                 "同步时出了意外的错误，详情在日志里，请联系技术人员")
        raise
    else:
        Meta.put(LAST_OK, now().isoformat(sep=" "))
        Meta.put(LAST_ERROR, "")
        return result
    finally:
        _one_at_a_time.release()


@dataclass(frozen=True)
class SyncStatus:
    last_ok: str  # empty: never
    error: str  # the last attempt's problem, empty when it went well
    waiting: int | None  # rows not yet at the county; None before the first sync
    conflicts: int  # not yet seen by staff


def status() -> SyncStatus:
    facts = {row.key: row.value for row in Meta.select().where(
        Meta.key << (LAST_OK, LAST_ERROR))}
    return SyncStatus(facts.get(LAST_OK, ""), facts.get(LAST_ERROR, ""),
                      Outbox.select().count() if outbox.is_on(database.obj) else None,
                      SyncConflict.select().where(SyncConflict.seen == False).count())  # noqa: E712


@dataclass(frozen=True)
class ConflictView:
    time: dt.datetime
    kind: str
    key: str
    lost: dict  # the fields that differ: this hall's values, not kept
    kept: dict  # and the county's, kept


def conflicts(limit: int = 200) -> list[ConflictView]:
    """Changes that lost to the county's, newest first, with the fields that differ."""
    views = []
    for row in SyncConflict.select().order_by(SyncConflict.time.desc()).limit(limit):
        lost, kept = json.loads(row.lost), json.loads(row.kept)
        names = [n for n in sorted(set(lost) | set(kept)) if lost.get(n) != kept.get(n)]
        views.append(ConflictView(row.time, row.kind, row.key, {n: lost.get(n) for n in names},
                                  {n: kept.get(n) for n in names}))
    return views


def mark_conflicts_seen() -> int:
    """Staff have read them: they leave the status line (and stay on record)."""
    return SyncConflict.update(seen=True).where(SyncConflict.seen == False).execute()  # noqa: E712

