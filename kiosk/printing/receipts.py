"""Every receipt the kiosk prints, built from plain values. Each starts with the hall's name,
the receipt's title and the time, so a slip found later still says where and when it came from.

Callers pass what the person may see: a receipt can also be shown on the kiosk's screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from kiosk import labels
from kiosk.i18n import _
from kiosk.printing.layout import COLUMNS
from kiosk.printing.receipt import Block, Cut, Qr, Receipt, Row, Rule, Space, Text
from kiosk.services.privacy import (
    mask_phone,  # a ticket never shows a whole phone number
)

MINUTE = "%Y-%m-%d %H:%M"
SUMMARY_LENGTH = 60  # characters of a request's text on its ticket


def _receipt(title: str, hall: str, time: dt.datetime, blocks: Sequence[Block]) -> Receipt:
    return Receipt(title, (
        Text(hall, bold=True, center=True),
        Text(title, bold=True, center=True, big=True),
        Text(f"{time:%Y-%m-%d %H:%M:%S}", center=True),
        Rule(),
        *blocks,
    ))


def _qr(data: str, caption: str) -> list[Block]:
    return [Space(), Qr(data), Text(caption, center=True)]


def signin_slip(*, hall: str, time: dt.datetime, member_name: str, member_number: str,
                event_title: str, event_start: dt.datetime, place: str = "",
                kind: str = "present", late: bool = False, assisted_by: str = "",
                proof: str = "") -> Receipt:
    """A member's slip for signing in to a meeting. `kind` is an attendance kind (present,
    assisted, leave, remote); `proof`, when given, is printed as a QR code."""
    blocks: list[Block] = [
        Row(_("姓名"), member_name),
        Row(_("党员编号"), member_number),
        Row(_("会议"), event_title),
        Row(_("开始时间"), f"{event_start:{MINUTE}}"),
    ]
    if place:
        blocks.append(Row(_("地点"), place))
    blocks.append(Row(_("签到方式"), _(labels.ATTENDANCE_KINDS.get(kind, kind))))
    if kind in ("present", "assisted"):
        blocks.append(Row(_("到会"), _("迟到") if late else _("按时")))
    if assisted_by:
        blocks.append(Row(_("协助签到"), assisted_by))
    if proof:
        blocks += _qr(proof, _("签到凭证"))
    return _receipt(_("签到凭条"), hall, time, blocks)


def request_ticket(*, hall: str, time: dt.datetime, ticket: str, qr: str, category: str,
                   text: str = "", phone: str = "") -> Receipt:
    """The resident's ticket for a request: its number, and the ticket QR code (`qr`, the
    payload with the ticket's secret) to check its progress at the kiosk."""
    summary = " ".join(text.split())
    if len(summary) > SUMMARY_LENGTH:
        summary = summary[:SUMMARY_LENGTH] + "…"
    blocks: list[Block] = [
        Text(_("回执号"), center=True),
        Text(ticket, bold=True, center=True, big=True),
        Space(),
        Row(_("类别"), _(labels.REQUEST_CATEGORIES.get(category, category))),
        Row(_("状态"), _(labels.REQUEST_STATUSES["received"])),
    ]
    if summary:
        blocks.append(Row(_("内容"), summary))
    if phone:
        blocks.append(Row(_("联系电话"), mask_phone(phone)))
    blocks += _qr(qr, _("在自助终端扫这个二维码，查看办理进度"))
    blocks += [Space(), Text(_("请保管好本回执。工作人员会尽快处理并答复您。"))]
    return _receipt(_("办事回执"), hall, time, blocks)


def _markdown_blocks(body: str) -> list[Block]:
    """Notice text (Markdown) as plain paragraphs: headings bold, list items and table rows
    kept as lines, emphasis and link marks taken away."""
    blocks: list[Block] = []
    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            if blocks and not isinstance(blocks[-1], Space):
                blocks.append(Space())
            continue
        if set(line) <= set("|-: "):  # a table's ruler row
            continue
        heading = line.startswith("#")
        line = line.lstrip("#>").strip()
        if line.startswith("|"):
            line = "  ".join(cell.strip() for cell in line.strip("|").split("|"))
        for mark in ("**", "__", "`"):
            line = line.replace(mark, "")
        while "](" in line and "[" in line:  # [text](address) -> text
            start, middle = line.index("["), line.index("](")
            end = line.find(")", middle)
            if start > middle or end < 0:
                break
            line = line[:start] + line[start + 1:middle] + line[end + 1:]
        blocks.append(Text(line, bold=heading))
    return blocks


def notice_copy(*, hall: str, time: dt.datetime, number: int, category: str, title: str,
                body: str, published: dt.datetime | None = None, version: int = 1) -> Receipt:
    """A printed copy of a published notice (its Markdown body as plain text)."""
    blocks: list[Block] = [
        Text(title, bold=True),
        Space(),
        Row(_("编号"), f"{number}"),
        Row(_("类别"), _(labels.NOTICE_CATEGORIES.get(category, category))),
    ]
    if published:
        blocks.append(Row(_("发布时间"), f"{published:{MINUTE}}"))
    if version > 1:
        blocks.append(Row(_("版本"), _("第 {n} 版（修改记录可在终端查看）").format(n=version)))
    blocks += [Rule(), *_markdown_blocks(body), Rule(),
               Text(_("本打印件与终端上的公告内容一致，以公告栏为准。"))]
    return _receipt(_("通知公告"), hall, time, blocks)


def member_record(*, hall: str, time: dt.datetime, name: str, number: str, branch: str,
                  stage: str, status: str,
                  stages: Sequence[tuple[dt.date, str]] = (),
                  attendance: Sequence[tuple[dt.datetime, str, str]] = (),
                  dues_paid_through: str = "") -> Receipt:
    """A member's own record. `stages`: (date reached, stage code) oldest first;
    `attendance`: (time, event title, attendance kind) newest first; `dues_paid_through`:
    the last month paid, YYYY-MM."""
    blocks: list[Block] = [
        Row(_("姓名"), name),
        Row(_("党员编号"), number),
        Row(_("所在支部"), branch),
        Row(_("身份"), _(labels.STAGES.get(stage, stage))),
        Row(_("状态"), _(labels.STATUSES.get(status, status))),
    ]
    if dues_paid_through:
        blocks.append(Row(_("党费交至"), dues_paid_through))
    if stages:
        blocks += [Space(), Text(_("发展历程"), bold=True)]
        blocks += [Row(f"{on:%Y-%m-%d}", _(labels.STAGES.get(code, code))) for on, code in stages]
    if attendance:
        blocks += [Space(), Text(_("最近参加的组织生活"), bold=True)]
        blocks += [Row(f"{at:%Y-%m-%d}", f"{title}（{_(labels.ATTENDANCE_KINDS.get(kind, kind))}）")
                   for at, title, kind in attendance]
    blocks += [Space(), Text(_("本记录只给党员本人查看，请妥善保管。"))]
    return _receipt(_("党员本人记录"), hall, time, blocks)


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")


def _upper_group(group: int) -> str:
    """1..9999 in capital numerals, zeros inside spoken once: 1005 → 壹仟零伍."""
    text, zero = "", False
    for place in (3, 2, 1, 0):
        digit = group // 10**place % 10
        if digit == 0:
            zero = bool(text)
            continue
        text += ("零" if zero else "") + _DIGITS[digit] + _PLACES[place]
        zero = False
    return text


def rmb_upper(amount: Decimal) -> str:
    """An amount of yuan in capital numerals, as receipts write it: 12.50 → 壹拾贰元伍角整."""
    fen = int((abs(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    yuan, jiao, fen = fen // 100, fen // 10 % 10, fen % 10
    groups = []
    while yuan:
        groups.append(yuan % 10000)
        yuan //= 10000
    text, gap = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            gap = bool(text)
            continue
        if text and (gap or group < 1000):
            text += "零"
        text += _upper_group(group) + _GROUPS[index]
        gap = False
    if text:
        text += "元"
    if jiao:
        text += _DIGITS[jiao] + "角"
    if fen:
        text += ("零" if text and not jiao else "") + _DIGITS[fen] + "分"
    else:
        text = (text or "零元") + "整"
    return ("负" if amount < 0 else "") + text


def _months(first_month: str, months: int) -> str:
    year, month = (int(part) for part in first_month.split("-"))
    last = year * 12 + month - 1 + abs(months) - 1
    end = f"{last // 12:04d}-{last % 12 + 1:02d}"
    span = first_month if abs(months) == 1 else f"{first_month} 至 {end}"
    return _("{span}（{n} 个月）").format(span=span, n=abs(months))


def dues_receipt(*, hall: str, time: dt.datetime, receipt_no: str, member_name: str,
                 member_number: str, first_month: str, months: int, amount: Decimal,
                 received_by: str = "") -> Receipt:
    """A receipt for party dues (first month YYYY-MM, number of months), in two parts cut
    apart: one for the member, one kept by the branch. A correction has negative months
    and amount."""
    rows: list[Block] = [
        Row(_("收据号"), receipt_no),
        Row(_("姓名"), member_name),
        Row(_("党员编号"), member_number),
        Row(_("所属月份"), _months(first_month, months)),
        Row(_("金额"), _("{amount} 元").format(amount=f"{amount:.2f}")),
        Row(_("大写"), rmb_upper(amount)),
    ]
    if amount < 0:
        rows.append(Row(_("说明"), _("更正，冲销以前的收据")))
    if received_by:
        rows.append(Row(_("收款人"), received_by))
    title = _("党费收据")
    member_part = _receipt(title, hall, time, [*rows, Space(), Text(_("第一联 交款人收执"), center=True)])
    branch_part = _receipt(title, hall, time, [*rows, Space(), Text(_("第二联 支部存根"), center=True)])
    return Receipt(title, (*member_part.blocks, Cut(), *branch_part.blocks))


def member_card(*, hall: str, time: dt.datetime, name: str, number: str, branch: str,
                payload: str, serial: int, issued: dt.date) -> Receipt:
    """A member card on paper: the signed card payload as a QR code."""
    blocks: list[Block] = [
        Row(_("姓名"), name),
        Row(_("党员编号"), number),
        Row(_("所在支部"), branch),
        Row(_("卡号"), _("第 {serial} 张，{date} 签发").format(serial=serial, date=f"{issued:%Y-%m-%d}")),
        *_qr(payload, _("签到时把二维码对准扫码器")),
        Space(),
        Text(_("补办新卡后，旧卡自动失效。请妥善保管，不要借给别人。")),
    ]
    return _receipt(_("党员卡"), hall, time, blocks)


def printer_test_page(*, hall: str, time: dt.datetime, printer: str, paper_mm: int, mode: str,
              profile: str) -> Receipt:
    """What the printer can do: the column count, Chinese text and punctuation, the mark
    for characters it cannot print, bold and big text, and a QR code."""
    columns = COLUMNS[paper_mm]
    ruler = ("1234567890" * 5)[:columns]
    blocks: list[Block] = [
        Row(_("打印机"), printer),
        Row(_("纸宽"), _("{mm} 毫米，每行 {n} 列").format(mm=paper_mm, n=columns)),
        Row(_("打印方式"), _(labels.PRINTER_MODES.get(mode, mode))),
        Row(_("打印机类型"), profile),
        Space(),
        Text(_("下面一行应正好占满一行：")),
        Text(ruler),
        Text(_("中文：党群服务中心 一二三四五六七八九十")),
        Text(_("标点：，。、；：？！“”（）《》【】…—")),
        Text(_("混排：Village Hall 2026 年 11 月")),
        Text(_("打不出的字印成〓：𪚥 😀")),
        Text(_("粗体字"), bold=True),
        Text(_("大字"), big=True),
        *_qr("PRINTER TEST", _("二维码应清晰，能扫出 PRINTER TEST")),
    ]
    return _receipt(_("打印机测试页"), hall, time, blocks)


def reprinted(receipt: Receipt, time: dt.datetime) -> Receipt:
    """A copy marked 补打 with the time on each of its parts, so that it is not taken for a
    second original."""
    mark = Text(_("【补打 {time}】").format(time=f"{time:{MINUTE}}"), bold=True, center=True)
    blocks: list[Block] = [mark]
    for block in receipt.blocks:
        blocks += [block, mark] if isinstance(block, Cut) else [block]
    return Receipt(receipt.title, tuple(blocks))


COMMENTARY_PRINTED = 200  # characters of the staff commentary on a report summary


def report_summary(*, hall: str, time: dt.datetime, title: str, period: str, branch: str,
                   figures: Sequence[tuple[str, str]], commentary: str = "") -> Receipt:
    """One page for the notice board or a meeting: a report's key figures (counts only, no
    names) and the staff's commentary."""
    words = " ".join(commentary.split())
    if len(words) > COMMENTARY_PRINTED:
        words = words[:COMMENTARY_PRINTED] + "…"
    blocks: list[Block] = [
        Row(_("时间段"), period),
        Row(_("支部"), branch),
        Rule(),
        *(Row(label, value) for label, value in figures),
        Rule(),
        Text(_("工作人员评语"), bold=True),
        Text(words or _("（没有填写）")),
    ]
    return _receipt(_("报表摘要：{title}").format(title=title), hall, time, blocks)
