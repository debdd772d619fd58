"""One of every receipt, with realistic values, for the receipt and printer tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kiosk.printing import receipts
from kiosk.printing.receipt import Receipt

HALL = "东风村党群服务中心"
TIME = dt.datetime(2026, 11, 27, 9, 30, 5)
TICKET_QR = "VK1TT0001.ABCDEFGHIJKLMNOP"
CARD = "VK1M1A2B3C4D.M001.1.20261127." + "A" * 102 + "Q"


def signin_slip(**changes) -> Receipt:
    values = {"hall": HALL, "time": TIME, "member_name": "张三明", "member_number": "M001",
              "event_title": "主题党日：学习交流", "event_start": dt.datetime(2026, 11, 27, 9, 0),
              "place": "二楼会议室", "late": True, "proof": TICKET_QR}
    return receipts.signin_slip(**values | changes)


SAMPLES: dict[str, Receipt] = {
    "signin": signin_slip(),
    "signin_assisted": signin_slip(kind="assisted", late=False, assisted_by="李秀英", proof=""),
    "ticket": receipts.request_ticket(
        hall=HALL, time=TIME, ticket="T0001", qr=TICKET_QR, category="utilities",
        text="村口路灯坏了，晚上很黑，老人出门不方便，请尽快修一下，谢谢！", phone="13998765432"),
    "notice": receipts.notice_copy(
        hall=HALL, time=TIME, number=12, category="finance", title="2026 年第三季度村务财务公开",
        body="# 收支情况\n\n- 道路维修 ¥12,000\n- **合作医疗**补助，详见[县医保局通知](http://example.org)"
             "\n\n| 项目 | 金额（元） |\n|---|---|\n| 路灯 | 3,000.00 |\n| 保洁 | 1,200.00 |",
        published=dt.datetime(2026, 11, 20, 8, 0), version=2),
    "record": receipts.member_record(
        hall=HALL, time=TIME, name="张三明", number="M001", branch="东风村第一党支部",
        stage="full", status="normal",
        stages=[(dt.date(2012, 3, 1), "applicant"), (dt.date(2013, 4, 1), "activist"),
                (dt.date(2014, 5, 1), "candidate"), (dt.date(2014, 7, 1), "probationary"),
                (dt.date(2015, 7, 1), "full")],
        attendance=[(dt.datetime(2026, 11, 27, 9, 5), "主题党日：学习交流", "present"),
                    (dt.datetime(2026, 10, 15, 19, 0), "支部党员大会", "leave")],
        dues_paid_through="2026-10"),
    "dues": receipts.dues_receipt(
        hall=HALL, time=TIME, receipt_no="D2026-0001", member_name="张三明", member_number="M001",
        first_month="2026-01", months=3, amount=Decimal("6.00"), received_by="王建国"),
    "card": receipts.member_card(hall=HALL, time=TIME, name="张三明", number="M001",
                                 branch="东风村第一党支部", payload=CARD, serial=2,
                                 issued=dt.date(2026, 11, 27)),
    "test_page": receipts.printer_test_page(hall=HALL, time=TIME, printer="192.168.1.50:9100",
                                    paper_mm=58, mode="text", profile="default"),
}
SAMPLES["reprint"] = receipts.reprinted(SAMPLES["dues"], dt.datetime(2026, 11, 28, 10, 0))
