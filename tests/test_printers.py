"""Printer addresses, connections and settings: what a technician could get wrong gets a
plain Chinese message, never a traceback or a hang."""

from __future__ import annotations

import os
import sys
import time
import types

import pytest
from fake_printer import FakePrinter, free_port

from kiosk.config import load_config
from kiosk.errors import KioskError
from kiosk.printing.printers import (
    PrinterAddress,
    PrinterUnavailable,
    PrintInterrupted,
    parse_address,
    send,
)
from kiosk.printing.spool import spool_for


@pytest.mark.parametrize("uri, address, shown", [
    ("tcp://192.168.1.50", PrinterAddress("tcp", host="192.168.1.50"), "192.168.1.50:9100"),
    ("TCP://printer.local:9101", PrinterAddress("tcp", host="printer.local", port=9101),
     "printer.local:9101"),
    ("tcp://[::1]:9100", PrinterAddress("tcp", host="::1"), "[::1]:9100"),
    ("usb://0416:5011", PrinterAddress("usb", vendor=0x0416, product=0x5011), "USB 0416:5011"),
    ("serial:///dev/ttyUSB0?baudrate=19200", PrinterAddress("serial", path="/dev/ttyUSB0",
                                                            baudrate=19200), "/dev/ttyUSB0（19200）"),
    ("serial://COM3", PrinterAddress("serial", path="COM3"), "COM3（9600）"),
    ("file:///dev/usb/lp0", PrinterAddress("file", path="/dev/usb/lp0"), "/dev/usb/lp0"),
    ("file:///C:/receipts/out.prn", PrinterAddress("file", path="C:/receipts/out.prn"),
     "C:/receipts/out.prn"),
    (" none ", PrinterAddress("none"), "none"),
    ("", PrinterAddress("none"), "none"),
])
def test_printer_addresses(uri, address, shown):
    assert parse_address(uri) == address
    assert str(address) == shown


@pytest.mark.parametrize("uri, words", [
    ("tcp://", "缺少网络地址"), ("tcp://host:0", "端口"), ("tcp://host:99999", "端口"),
    ("tcp://host:abc", "端口"), ("usb://abc", "厂商号:产品号"), ("usb://0416", "厂商号:产品号"),
    ("serial://", "缺少串口"), ("serial:///dev/ttyS0?baudrate=123", "波特率"),
    ("file://", "缺少文件路径"), ("192.168.1.50", "看不懂"), ("lpt1:", "看不懂"),
    ("http://printer", "看不懂"),
])
def test_wrong_addresses_say_what_is_wrong(uri, words):
    with pytest.raises(KioskError) as info:
        parse_address(uri)
    assert words in str(info.value) and "\n" not in str(info.value)


def test_unreachable_printers_fail_fast_without_sending(tmp_path):
    started = time.perf_counter()
    with pytest.raises(PrinterUnavailable, match="拒绝连接"):
        send(parse_address(f"tcp://127.0.0.1:{free_port()}"), b"x", 0.5, True)
    with pytest.raises(PrinterUnavailable, match="找不到打印机"):
        send(parse_address("tcp://no-such-printer.invalid"), b"x", 0.5, True)
    with pytest.raises(PrinterUnavailable, match="打不开打印机"):
        send(parse_address(f"file://{tmp_path}/missing/lp0"), b"x", 0.5, True)
    assert time.perf_counter() - started < 5


def test_a_printer_that_accepts_and_hangs_times_out():
    with FakePrinter(behaviour="hang") as printer:
        started = time.perf_counter()
        with pytest.raises(PrinterUnavailable, match="没有回应"):
            send(parse_address(printer.uri), b"x" * 100, 0.3, True)
        assert time.perf_counter() - started < 2
        # without status queries, a printer that stops reading is caught by the time limit
        with pytest.raises(PrintInterrupted, match="长时间不接收"):
            send(parse_address(printer.uri), b"x" * 50_000_000, 0.3, False)


def test_a_serial_printer_on_a_pseudo_terminal():  # pyserial comes with the test extra
    controller, port = os.openpty()
    try:
        address = parse_address(f"serial://{os.ttyname(port)}?baudrate=115200")
        send(address, b"\x1b@hello\n", 0.5, False)
        assert os.read(controller, 100) == b"\x1b@hello\n"
        with pytest.raises(PrinterUnavailable, match="没有回应"):  # nobody answers the query
            send(address, b"x", 0.2, True)
    finally:
        os.close(controller)
        os.close(port)
    with pytest.raises(PrinterUnavailable, match="打不开串口"):
        send(parse_address("serial:///dev/no-such-tty"), b"x", 0.2, False)


@pytest.mark.parametrize("uri, module, extra", [
    ("serial:///dev/ttyUSB0", "serial", "serial"), ("usb://0416:5011", "usb.core", "usb"),
])
def test_a_missing_optional_library_is_named(monkeypatch, uri, module, extra):
    monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    with pytest.raises(PrinterUnavailable) as info:
        send(parse_address(uri), b"x", 0.2, False)
    assert f"village-hall-kiosk[{extra}]" in str(info.value)


# --- settings ------------------------------------------------------------------------------

def test_printer_settings_default_to_a_58_mm_text_printer():
    config = load_config(environ={"XDG_CONFIG_HOME": "/nonexistent"})
    assert (config.printer, config.paper_mm, config.printer_mode, config.printer_profile) == (
        "none", 58, "text", "default")
    assert (config.printer_font, config.printer_timeout_ms, config.print_retry_ms) == ("", 3000, 5000)


def test_printer_settings_from_a_file(tmp_path):
    file = tmp_path / "kiosk.toml"
    file.write_text('printer = "tcp://192.168.1.50"\npaper_mm = 80\nprinter_mode = "raster"\n'
                    'printer_profile = "simple"\nprinter_font = "/fonts/simhei.ttf"\n'
                    "printer_timeout_ms = 5000\nprint_retry_ms = 10000\n", encoding="utf-8")
    config = load_config(file, environ={})
    assert (config.paper_mm, config.printer_mode, config.printer_profile, config.printer_font) == (
        80, "raster", "simple", "/fonts/simhei.ttf")
    assert (config.printer_timeout_ms, config.print_retry_ms) == (5000, 10000)


@pytest.mark.parametrize("name, value", [
    ("KIOSK_PAPER_MM", "wide"), ("KIOSK_PRINTER_TIMEOUT_MS", "-1"), ("KIOSK_PRINT_RETRY_MS", "1.5"),
])
def test_wrong_printer_setting_types(name, value):
    with pytest.raises(KioskError) as info:
        load_config(environ={name: value})
    assert name.removeprefix("KIOSK_").lower() in str(info.value)


@pytest.mark.parametrize("name, value", [
    ("KIOSK_PAPER_MM", "57"), ("KIOSK_PRINTER_MODE", "image"), ("KIOSK_PRINTER_PROFILE", "epson"),
])
def test_wrong_printer_settings_are_found_when_the_printer_is_set_up(name, value):
    """Not when the settings are read: a printer typo must not stop the kiosk or a backup."""
    config = load_config(environ={name: value, "KIOSK_PRINTER": "tcp://192.168.1.50"})
    with pytest.raises(KioskError) as info:
        spool_for(config)
    assert name.removeprefix("KIOSK_").lower() in str(info.value)
    with pytest.raises(KioskError, match="没有设置打印机"):
        spool_for(load_config(environ={}))


def fake_pyusb(monkeypatch, sink: bytearray):
    """pyusb's few calls the USB connection makes, over a printer that answers status."""

    class Endpoint:
        wMaxPacketSize = 64

        def __init__(self, address: int):
            self.bEndpointAddress = address

        def write(self, data, timeout):
            sink.extend(data)
            return len(data)

        def read(self, size, timeout):
            return bytes([0x12])

    class Device:
        detached = False

        def is_kernel_driver_active(self, interface):
            return True

        def detach_kernel_driver(self, interface):
            Device.detached = True

        def set_configuration(self):
            pass

        def get_active_configuration(self):
            return {(0, 0): [Endpoint(0x01), Endpoint(0x81)]}

    def find(idVendor, idProduct):  # pyusb's names
        return Device() if (idVendor, idProduct) == (0x0416, 0x5011) else None

    core = types.SimpleNamespace(find=find, USBError=type("USBError", (Exception,), {}),
                                 NoBackendError=type("NoBackendError", (Exception,), {}))
    util = types.SimpleNamespace(ENDPOINT_OUT=0x00, ENDPOINT_IN=0x80,
                                 endpoint_direction=lambda address: address & 0x80,
                                 dispose_resources=lambda device: None)
    monkeypatch.setitem(sys.modules, "usb", types.SimpleNamespace(core=core, util=util))
    monkeypatch.setitem(sys.modules, "usb.core", core)
    monkeypatch.setitem(sys.modules, "usb.util", util)
    return Device


def test_a_usb_printer(monkeypatch):
    sink = bytearray()
    device = fake_pyusb(monkeypatch, sink)
    send(parse_address("usb://0416:5011"), b"\x1b@hello\n", 0.5, True)
    assert bytes(sink) == b"\x10\x04\x01\x1b@hello\n\x10\x04\x01" and device.detached
    with pytest.raises(PrinterUnavailable, match="找不到 USB 0416:9999"):
        send(parse_address("usb://0416:9999"), b"x", 0.5, True)
