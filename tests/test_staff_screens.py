"""Staff login, lockout, logout and the staff idle timeout, on both databases."""

from __future__ import annotations

from pilot_helpers import log_in, scan, settle, wait_until
from textual.widgets import Input

from kiosk.db.models import AuditEntry, StaffUser
from kiosk.screens.home import HomeScreen
from kiosk.screens.staff.home import StaffHomeScreen
from kiosk.screens.staff.login import StaffLoginScreen
from kiosk.services import staff
from kiosk.widgets.chrome import MessageLine


async def test_staff_login_with_keypad_and_logout(make_app, staff_accounts):
    admin, _clerk = staff_accounts
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, admin[0], admin[3])
        assert isinstance(app.screen, StaffHomeScreen)
        assert app.staff_session.number == admin[0]
        await pilot.click("#logout")
        await settle(pilot)
        assert app.staff_session is None and isinstance(app.screen, HomeScreen)
        actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.seq)]
        assert actions[-2:] == ["staff.login", "staff.logout"]
        # the staff area starts again at the login screen, with nothing typed in it
        await pilot.press("0")
        await settle(pilot)
        assert isinstance(app.screen, StaffLoginScreen)
        assert all(field.value == "" for field in app.screen.query(Input))


async def test_wrong_pins_lock_the_account_and_the_screen_says_so(make_app, staff_accounts):
    _admin, clerk = staff_accounts
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("0")
        await settle(pilot)
        result = app.screen.query_one("#login-result", MessageLine)
        for attempt in range(1, 6):
            app.screen.query_one("#number", Input).value = clerk[0]
            app.screen.query_one("#pin", Input).value = "999999"
            await pilot.click("#key-enter")
            expected = "锁定" if attempt == 5 else f"还可以再试 {5 - attempt} 次"
            await wait_until(pilot, lambda: expected in str(result.render()))
            assert str(result.render()).startswith("✗")
        assert "5 分钟" in str(result.render())
        # even the right PIN is refused while locked
        app.screen.query_one("#pin", Input).value = clerk[3]
        await pilot.click("#key-enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffLoginScreen) and app.staff_session is None
        assert StaffUser.get(StaffUser.number == clerk[0]).locked_until is not None


async def test_staff_session_logs_out_after_its_idle_timeout(make_app, staff_accounts):
    admin, _clerk = staff_accounts
    app = make_app(staff_idle_seconds=120, idle_seconds=30)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, admin[0], admin[3])
        assert isinstance(app.screen, StaffHomeScreen)
        app.check_inactivity(app.last_input + 60)  # past the public timeout: still in
        await settle(pilot)
        assert app.staff_session is not None
        app.check_inactivity(app.last_input + 121)
        await settle(pilot)
        assert app.staff_session is None and isinstance(app.screen, HomeScreen)
        logout = AuditEntry.select().order_by(AuditEntry.seq.desc()).first()
        assert logout.action == "staff.logout" and '"idle"' in logout.details


async def test_scanned_staff_card_asks_for_the_pin(make_app, staff_accounts, config):
    admin, _clerk = staff_accounts
    payload = staff.issue_card(None, admin[0], config.keys_dir)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1")  # any screen: the router does not care where the person is
        await settle(pilot)
        scan(app, payload.lower())  # caps lock off on the scanner: still read
        await settle(pilot)
        assert isinstance(app.screen, StaffLoginScreen)
        assert app.screen.query_one("#number", Input).value == admin[0]
        assert app.screen.focused.id == "pin"
        for digit in admin[3]:
            await pilot.click(f"#key-{digit}")
        await pilot.click("#key-enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffHomeScreen)
