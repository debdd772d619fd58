"""Figure: memory over a long day. The real app headless at 100x30 on the demo hall goes
through ROUNDS rounds of what residents do: open the notice board, read a notice, go home;
sign in with a member card; open 办事诉求 and go back; open the board and leave it to the idle
timeout. Every EVERY rounds, a full garbage collection: how long it took, then the live
objects the collector tracks (`len(gc.get_objects())`; what `gc.freeze()` set aside at
start-up is not among them) and the process's resident memory (RSS). A kiosk that leaks grows with every round; one that
does not levels off after the first rounds have filled Textual's caches.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import tempfile
import time
from pathlib import Path

from bench.sandbox import Sandbox

NAME = "memory"
ROUNDS = 300
EVERY = 25
WARM_UP_ROUNDS = 50  # growth is reported from here on, once Textual's caches are filled
SIZE = (100, 30)


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def full_collection() -> tuple[int, float]:
    """A full garbage collection: the live objects after it, and how long it took (s)."""
    started = time.perf_counter()
    gc.collect()
    return len(gc.get_objects()), time.perf_counter() - started


def demo_hall(data_dir: Path) -> tuple[str, str]:
    """The demo hall in a new SQLite database, and a card for one of its members."""
    from kiosk.db.database import database
    from kiosk.db.demo import build_demo
    from kiosk.db.models import Member
    from kiosk.db.session import open_database
    from kiosk.services import cards

    url = f"sqlite:///{data_dir / 'kiosk.db'}"
    open_database(url, create=True)
    try:
        summary = build_demo(data_dir / "keys")
        member = Member.get((Member.number == summary.member_number) & (Member.card_key == ""))
        payload = cards.issue_member_card(None, member, data_dir / "keys")
    finally:
        database.close()
    return url, payload


class Resident:
    """Drives the app as residents do, waiting after each step until the kiosk is done."""

    def __init__(self, pilot, card: str) -> None:
        self.pilot, self.app, self.card = pilot, pilot.app, card
        self.app.double_reads.window = 0  # each round's scan is another visit, not a double read

    async def settled(self) -> None:
        await self.pilot.pause()
        while self.app.member_scans.busy:
            await self.pilot.pause(0.005)
        await self.app.workers.wait_for_complete()
        await self.pilot.pause()

    async def until(self, condition) -> None:
        for _ in range(2000):
            await self.settled()
            if condition():
                return
            await self.pilot.pause(0.005)
        raise RuntimeError(f"the kiosk never got to {condition.__doc__}")

    def at_home(self) -> bool:
        """the home screen, with going home done"""
        from kiosk.screens.home import HomeScreen

        return isinstance(self.app.screen, HomeScreen) and len(self.app.screen_stack) == 1

    async def open_board(self) -> None:
        await self.pilot.press("1")
        await self.until(lambda: bool(self.app.screen.query(".notice-row")))

    async def read_a_notice(self) -> None:
        await self.open_board()
        depth = len(self.app.screen_stack)
        await self.pilot.click(".notice-row")
        await self.until(lambda: len(self.app.screen_stack) > depth)
        await self.pilot.press("escape", "escape")
        await self.until(self.at_home)

    async def sign_in(self) -> None:
        from textual import events
        from textual.keys import _character_to_key

        keys = [events.Key(_character_to_key(c), c) for c in self.card]
        keys.append(events.Key("enter", "\r"))
        for index, key in enumerate(keys):  # stamped as a scanner sends them
            key.time = keys[0].time + index * 0.001
            self.app.post_message(key)
        await self.pilot.pause(self.app.config.scan_end_ms / 1000 + 0.05)
        await self.until(lambda: len(self.app.screen_stack) > 1)
        await self.pilot.press("escape")
        await self.until(self.at_home)

    async def open_requests(self) -> None:
        await self.pilot.press("3")
        await self.until(lambda: self.app.current_mode == "requests")
        await self.pilot.press("escape")
        await self.until(self.at_home)

    async def leave_to_idle(self) -> None:
        await self.open_board()
        self.app.check_inactivity(self.app.last_input + self.app.config.idle_seconds + 1)
        await self.until(self.at_home)

    async def round(self) -> None:
        await self.read_a_notice()
        await self.sign_in()
        await self.open_requests()
        await self.leave_to_idle()


async def long_day(data_dir: Path, db_url: str, card: str, rounds: int, every: int) -> dict:
    from kiosk.app import KioskApp
    from kiosk.config import Config

    app = KioskApp(Config(data_dir=data_dir, db=db_url),
                   wall_clock=lambda: dt.datetime.now().replace(microsecond=0))
    samples = []
    async with app.run_test(size=SIZE, headless=True) as pilot:
        resident = Resident(pilot, card)
        await resident.settled()
        frozen = gc.get_freeze_count()
        started = time.perf_counter()
        for done in range(rounds + 1):
            if done % every == 0:
                objects, collection = full_collection()
                samples.append({"round": done, "objects": objects, "rss_kib": rss_kib(),
                                "gc_s": collection, "s": round(time.perf_counter() - started, 1)})
                print(f"  round {done:4}: {objects:9,} objects, RSS "
                      f"{samples[-1]['rss_kib'] / 1024:6.1f} MiB", flush=True)
            if done < rounds:
                await resident.round()
    if app.recovered_errors:
        raise RuntimeError(f"the kiosk went home after errors: {app.recovered_errors}")
    return {"samples": samples, "frozen": frozen}


def measure(box: Sandbox, samples: int, warmups: int) -> dict:
    """(`samples` and `warmups` are for the timed figures: this one runs ROUNDS rounds.)"""
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-memory-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        db_url, card = demo_hall(data_dir)
        result = asyncio.run(long_day(data_dir, db_url, card, ROUNDS, EVERY))
    return {"rounds": ROUNDS, "every": EVERY, "size": list(SIZE)} | result


def report(result: dict) -> str:
    first, *_, last = result["samples"]
    warm = next((s for s in result["samples"] if s["round"] >= WARM_UP_ROUNDS), first)
    later = max(1, last["round"] - warm["round"])
    return "\n".join([
        f"Memory over {result['rounds']} rounds of residents (notices, sign-in, requests, idle)",
        *(f"  round {s['round']:4}: {s['objects']:9,} live objects, RSS "
          f"{s['rss_kib'] / 1024:6.1f} MiB, full collection {s['gc_s'] * 1000:5.1f} ms "
          f"({s['s']:.0f} s)" for s in result["samples"]),
        f"  growth after round {warm['round']}: {(last['objects'] - warm['objects']) / later:,.0f} "
        f"objects and {(last['rss_kib'] - warm['rss_kib']) / later:,.1f} KiB RSS per round",
        f"  (start: {first['objects']:,} objects, {result['frozen']:,} frozen at start-up)",
    ])
