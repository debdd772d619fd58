"""Requests through Pilot: a resident submits, staff handle it, the resident judges it by
scanning the ticket, 不满意 reopens it; lookups by number; bad input; help to fill in."""

from __future__ import annotations

import datetime as dt

import pytest
from pilot_helpers import log_in, message, scan, screen_text, settle, wait_until
from textual.widgets import DataTable, Input, Select

from kiosk.db.models import HelpCall, Request
from kiosk.scan import TicketPayload
from kiosk.screens.receipt import ReceiptScreen
from kiosk.screens.request_status import RequestStatusScreen
from kiosk.screens.staff.requests import StaffRequestsScreen
from kiosk.services import requests
from kiosk.services.staff import StaffSession

# The whole loop runs on both databases; the other walks on SQLite only (their services are
# tested on both in test_requests.py).
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


async def _go_home(pilot) -> None:
    pilot.app.go_home("back")
    await settle(pilot)


async def test_whole_loop(make_app, staff_accounts):
    _admin, clerk = staff_accounts
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.click("#category-utilities")
        await settle(pilot)
        await pilot.click("#phrase-0")
        app.screen.query_one("#request-phone", Input).value = "13800138000"
        await pilot.click("#submit")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        request = Request.get()
        assert "回执号" in screen_text(app) and request.ticket in screen_text(app)
        assert (request.text, request.phone) == ("路灯不亮", "13800138000")
        proof = TicketPayload(request.ticket, request.secret).text
        await _go_home(pilot)

        await log_in(pilot, clerk[0], clerk[3])
        await pilot.click("#area-requests")
        await settle(pilot)
        assert isinstance(app.screen, StaffRequestsScreen)
        await pilot.click("#assign")
        await settle(pilot)
        app.screen.query_one("#reply-text", Input).value = "已联系电工，明天修好"
        await pilot.click("#reply")
        await settle(pilot)
        await pilot.click("#close")
        await settle(pilot)
        assert Request.get().status == "closed"
        await _go_home(pilot)

        scan(app, proof)
        await wait_until(pilot, lambda: isinstance(app.screen, RequestStatusScreen))
        await settle(pilot)  # shown is not yet composed
        assert "已办结" in screen_text(app) and "已联系电工，明天修好" in screen_text(app)
        app.screen.query_one("#verdict-comment", Input).value = "还是不亮"
        await pilot.click("#verdict-unsatisfied")
        await wait_until(pilot, lambda: "重新交给工作人员" in message(app))
        assert "处理中" in screen_text(app) and "已重新办理 1 次" in screen_text(app)
        request = Request.get()
        assert (request.status, request.verdict, request.verdict_comment, request.reopened) == \
            ("in_progress", "unsatisfied", "还是不亮", 1)


@sqlite_only
async def test_bad_input_says_what_to_do(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.click("#category-other")
        await settle(pilot)
        await pilot.click("#submit")
        await wait_until(pilot, lambda: "要办的事" in message(app))
        await settle(pilot)  # a tap while the button still shows the last one is ignored
        app.screen.query_one("#request-text", Input).value = "路灯坏了🙂"
        await pilot.click("#submit")
        await wait_until(pilot, lambda: "表情" in message(app))
        await settle(pilot)
        app.screen.query_one("#request-text", Input).value = "路灯坏了"
        app.screen.query_one("#request-phone", Input).value = "12345"
        await pilot.click("#submit")
        await wait_until(pilot, lambda: "电话号码" in message(app))
        assert Request.select().count() == 0


@sqlite_only
async def test_lookup_by_number_and_last_digits(make_app):
    view = requests.submit("policy", "低保怎么申请", phone="13800138000")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.click("#open-status")
        await settle(pilot)
        for digit in view.ticket.removeprefix("Q"):
            await pilot.click(f"#key-{digit}")
        app.screen.query_one("#lookup-digits", Input).focus()
        for attempt in range(5):
            for digit in "1234":
                await pilot.click(f"#key-{digit}")
            await pilot.click("#key-enter")
            expected = "分钟后再试" if attempt == 4 else "不对"
            await wait_until(pilot, lambda expected=expected: expected in message(app))
        await pilot.click("#back")
        await settle(pilot)
        await pilot.click("#open-status")
        await settle(pilot)
        app.screen.query_one("#lookup-ticket", Input).value = view.ticket.removeprefix("Q")
        app.screen.query_one("#lookup-digits", Input).value = "8000"
        await pilot.click("#key-enter")
        await wait_until(pilot, lambda: "暂时不能查询" in message(app))


@sqlite_only
async def test_forged_ticket_qr_is_refused_anywhere(make_app):
    view = requests.submit("policy", "低保怎么申请")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        scan(app, view.proof[:-4] + "AAAA")
        await wait_until(pilot, lambda: "查不到这张回执" in message(app))
        assert app.current_mode == "home"


@sqlite_only
async def test_help_to_fill_in_alerts_staff(make_app, staff_accounts):
    admin, _clerk = staff_accounts
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.click("#category-certificate")
        await settle(pilot)
        await pilot.click("#ask-help")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        await wait_until(pilot, lambda: "马上有人来帮您填写" in message(app))
        assert Request.get().needs_help
        await _go_home(pilot)

        await log_in(pilot, admin[0], admin[3])
        await wait_until(pilot, lambda: "在「办事诉求」页面呼叫" in screen_text(app))
        await pilot.click(".ack")
        await settle(pilot)
        call = HelpCall.get()
        assert call.acknowledged is not None and call.acknowledged_by.number == admin[0]


@sqlite_only
async def test_staff_queue_marks_overdue_and_reopens(make_app, staff_accounts):
    admin, clerk = staff_accounts
    session = StaffSession(clerk[0], clerk[1], clerk[2])
    late = requests.submit("sanitation", "垃圾没人收")
    done = requests.submit("utilities", "路灯不亮")
    done_id = Request.get(Request.ticket == done.ticket).id
    requests.reply(session, done_id, "已修好")
    requests.close(session, done_id)
    Request.update(created=dt.datetime(2026, 11, 1, 9)).where(Request.ticket == late.ticket).execute()
    app = make_app(request_overdue_days=7)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, clerk[0], clerk[3])
        await pilot.click("#area-requests")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1 and "超期" in str(table.get_row_at(0)[0])
        app.screen.query_one("#assignee", Select).value = admin[0]
        await settle(pilot)
        assert Request.get(Request.ticket == late.ticket).assigned_to.number == admin[0]
        assert admin[1] in str(table.get_row_at(0)[4])
        await pilot.click("#toggle-closed")
        await settle(pilot)
        assert str(table.get_row_at(0)[0]) == done.ticket
        await pilot.click("#reopen")
        await settle(pilot)
        assert Request.get(Request.id == done_id).status == "in_progress"
        assert table.row_count == 0
