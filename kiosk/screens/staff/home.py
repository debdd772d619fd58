"""The staff home: residents waiting for help, and the areas staff manage."""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Static

from kiosk.i18n import N_, _
from kiosk.screens.base import KioskScreen
from kiosk.screens.home import AREA_TITLES
from kiosk.screens.staff.accounts import StaffAccountsScreen
from kiosk.screens.staff.audit_log import AuditLogScreen
from kiosk.screens.staff.county_sync import CountySyncScreen, status_text
from kiosk.screens.staff.events import EventsScreen
from kiosk.screens.staff.members import MembersScreen
from kiosk.screens.staff.notices import StaffNoticesScreen
from kiosk.screens.staff.printer import PrinterScreen
from kiosk.screens.staff.reports import ReportsScreen
from kiosk.screens.staff.requests import StaffRequestsScreen
from kiosk.services import help, sync
from kiosk.services.connection import release

# (id, title, admin only, screen)
AREAS = (
    ("members", N_("党员管理"), False, MembersScreen),
    ("events", N_("会议与签到"), False, EventsScreen),
    ("notices", N_("通知发布"), False, StaffNoticesScreen),
    ("requests", N_("诉求处理"), False, StaffRequestsScreen),
    ("reports", N_("统计报表"), False, ReportsScreen),
    ("printer", N_("打印机"), False, PrinterScreen),
    ("accounts", N_("工作人员账号"), True, StaffAccountsScreen),
    ("audit", N_("操作日志"), False, AuditLogScreen),
)
SCREENS = {area: screen for area, _title, _admin_only, screen in AREAS}


def waited_text(waited: dt.timedelta) -> str:
    minutes = int(waited.total_seconds() // 60)
    return _("刚刚") if minutes < 1 else _("已等 {n} 分钟").format(n=minutes)


class StaffHomeScreen(KioskScreen):
    def compose_body(self) -> ComposeResult:
        session = self.app.staff_session
        role = _("管理员") if session.is_admin else _("工作人员")
        with Horizontal(classes="staff-top"):
            yield Static(_("工作人员：{name}（{role}）").format(name=session.name, role=role),
                         classes="screen-title")
            yield Button(_("退出登录"), id="logout", classes="secondary")
        yield Vertical(id="help-calls")
        if self.app.county_sync.configured:
            with Horizontal(id="sync-row"):
                yield Static(id="sync-status")
                yield Button(_("查看"), id="county-sync", classes="secondary")
        with Grid(id="areas"):
            for area, title, admin_only, _screen in AREAS:
                if admin_only and not session.is_admin:
                    continue
                yield Button(_(title), id=f"area-{area}", classes="area")

    def action_back(self) -> None:
        """Leaving the staff home ends the session: the kiosk is a public machine."""
        self.app.go_home("logout")

    def on_mount(self) -> None:
        self.refresh_calls()
        self.set_interval(3, self.refresh_calls)

    @work(thread=True, exclusive=True, group="calls")
    def refresh_calls(self) -> None:
        try:
            calls = help.pending_calls()
            county = sync.status() if self.app.county_sync.configured else None
        finally:
            release()
        self.app.call_from_thread(self._show_calls, calls)
        if county is not None:
            self.app.call_from_thread(self.query_one("#sync-status", Static).update,
                                      status_text(county))

    async def _show_calls(self, calls: list) -> None:
        box = self.query_one("#help-calls", Vertical)
        await box.remove_children()
        if not calls:
            await box.mount(Static(_("✓ 目前没有群众呼叫"), classes="calm"))
            return
        rows = [Static(_("☎ 有 {n} 位群众在呼叫工作人员").format(n=len(calls)), classes="alert")]
        for call in calls:
            where = _(AREA_TITLES.get(call.place, call.place))
            text = _("在「{place}」页面呼叫，{waited}").format(place=where, waited=waited_text(call.waited))
            rows.append(Horizontal(
                Static(text),
                Button(_("我去处理"), id=f"ack-{call.id}", classes="ack"),
                classes="call-row",
            ))
        await box.mount_all(rows)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        if button_id == "logout":
            event.stop()
            self.app.go_home("logout")
        elif button_id == "county-sync":
            event.stop()
            self.app.push_screen(CountySyncScreen())
        elif button_id.startswith("ack-"):
            event.stop()
            self._acknowledge(button_id.removeprefix("ack-"))
        elif button_id.startswith("area-"):
            event.stop()
            self.app.push_screen(SCREENS[button_id.removeprefix("area-")]())

    @work(thread=True, group="calls")
    def _acknowledge(self, call_id: str) -> None:
        try:
            help.acknowledge(self.app.staff_session, call_id)
        finally:
            release()
        self.app.call_from_thread(self.refresh_calls)
