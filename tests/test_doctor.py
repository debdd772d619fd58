"""`kiosk doctor`: every check says ✓ on a hall that is set up right, and ✗ with what to do
(and exit status 1) when that one thing is wrong, each made wrong for real."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

import pytest
from fake_printer import FakePrinter, free_port
from test_cli import KIOSK, hall, kiosk  # noqa: F401 (hall: a fixture)

from kiosk.db.models import AuditEntry
from kiosk.db.session import open_database
from kiosk.scan import TicketPayload
from kiosk.services import doctor, speech
from kiosk.services.doctor import check_scan

# The checks work alike on both engines: test_a_healthy_hall covers PostgreSQL.
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

pytestmark = pytest.mark.usefixtures("quiet_environment")


def lines(out: str) -> dict[str, str]:
    """The check lines, by title: {"备份": "✓ 备份：…"}."""
    return {line[2:].split("：")[0]: line for line in out.splitlines() if line[:1] in "✓✗"}


@pytest.fixture
def backed_up(hall, capsys, tmp_path):
    """The filled hall, backed up a moment ago: nothing for the doctor to find."""
    assert kiosk(capsys, "backup", str(tmp_path / "hall.backup"))[0] == 0
    return hall


def test_a_healthy_hall(backed_up, capsys):
    with FakePrinter() as printer:
        code, out, _ = kiosk(capsys, "doctor", "--printer", printer.uri)
    found = lines(out)
    assert set(found) == {"数据库", "电脑时间", "备份", "磁盘空间", "文件权限", "小票打印机",
                          "中文字体", "朗读"}
    assert all(line.startswith("✓") for line in found.values()), out
    assert code == 0 and "全部正常" in out
    assert "今天" in found["备份"] and "连接正常" in found["小票打印机"]


@sqlite_only
def test_test_page_goes_through_the_spool(backed_up, capsys):
    with FakePrinter() as printer:
        code, out, _ = kiosk(capsys, "doctor", "--printer", printer.uri, "--test-page")
        jobs = printer.jobs()
    assert code == 0 and "已打印测试页" in lines(out)["小票打印机"]
    assert any("测试页".encode("gb18030") in job for job in jobs)


@sqlite_only
@pytest.mark.parametrize("break_it, title, advice", [
    pytest.param(lambda hall, mp: os.chmod(hall.data_dir / "keys", 0o755), "文件权限", "chmod 700",
                 id="keys-folder-open"),
    pytest.param(lambda hall, mp: mp.setattr(doctor, "MIN_FREE_BYTES", 1 << 60), "磁盘空间",
                 "至少留出 1 GB", id="disk-full"),
    pytest.param(lambda hall, mp: mp.setenv("KIOSK_PRINTER_FONT", "/nowhere/font.ttc"), "中文字体",
                 "fonts-wqy-microhei", id="no-font"),
    pytest.param(lambda hall, mp: (mp.setenv("PATH", "/nowhere"), speech.program.cache_clear()),
                 "朗读", "apt install espeak-ng", id="no-espeak"),
    pytest.param(lambda hall, mp: mp.setenv("KIOSK_PRINTER", f"tcp://127.0.0.1:{free_port()}"),
                 "小票打印机", "请检查打印机电源", id="printer-off"),
    pytest.param(lambda hall, mp: AuditEntry.update(subject="改过").where(AuditEntry.seq == 2)
                 .execute(), "数据库", "报告上级", id="audit-log-edited"),
])
def test_each_problem_is_found_with_what_to_do(backed_up, capsys, monkeypatch, break_it, title,
                                               advice):
    open_database(backed_up.db_url)
    break_it(backed_up, monkeypatch)
    code, out, _ = kiosk(capsys, "doctor")
    speech.program.cache_clear()
    found = lines(out)
    assert found[title].startswith("✗") and advice in found[title], out
    assert [t for t, line in found.items() if line.startswith("✗")] == [title]
    assert code == 1 and "1 项有问题" in out


@sqlite_only
def test_a_printer_out_of_paper(backed_up, capsys):
    with FakePrinter(behaviour="paper_out") as printer:
        code, out, _ = kiosk(capsys, "doctor", "--printer", printer.uri)
    assert code == 1 and "缺纸" in lines(out)["小票打印机"]


@sqlite_only
def test_no_backup_an_old_backup_and_a_wrong_clock(hall, config):
    open_database(config.db_url)
    now = dt.datetime.now()
    assert not doctor.check_last_backup(now).ok
    doctor.record_backup(config.data_dir / "x.backup", rows=1, encrypted=True)
    assert doctor.check_last_backup(now + dt.timedelta(days=6)).ok
    old = doctor.check_last_backup(now + dt.timedelta(days=8))
    assert not old.ok and "8 天前" in old.detail
    assert doctor.check_clock(now).ok
    assert "明显不对" in doctor.check_clock(dt.datetime(2001, 1, 1)).detail
    behind = doctor.check_clock(now - dt.timedelta(hours=1))
    assert not behind.ok and "比最后一条操作记录" in behind.detail and "校准" in behind.advice


def test_a_database_that_cannot_be_opened(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "data"))
    code, out, _ = kiosk(capsys, "doctor", "--db", f"sqlite:///{tmp_path / 'nowhere.db'}")
    found = lines(out)
    assert code == 1 and found["数据库"].startswith("✗") and "找不到数据库文件" in found["数据库"]
    assert "备份" not in found  # the checks that need the database are left out


@sqlite_only
def test_scan_check_names_what_was_scanned(hall, config):
    from kiosk.db.models import Member, Request
    from kiosk.services import cards

    open_database(config.db_url)
    member = Member.get()
    card = cards.issue_member_card(None, member, config.keys_dir)
    said = check_scan(lambda timeout: card.lower() + "\r\n", 5)
    assert said.ok and "党员卡" in said.detail and member.number in said.detail
    assert "签名有效" in said.detail
    request = Request.get()
    ticket = TicketPayload(request.ticket, request.secret).text
    assert "诉求回执" in check_scan(lambda timeout: ticket, 5).detail
    forged = check_scan(lambda timeout: card[:-4] + "AAAA", 5)
    assert "签名不是本中心" in forged.detail
    garbage = check_scan(lambda timeout: "https://example.invalid/x", 5)
    assert not garbage.ok and "大写锁定" in garbage.advice
    assert not check_scan(lambda timeout: None, 5).ok


@sqlite_only
def test_scan_from_a_real_scanner_on_standard_input(backed_up):
    """A real process reading its standard input, which stays open and silent: the check
    gives up after its timeout instead of waiting for ever."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    with subprocess.Popen([str(KIOSK), "doctor", "--scan", "--scan-seconds", "1"],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                          text=True, encoding="utf-8") as process:
        assert process.wait(timeout=60) == 1  # stdin still open: nothing was scanned
        out = process.stdout.read()
    assert lines(out)["扫码器"].startswith("✗ 扫码器：1 秒内没有收到扫码")

