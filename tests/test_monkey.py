"""Random input (a monkey test): the real kiosk, with a hall to show, driven by a long seeded
random run of key presses, clicks on whatever the screen shows, scanner bursts (good, bad,
foreign and overlong codes, staff cards followed by a PIN) and idle timeouts, across every
screen including the staff ones. It must never fail (the kiosk survives unexpected errors by
going home, so any it had to survive fails the test too), and no screen may trap a person:
every so often Esc must lead home, and at the end the idle timeout must.

To replay a failure, run with KIOSK_MONKEY_SEED set to the seed in its message."""

from __future__ import annotations

import os
import random
import time

import pytest
import signin_hall
from conftest import ADMIN, CLERK
from notice_board import fill_board, fixed_clock
from pilot_helpers import scan, settle, wait_until
from textual.pilot import OutOfBounds

from kiosk.screens.home import HomeScreen
from kiosk.screens.signin_result import SignInResultScreen
from kiosk.screens.staff.home import StaffHomeScreen
from kiosk.screens.staff.login import StaffLoginScreen
from kiosk.services import notices, requests, staff

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

SEED = int(os.environ.get("KIOSK_MONKEY_SEED", "20261128"))
STEPS_PER_PART = 50  # three parts: as a resident, then logged in as the admin, as the clerk
KEYS = [*"0123456789", *"aqvz", "escape", "enter", "tab", "shift+tab", "up", "down",
        "left", "right", "pageup", "pagedown", "home", "end", "backspace", "space", "delete"]
GUARD = ("8003", "赵卫东", "staff", "112233")
CLICKABLE = "Button, Input, DataTable, ListItem, Checkbox, RadioButton, Switch, Select, Tab"


@pytest.fixture
def codes(db, config, staff_accounts, monkeypatch) -> dict[str, list]:
    """What a scanner may read in this hall: its member cards, a ticket and things that are
    none of those ("scan"), and staff cards with the PIN typed after them."""
    hall = signin_hall.build(config.keys_dir)
    fill_board(fixed_clock(monkeypatch, notices.now()))
    ticket = requests.submit("other", "村口路灯坏了", "13812345678").proof
    member = hall.payloads["M001"]
    return {  # "scan" starts with the cards of M001 to M007, in order
        "scan": [*hall.payloads.values(), ticket, ticket.lower(), member[:-5] + "AAAAA",
                 "VK1T0000.AAAAAAAAAAAAAAAA", "hello", "VK1", "V" * 600, member + member],
        "staff": [(staff.issue_card(None, number, config.keys_dir), pin)
                  for number, _name, _role, pin in (ADMIN, CLERK)],
        # a card scanned with a wrong PIN (which locks its account in the end)
        "wrong": [(staff.issue_card(None, staff.add_staff(None, *GUARD).number, config.keys_dir),
                   "000000")],
    }


async def staff_login(pilot, card: str, pin: str) -> bool:
    """Scan a staff card and type the PIN asked for, as staff do."""
    app = pilot.app
    scan(app, card)
    if app.staff_session is not None:  # a card is ignored while someone is logged in
        await settle(pilot)
        return False
    await wait_until(pilot, lambda: isinstance(app.screen, StaffLoginScreen)
                     and app.screen.query_one("#pin").has_focus)
    await pilot.press(*pin, "enter")
    await settle(pilot)  # the PIN is checked in a worker, then the screen changes
    if app.staff_session is not None:
        await wait_until(pilot, lambda: isinstance(app.screen, StaffHomeScreen))
    return app.staff_session is not None


async def random_step(pilot, rng: random.Random, codes) -> str:
    app = pilot.app
    roll = rng.random()
    if roll < 0.45:
        key = rng.choice(KEYS)
        await pilot.press(key)
        return f"press {key}"
    if roll < 0.80:
        widgets = [w for w in app.screen.query(CLICKABLE) if w.display and w.region.area]
        if not widgets:
            return "nothing to click"
        widget = rng.choice(widgets)
        try:
            await pilot.click(widget)
        except OutOfBounds:  # scrolled out of sight: a person could not touch it either
            return f"out of sight {widget!r}"
        return f"click {widget!r}"
    if roll < 0.92:
        text = rng.choice(codes["scan"])
        scan(app, text)
        return f"scan {text[:20]!r}"
    if roll < 0.98:
        card, pin = rng.choice(codes["staff"] + codes["wrong"])
        return f"staff card, PIN {pin}: {await staff_login(pilot, card, pin)}"
    app.check_inactivity(time.monotonic() + app.config.staff_idle_seconds + 1)
    return "idle timeout"


def at_home(app) -> bool:
    return app.current_mode == "home" and len(app.screen_stack) == 1 \
        and isinstance(app.screen, HomeScreen)


async def escape_home(pilot) -> None:
    for _ in range(10):
        if at_home(pilot.app):
            return
        await pilot.press("escape")
        await settle(pilot, 0.05)
    assert at_home(pilot.app), f"Esc does not lead home from {pilot.app.screen!r}"


async def test_random_input_never_breaks_or_traps_the_kiosk(make_app, codes):
    rng = random.Random(SEED)
    app = make_app()
    done: list[str] = []
    seen: set[str] = set()  # the screens the run came to
    async with app.run_test(size=(100, 30)) as pilot:
        try:
            for part, login in enumerate([None, *codes["staff"]]):
                if part:
                    await escape_home(pilot)
                    done.append("Esc home")
                for _ in range(STEPS_PER_PART):
                    if login is not None and app.staff_session is None:  # (logged out)
                        await escape_home(pilot)
                        assert await staff_login(pilot, *login), "the staff login failed"
                        done.append("staff login")
                    done.append(await random_step(pilot, rng, codes))
                    await app.workers.wait_for_complete()
                    await wait_until(pilot, lambda: not app.member_scans.busy)  # (not a worker)
                    seen.add(type(app.screen).__name__)
                    assert not app.recovered_errors, f"it had to recover: {app.recovered_errors}"
            await settle(pilot)
            app.check_inactivity(time.monotonic() + app.config.staff_idle_seconds + 1)
            await settle(pilot)
            assert at_home(app) and app.staff_session is None, f"idle left {app.screen!r}"
        except Exception as exc:
            raise AssertionError(f"monkey seed {SEED} (KIOSK_MONKEY_SEED), step {len(done)}: "
                                 f"{exc}\nlast steps: {done[-15:]}") from exc
    visited = {step.split()[0] for step in done}
    assert {"press", "click", "scan", "staff", "idle"} <= visited, visited
    assert "StaffHomeScreen" in seen and len(seen) >= 12, sorted(seen)


# --- what the monkey found, kept as plain tests ------------------------------------------

async def test_enter_after_a_refused_card_prints_no_slip(make_app, codes):
    """The print button is hidden for a refused card, but the result screen still gives it
    the focus."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        scan(app, codes["scan"][3])  # M004: deceased, refused
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SignInResultScreen)
        assert app.screen.result.code == "inactive" and not app.recovered_errors
