"""Report periods: a month, a quarter, a year, or any span of days, written the way staff
type them (2026-11, 2026-Q4, 2026, 2026-01-05~2026-02-20)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kiosk.errors import KioskError
from kiosk.i18n import N_, _

PERIOD_KINDS = {"month": N_("月"), "quarter": N_("季度"), "year": N_("年"), "custom": N_("自定义")}
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-?[Qq]([1-4])")
_YEAR = re.compile(r"\d{4}")
_CUSTOM = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})\s*(?:~|\.\.|至)\s*(\d{4}-\d{1,2}-\d{1,2})")


def month_index(year: int, month: int) -> int:
    """Months since year 0, so that month spans are plain integer ranges."""
    return year * 12 + month - 1


def month_of(index: int) -> tuple[int, int]:
    return index // 12, index % 12 + 1


@dataclass(frozen=True)
class Period:
    kind: str  # one of PERIOD_KINDS
    start: dt.date  # first day
    end: dt.date  # last day, included

    @property
    def key(self) -> str:
        """What staff type, and what a saved commentary is filed under."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start:%Y-%m-%d}~{self.end:%Y-%m-%d}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("{y} 年 {m} 月").format(y=self.start.year, m=self.start.month)
        if self.kind == "quarter":
            return _("{y} 年第 {q} 季度").format(y=self.start.year,
                                                 q=(self.start.month - 1) // 3 + 1)
        if self.kind == "year":
            return _("{y} 年").format(y=self.start.year)
        return _("{start} 至 {end}").format(start=f"{self.start:%Y-%m-%d}",
                                            end=f"{self.end:%Y-%m-%d}")

    @property
    def begins(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time())

    @property
    def ends(self) -> dt.datetime:
        """The first moment after the period."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time())

    @property
    def first_month(self) -> int:
        return month_index(self.start.year, self.start.month)

    @property
    def last_month(self) -> int:
        return month_index(self.end.year, self.end.month)

    def shifted(self, steps: int) -> Period:
        """The period `steps` before (negative) or after this one, of the same kind."""
        if self.kind == "custom":
            length = self.end - self.start + dt.timedelta(days=1)
            return Period("custom", self.start + steps * length, self.end + steps * length)
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return _span(self.kind, self.first_month + steps * months, months)


def _span(kind: str, first: int, months: int) -> Period:
    year, month = month_of(first)
    after_year, after_month = month_of(first + months)
    return Period(kind, dt.date(year, month, 1),
                  dt.date(after_year, after_month, 1) - dt.timedelta(days=1))


def current_period(kind: str, today: dt.date) -> Period:
    """The month, quarter or year that holds `today` (custom: the last 30 days)."""
    if kind == "custom":
        return Period("custom", today - dt.timedelta(days=29), today)
    month = month_index(today.year, today.month)
    if kind == "quarter":
        return _span(kind, month - (today.month - 1) % 3, 3)
    if kind == "year":
        return _span(kind, month_index(today.year, 1), 12)
    return _span("month", month, 1)


def parse_period(text: str) -> Period:
    text = text.strip()
    try:
        if found := _CUSTOM.fullmatch(text):
            start, end = (dt.date.fromisoformat(_padded(d)) for d in found.groups())
            if end < start:
                raise KioskError(_("结束日期应不早于开始日期"))
            return Period("custom", start, end)
        if found := _QUARTER.fullmatch(text):
            return _span("quarter", month_index(int(found[1]), int(found[2]) * 3 - 2), 3)
        if (found := _MONTH.fullmatch(text)) and 1 <= int(found[2]) <= 12:
            return _span("month", month_index(int(found[1]), int(found[2])), 1)
        if _YEAR.fullmatch(text):
            return _span("year", month_index(int(text), 1), 12)
    except ValueError:
        pass
    raise KioskError(_("看不懂这个时间段：请写成 2026-11、2026-Q4、2026 或 "
                       "2026-01-01~2026-03-31"))


def _padded(day: str) -> str:
    year, month, date = day.split("-")
    return f"{year}-{int(month):02d}-{int(date):02d}"
