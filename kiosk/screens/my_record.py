"""我的记录: a member scans their card and sees their own record (this year's meetings,
dues, stage, flow), and can print it. Only their own data: no comparison, no ranking. The
screen is rebuilt empty whenever the kiosk goes home (idle timeout included)."""

from __future__ import annotations

from rich.table import Table
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from kiosk import labels
from kiosk.i18n import _
from kiosk.printing import receipts
from kiosk.screens.base import KioskScreen
from kiosk.services import my_record
from kiosk.services.connection import release
from kiosk.services.my_record import OwnRecord


def months_text(months: list[str]) -> str:
    """["2026-01", "2026-02", "2026-05"] -> "1、2、5 月"."""
    return _("{months} 月").format(months="、".join(str(int(m[5:])) for m in months))


class MyRecordScreen(KioskScreen):
    def __init__(self):
        super().__init__()
        self.record: OwnRecord | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(_("我的记录"), classes="screen-title", id="record-title")
        yield Static(_("请把党员卡上的二维码对准扫码器，查看您本人的记录。") + "\n\n"
                     + _("记录只给您本人看，离开时请按「返回」。"), id="record-prompt")
        with Horizontal(id="record"):
            with Vertical(id="record-main"):
                yield Static(id="record-meetings")
                yield Static(id="record-recent")
            with Vertical(id="record-side"):
                yield Static(id="record-facts")
                yield Button(_("打印我的记录"), id="print-record", classes="secondary")

    def on_mount(self) -> None:
        self.query_one("#record").display = False

    @work(thread=True, exclusive=True)
    def show_member(self, member_id: int) -> None:
        try:
            record = my_record.own_record(member_id, self.app.wall_clock())
        finally:
            release()
        self.app.call_from_thread(self._show, record)

    def _show(self, record: OwnRecord) -> None:
        self.record = record
        self.query_one("#record-title", Static).update(
            _("我的记录：{name}（{number}）").format(name=record.name or _("外来党员"),
                                                   number=record.number))
        self.query_one("#record-prompt").display = False
        self.query_one("#record").display = True
        self.query_one("#record-meetings", Static).update(self._meetings(record))
        self.query_one("#record-recent", Static).update(self._recent(record))
        self.query_one("#record-facts", Static).update(self._facts(record))

    def _meetings(self, record: OwnRecord) -> Table:
        table = Table(title=_("{year} 年参加组织生活").format(year=record.year),
                      title_justify="left", title_style="bold", expand=True, show_edge=False)
        for heading in (_("会议类型"), _("参加"), _("请假"), _("缺席")):
            table.add_column(heading, justify="left" if heading == _("会议类型") else "right")
        for count in record.meetings:
            table.add_row(_(labels.EVENT_TYPES[count.type]), str(count.attended),
                          str(count.leave), str(count.missed))
        if not record.meetings:
            table.add_row(_("今年还没有会议记录"), "", "", "")
        return table

    def _recent(self, record: OwnRecord) -> str:
        lines = [_("最近参加：")] if record.recent else []
        for at, title, kind, late in record.recent[:5]:
            how = _(labels.ATTENDANCE_KINDS[kind]) + (_("，迟到") if late else "")
            lines.append(f"{at:%m-%d} {title}（{how}）")
        return "\n".join(lines)

    def _facts(self, record: OwnRecord) -> str:
        stage = _(labels.STAGES.get(record.stage, record.stage))
        status = _(labels.STATUSES.get(record.status, record.status))
        lines = [_("支部：{branch}").format(branch=record.branch),
                 _("身份：{stage}（{status}）").format(stage=stage, status=status)]
        if record.home_org:
            lines.append(_("原组织：{org}").format(org=record.home_org))
        if record.dues_months:
            lines.append(_("{year} 年党费已交：{months}").format(
                year=record.year, months=months_text(record.dues_months)))
        else:
            lines.append(_("{year} 年还没有交党费记录").format(year=record.year))
        if record.stages:
            lines.append(_("发展历程：") + "；".join(
                f"{on:%Y-%m-%d} {_(labels.STAGES.get(code, code))}" for on, code in record.stages))
        if record.flow:
            flow = record.flow
            where = _("流出到 {place}") if flow.direction == "out" else _("从 {place} 流入")
            lines.append(_("流动：") + where.format(place=flow.place)
                         + _("，{since} 起").format(since=f"{flow.since:%Y-%m-%d}")
                         + (_("，持流动党员活动证") if flow.holds_certificate else ""))
        return "\n".join(lines)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "print-record" or self.record is None:
            return
        event.stop()
        record = self.record
        self.app.print_receipt(receipts.member_record(
            hall=self.app.hall_name, time=self.app.wall_clock(), name=record.name,
            number=record.number, branch=record.branch, stage=record.stage,
            status=record.status, stages=record.stages,
            attendance=[(at, title, kind) for at, title, kind, _late in record.recent],
            dues_paid_through=record.dues_through), "record")
