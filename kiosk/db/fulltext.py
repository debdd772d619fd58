"""The index behind notice search: Chinese has no spaces between words, so search looks for
substrings, and the index is built on trigrams (three characters in a row).

SQLite: an FTS5 table with the trigram tokenizer over the notice table's title and body,
kept up to date by triggers (so restoring a backup, which inserts rows, fills it too).
Its rowid is the notice's number, which, unlike SQLite's own rowid, never changes.
PostgreSQL: a pg_trgm GIN index on title and body, where the extension can be created;
without it search still works, only without an index.
"""

from __future__ import annotations

import logging

import peewee

log = logging.getLogger(__name__)

FTS_TABLE = "notice_fts"
# The text PostgreSQL searches; queries must use the same expression to use the index.
PG_SEARCH_TEXT = "(\"title\" || ' ' || \"body\")"

_SQLITE = (
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        title, body, content='notice', content_rowid='number', tokenize='trigram')""",
    f"""CREATE TRIGGER notice_fts_insert AFTER INSERT ON notice BEGIN
        INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.number, new.title, new.body);
    END""",
    f"""CREATE TRIGGER notice_fts_delete AFTER DELETE ON notice BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body)
        VALUES ('delete', old.number, old.title, old.body);
    END""",
    f"""CREATE TRIGGER notice_fts_update AFTER UPDATE OF number, title, body ON notice BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body)
        VALUES ('delete', old.number, old.title, old.body);
        INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.number, new.title, new.body);
    END""",
)


def create_search_index(db: peewee.Database) -> None:
    """Set up the notice search index; call in the transaction that creates the tables."""
    if isinstance(db, peewee.PostgresqlDatabase):
        _create_postgres_index(db)
    else:
        for statement in _SQLITE:
            db.execute_sql(statement)


def _create_postgres_index(db: peewee.PostgresqlDatabase) -> None:
    try:
        with db.atomic():  # a savepoint: a refusal must not end the schema's transaction
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except peewee.DatabaseError as exc:
        log.warning("pg_trgm is not available, notice search runs without an index: %s", exc)
        return
    db.execute_sql(
        f"CREATE INDEX notice_search_trgm ON notice USING gin ({PG_SEARCH_TEXT} gin_trgm_ops)"
    )
