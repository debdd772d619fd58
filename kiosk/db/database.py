"""Opening the database from a URL, and the one write lock every appending service uses.

peewee keeps one connection per thread, so Textual thread workers each get their own;
`release()` closes the calling thread's connection when a worker is done with it.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import peewee

from kiosk.errors import KioskError
from kiosk.i18n import _

database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL: a confirmed write survives power loss
    "foreign_keys": 1,
    "busy_timeout": 10_000,
}
# journal_mode=wal is stored in the file (it rewrites the header), so it is not set on
# connecting: `use_wal` sets it once the database is known to be ours (see
# kiosk.db.session.open_database), and a foreign or newer database is left untouched.
_CONNECT_PRAGMAS = {k: v for k, v in SQLITE_PRAGMAS.items() if k != "journal_mode"}


def sqlite_path(url: str) -> Path | None:
    """The file behind an sqlite:/// URL, or None for other databases."""
    parts = urlsplit(url)
    if parts.scheme != "sqlite":
        return None
    return Path(parts.path[1:] if parts.path.startswith("//") else parts.path)


def connect(url: str, create: bool = True) -> peewee.Database:
    """Open (and check) a database; raise KioskError with a plain message when it cannot."""
    scheme = urlsplit(url).scheme
    if scheme not in ("sqlite", "postgres", "postgresql"):
        raise KioskError(_("不支持的数据库地址 {url!r}：请使用 sqlite:///文件路径 或 postgresql://…").format(
            url=safe_url(url)))
    if scheme == "sqlite":
        path = sqlite_path(url)
        if not path or str(path) in ("", "/", "."):
            raise KioskError(_("数据库地址 {url!r} 缺少文件路径").format(url=safe_url(url)))
        if not path.exists():
            if not create:
                raise KioskError(_("找不到数据库文件 {path}").format(path=path))
            try:
                private_dir(path.parent, existing_too=False)
                path.touch(mode=0o600)
            except OSError as exc:
                raise KioskError(_("无法创建数据库文件 {path}：{error}").format(
                    path=path, error=exc.strerror)) from None
        db = peewee.SqliteDatabase(str(path), pragmas=_CONNECT_PRAGMAS, timeout=10)
    else:
        # imported here, not at the top: it would cost every SQLite start-up ~10 ms
        from playhouse import db_url

        try:
            db = db_url.connect(url, connect_timeout=5)
        except Exception as exc:  # malformed URLs surface as assorted errors
            raise KioskError(_("数据库地址 {url!r} 无效：{error}").format(
                url=safe_url(url), error=first_line(exc))) from None
    try:
        db.connect(reuse_if_open=True)
        if scheme == "sqlite":
            db.execute_sql("SELECT count(*) FROM sqlite_master")
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        if not db.is_closed():
            db.close()
        raise KioskError(_("无法打开数据库 {url}：{error}").format(
            url=safe_url(url), error=first_line(exc))) from None
    return db


def use_wal(db: peewee.Database) -> None:
    """Switch an SQLite database to WAL (persistent; a no-op when it already is)."""
    if isinstance(db, peewee.SqliteDatabase):
        db.execute_sql("PRAGMA journal_mode=wal")


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def is_postgres(db: peewee.Database | None = None) -> bool:
    target = db if db is not None else database.obj
    return isinstance(target, peewee.PostgresqlDatabase)


@contextmanager
def write_lock():
    """A transaction that holds the database's single writer lock.

    Used where rows are appended in sequence (the audit chain, attendance): on SQLite a
    BEGIN IMMEDIATE, on PostgreSQL a transaction-scoped advisory lock.
    """
    if is_postgres():
        with database.atomic() as txn:
            database.execute_sql("SELECT pg_advisory_xact_lock(741852)")
            yield txn
    else:
        with database.atomic("IMMEDIATE") as txn:
            yield txn


def release() -> None:
    """Close this thread's connection (end of a worker thread)."""
    if database.obj is not None and not database.is_closed():
        database.close()


def restrict_permissions(path: Path, mode: int = 0o600) -> None:
    """Make a file (or with mode 0o700 a folder) usable only by its owner (a no-op where
    the OS has no such modes)."""
    try:
        os.chmod(path, mode)
    except OSError:
        pass


def private_dir(folder: Path, existing_too: bool = True) -> Path:
    """Create `folder` and any missing parents usable only by their owner; with
    `existing_too` (the kiosk's own folders: keys, saved backups) an existing `folder` is
    made private as well, otherwise (a folder the person chose) it is left as it is."""
    made = [path for path in (folder, *folder.parents) if not path.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    for path in made + ([folder] if existing_too else []):
        restrict_permissions(path, 0o700)
    return folder
