"""How the notice screens look at 100x30 (and the smallest supported size), on a board with
fixed dates. Update after a deliberate change with
`pytest tests/test_notice_snapshots.py --snapshot-update`, then look at the SVGs."""

from __future__ import annotations

import pytest
from notice_board import HEALTH, fill_board, fixed_clock
from pilot_helpers import log_in, settle
from textual.widgets import Input, Select, TextArea

from kiosk.services import notices, speech

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def board(staff_accounts, monkeypatch):
    monkeypatch.setattr(speech, "available", lambda: True)  # the same buttons on every machine
    return fill_board(fixed_clock(monkeypatch, notices.now()))


def clicks(*selectors: str):
    async def run(pilot):
        await pilot.press("1")
        await settle(pilot)
        for selector in selectors:
            await pilot.click(selector)
            await settle(pilot)

    return run


def number(board, name: str) -> str:
    return f"#notice-{notices.get(board[name]).number}"


def test_board(make_app, board, snap_compare):
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=clicks())


def test_board_at_80x24(make_app, board, snap_compare):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=clicks("#page-next"))


def test_archive(make_app, board, snap_compare):
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=clicks("#tab-archive"))


def test_reader(make_app, board, snap_compare):
    run = clicks("#tab-village", number(board, "road"))
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=run)


def test_retracted_reader(make_app, board, snap_compare):
    run = clicks("#tab-archive", number(board, "retracted"))
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=run)


def test_history(make_app, board, snap_compare):
    run = clicks("#tab-village", number(board, "road"), "#notice-history")
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=run)


def test_search(make_app, board, snap_compare):
    run = clicks("#open-search", "#keyword-0")
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=run)


def test_take_away(make_app, board, snap_compare):
    run = clicks("#tab-policy", number(board, "insurance"), "#notice-take-away")
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=run)


def test_privacy_check(make_app, board, staff_accounts, snap_compare):
    _admin, clerk = staff_accounts

    async def publish_with_a_phone_number(pilot):
        await log_in(pilot, clerk[0], clerk[3])
        await pilot.click("#area-notices")
        await settle(pilot)
        await pilot.click("#new")
        await settle(pilot)
        pilot.app.screen.query_one("#notice-title", Input).value = "65 岁以上老人免费健康体检通知"
        pilot.app.screen.query_one(Select).value = "activity"
        pilot.app.screen.query_one(TextArea).text = HEALTH
        await pilot.click("#publish")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=publish_with_a_phone_number)


def test_import_preview(make_app, staff_accounts, tmp_path, monkeypatch, snap_compare):
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "防火.md").write_text("# 冬季防火通知\n\n天干物燥，注意防火。", encoding="utf-8")
    (usb / "停水.txt").write_bytes("明天上午停水，请提前储水。".encode("gbk"))
    (usb / "照片.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (usb / "空.txt").write_bytes(b"")
    monkeypatch.chdir(tmp_path)  # so that the folder shows as "usb" on every machine
    _admin, clerk = staff_accounts

    async def read_the_folder(pilot):
        await log_in(pilot, clerk[0], clerk[3])
        await pilot.click("#area-notices")
        await settle(pilot)
        await pilot.click("#import")
        await settle(pilot)
        pilot.app.screen.query_one("#import-folder", Input).value = "usb"
        await pilot.click("#import-read")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=read_the_folder)
