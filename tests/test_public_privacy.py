"""Privacy on public screens, proven on the demo hall: a tour of every screen a person can
reach without a staff login finds no member's full name, no full phone number (of a member
or of a resident's request) and no ID number anywhere on screen; and what a member's scan
put on screen is gone after the idle timeout."""

from __future__ import annotations

import io
import re

import pytest
from pilot_helpers import scan, settle, wait_until
from rich.console import Console
from textual.widgets import Input, Static

from conftest import FIXED_TIME
from kiosk import labels
from kiosk.app import KioskApp
from kiosk.db.database import database
from kiosk.db.demo import build_demo
from kiosk.db.models import Member, Notice, Request
from kiosk.db.session import open_database
from kiosk.scan import TicketPayload
from kiosk.screens import signin_result
from kiosk.screens.home import HomeScreen
from kiosk.screens.notice_reader import NoticeReaderScreen
from kiosk.services import cards
from kiosk.services.privacy import mask_name

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

# 18-digit ID numbers: region, birth date, sequence, check character
ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{6}(?:19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9Xx]")
NEW_PHONE = "13700005555"  # typed into a request on the tour; in none of the demo data
SCREENS_ON_THE_TOUR = {
    "HomeScreen", "NoticesScreen", "NoticeReaderScreen", "NoticeHistoryScreen",
    "TakeAwayScreen", "NoticeSearchScreen", "SignInScreen", "SignInResultScreen",
    "MyRecordScreen", "ReceiptScreen", "RequestsScreen", "RequestFormScreen",
    "RequestLookupScreen", "RequestStatusScreen", "RequestStatsScreen", "StaffLoginScreen",
}


@pytest.fixture
def demo(config):
    """The demo hall, its people's personal data, and a member's card."""
    open_database(config.db_url, create=True)
    summary = build_demo(config.keys_dir, now=FIXED_TIME)
    members = list(Member.select())
    member = Member.get(Member.number == summary.member_number)
    card = cards.issue_member_card(None, member, config.keys_dir)
    personal = {
        "names": {m.name for m in members if len(m.name) > 1},
        "phones": {m.phone for m in members if m.phone}
        | {r.phone for r in Request.select() if r.phone},
    }
    yield member, card, personal
    database.close()


def on_screen(app) -> str:
    """What the screen shows (as a terminal would) plus the full text of every text widget
    and field, scrolled out of view or wrapped over lines or not."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True,
                      force_terminal=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True))
    texts = [str(w.render()) for w in app.screen.query(Static)]
    texts += [field.value for field in app.screen.query(Input)]
    return console.export_text() + "\n".join(texts)


def leaks(text: str, personal: dict) -> list[str]:
    found = [name for name in personal["names"] if name in text]
    found += [phone for phone in personal["phones"] if phone in text]
    return found + ID_NUMBER.findall(text)


class Tour:
    def __init__(self, pilot, personal):
        self.pilot, self.app, self.personal = pilot, pilot.app, personal
        self.seen: set[str] = set()

    async def look(self) -> str:
        """Check the screen now showing; returns its text."""
        await self.app.workers.wait_for_complete()
        await self.pilot.pause()
        text = on_screen(self.app)
        where = type(self.app.screen).__name__
        assert leaks(text, self.personal) == [], f"personal data on {where}:\n{text}"
        self.seen.add(where)
        return text

    async def click(self, selector: str) -> str:
        await self.pilot.click(selector)
        return await self.look()

    async def key(self, key: str) -> str:
        await self.pilot.press(key)
        return await self.look()

    async def back(self) -> None:
        await self.pilot.press("escape")

    async def scanned(self, text: str) -> str:
        scan(self.app, text)
        await settle(self.pilot)
        return await self.look()

    async def home(self) -> None:
        self.app.go_home("manual")
        await wait_until(self.pilot, lambda: isinstance(self.app.screen, HomeScreen))


async def tour_notices(tour: Tour) -> None:
    app = tour.app
    await tour.key("1")
    await tour.click("#tab-" + next(iter(labels.NOTICE_TABS)))
    await tour.click(".notice-row")  # the way a person opens one
    await tour.back()
    public = Notice.select().where(Notice.status != "draft").order_by(Notice.number)
    for notice in public:  # every body; the history where there is more than one version
        await app.push_screen(NoticeReaderScreen(str(notice.id)))
        await tour.look()
        if notice.version > 1 or notice.status == "retracted":
            await tour.click("#notice-history")
            await tour.back()
        if notice.number == public[-1].number:
            await tour.click("#notice-take-away")
            await tour.back()
        await tour.back()
    await tour.click("#open-search")
    await tour.click(".keyword")
    await tour.home()


async def tour_requests(tour: Tour) -> None:
    app = tour.app
    await tour.key("3")
    await tour.click("#request-categories .category")
    await tour.click("#phrase-0")
    app.screen.query_one("#request-phone", Input).value = NEW_PHONE
    await tour.pilot.click("#submit")
    tour.personal["phones"].add(NEW_PHONE)  # the person typed it; from now on it is theirs
    await wait_until(tour.pilot, lambda: type(app.screen).__name__ == "ReceiptScreen")
    await tour.look()
    ticket = Request.get(Request.phone == NEW_PHONE).ticket
    await tour.home()
    await tour.key("3")
    await tour.click("#open-stats")
    await tour.key("escape")
    await tour.click("#open-status")
    app.screen.query_one("#lookup-ticket", Input).value = ticket.removeprefix("Q")
    app.screen.query_one("#lookup-digits", Input).value = NEW_PHONE[-4:]
    await tour.pilot.click("#key-enter")
    await wait_until(tour.pilot, lambda: type(app.screen).__name__ == "RequestStatusScreen")
    await tour.look()
    await tour.home()
    for request in Request.select().where(Request.phone != "", Request.reply != ""):
        await tour.scanned(TicketPayload(request.ticket, request.secret).text)
        assert type(app.screen).__name__ == "RequestStatusScreen"
    await tour.home()


async def test_no_personal_data_on_any_public_screen(config, demo, monkeypatch):
    member, card, personal = demo
    monkeypatch.setattr(signin_result.SignInResultScreen, "_done", lambda self: None)
    app = KioskApp(config, wall_clock=lambda: FIXED_TIME)
    async with app.run_test(size=(120, 40)) as pilot:
        app.double_reads.window = 0  # the card is scanned twice within seconds
        tour = Tour(pilot, personal)
        await tour.look()
        await tour.key("5")  # call staff
        await tour_notices(tour)
        await tour_requests(tour)

        await tour.key("2")
        text = await tour.scanned(card)  # signs in to today's demo meeting
        assert "签到成功" in text and mask_name(member.name) in text
        await tour.home()

        await tour.key("4")
        text = await tour.scanned(card)  # 我的记录
        assert mask_name(member.name) in text and member.number in text
        await tour.pilot.click("#print-record")  # no printer: the slip is shown on screen
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ReceiptScreen")
        await tour.look()
        await tour.home()

        await tour.key("0")  # the staff login screen itself is public
        assert tour.seen >= SCREENS_ON_THE_TOUR, SCREENS_ON_THE_TOUR - tour.seen
    assert app.recovered_errors == []  # the kiosk went home after no error on the way


async def test_personal_data_is_gone_after_the_idle_timeout(config, demo):
    """A member's record, and a phone number half typed into a request, are forgotten when
    nobody touches the kiosk: the next person finds the areas as new."""
    member, card, _personal = demo
    app = KioskApp(config, wall_clock=lambda: FIXED_TIME)

    async def nobody_touches_it(pilot) -> None:
        app.check_inactivity(app.last_input + config.idle_seconds + 1)
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await settle(pilot)
        assert len(app.screen_stack) == 1

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        scan(app, card)
        await settle(pilot)
        masked = mask_name(member.name)
        assert masked in on_screen(app)
        await nobody_touches_it(pilot)
        await pilot.press("4")  # the next person opens 我的记录
        await settle(pilot)
        text = on_screen(app)
        assert "请把党员卡上的二维码对准扫码器" in text
        assert masked not in text and member.number not in text

        app.go_home("manual")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("3")
        await settle(pilot)
        await pilot.click("#request-categories .category")
        await settle(pilot)
        app.screen.query_one("#request-phone", Input).value = NEW_PHONE
        await nobody_touches_it(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.click("#request-categories .category")
        await settle(pilot)
        assert app.screen.query_one("#request-phone", Input).value == ""
        assert NEW_PHONE not in on_screen(app)
    assert app.recovered_errors == []
