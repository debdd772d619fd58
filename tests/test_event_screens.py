"""Staff screens for meetings (Pilot, SQLite): create, the roll with 代签到 / 请假 / 远程参加,
minutes, ending a meeting; and how they look at 100x30."""

from __future__ import annotations

import pytest
import signin_hall
from pilot_helpers import log_in, screen_text, settle
from signin_hall import NOW
from textual.widgets import Button, DataTable, Input, TextArea

from kiosk.db.models import Attendance, Event
from kiosk.screens.staff.event_roll import EventRollScreen
from kiosk.screens.staff.events import EventsScreen
from kiosk.services import signin

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def hall(db, config, staff_accounts):
    built = signin_hall.build(config.keys_dir)
    signin.sign_in(built.payloads["M001"], NOW)
    signin.sign_in(built.payloads["M006"], NOW)
    return built


async def open_events(pilot, staff_accounts) -> None:
    _admin, clerk = staff_accounts
    await log_in(pilot, clerk[0], clerk[3])
    await pilot.click("#area-events")
    await settle(pilot)


def shown(app) -> str:
    """The screen's texts, buttons and table cells."""
    cells = [str(cell) for table in app.screen.query(DataTable)
             for row in range(table.row_count) for cell in table.get_row_at(row)]
    buttons = [str(b.label) for b in app.screen.query(Button)]
    return "\n".join([screen_text(app), *buttons, *cells])


def choose(app, key: str) -> None:
    table = app.screen.query_one(DataTable)
    table.move_cursor(row=table.get_row_index(key))


async def test_create_a_meeting(make_app, hall, staff_accounts):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_events(pilot, staff_accounts)
        assert isinstance(app.screen, EventsScreen) and "主题党日：学习交流" in shown(app)
        await pilot.click("#new")
        await settle(pilot)
        form = app.screen
        form.query_one("#title", Input).value = "12 月支部党员大会"
        form.query_one("#day", Input).value = "2026-12-05"
        form.query_one("#start", Input).value = "9点"
        await pilot.click("#save")
        await settle(pilot)
        assert "09:30" in screen_text(app) and Event.select().count() == 1  # how to write it
        form.query_one("#start", Input).value = "9：30"  # a Chinese colon is fine
        await pilot.click("#save")
        await settle(pilot)
        assert isinstance(app.screen, EventsScreen) and "已建好" in screen_text(app)
        event = Event.get(Event.title == "12 月支部党员大会")
        assert (event.type, f"{event.start:%Y-%m-%d %H:%M}", f"{event.signin_opens:%H:%M}") == (
            "branch_assembly", "2026-12-05 09:30", "09:00")


async def test_roll_assisted_leave_remote(make_app, hall, staff_accounts):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_events(pilot, staff_accounts)
        await pilot.click("#roll")
        await settle(pilot)
        assert isinstance(app.screen, EventRollScreen)
        text = shown(app)
        assert "应到 3" in text and "实到 2" in text and "缺席 2" in text
        choose(app, str(hall.member("M002").id))
        await pilot.click("#assisted")
        await settle(pilot)
        choose(app, str(hall.member("M003").id))
        await pilot.click("#leave")
        await settle(pilot)
        assert "原因" in screen_text(app)  # leave needs its reason
        app.screen.query_one("#reason", Input).value = "外出务工"
        await pilot.click("#leave")
        await settle(pilot)
        assert "缺席 0" in shown(app) and "请假 1" in shown(app)
        rows = {r.member.number: r for r in Attendance.select()}
        assert rows["M002"].kind == "assisted" and rows["M002"].assisted_by.number == "8002"
        assert (rows["M003"].kind, rows["M003"].reason) == ("leave", "外出务工")
        await pilot.click("#list-attended")
        await settle(pilot)
        assert "代签到（李秀英）" in shown(app)


async def test_minutes_and_ending_a_meeting(make_app, hall, staff_accounts):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_events(pilot, staff_accounts)
        await pilot.click("#minutes")
        await settle(pilot)
        app.screen.query_one(TextArea).text = "学习了党章第一章。"
        await pilot.click("#save")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click("#close")
        await settle(pilot)
        event = Event.get_by_id(hall.event.id)
        assert (event.minutes, event.status) == ("学习了党章第一章。", "closed")
        assert "已结束" in shown(app)


def test_events_snapshot(make_app, hall, staff_accounts, snap_compare):
    assert snap_compare(make_app(), terminal_size=(100, 30),
                        run_before=lambda pilot: open_events(pilot, staff_accounts))


def test_roll_snapshot(make_app, hall, staff_accounts, snap_compare):
    async def roll(pilot):
        await open_events(pilot, staff_accounts)
        await pilot.click("#roll")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=roll)


def test_event_form_snapshot(make_app, hall, staff_accounts, snap_compare):
    async def form(pilot):
        await open_events(pilot, staff_accounts)
        await pilot.click("#new")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=form)
