"""Schema versions, opening a database, and everything that must be refused without
writing a byte: newer, foreign, empty, corrupt or unreachable databases. Plus the SQLite
settings an opened database runs with."""

from __future__ import annotations

import os
import random
import sqlite3
import stat
import threading
from pathlib import Path

import peewee as pw
import pytest
from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as run_operations

from kiosk.db import migrations, models
from kiosk.db.database import connect, database, release, sqlite_path
from kiosk.db.migrations import SCHEMA_VERSION, migrate, schema_version
from kiosk.db.session import open_database
from kiosk.errors import KioskError


def v1_to_v2(db):
    """A test upgrade: a new column on an existing table."""
    run_operations(SchemaMigrator.from_database(db).add_column(
        "hall", "motto", pw.CharField(default="为民服务")))


def v2_to_v3_broken(db):
    db.execute_sql("CREATE TABLE half_done (x INTEGER)")
    raise pw.ProgrammingError("this upgrade fails half way")


@pytest.fixture
def raw(db_url):
    """A connection to the empty test database, closed afterwards."""
    db = connect(db_url, create=True)
    yield db
    db.close()
    database.close() if database.obj is not None else None


def version_row(db) -> str:
    with models.Meta.bind_ctx(db):
        return models.Meta.get(models.Meta.key == "schema_version").value


def snapshot(url: str, db=None) -> object:
    """Everything that could change: the file's bytes (and its neighbours), or the tables."""
    path = sqlite_path(url)
    if path is not None:
        return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir()) if p.is_file()}
    own = db or connect(url)
    state = {t: own.execute_sql(f'SELECT * FROM "{t}"').fetchall() for t in sorted(own.get_tables())}
    if db is None:
        own.close()
    return state


# --- versions and migrations ---------------------------------------------------------------

def test_fresh_database_gets_the_current_version(db_url):
    db = open_database(db_url, create=True)
    assert schema_version(db) == SCHEMA_VERSION
    assert version_row(db) == str(SCHEMA_VERSION)
    assert {m._meta.table_name for m in models.ALL_MODELS} <= set(db.get_tables())
    database.close()
    # opening it again changes nothing and needs no create
    db = open_database(db_url)
    assert schema_version(db) == SCHEMA_VERSION
    database.close()


def test_empty_database_is_version_zero(raw):
    assert schema_version(raw) == 0


def test_every_version_below_the_current_one_has_an_upgrade():
    assert set(migrations.UPGRADES) == set(range(1, SCHEMA_VERSION))


def test_older_database_is_upgraded_and_keeps_its_data(raw):
    assert migrate(raw, version=1, upgrades={}) == 0
    assert schema_version(raw) == 1
    raw.execute_sql("INSERT INTO hall (id, name, is_local, created) VALUES "
                    "('00000000-0000-0000-0000-000000000001', '旧数据村', false, '2026-01-01 08:00:00')")
    assert "motto" not in {c.name for c in raw.get_columns("hall")}

    assert migrate(raw, version=2, upgrades={1: v1_to_v2}) == 1
    assert schema_version(raw) == 2
    assert raw.execute_sql("SELECT name, motto FROM hall").fetchall() == [("旧数据村", "为民服务")]
    # nothing to do the second time
    assert migrate(raw, version=2, upgrades={1: v1_to_v2}) == 2


def test_failing_upgrade_is_rolled_back_whole(raw):
    migrate(raw, version=1, upgrades={})
    with pytest.raises(pw.ProgrammingError):
        migrate(raw, version=3, upgrades={1: v1_to_v2, 2: v2_to_v3_broken})
    assert schema_version(raw) == 2  # the good step before it stays done
    assert "half_done" not in raw.get_tables()


def test_newer_database_is_refused_and_untouched(db_url):
    open_database(db_url, create=True)
    models.Meta.put("schema_version", str(SCHEMA_VERSION + 1))
    database.close()
    before = snapshot(db_url)
    with pytest.raises(KioskError) as info:
        open_database(db_url)
    message = str(info.value)
    assert "较新版本" in message and str(SCHEMA_VERSION + 1) in message and "升级" in message
    with pytest.raises(KioskError):
        open_database(db_url, create=True)
    assert snapshot(db_url) == before


def test_migrate_refuses_a_newer_version(raw):
    migrate(raw, version=1, upgrades={})
    migrate(raw, version=2, upgrades={1: v1_to_v2})
    with pytest.raises(KioskError) as info:
        migrate(raw, version=1, upgrades={})
    assert "较新版本" in str(info.value)
    assert schema_version(raw) == 2


def test_foreign_database_is_refused_and_untouched(db_url):
    if sqlite_path(db_url):
        path = sqlite_path(db_url)
        other = sqlite3.connect(path)  # someone else's database, default journal mode
        other.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)")
        other.execute("INSERT INTO accounts (owner) VALUES ('张三')")
        other.commit()
        other.close()
    else:
        db = connect(db_url)
        db.execute_sql("CREATE TABLE accounts (id SERIAL PRIMARY KEY, owner TEXT)")
        db.execute_sql("INSERT INTO accounts (owner) VALUES ('张三')")
        db.close()
    before = snapshot(db_url)
    for create in (False, True):
        with pytest.raises(KioskError) as info:
            open_database(db_url, create=create)
        assert "不是本系统的数据库" in str(info.value)
        assert snapshot(db_url) == before


def test_damaged_version_record_is_refused(db_url):
    open_database(db_url, create=True)
    models.Meta.put("schema_version", "three")
    database.close()
    with pytest.raises(KioskError) as info:
        open_database(db_url)
    assert "版本信息已损坏" in str(info.value)


def test_empty_database_needs_create(db_url):
    before = snapshot(db_url) if not sqlite_path(db_url) else None
    if sqlite_path(db_url):
        sqlite_path(db_url).touch()
        before = snapshot(db_url)
    with pytest.raises(KioskError) as info:
        open_database(db_url)
    assert "kiosk init" in str(info.value)
    assert snapshot(db_url) == before


def test_missing_sqlite_file_without_create(tmp_path):
    path = tmp_path / "nowhere" / "kiosk.db"
    with pytest.raises(KioskError) as info:
        open_database(f"sqlite:///{path}")
    assert "找不到数据库文件" in str(info.value)
    assert not path.parent.exists()


def test_create_makes_missing_directories(tmp_path):
    path = tmp_path / "new" / "dir" / "kiosk.db"
    open_database(f"sqlite:///{path}", create=True)
    database.close()
    assert path.is_file()


@pytest.mark.parametrize("seed", [1, 2])
def test_corrupt_sqlite_file(tmp_path, seed):
    path = tmp_path / "kiosk.db"
    path.write_bytes(random.Random(seed).randbytes(16384))
    before = path.read_bytes()
    for create in (False, True):
        with pytest.raises(KioskError) as info:
            open_database(f"sqlite:///{path}", create=create)
        assert "无法打开数据库" in str(info.value) or "无法使用" in str(info.value)
    assert path.read_bytes() == before


def test_damaged_kiosk_database(tmp_path):
    """A real kiosk database with its later pages overwritten (a failing disk)."""
    path = tmp_path / "kiosk.db"
    open_database(f"sqlite:///{path}", create=True)
    database.close()
    data = bytearray(path.read_bytes())
    rng = random.Random(7)
    for i in range(4096, len(data)):
        data[i] = rng.randrange(256)
    path.write_bytes(bytes(data))
    with pytest.raises(KioskError):
        open_database(f"sqlite:///{path}")


@pytest.mark.parametrize("url", [
    "postgresql://postgres@127.0.0.1:1/test",  # nothing listens on port 1
    "postgresql://postgres@127.0.0.1:5432/no_such_database_here",
    "postgresql://postgres:secret-pw@127.0.0.1:1/test",
    "postgresql://postgres:secret-pw@127.0.0.1:notaport/test",
])
def test_unreachable_postgresql(url):
    with pytest.raises(KioskError) as info:
        open_database(url)
    message = str(info.value)
    assert "数据库" in message and "\n" not in message
    assert "secret-pw" not in message


@pytest.mark.parametrize("url", [
    "mysql://root@localhost/kiosk", "kiosk.db", "", "sqlite://", "sqlite:///",
    "mysql://root:secret-pw@localhost/kiosk",
])
def test_unsupported_urls(url):
    with pytest.raises(KioskError) as info:
        open_database(url)
    assert "secret-pw" not in str(info.value)


# --- SQLite settings -----------------------------------------------------------------------

def _pragmas() -> dict:
    return {name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}


def test_sqlite_pragmas_in_effect(tmp_path):
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    expected = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 10_000}
    open_database(url, create=True)
    assert _pragmas() == expected
    seen = {}

    def worker():
        seen.update(_pragmas())  # a Textual thread worker gets its own connection
        release()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == expected
    database.close()
    open_database(url)  # reopened: still the same
    assert _pragmas() == expected
    database.close()


def test_foreign_keys_are_enforced(db):
    with pytest.raises(pw.IntegrityError), database.atomic():
        models.Branch.create(hall="00000000-0000-0000-0000-000000000000", name="无")


def test_sqlite_files_are_owner_only(tmp_path):
    path = tmp_path / "kiosk.db"
    old = os.umask(0o022)
    try:
        open_database(f"sqlite:///{path}", create=True)
        from kiosk.services import setup

        setup.initialise_hall("测试", tmp_path / "keys")  # some writes, so the WAL exists
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        for extra in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            if extra.exists():
                assert stat.S_IMODE(extra.stat().st_mode) == 0o600, extra
        database.close()
        path.chmod(0o644)  # e.g. copied in by hand
        open_database(f"sqlite:///{path}")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)
        database.close()
