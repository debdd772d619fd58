"""Backup and restore.

A backup file is itself an SQLite database holding every table, copied row by row inside one
read transaction of the hall's database: consistent while the kiosk keeps running, and the
same whether the hall runs on SQLite or PostgreSQL. Restore replaces the hall's data with a
backup's in one transaction, so a restore that fails leaves the data as it was.

Rows are copied through the models with queries bound to one database each, never by
rebinding the models, so a backup can run beside the kiosk's own threads.

With a passphrase the file is encrypted (kiosk.services.backup_crypto); the plain copy
exists only for the moment it takes to encrypt it, in a file only the owner can read.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import peewee as pw

from kiosk.db import migrations
from kiosk.db.database import database, first_line, is_postgres, private_dir
from kiosk.db.models import ALL_MODELS, Hall, Outbox
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.services import backup_crypto

MODELS = pw.sort_models(ALL_MODELS)  # referenced tables before the tables referring to them
BATCH = 200


def backup(target: Path, passphrase: str | None = None) -> int:
    """Write a backup of the open database to `target`, encrypted when a passphrase is
    given; returns the number of rows."""
    source = database.obj
    if not is_postgres(source) and Path(source.database).resolve() == target.resolve():
        raise KioskError(_("备份文件不能是正在使用的数据库文件本身"))
    temps = []
    try:
        private_dir(target.parent, existing_too=False)
        for _copy in range(2 if passphrase else 1):  # the plain copy, then the encrypted one
            handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                            suffix=".tmp")
            os.close(handle)  # created readable by its owner only
            temps.append(Path(name))
        rows = _write_backup(source, pw.SqliteDatabase(str(temps[0])))
        if passphrase:
            backup_crypto.encrypt_file(temps[0], temps[1], passphrase)
        os.replace(temps[-1], target)
    except OSError as exc:
        raise KioskError(_("无法写入备份文件 {file}：{error}").format(
            file=target, error=exc.strerror)) from None
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)
    return rows


def _write_backup(source: pw.Database, dest: pw.SqliteDatabase) -> int:
    with dest.connection_context(), dest.atomic():
        for model in MODELS:
            pw.SchemaManager(model, dest).create_all()
        with _snapshot(source):
            return sum(copy_table(model, source, dest) for model in MODELS)


def _snapshot(db: pw.Database):
    """A transaction in which every query sees the database as of one moment."""
    if is_postgres(db):
        return db.atomic(isolation_level="REPEATABLE READ")
    return db.atomic()  # SQLite in WAL mode: the first read fixes the snapshot


def key_columns(model: type[pw.Model]) -> list[pw.Field]:
    """The primary key's columns (SQLite cannot order by a composite key as one value)."""
    pk = model._meta.primary_key
    if isinstance(pk, pw.CompositeKey):
        return [model._meta.fields[name] for name in pk.field_names]
    return [pk]


def copy_table(model: type[pw.Model], source: pw.Database, dest: pw.Database) -> int:
    """Copy every row of one table. References to the same table (a branch's parent, a
    correcting dues entry) are filled in once all rows exist, whatever their order."""
    pk = model._meta.primary_key
    fields = model._meta.sorted_fields
    self_refs = [f.name for f in fields
                 if isinstance(f, pw.ForeignKeyField) and f.rel_model is model]
    # A blob field wraps bytes for the database its model is bound to, which may be neither
    # of these two; a bytearray goes through to either driver unchanged.
    blobs = [f.name for f in fields if isinstance(f, pw.BlobField)]
    links = []
    count = 0
    query = model.select().order_by(*key_columns(model)).dicts().bind(source)
    for batch in pw.chunked(query.iterator(), BATCH):
        for row in batch:
            for name in blobs:
                if row[name] is not None:
                    row[name] = bytearray(row[name])
            refs = {name: row[name] for name in self_refs if row[name] is not None}
            if refs:
                links.append((row[pk.name], refs))
                row.update(dict.fromkeys(refs))
        model.insert_many(batch).as_rowcount().bind(dest).execute()
        count += len(batch)
    for key, refs in links:
        model.update(refs).where(pk == key).bind(dest).execute()
    return count


@contextmanager
def open_backup(file: Path, passphrase: str | None = None) -> Iterator[pw.SqliteDatabase]:
    """The backup in `file`, checked (and decrypted) and brought up to this program's
    schema, in a private copy: the file itself is never opened for writing."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "backup.db"
        try:
            if backup_crypto.is_encrypted(file):
                if not passphrase:
                    raise KioskError(_("备份文件 {file} 是加密的，需要备份密码才能恢复").format(
                        file=file))
                backup_crypto.decrypt_file(file, copy, passphrase)
            else:
                shutil.copyfile(file, copy)
        except FileNotFoundError:
            raise KioskError(_("找不到备份文件 {file}").format(file=file)) from None
        except OSError as exc:
            raise KioskError(_("无法读取备份文件 {file}：{error}").format(
                file=file, error=exc.strerror)) from None
        db = pw.SqliteDatabase(str(copy))
        try:
            _check_backup(db, file)
            yield db
        finally:
            db.close()


def _check_backup(db: pw.SqliteDatabase, file: Path) -> None:
    try:
        if db.execute_sql("PRAGMA quick_check").fetchone()[0] != "ok":
            raise KioskError(_("文件已损坏"))
        if migrations.schema_version(db) == 0:
            raise KioskError(_("这不是本系统的备份文件"))
        migrations.migrate(db)
        if not Hall.select().where(Hall.is_local == True).bind(db).exists():  # noqa: E712
            raise KioskError(_("备份里没有服务中心的信息"))
    except KioskError as exc:
        raise KioskError(_("备份文件 {file} 不能用来恢复：{error}").format(file=file, error=exc)) from None
    except pw.DatabaseError as exc:
        raise KioskError(_("备份文件 {file} 不能用来恢复：文件已损坏或不是数据库（{error}）").format(
            file=file, error=first_line(exc))) from None


def restore(source: pw.SqliteDatabase, save_current_to: Path | None = None,
            passphrase: str | None = None) -> int:
    """Replace the open database's contents with those of a backup from `open_backup`;
    returns the number of rows. The current data is first backed up to `save_current_to`
    (encrypted with `passphrase` if given) when that is given."""
    target = database.obj
    try:
        if save_current_to:
            backup(save_current_to, passphrase)
        with target.atomic():
            for model in reversed(MODELS):
                model.delete().bind(target).execute()
            rows = sum(copy_table(model, source, target) for model in MODELS
                       if model is not Outbox)
            # the triggers queued the copied rows for the county: keep the backup's queue
            Outbox.delete().bind(target).execute()
            rows += copy_table(Outbox, source, target)
            if is_postgres(target):
                _reset_sequences(target)
    except pw.DatabaseError as exc:
        raise KioskError(_("恢复没有完成，原有数据没有改动：{error}").format(
            error=first_line(exc))) from None
    return rows


def _reset_sequences(db: pw.PostgresqlDatabase) -> None:
    """Move PostgreSQL's id counters past the restored rows."""
    for model in MODELS:
        pk = model._meta.primary_key
        if isinstance(pk, pw.AutoField):
            table, column = model._meta.table_name, pk.column_name
            db.execute_sql(
                f'SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX("{column}"), 1), '
                f'MAX("{column}") IS NOT NULL) FROM "{table}"',
                (f'"{table}"', column),
            )
