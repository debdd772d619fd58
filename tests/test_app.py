"""The app shell through Pilot: navigation by key and by click, help calls, idle timeout,
the scan router and staff administration. (UI only, so SQLite only; the staff login
screens run on both databases in test_staff_screens.py.)"""

from __future__ import annotations

import pytest
from pilot_helpers import log_in, message, scan, screen_text, settle, wait_until
from textual.widgets import Input

from kiosk.db.models import HelpCall, StaffUser
from kiosk.screens.home import HomeScreen
from kiosk.screens.staff.accounts import StaffAccountsScreen
from kiosk.screens.staff.card import StaffCardScreen
from kiosk.screens.staff.home import StaffHomeScreen
from kiosk.services import staff
from kiosk.widgets.idle import IdleCountdown

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

TILE_MODES = {"1": "notices", "2": "signin", "3": "requests", "4": "record", "0": "staff"}


async def test_home_tiles_by_key_and_back_with_escape(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        for key, mode in TILE_MODES.items():
            await pilot.press(key)
            await settle(pilot)
            assert app.current_mode == mode
            await pilot.press("escape")
            await settle(pilot)
            assert app.current_mode == "home" and isinstance(app.screen, HomeScreen)


async def test_home_tiles_by_click_and_back_button(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        for mode in TILE_MODES.values():
            await pilot.click(f"#tile-{mode}")
            await settle(pilot)
            assert app.current_mode == mode
            await pilot.click("#back")
            await settle(pilot)
            assert app.current_mode == "home"


@pytest.mark.parametrize("how", ["key", "tile", "bar"])
async def test_call_staff_records_a_help_call(make_app, how):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        if how == "key":
            await pilot.press("5")
        elif how == "tile":
            await pilot.click("#tile-call-staff")
        else:
            await pilot.press("1")
            await settle(pilot)
            await pilot.click("#call-staff")
        await settle(pilot)
        assert HelpCall.select().count() == 1
        assert "已通知工作人员" in message(app)


async def test_idle_countdown_then_home_with_everything_forgotten(make_app):
    app = make_app(idle_seconds=90, idle_warning_seconds=15)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        record_screen = app.screen
        app.check_inactivity(app.last_input + 80)
        await settle(pilot)
        countdown = app.screen.query_one(IdleCountdown)
        assert countdown.seconds == 10
        await pilot.click("#idle-continue")  # "keep reading"
        await settle(pilot)
        assert not app.screen.query(IdleCountdown) and app.current_mode == "record"
        app.check_inactivity(app.last_input + 91)
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("4")
        await settle(pilot)
        assert app.screen is not record_screen  # a fresh screen, nothing left from before


async def test_home_at_rest_never_counts_down(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.check_inactivity(app.last_input + 10_000)
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and not app.screen.query(IdleCountdown)


async def test_revoked_staff_card_is_refused(make_app, staff_accounts, config):
    admin, _clerk = staff_accounts
    old = staff.issue_card(None, admin[0], config.keys_dir)
    staff.issue_card(None, admin[0], config.keys_dir)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        scan(app, old)
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "✗" in message(app) and "工作证无效" in message(app)


async def test_unreadable_code_shows_a_plain_error(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        scan(app, "VK1M0000")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "✗" in message(app) and "无法识别" in message(app)


async def test_typing_reaches_the_field_unchanged(make_app):
    """Fast or slow, a person's typing that is not a payload ends up in the field."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("0")
        await settle(pilot)
        for key in "v8":  # slow, and "v" is held back a moment as a possible scan
            await pilot.press(key)
            await pilot.pause(0.1)
        await pilot.press(*"vk2x01")  # fast burst that is not one of our codes
        await settle(pilot)
        assert app.screen.query_one("#number", Input).value == "v8vk2x01"


async def test_a_flood_from_the_scanner_is_dropped_and_the_kiosk_stays_usable(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("0")
        await settle(pilot)
        scan(app, "V" + "K" * 10_000)
        await wait_until(pilot, lambda: "太长" in message(app))
        await settle(pilot)
        assert app.screen.query_one("#number", Input).value == ""
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_admin_manages_staff_in_the_tui(make_app, staff_accounts):
    admin, clerk = staff_accounts
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, admin[0], admin[3])
        await pilot.click("#area-accounts")
        await settle(pilot)
        assert isinstance(app.screen, StaffAccountsScreen)
        screen = app.screen
        screen.query_one("#add-number", Input).value = "8003"
        screen.query_one("#add-name", Input).value = "赵小红"
        screen.query_one("#add-pin", Input).value = "482916"
        await pilot.click("#add")
        await settle(pilot)
        assert StaffUser.get(StaffUser.number == "8003").name == "赵小红"
        table = screen.query_one("DataTable")
        table.move_cursor(row=table.get_row_index(clerk[0]))
        await pilot.click("#toggle")
        await settle(pilot)
        assert not StaffUser.get(StaffUser.number == clerk[0]).active
        await pilot.click("#card")
        await settle(pilot)
        assert isinstance(app.screen, StaffCardScreen)
        assert StaffUser.get(StaffUser.number == clerk[0]).card_serial == 1


async def test_clerk_does_not_see_staff_accounts(make_app, staff_accounts):
    _admin, clerk = staff_accounts
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, clerk[0], clerk[3])
        assert isinstance(app.screen, StaffHomeScreen)
        assert not app.screen.query("#area-accounts")


async def test_help_call_appears_for_staff_who_acknowledge_it(make_app, staff_accounts):
    admin, _clerk = staff_accounts
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        await log_in(pilot, admin[0], admin[3])
        app.screen.refresh_calls()
        await settle(pilot)
        assert "有 1 位群众在呼叫" in screen_text(app)
        await pilot.click(".ack")
        await settle(pilot)
        call = HelpCall.get()
        assert call.acknowledged is not None and call.acknowledged_by.number == admin[0]
        assert "目前没有群众呼叫" in screen_text(app)


async def test_too_small_terminal_asks_for_more_room(make_app):
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-too-small")
        assert "窗口太小" in screen_text(app)
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert not app.screen.has_class("-too-small")
