"""统计报表 (staff): a period and a branch, the report kinds as tabs; each report's figures
with bar charts, its tables, the minutes of the period's meetings and the staff commentary
saved with it; export to XLSX or CSV (with a progress bar) and a one-page printed summary."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Button, DataTable, Input, ProgressBar, Select, Sparkline, Static, Tab, Tabs, TextArea,
)

from kiosk import labels
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.printing import receipts
from kiosk.screens.staff.worker import StaffWorkScreen
from kiosk.services import members, periods, report_export, reports
from kiosk.services.connection import release
from kiosk.widgets.bar_chart import BarChart

ALL_BRANCHES = 0  # the branch picker's value for 全部支部


def _cell(value) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


class ReportsScreen(StaffWorkScreen):
    def __init__(self) -> None:
        super().__init__()
        self.kind = "attendance"
        self.period: periods.Period | None = None
        self.branch: int | None = None
        self.report: reports.Report | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(_("统计报表"), classes="screen-title", id="report-title")
        with Horizontal(classes="form-row"):
            yield Select([(_(word), kind) for kind, word in periods.PERIOD_KINDS.items()],
                         id="period-kind", value="month", allow_blank=False)
            yield Button("◀", id="earlier", classes="secondary step")
            yield Input(id="period", max_length=30)
            yield Button("▶", id="later", classes="secondary step")
            yield Select([(_("全部支部"), ALL_BRANCHES)], id="branch", value=ALL_BRANCHES,
                         allow_blank=False)
        yield Tabs(*(Tab(_(word), id=f"kind-{kind}") for kind, word in reports.KINDS.items()),
                   id="report-kinds")
        yield VerticalScroll(id="report-body")
        with Horizontal(classes="form-row", id="report-actions"):
            yield Button(_("导出 Excel"), id="export-xlsx")
            yield Button(_("导出 CSV"), id="export-csv", classes="secondary")
            yield Button(_("打印摘要"), id="print", classes="secondary")
            yield ProgressBar(id="export-progress", show_eta=False)

    def on_mount(self) -> None:
        self.period = periods.current_period("month", self.app.wall_clock().date())
        self.query_one("#period", Input).value = self.period.key
        self.load(members.list_branches, self._fill_branches)
        super().on_mount()

    def _fill_branches(self, branches: list) -> None:
        self.query_one("#branch", Select).set_options(
            [(_("全部支部"), ALL_BRANCHES), *((b.name, b.id) for b in branches)])

    # --- choosing what to show ----------------------------------------------------------

    def reload(self) -> None:
        if self.period is None:
            return
        wanted = kind, period, branch = self.kind, self.period, self.branch
        today = self.app.wall_clock().date()

        def show(report: reports.Report):
            """Only the latest choice is shown, however the workers finish."""
            if (self.kind, self.period, self.branch) == wanted:
                return self._show(report)
            return None

        self.load(lambda: reports.build(kind, period, branch, today=today), show)

    def _set_period(self, period: periods.Period) -> None:
        self.period = period
        self.query_one("#period", Input).value = period.key
        self.reload()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "period-kind" and self.period and event.value != self.period.kind:
            self._set_period(periods.current_period(event.value, self.app.wall_clock().date()))
        elif event.select.id == "branch":
            branch = None if event.value in (ALL_BRANCHES, Select.NULL) else event.value
            if branch != self.branch:
                self.branch = branch
                self.reload()

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        event.stop()
        kind = event.tab.id.removeprefix("kind-")
        if kind != self.kind:
            self.kind = kind
            self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "period":
            return
        event.stop()
        try:
            period = periods.parse_period(event.value)
        except KioskError as exc:
            self.show_message(str(exc), "error")
            return
        self.query_one("#period-kind", Select).value = period.kind
        self._set_period(period)

    # --- showing a report ---------------------------------------------------------------

    async def _show(self, report: reports.Report) -> None:
        self.report = report
        self.query_one("#report-title", Static).update(_("统计报表：{title}  {period}  {branch}")
                                                       .format(title=report.title,
                                                               period=report.period.label,
                                                               branch=report.branch))
        body = self.query_one("#report-body", VerticalScroll)
        await body.remove_children()
        parts = [Static("   ".join(f"{label} {value}" for label, value in report.summary),
                     classes="report-summary", markup=False)]
        for chart in report.charts:
            if chart.spark:
                if len(chart.bars) > 1:
                    parts += [Static(chart.title, classes="report-heading", markup=False),
                              Sparkline([value for _label, value in chart.bars],
                                        classes="report-spark")]
            elif chart.bars:
                parts.append(BarChart(chart, classes="report-chart"))
        for table in report.tables:
            parts.append(Static(table.title, id=f"heading-{table.key}", classes="report-heading",
                                markup=False))
            grid = DataTable(id=f"table-{table.key}", classes="report-table", zebra_stripes=True,
                             cursor_type="row")
            grid.add_columns(*table.columns)
            grid.add_rows([tuple(_cell(cell) for cell in row) for row in table.rows]
                          or [(_("（没有）"),) + ("",) * (len(table.columns) - 1)])
            parts.append(grid)
        parts.append(Static(_minutes_text(report), classes="report-minutes", markup=False))
        parts += [Static(note, classes="hint report-note", markup=False) for note in report.notes]
        parts += [Static(_("工作人员评语（和报表一起保存、导出、打印）"), classes="report-heading"),
                  TextArea(report.commentary, id="commentary", soft_wrap=True),
                  Button(_("保存评语"), id="save-commentary")]
        await body.mount_all(parts)

    # --- commentary, export, print ------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button in ("earlier", "later") and self.period:
            event.stop()
            self._set_period(self.period.shifted(-1 if button == "earlier" else 1))
        elif button == "save-commentary" and self.report:
            event.stop()
            report, text = self.report, self.query_one("#commentary", TextArea).text
            self.change(reports.save_commentary, self.app.staff_session, report.kind,
                        report.period, self.branch, text, done=_("评语已保存"),
                        then=lambda _result: None)
        elif button.startswith("export-") and self.report:
            event.stop()
            self.query_one("#export-progress", ProgressBar).display = True
            self.export(button.removeprefix("export-"))
        elif button == "print" and self.report:
            event.stop()
            self._print()

    @work(thread=True, exclusive=True, group="export")
    def export(self, fmt: str) -> None:
        report, branch = self.report, self.branch
        period = report.period.key.replace("~", "_")
        name = f"{report.kind}-{period}-{branch or 'all'}.{fmt}"

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        try:
            path = report_export.export_folder(self.app.config.data_dir) / name
            rows = report_export.export(report.kind, fmt, path, report.period, branch,
                                        today=self.app.wall_clock().date(), progress=progress)
        except (KioskError, OSError) as exc:
            self.app.call_from_thread(self.show_message, str(exc), "error")
            return
        finally:
            release()
        self.app.call_from_thread(self.show_message,
                                  _("已导出 {rows} 行到 {path}").format(rows=rows, path=path), "ok")

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#export-progress", ProgressBar).update(total=max(total, 1), progress=done)

    def _print(self) -> None:
        report = self.report
        text = self.query_one("#commentary", TextArea).text if self.query("#commentary") else ""
        self.app.print_receipt(receipts.report_summary(
            hall=self.app.hall_name, time=self.app.wall_clock(), title=report.title,
            period=report.period.label, branch=report.branch, figures=report.summary,
            commentary=text or report.commentary), "report")


def _minutes_text(report: reports.Report) -> str:
    if not report.minutes:
        return _("会议记录摘要：这段时间的会议还没有填写会议记录")
    lines = [_("会议记录摘要")]
    lines += [f"{item.day:%m-%d} {item.branch} {_(labels.EVENT_TYPES[item.type])}：{item.text}"
              for item in report.minutes]
    return "\n".join(lines)
