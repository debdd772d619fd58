"""`kiosk printer test` and `kiosk print-jobs list`, called in-process, on both databases."""

from __future__ import annotations

import json

import pytest
from escpos_decoder import decode
from fake_printer import FakePrinter, free_port

from kiosk.cli import main
from kiosk.db.database import database
from kiosk.db.models import PrintJob


@pytest.fixture
def hall(db, config, command_line):
    """A hall the command line finds through KIOSK_DB and KIOSK_DATA_DIR, and no printer."""
    database.close()
    return config


def kiosk(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_test_page_on_a_file_printer_and_the_job_list(hall, capsys, tmp_path):
    target = tmp_path / "lp0"
    code, out, err = kiosk(capsys, "printer", "test", "--printer", f"file://{target}")
    assert (code, err) == (0, "") and "测试页已打印" in out
    text = decode(target.read_bytes(), 32)
    assert "打印机测试页" in text and "测试村党群服务中心" in text and "打印机：file:///" in text

    code, out, _ = kiosk(capsys, "print-jobs", "list", "--json")
    [job] = json.loads(out)
    assert {k: job[k] for k in ("kind", "status", "attempts", "title")} == {
        "kind": "test", "status": "printed", "attempts": 1, "title": "打印机测试页"}
    assert len(job["id"]) == 36 and job["printed"].startswith("20")

    code, out, _ = kiosk(capsys, "print-jobs", "list")
    assert code == 0 and "打印机测试页" in out and "已打印" in out


def test_an_80_mm_raster_test_page_on_a_network_printer(hall, capsys, monkeypatch):
    monkeypatch.setenv("KIOSK_PAPER_MM", "80")
    monkeypatch.setenv("KIOSK_PRINTER_MODE", "raster")
    with FakePrinter() as printer:
        code, out, _ = kiosk(capsys, "printer", "test", "--printer", printer.uri)
        assert code == 0 and "测试页已打印" in out
        [job] = printer.jobs()
        assert b"\x1dv0\x00" + (576 // 8).to_bytes(2, "little") in job


@pytest.mark.parametrize("uri, words", [
    ("lpt1", "看不懂打印机地址"),
    ("tcp://127.0.0.1:99999", "端口"),
    ("none", "没有设置打印机"),
])
def test_wrong_printers_are_one_plain_line(hall, capsys, uri, words):
    code, _, err = kiosk(capsys, "printer", "test", "--printer", uri)
    assert code == 2 and err.startswith("错误：") and err.count("\n") == 1 and words in err


def test_a_printer_that_is_not_there(hall, capsys):
    code, _, err = kiosk(capsys, "printer", "test", "--printer", f"tcp://127.0.0.1:{free_port()}",
                         "--db", hall.db_url)
    assert code == 2 and "拒绝连接" in err
    database.close()
    code, out, _ = kiosk(capsys, "print-jobs", "list", "--json")
    [job] = json.loads(out)
    assert job["status"] == "failed" and "拒绝连接" in job["last_error"]
    assert PrintJob.select().count() == 1
