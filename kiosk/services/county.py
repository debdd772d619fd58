"""The county's side of sync (protocol and conflict rule: docs/SYNC.md).

Every hall's rows are kept as JSON in CountyRecord, keyed by kind and id, so a retried or
doubled batch changes nothing. Rows other halls may pull (keys, members, cards, flow
records) get a change cursor `change_seq`, handed out under one lock so that a reader
never sees a later number before an earlier one commits.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass

import peewee as pw

from kiosk.db.database import database, is_postgres
from kiosk.db.models import CountyRecord, Hall, HallAccount, SyncConflict, now
from kiosk.db.outbox import SYNCED
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.services.cards import key_id_of

PULLED = ("hall_key", "member", "card", "flow_record")  # rows other halls may need
NATURAL = ("hall_key", "member", "card")  # keyed by key id / member number, not a UUID
CHANGE_LOCK = 741854
MAX_ROWS = 2000


class Refused(Exception):
    """A request the county turns down; `status` is the HTTP status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


# --- halls and their tokens ----------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_hall(name: str) -> str:
    """Allow a hall to sync; returns its token (shown once, only its hash is kept)."""
    name = name.strip()
    if not name:
        raise KioskError(_("服务中心名称不能为空"))
    if HallAccount.select().where(HallAccount.name == name).exists():
        raise KioskError(_("已经有叫 {name} 的服务中心了").format(name=name))
    token = secrets.token_urlsafe(32)
    HallAccount.create(name=name, token_hash=_hash(token))
    return token


def revoke_hall(name: str) -> None:
    changed = HallAccount.update(revoked=now()).where(
        (HallAccount.name == name) & HallAccount.revoked.is_null()).execute()
    if not changed:
        raise KioskError(_("没有在用的服务中心账号 {name}").format(name=name))


def authenticate(token: str, hall_id: str, hall_name: str) -> HallAccount:
    """The hall behind a token. Its first sync binds the token to the hall's own id; the
    token then works for that hall only."""
    account = HallAccount.get_or_none(HallAccount.token_hash == _hash(token or ""))
    if account is None or account.revoked is not None:
        raise Refused(401, _("令牌无效或已停用"))
    try:
        hall_id = str(uuid.UUID(str(hall_id)))
    except ValueError:
        raise Refused(400, _("服务中心编号无效")) from None
    if account.hall_id is None:
        with database.atomic():
            hall = Hall.get_or_none(Hall.id == hall_id) or Hall.create(
                id=hall_id, name=hall_name or account.name)
            if HallAccount.select().where(HallAccount.hall == hall).exists():
                raise Refused(403, _("这个服务中心已经用另一个令牌登记过了"))
            account.hall = hall
            account.save()
    elif str(account.hall_id) != hall_id:
        raise Refused(403, _("这个令牌属于另一个服务中心"))
    return account


# --- push ----------------------------------------------------------------------------------

def _next_change() -> int:
    """The next change_seq; call with the change lock held."""
    return (CountyRecord.select(pw.fn.MAX(CountyRecord.change_seq)).scalar() or 0) + 1


def _lock_changes() -> None:
    if is_postgres():
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (CHANGE_LOCK,))


def accept(account: HallAccount, body: dict) -> dict:
    """Store a batch from the account's hall, all or nothing. Rows are upserted by
    (kind, key): a row seen before with the same data changes nothing."""
    hall_id = account.hall_id
    rows = body.get("rows", [])
    if not isinstance(rows, list) or len(rows) > MAX_ROWS:
        raise Refused(400, _("一批最多 2000 行"))
    for row in rows:
        if row["kind"] not in SYNCED or not isinstance(row["key"], str) or len(row["key"]) > 80:
            raise Refused(400, _("不认识的记录"))
        if row["data"].get("hall", str(hall_id)) != str(hall_id) or (
                row["kind"] == "event" and not row["key"].startswith(f"{hall_id}:")):
            raise Refused(403, _("不能上传其他服务中心的记录"))
    reply = {"versions": [], "conflicts": []}
    with database.atomic():
        plain = [r for r in rows if r["kind"] not in PULLED]
        for kind in sorted({r["kind"] for r in plain}):
            _upsert_owned(hall_id, kind, [r for r in plain if r["kind"] == kind])
        shared = [r for r in rows if r["kind"] in PULLED]
        if shared:
            _lock_changes()
            changes = _Changes(hall_id)
            for row in shared:
                changes.put(row, reply)
        HallAccount.update(last_seen=now(), backlog=int(body.get("backlog", 0))).where(
            HallAccount.id == account.id).execute()
    return reply


def _text(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _upsert_owned(hall_id, kind: str, rows: list[dict]) -> None:
    """A hall's own rows (attendance, requests, …): insert, or update when changed."""
    at = now()
    values = [{"kind": kind, "key": r["key"], "hall": hall_id, "data": _text(r["data"]),
               "written_by": hall_id, "received": at} for r in rows]
    excluded = pw.EXCLUDED
    for start in range(0, len(values), 500):
        CountyRecord.insert_many(values[start:start + 500]).on_conflict(
            conflict_target=[CountyRecord.kind, CountyRecord.key],
            update={CountyRecord.data: excluded.data, CountyRecord.received: excluded.received,
                    CountyRecord.version: CountyRecord.version + 1},
            where=(CountyRecord.data != excluded.data) & (CountyRecord.hall == hall_id),
        ).execute()
    keys = [r["key"] for r in rows]
    if CountyRecord.select().where((CountyRecord.kind == kind) & (CountyRecord.key << keys)
                                   & (CountyRecord.hall != hall_id)).exists():
        raise Refused(403, _("不能改写其他服务中心的记录"))


class _Changes:
    """Rows other halls may pull, one by one, with the change lock held."""

    def __init__(self, hall_id):
        self.hall_id = hall_id
        self.seq = _next_change()

    def _bump(self) -> int:
        self.seq += 1
        return self.seq - 1

    def _bump_rows(self, condition) -> None:
        for row in CountyRecord.select().where(condition).order_by(CountyRecord.change_seq):
            row.change_seq = self._bump()
            row.save()

    def _owns_key(self, key_id: str) -> bool:
        return CountyRecord.select().where(
            (CountyRecord.kind == "hall_key") & (CountyRecord.key == key_id)
            & (CountyRecord.hall == self.hall_id)).exists()

    def put(self, row: dict, reply: dict) -> None:
        kind, key, data = row["kind"], row["key"], row["data"]
        member_key = {"member": key, "card": key.rsplit(":", 1)[0],
                      "flow_record": data.get("member")}.get(kind)
        if kind in ("member", "card") and not self._owns_key(key.split(":", 1)[0]):
            raise Refused(403, _("只能上传本服务中心签发的党员和卡"))
        if kind == "hall_key" and key != key_id_of(base64.b64decode(data["public_key"])):
            raise Refused(400, _("公钥和公钥编号对不上"))
        record, changed = self._store(kind, key, member_key, row, reply)
        if not changed:
            return  # the county has it already: a retried batch changes nothing
        if kind == "flow_record" and record.audience is not None:
            # the member's own rows go to the hall they moved to, even if older
            self._bump_rows((CountyRecord.member_key == member_key)
                            & (CountyRecord.kind != kind))
        if member_key:
            # a flow record comes after its member's rows, which it refers to
            self._bump_rows((CountyRecord.member_key == member_key)
                            & (CountyRecord.kind == "flow_record")
                            & CountyRecord.audience.is_null(False))

    def _store(self, kind: str, key: str, member_key, row: dict, reply: dict):
        """Insert or update the record, or keep the county's copy (a conflict); and whether
        anything changed."""
        data, changed = row["data"], True
        record = CountyRecord.get_or_none((CountyRecord.kind == kind) & (CountyRecord.key == key))
        if record is None:
            record = CountyRecord.create(
                kind=kind, key=key, hall=self.hall_id, data=_text(data), version=1,
                written_by=self.hall_id, change_seq=self._bump(), member_key=member_key,
                audience=self._audience(kind, data))
        elif record.hall_id != self.hall_id:
            raise Refused(403, _("不能改写其他服务中心的记录"))
        elif json.loads(record.data) == data:
            changed = False
        elif record.written_by is None and row.get("base", 0) < record.version:
            # the county changed it since the hall last saw it: the county's copy wins,
            # and goes back down to the hall at its next pull (which also brings the
            # version: until then the hall has not seen the county's edit)
            conflict = SyncConflict.create(hall=self.hall_id, kind=kind, key=key,
                                           lost=_text(data), kept=record.data,
                                           rule="county_wins")
            reply["conflicts"].append({"kind": kind, "key": key, "lost": data,
                                       "kept": json.loads(conflict.kept)})
            record.change_seq = self._bump()
            record.save()
            return record, True
        else:
            record.data, record.version = _text(data), record.version + 1
            record.written_by, record.change_seq = self.hall_id, self._bump()
            record.audience = self._audience(kind, data)
            record.received = now()
            record.save()
        if kind in NATURAL:
            reply["versions"].append([kind, key, record.version])
        return record, changed

    def _audience(self, kind: str, data: dict):
        """A flow out to a place that is one of the county's halls: that hall. Only from a
        hall that may read the member itself (their own hall, or one they flowed to):
        otherwise a made-up flow record would hand any member to any hall."""
        if kind != "flow_record" or data.get("direction") != "out":
            return None
        member_key = data.get("member") or ""
        if not (self._owns_key(member_key.split(":", 1)[0]) or CountyRecord.select().where(
                (CountyRecord.kind == "flow_record") & (CountyRecord.member_key == member_key)
                & (CountyRecord.audience == self.hall_id)).exists()):
            return None
        place = (data.get("place") or "").strip()
        # the county's own name for a hall first: a hall names itself, and may take
        # another's name, so a name two halls gave themselves goes to neither
        account = HallAccount.get_or_none(HallAccount.name == place)
        if account is not None and account.hall_id is not None:
            return account.hall_id
        named = list(Hall.select(Hall.id).where(Hall.name == place).limit(2))
        return named[0].id if len(named) == 1 else None


# --- pull ----------------------------------------------------------------------------------

def changes(account: HallAccount, after: int, limit: int) -> dict:
    """The changes after `after` that the hall may read and did not write itself: every
    hall's key, the county's notices, the county's edits of its own rows, and the rows of
    members who flowed to it."""
    hall_id = account.hall_id
    limit = max(1, min(limit, MAX_ROWS))
    flowed_here = (CountyRecord.select(CountyRecord.member_key)
                   .where((CountyRecord.kind == "flow_record")
                          & (CountyRecord.audience == hall_id)))
    query = (CountyRecord.select(CountyRecord, Hall.name.alias("hall_name"))
             .join(Hall, pw.JOIN.LEFT_OUTER, on=(CountyRecord.hall == Hall.id))
             .where((CountyRecord.change_seq > after)
                    & (CountyRecord.written_by.is_null() | (CountyRecord.written_by != hall_id))
                    & ((CountyRecord.kind == "hall_key") | CountyRecord.hall.is_null()
                       | (CountyRecord.hall == hall_id)
                       | (CountyRecord.member_key << flowed_here)))
             .order_by(CountyRecord.change_seq).limit(limit).dicts())
    rows = list(query)
    HallAccount.update(last_seen=now()).where(HallAccount.id == account.id).execute()
    return {"changes": [{"kind": r["kind"], "key": r["key"],
                         "data": _for_hall(r, hall_id), "version": r["version"],
                         "hall_name": r["hall_name"] or ""} for r in rows],
            "next": rows[-1]["change_seq"] if rows else after,
            "more": len(rows) == limit}


def _for_hall(row: dict, hall_id) -> dict:
    """A row as a hall may read it: another hall's member without their ID number."""
    data = json.loads(row["data"])
    if row["kind"] == "member" and row["hall"] != hall_id:
        data.pop("id_number", None)
    return data


# --- the county's own edits and views --------------------------------------------------------

def _member_records(number: str) -> list[CountyRecord]:
    found = list(CountyRecord.select().where(
        (CountyRecord.kind == "member") & (CountyRecord.key.endswith(f":{number}"))))
    if not found:
        raise KioskError(_("县里没有编号为 {number} 的党员").format(number=number))
    if len(found) > 1:
        raise KioskError(_("有 {count} 位党员编号都是 {number}，请写成 公钥编号:{number}").format(
            count=len(found), number=number))
    return found


def edit(kind: str, key: str, **values) -> CountyRecord:
    """A county edit of a shared record; it wins over the hall's (docs/SYNC.md)."""
    with database.atomic():
        _lock_changes()
        record = CountyRecord.get_or_none((CountyRecord.kind == kind) & (CountyRecord.key == key))
        if record is None:
            raise KioskError(_("没有这条记录：{kind} {key}").format(kind=kind, key=key))
        data = json.loads(record.data)
        data.update(values)
        record.data, record.version = _text(data), record.version + 1
        record.written_by, record.change_seq = None, _next_change()
        record.save()
    return record


def send_notice(title: str, body: str, category: str) -> CountyRecord:
    """A notice for every hall: each gets it as a draft at its next sync."""
    from kiosk.services.notices import NoticeFields

    fields = NoticeFields(title, category, body).cleaned()
    with database.atomic():
        _lock_changes()
        return CountyRecord.create(
            kind="notice", key=str(uuid.uuid4()), hall=None, written_by=None,
            data=_text({"title": fields.title, "body": fields.body, "category": category}),
            change_seq=_next_change())


def set_stage(number: str, stage: str, on: dt.date) -> CountyRecord:
    from kiosk.services.members import STAGE_DATES

    key = number if ":" in number else _member_records(number)[0].key
    return edit("member", key, stage=stage, **{STAGE_DATES[stage]: on.isoformat()})


def revoke_card(number: str) -> int:
    """Revoke a member's cards in use (e.g. reported lost to the county); the halls refuse
    them after their next sync. Returns how many."""
    member_key = number if ":" in number else _member_records(number)[0].key
    cards = [c for c in CountyRecord.select().where(
        (CountyRecord.kind == "card") & (CountyRecord.member_key == member_key))
        if json.loads(c.data).get("revoked") is None]
    for card in cards:
        edit("card", card.key, revoked=now().isoformat(sep=" "))
    return len(cards)


@dataclass(frozen=True)
class HallSummary:
    name: str
    hall_id: str
    last_seen: dt.datetime | None
    backlog: int
    rows: int
    revoked: bool


def halls() -> list[HallSummary]:
    counts = dict(CountyRecord.select(CountyRecord.hall, pw.fn.COUNT(CountyRecord.id))
                  .group_by(CountyRecord.hall).tuples())
    return [HallSummary(a.name, str(a.hall_id or ""), a.last_seen, a.backlog,
                        counts.get(a.hall_id, 0), a.revoked is not None)
            for a in HallAccount.select().order_by(HallAccount.name)]


def counts(hall_id) -> dict[str, int]:
    """Rows the county holds from a hall, by kind."""
    return dict(CountyRecord.select(CountyRecord.kind, pw.fn.COUNT(CountyRecord.id))
                .where(CountyRecord.hall == hall_id).group_by(CountyRecord.kind).tuples())
