"""Reports written to CSV or XLSX for the upper-level organisation: a title row naming the
hall, branch and period, the key figures, each table under its Chinese headers, the minutes
excerpts and the staff commentary. Besides the reports, `roll` exports every attendance row
of the period (签到明细), read event by event and written as it is read, so that a million
rows need no more memory than a thousand. openpyxl loads only when an XLSX is written."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

from peewee import fn

from kiosk import labels
from kiosk.db.database import private_dir
from kiosk.db.models import Attendance, Branch, Event, Member, now
from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.services import reports
from kiosk.services.periods import Period

FORMATS = ("csv", "xlsx")
EXPORT_KINDS = reports.TITLES
XLSX_MAX_ROWS = 1_048_576  # a worksheet's limit; longer exports go on to another sheet
PROGRESS_EVERY = 2000

Progress = Callable[[int, int], None]  # rows written, rows in all


def export(kind: str, fmt: str, path: Path, period: Period, branch: int | None = None,
           hall=None, today: dt.date | None = None, progress: Progress | None = None) -> int:
    """Write the report `kind` to `path`; returns the number of rows written."""
    if fmt not in FORMATS:
        raise KioskError(_("导出格式只能是 csv 或 xlsx"))
    if kind not in EXPORT_KINDS:
        raise KioskError(_("没有这种报表：{kind}，可选：{kinds}").format(
            kind=kind, kinds="、".join(EXPORT_KINDS)))
    report = (roll(period, branch, hall) if kind == "roll"
              else reports.build(kind, period, branch, hall, today))
    total = _line_count(report)
    write = _write_xlsx if fmt == "xlsx" else _write_csv
    try:
        return write(path, lines(report), total, progress or (lambda _done, _total: None))
    except OSError as exc:
        raise KioskError(_("无法写入文件 {path}：{error}").format(path=path, error=exc)) from None


def export_folder(data_dir: Path) -> Path:
    """Where the staff screen writes exports, made readable by the owner only (they hold
    names and numbers)."""
    return private_dir(Path(data_dir) / "exports")


def title_line(report: reports.Report) -> str:
    return "  ".join((report.hall, report.branch, report.period.label, report.title))


def lines(report: reports.Report) -> Iterator[list]:
    """The rows of the exported sheet, one list of cells each."""
    yield [title_line(report)]
    yield [_("导出时间"), f"{now():%Y-%m-%d %H:%M}"]
    yield []
    for label, value in report.summary:
        yield [label, value]
    for table in report.tables:
        yield []
        yield [table.title]
        yield list(table.columns)
        for row in table.rows:
            yield ["" if cell is None else cell for cell in row]
    if report.minutes:
        yield []
        yield [_("会议记录摘要")]
        yield [_("日期"), _("支部"), _("会议类型"), _("名称"), _("摘要")]
        for item in report.minutes:
            yield [f"{item.day:%Y-%m-%d}", item.branch, _(labels.EVENT_TYPES[item.type]),
                   item.title, item.text]
    yield []
    yield [_("工作人员评语")]
    yield [report.commentary or _("（没有填写）")]
    for note in report.notes:
        yield [_("说明"), note]


def _line_count(report: reports.Report) -> int:
    rows = sum(t.total if t.total is not None else len(t.rows) for t in report.tables)
    minutes = len(report.minutes) + 3 if report.minutes else 0
    return 3 + len(report.summary) + 3 * len(report.tables) + rows + minutes + 3 + len(report.notes)


def _write_csv(path: Path, rows: Iterator[list], total: int, progress: Progress) -> int:
    written = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel reads UTF-8
        writer = csv.writer(handle)
        for row in rows:
            writer.writerow(row)
            written += 1
            if written % PROGRESS_EVERY == 0:
                progress(written, total)
    progress(written, total)
    return written


def _write_xlsx(path: Path, rows: Iterator[list], total: int, progress: Progress) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)  # streamed to disk row by row
    sheet, on_sheet, written = book.create_sheet(_("报表")), 0, 0
    for row in rows:
        if on_sheet == XLSX_MAX_ROWS:
            sheet, on_sheet = book.create_sheet(_("报表（续{n}）").format(n=len(book.worksheets))), 0
        if written == 0:
            title = WriteOnlyCell(sheet, value=row[0])
            title.font = Font(bold=True, size=14)
            row = [title]
        sheet.append(row)
        on_sheet += 1
        written += 1
        if written % PROGRESS_EVERY == 0:
            progress(written, total)
    book.save(path)
    progress(written, total)
    return written


# --- 签到明细 ----------------------------------------------------------------------------

ROLL_COLUMNS = (N_("会议日期"), N_("支部"), N_("会议类型"), N_("会议名称"), N_("党员编号"),
                N_("姓名"), N_("参加方式"), N_("签到时间"), N_("迟到"), N_("请假事由"),
                N_("外来党员所在组织"))


def roll(period: Period, branch: int | None, hall) -> reports.Report:
    """Every attendance row of the period's meetings, meeting by meeting, members in number
    order (the staff commentary is the attendance report's)."""
    in_period = ((Event.start >= period.begins) & (Event.start < period.ends)
                 & (Event.status != "cancelled") & reports.in_scope(Event.branch, branch, hall))
    total = Attendance.select(fn.COUNT(Attendance.id)).join(Event).where(in_period).scalar()
    events = list(Event.select(Event.id, Event.start, Branch.name, Event.type, Event.title)
                  .join(Branch).where(in_period).order_by(Event.start, Event.id).tuples())
    branch_name, hall_name = reports.scope_names(branch, hall)
    return reports.Report(
        "roll", period, branch_name, hall_name,
        summary=[(_("会议"), str(len(events))), (_("签到记录"), str(total))],
        tables=[reports.Table("roll", _(EXPORT_KINDS["roll"]),
                              tuple(_(c) for c in ROLL_COLUMNS), _roll_rows(events), total=total)],
        minutes=reports.minutes(period, branch, hall),
        commentary=reports.commentary("attendance", period, branch, hall),
    )


def _roll_rows(events: list[tuple]) -> Iterator[tuple]:
    """One query a meeting: memory stays bounded by the biggest meeting, on any database."""
    kinds = {code: _(word) for code, word in labels.ATTENDANCE_KINDS.items()}
    yes, no = _("是"), _("否")
    for event_id, start, branch_name, kind, title in events:
        shown = (f"{start:%Y-%m-%d %H:%M}", branch_name, _(labels.EVENT_TYPES[kind]), title)
        for number, name, how, time, late, reason, home_org in (
            Attendance.select(Member.number, Member.name, Attendance.kind, Attendance.time,
                              Attendance.late, Attendance.reason, Attendance.home_org)
            .join(Member).where(Attendance.event == event_id)
            .order_by(Member.number).tuples()
        ):
            yield (*shown, number, name, kinds.get(how, how), f"{time:%Y-%m-%d %H:%M:%S}",
                   yes if late else no, reason, home_org)
