"""Staff publishing notices through Pilot: writing, previewing, drafts, the privacy check
(confirm, mask or go back), edits that become versions, retraction with a reason, and import
from a folder with its report of skipped files. (UI only, so SQLite only.)"""

from __future__ import annotations

import json

import pytest
from notice_board import HEALTH, fill_board, fixed_clock
from pilot_helpers import log_in, message, screen_text, settle
from textual.widgets import Button, DataTable, Input, Select, TextArea

from kiosk.db.models import AuditEntry, Notice
from kiosk.screens.staff.notice_editor import NoticeEditorScreen
from kiosk.screens.staff.notice_import import NoticeImportScreen
from kiosk.screens.staff.notice_privacy import PrivacyCheckScreen
from kiosk.screens.staff.notices import StaffNoticesScreen
from kiosk.services import notices

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def board(staff_accounts, monkeypatch):
    return fill_board(fixed_clock(monkeypatch, notices.now()))


async def open_notices(pilot, staff_accounts) -> None:
    _admin, clerk = staff_accounts
    await log_in(pilot, clerk[0], clerk[3])
    await pilot.click("#area-notices")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StaffNoticesScreen)


async def open_editor(pilot, notice_id: str | None = None) -> NoticeEditorScreen:
    if notice_id is not None:
        table = pilot.app.screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(notice_id))
    await pilot.click("#edit" if notice_id else "#new")
    await settle(pilot)
    assert isinstance(pilot.app.screen, NoticeEditorScreen)
    return pilot.app.screen


def fill_in(editor, title: str, category: str | None, body: str, **fields: str) -> None:
    editor.query_one("#notice-title", Input).value = title
    if category:
        editor.query_one("#notice-category", Select).value = category
    editor.query_one(TextArea).text = body
    for field, value in fields.items():
        editor.query_one(f"#{field}", Input).value = value


async def test_writing_previewing_and_publishing_a_notice(make_app, staff_accounts):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notices(pilot, staff_accounts)
        editor = await open_editor(pilot)
        fill_in(editor, "冬季防火通知", "village", "# 注意防火\n\n- 不要在山上**烧荒**",
                **{"valid-until": "2027-3-31"})
        await pilot.click("#show-preview")
        await settle(pilot)
        assert "注意防火" in editor.query_one("#notice-preview").source
        await pilot.click("#publish")
        await settle(pilot)
        assert isinstance(app.screen, StaffNoticesScreen)
        assert "已发布第 1 号通知" in message(app)
        notice = Notice.get(Notice.title == "冬季防火通知")
        assert (notice.status, notice.category, str(notice.valid_until)) == (
            "published", "village", "2027-03-31")
        assert AuditEntry.select().where(AuditEntry.action == "notice.publish").count() == 1


BAD_INPUT = [  # title, category, body, dates, what the message says
    ("", "village", "正文", {}, "标题不能为空"),
    ("标题", "village", "  ", {}, "正文不能为空"),
    ("标题", None, "正文", {}, "请选择通知的类别"),
    ("标题", "village", "字" * 1_000_000, {}, "正文太长"),
    ("标题", "village", "正文", {"valid-from": "明天"}, "看不懂"),
    ("标题", "village", "正文", {"valid-from": "2026-12-31", "valid-until": "2026-12-01"},
     "结束日期不能早于开始日期"),
]


async def test_bad_input_gets_a_plain_message_and_nothing_is_written(make_app, staff_accounts):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notices(pilot, staff_accounts)
        editor = await open_editor(pilot)
        for title, category, body, dates, expected in BAD_INPUT:
            editor.query_one("#notice-category", Select).clear()
            fill_in(editor, title, category, body,
                    **{"valid-from": "", "valid-until": "", **dates})
            for button in ("#save-draft", "#publish"):
                app.screen.query_one("#message").clear()
                await pilot.click(button)
                await settle(pilot, 0.05)
                assert app.screen is editor and expected in message(app)
        assert Notice.select().count() == 0


async def test_a_draft_is_kept_out_of_sight_until_published(make_app, staff_accounts):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notices(pilot, staff_accounts)
        editor = await open_editor(pilot)
        fill_in(editor, "慰问活动安排", "activity", "名单正在核实。")
        await pilot.click("#save-draft")
        await settle(pilot)
        assert "草稿已保存" in message(app)
        [draft] = Notice.select()
        assert draft.status == "draft" and notices.board("all", draft.created.date()).total == 0
        editor.query_one(TextArea).text = "名单已确定。"
        await pilot.click("#publish")
        await settle(pilot)
        notice = Notice.get()
        assert (notice.status, notice.version, notice.body) == ("published", 1, "名单已确定。\n")


@pytest.mark.parametrize("choice", ["confirm", "mask", "back"])
async def test_the_privacy_check_before_publishing(make_app, staff_accounts, choice):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notices(pilot, staff_accounts)
        editor = await open_editor(pilot)
        fill_in(editor, "体检通知", "activity", HEALTH)
        await pilot.click("#publish")
        await settle(pilot)
        assert isinstance(app.screen, PrivacyCheckScreen)
        assert "手机号：13900007788　打码后：139****7788" in screen_text(app)
        assert app.focused is None or not isinstance(app.focused, Button)  # nothing chosen for them
        if choice == "back":
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is editor and Notice.select().count() == 0
            return
        await pilot.click(f"#privacy-{choice}")
        await settle(pilot)
        assert isinstance(app.screen, StaffNoticesScreen)
        notice = Notice.get()
        if choice == "confirm":
            assert "13900007788" in notice.body
            entry = AuditEntry.get(AuditEntry.action == "notice.publish")
            assert json.loads(entry.details)["confirmed_public"] == ["phone"]
        else:
            assert "139****7788" in notice.body and "13900007788" not in notice.body


async def test_an_edit_needs_a_reason_and_becomes_a_version(make_app, staff_accounts, board):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notices(pilot, staff_accounts)
        editor = await open_editor(pilot, board["insurance"])
        assert "第 1 版" in screen_text(app) and editor.query_one("#change-note").display
        assert not editor.query_one("#save-draft").display  # published: no way back to a draft
        editor.query_one(TextArea).text += "\n外出务工人员可由家人代缴。"
        await pilot.click("#publish")
        await settle(pilot)
        assert "修改原因" in message(app) and notices.get(board["insurance"]).version == 1
        editor.query_one("#change-note", Input).value = "补充代缴办法"
        await pilot.click("#publish")
        await settle(pilot)
        assert "已发布第 2 版" in message(app)
        newer, _older = notices.versions(board["insurance"])
        assert newer.note == "补充代缴办法" and "代缴" in newer.body


async def test_retracting_needs_a_reason(make_app, staff_accounts, board):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notices(pilot, staff_accounts)
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(board["insurance"]))
        await pilot.click("#retract")
        await settle(pilot)
        assert "必须写明原因" in message(app)
        app.screen.query_one("#retract-reason", Input).value = "缴费标准有变"
        await pilot.click("#retract")
        await settle(pilot)
        assert "已撤回" in message(app) and app.screen.query_one("#retract-reason", Input).value == ""
        notice = notices.get(board["insurance"])
        assert notice.status == "retracted" and notice.retract_reason == "缴费标准有变"
        assert notices.state(notice, notice.retracted.date()) == "retracted"
        editor = await open_editor(pilot, board["insurance"])
        assert editor.query_one("#publish", Button).disabled and "不能再修改" in message(app)


async def test_importing_a_folder_with_a_report_of_what_was_skipped(make_app, staff_accounts,
                                                                    tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "防火.md").write_text("# 冬季防火通知\n\n天干物燥，注意防火。", encoding="utf-8")
    (usb / "停水.txt").write_bytes("明天上午停水，请提前储水。".encode("gbk"))
    (usb / "照片.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (usb / "空.txt").write_bytes(b"")
    (usb / "太长.md").write_text("长" * 1_000_000, encoding="utf-8")
    (usb / "会议.docx").write_bytes(b"PK\x03\x04")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notices(pilot, staff_accounts)
        await pilot.click("#import")
        await settle(pilot)
        assert isinstance(app.screen, NoticeImportScreen)
        app.screen.query_one("#import-folder", Input).value = str(usb)
        app.screen.query_one("#import-category", Select).value = "village"
        await pilot.click("#import-read")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        results = {table.get_row_at(row)[0]: table.get_row_at(row)[3] for row in range(table.row_count)}
        assert results == {
            "会议.docx": "✗ 跳过：不是 .md 或 .txt 文件",
            "停水.txt": "✓ 导入为草稿",
            "太长.md": "✗ 跳过：文件太大（2929 KB），最多 78 KB",
            "照片.md": "✗ 跳过：不是文字文件（可能是图片、文档或程序）",
            "空.txt": "✗ 跳过：是空文件",
            "防火.md": "✓ 导入为草稿",
        }
        assert "可以导入 2 个，跳过 4 个" in screen_text(app)
        assert Notice.select().count() == 0  # nothing before staff say so
        await pilot.click("#import-go")
        await settle(pilot)
        assert isinstance(app.screen, StaffNoticesScreen) and "已导入 2 条通知草稿" in message(app)
        drafts = {n.title: n for n in Notice.select()}
        assert set(drafts) == {"冬季防火通知", "停水"}
        assert all(n.status == "draft" and n.category == "village" for n in drafts.values())
        assert drafts["停水"].body == "明天上午停水，请提前储水。\n"


@pytest.mark.parametrize("folder, expected", [("", "请先填写文件夹"), ("/no/such/folder", "找不到文件夹")])
async def test_importing_from_a_missing_folder(make_app, staff_accounts, folder, expected):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notices(pilot, staff_accounts)
        await pilot.click("#import")
        await settle(pilot)
        app.screen.query_one("#import-folder", Input).value = folder
        await pilot.click("#import-read")
        await settle(pilot)
        assert expected in message(app)
        assert app.screen.query_one("#import-go", Button).disabled
