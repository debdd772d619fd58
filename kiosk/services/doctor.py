"""`kiosk doctor`: a village technician's check of a hall's set-up. Each check gives one
line, ✓ or ✗, and for ✗ what to do, in plain Chinese."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import peewee

from kiosk.config import Config
from kiosk.db.database import first_line, is_postgres, sqlite_path
from kiosk.db.models import AuditEntry, now
from kiosk.db.session import open_database
from kiosk.errors import KioskError
from kiosk.services import audit, cards, hall

MIN_FREE_BYTES = 1 << 30  # 1 GiB: room for the database to grow and for a backup
MAX_BACKUP_AGE = dt.timedelta(days=7)
CLOCK_SLACK = dt.timedelta(minutes=5)  # the audit log may be a little ahead (another hall)
EARLIEST_YEAR = 2025  # before this program existed: the clock's battery has run down
BACKUP_ACTION = "backup.create"
SCAN_KINDS = {"M": "党员卡", "S": "工作证", "T": "诉求回执"}


@dataclass(frozen=True)
class Check:
    ok: bool
    title: str
    detail: str
    advice: str = ""  # what to do, for a failed check

    def line(self) -> str:
        text = f"{'✓' if self.ok else '✗'} {self.title}：{self.detail}"
        if self.ok:
            return text
        return f"{text}{'' if text.endswith(('。', '？', '！')) else '。'}{self.advice}"


def run_checks(config: Config, at: dt.datetime, test_page: bool = False) -> Iterator[Check]:
    """Every check, one after another (the database ones only once it opens)."""
    database_check = check_database(config)
    yield database_check
    if database_check.ok:
        yield check_clock(at)
        yield check_last_backup(at)
    yield check_disk(config)
    yield check_permissions(config)
    yield check_printer(config, test_page and database_check.ok)
    yield check_font(config)
    yield check_speech()


def check_database(config: Config) -> Check:
    title = "数据库"
    try:
        db = open_database(config.db_url)
        if is_postgres(db):
            db.execute_sql("SELECT 1")
        else:
            result = db.execute_sql("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                return Check(False, title, f"文件已损坏（{result}）",
                             "请停止使用这台终端，用最近的备份恢复：kiosk restore 备份文件")
        chain = audit.verify()
    except KioskError as exc:
        return Check(False, title, str(exc), "请检查 --db 或配置里的 db 设置，或先运行 kiosk init")
    except peewee.DatabaseError as exc:
        return Check(False, title, f"无法读取（{first_line(exc)}）",
                     "请用最近的备份恢复：kiosk restore 备份文件")
    if not chain.ok:
        return Check(False, title, f"操作日志被改动过：{chain.problem}",
                     "请保留现场，报告上级，再用 kiosk audit verify 复查")
    return Check(True, title, f"能打开，完整性检查通过，操作日志 {chain.entries} 条完好")


def check_clock(at: dt.datetime) -> Check:
    title = "电脑时间"
    last = AuditEntry.select().order_by(AuditEntry.seq.desc()).first()
    advice = "请把电脑时间校准到北京时间（签到时间和迟到都按它算）"
    if at.year < EARLIEST_YEAR or at.year > 2100:
        return Check(False, title, f"现在显示 {at:%Y-%m-%d %H:%M}，明显不对", advice)
    if last is not None and at < last.time - CLOCK_SLACK:
        return Check(False, title, f"现在显示 {at:%Y-%m-%d %H:%M}，"
                     f"比最后一条操作记录（{last.time:%Y-%m-%d %H:%M}）还早", advice)
    return Check(True, title, f"{at:%Y-%m-%d %H:%M}")


def record_backup(file: Path, rows: int, encrypted: bool) -> None:
    """Note a backup in the audit log, where check_last_backup finds it."""
    audit.record(BACKUP_ACTION, subject=file.name, rows=rows, encrypted=encrypted)


def check_last_backup(at: dt.datetime) -> Check:
    title = "备份"
    last = (AuditEntry.select().where(AuditEntry.action == BACKUP_ACTION)
            .order_by(AuditEntry.seq.desc()).first())
    advice = "请运行 kiosk backup --encrypt 备份文件，并设置每天自动备份（见 docs/OPERATIONS.md）"
    if last is None:
        return Check(False, title, "还没有备份过", advice)
    days = max(0, (at - last.time).days)
    when = "今天" if days == 0 else f"{days} 天前"
    if at - last.time > MAX_BACKUP_AGE:
        return Check(False, title, f"最近一次备份是{when}（{last.subject}）", advice)
    return Check(True, title, f"最近一次备份是{when}（{last.subject}）")


def check_disk(config: Config) -> Check:
    title = "磁盘空间"
    folder = sqlite_path(config.db_url)
    folder = folder.parent if folder else config.data_dir
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    detail = f"{folder} 所在的磁盘还剩 {free / (1 << 30):.1f} GB"
    if free < MIN_FREE_BYTES:
        return Check(False, title, detail, "请删除不用的文件，或把旧备份移到 U 盘，至少留出 1 GB")
    return Check(True, title, detail)


def private_files(config: Config) -> list[tuple[Path, int]]:
    """The kiosk's files that must be its owner's alone, with the mode each should have."""
    found = [(config.data_dir, 0o700), (config.keys_dir, 0o700)]
    found += [(key, 0o600) for key in sorted(config.keys_dir.glob("*.pem"))]
    database_file = sqlite_path(config.db_url)
    if database_file:
        found += [(database_file, 0o600)]
    backups = config.data_dir / "backups"
    found += [(backups, 0o700)] + [(f, 0o600) for f in sorted(backups.glob("*"))]
    return [(path, mode) for path, mode in found if path.exists()]


def check_permissions(config: Config) -> Check:
    title = "文件权限"
    if os.name != "posix":
        return Check(True, title, "Windows：由登录账户的权限保护，请不要共用这台电脑的账户")
    loose = [path for path, mode in private_files(config)
             if stat.S_IMODE(path.stat().st_mode) & 0o077 or path.stat().st_uid != os.getuid()]
    if loose:
        commands = "；".join(f"chmod {700 if p.is_dir() else 600} {p}" for p in loose[:3])
        return Check(False, title, f"{len(loose)} 个文件或目录别人也能打开，如 {loose[0]}",
                     f"请运行：{commands}")
    return Check(True, title, "数据库、签名密钥和备份只有本账户能打开")


def check_printer(config: Config, test_page: bool) -> Check:
    from kiosk.printing.printers import PrinterError, check_ready, connect, parse_address

    title = "小票打印机"
    try:
        address = parse_address(config.printer)
    except KioskError as exc:
        return Check(False, title, str(exc), "请在配置里改正 printer 的写法")
    if address.scheme == "none":
        return Check(True, title, "没有设置（小票显示在屏幕上）；要接打印机请在配置里设置 printer")
    try:
        if test_page:
            print_test_page(config)
            return Check(True, title, f"{address} 已打印测试页，请看看字和二维码是否清楚")
        with connect(address, config.printer_timeout_ms / 1000) as connection:
            if connection.bidirectional and config.printer_profile == "default":
                check_ready(connection)
    except PrinterError as exc:
        return Check(False, title, str(exc), "请检查打印机电源、纸和连线，再运行一次")
    return Check(True, title, f"{address} 连接正常")


def print_test_page(config: Config) -> bool:
    """Print the test page now; False when the running kiosk's spool took it."""
    from kiosk.printing.escpos import PrintFormat
    from kiosk.printing.printers import parse_address
    from kiosk.printing.receipts import printer_test_page
    from kiosk.printing.spool import print_now

    address = parse_address(config.printer)
    page = printer_test_page(hall=hall.hall_name(), time=now(), printer=config.printer,
                             paper_mm=config.paper_mm, mode=config.printer_mode,
                             profile=config.printer_profile)
    return print_now(page, "test", address, PrintFormat.from_config(config),
                     config.printer_timeout_ms / 1000)


def check_font(config: Config) -> Check:
    from kiosk.printing.raster import find_font

    title = "中文字体"
    try:
        return Check(True, title, find_font(config.printer_font))
    except KioskError:
        return Check(False, title, "找不到", "请安装中文字体：sudo apt install fonts-wqy-microhei"
                     "（图片方式打印和党员卡图片要用）")


def check_speech() -> Check:
    from kiosk.services import speech

    if speech.available():
        return Check(True, "朗读", f"espeak-ng 已安装（{speech.program()}）")
    return Check(False, "朗读", "没有安装 espeak-ng，通知不能朗读",
                 "请安装：sudo apt install espeak-ng")


def check_scan(read_line: Callable[[float], str | None], timeout: float) -> Check:
    """Read what the scanner types (one line) and say what kind of code it was."""
    from kiosk.scan import InvalidPayload, parse_payload

    title = "扫码器"
    text = read_line(timeout)
    if text is None or not text.strip():
        return Check(False, title, f"{timeout:.0f} 秒内没有收到扫码",
                     "请检查扫码器的 USB 线，并确认扫码后会发送回车")
    try:
        payload = parse_payload(text)
    except InvalidPayload:
        return Check(False, title, f"收到了 {len(text.strip())} 个字符，但不是本系统的二维码",
                     "请扫一张党员卡或回执；如果是乱码，请把扫码器设成美式键盘、关闭大写锁定")
    kind = SCAN_KINDS[payload.kind]
    if payload.kind == "T":
        return Check(True, title, f"认出了{kind}（{payload.ticket}）")
    try:
        cards.verify_card(text)
    except cards.CardRejected:
        return Check(True, title, f"认出了{kind}（编号 {payload.number}），但签名不是本中心或已导入的公钥")
    return Check(True, title, f"认出了{kind}（编号 {payload.number}），签名有效")


def read_stdin_line(timeout: float) -> str | None:
    """One line from standard input, or None after `timeout` seconds (portable: a thread,
    not select(), which does not work on a Windows console)."""
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(sys.stdin.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return found[0] if found else None
