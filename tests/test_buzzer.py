"""The printer's buzzer on a help call, through Pilot and a real TCP printer: staff turn it
on at the printer screen (it sounds at once), and then a call for staff (the button, or
asking for help with a request) sounds it with no paper printed; while it is off (the
default) a call sends the printer nothing. (UI, so SQLite only.)"""

from __future__ import annotations

import pytest
from escpos_decoder import BUZZER_LINE, decode
from fake_printer import FakePrinter
from pilot_helpers import log_in, message, settle, wait_until
from receipt_samples import SAMPLES

from kiosk.db.models import AuditEntry, HelpCall, PrintJob
from kiosk.printing.escpos import BUZZ
from kiosk.screens.home import HomeScreen
from kiosk.services import printer_settings

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

FAST = {"printer_timeout_ms": 300, "print_retry_ms": 50}
THREE_BEEPS = BUZZER_LINE.format(times=3, ms=150)


async def test_staff_turn_the_buzzer_on_and_a_help_call_sounds_it(make_app, staff_accounts):
    _admin, clerk = staff_accounts
    with FakePrinter() as printer:
        app = make_app(printer=printer.uri, **FAST)
        async with app.run_test(size=(100, 30)) as pilot:
            await log_in(pilot, clerk[0], clerk[3])
            await pilot.click("#area-printer")
            await wait_until(pilot, lambda: str(app.screen.query_one("#buzzer").label) == "蜂鸣器：关")
            await pilot.click("#buzzer")
            await wait_until(pilot, lambda: str(app.screen.query_one("#buzzer").label) == "蜂鸣器：开")
            assert printer_settings.has_buzzer()
            entry = AuditEntry.get(AuditEntry.action == "printer.buzzer")
            assert entry.actor == f"staff:{clerk[0]}"
            await wait_until(pilot, lambda: len(printer.jobs()) == 1)  # the sound to listen for

            app.go_home("done")
            await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
            await pilot.press("5")  # 呼叫工作人员
            await wait_until(pilot, lambda: len(printer.jobs()) == 2)
            assert printer.jobs() == [BUZZ, BUZZ]  # no status query, no paper
            assert decode(BUZZ, 32) == THREE_BEEPS
            assert HelpCall.select().count() == 1 and not PrintJob.select().exists()

            await pilot.press("3")  # 办事诉求, and 请工作人员协助填写: staff are called too
            await settle(pilot)
            await pilot.click("#category-certificate")
            await settle(pilot)
            await pilot.click("#ask-help")
            await wait_until(pilot, lambda: len(printer.jobs()) == 4)  # the buzzer, the ticket
            assert printer.jobs()[2] == BUZZ and HelpCall.select().count() == 2


async def test_with_the_buzzer_off_a_help_call_sends_the_printer_nothing(make_app):
    with FakePrinter() as printer:
        app = make_app(printer=printer.uri, **FAST)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("5")
            await settle(pilot)
            assert "已通知工作人员" in message(app) and HelpCall.select().count() == 1
            app.print_receipt(SAMPLES["signin"], "signin", preview=False)  # after any sound
            await wait_until(pilot, lambda: PrintJob.select().where(
                PrintJob.status == "printed").exists())
            [job] = printer.jobs()  # the receipt's connection only
            assert BUZZ not in job
