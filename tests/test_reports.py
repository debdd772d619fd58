"""Reports against the hand-worked figures of tests/report_hall.py, on SQLite and PostgreSQL;
exports opened again with csv and openpyxl; no ranking of people anywhere; periods; the
commentary saved with a report; `kiosk export`."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest
import report_hall
from report_hall import PERIOD, TODAY

from kiosk import cli
from kiosk.db import migrations
from kiosk.db.database import database, write_lock
from kiosk.db.models import Attendance, AuditEntry, Event, Member, ReportCommentary
from kiosk.errors import KioskError
from kiosk.services import events, reports, staff
from kiosk.services.periods import current_period, parse_period
from kiosk.services.report_export import export


@pytest.fixture
def hall(db):
    return report_hall.build()


def build(kind: str, hall: dict, branch: int | None = None, everywhere: bool = False):
    return reports.build(kind, PERIOD, branch, None if everywhere else hall["hall"].id, TODAY)


def test_attendance(hall):
    report = build("attendance", hall)
    # 应到 实到 请假 缺席 迟到, then 到会率 请假率 缺席率 (of the expected members) and 迟到率
    assert report.table("by_type").rows == [
        ("支部党员大会", 1, 3, 0, 0, 3, 0, 0.0, 0.0, 100.0, None),
        ("党小组会", 1, 3, 1, 1, 1, 0, 33.3, 33.3, 33.3, 0.0),
        # 一支部 4 came (one a visitor, one late), 二支部 2 of 3 (one late)
        ("主题党日", 2, 6, 6, 0, 1, 2, 83.3, 0.0, 16.7, 33.3),
    ]
    assert [row[4:9] for row in report.table("events").rows] == [
        (3, 4, 0, 0, 1), (3, 2, 0, 1, 1), (3, 1, 1, 1, 0), (3, 0, 0, 3, 0)]
    cadence = {(row[0], row[1]): row[3:] for row in report.table("cadence").rows}
    assert cadence[("第一党支部", "支部党员大会")] == (1, 1, "")
    assert cadence[("第一党支部", "支委会")] == (3, 0, "2026-04、2026-05、2026-06")  # one cancelled
    assert cadence[("第一党支部", "党小组会")] == (3, 1, "2026-04、2026-06")
    assert cadence[("第二党支部", "党课")] == (1, 0, "2026-Q2")
    assert len(cadence) == 10 and dict(report.summary)["未按规定召开"] == "18"
    assert [m.text for m in report.minutes] == [report_hall.MINUTES]

    one = reports.build("attendance", PERIOD, hall["branches"][1].id, None, TODAY)
    assert one.table("by_type").rows == [("主题党日", 1, 3, 2, 0, 1, 1, 66.7, 0.0, 33.3, 50.0)]
    assert dict(build("attendance", hall, everywhere=True).summary)["会议"] == "5"


def test_later_changes_of_members_leave_past_meetings_as_they_were(hall):
    """应到 and who was expected are recorded with each meeting (counted again when its first
    member is recorded), not worked out from today's members."""
    before = build("attendance", hall)
    Member.update(status="transferred_out").where(Member.number.in_(["R001", "R006"])).execute()
    after = build("attendance", hall)
    assert after.table("events").rows == before.table("events").rows
    assert after.summary == before.summary

    lecture = Event.get(Event.status == "planned")  # 一支部, recorded with R001 R002 R003
    with write_lock():
        for number in ("V001", "R002"):
            events.record_attendance(lecture, Member.get(Member.number == number), "present",
                                     lecture.start)
    assert Event.get_by_id(lecture.id).expected == 2
    assert sorted(Attendance.select(Member.number, Attendance.on_roll).join(Member)
                  .where(Attendance.event == lecture).tuples()) == [("R002", True),
                                                                    ("V001", False)]


def test_upgrade_to_version_5_records_the_rolls_of_meetings_held(hall):
    before = build("attendance", hall).table("events").rows
    report_hall.undo_version_5(database)
    migrations.UPGRADES[4](database.obj)
    assert build("attendance", hall).table("events").rows == before


def test_meetings_of_a_running_month_are_not_yet_missed(hall):
    june = reports.build("attendance", parse_period("2026-06"), hall["branches"][0].id, None,
                         dt.date(2026, 6, 10))
    cadence = {row[1]: row[3:] for row in june.table("cadence").rows}
    assert cadence["支委会"] == (1, 0, "") and cadence["支部党员大会"] == (1, 1, "")
    assert june.table("events").rows == []  # 06-20 has not happened yet on 06-10


def test_members(hall):
    report = build("members", hall)
    assert report.table("stages").rows == [  # 正常 流出 流入 转出 去世 合计
        ("入党申请人", 0, 0, 0, 0, 0, 0),
        ("入党积极分子", 1, 0, 0, 0, 0, 1),
        ("发展对象", 0, 0, 0, 0, 0, 0),
        ("预备党员", 1, 0, 0, 0, 0, 1),
        ("正式党员", 3, 1, 1, 0, 1, 6),
    ]
    assert report.table("changes").rows == [
        ("R001", "张三明", "第一党支部", "预备党员", "正式党员", "2026-05-20", "")]
    assert [row[:5] for row in report.table("due").rows] == [
        ("R002", "李四", "第一党支部", "预备党员", "2025-06-01"),
        ("R005", "孙七", "第一党支部", "入党积极分子", "2025-03-01")]
    assert build("members", hall, everywhere=True).table("stages").rows[-1][-1] == 7


def test_flow_and_care_list(hall):
    report = build("flow", hall)
    # 不到半年 (R006 since May) and 半年到一年 (R003 since 2025-09); R001 came back
    assert report.table("out").rows == [("广东省深圳市", 1, 1, 0, 0, 2)]
    assert report.table("in").rows == [("福建省福州市", 1)]
    assert report.table("care").rows == [("R008", "郑十", "第二党支部", "正常", "", "没有记录")]
    assert dict(report.summary)["本期新流出"] == "1"
    assert "不是批评名单" in report.notes[0]


def test_requests(hall):
    report = build("requests", hall)
    # 收到 办结 中位天数 满意 基本满意 不满意: 2, 10 and 4 days; E was received in March
    assert report.table("by_category").rows == [
        ("证明开具", 3, 3, 4.0, 1, 0, 1), ("环境卫生", 1, 1, 13.5, 0, 1, 0)]
    assert dict(report.summary)["办结天数中位数"] == "7.0 天"  # of 2, 4, 10, 13.5
    assert build("requests", hall, everywhere=True).table("by_category").rows[0][1] == 4


def test_dues(hall):
    report = build("dues", hall)
    assert report.table("by_member").rows == [  # 已交 应交 未交
        ("R001", "张三明", "第一党支部", 3, 3, 0),
        ("R002", "李四", "第一党支部", 2, 3, 1),
        ("R003", "王五华", "第一党支部", 0, 3, 3),
        ("R006", "周八", "第二党支部", 0, 3, 3),  # paid, then reversed
        ("R007", "吴九", "第二党支部", 1, 3, 2),
        ("R008", "郑十", "第二党支部", 0, 3, 3),
    ]
    may = reports.build("dues", parse_period("2026"), hall["branches"][0].id, None,
                        dt.date(2026, 5, 3))
    assert may.table("by_member").rows[0][3:] == (6, 5, 0)  # paid Jan-Jun, due Jan-May


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_no_report_ranks_people(hall):
    for kind in reports.KINDS:
        report = build(kind, hall)
        for table in report.tables:
            assert not {"排名", "名次", "得分", "排行", "积分"} & set("".join(table.columns)), table
            if table.people:
                numbers = [row[0] for row in table.rows]
                assert numbers == sorted(numbers), (kind, table.key)
    counts = [row[5] for row in build("dues", hall).table("by_member").rows]
    assert counts != sorted(counts) and counts != sorted(counts, reverse=True)


def test_export_csv_and_xlsx(hall, tmp_path):
    period = PERIOD
    written = export("dues", "csv", tmp_path / "dues.csv", period, None, hall["hall"].id, TODAY)
    with open(tmp_path / "dues.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == written
    assert rows[0] == ["测试村党群服务中心  全部支部  2026 年第 2 季度  党费"]
    header = rows.index(["党员编号", "姓名", "支部", "已交月数", "应交月数", "未交月数"])
    assert rows[header + 1:header + 3] == [["R001", "张三明", "第一党支部", "3", "3", "0"],
                                           ["R002", "李四", "第一党支部", "2", "3", "1"]]
    assert rows[rows.index(["工作人员评语"]) + 1] == ["（没有填写）"]

    branch = hall["branches"][0].id
    export("roll", "xlsx", tmp_path / "roll.xlsx", period, branch, hall["hall"].id, TODAY)
    sheet = openpyxl.load_workbook(tmp_path / "roll.xlsx", read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "测试村党群服务中心  第一党支部  2026 年第 2 季度  签到明细"
    header = rows.index(("会议日期", "支部", "会议类型", "会议名称", "党员编号", "姓名", "参加方式",
                         "签到时间", "迟到", "请假事由", "外来党员所在组织"))
    roll = [(r[0][5:10], r[4], r[6], r[8]) for r in rows[header + 1:header + 7]]
    assert roll == [("04-10", "R001", "到会", "否"), ("04-10", "R002", "到会", "是"),
                    ("04-10", "R003", "远程参加", "否"), ("04-10", "V001", "到会", "否"),
                    ("05-12", "R001", "请假", "否"), ("05-12", "R002", "代签到", "否")]
    assert rows[header + 7] == ()  # the blank row before the minutes


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_commentary_is_saved_with_the_report_and_exported(hall, staff_accounts, tmp_path):
    session = staff.login(staff_accounts[1][0], staff_accounts[1][3])
    branch = hall["branches"][1].id
    reports.save_commentary(session, "flow", PERIOD, branch, " R008 家里有老人要照顾，下月去看看。")
    reports.save_commentary(session, "flow", PERIOD, branch, "已上门，老人身体好转。")
    assert ReportCommentary.select().count() == 1
    assert reports.commentary("flow", PERIOD, branch) == "已上门，老人身体好转。"
    assert reports.commentary("flow", PERIOD) == ""  # all branches: a report of its own
    assert reports.commentary("flow", PERIOD.shifted(1), branch) == ""
    wordings = [entry.details for entry in
                AuditEntry.select().where(AuditEntry.action == "report.commentary")]
    assert len(wordings) == 2 and "下月去看看" in wordings[0]  # earlier wording stays on record
    with pytest.raises(KioskError):
        reports.save_commentary(session, "flow", PERIOD, branch, "字" * 2001)

    export("flow", "csv", tmp_path / "flow.csv", PERIOD, branch, None, TODAY)
    assert "已上门，老人身体好转。" in (tmp_path / "flow.csv").read_text(encoding="utf-8-sig")


def test_periods():
    assert [(p.key, p.start, p.end) for p in map(parse_period, ("2026-2", "2026Q4", "2024"))] == [
        ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        ("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31))]
    custom = parse_period("2026-1-5 ~ 2026-01-14")
    assert (custom.key, custom.shifted(1).key) == ("2026-01-05~2026-01-14", "2026-01-15~2026-01-24")
    assert parse_period("2026-12").shifted(1).key == "2027-01"
    assert parse_period("2026-Q1").shifted(-1).key == "2025-Q4"
    assert current_period("quarter", dt.date(2026, 11, 27)).key == "2026-Q4"
    assert parse_period("2026-Q2").label == "2026 年第 2 季度"
    for wrong in ("2026-13", "26-01", "2026-02-30~2026-03-01", "2026-03-01~2026-02-01", ""):
        with pytest.raises(KioskError):
            parse_period(wrong)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_upgrade_from_version_1_adds_the_commentary_table(db):
    database.execute_sql("DROP TABLE report_commentary")
    migrations.UPGRADES[1](database.obj)
    assert "report_commentary" in database.get_tables()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_kiosk_export_command(hall, config, tmp_path, capsys):
    database.close()
    target = tmp_path / "flow.xlsx"
    code = cli.main(["export", "flow", str(target), "--db", config.db_url, "--period", "2026-Q2",
                     "--branch", "第二党支部"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "已导出「流动党员」2026 年第 2 季度（第二党支部）" in out.out
    rows = list(openpyxl.load_workbook(target, read_only=True).active.iter_rows(values_only=True))
    assert ("R008", "郑十", "第二党支部", "正常", None, "没有记录") in rows
    assert cli.main(["export", "flow", str(tmp_path / "x.txt"), "--db", config.db_url]) == 2
    assert "--format" in capsys.readouterr().err
