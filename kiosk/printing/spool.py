"""The print spool: one thread owns the printer and prints the queued jobs one by one, oldest
first. The screen only stores a job and wakes the spool, so it never waits for the printer.

Before a job goes out it is marked `sending` (committed); after, `printed`. When the printer
cannot be reached nothing was sent, so the job waits (5 s, then twice as long each time, at
most 5 minutes, or until another job is queued) and is tried again; after an hour of that,
staff decide. A job whose sending
was cut off may be partly on paper, so it is failed for staff to decide, never resent by
itself. See kiosk.services.printing for the statuses.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.db.database import release
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.printing.escpos import BUZZ, PrintFormat, render
from kiosk.printing.printers import (
    PrinterAddress,
    PrinterUnavailable,
    parse_address,
    send,
)
from kiosk.printing.receipt import Receipt
from kiosk.services import printing

log = logging.getLogger(__name__)

IDLE_WAIT = 60.0  # seconds between looks at the queue when nobody wakes the spool
GAVE_UP = "打印机长时间不可用，已停止自动重试：请检查打印机后重试或补打"


@dataclass(frozen=True)
class JobUpdate:
    job_id: str
    status: str  # printed, waiting (to be tried again) or failed
    message: str = ""


@dataclass(frozen=True)
class PrinterState:
    ok: bool | None  # None until the first job
    message: str = ""
    at: dt.datetime | None = None


class Spool:
    def __init__(self, address: PrinterAddress, fmt: PrintFormat, *, timeout: float = 3.0,
                 retry: float = 5.0, max_retry: float = 300.0,
                 give_up: dt.timedelta = dt.timedelta(hours=1),
                 on_update: Callable[[JobUpdate], None] | None = None):
        self.address, self.fmt = address, fmt
        self.timeout, self.retry, self.max_retry, self.give_up = timeout, retry, max_retry, give_up
        self.on_update = on_update
        self.state = PrinterState(None)
        self._wake = threading.Event()
        self._ringing = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="print-spool", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """A job was queued or changed: look at the queue now, and try the printer again
        even if the job at the head is still waiting for its next try."""
        self._wake.set()

    def ring(self) -> None:
        """Sound the printer's buzzer (someone called staff): sent by the spool's thread, which
        owns the printer, before it looks at the queue; no paper, not stored, not retried."""
        self._ringing.set()
        self._wake.set()

    def stop(self, timeout: float | None = None) -> None:
        """Stop after the job being sent, if any (its own time limits bound the wait)."""
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            printing.recover_interrupted()
            woken = False
            while not self._stopping.is_set():
                if self._ringing.is_set():
                    self._ringing.clear()
                    self._sound_buzzer()
                pause = self._step_safely(woken)
                woken = False
                if pause:
                    woken = self._wake.wait(pause)
                    self._wake.clear()
        except Exception:
            log.exception("print spool stopped")
        finally:
            release()

    def _sound_buzzer(self) -> None:
        try:
            send(self.address, BUZZ, self.timeout, check_status=False)
        except Exception as exc:  # a buzzer that cannot sound is no reason to stop printing
            log.warning("printer buzzer: %s", exc)

    def _step_safely(self, woken: bool) -> float:
        try:
            return self.step(woken)
        except Exception:  # the database went away, say: try again in a while
            log.exception("print spool")
            release()
            return self.retry

    def step(self, woken: bool = False) -> float:
        """Print the next job if it is due (or `woken`); returns how long to wait before
        looking again."""
        job = printing.next_job()
        if job is None:
            return IDLE_WAIT
        at = dt.datetime.now()
        if job.next_try and job.next_try > at and not woken:
            return (job.next_try - at).total_seconds()
        if at - job.queued > self.give_up:
            printing.fail(job, GAVE_UP)
            self._report(job, "failed", GAVE_UP, ok=False)
            return 0
        if not printing.claim(job, str(self.address)):
            return 0
        try:
            send_job(job, self.address, self.fmt, self.timeout)
        except PrinterUnavailable as exc:
            wait = min(self.retry * 2 ** job.attempts, self.max_retry)  # attempts before this one
            printing.postpone(job, str(exc), at + dt.timedelta(seconds=wait))
            self._report(job, "waiting", str(exc), ok=False)
        except Exception as exc:  # interrupted, or a receipt that cannot be read or drawn
            if not isinstance(exc, KioskError):
                log.exception("print job %s", job.id)
            printing.fail(job, _reason(exc))
            self._report(job, "failed", _reason(exc), ok=False)
        else:
            printing.mark_printed(job)
            self._report(job, "printed", "", ok=True)
        return 0

    def _report(self, job, status: str, message: str, ok: bool) -> None:
        self.state = PrinterState(ok, message, dt.datetime.now())
        if self.on_update is not None:
            try:
                self.on_update(JobUpdate(str(job.id), status, message))
            except Exception:
                log.exception("print update not delivered")


def _reason(exc: Exception) -> str:
    return str(exc) if isinstance(exc, KioskError) else f"打印出错：{exc!r}"


def send_job(job, address: PrinterAddress, fmt: PrintFormat, timeout: float) -> None:
    """Render a claimed job and send it."""
    send(address, render(printing.receipt_of(job), fmt), timeout, fmt.capabilities.status)


def print_now(receipt: Receipt, kind: str, address: PrinterAddress, fmt: PrintFormat,
              timeout: float) -> bool:
    """Store a job and print it at once, here (the command line's test page). False when the
    kiosk's running spool took the job first (it prints it); PrinterError says why it did not
    print, and the job stays failed for staff to see."""
    job = printing.enqueue(receipt, kind)
    if not printing.claim(job, str(address)):
        return False
    try:
        send_job(job, address, fmt, timeout)
    except Exception as exc:
        printing.fail(job, _reason(exc))
        raise
    printing.mark_printed(job)
    return True


def spool_for(config, on_update: Callable[[JobUpdate], None] | None = None) -> Spool:
    """The spool for the configured printer (not started). KioskError when there is none,
    or when its address or settings are wrong."""
    address = parse_address(config.printer)
    if address.scheme == "none":
        raise KioskError(_("没有设置打印机"))
    return Spool(address, PrintFormat.from_config(config), timeout=config.printer_timeout_ms / 1000,
                 retry=config.print_retry_ms / 1000, on_update=on_update)
