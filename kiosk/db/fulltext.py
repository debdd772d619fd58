"""The index behind notice search: Chinese has no spaces between words, so search looks for
substrings, and the index is built on trigrams (three characters in a row).

SQLite: an FTS5 table with the trigram tokenizer over the notice table's title and body,
kept up to date by triggers (so restoring a backup, which inserts rows, fills it too).
Its rowid is the notice's number, which, unlike SQLite's own rowid, never changes.
PostgreSQL: a pg_trgm GIN index on title and body, where the extension can be created;
without it search still works, only without an index.

Neither index finds words of one or two characters (a trigram index needs three), so both
databases also keep a table of every notice's one- and two-character grams (GRAM_TABLE: the
gram, lowered as the database's LIKE / ILIKE compares, and the notice's number), filled by
triggers too. SQLite's triggers cannot count (no WITH in a trigger), so they take positions
from a table of the numbers 1 to LONGEST_TEXT.
"""

from __future__ import annotations

import logging

import peewee

log = logging.getLogger(__name__)

FTS_TABLE = "notice_fts"
GRAM_TABLE = "notice_gram"
LONGEST_TEXT = 20_000  # characters: the grams of a longer title or body are not all kept
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


# The one- and two-character grams of `texts` (rows of `number` and `lowered` text), each
# once per number: as SQL for SQLite, and for PostgreSQL.
_SQLITE_GRAMS = """SELECT DISTINCT substr(text.lowered, position.n, width.n) AS gram, text.number
    FROM {texts} AS text, (SELECT 1 AS n UNION ALL SELECT 2) AS width,
         notice_gram_position AS position
    WHERE position.n <= length(text.lowered) - width.n + 1"""
_POSTGRES_GRAMS = f"""SELECT DISTINCT substr(text.lowered, position, width), text.number
    FROM {{texts}} AS text, (VALUES (1), (2)) AS widths(width),
         generate_series(1, least(length(text.lowered), {LONGEST_TEXT}) - width + 1) AS position"""
_ROW_TEXTS = ("(SELECT {row}.number AS number, lower({row}.title) AS lowered "
              "UNION ALL SELECT {row}.number, lower({row}.body))")
_ALL_TEXTS = ("(SELECT number, lower(title) AS lowered FROM notice "
              "UNION ALL SELECT number, lower(body) FROM notice)")


def _grams_of(grams: str, row: str) -> str:
    return grams.format(texts=_ROW_TEXTS.format(row=row))


_SQLITE_GRAM_ADD = f"INSERT INTO {GRAM_TABLE} (gram, number) {_grams_of(_SQLITE_GRAMS, 'new')};"
# By the old row's own grams, so that each row goes by the primary key (gram, number).
_SQLITE_GRAM_REMOVE = (f"DELETE FROM {GRAM_TABLE} WHERE number = old.number AND gram IN "
                       f"(SELECT gram FROM ({_grams_of(_SQLITE_GRAMS, 'old')}));")
_SQLITE_GRAMS_INDEX = (
    f"""CREATE TABLE IF NOT EXISTS {GRAM_TABLE} (gram TEXT NOT NULL, number INTEGER NOT NULL,
        PRIMARY KEY (gram, number)) WITHOUT ROWID""",
    "CREATE TABLE IF NOT EXISTS notice_gram_position (n INTEGER PRIMARY KEY)",
    f"""INSERT OR IGNORE INTO notice_gram_position WITH RECURSIVE counter(n) AS (
        SELECT 1 UNION ALL SELECT n + 1 FROM counter WHERE n < {LONGEST_TEXT})
        SELECT n FROM counter""",
    f"""CREATE TRIGGER IF NOT EXISTS notice_gram_insert AFTER INSERT ON notice BEGIN
        {_SQLITE_GRAM_ADD} END""",
    f"""CREATE TRIGGER IF NOT EXISTS notice_gram_delete AFTER DELETE ON notice BEGIN
        {_SQLITE_GRAM_REMOVE} END""",
    f"""CREATE TRIGGER IF NOT EXISTS notice_gram_update AFTER UPDATE OF number, title, body
        ON notice BEGIN {_SQLITE_GRAM_REMOVE} {_SQLITE_GRAM_ADD} END""",
    # the notices already there (a database from before the table of grams)
    f"INSERT OR IGNORE INTO {GRAM_TABLE} (gram, number) "
    + _SQLITE_GRAMS.format(texts=_ALL_TEXTS),
)

_POSTGRES_GRAMS_INDEX = (
    f"""CREATE TABLE IF NOT EXISTS {GRAM_TABLE} (gram text NOT NULL, number integer NOT NULL,
        PRIMARY KEY (gram, number))""",
    f"CREATE INDEX IF NOT EXISTS notice_gram_number ON {GRAM_TABLE} (number)",
    f"""CREATE OR REPLACE FUNCTION notice_gram_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM {GRAM_TABLE} WHERE number = OLD.number;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            INSERT INTO {GRAM_TABLE} (gram, number) {_grams_of(_POSTGRES_GRAMS, 'NEW')};
        END IF;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS notice_gram_sync ON notice",
    """CREATE TRIGGER notice_gram_sync AFTER INSERT OR DELETE OR UPDATE OF number, title, body
        ON notice FOR EACH ROW EXECUTE FUNCTION notice_gram_sync()""",
    f"INSERT INTO {GRAM_TABLE} (gram, number) {_POSTGRES_GRAMS.format(texts=_ALL_TEXTS)} "
    "ON CONFLICT DO NOTHING",
)


def create_search_index(db: peewee.Database) -> None:
    """Set up the notice search index; call in the transaction that creates the tables."""
    if isinstance(db, peewee.PostgresqlDatabase):
        _create_postgres_index(db)
    else:
        for statement in _SQLITE:
            db.execute_sql(statement)
    create_gram_index(db)


def create_gram_index(db: peewee.Database) -> None:
    """The table of one- and two-character grams, filled with the notices already there
    (it may be there already: a database made while it was new)."""
    postgres = isinstance(db, peewee.PostgresqlDatabase)
    for statement in _POSTGRES_GRAMS_INDEX if postgres else _SQLITE_GRAMS_INDEX:
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
