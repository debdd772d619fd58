"""A member card scanned on any screen (Pilot, SQLite): signed in with a big result that goes
back by itself, the member's own record when no event is open, double reads ignored."""

from __future__ import annotations

import pytest
import signin_hall
from pilot_helpers import scan, screen_text, settle, wait_until
from signin_hall import HOUR

from kiosk.db.models import Attendance, Event, PrintJob, ScanLog
from kiosk.screens import signin_result
from kiosk.screens.home import HomeScreen
from kiosk.screens.my_record import MyRecordScreen
from kiosk.screens.receipt import ReceiptScreen
from kiosk.screens.signin_result import SignInResultScreen

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def hall(db, config):
    return signin_hall.build(config.keys_dir)


def no_event_now(hall) -> None:
    Event.update(status="closed", end=signin_hall.NOW - HOUR).execute()


async def scanned(pilot, text: str) -> None:
    scan(pilot.app, text)
    await settle(pilot)


async def test_card_on_the_home_screen_signs_in_then_goes_back(make_app, hall, monkeypatch):
    monkeypatch.setitem(signin_result.SHOWN_SECONDS, "ok", 0.5)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await scanned(pilot, hall.payloads["M001"])
        assert isinstance(app.screen, SignInResultScreen)
        text = screen_text(app)
        assert "✓" in text and "签到成功" in text and "张*明" in text and "主题党日" in text
        assert "张三明" not in text and "1381234" not in text
        assert Attendance.select().count() == 1
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_double_read_is_ignored_a_later_scan_is_already(make_app, hall, monkeypatch):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await scanned(pilot, hall.payloads["M001"])
        await scanned(pilot, hall.payloads["M001"].lower())
        assert ScanLog.select().count() == 1
        monkeypatch.setattr(signin_result.SignInResultScreen, "_done", lambda self: None)
        app.double_reads.window = 0  # as if 3 s had passed
        await scanned(pilot, hall.payloads["M001"])
        assert "您已经签过到了" in screen_text(app) and "09:30" in screen_text(app)
        assert len(app.screen_stack) == 2  # the new result replaced the old one


@pytest.mark.parametrize("number, words", [("M004", "不能用"), ("M999", "无法识别")])
async def test_refusals_say_what_to_do(make_app, hall, number, words):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await scanned(pilot, hall.payloads.get(number, hall.payloads["M001"][:-3] + "AAA"))
        assert isinstance(app.screen, SignInResultScreen)
        assert "✗" in screen_text(app) and words in screen_text(app)
        assert "工作人员" in screen_text(app)
        assert Attendance.select().count() == 0


async def test_no_event_shows_the_members_own_record(make_app, hall):
    no_event_now(hall)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        await scanned(pilot, hall.payloads["M001"])
        assert app.current_mode == "record" and isinstance(app.screen, MyRecordScreen)
        text = screen_text(app)
        assert "张*明" in text and "M001" in text and "第一党支部" in text
        assert "张三明" not in text
        assert ScanLog.get().result == "no_event"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert "张*明" not in screen_text(app)  # gone once the kiosk went home


async def test_on_the_sign_in_screen_no_event_is_said_plainly(make_app, hall):
    no_event_now(hall)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        assert "现在没有正在签到的会议" in screen_text(app)
        await scanned(pilot, hall.payloads["M001"])
        assert isinstance(app.screen, SignInResultScreen)
        assert "ℹ" in screen_text(app) and "没有要签到的会议" in screen_text(app)


async def test_sign_in_screen_lists_what_is_open(make_app, hall):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        assert "主题党日：学习交流" in screen_text(app) and "签到到 10:00" in screen_text(app)


async def test_record_screen_opens_a_record_even_while_an_event_is_open(make_app, hall):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        await scanned(pilot, hall.payloads["M002"])
        assert isinstance(app.screen, MyRecordScreen) and "李*" in screen_text(app)
        assert Attendance.select().count() == 0
        assert ScanLog.get().result == "record"


async def test_record_is_forgotten_on_idle(make_app, hall):
    no_event_now(hall)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await scanned(pilot, hall.payloads["M001"])
        assert "张*明" in screen_text(app)
        app.check_inactivity(app.last_input + 10_000)
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("4")
        await settle(pilot)
        assert "张*明" not in screen_text(app)


async def test_print_the_sign_in_slip_and_the_record(make_app, hall):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await scanned(pilot, hall.payloads["M001"])
        await pilot.click("#print-slip")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptScreen) and "签到凭条" in screen_text(app)
        assert PrintJob.get().kind == "signin"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        app.double_reads.window = 0  # as if 3 s had passed
        await scanned(pilot, hall.payloads["M001"])
        await pilot.click("#print-record")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptScreen) and "党员本人记录" in screen_text(app)
        assert PrintJob.select().where(PrintJob.kind == "record").count() == 1


async def test_the_result_screen_shown_again_shows_only_the_new_result(make_app, hall):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await scanned(pilot, hall.payloads["M001"])
        first = app.screen
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await scanned(pilot, hall.payloads["M004"])
        assert app.screen is first  # built once, shown again
        text = screen_text(app)
        assert "不能用" in text and "张*明" not in text and "签到成功" not in text
