"""A small notice board with fixed dates, made through the notice services the way staff
make one: in force, pinned, edited, retracted, expired, scheduled and draft notices."""

from __future__ import annotations

import datetime as dt

from kiosk.services import audit, notices
from kiosk.services.notices import NoticeFields
from kiosk.services.staff import StaffSession

TODAY = dt.date(2026, 11, 27)  # the day of conftest.FIXED_TIME
CLERK = StaffSession("8002", "李秀英", "staff")
ADMIN = StaffSession("8001", "王建国", "admin")

ROAD_V1 = """经村民代表会议讨论通过，对二组村道进行了硬化。资金使用情况如下：

| 项目 | 金额（元） |
| --- | ---: |
| 材料 | 86,500.00 |
| 机械租赁费 | 12,600.00 |

工程已通过验收。"""
ROAD_V2 = ROAD_V1.replace("12,600.00", "13,200.00") + "\n\n**更正说明**：机械租赁费核对发票后更正。"
HEALTH = """镇卫生院下周二到村里为 65 岁以上老人免费体检。

- **地点**：村卫生室
- **要求**：空腹，带身份证和医保卡

联系人：村卫生室刘医生，电话 13900007788。"""


class Clock:
    """Stands in for the services' clock: what time it is, set by the test."""

    def __init__(self, at: dt.datetime):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


def fixed_clock(monkeypatch, at: dt.datetime) -> Clock:
    clock = Clock(at)
    monkeypatch.setattr(notices, "now", clock)
    monkeypatch.setattr(audit, "now", clock)
    return clock


def at(day: int, month: int = 11, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0)


def fill_board(clock: Clock) -> dict[str, str]:
    """The board; returns each notice's id by a short name."""
    made = {}

    def publish(name, when, title, category, body, **options):
        clock.at = when
        confirmed = options.pop("confirmed_public", False)
        fields = NoticeFields(title, category, body, **options)
        made[name] = str(notices.publish(CLERK, fields, confirmed_public=confirmed).id)

    publish("road", at(2), "二组村道硬化工程资金使用情况公开", "village", ROAD_V1)
    publish("retracted", at(8), "农村低保对象民主评议结果公示", "village",
            "经村民代表民主评议，拟新纳入低保的共 5 户。")
    publish("finance", at(8, hour=10), "十月份村级财务收支公开", "finance",
            "| 项目 | 金额（元） |\n| --- | ---: |\n| 上月结余 | 186,420.35 |", pinned=True)
    publish("insurance", at(10), "新一年度城乡居民医保开始缴费了", "policy",
            "请在 12 月底前缴纳城乡居民医保，每人每年 400 元。")
    publish("activists", at(20), "关于确定入党积极分子的公示", "party",
            "拟确定以下同志为入党积极分子：周文杰、刘晓燕。公示期 5 天。",
            valid_until=dt.date(2026, 12, 20))
    publish("health", at(22), "65 岁以上老人免费健康体检通知", "activity", HEALTH,
            confirmed_public=True)
    publish("expired", at(1, month=9), "上季度村级财务收支公开", "finance",
            "季末结余 186,420.35 元。", valid_until=dt.date(2026, 10, 1))
    publish("scheduled", at(25), "元旦文艺汇演通知", "activity", "元旦上午在村文化广场演出。",
            valid_from=dt.date(2026, 12, 20))
    clock.at = at(6, hour=15)
    notices.publish(CLERK, NoticeFields("二组村道硬化工程资金使用情况公开", "village", ROAD_V2),
                    made["road"], note="更正机械租赁费金额（原数字录入有误）")
    clock.at = at(10, hour=10)
    notices.retract(ADMIN, made["retracted"], "公示户数统计有误（应为 4 户），已核实后重新公示")
    clock.at = at(26)
    made["draft"] = str(notices.save_draft(CLERK, NoticeFields(
        "冬春送温暖慰问活动安排", "activity", "慰问名单正在核实，确定后另行公告。")).id)
    clock.at = at(27, hour=9)
    return made
