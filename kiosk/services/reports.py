"""Reports for staff and the upper-level organisation: organisational life, the members, flow,
requests and dues over a period, for one branch or all, with the meeting minutes of the period
and the staff's own commentary next to the numbers (numbers must not replace judgement).

Every count is made by the database (GROUP BY), so that a report over a county's many halls
on PostgreSQL costs about what it costs one hall; every report takes a hall filter (None: all
halls in the database). Lists of people are in member-number order, never sorted by a count:
no report ranks or scores members or staff against each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from peewee import SQL, Case, Select, Value, fn

from kiosk import labels
from kiosk.db.database import database, is_postgres, write_lock
from kiosk.db.models import (
    Attendance, Branch, Dues, Event, FlowRecord, Hall, Member, MemberStageChange,
    ReportCommentary, Request, StaffUser, now,
)
from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.services import audit
from kiosk.services.events import ATTENDING, EXPECTED_STATUSES, expected_condition
from kiosk.services.hall import local_hall
from kiosk.services.periods import Period, month_index, month_of
from kiosk.services.staff import StaffSession, staff_only

KINDS = {
    "attendance": N_("组织生活"),
    "members": N_("党员队伍"),
    "flow": N_("流动党员"),
    "requests": N_("群众诉求"),
    "dues": N_("党费"),
}
# (type, months per required meeting): 支部党员大会 and 党课 each quarter, the rest monthly
TITLES = {**KINDS, "roll": N_("签到明细")}  # roll: every attendance row, for export only
CADENCE = (("branch_assembly", 3), ("committee", 1), ("group", 1), ("lecture", 3),
           ("theme_day", 1))
CARE_MONTHS = 6
MINUTES_SHOWN = 50
EXCERPT = 80  # characters of each meeting's minutes
MAX_COMMENTARY = 2000
PERSON = (N_("党员编号"), N_("姓名"), N_("支部"))  # the first columns of every list of people
FIGURES = (N_("应到"), N_("实到"), N_("请假"), N_("缺席"), N_("迟到"),
           N_("到会率%"), N_("请假率%"), N_("缺席率%"), N_("迟到率%"))


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: Iterable[tuple]  # a list, or for long exports a stream of `total` rows
    people: bool = False  # one member a row: first column the member number, in that order
    total: int | None = None


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[tuple[str, float]]  # label, value
    unit: str = ""
    spark: bool = False  # a run of values in time order, drawn as a sparkline


@dataclass(frozen=True)
class Excerpt:
    day: dt.date
    branch: str
    type: str
    title: str
    text: str


@dataclass
class Report:
    kind: str
    period: Period
    branch: str  # the branch's name, or 全部支部
    hall: str  # the hall's name, or 全部服务中心
    summary: list[tuple[str, str]]
    tables: list[Table]
    charts: list[Chart] = field(default_factory=list)
    minutes: list[Excerpt] = field(default_factory=list)
    commentary: str = ""
    notes: list[str] = field(default_factory=list)  # how to read the numbers

    @property
    def title(self) -> str:
        return _(TITLES.get(self.kind, self.kind))

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def build(kind: str, period: Period, branch: int | None = None, hall=None,
          today: dt.date | None = None) -> Report:
    """The report `kind` with the period's minutes and the saved commentary."""
    if kind not in KINDS:
        raise KioskError(_("没有这种报表：{kind}").format(kind=kind))
    today = today or now().date()
    with _reading():
        report = BUILDERS[kind](period, branch, hall, today)
        report.minutes = minutes(period, branch, hall)
        report.commentary = commentary(kind, period, branch, hall)
    return report


@contextmanager
def _reading():
    """One read transaction for a report. On PostgreSQL without JIT compilation: for these
    queries compiling takes longer (about 0.4 s) than it saves."""
    with database.atomic():
        if is_postgres():
            database.execute_sql("SET LOCAL jit = off")
        yield


def _report(kind: str, period: Period, branch: int | None, hall, **parts) -> Report:
    return Report(kind, period, *scope_names(branch, hall), **parts)


def find_branch(text: str) -> Branch:
    """A branch by its name or number, as typed on the command line."""
    text = text.strip()
    found = Branch.get_or_none(Branch.name == text)
    if found is None and text.isdigit():
        found = Branch.get_or_none(Branch.id == int(text))
    if found is None:
        raise KioskError(_("没有叫「{name}」的支部").format(name=text))
    return found


def scope_names(branch: int | None, hall) -> tuple[str, str]:
    branch_name = Branch.get_by_id(branch).name if branch is not None else _("全部支部")
    if hall is not None:
        return branch_name, Hall.get_by_id(hall).name
    local = Hall.get_or_none(Hall.is_local == True)  # noqa: E712
    return branch_name, local.name if local else _("全部服务中心")


def in_scope(branch_field, branch: int | None, hall):
    """Rows whose branch is `branch` (None: any) in `hall` (None: any)."""
    condition = branch_field.is_null(False)
    if branch is not None:
        condition &= branch_field == branch
    if hall is not None:
        condition &= branch_field.in_(Branch.select(Branch.id).where(Branch.hall == hall))
    return condition


def _count_if(condition):
    return fn.SUM(Case(None, [(condition, 1)], 0))


def _least(*values):
    return fn.LEAST(*values) if is_postgres() else fn.MIN(*values)  # SQLite: min(a, b)


def _greatest(*values):
    return fn.GREATEST(*values) if is_postgres() else fn.MAX(*values)


def _plain_rows(query) -> list[tuple]:
    """The rows as the database driver gives them, without peewee's conversion of each
    value: for long lists of text and numbers only."""
    return query.model._meta.database.execute(query).fetchall()


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- 组织生活 ----------------------------------------------------------------------------

def attendance(period: Period, branch: int | None, hall, today: dt.date) -> Report:
    held = ((Event.start >= period.begins) & (Event.start < min(period.ends, _day_after(today)))
            & (Event.status != "cancelled") & in_scope(Event.branch, branch, hall))
    counts = _tally(Event.select(Event.id).where(held))
    events = (Event.select(Event.id, Event.expected, Event.type, Event.title, Event.start,
                           Branch.name).join(Branch).where(held)
              .order_by(Event.start, Event.id).tuples())
    rows, by_type = [], {}
    for event_id, due, kind, title, start, branch_name in events:
        attended, leave, late, own_attended, own_leave = counts.get(event_id, (0,) * 5)
        figures = (due, attended, leave, max(due - own_attended - own_leave, 0), late,
                   own_attended, own_leave)
        rows.append((f"{start:%Y-%m-%d}", branch_name, _(labels.EVENT_TYPES[kind]), title,
                     *_shown(figures)))
        by_type[kind] = tuple(a + b for a, b in zip(by_type.get(kind, (0,) * 8), (1, *figures)))
    type_rows = [(_(labels.EVENT_TYPES[kind]), by_type[kind][0], *_shown(by_type[kind][1:]))
                 for kind in labels.EVENT_TYPES if kind in by_type]
    cadence_rows, missed = cadence(period, branch, hall, today)
    return _report(
        "attendance", period, branch, hall,
        summary=[(_("会议"), str(len(rows))),
                 (_("应到人次"), str(sum(r[4] for r in rows))),
                 (_("实到人次"), str(sum(r[5] for r in rows))),
                 (_("请假人次"), str(sum(r[6] for r in rows))),
                 (_("缺席人次"), str(sum(r[7] for r in rows))),
                 (_("未按规定召开"), str(missed))],
        tables=[
            Table("by_type", _("按会议类型"), _columns(N_("会议类型"), N_("次数"), *FIGURES),
                  type_rows),
            Table("cadence", _("会议是否按规定召开"),
                  _columns(N_("支部"), N_("会议类型"), N_("规定"), N_("应开"), N_("已开"),
                           N_("未开的月份或季度")),
                  cadence_rows),
            Table("events", _("每次会议"),
                  _columns(N_("日期"), N_("支部"), N_("会议类型"), N_("名称"), *FIGURES), rows),
        ],
        charts=[Chart(_("各类会议到会率"), [(r[0], r[7] or 0) for r in type_rows], "%"),
                Chart(_("每次会议到会率（按时间）"), [(r[0], r[9] or 0) for r in rows], "%",
                      spark=True)],
        notes=[_("应到：开始签到时本支部的预备党员和正式党员（不含转出、去世），以后人员变化不改"
                 "已开的会；实到含代签到、远程参加和外来党员；各种比率只算应到的党员，"
                 "迟到率 = 迟到 ÷ 实到")],
    )


def _tally(events) -> dict[int, list[int]]:
    """Each of `events`' attended, leave, late, and of those who were expected (not visitors)
    attended and leave: counted by the database from the attendance index that holds all
    four columns, one look-up a meeting, then added up here (a few rows a meeting)."""
    counts = {}
    for event_id, kind, on_roll, late, n in (
            Attendance.select(Attendance.event, Attendance.kind, Attendance.on_roll,
                              Attendance.late, fn.COUNT(SQL("*")))
            .where(Attendance.event.in_(events))
            .group_by(Attendance.event, Attendance.kind, Attendance.on_roll, Attendance.late)
            .tuples()):
        figures = counts.setdefault(event_id, [0] * 5)
        if kind in ATTENDING:
            figures[0] += n
            figures[2] += n if late else 0
            figures[3] += n if on_roll else 0
        elif kind == "leave":
            figures[1] += n
            figures[4] += n if on_roll else 0
    return counts


def _columns(*names: str) -> tuple[str, ...]:
    return tuple(_(name) for name in names)


def _shown(figures: tuple[int, ...]) -> tuple:
    """应到 实到 请假 缺席 迟到 and their rates, from those and the expected members' own
    attended and leave counts."""
    due, attended, leave, absent, late, own_attended, own_leave = figures
    return (due, attended, leave, absent, late, _rate(own_attended, due), _rate(own_leave, due),
            _rate(absent, due), _rate(late, attended))


def _day_after(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


RULE_WORDS = {1: N_("每月至少一次"), 3: N_("每季度至少一次")}


def cadence(period: Period, branch: int | None, hall, today: dt.date) -> tuple[list[tuple], int]:
    """Each branch's meetings against the rules, month by month (or quarter by quarter) of
    the period. A month or quarter still running is not counted as missed."""
    types = [kind for kind, _months in CADENCE]
    held = set(
        Event.select(Event.branch, Event.type, Event.start.year, Event.start.month)
        .where((Event.start >= period.begins) & (Event.start < period.ends)
               & (Event.status != "cancelled") & Event.type.in_(types)
               & in_scope(Event.branch, branch, hall))
        .group_by(Event.branch, Event.type, Event.start.year, Event.start.month).tuples())
    held = {(b, kind, month_index(int(y), int(m))) for b, kind, y, m in held}
    this_month = month_index(today.year, today.month)
    rows, missed = [], 0
    branches = Branch.select(Branch.id, Branch.name).where(in_scope(Branch.id, branch, hall))
    for branch_id, name in branches.order_by(Branch.name, Branch.id).tuples():
        for kind, months in CADENCE:
            slots = _slots(period, months)
            done = [s for s in slots
                    if any((branch_id, kind, m) in held for m in range(s, s + months))]
            late = [s for s in slots if s not in done and s + months <= this_month]
            missed += len(late)
            rows.append((name, _(labels.EVENT_TYPES[kind]), _(RULE_WORDS[months]),
                         len([s for s in slots if s <= this_month]), len(done),
                         "、".join(_slot_label(s, months) for s in late)))
    return rows, missed


def _slots(period: Period, months: int) -> list[int]:
    """The first month of each month (or calendar quarter) the period touches."""
    first = period.first_month - period.first_month % months
    return list(range(first, period.last_month + 1, months))


def _slot_label(first: int, months: int) -> str:
    year, month = month_of(first)
    return f"{year}-{month:02d}" if months == 1 else f"{year}-Q{(month - 1) // 3 + 1}"


def minutes(period: Period, branch: int | None, hall) -> list[Excerpt]:
    """The first words of the minutes of the period's meetings, in time order."""
    query = (Event.select(Event.start, Branch.name, Event.type, Event.title,
                          fn.SUBSTR(Event.minutes, 1, EXCERPT + 1))
             .join(Branch)
             .where((Event.start >= period.begins) & (Event.start < period.ends)
                    & (Event.minutes != "") & in_scope(Event.branch, branch, hall))
             .order_by(Event.start, Event.id).limit(MINUTES_SHOWN).tuples())
    return [Excerpt(start.date(), name, kind, title,
                    " ".join(text.split())[:EXCERPT] + ("…" if len(text) > EXCERPT else ""))
            for start, name, kind, title, text in query]


# --- 党员队伍 ----------------------------------------------------------------------------

def members(period: Period, branch: int | None, hall, today: dt.date) -> Report:
    ours = (Member.card_key == "") & in_scope(Member.branch, branch, hall)
    counts = {(stage, status): n for stage, status, n in Member.select(
        Member.stage, Member.status, fn.COUNT(Member.id)).where(ours)
        .group_by(Member.stage, Member.status).tuples()}
    stage_rows = [(_(label), *(counts.get((stage, status), 0) for status in labels.STATUSES),
                   sum(counts.get((stage, status), 0) for status in labels.STATUSES))
                  for stage, label in labels.STAGES.items()]
    changes = (MemberStageChange.select(Member.number, Member.name, Branch.name,
                                        MemberStageChange.from_stage, MemberStageChange.to_stage,
                                        MemberStageChange.on, MemberStageChange.note)
               .join(Member).join(Branch)
               .where((MemberStageChange.on >= period.start) & (MemberStageChange.on <= period.end)
                      & ours)
               .order_by(Member.number, MemberStageChange.on, MemberStageChange.recorded).tuples())
    change_rows = [(number, name, branch_name, _(labels.STAGES.get(old, old)) if old else "",
                    _(labels.STAGES[new]), f"{on:%Y-%m-%d}", note)
                   for number, name, branch_name, old, new, on, note in changes]
    return _report(
        "members", period, branch, hall,
        summary=[(_("党员和入党积极分子等共"), str(sum(r[-1] for r in stage_rows))),
                 *((_(labels.STAGES[s]), str(r[-1])) for s, r in zip(labels.STAGES, stage_rows)),
                 (_("本期阶段变化"), str(len(change_rows)))],
        tables=[
            Table("stages", _("按发展阶段和状态"),
                  (_("阶段"), *(_(s) for s in labels.STATUSES.values()), _("合计")), stage_rows),
            Table("changes", _("本期发展阶段变化"),
                  _columns(*PERSON, N_("原阶段"), N_("新阶段"), N_("日期"), N_("说明")),
                  change_rows, people=True),
            Table("due", _("到了下一步的（请支部研究）"),
                  _columns(*PERSON, N_("现在阶段"), N_("起始日期"), N_("下一步")),
                  _due_next_step(period.end, ours), people=True),
        ],
        charts=[Chart(_("各阶段人数"), [(r[0], r[-1]) for r in stage_rows])],
        notes=[_("到了下一步：预备期满一年的预备党员（讨论转正），培养满一年的入党积极分子"
                 "（可考虑列为发展对象）")],
    )


NEXT_STEPS = (  # stage, the date it started, what comes next after a year
    ("probationary", Member.probation_on, N_("预备期满，讨论能否按期转正")),
    ("activist", Member.activist_on, N_("培养满一年，可考虑列为发展对象")),
)


def _due_next_step(end: dt.date, ours) -> list[tuple]:
    a_year_before = _years_before(end, 1)
    due = None
    for stage, since, _words in NEXT_STEPS:
        condition = (Member.stage == stage) & (since <= a_year_before)
        due = condition if due is None else due | condition
    steps = {stage: (since, words) for stage, since, words in NEXT_STEPS}
    rows = (Member.select(Member.number, Member.name, Branch.name, Member.stage,
                          Member.probation_on, Member.activist_on).join(Branch)
            .where(ours & Member.status.in_(EXPECTED_STATUSES) & due)
            .order_by(Member.number).tuples())
    return [(number, name, branch_name, _(labels.STAGES[stage]),
             f"{probation if stage == 'probationary' else activist:%Y-%m-%d}",
             _(steps[stage][1]))
            for number, name, branch_name, stage, probation, activist in rows]


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- 流动党员 ----------------------------------------------------------------------------

AWAY = ((6, N_("不到半年")), (12, N_("半年到一年")), (24, N_("一到两年")), (None, N_("两年以上")))


def flow(period: Period, branch: int | None, hall, today: dt.date) -> Report:
    """Flows open at the end of the period: out by destination and how long away, in by
    origin; and the care list."""
    open_at_end = ((FlowRecord.since <= period.end)
                   & (FlowRecord.until.is_null() | (FlowRecord.until > period.end))
                   & in_scope(Member.branch, branch, hall))
    bucket = Case(None, [(FlowRecord.since > _months_before(period.end, months), index)
                         for index, (months, _words) in enumerate(AWAY) if months], len(AWAY) - 1)
    out = {}
    for place, index, n in (FlowRecord.select(FlowRecord.place, bucket, fn.COUNT(FlowRecord.id))
                            .join(Member).where(open_at_end & (FlowRecord.direction == "out"))
                            .group_by(FlowRecord.place, bucket).tuples()):
        out.setdefault(place, [0] * len(AWAY))[int(index)] += n
    out_rows = [(place, *spans, sum(spans)) for place, spans in sorted(out.items())]
    in_rows = list(FlowRecord.select(FlowRecord.place, fn.COUNT(FlowRecord.id)).join(Member)
                   .where(open_at_end & (FlowRecord.direction == "in"))
                   .group_by(FlowRecord.place).order_by(FlowRecord.place).tuples())
    started = dict(FlowRecord.select(FlowRecord.direction, fn.COUNT(FlowRecord.id)).join(Member)
                   .where((FlowRecord.since >= period.start) & (FlowRecord.since <= period.end)
                          & in_scope(Member.branch, branch, hall))
                   .group_by(FlowRecord.direction).tuples())
    care_rows = care_list(period.end, branch, hall)
    return _report(
        "flow", period, branch, hall,
        summary=[(_("外出在外"), str(sum(r[-1] for r in out_rows))),
                 (_("外来在本地"), str(sum(r[1] for r in in_rows))),
                 (_("本期新流出"), str(started.get("out", 0))),
                 (_("本期新流入"), str(started.get("in", 0))),
                 (_("需要关心联系"), str(len(care_rows)))],
        tables=[
            Table("out", _("流出党员：去向和在外时间"),
                  (_("去向"), *(_(words) for _months, words in AWAY), _("合计")), out_rows),
            Table("in", _("流入党员：从哪里来"), _columns(N_("来自"), N_("人数")), in_rows),
            Table("care", _("请工作人员主动关心联系"),
                  _columns(*PERSON, N_("状态"), N_("在外地点"), N_("最近一次参加组织生活")),
                  care_rows, people=True),
        ],
        charts=[Chart(_("流出党员在外时间"),
                      [(_(words), sum(r[1 + i] for r in out_rows))
                       for i, (_months, words) in enumerate(AWAY)])],
        notes=[_("关心联系名单：半年来没有参加组织生活、也没有任何联系记录（请假、交党费、登记流动"
                 "或阶段变化都算联系）的党员。这是请工作人员主动联系、了解困难的名单，"
                 "不是批评名单。")],
    )


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = month_of(month_index(day.year, day.month) - months)
    for date in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, date)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def care_list(end: dt.date, branch: int | None, hall) -> list[tuple]:
    """Expected members with no attendance (of any kind) and no contact recorded in the
    CARE_MONTHS before `end`, who were already members then; by member number."""
    since = dt.datetime.combine(_months_before(end, CARE_MONTHS), dt.time())
    until = _day_after(end)
    came = (Attendance.select(Attendance.id).join(Event)  # a look into each member's rows
            .where((Attendance.member == Member.id) & (Event.start >= since)
                   & (Event.start < until)))
    heard_from = [
        Dues.select(Dues.member).where((Dues.time >= since) & (Dues.time < until)),
        FlowRecord.select(FlowRecord.member)
        .where((FlowRecord.recorded >= since) & (FlowRecord.recorded < until)),
        MemberStageChange.select(MemberStageChange.member)
        .where((MemberStageChange.recorded >= since) & (MemberStageChange.recorded < until)),
    ]
    condition = (expected_condition() & in_scope(Member.branch, branch, hall)
                 & (Member.created < since) & ~fn.EXISTS(came))
    for query in heard_from:
        condition &= Member.id.not_in(query)
    people = list(Member.select(Member.id, Member.number, Member.name, Branch.name, Member.status)
                  .join(Branch).where(condition).order_by(Member.number).tuples())
    ids = [row[0] for row in people]
    last_seen, away = {}, {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        last_seen.update(Attendance.select(Attendance.member, fn.MAX(Event.start)).join(Event)
                         .where(Attendance.member.in_(part)).group_by(Attendance.member).tuples())
        away.update(FlowRecord.select(FlowRecord.member, fn.MAX(FlowRecord.place))
                    .where(FlowRecord.member.in_(part) & FlowRecord.until.is_null()
                           & (FlowRecord.direction == "out"))
                    .group_by(FlowRecord.member).tuples())
    return [(number, name, branch_name, _(labels.STATUSES[status]), away.get(member_id, ""),
             f"{last_seen[member_id]:%Y-%m-%d}" if member_id in last_seen else _("没有记录"))
            for member_id, number, name, branch_name, status in people]


# --- 群众诉求 ----------------------------------------------------------------------------

def requests(period: Period, branch: int | None, hall, today: dt.date) -> Report:
    """Requests are the hall's, not a branch's: the branch filter does not apply to them."""
    ours = Request.hall == hall if hall is not None else Request.id.is_null(False)
    received = dict(Request.select(Request.category, fn.COUNT(Request.id))
                    .where(ours & (Request.created >= period.begins)
                           & (Request.created < period.ends))
                    .group_by(Request.category).tuples())
    closed_in_period = (ours & (Request.closed >= period.begins) & (Request.closed < period.ends)
                        & (Request.status == "closed"))
    closed = {row[0]: row[1:] for row in Request.select(
        Request.category, fn.COUNT(Request.id),
        *(_count_if(Request.verdict == verdict) for verdict in labels.VERDICTS))
        .where(closed_in_period).group_by(Request.category).tuples()}
    medians = _median_days(closed_in_period)
    rows = []
    for category, label in labels.REQUEST_CATEGORIES.items():
        done = tuple(int(n or 0) for n in closed.get(category, (0,) * (1 + len(labels.VERDICTS))))
        if received.get(category) or done[0]:
            rows.append((_(label), received.get(category, 0), done[0], medians.get(category),
                         *done[1:]))
    all_medians = _median_days(closed_in_period, by_category=False)
    return _report(
        "requests", period, branch, hall,
        summary=[(_("收到"), str(sum(r[1] for r in rows))), (_("办结"), str(sum(r[2] for r in rows))),
                 (_("办结天数中位数"), _days_text(all_medians.get(None))),
                 *((_(label), str(sum(r[4 + i] for r in rows)))
                   for i, label in enumerate(labels.VERDICTS.values()))],
        tables=[Table("by_category", _("按类别"),
                      (_("类别"), _("收到"), _("办结"), _("办结天数中位数"),
                       *(_(v) for v in labels.VERDICTS.values())), rows)],
        charts=[Chart(_("各类诉求收到件数"), [(r[0], r[1]) for r in rows])],
        notes=[_("办结和评价按本期办结的诉求统计；诉求不分支部")],
    )


def _days_text(days: float | None) -> str:
    return "—" if days is None else _("{n} 天").format(n=days)


def _median_days(condition, by_category: bool = True) -> dict:
    """Median days from receiving to closing, per category (or for all under None), worked
    out by the database: the middle one or two of each category's sorted durations."""
    if is_postgres():
        days = fn.date_part("epoch", Request.closed - Request.created) / 86400.0
    else:
        days = fn.julianday(Request.closed) - fn.julianday(Request.created)
    partition = [Request.category] if by_category else []
    group = Request.category if by_category else Value("")
    ranked = (Request.select(
        group.alias("grp"), days.alias("days"),
        fn.ROW_NUMBER().over(partition_by=partition, order_by=[days]).alias("rn"),
        fn.COUNT(Request.id).over(partition_by=partition).alias("n")).where(condition))
    middle = (Select([ranked], [ranked.c.grp, fn.AVG(ranked.c.days)])
              .where((ranked.c.rn == (ranked.c.n + 1) / 2) | (ranked.c.rn == (ranked.c.n + 2) / 2))
              .group_by(ranked.c.grp))
    found = middle.bind(Request._meta.database).tuples()
    return {(grp if by_category else None): round(float(value), 1) for grp, value in found}


# --- 党费（工作人员） -------------------------------------------------------------------

def dues(period: Period, branch: int | None, hall, today: dt.date) -> Report:
    """Months of the period each expected member has paid, and the months up to this month
    still open. Corrections count against the months they reverse."""
    first, after = period.first_month, period.last_month + 1
    due_until = min(after, month_index(today.year, today.month) + 1)
    start = (fn.SUBSTR(Dues.first_month, 1, 4).cast("INTEGER") * 12
             + fn.SUBSTR(Dues.first_month, 6, 2).cast("INTEGER") - 1)
    ours = Dues.member == Member.id
    if hall is not None:
        ours &= Dues.hall == hall

    def covered(lo: int, hi: int):
        """Months in [lo, hi) the member's rows cover, corrections taken off: one look into
        the dues index a member, cheaper than joining all dues rows to all members."""
        overlap = _greatest(_least(start + fn.ABS(Dues.months), hi) - _greatest(start, lo), 0)
        sign = Case(None, [(Dues.months < 0, -1)], 1)
        return fn.COALESCE(Dues.select(fn.SUM(overlap * sign)).where(ours), 0)

    due = max(due_until - first, 0)
    paid = [covered(first, after)]
    if due_until != after:  # the period runs on past this month: what is due so far
        paid.append(covered(first, due_until))
    query = (Member.select(Member.number, Member.name, Branch.name, *paid).join(Branch)
             .where(expected_condition() & in_scope(Member.branch, branch, hall))
             .order_by(Member.number))
    rows = [(number, name, branch_name, int(months[0]), due, max(due - int(months[-1]), 0))
            for number, name, branch_name, *months in _plain_rows(query)]
    owing = sum(1 for r in rows if r[5])
    return _report(
        "dues", period, branch, hall,
        summary=[(_("应交党费的党员"), str(len(rows))), (_("本期应交月数（至今）"), str(due)),
                 (_("已交清"), str(len(rows) - owing)), (_("还有未交月份"), str(owing))],
        tables=[Table("by_member", _("每位党员的党费"),
                      _columns(*PERSON, N_("已交月数"), N_("应交月数"), N_("未交月数")),
                      rows, people=True)],
        charts=[Chart(_("党费交纳情况"), [(_("已交清"), len(rows) - owing),
                                         (_("还有未交月份"), owing)])],
        notes=[_("只给工作人员看；应交月数算到本月为止")],
    )


BUILDERS = {"attendance": attendance, "members": members, "flow": flow, "requests": requests,
            "dues": dues}


# --- 工作人员评语 ------------------------------------------------------------------------

def _commentary_row(kind: str, period: Period, branch: int | None, hall):
    hall = hall if hall is not None else Hall.get_or_none(Hall.is_local == True)  # noqa: E712
    branch_match = ReportCommentary.branch.is_null() if branch is None else (
        ReportCommentary.branch == branch)
    return ReportCommentary.get_or_none(
        (ReportCommentary.hall == hall) & (ReportCommentary.kind == kind)
        & (ReportCommentary.period == period.key) & branch_match)


def commentary(kind: str, period: Period, branch: int | None = None, hall=None) -> str:
    row = _commentary_row(kind, period, branch, hall)
    return row.text if row else ""


@staff_only("reports.save_commentary")
def save_commentary(session: StaffSession, kind: str, period: Period, branch: int | None,
                    text: str) -> None:
    """The staff's words for this report; the audit log keeps every earlier wording."""
    text = text.strip()
    if len(text) > MAX_COMMENTARY:
        raise KioskError(_("评语最多 {n} 个字").format(n=MAX_COMMENTARY))
    with write_lock():
        row = _commentary_row(kind, period, branch, None)
        author = StaffUser.get_or_none(StaffUser.number == session.number)
        if row is None:
            ReportCommentary.create(hall=local_hall(), kind=kind, period=period.key,
                                    branch=branch, text=text, written_by=author)
        else:
            row.text, row.written_by, row.updated = text, author, now()
            row.save()
        audit.record("report.commentary", actor=session.actor,
                     subject=f"{kind}:{period.key}:{branch or ''}", text=text)
