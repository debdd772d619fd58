"""The staff reports screen (Pilot, SQLite): choosing period, branch and report, the
commentary saved with the report, export with its progress bar, the printed summary; and how
it looks."""

from __future__ import annotations

import openpyxl
import pytest
import report_hall
from pilot_helpers import log_in, settle, wait_until
from textual.widgets import DataTable, Input, ProgressBar, Select, Tabs, TextArea

from kiosk.db.models import PrintJob, ReportCommentary
from kiosk.screens.receipt import ReceiptScreen
from kiosk.screens.staff.reports import ReportsScreen

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def hall(db):
    return report_hall.build()


async def open_reports(pilot, staff_accounts, period: str = "2026-Q2") -> None:
    _admin, clerk = staff_accounts
    await log_in(pilot, clerk[0], clerk[3])
    await pilot.click("#area-reports")
    await settle(pilot)
    field = pilot.app.screen.query_one("#period", Input)
    field.value = period
    field.focus()
    await pilot.press("enter")
    await settle(pilot)


def first_column(app, index: int) -> list[str]:
    table = list(app.screen.query(".report-table").results(DataTable))[index]
    return [str(table.get_row_at(row)[0]) for row in range(table.row_count)]


async def test_choose_period_branch_and_report(make_app, hall, staff_accounts):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_reports(pilot, staff_accounts)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert screen.report.period.key == "2026-Q2"
        assert screen.report.summary[0] == ("会议", "5")  # both halls' rows are in this database
        assert first_column(app, 0) == ["支部党员大会", "党小组会", "主题党日"]

        screen.query_one("#branch", Select).value = hall["branches"][1].id
        await settle(pilot)
        assert screen.report.branch == "第二党支部"
        screen.query_one(Tabs).active = "kind-flow"
        await settle(pilot)
        assert screen.report.kind == "flow"
        assert first_column(app, 2) == ["R008"]  # the care list

        await pilot.click("#earlier")
        await settle(pilot)
        assert screen.report.period.key == "2026-Q1"
        assert screen.query_one("#period", Input).value == "2026-Q1"


async def test_commentary_export_and_print(make_app, hall, staff_accounts, config):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_reports(pilot, staff_accounts)
        screen = app.screen
        screen.query_one("#commentary", TextArea).text = "二支部党小组会没开，已和支部书记谈过。"
        screen.query_one("#save-commentary").press()
        await settle(pilot)
        saved = ReportCommentary.get()
        assert (saved.kind, saved.period, saved.branch_id, saved.text) == (
            "attendance", "2026-Q2", None, "二支部党小组会没开，已和支部书记谈过。")

        screen.query_one("#export-xlsx").press()
        await settle(pilot)
        path = config.data_dir / "exports" / "attendance-2026-Q2-all.xlsx"
        await wait_until(pilot, path.exists)
        bar = screen.query_one(ProgressBar)
        assert bar.progress == bar.total > 0
        rows = list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True))
        assert rows[0][0] == "测试村党群服务中心  全部支部  2026 年第 2 季度  组织生活"
        assert ("二支部党小组会没开，已和支部书记谈过。",) in rows

        screen.query_one("#print").press()
        await settle(pilot)
        assert isinstance(app.screen, ReceiptScreen)
        job = PrintJob.get(PrintJob.kind == "report")
        assert "二支部党小组会没开" in job.document and "未按规定召开" in job.document
        assert "张三明" not in job.document  # counts only on paper


def test_reports_snapshot(make_app, hall, staff_accounts, snap_compare):
    assert snap_compare(make_app(), terminal_size=(100, 30),
                        run_before=lambda pilot: open_reports(pilot, staff_accounts))


def test_care_list_snapshot(make_app, hall, staff_accounts, snap_compare):
    async def open_flow(pilot):
        await open_reports(pilot, staff_accounts)
        pilot.app.screen.query_one(Tabs).active = "kind-flow"
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#report-body").scroll_to_widget(screen.query_one("#heading-care"),
                                                          animate=False, top=True)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=open_flow)
