"""The printer for staff: how it is doing, the print queue with retry, reprint and cancel, a
look at any stored receipt, a test page, and whether the printer's buzzer sounds when someone
calls staff."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Static

from kiosk import labels
from kiosk.i18n import _
from kiosk.printing.layout import COLUMNS
from kiosk.printing.receipts import printer_test_page
from kiosk.screens.receipt import ReceiptScreen
from kiosk.screens.staff.worker import StaffWorkScreen, fill_table, selected_key
from kiosk.services import printer_settings, printing
from kiosk.widgets.chrome import MessageLine

REFRESH_SECONDS = 2


class PrinterScreen(StaffWorkScreen):
    _buzzer: bool | None = None  # whether the printer's buzzer sounds on a help call

    def compose_body(self) -> ComposeResult:
        yield Static(_("打印机"), classes="screen-title")
        yield MessageLine(id="printer-state")
        yield Static(id="printer-setup")
        yield DataTable(id="jobs-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="form-row"):
            yield Button(_("打印测试页"), id="test-page")
            yield Button(_("重试"), id="retry", classes="secondary")
            yield Button(_("补打"), id="reprint", classes="secondary")
            yield Button(_("取消"), id="cancel", classes="secondary")
            yield Button(_("查看回执"), id="view", classes="secondary")
        with Horizontal(classes="form-row"):
            yield Button(_("蜂鸣器"), id="buzzer", classes="secondary")

    def on_mount(self) -> None:
        config = self.app.config
        self.query_one(DataTable).add_columns(_("时间"), _("回执"), _("状态"), _("次数"), _("说明"))
        self.query_one("#printer-setup", Static).update(
            _("纸宽 {mm} 毫米（每行 {n} 列） · 打印方式：{mode} · 打印机类型：{profile}").format(
                mm=config.paper_mm, n=COLUMNS[config.paper_mm],
                mode=_(labels.PRINTER_MODES[config.printer_mode]), profile=config.printer_profile))
        super().on_mount()
        self.set_interval(REFRESH_SECONDS, self.reload)

    def reload(self) -> None:
        self.load(lambda: ([self._row(job) for job in printing.list_jobs(100)],
                           printing.waiting_count(), printer_settings.has_buzzer()),
                  lambda found: self._fill(*found))

    @staticmethod
    def _row(job) -> tuple:
        status = _(labels.PRINT_STATUSES.get(job.status, job.status))
        if job.status == "queued" and job.attempts:
            status = _("等待重试")
        kind = _(labels.PRINT_KINDS.get(job.kind, job.kind))
        return str(job.id), (f"{job.queued:%m-%d %H:%M:%S}", kind, status, str(job.attempts),
                             job.last_error)

    def _fill(self, rows: list[tuple], waiting: int, buzzer: bool) -> None:
        if not self.query("#jobs-table"):  # the screen closed while the rows were read
            return
        self._show_state(waiting)
        self._buzzer = buzzer
        self.query_one("#buzzer", Button).label = _("蜂鸣器：开") if buzzer else _("蜂鸣器：关")
        fill_table(self.query_one(DataTable), rows)

    def _show_state(self, waiting: int) -> None:
        desk = self.app.printing
        line = self.query_one("#printer-state", MessageLine)
        queue = _("，排队 {n} 张").format(n=waiting) if waiting else ""
        if desk.spool is None:
            line.show(_("{problem}：回执只显示在屏幕上，并保存在下面，可以以后补打").format(
                problem=desk.problem), "error")
            return
        state, where = desk.spool.state, str(desk.spool.address)
        if state.ok is None:
            line.show(_("打印机 {where}：还没有打印过，可以先打印一张测试页").format(where=where) + queue,
                      "info")
        elif state.ok:
            line.show(_("打印机 {where} 正常，{time} 打印成功").format(
                where=where, time=f"{state.at:%H:%M:%S}") + queue, "ok")
        else:
            problem = state.message if where in state.message else _("打印机 {where}：{problem}").format(
                where=where, problem=state.message)
            line.show(problem + queue, "error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"retry": (printing.retry, _("已重新排队")),
                   "reprint": (printing.reprint, _("已排队补打，补打的回执上印有「补打」")),
                   "cancel": (printing.cancel, _("已取消"))}
        button = event.button.id
        if button not in (*actions, "test-page", "view", "buzzer"):
            return
        event.stop()
        if button == "buzzer":
            if self._buzzer is not None:  # (known once the screen has loaded)
                on = not self._buzzer
                self.change(self._switch_buzzer, on,
                            done=_("蜂鸣器已打开：打印机刚才没有响，就请关掉") if on else _("蜂鸣器已关闭"))
            return
        if button == "test-page":
            config = self.app.config
            self.app.print_receipt(printer_test_page(
                hall=self.app.hall_name, time=self.app.wall_clock(), printer=config.printer,
                paper_mm=config.paper_mm, mode=config.printer_mode,
                profile=config.printer_profile), "test")
            return
        job_id = selected_key(self.query_one(DataTable))
        if job_id is None:
            self.show_message(_("请先在表格里选中一个打印任务"), "error")
        elif button == "view":
            self.call_service(lambda: printing.receipt_of(printing.get(job_id)), self._view)
        elif self.app.printing.spool is None and button != "cancel":
            self.show_message(_("没有连接打印机，现在不能打印"), "error")
        else:
            change, done = actions[button]
            self.change(change, self.app.staff_session, job_id, done=done, then=self._queued)

    def _queued(self, _result) -> None:
        if self.app.printing.spool is not None:
            self.app.printing.spool.wake()
        self.reload()

    def _switch_buzzer(self, on: bool) -> None:
        """Switch the buzzer and sound it now, so that staff hear whether the printer has
        one (in the change worker)."""
        printer_settings.set_buzzer(self.app.staff_session, on)
        self.app.printing.ring_buzzer()

    def _view(self, receipt) -> None:
        self.app.push_screen(ReceiptScreen(receipt, self.app.config.paper_mm, outcome=None))
