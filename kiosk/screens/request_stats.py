"""办理情况统计, for everyone to see: this month and this year, counts by status and
category, median days to close, share satisfied. No names, phones or staff."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from kiosk import labels
from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.services import requests
from kiosk.services.connection import release


class RequestStatsScreen(KioskScreen):
    def compose_body(self) -> ComposeResult:
        yield Static(_("办事诉求办理情况"), classes="screen-title")
        with Horizontal(id="request-stats"):
            yield Static(id="stats-month", classes="stats-period")
            yield Static(id="stats-year", classes="stats-period")

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        today = self.app.wall_clock().date()
        try:
            month, year = requests.month_and_year(today)
        finally:
            release()
        self.app.call_from_thread(self._show, today, month, year)

    def _show(self, today, month: requests.PeriodStats, year: requests.PeriodStats) -> None:
        self.query_one("#stats-month", Static).update(
            _period_text(_("本月（{m} 月）").format(m=today.month), month))
        self.query_one("#stats-year", Static).update(
            _period_text(_("今年（{y} 年）").format(y=today.year), year))


def _period_text(title: str, period: requests.PeriodStats) -> str:
    lines = [f"[b]{title}[/b]", _("共收到 {n} 件").format(n=period.total)]
    lines += [f"  {_(name)} {period.by_status[code]}" for code, name in labels.REQUEST_STATUSES.items()]
    if period.median_days_to_close is None:
        lines.append(_("办结用时：还没有办结的"))
    elif period.median_days_to_close < 1:
        lines.append(_("办结用时：一般不到 1 天"))
    else:
        lines.append(_("办结用时：一般 {d:.1f} 天").format(d=period.median_days_to_close))
    if period.satisfied_share is None:
        lines.append(_("满意和基本满意：还没有评价"))
    else:
        lines.append(_("满意和基本满意：{p:.0%}（{n} 人评价）").format(p=period.satisfied_share, n=period.verdicts))
    lines.append("")
    lines.append(_("按类别："))
    lines += [f"  {_(name)} {period.by_category[code]}"
              for code, name in labels.REQUEST_CATEGORIES.items() if period.by_category[code]]
    return "\n".join(lines)
