"""Figure: the staff reports in a big hall (the sign-in figure's 100,000 members and
1,000,000 attendance rows, plus flows, dues, stage changes and requests):

- each report over 2025-Q1, the quarter holding all 1,000 meetings and so all 1,000,000
  attendance rows, for all branches; the attendance report also with a hall filter (as a
  county server runs it) and over 2025-02 (256,000 rows); median over the samples, and its
  ratio to a plain `SELECT count(*) FROM attendance` measured in the same run;
- exporting the quarter's 1,000,000 attendance rows (签到明细) to XLSX in a fresh process:
  wall time and peak RSS, next to the peak RSS of a process that opens the database the same
  way and only counts the rows.

SQLite always; with KIOSK_BENCH_PG=postgresql://… (a server where a database may be created
and dropped) the same reports once more on PostgreSQL, as a county server would run them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench import signin
from bench.sandbox import Sandbox, make_hall
from bench.stats import summary

NAME = "reports"
PERIOD = "2025-Q1"
MONTH = "2025-02"
TODAY = dt.date(2025, 4, 15)
TARGET_MS = 300
KINDS = ("attendance", "members", "flow", "requests", "dues")

EXTRA = (  # besides the sign-in figure's hall, for SQLite; ? is the hall's id
    # every 10th member away since some day in 2023-2025, to one of 50 places
    "INSERT INTO flow_record (id, hall_id, member_id, direction, place, since, reason, contact, "
    "holds_flow_certificate, recorded) SELECT lower(hex(randomblob(16))), ?, id, 'out', "
    "'外地' || (id % 50), date('2023-01-01', '+' || (id % 800) || ' days'), '', '', 0, "
    "'2024-01-01 00:00:00' FROM member WHERE id % 10 = 0",
    "UPDATE member SET status = 'flowed_out' WHERE id % 10 = 0",
    # every 50th member probationary since 2024, with their stage change
    "UPDATE member SET stage = 'probationary', probation_on = date('2024-01-01', '+' || "
    "(id % 400) || ' days') WHERE id % 50 = 1",
    "INSERT INTO member_stage_change (id, hall_id, member_id, from_stage, to_stage, \"on\", note, "
    "recorded) SELECT lower(hex(randomblob(16))), ?, id, 'candidate', 'probationary', "
    "probation_on, '', probation_on FROM member WHERE id % 50 = 1",
    # a year's dues paid in January by six members in seven
    "INSERT INTO dues (id, hall_id, member_id, first_month, months, amount, receipt_no, time) "
    "SELECT lower(hex(randomblob(16))), ?, id, '2025-01', 12, 12, 'DF' || id, "
    "'2025-01-05 10:00:00' FROM member WHERE id % 7 != 0",
    # 5,000 requests over the quarter, closed after 0-19 days
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 4999) "
    "INSERT INTO request (id, hall_id, ticket, secret, category, text, needs_help, phone, "
    "status, reply, verdict, verdict_comment, reopened, failed_lookups, created, updated, "
    "closed) SELECT lower(hex(randomblob(16))), ?, 'T' || i, 'x', CASE i % 4 WHEN 0 THEN "
    "'certificate' WHEN 1 THEN 'policy' WHEN 2 THEN 'sanitation' ELSE 'other' END, '', 0, '', "
    "'closed', '', CASE i % 3 WHEN 0 THEN 'satisfied' WHEN 1 THEN 'mostly_satisfied' ELSE '' "
    "END, '', 0, 0, datetime('2025-01-01', '+' || (i * 25) || ' minutes'), "
    "datetime('2025-01-01', '+' || (i * 25) || ' minutes'), datetime('2025-01-01', '+' || "
    "(i * 25) || ' minutes', '+' || (i % 20) || ' days') FROM n",
)

POSTGRES = (  # the same hall on PostgreSQL; %s is the hall's id
    "INSERT INTO branch (hall_id, name) SELECT %s, '第' || i || '党支部' "
    "FROM generate_series(1, 100) i",
    "INSERT INTO member (number, card_key, name, name_initials, sex, phone, id_number, "
    "branch_id, stage, status, address, home_org, created) SELECT 'B' || i, '', '党员' || i, "
    "'dy', 'M', '', '', (SELECT min(id) FROM branch) + i %% 100, 'full', 'normal', '', '', "
    "'2020-01-01' FROM generate_series(0, 99999) i",
    "INSERT INTO event (branch_id, type, title, place, start, \"end\", signin_opens, "
    "signin_closes, status, minutes, created) SELECT (SELECT min(id) FROM branch) + i %% 100, "
    "'group', '党小组会 ' || i, '', timestamp '2025-01-01' + i * interval '1 hour', "
    "timestamp '2025-01-01' + (i + 1) * interval '1 hour', timestamp '2025-01-01' + i * "
    "interval '1 hour', timestamp '2025-01-01' + (i + 1) * interval '1 hour', 'closed', '', "
    "'2024-12-01' FROM generate_series(0, 999) i",
    "INSERT INTO attendance (id, hall_id, event_id, member_id, kind, time, late, reason, "
    "home_org) SELECT gen_random_uuid(), %s, e.id, m.id, 'present', e.start, false, '', '' "
    "FROM event e JOIN member m ON m.branch_id = e.branch_id",
    "INSERT INTO flow_record (id, hall_id, member_id, direction, place, since, reason, contact, "
    "holds_flow_certificate, recorded) SELECT gen_random_uuid(), %s, id, 'out', '外地' || "
    "(id %% 50), date '2023-01-01' + (id %% 800), '', '', false, '2024-01-01' FROM member "
    "WHERE id %% 10 = 0",
    "UPDATE member SET status = 'flowed_out' WHERE id %% 10 = 0",
    "UPDATE member SET stage = 'probationary', probation_on = date '2024-01-01' + (id %% 400) "
    "WHERE id %% 50 = 1",
    "INSERT INTO member_stage_change (id, hall_id, member_id, from_stage, to_stage, \"on\", note, "
    "recorded) SELECT gen_random_uuid(), %s, id, 'candidate', 'probationary', probation_on, '', "
    "probation_on FROM member WHERE id %% 50 = 1",
    "INSERT INTO dues (id, hall_id, member_id, first_month, months, amount, receipt_no, time) "
    "SELECT gen_random_uuid(), %s, id, '2025-01', 12, 12, 'DF' || id, '2025-01-05 10:00' "
    "FROM member WHERE id %% 7 != 0",
    "INSERT INTO request (id, hall_id, ticket, secret, category, text, needs_help, phone, "
    "status, reply, verdict, verdict_comment, reopened, failed_lookups, created, updated, "
    "closed) SELECT gen_random_uuid(), %s, 'T' || i, 'x', (ARRAY['certificate', 'policy', "
    "'sanitation', 'other'])[i %% 4 + 1], '', false, '', 'closed', '', (ARRAY['satisfied', "
    "'mostly_satisfied', ''])[i %% 3 + 1], '', 0, 0, timestamp '2025-01-01' + i * "
    "interval '25 minutes', timestamp '2025-01-01' + i * interval '25 minutes', "
    "timestamp '2025-01-01' + i * interval '25 minutes' + (i %% 20) * interval '1 day' "
    "FROM generate_series(0, 4999) i",
)

# Peak RSS: VmHWM where there is one. getrusage's ru_maxrss would do elsewhere, but on Linux
# it keeps the high-water mark of the process before exec: here the bench's own ~95 MB.
EXPORT_SAMPLE = """
import json, resource, sys, time
from kiosk.db.session import open_database
from kiosk.services import periods, report_export

def peak_mb():
    try:
        with open("/proc/self/status") as status:
            return next(int(l.split()[1]) for l in status if l.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

open_database(sys.argv[1])
started = time.perf_counter()
if sys.argv[2] == "count":
    from kiosk.db.models import Attendance
    rows = Attendance.select().count()
else:
    rows = report_export.export("roll", "xlsx", sys.argv[3], periods.parse_period(sys.argv[4]))
print(json.dumps({"rows": rows, "s": time.perf_counter() - started, "peak_rss_mb": peak_mb()}))
"""


def populate_sqlite(db_url: str) -> None:
    from kiosk.db.database import database, write_lock
    from kiosk.db.models import Hall
    from kiosk.services import events

    signin.populate(db_url)
    hall = Hall.get(Hall.is_local == True).id.hex  # noqa: E712
    with write_lock():
        for sql in EXTRA:
            database.execute_sql(sql, (hall,) * sql.count("?"))
        events.record_rolls()  # as the upgrade to schema version 5 does
    database.execute_sql("ANALYZE")
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # the samples start from one file


def populate_postgres(db_url: str) -> None:
    from kiosk.db.database import database, write_lock
    from kiosk.db.models import Hall
    from kiosk.db.session import open_database
    from kiosk.services import events, setup

    open_database(db_url, create=True)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-keys-") as keys:
        setup.initialise_hall("某村党群服务中心", Path(keys))
    hall = str(Hall.get(Hall.is_local == True).id)  # noqa: E712
    with write_lock():
        for sql in POSTGRES:
            database.execute_sql(sql, (hall,) * sql.count("%s"))
        events.record_rolls()
    database.close()
    database.execute_sql("VACUUM ANALYZE")  # outside a transaction


def timed(call, samples: int, warmups: int) -> list[float]:
    for _ in range(warmups):
        call()
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def time_reports(samples: int, warmups: int) -> dict:
    """On the database bound now."""
    from kiosk.db.database import database
    from kiosk.db.models import Hall
    from kiosk.services import periods, reports

    quarter, month = periods.parse_period(PERIOD), periods.parse_period(MONTH)
    hall = Hall.get(Hall.is_local == True).id  # noqa: E712
    calls = {"baseline count(*)": lambda: database.execute_sql(
        "SELECT count(*) FROM attendance").fetchone()}
    for kind in KINDS:
        calls[kind] = lambda kind=kind: reports.build(kind, quarter, today=TODAY)
    calls["attendance, hall filter"] = lambda: reports.build("attendance", quarter, None, hall,
                                                             TODAY)
    calls[f"attendance, {MONTH}"] = lambda: reports.build("attendance", month, today=TODAY)
    return {name: summary(timed(call, samples, warmups)) for name, call in calls.items()}


def run_sample(db_url: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", EXPORT_SAMPLE, db_url, *args],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(box: Sandbox, samples: int, warmups: int) -> dict:
    from kiosk.db.database import database

    result = {"unit": "s", "period": PERIOD, "target_ms": TARGET_MS}
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-reports-") as tmp:
        db_url = make_hall(Path(tmp) / "data")
        started = time.perf_counter()
        populate_sqlite(db_url)
        result["build_s"] = time.perf_counter() - started
        result["sqlite"] = time_reports(samples, warmups)
        database.close()
        result["count_process"] = run_sample(db_url, "count")
        result["export_xlsx"] = run_sample(db_url, "export", str(Path(tmp) / "roll.xlsx"), PERIOD)
        result["export_xlsx"]["file_mb"] = (Path(tmp) / "roll.xlsx").stat().st_size / 1e6
    server = os.environ.get("KIOSK_BENCH_PG")
    if server:
        result["postgresql"] = _on_postgres(server.rstrip("/"), samples, warmups)
    return result


def _on_postgres(server: str, samples: int, warmups: int) -> dict:
    import peewee

    from kiosk.db.database import database

    name = f"kiosk_bench_{uuid.uuid4().hex[:12]}"
    admin = peewee.PostgresqlDatabase("postgres", dsn=f"{server}/postgres")
    admin.execute_sql(f'CREATE DATABASE "{name}"')
    try:
        populate_postgres(f"{server}/{name}")
        return time_reports(samples, warmups)
    finally:
        database.close()
        admin.execute_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _lines(figures: dict, target_ms: int) -> list[str]:
    base = figures["baseline count(*)"]["median"]
    lines = []
    for name, figure in figures.items():
        median = figure["median"]
        met = "" if name.startswith("baseline") else (
            f"  target <= {target_ms} ms: {'met' if median * 1000 <= target_ms else 'NOT met'}")
        lines.append(f"    {name:<26} median {median * 1000:7.1f} ms  p95 "
                     f"{figure['p95'] * 1000:7.1f} ms  x{median / base:6.1f} of count(*){met}")
    return lines


def report(result: dict) -> str:
    lines = [f"Reports over {result['period']} with 100,000 members and 1,000,000 attendance "
             f"rows (SQLite hall built in {result['build_s']:.0f} s)", "  SQLite:",
             *_lines(result["sqlite"], result["target_ms"])]
    if "postgresql" in result:
        lines += ["  PostgreSQL:", *_lines(result["postgresql"], result["target_ms"])]
    export, count = result["export_xlsx"], result["count_process"]
    lines.append(f"  XLSX export of {export['rows']:,} rows (签到明细): {export['s']:.0f} s, "
                 f"peak RSS {export['peak_rss_mb']:.0f} MB (a process that only counts the rows: "
                 f"{count['peak_rss_mb']:.0f} MB), file {export['file_mb']:.0f} MB")
    return "\n".join(lines)
