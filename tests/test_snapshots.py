"""How the screens look at 100x30 (and the smallest supported size), as a person sees them.

Update after a deliberate change with `pytest tests/test_snapshots.py --snapshot-update`,
then look at the SVGs before committing them."""

from __future__ import annotations

import pytest
from pilot_helpers import log_in, scan, settle, wait_until
from textual.widgets import Input

from kiosk.widgets.chrome import MessageLine

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def test_home(make_app, snap_compare):
    assert snap_compare(make_app(), terminal_size=(100, 30))


def test_home_at_80x24(make_app, snap_compare):
    assert snap_compare(make_app(), terminal_size=(80, 24))


def test_staff_login(make_app, snap_compare):
    assert snap_compare(make_app(), press=["0", "_"], terminal_size=(100, 30))


def test_staff_login_locked(make_app, staff_accounts, snap_compare):
    _admin, clerk = staff_accounts

    async def five_wrong_pins(pilot):
        await pilot.press("0")
        await settle(pilot)
        result = pilot.app.screen.query_one("#login-result", MessageLine)
        for attempt in range(1, 6):  # by keyboard: a mouse left over a key would colour it
            pilot.app.screen.query_one("#number", Input).value = clerk[0]
            pin = pilot.app.screen.query_one("#pin", Input)
            pin.value = "999999"
            pin.focus()
            await pilot.press("enter")
            expected = "锁定" if attempt == 5 else f"再试 {5 - attempt} 次"
            await wait_until(pilot, lambda: expected in str(result.render()))
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=five_wrong_pins)


def test_staff_home(make_app, staff_accounts, snap_compare):
    admin, _clerk = staff_accounts

    async def call_then_log_in(pilot):
        await pilot.press("5")
        await settle(pilot)
        await log_in(pilot, admin[0], admin[3])

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=call_then_log_in)


def test_idle_countdown(make_app, snap_compare):
    async def wait_almost_too_long(pilot):
        await pilot.press("1")
        await settle(pilot)
        pilot.app.check_inactivity(pilot.app.last_input + 80)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=wait_almost_too_long)


def test_unreadable_scan(make_app, snap_compare):
    async def scan_garbage(pilot):
        scan(pilot.app, "VK1XYZ")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=scan_garbage)
