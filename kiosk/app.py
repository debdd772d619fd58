"""The kiosk application: modes for the top-level areas, the scan router, idle timeout,
and the staff session."""

from __future__ import annotations

import datetime as dt
import logging
import time
from importlib import resources

from textual import _time as textual_time  # the clock Textual stamps events with
from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.theme import Theme

from kiosk import scan
from kiosk.config import Config
from kiosk.db.database import release
from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.screens.base import KioskScreen
from kiosk.screens.coming_soon import ComingSoonScreen
from kiosk.screens.home import HomeScreen
from kiosk.screens.staff.login import StaffLoginScreen
from kiosk.services import hall, help, staff
from kiosk.theme import COLOURS
from kiosk.widgets.idle import IdleCountdown

log = logging.getLogger(__name__)


class KioskApp(App):
    CSS_PATH = str(resources.files("kiosk.assets") / "kiosk.tcss")
    TITLE = "村级党群服务中心"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("escape", "back", show=False)]
    MODES = {
        "home": HomeScreen,
        "notices": lambda: ComingSoonScreen(N_("通知公告")),
        "signin": lambda: ComingSoonScreen(N_("扫码签到")),
        "requests": lambda: ComingSoonScreen(N_("办事诉求")),
        "record": lambda: ComingSoonScreen(N_("我的记录")),
        "staff": StaffLoginScreen,
    }
    DEFAULT_MODE = "home"

    def __init__(self, config: Config, wall_clock=dt.datetime.now):
        super().__init__()
        self.config = config
        self.wall_clock = wall_clock
        self.hall_name = hall.hall_name()
        self.staff_session: staff.StaffSession | None = None
        self.scan_buffer = scan.ScanBuffer(config.scan_gap_ms / 1000, config.scan_end_ms / 1000)
        self._scan_timer = None
        self.last_input = time.monotonic()
        self.register_theme(Theme(name="kiosk-contrast", dark=True, **COLOURS))
        self.theme = "kiosk-contrast"

    def on_mount(self) -> None:
        self.set_interval(1, lambda: self.check_inactivity(time.monotonic()))

    # --- input: every key passes the scan router first ---------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.last_input = time.monotonic()
            self._hide_countdown()
        if isinstance(event, events.Key) and not event.is_forwarded and not getattr(
            event, "_released_by_router", False
        ):
            char = scan.ENTER if event.key == "enter" else event.character
            if char and (char == scan.ENTER or char.isprintable()):
                await self._carry_out(self.scan_buffer.feed(char, event, event.time))
                self._arm_scan_timer()
                return
            if self.scan_buffer.holding:  # keep order: held keys go before this one
                await self._carry_out(self.scan_buffer.expire(float("inf")))
        await super().on_event(event)

    async def _carry_out(self, actions: list) -> None:
        for action in actions:
            if isinstance(action, scan.Release):
                for key in action.keys:
                    key._released_by_router = True
                    await super().on_event(key)
            elif isinstance(action, scan.Scan):
                self.route_scan(action.text)
            elif isinstance(action, scan.Overflow):
                self.show_message(_("扫到的内容太长，无法识别，请再扫一次"), "error")

    def _arm_scan_timer(self) -> None:
        if self._scan_timer is not None:
            self._scan_timer.stop()
            self._scan_timer = None
        deadline = self.scan_buffer.deadline
        if deadline is not None:
            self._scan_timer = self.set_timer(
                max(0.0, deadline - textual_time.get_time()) + 0.001, self._scan_timeout
            )

    async def _scan_timeout(self) -> None:
        self._scan_timer = None
        await self._carry_out(self.scan_buffer.expire(textual_time.get_time()))
        self._arm_scan_timer()

    def route_scan(self, text: str) -> None:
        """Send a scanned code where it belongs, whatever screen is showing."""
        try:
            payload = scan.parse_payload(text)
        except scan.InvalidPayload:
            self.show_message(_("这个二维码无法识别，请找工作人员"), "error")
            return
        if payload.kind == "S":
            self.staff_card_scanned(text)
        elif payload.kind == "M":
            self.switch_mode("signin")
        else:
            self.switch_mode("requests")

    @work(thread=True, exclusive=True, group="staff-card")
    def staff_card_scanned(self, text: str) -> None:
        try:
            number = staff.staff_for_card(text)
        except KioskError as exc:
            self.call_from_thread(self.show_message, str(exc), "error")
            return
        finally:
            release()
        self.call_from_thread(self._ask_pin_for, number)

    async def _ask_pin_for(self, number: str) -> None:
        if self.staff_session is not None:
            return
        await self.switch_mode("staff")
        if isinstance(self.screen, StaffLoginScreen):
            self.screen.prefill(number)

    def show_message(self, text: str, kind: str = "info") -> None:
        if isinstance(self.screen, KioskScreen):
            self.screen.show_message(text, kind)

    # --- going back, going home, idle ----------------------------------------------------

    def action_back(self) -> None:
        if isinstance(self.screen, KioskScreen):
            self.screen.action_back()

    @work(exclusive=True, group="go-home")
    async def go_home(self, reason: str) -> None:
        """Return to the home screen and forget everything shown in other areas."""
        if self.staff_session is not None:
            self.end_staff_session(reason)
        await self.switch_mode("home")
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        for mode, factory in self.MODES.items():
            if mode != "home":
                await self.remove_mode(mode)
                self.add_mode(mode, factory)

    def check_inactivity(self, now: float) -> None:
        at_rest = self.current_mode == "home" and len(self.screen_stack) == 1
        if at_rest and self.staff_session is None:
            self._hide_countdown()
            return
        limit = self.config.staff_idle_seconds if self.staff_session else self.config.idle_seconds
        remaining = limit - (now - self.last_input)
        if remaining <= 0:
            self._hide_countdown()
            self.go_home("idle")
        elif remaining <= self.config.idle_warning_seconds:
            self._show_countdown(int(remaining + 0.999))

    def _show_countdown(self, seconds: int) -> None:
        found = self.screen.query(IdleCountdown)
        if found:
            found.first().seconds = seconds
        else:
            self.screen.query_one("#body").mount(IdleCountdown(seconds))

    def _hide_countdown(self) -> None:
        if self._screen_stacks.get(self.current_mode):  # input can arrive before the first screen
            self.screen.query(IdleCountdown).remove()

    # --- help and staff ------------------------------------------------------------------

    def call_staff(self) -> None:
        self._raise_help_call(self.current_mode)

    @work(thread=True, group="help")
    def _raise_help_call(self, place: str) -> None:
        self.call_from_thread(self.bell)
        try:
            help.raise_call(place)
        except Exception:
            log.exception("help call not recorded")
            message = (_("呼叫没有记录下来，请直接到服务台找工作人员"), "error")
        else:
            message = (_("已通知工作人员，请稍等，马上有人来帮您"), "ok")
        finally:
            release()
        self.call_from_thread(self.show_message, *message)

    def start_staff_session(self, session: staff.StaffSession) -> None:
        self.staff_session = session
        self.last_input = time.monotonic()

    def end_staff_session(self, reason: str) -> None:
        session, self.staff_session = self.staff_session, None
        if session is not None:
            self._log_out(session, reason)

    @work(thread=True, group="staff")
    def _log_out(self, session: staff.StaffSession, reason: str) -> None:
        try:
            staff.logout(session, reason)
        finally:
            release()
