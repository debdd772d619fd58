"""Figure: receipts. How long a sign-in slip takes to render (text and raster mode), its size
before its QR code in text mode and whole as a raster picture (and what that means on a
9600-baud serial printer), and the time from storing the print job to the last byte at a
network printer on 127.0.0.1 (a small server here that answers status queries as a printer
does), through the real spool and database."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time

from bench.sandbox import Sandbox
from bench.stats import summary
from kiosk.db.database import database
from kiosk.db.session import open_database
from kiosk.printing import receipts
from kiosk.printing.escpos import PrintFormat, render
from kiosk.printing.printers import parse_address
from kiosk.printing.spool import Spool
from kiosk.services import printing

NAME = "printing"
TARGETS = {"render_ms": 10.0, "bytes_before_qr": 600, "delivery_ms": 300.0}
RENDERS = 200  # timed renders per mode
BAUD = 9600


def slip():
    at = dt.datetime(2026, 11, 27, 9, 5, 12)
    return receipts.signin_slip(
        hall="东风村党群服务中心", time=at, member_name="张三明", member_number="M0001",
        event_title="主题党日：学习贯彻党的二十届三中全会精神", event_start=at.replace(minute=0),
        place="村委会二楼会议室", late=True, proof="VK1TT0001.ABCDEFGHIJKLMNOP")


def render_times(fmt: PrintFormat, count: int) -> list[float]:
    receipt = slip()
    render(receipt, fmt)  # fonts and QR matrix loaded once, as in a running kiosk
    times = []
    for _ in range(count):
        start = time.perf_counter()
        render(receipt, fmt)
        times.append((time.perf_counter() - start) * 1000)
    return times


class LocalPrinter:
    """Takes jobs on 127.0.0.1, answers DLE EOT queries, and notes when `expected` bytes of
    the current connection have arrived."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.expected = 0
        self.arrived = threading.Event()
        self.last_byte = 0.0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                received = 0
                while chunk := connection.recv(65536):
                    received += len(chunk)
                    if received >= self.expected and not self.arrived.is_set():
                        self.last_byte = time.perf_counter()
                        self.arrived.set()
                    connection.sendall(b"\x12" * chunk.count(b"\x10\x04"))

    def close(self) -> None:
        self.server.close()


def delivery_times(db_url: str, samples: int, warmups: int) -> list[float]:
    open_database(db_url)
    printer = LocalPrinter()
    fmt = PrintFormat()
    printer.expected = 3 + len(render(slip(), fmt)) + 3  # status query, job, status query
    spool = Spool(parse_address(f"tcp://127.0.0.1:{printer.port}"), fmt)
    spool.start()
    times = []
    try:
        for sample in range(warmups + samples):
            printer.arrived.clear()
            start = time.perf_counter()
            printing.enqueue(slip(), "signin")
            spool.wake()
            if not printer.arrived.wait(10):
                raise RuntimeError("the job did not arrive at the printer")
            if sample >= warmups:
                times.append((printer.last_byte - start) * 1000)
            time.sleep(0.05)  # let the spool record the job as printed
    finally:
        spool.stop()
        printer.close()
        database.close()
    return times


def measure(box: Sandbox, samples: int, warmups: int) -> dict:
    text_58 = render(slip(), PrintFormat(58))
    sizes = {f"{mode}_{mm}": len(render(slip(), PrintFormat(mm, mode)))
             for mode in ("text", "raster") for mm in (58, 80)}
    return {
        "unit": "ms",
        "targets": TARGETS,
        "render_text_58": summary(render_times(PrintFormat(58), RENDERS)),
        "render_raster_58": summary(render_times(PrintFormat(58, "raster"), RENDERS)),
        "bytes_before_qr": text_58.index(b"\x1d(k"),
        "bytes": sizes,
        "seconds_at_9600_baud": {name: size * 10 / BAUD for name, size in sizes.items()},
        "delivery": summary(delivery_times(box.db_url, samples, warmups)),
    }


def report(result: dict) -> str:
    targets = result["targets"]

    def verdict(value: float, target: float) -> str:
        return f"target <= {target:g}: {'met' if value <= target else 'NOT met'}"

    text, raster, delivery = result["render_text_58"], result["render_raster_58"], result["delivery"]
    sizes, seconds = result["bytes"], result["seconds_at_9600_baud"]
    lines = [
        "Receipts: a sign-in slip (58 mm unless said otherwise)",
        (f"  render, text mode    median {text['median']:6.2f} ms  p95 {text['p95']:6.2f} ms"
         f"  ({verdict(text['p95'], targets['render_ms'])})"),
        f"  render, raster mode  median {raster['median']:6.2f} ms  p95 {raster['p95']:6.2f} ms",
        (f"  text mode before its QR code: {result['bytes_before_qr']} bytes"
         f" ({verdict(result['bytes_before_qr'], targets['bytes_before_qr'])})"),
        (f"  whole job   text 58 / 80 mm: {sizes['text_58']} / {sizes['text_80']} bytes"
         f" ({seconds['text_58']:.1f} / {seconds['text_80']:.1f} s at {BAUD} baud)"),
        (f"            raster 58 / 80 mm: {sizes['raster_58']} / {sizes['raster_80']} bytes"
         f" ({seconds['raster_58']:.1f} / {seconds['raster_80']:.1f} s at {BAUD} baud)"),
        (f"  enqueue to last byte at a local TCP printer: median {delivery['median']:.1f} ms"
         f"  p95 {delivery['p95']:.1f} ms  ({len(delivery['samples'])} samples;"
         f" {verdict(delivery['p95'], targets['delivery_ms'])})"),
    ]
    return "\n".join(lines)
