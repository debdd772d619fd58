"""The hash-chained audit log: every entry hashes the one before it, and the chain's head
is kept in `meta`, so an edited, deleted or reordered entry (even the last) is found."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from kiosk.db.database import write_lock
from kiosk.db.models import AuditEntry, Meta, now
from kiosk.services.hall import local_hall

GENESIS = "0" * 64
HEAD_KEY = "audit_head"


def _digest(seq: int, time, actor: str, action: str, subject: str, details: str, prev: str) -> str:
    record = [seq, time.isoformat(), actor, action, subject, details, prev]
    return hashlib.sha256(json.dumps(record, ensure_ascii=False).encode()).hexdigest()


def record(action: str, actor: str = "system", subject: str = "", **details) -> AuditEntry:
    """Append one entry. Call inside the transaction that makes the change it describes."""
    text = json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)
    with write_lock():
        last = AuditEntry.select().order_by(AuditEntry.seq.desc()).first()
        seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
        time = now()
        entry = AuditEntry.create(
            hall=local_hall(), seq=seq, time=time, actor=actor, action=action,
            subject=str(subject), details=text,
            prev_hash=prev, hash=_digest(seq, time, actor, action, str(subject), text, prev),
        )
        Meta.put(HEAD_KEY, f"{seq}:{entry.hash}")
    return entry


@dataclass(frozen=True)
class Verification:
    entries: int
    problem: str = ""  # empty when the chain is intact

    @property
    def ok(self) -> bool:
        return not self.problem


def verify() -> Verification:
    expected_seq, prev, count = 1, GENESIS, 0
    query = AuditEntry.select().order_by(AuditEntry.seq)
    for entry in query.iterator():
        if entry.seq != expected_seq:
            return Verification(count, f"第 {expected_seq} 条记录缺失或顺序被改动（下一条是第 {entry.seq} 条）")
        if entry.prev_hash != prev:
            return Verification(count, f"第 {entry.seq} 条记录与前一条对不上（前一条被改动、删除或调换）")
        digest = _digest(entry.seq, entry.time, entry.actor, entry.action, entry.subject,
                         entry.details, entry.prev_hash)
        if digest != entry.hash:
            return Verification(count, f"第 {entry.seq} 条记录的内容被改动过")
        prev, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    head = Meta.get_or_none(Meta.key == HEAD_KEY)
    expected_head = f"{count}:{prev}" if count else None
    if (head.value if head else None) != expected_head:
        return Verification(count, f"第 {count + 1} 条及以后的记录被删除（日志末尾对不上）")
    return Verification(count)


def entries(limit: int = 50) -> list[AuditEntry]:
    return list(AuditEntry.select().order_by(AuditEntry.seq.desc()).limit(limit))
