"""The `kiosk` command line: set up, look into and back up a hall; `kiosk run` starts the kiosk.

Every command takes --db and --config, before or after the command's name. Problems a person
can act on are printed as one line `错误：…` (exit status 2), never as a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import re
import sys
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import peewee

from kiosk import county_cli, labels
from kiosk.config import LANGUAGES, Config, load_config
from kiosk.db.database import first_line, private_dir, release, safe_url
from kiosk.db.models import ROLES, Card, Member, now
from kiosk.db.session import open_database
from kiosk.errors import KioskError
from kiosk.lazy import LazyModule

# What the commands other than `kiosk run` use: loaded by the command that uses it.
audit = LazyModule("kiosk.services.audit")
backup = LazyModule("kiosk.services.backup")
backup_crypto = LazyModule("kiosk.services.backup_crypto")
cards = LazyModule("kiosk.services.cards")
doctor = LazyModule("kiosk.services.doctor")
events = LazyModule("kiosk.services.events")
hall = LazyModule("kiosk.services.hall")
members = LazyModule("kiosk.services.members")
notices = LazyModule("kiosk.services.notices")
printing = LazyModule("kiosk.services.printing")
privacy = LazyModule("kiosk.services.privacy")
requests = LazyModule("kiosk.services.requests")
setup = LazyModule("kiosk.services.setup")
staff = LazyModule("kiosk.services.staff")

COLUMN_LABELS = {
    "number": "编号", "name": "姓名", "branch": "支部", "stage": "阶段", "status": "状态",
    "id": "编号", "title": "标题", "type": "类型", "signin_open": "可签到", "start": "开始",
    "category": "类别", "pinned": "置顶", "ticket": "回执号", "verdict": "评价", "created": "提交",
    "role": "角色", "active": "启用", "locked_until": "锁定到",
    "queued": "排队时间", "kind": "种类", "attempts": "次数",
    "event_id": "会议", "member_number": "党员编号", "time": "时间", "late": "迟到",
    "key_id": "公钥", "hall": "服务中心", "local": "本中心", "added": "导入时间",
}


# --- helpers -------------------------------------------------------------------------------

def _config(args) -> Config:
    flags = {name: getattr(args, name, None) for name in ("db", "lang", "printer")}
    return load_config(args.config, flags)


def _open(args, create: bool = False) -> Config:
    config = _config(args)
    open_database(config.db_url, create=create)
    return config


def _local_hall_name() -> str | None:
    try:
        return hall.hall_name()
    except KioskError:
        return None


def _db_hint(args) -> str:
    """The --db flag to repeat in suggested follow-up commands."""
    return f" --db {args.db}" if args.db else ""


def _json_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)


def _output(args, rows: list[dict], columns: tuple[str, ...], words: dict | None = None) -> None:
    """One JSON array with --json; otherwise a plain table of the main columns, with the
    stored codes of the columns in `words` shown in Chinese."""
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=_json_value))
        return
    words = words or {}
    print("\t".join(COLUMN_LABELS[c] for c in columns))
    for row in rows:
        print("\t".join(words[c].get(row[c], row[c]) if c in words else _cell(row[c])
                        for c in columns))


def _read_pin() -> str:
    """A new PIN typed without echo (twice); from a pipe, the first line."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    pin = getpass.getpass("请输入密码（4 到 8 位数字）：")
    if getpass.getpass("请再输入一次：") != pin:
        raise KioskError("两次输入的密码不一样，没有做任何改动")
    return pin


# --- commands ------------------------------------------------------------------------------

def cmd_run(args) -> int:
    return _run_app(_open(args))


def _run_app(config: Config) -> int:
    from kiosk.i18n import set_language

    set_language(config.lang)
    from kiosk.app import KioskApp  # textual loads only for the kiosk itself

    app = KioskApp(config)
    app.run()
    return app.return_code or 0


def cmd_init(args) -> int:
    config = _open(args, create=True)
    existing = _local_hall_name()
    if existing:
        raise KioskError(f"这个数据库已经初始化过了（{existing}），没有做任何改动")
    new_hall = setup.initialise_hall(args.hall, config.keys_dir)
    print(f"已创建服务中心：{new_hall.name}")
    print(f"数据库：{safe_url(config.db_url)}")
    print(f"签名密钥：{config.keys_dir}（请和数据库一起备份）")
    print("下一步，添加管理员账号（会提示输入密码）：")
    print(f"  kiosk staff add 工号 姓名 --role admin{_db_hint(args)}")
    print(f"然后启动自助终端：kiosk run{_db_hint(args)}")
    return 0


def cmd_demo(args) -> int:
    config = _open(args, create=True)
    from kiosk.db.demo import build_demo

    summary = build_demo(config.keys_dir)
    if not args.no_run:
        return _run_app(config)
    state = "已创建演示数据" if summary.created else "演示数据已经存在，没有重复创建"
    print(f"演示服务中心：{summary.hall_name}（{state}）")
    print("工作人员（工号  姓名  角色  密码）：")
    for number, name, role, pin in summary.staff:
        print(f"  {number}  {name}  {labels.ROLES.get(role, role)}  {pin}")
    print(f"可以试试的党员编号：{summary.member_number}")
    print(f"启动自助终端：kiosk run{_db_hint(args)}")
    return 0


def cmd_serve(args) -> int:
    config = _open(args)
    title = hall.hall_name()
    release()
    from kiosk import serve  # the web server loads only for this command

    serve.serve(config, title, args.host, args.port, args.font_size, args.allow_remote)
    return 0


def cmd_members_list(args) -> int:
    _open(args)
    rows = [members.member_record(m, full=args.full) for m in members.list_members()]
    _output(args, rows, ("number", "name", "branch", "stage", "status"),
            {"stage": labels.STAGES, "status": labels.STATUSES})
    return 0


def cmd_events_list(args) -> int:
    _open(args)
    at = now()
    rows = [events.event_record(e, at) for e in events.list_events()]
    _output(args, rows, ("id", "title", "type", "start", "signin_open"),
            {"type": labels.EVENT_TYPES})
    return 0


def cmd_notices_list(args) -> int:
    _open(args)
    rows = [notices.notice_record(n) for n in notices.list_notices()]
    _output(args, rows, ("number", "title", "category", "status", "pinned"),
            {"category": labels.NOTICE_CATEGORIES, "status": labels.NOTICE_STATUSES})
    return 0


def cmd_requests_list(args) -> int:
    _open(args)
    rows = [requests.request_record(r, full=args.full) for r in requests.list_requests()]
    _output(args, rows, ("ticket", "category", "status", "verdict", "created"),
            {"category": labels.REQUEST_CATEGORIES, "status": labels.REQUEST_STATUSES,
             "verdict": labels.VERDICTS})
    return 0


def cmd_print_jobs_list(args) -> int:
    _open(args)
    rows = [printing.job_record(job) for job in printing.list_jobs()]
    _output(args, rows, ("queued", "kind", "status", "attempts", "title"),
            {"kind": labels.PRINT_KINDS, "status": labels.PRINT_STATUSES})
    return 0


def cmd_printer_test(args) -> int:
    from kiosk.printing.printers import parse_address  # printing loads only for these commands

    config = _open(args)
    address = parse_address(config.printer)
    if address.scheme == "none":
        raise KioskError("没有设置打印机：请在配置里设置 printer，或用 --printer 指定，"
                         "如 --printer tcp://192.168.1.50")
    if doctor.print_test_page(config):
        print(f"测试页已打印到 {address}，请看看打印出来的字和二维码是否清楚")
    else:
        print("正在运行的自助终端接过了这张测试页，由它来打印")
    return 0


def cmd_doctor(args) -> int:
    config = _config(args)
    checks = []
    for check in doctor.run_checks(config, dt.datetime.now(), args.test_page):
        print(check.line(), flush=True)
        checks.append(check)
    if args.scan:
        print(f"请在 {args.scan_seconds} 秒内用扫码器扫一张党员卡、工作证或回执……", flush=True)
        checks.append(doctor.check_scan(doctor.read_stdin_line, args.scan_seconds))
        print(checks[-1].line())
    failed = sum(not check.ok for check in checks)
    print(f"共 {len(checks)} 项，{failed} 项有问题" if failed else f"共 {len(checks)} 项，全部正常")
    return 1 if failed else 0


def cmd_audit_verify(args) -> int:
    _open(args)
    result = audit.verify()
    if not result.ok:
        print(f"错误：审计日志被改动过：{result.problem}", file=sys.stderr)
        return 1
    problems = notices.verify_versions()
    if problems:
        print(f"错误：通知公告与审计日志对不上：{problems[0]}（共 {len(problems)} 处）",
              file=sys.stderr)
        return 1
    print(f"审计日志完好：共 {result.entries} 条记录，没有被改动的痕迹；"
          "已发布的通知与日志里的记录一致")
    return 0


def cmd_staff_add(args) -> int:
    _open(args)
    user = staff.add_staff(None, args.number, args.name, args.role, args.pin or _read_pin())
    print(f"已添加{labels.ROLES[user.role]}：{user.number} {user.name}")
    return 0


def cmd_staff_list(args) -> int:
    _open(args)
    rows = [
        {"number": u.number, "name": u.name, "role": u.role, "active": u.active,
         "locked_until": u.locked_until, "card_serial": u.card_serial, "created": u.created}
        for u in staff.list_staff()
    ]
    _output(args, rows, ("number", "name", "role", "active", "locked_until"),
            {"role": labels.ROLES})
    return 0


def cmd_staff_set_active(args) -> int:
    _open(args)
    staff.set_active(None, args.number, args.active)
    print(f"已{'启用' if args.active else '停用'}工号 {args.number.strip().upper()}")
    return 0


def cmd_staff_reset_pin(args) -> int:
    _open(args)
    staff.reset_pin(None, args.number, args.pin or _read_pin())
    print(f"已重设工号 {args.number.strip().upper()} 的密码，锁定也已解除")
    return 0


def cmd_staff_card(args) -> int:
    config = _open(args)
    print(staff.issue_card(None, args.number, config.keys_dir))
    print("新工作证已签发，这个工号以前的工作证不再有效", file=sys.stderr)
    return 0


def _current_card(args, config: Config) -> tuple[str, Card, Member]:
    """The member's card payload, card and member; their first card is issued if they
    have none yet."""
    member = members.get_member(args.member)
    found = cards.card_payload(member, config.keys_dir)
    if found is None:
        cards.issue_member_card(None, member, config.keys_dir)
        print(f"党员 {member.number} 还没有卡，已签发第 1 张", file=sys.stderr)
        found = cards.card_payload(member, config.keys_dir)
    payload, card = found
    return payload, card, member


def cmd_card_payload(args) -> int:
    config = _open(args)
    print(_current_card(args, config)[0])
    return 0


def cmd_card_issue(args) -> int:
    config = _open(args)
    member = members.get_member(args.member)
    print(cards.issue_member_card(None, member, config.keys_dir))
    print(f"已为党员 {member.number} 签发新卡，以前的卡不再有效", file=sys.stderr)
    return 0


def cmd_card_revoke(args) -> int:
    _open(args)
    member = members.get_member(args.member)
    cards.revoke_member_card(None, member)
    print(f"党员 {member.number} 的卡已停用；补办新卡：kiosk card issue {member.number}")
    return 0


def cmd_card_png(args) -> int:
    config = _open(args)
    payload, _card, member = _current_card(args, config)
    from kiosk.services.card_image import write_card_png

    write_card_png(Path(args.file), payload=payload, hall=hall.hall_name(),
                   name=privacy.mask_name(member.name), number=member.number, title="党员卡",
                   font=config.printer_font)
    print(f"已写入党员 {member.number} 的卡片图片：{args.file}")
    return 0


def cmd_card_print(args) -> int:
    from kiosk.printing.escpos import PrintFormat  # printing loads only for these commands
    from kiosk.printing.printers import parse_address
    from kiosk.printing.receipts import member_card
    from kiosk.printing.spool import print_now

    config = _open(args)
    address = parse_address(config.printer)
    if address.scheme == "none":
        raise KioskError("没有设置打印机：请在配置里设置 printer，或用 --printer 指定")
    payload, card, member = _current_card(args, config)
    receipt = member_card(hall=hall.hall_name(), time=now(), name=privacy.mask_name(member.name),
                          number=member.number, branch=member.branch.name, payload=payload,
                          serial=card.serial, issued=card.issued)
    if print_now(receipt, "card", address, PrintFormat.from_config(config),
                 config.printer_timeout_ms / 1000):
        print(f"党员 {member.number} 的卡已打印到 {address}")
    else:
        print("正在运行的自助终端接过了这张卡，由它来打印")
    return 0


def cmd_attendance_list(args) -> int:
    _open(args)
    if args.event is not None:
        events.get_event(args.event)
    rows = [events.attendance_record(r, full=args.full) for r in events.list_attendance(args.event)]
    _output(args, rows, ("event_id", "member_number", "name", "kind", "time", "late"),
            {"kind": labels.ATTENDANCE_KINDS})
    return 0


def cmd_keys_export(args) -> int:
    _open(args)
    text = cards.export_key()
    if args.file:
        Path(args.file).write_text(text + "\n", encoding="utf-8")
        print(f"本服务中心的公钥已写入 {args.file}：交给其他服务中心用 kiosk keys import 导入")
    else:
        print(text)
    return 0


def cmd_keys_import(args) -> int:
    _open(args)
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KioskError(f"无法读取公钥文件 {args.file}：{exc}") from None
    key = cards.import_key(text)
    print(f"已导入 {key.hall_name} 的公钥 {key.key_id}：这个服务中心签发的党员卡可以在这里签到了")
    return 0


def cmd_keys_list(args) -> int:
    _open(args)
    rows = [{"key_id": k.key_id, "hall": k.hall_name, "local": k.is_local, "added": k.added}
            for k in cards.list_keys()]
    _output(args, rows, ("key_id", "hall", "local", "added"))
    return 0


PASSPHRASE_ENV = "KIOSK_BACKUP_PASSPHRASE"


def _passphrase(args, ask: bool, new: bool = False) -> str | None:
    """The backup passphrase: from --passphrase-file, else from the environment, else typed
    without echo when `ask` (twice for a `new` one); None means no encryption."""
    if args.passphrase_file:
        try:
            lines = Path(args.passphrase_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise KioskError(f"无法读取密码文件 {args.passphrase_file}：{exc}") from None
        if not lines or not lines[0]:
            raise KioskError(f"密码文件 {args.passphrase_file} 的第一行是空的")
        return lines[0]
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if not ask:
        return None
    if not sys.stdin.isatty():
        raise KioskError(f"需要备份密码：请用 --passphrase-file 文件 或环境变量 {PASSPHRASE_ENV} 提供")
    passphrase = getpass.getpass("请输入备份密码：")
    if not passphrase:
        raise KioskError("备份密码不能为空，没有做任何改动")
    if new and getpass.getpass("请再输入一次：") != passphrase:
        raise KioskError("两次输入的密码不一样，没有做任何改动")
    return passphrase


def cmd_backup(args) -> int:
    config = _open(args)
    passphrase = _passphrase(args, ask=args.encrypt, new=True)
    rows = backup.backup(Path(args.file), passphrase)
    doctor.record_backup(Path(args.file), rows, encrypted=bool(passphrase))
    print(f"已备份 {rows} 条记录到 {args.file}")
    if passphrase:
        print("备份已加密：恢复时要用同一个密码，密码丢了备份就打不开了")
    else:
        print("备份文件含有党员和群众的个人信息，请妥善保管（加 --encrypt 可以加密）")
    print(f"签名密钥不在备份里：换电脑时请把 {config.keys_dir} 也复制过去")
    return 0


def cmd_restore(args) -> int:
    config = _config(args)
    file = Path(args.file)
    passphrase = _passphrase(args, ask=backup_crypto.is_encrypted(file))
    with backup.open_backup(file, passphrase) as source:  # checked before anything is opened
        open_database(config.db_url, create=True)
        saved = None
        if _local_hall_name():
            stamp = f"{dt.datetime.now():%Y%m%d-%H%M%S-%f}"
            saved = private_dir(config.data_dir / "backups") / f"before-restore-{stamp}.db"
        rows = backup.restore(source, save_current_to=saved, passphrase=passphrase)
    if saved:
        print(f"恢复前的数据已另存为 {saved}")
    audit.record("backup.restore", subject=file.name, rows=rows, encrypted=bool(passphrase))
    print(f"已从 {args.file} 恢复 {rows} 条记录")
    key = cards.local_key()
    if not (config.keys_dir / f"{key.key_id}.pem").exists():
        print(f"注意：{config.keys_dir} 里没有本服务中心的签名密钥 {key.key_id}.pem，"
              "请从原来的电脑复制过来，否则无法签发新卡")
    return 0


def cmd_export(args) -> int:
    _open(args)
    from kiosk.services import periods, report_export, reports  # openpyxl: only for XLSX

    file = Path(args.file)
    fmt = args.format or file.suffix.lower().lstrip(".")
    if fmt not in report_export.FORMATS:
        raise KioskError("请用 --format csv 或 --format xlsx 指定导出格式")
    period = (periods.parse_period(args.period) if args.period
              else periods.current_period("month", now().date()))
    branch = reports.find_branch(args.branch) if args.branch else None

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r已写 {done}/{total} 行", end="", file=sys.stderr, flush=True)

    rows = report_export.export(args.kind, fmt, file, period, branch.id if branch else None,
                                progress=progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"已导出「{report_export.EXPORT_KINDS[args.kind]}」{period.label}"
          f"（{branch.name if branch else '全部支部'}）到 {file}，共 {rows} 行")
    print("导出的文件含有党员的姓名等个人信息，请妥善保管")
    return 0


# --- the parser ----------------------------------------------------------------------------

_ARGPARSE_WORDS = (  # argparse's English complaints, in plain Chinese
    (r"the following arguments are required: (.*)", r"缺少参数：\1"),
    (r"unrecognized arguments: (.*)", r"看不懂这些参数：\1"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", r"\1 不能是 \2，可选：\3"),
    (r"argument (\S+): expected one argument", r"\1 后面要跟一个值"),
    (r"argument (\S+): invalid int value: (.*)", r"\1 应为整数，而不是 \2"),
    (r"ambiguous option: (\S+) could match (.*)", r"\1 不明确，可能是：\2"),
)


class Parser(argparse.ArgumentParser):
    def error(self, message: str):
        for pattern, words in _ARGPARSE_WORDS:
            message = re.sub(f"^{pattern}$", words, message)
        self.exit(2, f"错误：{message}（用法见 {self.prog} --help）\n")


def _add_common(parser: argparse.ArgumentParser, default=argparse.SUPPRESS) -> None:
    """--db and --config. Subcommands leave them unset unless given (SUPPRESS), so a
    value given before the command's name is not overwritten."""
    parser.add_argument("--db", default=default, metavar="URL",
                        help="数据库：sqlite:///文件路径 或 postgresql://…（也可用环境变量 KIOSK_DB）")
    parser.add_argument("--config", default=default, metavar="FILE", help="配置文件（TOML）")


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, help="界面语言")
    parser.add_argument("--printer", metavar="URI", help="小票打印机，如 tcp://192.168.1.50 或 none")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="kiosk", description="村级党群服务中心自助终端")
    _add_common(parser, default=None)
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")

    def command(group, name: str, func, text: str) -> argparse.ArgumentParser:
        sub = group.add_parser(name, help=text, description=text)
        _add_common(sub)
        sub.set_defaults(func=func)
        return sub

    def group(name: str, text: str):
        sub = commands.add_parser(name, help=text, description=text)
        _add_common(sub)
        return sub.add_subparsers(dest="action", required=True, metavar="操作")

    _add_run_options(command(commands, "run", cmd_run, "启动自助终端"))
    init = command(commands, "init", cmd_init, "为一个新的服务中心创建数据库和签名密钥")
    init.add_argument("--hall", default="党群服务中心", metavar="NAME", help="服务中心名称")
    demo = command(commands, "demo", cmd_demo, "创建演示数据并启动自助终端")
    demo.add_argument("--no-run", action="store_true", help="只创建演示数据，不启动")
    _add_run_options(demo)
    web = command(commands, "serve", cmd_serve, "在网页浏览器里运行自助终端（触摸屏可用 Chromium 全屏模式）")
    web.add_argument("--host", default="127.0.0.1", metavar="ADDRESS",
                     help="监听地址（默认 127.0.0.1，只有本机能打开）")
    web.add_argument("--port", type=int, default=8000, metavar="PORT", help="端口（默认 8000）")
    web.add_argument("--font-size", type=int, default=20, metavar="N", help="字号，单位像素（默认 20）")
    web.add_argument("--allow-remote", action="store_true",
                     help="允许其他电脑打开（网页本身没有登录，只在可信的内部网络里用）")
    _add_run_options(web)

    for name, func, text, personal in (
        ("members", cmd_members_list, "党员", True),
        ("events", cmd_events_list, "会议和活动", False),
        ("notices", cmd_notices_list, "通知公告", False),
        ("requests", cmd_requests_list, "办事诉求", True),
    ):
        listing = command(group(name, text), "list", func, f"列出{text}")
        listing.add_argument("--json", action="store_true", help="输出 JSON")
        if personal:
            listing.add_argument("--full", action="store_true", help="显示完整的个人信息（默认遮挡）")

    command(group("audit", "审计日志"), "verify", cmd_audit_verify, "检查审计日志有没有被改动")

    attendance = command(group("attendance", "签到记录"), "list", cmd_attendance_list, "列出签到记录")
    attendance.add_argument("--event", type=int, metavar="ID", help="只列出这个会议的")
    attendance.add_argument("--json", action="store_true", help="输出 JSON")
    attendance.add_argument("--full", action="store_true", help="显示完整的姓名（默认遮挡）")

    member_cards = group("card", "党员卡")
    for name, func, text in (
        ("payload", cmd_card_payload, "显示党员卡二维码的内容（还没有卡就签发第 1 张）"),
        ("issue", cmd_card_issue, "补办新卡（以前的卡停用），显示二维码内容"),
        ("revoke", cmd_card_revoke, "停用党员卡（挂失）"),
        ("png", cmd_card_png, "把党员卡画成图片（PNG），可以打印出来"),
        ("print", cmd_card_print, "在小票打印机上打印党员卡"),
    ):
        sub = command(member_cards, name, func, text)
        sub.add_argument("member", metavar="党员编号")
        if name == "png":
            sub.add_argument("file", metavar="文件")
        if name == "print":
            sub.add_argument("--printer", metavar="URI", help="小票打印机（不给就用配置里的）")

    keys = group("keys", "签名公钥（让其他服务中心的党员卡也能在这里签到）")
    command(keys, "export", cmd_keys_export, "导出本服务中心的公钥").add_argument(
        "file", nargs="?", metavar="文件", help="写到这个文件（不给就显示出来）")
    command(keys, "import", cmd_keys_import, "导入其他服务中心的公钥").add_argument(
        "file", metavar="文件")
    command(keys, "list", cmd_keys_list, "列出信任的公钥").add_argument(
        "--json", action="store_true", help="输出 JSON")

    command(group("print-jobs", "打印任务"), "list", cmd_print_jobs_list, "列出打印任务").add_argument(
        "--json", action="store_true", help="输出 JSON")
    command(group("printer", "小票打印机"), "test", cmd_printer_test, "打印一张测试页").add_argument(
        "--printer", metavar="URI", help="小票打印机，如 tcp://192.168.1.50（不给就用配置里的）")
    checkup = command(commands, "doctor", cmd_doctor, "检查这台终端的设置：数据库、磁盘、时间、打印机、字体、权限、备份")
    checkup.add_argument("--printer", metavar="URI", help="小票打印机（不给就用配置里的）")
    checkup.add_argument("--test-page", action="store_true", help="打印一张测试页")
    checkup.add_argument("--scan", action="store_true", help="测试扫码器：扫一张码，看能不能认出")
    checkup.add_argument("--scan-seconds", type=int, default=30, metavar="N",
                         help="等扫码的秒数（默认 30）")

    accounts = group("staff", "工作人员账号")

    def account_command(name: str, func, text: str) -> argparse.ArgumentParser:
        sub = command(accounts, name, func, text)
        sub.add_argument("number", metavar="工号")
        return sub

    add = account_command("add", cmd_staff_add, "添加工作人员")
    add.add_argument("name", metavar="姓名")
    add.add_argument("--role", choices=ROLES, default="staff", help="角色（默认 staff）")
    add.add_argument("--pin", help="密码（不给就提示输入）")
    command(accounts, "list", cmd_staff_list, "列出工作人员").add_argument(
        "--json", action="store_true", help="输出 JSON")
    account_command("disable", cmd_staff_set_active, "停用账号").set_defaults(active=False)
    account_command("enable", cmd_staff_set_active, "重新启用账号").set_defaults(active=True)
    account_command("reset-pin", cmd_staff_reset_pin, "重设密码并解除锁定").add_argument(
        "--pin", help="新密码（不给就提示输入）")
    account_command("card", cmd_staff_card, "签发工作证（打印二维码内容）")

    for name, func, text in (("backup", cmd_backup, "备份全部数据到一个文件"),
                             ("restore", cmd_restore, "用备份文件替换现有数据")):
        sub = command(commands, name, func, text)
        sub.add_argument("file", metavar="文件")
        sub.add_argument("--passphrase-file", metavar="FILE",
                         help=f"备份密码在这个文件的第一行（也可用环境变量 {PASSPHRASE_ENV}）")
        if name == "backup":
            sub.add_argument("--encrypt", action="store_true", help="加密备份（提示输入备份密码）")
    export = command(commands, "export", cmd_export, "导出统计报表（CSV 或 XLSX），报给上级党组织")
    export.add_argument("kind", choices=("attendance", "members", "flow", "requests", "dues",
                                         "roll"), metavar="KIND",
                        help="attendance 组织生活, members 党员队伍, flow 流动党员, "
                             "requests 群众诉求, dues 党费, roll 签到明细")
    export.add_argument("file", metavar="文件")
    export.add_argument("--format", choices=("csv", "xlsx"), help="格式（不给就按文件的扩展名）")
    export.add_argument("--period", metavar="PERIOD",
                        help="时间段：2026-11、2026-Q4、2026 或 2026-01-01~2026-03-31（默认本月）")
    export.add_argument("--branch", metavar="支部", help="只导出这个支部（名称或编号；默认全部）")
    county_cli.add_commands(commands, command, group)
    return parser


def _fail(message: str) -> int:
    print(f"错误：{' '.join(message.split())}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already explained
        return exc.code
    try:
        return args.func(args)
    except KioskError as exc:
        return _fail(str(exc))
    except peewee.DatabaseError as exc:
        return _fail(f"数据库出错：{first_line(exc)}")
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader stopped early, as `kiosk members list | head` does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        release()
