"""Printing as people see it, through Pilot: the receipt on screen with what became of the
printing, a printer that is missing, down, hanging or misconfigured, and the staff printer
screen. (UI only, so SQLite only; the spool itself runs on both in test_spool.py.)"""

from __future__ import annotations

import time

import pytest
from fake_printer import FakePrinter, free_port
from pilot_helpers import log_in, screen_text, settle, wait_until
from receipt_samples import SAMPLES
from textual.widgets import DataTable

from kiosk.db.models import PrintJob
from kiosk.printing.escpos import PrintFormat, render
from kiosk.screens.home import HomeScreen
from kiosk.screens.receipt import ReceiptScreen
from kiosk.screens.staff.printer import PrinterScreen
from kiosk.widgets.chrome import MessageLine
from kiosk.widgets.qr import QrCode

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

UNAVAILABLE = "打印机暂不可用，回执已保存，可稍后补打"
FAST = {"printer_timeout_ms": 300, "print_retry_ms": 50}


def print_status(app) -> str:
    found = app.screen.query("#print-status")  # empty until the screen is composed
    return str(found.first().render()) if found else ""


def only_job() -> PrintJob:
    [job] = PrintJob.select()
    return job


async def test_without_a_printer_the_receipt_is_shown_and_kept(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.print_receipt(SAMPLES["ticket"], "ticket")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptScreen)
        assert print_status(app) == f"✗ {UNAVAILABLE}"
        assert "T0001" in screen_text(app) and "回执号" in screen_text(app)
        assert app.screen.query(QrCode)  # the ticket QR, to scan or photograph
        job = only_job()
        assert (job.kind, job.status, job.last_error) == ("ticket", "failed", "没有设置打印机")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_a_receipt_prints_and_the_screen_says_so(make_app):
    with FakePrinter() as printer:
        app = make_app(printer=printer.uri, **FAST)
        async with app.run_test(size=(100, 30)) as pilot:
            app.print_receipt(SAMPLES["signin"], "signin")
            await wait_until(pilot, lambda: "已打印" in print_status(app))
            assert print_status(app) == "✓ 回执已打印，请从打印机出口取走"
        assert printer.jobs()[0][3:-3] == render(SAMPLES["signin"], PrintFormat())
    assert only_job().status == "printed"


async def test_a_printer_that_is_down_shows_the_receipt_and_prints_it_later(make_app):
    port = free_port()
    app = make_app(printer=f"tcp://127.0.0.1:{port}", **FAST)
    async with app.run_test(size=(100, 30)) as pilot:
        app.print_receipt(SAMPLES["ticket"], "ticket", preview=False)
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen)
                         and print_status(app) == f"✗ {UNAVAILABLE}")
        with FakePrinter(port) as printer:
            await wait_until(pilot, lambda: only_job().status == "printed")
            assert len(printer.jobs()) == 1


async def test_a_hanging_printer_does_not_freeze_the_kiosk(make_app):
    with FakePrinter(behaviour="hang") as printer:
        app = make_app(printer=printer.uri, printer_timeout_ms=2000, print_retry_ms=50)
        async with app.run_test(size=(100, 30)) as pilot:
            app.print_receipt(SAMPLES["ticket"], "ticket")
            await settle(pilot)
            started = time.perf_counter()
            await pilot.press("escape")  # while the spool waits on the printer
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            await pilot.press("1")
            await settle(pilot)
            assert app.current_mode == "notices"
            assert time.perf_counter() - started < 1.5  # less than the printer's time limit
        assert only_job().status in ("queued", "sending")  # kept, to print when it answers


async def test_a_wrong_printer_address_still_leaves_a_working_kiosk(make_app, staff_accounts):
    admin, _clerk = staff_accounts
    app = make_app(printer="tcp://printer:notaport")
    async with app.run_test(size=(100, 30)) as pilot:
        app.print_receipt(SAMPLES["signin"], "signin")
        await settle(pilot)
        assert print_status(app) == f"✗ {UNAVAILABLE}"
        await pilot.press("escape")
        await log_in(pilot, admin[0], admin[3])
        await pilot.click("#area-printer")
        await settle(pilot)
        state = str(app.screen.query_one("#printer-state", MessageLine).render())
        assert "端口" in state and "以后补打" in state


async def test_staff_see_the_queue_and_retry_reprint_cancel_and_view(make_app, staff_accounts):
    _admin, clerk = staff_accounts
    with FakePrinter(behaviour="drop") as printer:
        app = make_app(printer=printer.uri, **FAST)
        async with app.run_test(size=(100, 30)) as pilot:
            app.print_receipt(SAMPLES["ticket"], "ticket", preview=False)
            await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
            await pilot.press("escape")
            await log_in(pilot, clerk[0], clerk[3])
            await pilot.click("#area-printer")
            await settle(pilot)
            assert isinstance(app.screen, PrinterScreen)
            table = app.screen.query_one(DataTable)
            assert table.row_count == 1 and table.get_row_at(0)[2] == "未打印"
            assert "打印机 127.0.0.1" in str(app.screen.query_one("#printer-state").render())

            printer.behaviour = "ok"
            await pilot.click("#retry")
            await wait_until(pilot, lambda: only_job().status == "printed")
            await wait_until(pilot, lambda: table.get_row_at(0)[2] == "已打印")

            await pilot.click("#reprint")
            await wait_until(pilot, lambda: table.row_count == 2)
            await wait_until(pilot, lambda: len(printer.jobs()) == 3)
            await pilot.click("#cancel")  # the selected one has printed
            await settle(pilot)
            assert "不能取消" in str(app.screen.query_one("#message").render())

            await pilot.click("#view")
            await settle(pilot)
            assert isinstance(app.screen, ReceiptScreen) and "T0001" in screen_text(app)
            await pilot.press("escape")
            await settle(pilot)

            await pilot.click("#test-page")
            await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen)
                             and "已打印" in print_status(app))
            assert "打印机测试页" in screen_text(app)


def test_receipt_screen_snapshot(make_app, snap_compare):
    async def show_ticket(pilot):
        pilot.app.print_receipt(SAMPLES["ticket"], "ticket")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=show_ticket)
