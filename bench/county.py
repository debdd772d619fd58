"""Figure: one county server (`kiosk county serve`, a subprocess) on the local PostgreSQL,
with many halls (in-process clients, HALL_CONCURRENCY uploading at once) each uploading a
day's rows in batches as the kiosk does:

- sustained: rows a second the server stores while all halls upload their day;
- catch-up: one hall back after 7 days offline uploads its backlog, batch after batch;
- memory: the server's resident memory (peak and after), and the database's size per row;
- baseline, in the same run: a week of one hall's rows stored straight into the same
  table by peewee in this process (one connection, no HTTP, no JSON, no checks), as rows
  a second.
The rows are made up with the sizes and shapes of real ones (kiosk.services.sync.Records).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

PG_SERVER = os.environ.get("KIOSK_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
NAME = "county"
HALLS = 500
HALL_CONCURRENCY = 50
BATCH = 500
DAY = {"attendance": 60, "scan_log": 80, "request": 8, "dues": 10, "audit_entry": 120,
       "print_job": 25}  # a busy hall's day: one meeting, a few requests
OFFLINE_DAYS = 7


def _row(kind: str, hall: str, n: int) -> dict:
    """A record shaped like kiosk.services.sync.Records makes."""
    key = str(uuid.uuid4())
    time_ = f"2026-11-27 09:{n % 60:02d}:00"
    data = {"id": key, "hall": hall, "time": time_}
    if kind == "attendance":
        data.update(event=f"{hall}:12", member=f"3F2A91C0:M{n:04d}", kind="present",
                    late=False, reason="", assisted_by=None, home_org="")
    elif kind == "scan_log":
        data.update(kind="M", subject=f"M{n:04d}", result="ok", event=f"{hall}:12")
    elif kind == "request":
        data.update(ticket=f"Q{100000 + n}", category="certificate", text="开具居住证明，"
                    "需要盖章" * 3, needs_help=False, phone="13812345678", status="received",
                    reply="", assigned_to=None, verdict="", verdict_comment="", reopened=0,
                    created=time_, updated=time_, closed=None)
    elif kind == "dues":
        data.update(member=f"3F2A91C0:M{n:04d}", first_month="2026-11", months=1,
                    amount="12.00", receipt_no=f"DF2026{n:04d}", received_by="8001",
                    reverses=None)
    elif kind == "audit_entry":
        data.update(seq=n, actor="staff:8001", action="attendance.signin", subject=f"M{n:04d}",
                    details=json.dumps({"event": 12, "kind": "present"}), prev_hash="a" * 64,
                    hash="b" * 64)
    else:
        data.update(kind="signin", status="printed", attempts=1, last_error="", created=time_,
                    queued=time_, printed=time_, printer="usb://0416:5011", copy_of=None)
    return {"kind": kind, "key": key, "data": data, "base": 0}


def day_of_rows(hall: str, days: int = 1) -> list[dict]:
    rows, n = [], 0
    for _day in range(days):
        for kind, count in DAY.items():
            for _ in range(count):
                n += 1
                rows.append(_row(kind, hall, n))
    return rows


def _admin(sql: str) -> None:
    import peewee

    admin = peewee.PostgresqlDatabase("test", dsn=f"{PG_SERVER}/test")
    admin.connect()
    admin.execute_sql(sql)
    admin.close()


def _rss_kb(pid: int) -> dict[str, int]:
    """Resident memory now and at its peak (Linux)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


class Server:
    def __init__(self, db_url: str):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "county", "serve", "--db", db_url,
             "--port", str(self.port)], stdout=subprocess.DEVNULL)

    async def ready(self, session) -> None:
        for _ in range(300):
            try:
                async with session.get(f"{self.url}/v1/health") as answer:
                    if answer.status == 200:
                        return
            except OSError:
                await asyncio.sleep(0.1)
        raise RuntimeError("the county server did not start")


async def _upload(session, url: str, token: str, hall: dict, rows: list[dict]) -> None:
    """What kiosk.services.sync.push does: batches in order, each after the last's answer."""
    for start in range(0, len(rows), BATCH):
        body = {"hall": hall, "last": start + BATCH, "backlog": max(0, len(rows) - start - BATCH),
                "rows": rows[start:start + BATCH]}
        async with session.post(f"{url}/v1/push", json=body,
                                headers={"Authorization": f"Bearer {token}"}) as answer:
            if answer.status != 200:
                raise RuntimeError(f"push refused: {answer.status} {await answer.text()}")


def _register(db_url: str, count: int) -> list[tuple[dict, str]]:
    from kiosk.db.database import database
    from kiosk.db.session import open_database
    from kiosk.services import county

    open_database(db_url, create=True)
    try:
        return [({"id": str(uuid.uuid4()), "name": f"第{i}村党群服务中心"},
                 county.add_hall(f"第{i}村党群服务中心")) for i in range(count)]
    finally:
        database.close()


def _baseline(db_url: str, rows: list[dict]) -> float:
    """Rows a second, storing rows straight into county_record in this process."""
    from kiosk.db.database import database
    from kiosk.db.models import CountyRecord, Hall
    from kiosk.db.session import open_database

    open_database(db_url)
    try:
        hall = Hall.create(name="基线")
        values = [{"kind": r["kind"], "key": r["key"], "hall": hall.id,
                   "data": json.dumps(r["data"], ensure_ascii=False)} for r in rows]
        started = time.perf_counter()
        with database.atomic():
            for start in range(0, len(values), BATCH):
                CountyRecord.insert_many(values[start:start + BATCH]).execute()
        return len(rows) / (time.perf_counter() - started)
    finally:
        database.close()


async def _run(db_url: str, halls: int) -> dict:
    import aiohttp

    accounts = _register(db_url, halls + 1)
    server = Server(db_url)
    peak = {"VmRSS": 0, "VmHWM": 0}
    try:
        async with aiohttp.ClientSession() as session:
            await server.ready(session)
            idle = _rss_kb(server.process.pid)
            days = [(hall, token, day_of_rows(hall["id"])) for hall, token in accounts[:halls]]
            queue = asyncio.Queue()
            for item in days:
                queue.put_nowait(item)

            async def worker():
                while not queue.empty():
                    hall, token, rows = queue.get_nowait()
                    await _upload(session, server.url, token, hall, rows)

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(HALL_CONCURRENCY)))
            sustained_s = time.perf_counter() - started
            peak = _rss_kb(server.process.pid)

            hall, token = accounts[halls]
            backlog = day_of_rows(hall["id"], OFFLINE_DAYS)
            started = time.perf_counter()
            await _upload(session, server.url, token, hall, backlog)
            catch_up_s = time.perf_counter() - started
            # the same again: a hall that lost every answer sends it all twice
            started = time.perf_counter()
            await _upload(session, server.url, token, hall, backlog)
            repeat_s = time.perf_counter() - started
    finally:
        server.process.terminate()
        server.process.wait(10)
    rows = sum(len(r) for _h, _t, r in days)
    return {"rows": rows, "sustained_s": sustained_s, "catch_up_rows": len(backlog),
            "catch_up_s": catch_up_s, "repeat_s": repeat_s, "idle_rss_kb": idle["VmRSS"],
            "peak_rss_kb": peak["VmHWM"]}


def _table_size(db_url: str) -> tuple[int, int]:
    import peewee

    db = peewee.PostgresqlDatabase(None)
    db.init(db_url.rsplit("/", 1)[1], dsn=db_url)
    size, count = db.execute_sql(
        "SELECT pg_total_relation_size('county_record'), count(*) FROM county_record").fetchone()
    db.close()
    return size, count


def measure(box, samples: int, warmups: int, halls: int = HALLS) -> dict:
    name = f"kiosk_bench_county_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE DATABASE "{name}"')
    db_url = f"{PG_SERVER}/{name}"
    try:
        result = asyncio.run(_run(db_url, halls))
        size, count = _table_size(db_url)
        result["baseline_rows_per_s"] = _baseline(
            db_url, day_of_rows(str(uuid.uuid4()), OFFLINE_DAYS))
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    result.update(halls=halls, concurrency=min(halls, HALL_CONCURRENCY),
                  bytes_per_row=size / count, rows_per_s=result["rows"] / result["sustained_s"])
    return result


def report(result: dict) -> str:
    ratio = result["rows_per_s"] / result["baseline_rows_per_s"]
    return "\n".join([
        f"County server: {result['halls']} halls ({result['concurrency']} at once) each "
        f"uploading a day of {result['rows'] // result['halls']} rows",
        f"  sustained           {result['rows_per_s']:8.0f} rows/s  ({result['rows']:,} rows in "
        f"{result['sustained_s']:.1f} s; baseline straight insert "
        f"{result['baseline_rows_per_s']:.0f} rows/s, ratio {ratio:.2f})",
        f"  7 days offline      {result['catch_up_rows']:,} rows caught up in "
        f"{result['catch_up_s']:.2f} s (sent again: {result['repeat_s']:.2f} s, no change)",
        f"  server memory       {result['idle_rss_kb'] / 1024:.0f} MiB idle, "
        f"{result['peak_rss_kb'] / 1024:.0f} MiB peak",
        f"  database            {result['bytes_per_row']:.0f} bytes a row with indexes",
    ])
