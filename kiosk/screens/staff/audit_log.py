"""The audit log: whether the chain is intact, and the latest entries."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from kiosk import labels
from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.services import audit
from kiosk.services.connection import release
from kiosk.widgets.chrome import MessageLine


class AuditLogScreen(KioskScreen):
    def compose_body(self) -> ComposeResult:
        yield Static(_("操作日志"), classes="screen-title")
        yield MessageLine(id="chain-status")
        yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(_("序号"), _("时间"), _("操作人"), _("操作"), _("对象"))
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        try:
            result = audit.verify()
            rows = [(str(e.seq), f"{e.time:%Y-%m-%d %H:%M:%S}", _(labels.actor_label(e.actor)),
                     _(labels.AUDIT_ACTIONS.get(e.action, e.action)), e.subject)
                    for e in audit.entries(200)]
        finally:
            release()
        self.app.call_from_thread(self._show, result, rows)

    def _show(self, result: audit.Verification, rows: list) -> None:
        status = self.query_one("#chain-status", MessageLine)
        if result.ok:
            status.show(_("日志完整，共 {n} 条，没有被改动").format(n=result.entries), "ok")
        else:
            status.show(_("日志被改动过：") + result.problem, "error")
        self.query_one(DataTable).add_rows(rows)
