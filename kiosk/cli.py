"""The `kiosk` command line."""

from __future__ import annotations

import argparse
import sys

from kiosk.errors import KioskError


def _config(args):
    from kiosk.config import load_config

    return load_config(args.config, {"db": args.db, "lang": getattr(args, "lang", None),
                                     "printer": getattr(args, "printer", None)})


def cmd_run(args) -> int:
    from kiosk.db.session import open_database
    from kiosk.i18n import set_language

    config = _config(args)
    set_language(config.lang)
    open_database(config.db_url)
    from kiosk.app import KioskApp

    KioskApp(config).run()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="村级党群服务中心自助终端")
    parser.add_argument("--config", help="配置文件（TOML）")
    parser.add_argument("--db", help="数据库地址，如 sqlite:///kiosk.db 或 postgresql://…（也可用 KIOSK_DB）")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="启动自助终端")
    run.add_argument("--lang", choices=["zh_CN", "en"])
    run.add_argument("--printer")
    run.set_defaults(func=cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KioskError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
