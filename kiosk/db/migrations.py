"""Schema versions. A new database gets today's tables and SCHEMA_VERSION at once; an
older one is brought up step by step through UPGRADES, each step in its own transaction.
A database from a newer program is refused before anything is written.

When a released schema changes: edit the models, add UPGRADES[n] (from version n to n+1)
that makes the same change in place, and raise SCHEMA_VERSION to n+1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import contextmanager

import peewee

from kiosk.db import fulltext, models
from kiosk.errors import KioskError

Upgrade = Callable[[peewee.Database], None]

SCHEMA_VERSION = 1
UPGRADES: Mapping[int, Upgrade] = {}


def schema_version(db: peewee.Database) -> int:
    """0 for an empty database; KioskError for a database that is not ours."""
    tables = set(db.get_tables())
    if "meta" not in tables:
        if tables:
            raise KioskError("这个数据库不是本系统的数据库（缺少版本信息），为安全起见不做改动")
        return 0
    with models.Meta.bind_ctx(db):
        row = models.Meta.get_or_none(models.Meta.key == "schema_version")
    if row is None or not row.value.isdigit():
        raise KioskError("数据库的版本信息已损坏，为安全起见不做改动")
    return int(row.value)


def migrate(
    db: peewee.Database,
    version: int = SCHEMA_VERSION,
    upgrades: Mapping[int, Upgrade] = UPGRADES,
) -> int:
    """Bring `db` to `version`; returns the version it had before."""
    with _one_at_a_time(db):
        return _migrate(db, version, upgrades)


@contextmanager
def _one_at_a_time(db: peewee.Database):
    """Two kiosks starting together on one PostgreSQL database must not both upgrade it."""
    if not isinstance(db, peewee.PostgresqlDatabase):
        yield  # SQLite: CREATE TABLE IF NOT EXISTS and one writer at a time suffice
        return
    db.execute_sql("SELECT pg_advisory_lock(741853)")
    try:
        yield
    finally:
        db.execute_sql("SELECT pg_advisory_unlock(741853)")


def _migrate(db: peewee.Database, version: int, upgrades: Mapping[int, Upgrade]) -> int:
    before = schema_version(db)
    if before > version:
        raise KioskError(
            f"数据库由较新版本的程序创建（结构版本 {before}），本程序只支持到版本 "
            f"{version}：请先升级本程序"
        )
    with db.bind_ctx(models.ALL_MODELS):
        if before == 0:
            with db.atomic():
                db.create_tables(models.ALL_MODELS)
                fulltext.create_search_index(db)
                models.Meta.put("schema_version", str(version))
            return before
        for step in range(before, version):
            with db.atomic():
                upgrades[step](db)
                models.Meta.put("schema_version", str(step + 1))
    return before
