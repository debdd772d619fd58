"""The outbox's triggers: once syncing is switched on (the `county_sync` row in `meta`,
see switch_on), every insert or update of a row the county should have puts (kind, key)
in `outbox`, inside the same transaction, whichever service made the change (or a bulk
UPDATE, or a restore). Until then they add nothing, so a hall without a county keeps no
queue. kiosk.services.sync reads the rows when it uploads.

SYNCED lists the tables in the order a county needs them (a member before their cards).
"""

from __future__ import annotations

import peewee

# table -> its primary key column
SYNCED = {
    "hall_key": "key_id", "member": "id", "card": "id", "event": "id",
    "member_stage_change": "id", "flow_record": "id", "attendance": "id", "scan_log": "id",
    "request": "id", "dues": "id", "audit_entry": "id", "print_job": "id", "notice": "id",
    "notice_version": "id",
}

SWITCHED_ON = "county_sync"  # the key in meta
SWITCH_LOCK = 741855  # PostgreSQL advisory lock: switch_on, and writes made before it
_IS_ON = f"EXISTS (SELECT 1 FROM meta WHERE key = '{SWITCHED_ON}')"

# A PostgreSQL trigger's WHEN cannot hold a subquery: the function asks instead. While
# syncing is off, a write holds SWITCH_LOCK shared to the end of its transaction, so
# switch_on (which takes it alone) waits for it to commit and then queues its rows; a
# write that comes while switch_on runs waits for it, then sees the switch (each query of
# the function sees what has committed) and queues its row itself.
_POSTGRES_FUNCTION = f"""CREATE OR REPLACE FUNCTION kiosk_outbox() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NOT {_IS_ON} THEN
            PERFORM pg_advisory_xact_lock_shared({SWITCH_LOCK});
            IF NOT {_IS_ON} THEN
                RETURN NULL;
            END IF;
        END IF;
        INSERT INTO outbox (kind, key) VALUES (TG_ARGV[0], to_jsonb(NEW) ->> TG_ARGV[1]);
        RETURN NULL;
    END $$"""


def _statements(db: peewee.Database) -> list[str]:
    if isinstance(db, peewee.PostgresqlDatabase):
        return [_POSTGRES_FUNCTION] + [
            f"""CREATE OR REPLACE TRIGGER outbox_{table} AFTER INSERT OR UPDATE ON "{table}"
                FOR EACH ROW EXECUTE FUNCTION kiosk_outbox('{table}', '{pk}')"""
            for table, pk in SYNCED.items()]
    return [f"""CREATE TRIGGER IF NOT EXISTS outbox_{table}_{event.lower()} AFTER {event}
                ON "{table}" WHEN {_IS_ON} BEGIN
                INSERT INTO outbox (kind, key) VALUES ('{table}', NEW."{pk}"); END"""
            for table, pk in SYNCED.items() for event in ("INSERT", "UPDATE")]


def create_triggers(db: peewee.Database) -> None:
    """Call in the transaction that creates the tables (or adds the outbox); creating
    them again changes nothing."""
    for statement in _statements(db):
        db.execute_sql(statement)


def is_on(db: peewee.Database) -> bool:
    return bool(db.execute_sql(f"SELECT {_IS_ON}").fetchone()[0])


def switch_on(db: peewee.Database) -> bool:
    """Start queueing changes for the county: empty the outbox, put every row in it (in the
    order the county needs them) and switch the triggers on, in one transaction that no
    write to a synced table overlaps, so each row is queued once and none is missed: on
    SQLite a BEGIN IMMEDIATE, on PostgreSQL SWITCH_LOCK (see _POSTGRES_FUNCTION). False
    when it was on already."""
    if is_on(db):
        return False
    postgres = isinstance(db, peewee.PostgresqlDatabase)
    with db.atomic() if postgres else db.atomic("IMMEDIATE"):
        if postgres:
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (SWITCH_LOCK,))
        if is_on(db):
            return False
        db.execute_sql("DELETE FROM outbox")
        for table, pk in SYNCED.items():
            db.execute_sql(f'INSERT INTO outbox (kind, key) SELECT \'{table}\', '
                           f'CAST("{pk}" AS TEXT) FROM "{table}" ORDER BY "{pk}"')
        db.execute_sql(f"INSERT INTO meta (key, value) VALUES ({db.param}, '1')",
                       (SWITCHED_ON,))
    return True
