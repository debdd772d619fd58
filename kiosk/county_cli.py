"""The `kiosk county …` commands (the county server and its halls) and `kiosk sync` (a
hall, once). Added to the parser by kiosk.cli."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from kiosk.db.models import NOTICE_CATEGORIES, STAGES
from kiosk.db.session import open_database
from kiosk.errors import KioskError


def _open(args) -> None:
    from kiosk.cli import _config

    open_database(_config(args).db_url, create=True)


def cmd_serve(args) -> int:
    from kiosk.county_server import serve

    _open(args)
    print(f"县级同步服务已启动：http://{args.host}:{args.port}（Ctrl+C 停止）", flush=True)
    serve(args.host, args.port)
    return 0


def cmd_add_hall(args) -> int:
    from kiosk.services import county

    _open(args)
    token = county.add_hall(args.name)
    print(f"已登记 {args.name}。它的令牌（只显示这一次，请填进该服务中心的 county_token）：")
    print(token)
    return 0


def cmd_revoke_hall(args) -> int:
    from kiosk.services import county

    _open(args)
    county.revoke_hall(args.name)
    print(f"已停用 {args.name} 的令牌")
    return 0


def cmd_halls(args) -> int:
    from kiosk.services import county

    _open(args)
    rows = [{"name": h.name, "hall_id": h.hall_id, "last_seen": h.last_seen,
             "backlog": h.backlog, "rows": h.rows, "revoked": h.revoked}
            for h in county.halls()]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2,
                         default=lambda v: v.isoformat(sep=" ")))
        return 0
    print("服务中心\t最后联系\t待上传\t已收到\t停用")
    for row in rows:
        seen = row["last_seen"].isoformat(sep=" ") if row["last_seen"] else "从未"
        print(f"{row['name']}\t{seen}\t{row['backlog']}\t{row['rows']}\t"
              f"{'是' if row['revoked'] else '否'}")
    return 0


def cmd_revoke_card(args) -> int:
    from kiosk.services import county

    _open(args)
    print(f"已停用 {county.revoke_card(args.member)} 张卡，各服务中心下次同步后拒绝")
    return 0


def cmd_set_stage(args) -> int:
    from kiosk.services import county

    _open(args)
    on = dt.date.fromisoformat(args.on) if args.on else dt.date.today()
    county.set_stage(args.member, args.stage, on)
    print("已修改，所属服务中心下次同步后以县里的为准")
    return 0


def cmd_report(args) -> int:
    from kiosk.db.models import now
    from kiosk.services import county_reports, periods, report_export

    _open(args)
    file = Path(args.file)
    fmt = args.format or file.suffix.lower().lstrip(".")
    period = (periods.parse_period(args.period) if args.period
              else periods.current_period("month", now().date()))
    with county_reports.laid_out() as halls:
        if args.hall and args.hall not in halls:
            raise KioskError(f"没有叫 {args.hall} 的服务中心（还没有同步过的不算）")
        rows = report_export.export(args.kind, fmt, file, period,
                                    hall=halls[args.hall] if args.hall else None)
    print(f"已导出{period.label}（{args.hall or '全部服务中心'}）到 {file}，共 {rows} 行")
    print("导出的文件含有党员的姓名等个人信息，请妥善保管")
    return 0


def cmd_notice(args) -> int:
    from kiosk.services import county

    _open(args)
    try:
        body = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KioskError(f"无法读取 {args.file}：{exc}") from None
    county.send_notice(args.title, body, args.category)
    print("已下发。各服务中心下次同步后收到草稿，由工作人员核对后发布")
    return 0


def cmd_sync(args) -> int:
    from kiosk.cli import _open as open_hall
    from kiosk.services import sync

    config = open_hall(args)
    url, token = args.county or config.county_url, args.token or config.county_token
    result = sync.sync_once(url, token)
    state = sync.status()
    print(f"已上传 {result.pushed} 行，收到 {result.pulled} 条更新；待上传 {state.waiting} 行"
          + (f"，有 {state.conflicts} 处冲突以县里的为准，请工作人员查看" if state.conflicts else ""))
    return 0


def add_commands(commands, command, group) -> None:
    """`command(group, name, func, text)` and `group(name, text)` are kiosk.cli's."""
    sync = command(commands, "sync", cmd_sync, "与县里的服务器同步一次")
    sync.add_argument("--county", metavar="URL", help="县里的服务器（不给就用配置里的 county_url）")
    sync.add_argument("--token", metavar="TOKEN", help="本服务中心的令牌（不给就用 county_token）")

    county = group("county", "县级同步服务器（在县里的电脑上用，数据库是 PostgreSQL）")
    serve = command(county, "serve", cmd_serve, "启动县级同步服务")
    serve.add_argument("--host", default="127.0.0.1", metavar="ADDRESS", help="监听地址")
    serve.add_argument("--port", type=int, default=8700, metavar="PORT", help="端口（默认 8700）")
    command(county, "add-hall", cmd_add_hall, "登记一个服务中心，给出它的令牌").add_argument(
        "name", metavar="名称")
    command(county, "revoke-hall", cmd_revoke_hall, "停用一个服务中心的令牌").add_argument(
        "name", metavar="名称")
    command(county, "halls", cmd_halls, "列出服务中心：最后联系时间、待上传行数").add_argument(
        "--json", action="store_true", help="输出 JSON")
    command(county, "revoke-card", cmd_revoke_card, "停用一位党员在用的卡").add_argument(
        "member", metavar="党员编号")
    report = command(county, "report", cmd_report, "全县（或一个服务中心）的统计报表，导出为 CSV 或 XLSX")
    report.add_argument("kind", choices=("attendance", "members", "flow", "requests", "dues"),
                        metavar="KIND", help="attendance 组织生活, members 党员队伍, "
                        "flow 流动党员, requests 群众诉求, dues 党费")
    report.add_argument("file", metavar="文件")
    report.add_argument("--format", choices=("csv", "xlsx"), help="格式（不给就按文件的扩展名）")
    report.add_argument("--period", metavar="PERIOD", help="时间段，如 2026-11、2026-Q4、2026（默认本月）")
    report.add_argument("--hall", metavar="名称", help="只统计这个服务中心（默认全部）")
    notice = command(county, "notice", cmd_notice, "给各服务中心下发通知（到各中心是草稿，核对后发布）")
    notice.add_argument("title", metavar="标题")
    notice.add_argument("file", metavar="正文文件", help="正文（Markdown，UTF-8）")
    notice.add_argument("--category", choices=NOTICE_CATEGORIES, default="policy",
                        help="类别（默认 policy 政策宣传）")
    stage = command(county, "set-stage", cmd_set_stage, "修改党员的发展阶段（以县里的为准）")
    stage.add_argument("member", metavar="党员编号")
    stage.add_argument("stage", choices=STAGES, metavar="阶段")
    stage.add_argument("--on", metavar="YYYY-MM-DD", help="日期（默认今天）")

