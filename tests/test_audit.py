"""The hash-chained audit log: appends, verification, and tampering of every kind, on both
databases; concurrent appends from several threads keep one unbroken chain."""

from __future__ import annotations

import itertools
import threading

import pytest

from kiosk.db.database import database, release
from kiosk.db.models import AuditEntry, Meta
from kiosk.services import audit


def _fill(n: int = 5) -> list[AuditEntry]:
    """The hall's own hall.init entry plus entries 2..n."""
    for i in range(2, n + 1):
        audit.record("test.action", actor=f"staff:S{i}", subject=f"thing {i}", n=i, note="说明")
    return list(AuditEntry.select().order_by(AuditEntry.seq))


def _bad(expected_good: int) -> str:
    result = audit.verify()
    assert not result.ok
    assert result.entries == expected_good
    return result.problem


def test_chain_appends_and_verifies(db):
    entries = _fill(5)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == audit.GENESIS
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    assert len({e.hash for e in entries}) == 5
    assert Meta.get(Meta.key == audit.HEAD_KEY).value == f"5:{entries[-1].hash}"
    result = audit.verify()
    assert result.ok and result.entries == 5 and result.problem == ""
    assert entries[2].details == '{"n": 3, "note": "说明"}'
    assert [e.seq for e in audit.entries(limit=2)] == [5, 4]


def test_entries_read_back_verify_after_reconnect(db, config):
    """Times and texts survive the round trip through the database (a new connection)."""
    _fill(3)
    database.close()
    database.connect()
    assert audit.verify().ok


def test_edited_row_is_named(db):
    entries = _fill(5)
    original = entries[2]
    for field, value in [("details", '{"n": 99, "note": "说明"}'), ("actor", "staff:EVIL"),
                         ("action", "test.other"), ("subject", "someone else"),
                         ("prev_hash", "f" * 64), ("hash", "0" * 64)]:
        column = getattr(AuditEntry, field)
        AuditEntry.update({column: value}).where(AuditEntry.seq == 3).execute()
        problem = _bad(2)
        assert "第 3 条" in problem, (field, problem)
        AuditEntry.update({column: getattr(original, field)}).where(AuditEntry.seq == 3).execute()
        assert audit.verify().ok


def test_edited_time_is_named(db):
    entries = _fill(5)
    later = entries[3].time.replace(year=entries[3].time.year - 1)
    AuditEntry.update(time=later).where(AuditEntry.seq == 4).execute()
    assert "第 4 条" in _bad(3)


def test_edited_row_with_recomputed_hash_breaks_the_next_link(db):
    """Someone who edits a row and fixes its own hash is caught at the next entry."""
    entries = _fill(5)
    row = entries[1]
    details = '{"n": 1000}'
    digest = audit._digest(row.seq, row.time, row.actor, row.action, row.subject, details,
                           row.prev_hash)
    AuditEntry.update(details=details, hash=digest).where(AuditEntry.seq == 2).execute()
    assert "第 3 条" in _bad(2)


def test_deleted_middle_row_is_named(db):
    _fill(5)
    AuditEntry.delete().where(AuditEntry.seq == 3).execute()
    problem = _bad(2)
    assert "第 3 条" in problem and "缺失" in problem


def test_renumbered_rows_after_delete_are_caught(db):
    """Deleting row 3 and shifting 4, 5 down to close the gap still breaks the chain."""
    _fill(5)
    AuditEntry.delete().where(AuditEntry.seq == 3).execute()
    for seq in (4, 5):
        AuditEntry.update(seq=seq - 1).where(AuditEntry.seq == seq).execute()
    assert "第 3 条" in _bad(2)


def test_swapped_seq_values_are_named(db):
    _fill(5)
    AuditEntry.update(seq=-1).where(AuditEntry.seq == 2).execute()
    AuditEntry.update(seq=2).where(AuditEntry.seq == 3).execute()
    AuditEntry.update(seq=3).where(AuditEntry.seq == -1).execute()
    problem = _bad(1)
    assert "第 2 条" in problem


def test_swapped_contents_are_named(db):
    entries = _fill(5)
    a, b = entries[2], entries[3]
    fields = ("time", "actor", "action", "subject", "details")
    AuditEntry.update({getattr(AuditEntry, f): getattr(b, f) for f in fields}).where(
        AuditEntry.seq == 3).execute()
    AuditEntry.update({getattr(AuditEntry, f): getattr(a, f) for f in fields}).where(
        AuditEntry.seq == 4).execute()
    assert "第 3 条" in _bad(2)


def test_deleted_last_row_is_caught_by_the_head(db):
    _fill(5)
    AuditEntry.delete().where(AuditEntry.seq == 5).execute()
    problem = _bad(4)
    assert "第 5 条" in problem and "删除" in problem


def test_deleted_last_rows_and_all_rows_are_caught(db):
    _fill(5)
    AuditEntry.delete().where(AuditEntry.seq >= 3).execute()
    assert "第 3 条" in _bad(2)
    AuditEntry.delete().execute()
    assert "第 1 条" in _bad(0)


def test_edited_last_row_is_caught(db):
    _fill(5)
    AuditEntry.update(subject="x").where(AuditEntry.seq == 5).execute()
    assert "第 5 条" in _bad(4)


def test_head_removed_is_caught(db):
    _fill(3)
    Meta.delete().where(Meta.key == audit.HEAD_KEY).execute()
    assert not audit.verify().ok


def test_append_after_a_good_chain_continues_it(db):
    _fill(3)
    entry = audit.record("test.more")
    assert entry.seq == 4
    assert audit.verify().ok and audit.verify().entries == 4


def test_record_inside_a_rolled_back_transaction_leaves_no_trace(db):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), database.atomic():
        audit.record("test.rolled_back")
        raise Boom
    assert audit.verify().ok and audit.verify().entries == 1
    assert audit.record("test.after").seq == 2
    assert audit.verify().ok


def test_concurrent_appends_keep_one_chain(db):
    threads_n, per_thread = 6, 8
    errors: list[BaseException] = []
    start = threading.Barrier(threads_n)

    def work(k: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                audit.record("test.concurrent", actor=f"thread:{k}", subject=str(i))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            release()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    seqs = [e.seq for e in AuditEntry.select(AuditEntry.seq).order_by(AuditEntry.seq)]
    total = 1 + threads_n * per_thread
    assert seqs == list(range(1, total + 1))
    result = audit.verify()
    assert result.ok, result.problem
    assert result.entries == total
    by_actor = {}
    for e in AuditEntry.select().where(AuditEntry.action == "test.concurrent"):
        by_actor.setdefault(e.actor, []).append(e)
    assert all(len(v) == per_thread for v in by_actor.values()) and len(by_actor) == threads_n
