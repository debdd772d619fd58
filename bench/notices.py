"""Figure: the notice board of a hall with 10,000 published Chinese notices (generated from
the demo notices' sentences, SQLite with its FTS5 trigram index):

- search: `notices.search` (count, first page of six, snippets) for words of three or more
  characters (the trigram index) and of one or two (the table of grams), each word many times;
  with KIOSK_BENCH_PG=postgresql://USER@HOST:PORT, on a PostgreSQL database as well;
- opening the list: through the real app headless at 100x30, from pressing 1 on the home
  screen to the notice list painted with its first page (the first refresh after its rows
  are mounted); then back home (which makes the area's screen as new), and again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import re
import tempfile
import time
import tomllib
import uuid
from importlib.resources import files
from pathlib import Path

from bench.sandbox import Sandbox, make_hall, postgres_database
from bench.stats import summary

NAME = "notices"
NOTICES = 10_000
TODAY = dt.date(2026, 11, 27)
LONG_WORDS = ("医保缴费", "村道硬化", "财务收支", "低保对象", "合作社", "防范电信诈骗", "没有这个词语")
SHORT_WORDS = ("医保", "低保", "党费", "补贴", "桥", "水")
SEARCHES_PER_WORD = 30
OPENINGS = 30
TARGET_SEARCH_P95_MS, TARGET_OPEN_MS = 30, 150
# A PostgreSQL server (postgresql://USER@HOST:PORT) to time the searches on as well.
PG_SERVER = os.environ.get("KIOSK_BENCH_PG", "")


def sentences() -> list[str]:
    """The demo notices cut into sentences: real notice language to recombine."""
    text = (files("kiosk.assets") / "demo" / "notices.toml").read_text(encoding="utf-8")
    notices = tomllib.loads(text)["notice"]
    found = []
    for notice in notices:
        body = re.sub(r"[#*|{}\-]", "", notice["body"])
        found += [s.strip() + "。" for s in re.split(r"[。\n]", body) if len(s.strip()) > 6]
    return found


def populate(db_url: str) -> None:
    """NOTICES published notices, a few pinned, spread over three years, each with its first
    version (the FTS index is filled by its triggers as on a real hall)."""
    from kiosk.db.database import database, is_postgres
    from kiosk.db.models import NOTICE_CATEGORIES, Hall, Notice, NoticeVersion
    from kiosk.db.session import open_database

    open_database(db_url)
    rng = random.Random(20261127)
    pool = sentences()
    hall = Hall.get(Hall.is_local == True)  # noqa: E712
    rows, versions = [], []
    for number in range(1, NOTICES + 1):
        published = dt.datetime(2024, 1, 1, 9) + dt.timedelta(hours=rng.randint(0, 3 * 365 * 24))
        title = rng.choice(pool)[:rng.randint(8, 24)].rstrip("。，")
        body = "\n\n".join(" ".join(rng.sample(pool, rng.randint(1, 4))) for _ in range(3))
        row = {"id": uuid.uuid4(), "hall": hall, "number": number,
               "category": rng.choice(NOTICE_CATEGORIES), "title": title, "body": body,
               "pinned": rng.random() < 0.002, "status": "published", "version": 1,
               "published": published, "valid_from": published.date(),
               "valid_until": None if rng.random() < 0.7 else published.date() + dt.timedelta(days=30),
               "created": published}
        rows.append(row)
        versions.append({"hall": hall, "notice": row["id"], "version": 1, "title": title,
                         "body": body, "category": row["category"], "valid_from": row["valid_from"],
                         "valid_until": row["valid_until"], "changed": published,
                         "changed_by_role": "staff"})
    with database.atomic():
        for start in range(0, NOTICES, 500):
            Notice.insert_many(rows[start:start + 500]).execute()
            NoticeVersion.insert_many(versions[start:start + 500]).execute()
    # as autovacuum does on a live PostgreSQL database (an index-only scan needs it)
    database.execute_sql("VACUUM ANALYZE" if is_postgres() else "ANALYZE")
    database.close()


def time_searches(db_url: str) -> dict[str, list[float]]:
    from kiosk.db.database import database
    from kiosk.db.session import open_database
    from kiosk.services import notices

    open_database(db_url)
    found = {}
    times: dict[str, list[float]] = {"long": [], "short": []}
    for kind, words in (("long", LONG_WORDS), ("short", SHORT_WORDS)):
        for word in words:
            notices.search(word, TODAY)  # warm the page cache for this word
            for _ in range(SEARCHES_PER_WORD):
                started = time.perf_counter()
                page = notices.search(word, TODAY, 0, 6)
                times[kind].append(time.perf_counter() - started)
            found[word] = page.total
    database.close()
    return times | {"found": found}


async def time_openings(db_url: str, data_dir: Path, samples: int, warmups: int) -> list[float]:
    from kiosk.app import KioskApp
    from kiosk.config import Config
    from kiosk.screens.home import HomeScreen
    from kiosk.widgets.notice_list import NoticeList

    painted: list[float] = []
    original = NoticeList._fill

    async def fill(widget, result) -> None:  # the time of the first refresh with the rows
        await original(widget, result)
        widget.call_after_refresh(lambda: painted.append(time.perf_counter()))

    NoticeList._fill = fill
    waits = []
    try:
        app = KioskApp(Config(data_dir=data_dir, db=db_url), wall_clock=lambda: dt.datetime(
            2026, 11, 27, 9, 30))
        async with app.run_test(size=(100, 30), headless=True) as pilot:
            for _ in range(warmups + samples):
                before = len(painted)
                pressed = time.perf_counter()
                await pilot.press("1")
                while len(painted) == before:
                    await asyncio.sleep(0.0005)
                waits.append(painted[-1] - pressed)
                await pilot.press("escape")
                while not isinstance(app.screen, HomeScreen) or len(app.screen_stack) > 1 or any(
                        w.group == "go-home" and not w.is_finished for w in app.workers):
                    await asyncio.sleep(0.001)  # until going home is done, as a resident finds it
                await pilot.pause()
    finally:
        NoticeList._fill = original
    return waits[warmups:]


def measure(box: Sandbox, samples: int, warmups: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-notices-") as tmp:
        data_dir = Path(tmp) / "data"
        db_url = make_hall(data_dir)
        started = time.perf_counter()
        populate(db_url)
        built = time.perf_counter() - started
        searches = time_searches(db_url)
        openings = asyncio.run(time_openings(db_url, data_dir, max(samples, OPENINGS), warmups))
    postgres = {}
    if PG_SERVER:
        with tempfile.TemporaryDirectory(prefix="kiosk-bench-notices-") as tmp, \
                postgres_database(PG_SERVER) as pg_url:
            populate(make_hall(Path(tmp), pg_url))
            searches_pg = time_searches(pg_url)
        postgres = {"search_long_pg": summary(searches_pg["long"]),
                    "search_short_pg": summary(searches_pg["short"])}
    return postgres | {
        "unit": "s", "notices": NOTICES, "build_s": built,
        "search_long": summary(searches["long"]), "search_short": summary(searches["short"]),
        "search_all": summary(searches["long"] + searches["short"]), "found": searches["found"],
        "open_list": summary(openings),
        "target_search_p95_ms": TARGET_SEARCH_P95_MS, "target_open_ms": TARGET_OPEN_MS,
    }


def report(result: dict) -> str:
    def line(label: str, values: dict, target_ms: float) -> str:
        met = "met" if values["p95"] * 1000 <= target_ms else "NOT met"
        return (f"  {label:<44} median {values['median'] * 1000:5.1f} ms   p95 "
                f"{values['p95'] * 1000:5.1f} ms   ({len(values['samples'])} samples; "
                f"target p95 <= {target_ms} ms: {met})")

    return "\n".join([
        f"Notice board with {result['notices']:,} notices (built in {result['build_s']:.0f} s)",
        line("search, words of 3+ characters (FTS5 trigram)", result["search_long"],
             result["target_search_p95_ms"]),
        line("search, words of 1-2 characters (grams)", result["search_short"],
             result["target_search_p95_ms"]),
        line("search, all words", result["search_all"], result["target_search_p95_ms"]),
        "  ratio 1-2 characters / 3+ characters: median {:.1f}, p95 {:.1f}".format(
            *(result["search_short"][k] / result["search_long"][k] for k in ("median", "p95"))),
        line("press 1 -> notice list painted (100x30)", result["open_list"],
             result["target_open_ms"]),
        *[line(f"search on PostgreSQL, words of {n} characters", result[key],
               result["target_search_p95_ms"])
          for n, key in (("3+", "search_long_pg"), ("1-2", "search_short_pg")) if key in result],
        "  notices found: " + ", ".join(f"{w} {n}" for w, n in result["found"].items()),
    ])
