"""Going home keeps the notice board's screen and makes it as new, rather than throwing it
away (opening it again is then faster): it must show what a new screen would, for that day.
(UI only, so SQLite only.)"""

from __future__ import annotations

import datetime as dt

import pytest
from notice_board import CLERK, at, fill_board, fixed_clock
from pilot_helpers import settle

from kiosk.screens.home import HomeScreen
from kiosk.screens.notices import NoticesScreen
from kiosk.services import notices
from kiosk.services.notices import NoticeFields

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def rows(app) -> list[str]:
    return [str(button.label).split("\n")[0] for button in app.screen.query(".notice-row")]


async def open_board(pilot) -> NoticesScreen:
    await pilot.press("1")
    await settle(pilot)
    assert isinstance(pilot.app.screen, NoticesScreen)
    return pilot.app.screen


async def test_the_board_opens_again_as_new_with_what_was_published_meanwhile(
        make_app, db, monkeypatch):
    clock = fixed_clock(monkeypatch, notices.now())
    fill_board(clock)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        board = await open_board(pilot)
        await pilot.click("#tab-archive")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)

        clock.at = at(26)
        notices.publish(CLERK, NoticeFields("村委会换届选举公告", "party", "下月选举。"))
        app.wall_clock = lambda: dt.datetime(2026, 12, 21, 9, 0)  # the next visit is weeks later
        assert await open_board(pilot) is board
        assert [tab.id for tab in board.query(".tab.-current")] == ["tab-all"]
        assert board.focused is None
        # the first page: the new one first after the pinned one; the activists' notice ran
        # out on 20 December and the New Year's one started then
        assert rows(app) == [" 置顶  十月份村级财务收支公开", "村委会换届选举公告", "元旦文艺汇演通知",
                             "65 岁以上老人免费健康体检通知"]


async def test_a_board_left_with_a_notice_open_is_made_anew(make_app, db, monkeypatch):
    fill_board(fixed_clock(monkeypatch, notices.now()))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        board = await open_board(pilot)
        await pilot.click(".notice-row")
        await settle(pilot)
        app.go_home("idle")  # as the idle timeout does, with the reader showing
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        again = await open_board(pilot)
        assert again is not board and len(app.screen_stack) == 1
        assert rows(app)[0] == " 置顶  十月份村级财务收支公开"
