"""The notice board as a resident uses it, through Pilot: browsing tabs and pages, reading,
the history, searching, taking a notice away by QR code, printing and reading aloud.
(UI only, so SQLite only; the services run on both databases in test_notices.py.)"""

from __future__ import annotations

import sys

import pytest
from notice_board import CLERK, fill_board, fixed_clock
from pilot_helpers import message, screen_text, settle
from textual.widgets import Button, Input, Markdown

from kiosk.db.models import PrintJob
from kiosk.screens.notice_history import NoticeHistoryScreen
from kiosk.screens.notice_reader import NoticeReaderScreen
from kiosk.screens.notice_search import NoticeSearchScreen
from kiosk.screens.notice_take_away import TakeAwayScreen
from kiosk.screens.notices import NoticesScreen
from kiosk.screens.receipt import ReceiptScreen
from kiosk.services import notices, speech
from kiosk.services.notice_text import plain_text, take_away_text
from kiosk.services.notices import NoticeFields
from kiosk.widgets.notice_list import NoticeList

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def board(db, monkeypatch):
    return fill_board(fixed_clock(monkeypatch, notices.now()))


def rows(app) -> list[str]:
    """The first line (the title) of each row."""
    return [line.split("\n")[0] for line in row_texts(app)]


def row_texts(app) -> list[str]:
    return [str(button.label) for button in app.screen.query(".notice-row")]


def number(board, name: str) -> int:
    return notices.get(board[name]).number


async def open_board(pilot) -> None:
    await pilot.press("1")
    await settle(pilot)
    assert isinstance(pilot.app.screen, NoticesScreen)


async def open_notice(pilot, board, name: str, tab: str = "all") -> None:
    await open_board(pilot)
    await pilot.click(f"#tab-{tab}")
    await settle(pilot)
    await pilot.click(f"#notice-{number(board, name)}")
    await settle(pilot)
    assert isinstance(pilot.app.screen, NoticeReaderScreen)


async def test_browsing_tabs_pinned_first_then_newest(make_app, board):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_board(pilot)
        assert rows(app) == [" 置顶  十月份村级财务收支公开", "65 岁以上老人免费健康体检通知",
                             "关于确定入党积极分子的公示", "新一年度城乡居民医保开始缴费了"]
        await pilot.click("#tab-village")
        await settle(pilot)
        assert rows(app) == ["二组村道硬化工程资金使用情况公开"]
        assert app.screen.query_one("#tab-village").has_class("-current")
        await pilot.click("#tab-archive")
        await settle(pilot)
        assert rows(app) == ["农村低保对象民主评议结果公示", "上季度村级财务收支公开"]
        retracted, expired = row_texts(app)
        assert "✗ 已于2026年11月10日撤回。撤回原因：公示户数统计有误" in retracted
        assert "ℹ 已过期（有效期到2026年10月1日为止）" in expired


async def test_paging_with_big_buttons_and_keys(make_app, board):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:  # the smallest screen: two rows a page
        await open_board(pilot)
        previous, following = app.screen.query_one("#page-previous"), app.screen.query_one("#page-next")
        assert len(rows(app)) == 2 and previous.disabled and not following.disabled
        assert "第 1/3 页，共 5 条" in screen_text(app)
        first = rows(app)
        await pilot.click("#page-next")
        await settle(pilot)
        assert rows(app) != first and not previous.disabled
        await pilot.click("#page-next")
        await settle(pilot)
        assert rows(app) == ["二组村道硬化工程资金使用情况公开"] and following.disabled
        await pilot.press("pageup", "pageup")
        await settle(pilot)
        assert rows(app) == first


async def test_a_resized_screen_keeps_the_page_full(make_app, board):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot)
        assert len(rows(app)) == 2
        await pilot.resize_terminal(100, 40)
        await settle(pilot)
        assert len(rows(app)) == 5


async def test_an_empty_tab_says_so(make_app, db):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_board(pilot)
        assert "这一栏目前没有通知" in screen_text(app)


async def test_reading_a_notice(make_app, board):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notice(pilot, board, "health", "activity")
        text = screen_text(app)
        assert "65 岁以上老人免费健康体检通知" in text
        assert "活动通知 · 2026年11月22日发布" in text
        assert app.screen.query_one(Markdown).source.startswith("镇卫生院下周二")
        assert not app.screen.query_one("#reader-state").display
        assert not app.screen.query_one("#notice-print", Button).disabled
        await pilot.click("#scroll-down")
        await pilot.click("#scroll-up")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, NoticesScreen)


async def test_a_retracted_notice_says_why_and_is_not_handed_out(make_app, board):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notice(pilot, board, "retracted", "archive")
        assert "撤回原因：公示户数统计有误" in screen_text(app)
        assert app.screen.query_one("#notice-print", Button).disabled
        assert app.screen.query_one("#notice-take-away", Button).disabled
        assert not app.screen.query_one("#notice-history", Button).disabled


async def test_odd_markdown_and_a_long_notice_read_without_trouble(make_app, board, monkeypatch):
    odd = ("# " * 30 + "\n" + "> " * 200 + "引用\n\n" + "- " * 100 + "列表\n\n<script>x</script>\n"
           "```\n没有闭合的代码块\n" + "|a|b|\n|-|-|\n" + "|1|2|\n" * 200 + "长" * 15_000)
    notice = notices.publish(CLERK, NoticeFields("格式奇怪的通知", "village", odd))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notice(pilot, board | {"odd": str(notice.id)}, "odd", "village")
        assert "格式奇怪的通知" in screen_text(app)
        await pilot.click("#scroll-down")
        await settle(pilot)


async def test_the_history_shows_what_changed_when_and_by_whom(make_app, board):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notice(pilot, board, "road", "village")
        assert "修改过 1 次" in screen_text(app)
        await pilot.click("#notice-history")
        await settle(pilot)
        assert isinstance(app.screen, NoticeHistoryScreen)
        text = screen_text(app)
        assert "这条通知发布后修改过 1 次" in text
        assert "第 2 版 · 2026年11月6日 15:00 · 工作人员修改" in text
        assert "更正机械租赁费金额（原数字录入有误）" in text
        assert "改前" in text and "12,600.00" in text and "改后" in text and "13,200.00" in text
        assert "新增" in text and "更正说明" in text
        assert "第 1 版 · 2026年11月2日 09:00 · 工作人员发布" in text


async def test_the_history_of_a_retracted_notice_shows_the_retraction(make_app, board):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notice(pilot, board, "retracted", "archive")
        await pilot.click("#notice-history")
        await settle(pilot)
        assert "✗ 2026年11月10日 10:00 · 管理员撤回。撤回原因" in screen_text(app)


async def test_searching_by_a_common_word_marks_the_matches(make_app, board):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_board(pilot)
        await pilot.click("#open-search")
        await settle(pilot)
        assert isinstance(app.screen, NoticeSearchScreen)
        assert not app.screen.query_one(NoticeList).display
        await pilot.click("#keyword-0")  # 医保
        await settle(pilot)
        assert rows(app) == ["65 岁以上老人免费健康体检通知", "新一年度城乡居民医保开始缴费了"]
        label = app.screen.query_one(".notice-row", Button).label
        marked = [label.plain[span.start:span.end] for span in label.spans if "reverse" in str(span.style)]
        assert marked and set(marked) == {"医保"}
        await pilot.click(".notice-row")
        await settle(pilot)
        assert isinstance(app.screen, NoticeReaderScreen)


async def test_searching_by_typing(make_app, board):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_board(pilot)
        await pilot.click("#open-search")
        await settle(pilot)
        await pilot.click("#search-input")
        for key in "村道":
            await pilot.press(key)
            await pilot.pause(0.06)  # a person's pace, not a scanner's
        await pilot.press("enter")
        await settle(pilot)
        assert rows(app) == ["二组村道硬化工程资金使用情况公开"]


@pytest.mark.parametrize("typed, expected", [
    ("%_\\'\"*", "没有找到含有"), ("   ", "请输入或选择要找的字词"), ("长" * 2000, "太长"),
])
async def test_odd_searches_get_a_plain_answer(make_app, board, typed, expected):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_board(pilot)
        await pilot.click("#open-search")
        await settle(pilot)
        app.screen.query_one(Input).value = typed  # as if pasted
        await pilot.click("#search-go")
        await settle(pilot)
        assert expected in screen_text(app) + message(app)


def scanned_qr(app) -> str:
    """Scan the code on the take-away screen: its half-block characters drawn as a picture
    (each character two modules, up and down; dark modules are the blank ones), read by
    zxing-cpp."""
    import zxingcpp
    from PIL import Image

    blocks = {"█": (0, 0), "▄": (1, 0), "▀": (0, 1), " ": (1, 1)}  # (top, bottom) dark
    lines = str(app.screen.query_one("#take-away-qr").render()).splitlines()
    modules = [[blocks[c][half] for c in line] for line in lines for half in (0, 1)]
    image = Image.new("L", (len(modules[0]), len(modules)))
    image.putdata([0 if dark else 255 for row in modules for dark in row])
    [found] = zxingcpp.read_barcodes(image.resize((image.width * 4, image.height * 4)))
    return found.text


async def test_take_it_away_by_qr_code(make_app, board):
    insurance = notices.get(board["insurance"])
    whole = f"【第 {insurance.number} 号通知】{insurance.title}\n\n{plain_text(insurance.body)}"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_notice(pilot, board, "insurance", "policy")
        await pilot.click("#notice-take-away")
        await settle(pilot)
        assert isinstance(app.screen, TakeAwayScreen)
        assert "二维码里是这条通知的全文" in screen_text(app)
        assert scanned_qr(app) == whole
        await pilot.resize_terminal(80, 24)  # smaller: the code shrinks, the text is cut
        await settle(pilot)
        assert "开头部分和通知编号" in screen_text(app)
        text = scanned_qr(app)
        assert text == take_away_text(insurance.number, insurance.title, insurance.body,
                                      app.screen.version)[0]
        opening, tail = text.split("……")
        assert opening and whole.startswith(opening)
        assert tail == f"（全文见第 {insurance.number} 号通知）"


async def test_printing_a_copy(make_app, board):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notice(pilot, board, "road", "village")
        await pilot.click("#notice-print")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptScreen)
        text = screen_text(app)
        assert "二组村道硬化工程资金使用情况公开" in text and "13,200.00" in text
        [job] = PrintJob.select()
        assert job.kind == "notice"


async def test_reading_aloud_starts_and_stops(make_app, board, monkeypatch):
    monkeypatch.setattr(speech, "available", lambda: True)
    monkeypatch.setattr(speech, "command", lambda: [
        sys.executable, "-c", "import sys, time; sys.stdin.read(); time.sleep(30)"])
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notice(pilot, board, "insurance", "policy")
        button = app.screen.query_one("#notice-read-aloud", Button)
        await pilot.click("#notice-read-aloud")
        await pilot.pause(0.2)
        assert "停止朗读" in str(button.label) and "正在朗读" in message(app)
        await pilot.click("#notice-read-aloud")
        await settle(pilot)
        assert str(button.label) == "朗读" and "已停止朗读" in message(app)


async def test_reading_aloud_is_not_offered_without_espeak_ng(make_app, board, monkeypatch):
    monkeypatch.setattr(speech, "available", lambda: False)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notice(pilot, board, "insurance", "policy")
        assert not app.screen.query("#notice-read-aloud")


async def test_going_home_stops_reading_and_forgets_the_notice(make_app, board, monkeypatch):
    monkeypatch.setattr(speech, "available", lambda: True)
    monkeypatch.setattr(speech, "command", lambda: [
        sys.executable, "-c", "import sys, time; sys.stdin.read(); time.sleep(30)"])
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notice(pilot, board, "insurance", "policy")
        await pilot.click("#notice-read-aloud")
        await pilot.pause(0.2)
        reading = app.screen.reading
        app.check_inactivity(app.last_input + 10_000)
        await settle(pilot)
        assert reading._process.poll() is not None  # stopped
        await open_board(pilot)
        assert len(app.screen_stack) == 1
