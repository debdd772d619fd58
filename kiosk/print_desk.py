"""The app's side of printing: it starts the spool, stores receipts from a worker thread, and
shows a receipt on screen while it prints, or instead when it cannot be printed.

Screens call `app.print_receipt(receipt, kind)`; that is all a feature needs.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from kiosk.db.database import release
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.lazy import LazyModule

if TYPE_CHECKING:  # the printing modules load when the kiosk first prints, or has a printer
    from kiosk.printing.receipt import Receipt
    from kiosk.printing.spool import JobUpdate, Spool
    from kiosk.screens.receipt import ReceiptScreen

printer_settings = LazyModule("kiosk.services.printer_settings")  # read on a help call
log = logging.getLogger(__name__)


class PrintUpdate(Message):
    """A job's outcome, posted by the spool's thread."""

    def __init__(self, update: JobUpdate):
        super().__init__()
        self.update = update


@dataclass
class _Watched:
    receipt: Receipt
    mode: str  # where it was asked for
    screen: ReceiptScreen | None  # None: printed without a preview, shown only if it fails


class PrintDesk:
    def __init__(self, app):
        self.app = app
        self.spool: Spool | None = None
        self.problem = ""  # why there is no spool
        self._watched: dict[str, _Watched] = {}

    def start(self) -> None:
        from kiosk.printing.printers import parse_address

        try:
            if parse_address(self.app.config.printer).scheme == "none":
                self.problem = _("没有设置打印机")
                return
            from kiosk.printing.spool import spool_for

            self.spool = spool_for(self.app.config, self._post)
        except KioskError as exc:
            self.problem = str(exc)
            log.warning("no printing: %s", exc)
            return
        self.spool.start()

    def stop(self) -> None:
        if self.spool is not None:
            self.spool.stop(timeout=self.spool.timeout + 1)

    def ring_buzzer(self) -> None:
        """Sound the printer's buzzer (someone needs staff), if staff said it has one. Call
        from a worker thread: it reads the setting."""
        if self.spool is not None and printer_settings.has_buzzer():
            self.spool.ring()

    def _post(self, update: JobUpdate) -> None:
        self.app.post_message(PrintUpdate(update))  # thread-safe, never waits

    @property
    def paper_mm(self) -> int:
        return self.app.config.paper_mm

    def print_receipt(self, receipt: Receipt, kind: str, preview: bool = True) -> None:
        from kiosk.screens.receipt import ReceiptScreen

        screen = None
        if preview or self.spool is None:
            screen = ReceiptScreen(receipt, self.paper_mm)
            self.app.push_screen(screen)
        job_id = str(uuid.uuid4())  # known before storing, so no outcome can arrive unawaited
        self._watched[job_id] = _Watched(receipt, self.app.current_mode, screen)
        self.app.run_worker(lambda: self._store(job_id, receipt, kind), thread=True,
                            group="print", exit_on_error=False)

    def _store(self, job_id: str, receipt: Receipt, kind: str) -> None:
        from kiosk.services import printing

        try:
            printing.enqueue(receipt, kind, held=self.problem if self.spool is None else "",
                             job_id=job_id)
        except Exception:
            log.exception("receipt not stored")
            self.app.call_from_thread(self._show, job_id, "not_stored", True)
        else:
            if self.spool is None:
                self.app.call_from_thread(self._show, job_id, "unavailable", True)
            else:
                self.spool.wake()
        finally:
            release()

    def updated(self, update: JobUpdate) -> None:
        printed = update.status == "printed"
        self._show(update.job_id, "printed" if printed else "unavailable",
                   final=update.status != "waiting")

    def _show(self, job_id: str, outcome: str, final: bool) -> None:
        """Say what became of a job; a preview of a job that will be tried again stays
        watched, since it may still print while the person is there."""
        from kiosk.screens.receipt import ReceiptScreen

        watched = self._watched.get(job_id)
        if watched is None:
            return
        screen = watched.screen
        if final or screen is None or not screen.is_attached:
            del self._watched[job_id]
        if screen is None:
            if outcome != "printed" and self.app.current_mode == watched.mode:
                self.app.push_screen(ReceiptScreen(watched.receipt, self.paper_mm, outcome))
        elif screen.is_attached:
            screen.show_outcome(outcome)
