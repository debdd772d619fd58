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

from kiosk.db import fulltext, models, outbox
from kiosk.errors import KioskError
from kiosk.lazy import LazyModule

# only for upgrades, not for opening a database that is up to date
playhouse_migrate = LazyModule("playhouse.migrate")
events = LazyModule("kiosk.services.events")

Upgrade = Callable[[peewee.Database], None]


def _add_report_commentary(db: peewee.Database) -> None:
    """Version 2: staff commentary saved with reports, and an index for their counts."""
    db.create_tables([models.ReportCommentary])
    models.Member._schema.create_indexes(safe=True)


def _add_county_sync(db: peewee.Database) -> None:
    """Version 3: the outbox and its triggers, and the county's tables (kiosk.services.sync).
    The rows made so far are queued when syncing is switched on (kiosk.db.outbox)."""
    db.create_tables([models.Outbox, models.SyncVersion, models.SyncConflict,
                      models.HallAccount, models.CountyRecord])
    outbox.create_triggers(db)


def _add_notice_grams(db: peewee.Database) -> None:
    """Version 4: the notice search index for words of one or two characters."""
    fulltext.create_gram_index(db)


def _add_recorded_rolls(db: peewee.Database) -> None:
    """Version 5: each meeting's 应到 and whether each attendance row's member was expected,
    recorded (kiosk.services.events), and an index to count them; for the meetings held so
    far by today's rule."""
    migrator = playhouse_migrate.SchemaMigrator.from_database(db)
    playhouse_migrate.migrate(
        migrator.add_column("event", "expected", models.Event.expected, allow_not_null=True),
        migrator.add_column("attendance", "on_roll", models.Attendance.on_roll,
                            allow_not_null=True),
    )
    models.Attendance._schema.create_indexes(safe=True)
    events.record_rolls()


SCHEMA_VERSION = 5
UPGRADES: Mapping[int, Upgrade] = {1: _add_report_commentary, 2: _add_county_sync,
                                   3: _add_notice_grams, 4: _add_recorded_rolls}


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
                outbox.create_triggers(db)
                models.Meta.put("schema_version", str(version))
            return before
        for step in range(before, version):
            with db.atomic():
                upgrades[step](db)
                models.Meta.put("schema_version", str(step + 1))
    return before
