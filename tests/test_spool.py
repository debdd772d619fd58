"""The print spool against real connections, on both databases: a TCP printer on 127.0.0.1
(tests/fake_printer.py) that works, is down, hangs, drops the line mid-job or has no paper;
a file:// printer; restarts; and the staff actions on the queue."""

from __future__ import annotations

import datetime as dt
import random
import time

import pytest
from escpos_decoder import decode
from fake_printer import FakePrinter, free_port
from receipt_samples import SAMPLES, signin_slip

from kiosk.db.models import AuditEntry, PrintJob
from kiosk.errors import KioskError
from kiosk.printing.escpos import PrintFormat, render
from kiosk.printing.printers import STATUS_QUERY, parse_address
from kiosk.printing.spool import GAVE_UP, Spool
from kiosk.services import printing
from kiosk.services.staff import StaffSession

FAST = {"timeout": 0.3, "retry": 0.05, "max_retry": 0.2}
STATUS = STATUS_QUERY + b"\x01"
CLERK = StaffSession("8002", "李秀英", "staff")


@pytest.fixture
def spools(db):
    """Start spools for printer URIs; all are stopped at the end of the test."""
    started: list[Spool] = []

    def start(uri: str, fmt: PrintFormat | None = None, **settings) -> Spool:
        updates = []
        spool = Spool(parse_address(uri), fmt or PrintFormat(), **(FAST | settings),
                      on_update=updates.append)
        spool.updates = updates
        spool.start()
        started.append(spool)
        return spool

    yield start
    for spool in started:
        spool.stop()


def wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"still not true after {timeout} s"
        time.sleep(0.01)


def job_of(job) -> PrintJob:
    return PrintJob.get_by_id(job.id)


def status(job) -> str:
    return job_of(job).status


def test_a_job_arrives_byte_exact_and_is_marked_printed(spools):
    with FakePrinter() as printer:
        spool = spools(printer.uri)
        job = printing.enqueue(signin_slip(), "signin")
        assert status(job) == "queued"  # stored before anything is sent
        spool.wake()
        wait_for(lambda: status(job) == "printed")
        assert printer.jobs() == [STATUS + render(signin_slip(), PrintFormat()) + STATUS]
    stored = job_of(job)
    assert (stored.attempts, stored.printer, stored.last_error) == (1, f"127.0.0.1:{printer.port}", "")
    assert stored.printed is not None
    assert [(u.job_id, u.status) for u in spool.updates] == [(str(job.id), "printed")]
    assert spool.state.ok is True


def test_jobs_print_in_the_order_they_were_queued(spools):
    with FakePrinter() as printer:
        jobs = [printing.enqueue(SAMPLES[name], name) for name in ("ticket", "notice", "card")]
        spools(printer.uri)  # a spool starting on a queue left from before
        wait_for(lambda: all(status(job) == "printed" for job in jobs))
        expected = [STATUS + render(SAMPLES[name], PrintFormat()) + STATUS
                    for name in ("ticket", "notice", "card")]
        assert printer.jobs() == expected


def test_with_the_printer_down_the_job_waits_and_prints_when_it_comes_up(spools):
    port = free_port()
    spool = spools(f"tcp://127.0.0.1:{port}")
    job = printing.enqueue(signin_slip(), "signin")
    spool.wake()
    wait_for(lambda: job_of(job).attempts >= 3 and status(job) == "queued")
    waiting = job_of(job)
    assert waiting.status == "queued" and "拒绝连接" in waiting.last_error
    assert waiting.next_try is not None
    assert spool.updates[0].status == "waiting" and spool.state.ok is False
    with FakePrinter(port) as printer:
        wait_for(lambda: status(job) == "printed")
        assert printer.jobs() == [STATUS + render(signin_slip(), PrintFormat()) + STATUS]


def test_a_new_job_tries_a_waiting_printer_again_at_once(spools):
    port = free_port()
    spool = spools(f"tcp://127.0.0.1:{port}", retry=60, max_retry=60)
    first = printing.enqueue(SAMPLES["ticket"], "ticket")
    spool.wake()
    wait_for(lambda: job_of(first).attempts >= 1 and status(first) == "queued")
    with FakePrinter(port) as printer:  # back long before the next try, a minute away
        second = printing.enqueue(signin_slip(), "signin")
        spool.wake()
        wait_for(lambda: status(second) == "printed")
        assert [job[3:-3] for job in printer.jobs()] == [
            render(SAMPLES["ticket"], PrintFormat()), render(signin_slip(), PrintFormat())]


def test_a_printer_that_hangs_holds_up_neither_the_caller_nor_the_job(spools):
    with FakePrinter(behaviour="hang") as printer:
        spool = spools(printer.uri)
        started = time.perf_counter()
        job = printing.enqueue(signin_slip(), "signin")
        spool.wake()
        assert time.perf_counter() - started < 0.2  # storing and waking never waits for it
        wait_for(lambda: job_of(job).attempts >= 1 and status(job) == "queued")
        assert "没有回应" in job_of(job).last_error
        assert all(job == b"" for job in printer.jobs())  # nothing but the query was... read
        printer.behaviour = "ok"  # it recovers
        wait_for(lambda: status(job) == "printed")
        assert printer.jobs()[-1] == STATUS + render(signin_slip(), PrintFormat()) + STATUS


def test_a_connection_dropped_mid_job_keeps_the_job_for_staff(spools):
    with FakePrinter(behaviour="drop") as printer:
        spool = spools(printer.uri)
        job = printing.enqueue(SAMPLES["ticket"], "ticket")
        spool.wake()
        wait_for(lambda: status(job) == "failed")
        assert job_of(job).last_error  # the reason, in words
        time.sleep(0.3)  # several retry periods: part of it may be on paper, so no resending
        assert len(printer.jobs()) == 1 and status(job) == "failed"
        assert spool.updates[-1].status == "failed"
        printer.behaviour = "ok"
        printing.retry(CLERK, job.id)
        spool.wake()
        wait_for(lambda: status(job) == "printed")
        assert printer.jobs()[-1] == STATUS + render(SAMPLES["ticket"], PrintFormat()) + STATUS


def test_out_of_paper_is_said_plainly_and_nothing_is_sent(spools):
    with FakePrinter(behaviour="paper_out") as printer:
        spool = spools(printer.uri)
        job = printing.enqueue(signin_slip(), "signin")
        spool.wake()
        # between retries the job waits queued (a retry may be under way when we look)
        wait_for(lambda: "缺纸" in job_of(job).last_error and status(job) == "queued")
        assert all(job in (b"", STATUS, STATUS + STATUS_QUERY + b"\x02") for job in printer.jobs())


def test_a_simple_printer_gets_the_job_without_status_queries(spools):
    fmt = PrintFormat(80, "text", "simple")
    with FakePrinter() as printer:
        spool = spools(printer.uri, fmt)
        job = printing.enqueue(SAMPLES["card"], "card")
        spool.wake()
        wait_for(lambda: status(job) == "printed")
        assert printer.jobs() == [render(SAMPLES["card"], fmt)]


def test_a_file_printer(spools, tmp_path):
    target = tmp_path / "lp0"
    spool = spools(f"file://{target}", PrintFormat(58, "raster"))
    jobs = [printing.enqueue(SAMPLES[name], name) for name in ("signin", "ticket")]
    spool.wake()
    wait_for(lambda: all(status(job) == "printed" for job in jobs))
    fmt = PrintFormat(58, "raster")
    assert target.read_bytes() == render(SAMPLES["signin"], fmt) + render(SAMPLES["ticket"], fmt)


def test_a_file_printer_that_cannot_be_opened_waits(spools, tmp_path):
    spool = spools(f"file://{tmp_path}/no-such-dir/lp0")
    job = printing.enqueue(signin_slip(), "signin")
    spool.wake()
    wait_for(lambda: job_of(job).attempts >= 1 and status(job) == "queued")
    assert "打不开打印机" in job_of(job).last_error


def test_a_job_cut_off_by_a_crash_is_not_sent_again(spools):
    job = printing.enqueue(signin_slip(), "signin")
    assert printing.claim(job, "127.0.0.1:9100")  # the program died while sending this
    later = printing.enqueue(SAMPLES["ticket"], "ticket")
    with FakePrinter() as printer:
        spools(printer.uri)
        wait_for(lambda: status(later) == "printed")
        assert printer.jobs() == [STATUS + render(SAMPLES["ticket"], PrintFormat()) + STATUS]
    assert status(job) == "failed" and job_of(job).last_error == printing.INTERRUPTED


def test_a_printer_away_too_long_leaves_the_job_to_staff(spools):
    spool = spools(f"tcp://127.0.0.1:{free_port()}", give_up=dt.timedelta(0))
    job = printing.enqueue(signin_slip(), "signin")
    spool.wake()
    wait_for(lambda: status(job) == "failed")
    assert job_of(job).last_error == GAVE_UP and job_of(job).attempts == 0


def test_an_unreadable_job_fails_and_the_next_one_prints(spools):
    broken = printing.enqueue(signin_slip(), "signin")
    PrintJob.update(document="{not json").where(PrintJob.id == broken.id).execute()
    good = printing.enqueue(SAMPLES["ticket"], "ticket")
    with FakePrinter() as printer:
        spools(printer.uri)
        wait_for(lambda: status(good) == "printed")
    assert status(broken) == "failed" and "无法读取" in job_of(broken).last_error


# --- staff actions -------------------------------------------------------------------------

def test_cancelled_jobs_are_not_printed_and_staff_actions_are_audited(spools):
    job = printing.enqueue(signin_slip(), "signin")
    printing.cancel(CLERK, job.id)
    with pytest.raises(KioskError, match="不能重试"):
        printing.retry(CLERK, job.id)
    with FakePrinter() as printer:
        spool = spools(printer.uri)
        later = printing.enqueue(SAMPLES["ticket"], "ticket")
        spool.wake()
        wait_for(lambda: status(later) == "printed")
        assert len(printer.jobs()) == 1
        copy = printing.reprint(CLERK, later.id, at=dt.datetime(2026, 11, 28, 10, 0))
        spool.wake()
        wait_for(lambda: status(copy) == "printed")
        assert "【补打 2026-11-28 10:00】" in decode(printer.jobs()[-1][3:-3], 32)
    assert job_of(copy).copy_of_id == later.id and status(later) == "printed"
    with pytest.raises(KioskError, match="不能取消"):
        printing.cancel(CLERK, later.id)
    entries = list(AuditEntry.select().order_by(AuditEntry.seq))
    assert [(e.action, e.actor, e.subject) for e in entries[-2:]] == [
        ("print.cancel", "staff:8002", str(job.id)), ("print.reprint", "staff:8002", str(later.id))]


def test_held_jobs_wait_for_staff(db):
    job = printing.enqueue(signin_slip(), "signin", held="没有连接打印机")
    assert (status(job), job_of(job).last_error) == ("failed", "没有连接打印机")
    assert printing.next_job() is None
    printing.retry(None, job.id)
    assert printing.next_job().id == job.id
    record = printing.job_record(job_of(job))
    assert (record["kind"], record["status"], record["attempts"], record["title"]) == (
        "signin", "queued", 0, "签到凭条")


def test_unknown_jobs(db):
    for job_id in ("nonsense", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(KioskError, match="找不到这个打印任务"):
            printing.retry(CLERK, job_id)


def test_a_printer_that_hangs_mid_job_costs_that_job_only(spools):
    """It took the start of the receipt and then stopped reading and answering, keeping the
    line open: the job is left to staff (part may be on paper), the next one still prints."""
    with FakePrinter(behaviour="stall") as printer:
        spool = spools(printer.uri)
        stalled = printing.enqueue(SAMPLES["ticket"], "ticket")
        spool.wake()
        wait_for(lambda: status(stalled) == "failed")
        assert "没有回应" in job_of(stalled).last_error
        printer.behaviour = "ok"  # the stalled line is still open; a new one works
        later = printing.enqueue(signin_slip(), "signin")
        spool.wake()
        wait_for(lambda: status(later) == "printed")
        assert [len(job) for job in printer.jobs()][0] == 3 + printer.drop_after
        assert printer.jobs()[1:] == [
            STATUS + render(signin_slip(), PrintFormat()) + STATUS]
    assert status(stalled) == "failed"


FAULTS = ("down", "ok", "hang", "drop", "stall", "paper_out")
FAULT_SEED = 19  # a run with every fault, four of them mid-job


def test_a_printer_failing_every_way_loses_no_job_and_prints_none_twice(spools):
    """A seeded run of faults (refused, hung, dropped or stalled mid-job, out of paper) while
    jobs queue up, then the printer works again: every job is printed exactly once, or was
    cut off while sending and is left to staff; none is sent again once it had started."""
    rng = random.Random(FAULT_SEED)
    port = free_port()
    spool = spools(f"tcp://127.0.0.1:{port}")
    jobs, printers = [], []
    try:
        for step in range(10):
            fault = rng.choice(FAULTS)
            if fault != "down":
                printers.append(FakePrinter(port, fault, drop_after=rng.randrange(1, 300)))
            jobs.append(printing.enqueue(signin_slip(member_number=f"M{step:03d}"), "signin"))
            spool.wake()
            time.sleep(rng.uniform(0.05, 0.3))
            if fault != "down":
                printers[-1].stop()
        printers.append(FakePrinter(port))
        spool.wake()
        wait_for(lambda: not PrintJob.select().where(
            PrintJob.status << ("queued", "sending")).exists(), timeout=10)
    finally:
        for printer in printers:
            printer.stop()
    received = [job for printer in printers for job in printer.jobs()]
    started = [job for job in received
               if job.replace(STATUS, b"").replace(STATUS_QUERY + b"\x02", b"")]
    outcome = {}
    for job in jobs:
        stored = job_of(job)
        copies = sum(data.count(render(printing.receipt_of(stored), PrintFormat()))
                     for data in received)
        outcome[stored.status] = outcome.get(stored.status, 0) + 1
        assert (stored.status, copies) in (("printed", 1), ("failed", 0), ("failed", 1)), (
            f"seed {FAULT_SEED}: {stored.status} job with {copies} copies")
    assert len(started) == len(jobs), f"seed {FAULT_SEED}: {outcome}, {len(started)} sendings"
