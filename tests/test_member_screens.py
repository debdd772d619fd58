"""Staff screens for the member registry (Pilot, SQLite): search by pinyin initials, add a
member, stage and flow, issuing a card, dues with their receipt; and how they look."""

from __future__ import annotations

import pytest
import signin_hall
from pilot_helpers import log_in, screen_text, settle
from textual.widgets import Button, DataTable, Input, Select

from kiosk.db.models import Card, Dues, Member
from kiosk.screens.receipt import ReceiptScreen
from kiosk.screens.staff.member_detail import MemberDetailScreen
from kiosk.screens.staff.member_dues import MemberDuesScreen
from kiosk.screens.staff.members import MembersScreen

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def hall(db, config, staff_accounts):
    return signin_hall.build(config.keys_dir)


async def open_members(pilot, staff_accounts) -> None:
    _admin, clerk = staff_accounts
    await log_in(pilot, clerk[0], clerk[3])
    await pilot.click("#area-members")
    await settle(pilot)


def numbers_shown(app) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [table.get_row_at(row)[0] for row in range(table.row_count)]


async def choose_and_open(pilot, number: str, button: str) -> None:
    table = pilot.app.screen.query_one(DataTable)
    table.move_cursor(row=numbers_shown(pilot.app).index(number))
    await pilot.click(button)
    await settle(pilot)


async def test_search_by_pinyin_initials_and_add_a_member(make_app, hall, staff_accounts):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_members(pilot, staff_accounts)
        assert isinstance(app.screen, MembersScreen) and len(numbers_shown(app)) == 7
        await pilot.press("z", "s")
        await settle(pilot)
        assert numbers_shown(app) == ["M001"]
        await pilot.click("#new")
        await settle(pilot)
        form = app.screen
        form.query_one("#number", Input).value = "M100"
        form.query_one("#name", Input).value = "陈小红"
        form.query_one("#sex", Select).value = "F"
        form.query_one("#since", Input).value = "2024-07-01"
        await pilot.click("#save")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
        member = Member.get(Member.number == "M100")
        assert (member.name_initials, member.sex, member.stage) == ("cxh", "F", "full")
        app.screen.query_one("#search", Input).value = "cx"
        await settle(pilot)
        assert numbers_shown(app) == ["M100"]


async def test_stage_flow_and_card(make_app, hall, staff_accounts):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_members(pilot, staff_accounts)
        await choose_and_open(pilot, "M002", "#detail")
        assert isinstance(app.screen, MemberDetailScreen)
        app.screen.query_one("#to-stage", Select).value = "full"
        app.screen.query_one("#stage-on", Input).value = "2026-07-01"
        await pilot.click("#stage")
        await settle(pilot)
        assert Member.get(Member.number == "M002").stage == "full"
        assert "2026-07-01  正式党员" in screen_text(app)
        app.screen.query_one("TabbedContent").active = "tab-flow"
        await settle(pilot)
        app.screen.query_one("#place", Input).value = "浙江省杭州市"
        app.screen.query_one("#flow", Button).press()  # on a tab just switched to
        await settle(pilot)
        assert Member.get(Member.number == "M002").status == "flowed_out"
        app.screen.query_one("TabbedContent").active = "tab-card"
        await settle(pilot)
        app.screen.query_one("#issue-card", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, ReceiptScreen) and "党员卡" in screen_text(app)
        cards = list(Card.select().where(Card.member == hall.member("M002")).order_by(Card.serial))
        assert [(c.serial, c.revoked is None) for c in cards] == [(1, False), (2, True)]


async def test_dues_payment_prints_a_receipt(make_app, hall, staff_accounts):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_members(pilot, staff_accounts)
        await choose_and_open(pilot, "M001", "#dues")
        assert isinstance(app.screen, MemberDuesScreen)
        app.screen.query_one("#first-month", Input).value = "2026-01"
        app.screen.query_one("#months", Input).value = "12"
        app.screen.query_one("#amount", Input).value = "24"
        await pilot.click("#pay")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptScreen) and "党费收据" in screen_text(app)
        assert "贰拾肆元整" in screen_text(app)
        paid = Dues.get()
        assert (paid.months, paid.received_by.number) == (12, "8002")


def test_members_snapshot(make_app, hall, staff_accounts, snap_compare):
    assert snap_compare(make_app(), terminal_size=(100, 30),
                        run_before=lambda pilot: open_members(pilot, staff_accounts))


def test_member_history_snapshot(make_app, hall, staff_accounts, snap_compare):
    async def open_one(pilot):
        await open_members(pilot, staff_accounts)
        await choose_and_open(pilot, "M003", "#detail")

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=open_one)
