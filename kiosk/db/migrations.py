"""Schema versions. Each migration moves the schema up by one and runs in its own
transaction; a database from a newer program is refused before anything is written."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import peewee

from kiosk.db import models
from kiosk.errors import KioskError

Migration = Callable[[peewee.Database], None]


def _create_tables(db: peewee.Database) -> None:
    db.create_tables(models.ALL_MODELS)


MIGRATIONS: Sequence[Migration] = (_create_tables,)
SCHEMA_VERSION = len(MIGRATIONS)


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


def migrate(db: peewee.Database, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring `db` up to the newest version; returns the version it had before."""
    before = schema_version(db)
    if before > len(migrations):
        raise KioskError(
            f"数据库由较新版本的程序创建（结构版本 {before}），本程序只支持到版本 "
            f"{len(migrations)}：请先升级本程序"
        )
    with db.bind_ctx(models.ALL_MODELS):
        for version in range(before, len(migrations)):
            with db.atomic():
                migrations[version](db)
                models.Meta.put("schema_version", str(version + 1))
    return before
