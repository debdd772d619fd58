"""Opening the hall's database for the program: connect, check the schema, bind the models."""

from __future__ import annotations

import peewee

from kiosk.db import migrations
from kiosk.db.database import (
    connect,
    database,
    is_postgres,
    restrict_permissions,
    sqlite_path,
    use_wal,
)
from kiosk.errors import KioskError
from kiosk.i18n import _


def open_database(url: str, create: bool = False) -> peewee.Database:
    """Connect and bind `url`. With create=False an empty database is refused, since
    only `kiosk init` and `kiosk demo` should make a new hall."""
    db = connect(url, create=create)
    try:
        version = migrations.schema_version(db)
        if version == 0 and not create:
            raise KioskError(_("数据库还没有初始化：请先运行 kiosk init（正式使用）或 kiosk demo（演示）"))
        migrations.migrate(db)
        use_wal(db)  # only now that the database is known to be ours (and not newer)
    except KioskError:
        db.close()
        raise
    except peewee.DatabaseError as exc:
        db.close()
        raise KioskError(_("数据库无法使用：{error}").format(
            error=str(exc).strip().splitlines()[0])) from None
    if not is_postgres(db):
        restrict_permissions(sqlite_path(url))
    database.initialize(db)
    return db
