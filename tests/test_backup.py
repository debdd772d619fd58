"""Backup and restore: exact round trips on and between SQLite and PostgreSQL, a consistent
snapshot while the kiosk writes, and refusal of anything that is not a usable backup."""

from __future__ import annotations

import os
import sqlite3
import stat
from concurrent.futures import ThreadPoolExecutor

import peewee
import pytest
from conftest import _empty_postgres
from sample_hall import fill_every_table

from kiosk.db.database import database, release
from kiosk.db.models import ALL_MODELS, AuditEntry, Branch, Meta
from kiosk.db.session import open_database
from kiosk.errors import KioskError
from kiosk.services import audit, backup
from kiosk.services.hall import local_hall


def restore(file, save_current_to=None) -> int:
    with backup.open_backup(file) as source:
        return backup.restore(source, save_current_to)


def dump(db: peewee.Database) -> dict[str, list[tuple]]:
    """Every column of every row of every table, rows in primary-key order."""
    return {
        model._meta.table_name: [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
            for row in model.select().order_by(*backup.key_columns(model)).tuples().bind(db)
        ]
        for model in ALL_MODELS
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request, tmp_path):
    """An empty database to restore into (for PostgreSQL the test run's database, emptied
    once the source has been backed up, since it may be the source too)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.db'}"
    return request.getfixturevalue("pg_url")


def test_round_trip_is_exact_within_and_across_engines(db, tmp_path, fresh_url, monkeypatch):
    monkeypatch.setattr(backup, "BATCH", 1)  # rows that refer to later rows go in separately
    fill_every_table()
    before = dump(db)
    assert all(before.values()), [table for table, rows in before.items() if not rows]
    file = tmp_path / "hall.backup"

    assert backup.backup(file) == sum(len(rows) for rows in before.values())

    database.close()
    if fresh_url.startswith("postgresql"):
        _empty_postgres(fresh_url)
    target = open_database(fresh_url, create=True)
    restore(file)
    assert dump(target) == before
    assert audit.verify().ok
    # PostgreSQL's id counters moved past the restored rows.
    added = Branch.create(hall=local_hall(), name="新支部")
    assert added.id == max(row[0] for row in before["branch"]) + 1
    database.close()


def test_backup_file_is_private_and_replaces_an_older_one(db, tmp_path):
    file = tmp_path / "backups" / "hall.backup"  # in a folder that does not exist yet
    backup.backup(file)
    file.write_bytes(b"an older backup")
    backup.backup(file)
    assert stat.S_IMODE(os.stat(file).st_mode) == 0o600
    with sqlite3.connect(file) as conn:
        [copied] = conn.execute("SELECT count(*) FROM audit_entry").fetchone()
    assert copied == AuditEntry.select().count()
    conn.close()
    assert os.listdir(file.parent) == ["hall.backup"]  # no temporary file left behind


def test_backup_is_consistent_while_the_kiosk_writes(db, tmp_path, monkeypatch):
    """The kiosk appends an audit entry (which also moves the chain's head, kept in `meta`)
    after the backup has copied one of the two tables but not the other: the backup must
    show the database as it was when it started, or its audit chain would not verify."""
    entries = AuditEntry.select().count()
    copy_table = backup.copy_table
    written = []

    def copy_then_kiosk_writes(model, source, dest):
        copied = copy_table(model, source, dest)
        if model in (Meta, AuditEntry) and not written:
            with ThreadPoolExecutor(1) as kiosk:
                written.append(kiosk.submit(
                    lambda: (audit.record("help.call", actor="resident"), release())).result())
        return copied

    monkeypatch.setattr(backup, "copy_table", copy_then_kiosk_writes)
    file = tmp_path / "hall.backup"
    backup.backup(file)
    assert AuditEntry.select().count() == entries + 1

    monkeypatch.undo()
    restore(file)
    assert AuditEntry.select().count() == entries
    assert audit.verify().ok


def test_backup_refuses_to_overwrite_the_live_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    open_database(url, create=True)
    before = (tmp_path / "kiosk.db").read_bytes()
    with pytest.raises(KioskError, match="正在使用的数据库"):
        backup.backup(tmp_path / "kiosk.db")
    assert (tmp_path / "kiosk.db").read_bytes() == before
    database.close()


def _run_sql(path, statement):
    with sqlite3.connect(path) as conn:  # commits
        conn.execute(statement)
    conn.close()


def _backup_then(statement):
    def make(path):
        backup.backup(path)
        _run_sql(path, statement)
    return make


@pytest.mark.parametrize("make_bad, message", [
    pytest.param(_backup_then("UPDATE meta SET value = '99' WHERE key = 'schema_version'"),
                 "较新版本", id="newer"),
    pytest.param(lambda path: path.write_bytes(os.urandom(8192)), "已损坏或不是数据库",
                 id="random-bytes"),
    pytest.param(lambda path: path.write_bytes(b""), "不是本系统的备份文件", id="empty"),
    pytest.param(lambda path: _run_sql(path, "CREATE TABLE accounts (id INTEGER PRIMARY KEY)"),
                 "不是本系统的数据库", id="not-ours"),
    pytest.param(_backup_then("UPDATE hall SET is_local = 0"), "没有服务中心的信息", id="no-hall"),
])
def test_restore_refuses_what_it_cannot_use_and_writes_nothing(db, tmp_path, make_bad, message):
    fill_every_table()
    bad = tmp_path / "bad.backup"
    make_bad(bad)
    bad_bytes = bad.read_bytes()
    before = dump(db)
    saved = tmp_path / "before-restore.db"

    with pytest.raises(KioskError, match=message):
        restore(bad, save_current_to=saved)

    assert dump(db) == before
    assert bad.read_bytes() == bad_bytes
    assert not saved.exists()  # the current data is kept aside only once the checks pass


def test_a_restore_that_fails_halfway_changes_nothing(db, tmp_path):
    fill_every_table()
    broken = tmp_path / "broken.backup"
    _backup_then("DROP TABLE audit_entry")(broken)  # found only while copying
    before = dump(db)

    with pytest.raises(KioskError, match="原有数据没有改动"):
        restore(broken)
    assert dump(db) == before


def test_restore_saves_the_current_data_first(db, tmp_path):
    first = tmp_path / "first.backup"
    backup.backup(first)
    fill_every_table()
    before = dump(db)

    restore(first, save_current_to=tmp_path / "saved.backup")
    assert not Branch.select().exists()

    restore(tmp_path / "saved.backup")
    assert dump(db) == before


def test_restore_of_a_missing_file(db, tmp_path):
    with pytest.raises(KioskError, match="找不到备份文件"):
        restore(tmp_path / "nowhere.backup")
