"""The print queue. Every receipt is stored as a PrintJob, committed, before anything is sent,
so a receipt is never lost to a broken printer or a crash.

A job's status moves like this:
  queued     waiting to print, oldest `queued` first; after a failure that sent nothing, not
             before `next_try`
  sending    the spool has claimed it and is sending it
  printed    the printer took all of it
  failed     not printed, and not tried again automatically: there was no printer, sending
             was interrupted (part may be on paper), or the printer stayed away too long.
             A job found `sending` when the spool starts was cut off by a crash and is failed
             too, since it may have printed: nothing is ever sent twice without a person
             asking for it.
  cancelled  by staff
Staff can retry (queued or failed), reprint (a marked copy) or cancel; each is audited.
"""

from __future__ import annotations

import datetime as dt
import uuid

from kiosk.db.database import database
from kiosk.db.models import PrintJob, now
from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.printing.receipt import Receipt
from kiosk.printing.receipts import reprinted
from kiosk.services import audit
from kiosk.services.hall import local_hall
from kiosk.services.staff import StaffSession

INTERRUPTED = "程序在发送时中断，这张回执可能已经打印：请核对后再决定是否重打"


def enqueue(receipt: Receipt, kind: str, held: str = "",
            job_id: str | uuid.UUID | None = None) -> PrintJob:
    """Store a receipt to print. With `held` (the reason, e.g. no printer) it is stored as
    failed: kept for staff to print later, never printed by itself."""
    return PrintJob.create(
        id=uuid.UUID(str(job_id)) if job_id else uuid.uuid4(), hall=local_hall(), kind=kind,
        document=receipt.to_json(), status="failed" if held else "queued", last_error=held,
    )


def get(job_id: str | uuid.UUID) -> PrintJob:
    try:
        job = PrintJob.get_or_none(PrintJob.id == uuid.UUID(str(job_id)))
    except ValueError:
        job = None
    if job is None:
        raise KioskError(_("找不到这个打印任务"))
    return job


def receipt_of(job: PrintJob) -> Receipt:
    return Receipt.from_json(job.document)


def list_jobs(limit: int = 200) -> list[PrintJob]:
    """The hall's jobs, newest first."""
    query = (PrintJob.select().where(PrintJob.hall == local_hall())
             .order_by(PrintJob.queued.desc(), PrintJob.id).limit(limit))
    return list(query)


def waiting_count() -> int:
    return PrintJob.select().where(
        (PrintJob.hall == local_hall()) & (PrintJob.status << ("queued", "sending"))).count()


def job_record(job: PrintJob) -> dict:
    """The job as plain data for exports (without the receipt, which may be personal)."""
    try:
        title = receipt_of(job).title
    except KioskError:
        title = ""
    return {
        "id": job.id, "kind": job.kind, "status": job.status, "attempts": job.attempts,
        "title": title, "created": job.created, "queued": job.queued, "printed": job.printed,
        "next_try": job.next_try, "last_error": job.last_error, "printer": job.printer,
        "copy_of": job.copy_of_id,
    }


# --- staff actions -------------------------------------------------------------------------

def _actor(session: StaffSession | None) -> str:
    return session.actor if session else "system"


def _change(job_id, allowed: tuple[str, ...], refusal: str, **values) -> PrintJob:
    """Set `values` on the job if its status is still one of `allowed` (one statement, so
    the spool cannot claim it in between)."""
    job = get(job_id)
    changed = PrintJob.update(**values).where(
        (PrintJob.id == job.id) & (PrintJob.status << allowed)).execute()
    if not changed:
        raise KioskError(_(refusal))
    return get(job.id)


def retry(session: StaffSession | None, job_id) -> PrintJob:
    """Print a failed or waiting job again, as soon as the printer takes it."""
    with database.atomic():
        job = _change(job_id, ("queued", "failed"), N_("这个任务已经打印、正在打印或已取消，不能重试"),
                      status="queued", next_try=None, queued=dt.datetime.now())
        audit.record("print.retry", actor=_actor(session), subject=str(job.id), kind=job.kind)
    return job


def cancel(session: StaffSession | None, job_id) -> PrintJob:
    with database.atomic():
        job = _change(job_id, ("queued", "failed"), N_("这个任务已经打印、正在打印或已取消，不能取消"),
                      status="cancelled", next_try=None)
        audit.record("print.cancel", actor=_actor(session), subject=str(job.id), kind=job.kind)
    return job


def reprint(session: StaffSession | None, job_id, at: dt.datetime | None = None) -> PrintJob:
    """A new job with a copy of the receipt, marked 补打 so it is not taken for a second
    original."""
    original = get(job_id)
    if original.status in ("queued", "sending"):
        raise KioskError(_("这个任务还在排队或正在打印，不用补打"))
    copy = reprinted(receipt_of(original), at or now())
    with database.atomic():
        job = enqueue(copy, original.kind)
        job.copy_of = original
        job.save()
        audit.record("print.reprint", actor=_actor(session), subject=str(original.id),
                     kind=original.kind, copy=str(job.id))
    return job


# --- the spool's side ----------------------------------------------------------------------

def next_job() -> PrintJob | None:
    """The job to print next: the longest queued."""
    return (PrintJob.select()
            .where((PrintJob.hall == local_hall()) & (PrintJob.status == "queued"))
            .order_by(PrintJob.queued, PrintJob.id).first())


def claim(job: PrintJob, printer: str) -> bool:
    """Mark the job as being sent, committed before any byte goes out. False when it is no
    longer queued (staff cancelled it, or another process took it)."""
    return PrintJob.update(status="sending", attempts=PrintJob.attempts + 1, printer=printer).where(
        (PrintJob.id == job.id) & (PrintJob.status == "queued")).execute() == 1


def mark_printed(job: PrintJob) -> None:
    PrintJob.update(status="printed", printed=now(), next_try=None, last_error="").where(
        PrintJob.id == job.id).execute()


def postpone(job: PrintJob, error: str, next_try: dt.datetime) -> None:
    """Nothing was sent: queue it again, not before `next_try`."""
    PrintJob.update(status="queued", next_try=next_try, last_error=error).where(
        PrintJob.id == job.id).execute()


def fail(job: PrintJob, error: str) -> None:
    PrintJob.update(status="failed", next_try=None, last_error=error).where(
        PrintJob.id == job.id).execute()


def recover_interrupted() -> int:
    """Jobs left `sending` by a crash become failed (see the module's docstring)."""
    return PrintJob.update(status="failed", last_error=INTERRUPTED).where(
        (PrintJob.hall == local_hall()) & (PrintJob.status == "sending")).execute()
