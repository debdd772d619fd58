"""How sign-in looks at 100x30: each result screen, the sign-in screen and a member's own
record. Update with `pytest tests/test_signin_snapshots.py --snapshot-update`, then look at
the SVGs before committing them."""

from __future__ import annotations

import pytest
import signin_hall
from pilot_helpers import scan, settle
from signin_hall import NOW

from kiosk.screens import signin_result
from kiosk.screens.signin_result import SignInResultScreen
from kiosk.services.signin import RESULTS, SignInResult

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

MEMBER = {"name": "张*明", "number": "M001", "event": "主题党日：学习交流"}
RESULT_DETAILS = {
    "ok": MEMBER | {"time": NOW, "kind": "present"},
    "already": MEMBER | {"time": NOW, "kind": "present"},
    "no_event": {"name": "张*明", "number": "M001"},
    "too_early": MEMBER | {"opens": NOW},
    "too_late": MEMBER,
}


@pytest.fixture
def hall(db, config, monkeypatch):
    monkeypatch.setattr(signin_result, "SHOWN_SECONDS", {"ok": 600, "info": 600, "error": 600})
    return signin_hall.build(config.keys_dir)


@pytest.mark.parametrize("code", RESULTS)
def test_result_screen(make_app, hall, snap_compare, code):
    result = SignInResult(code, **RESULT_DETAILS.get(code, {}))

    async def show(pilot):
        await pilot.app.push_screen(SignInResultScreen(result))
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=show)


def test_late_sign_in_from_a_real_scan(make_app, hall, snap_compare):
    async def sign_in(pilot):
        scan(pilot.app, hall.payloads["M001"])
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=sign_in)


def test_sign_in_screen(make_app, hall, snap_compare):
    assert snap_compare(make_app(), press=["2"], terminal_size=(100, 30))


def test_own_record(make_app, hall, snap_compare):
    async def record(pilot):
        scan(pilot.app, hall.payloads["M001"])  # signs in
        await settle(pilot)
        await pilot.press("escape")
        await pilot.press("4")
        await settle(pilot)
        scan(pilot.app, hall.payloads["M001"])
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=record)
