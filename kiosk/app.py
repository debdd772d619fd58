"""The kiosk application: modes for the top-level areas, the scan router, idle timeout,
and the staff session."""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import logging
import time
from importlib import resources
from typing import TYPE_CHECKING

from textual import _time as textual_time  # the clock Textual stamps events with
from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.reactive import Reactive
from textual.theme import Theme
from textual.worker import WorkerFailed

from kiosk import errorlog, scan, textual_caches
from kiosk.config import Config
from kiosk.db.database import release
from kiosk.db.serial_thread import SerialThread
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.lazy import LazyModule
from kiosk.print_desk import PrintDesk, PrintUpdate
from kiosk.screens.base import KioskScreen
from kiosk.screens.home import HomeScreen
from kiosk.services import hall
from kiosk.sync_desk import SyncDesk
from kiosk.theme import COLOURS
from kiosk.widgets.idle import IdleCountdown

if TYPE_CHECKING:
    from kiosk.printing.receipt import Receipt

# What workers use after a scan or a tap, loaded then rather than before the home screen.
help = LazyModule("kiosk.services.help")
requests = LazyModule("kiosk.services.requests")
signin = LazyModule("kiosk.services.signin")
staff = LazyModule("kiosk.services.staff")


def _area(module: str, screen: str):
    """The first screen of an area, imported when the area is first opened: the home screen
    comes up sooner than if every area's screens were loaded at start-up."""

    def make():
        return getattr(importlib.import_module(f"kiosk.screens.{module}"), screen)()

    return make


KIOSK_THEME = Theme(name="kiosk-contrast", dark=True, **COLOURS)
# An error this soon after going home for the last one: going home did not help.
REPEATED_ERROR_SECONDS = 10.0

log = logging.getLogger(__name__)


class KioskApp(App):
    CSS_PATH = str(resources.files("kiosk.assets") / "kiosk.tcss")
    TITLE = "村级党群服务中心"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("escape", "back", show=False)]
    MODES = {
        "home": HomeScreen,
        "notices": _area("notices", "NoticesScreen"),
        "signin": _area("signin", "SignInScreen"),
        "requests": _area("requests", "RequestsScreen"),
        "record": _area("my_record", "MyRecordScreen"),
        "staff": _area("staff.login", "StaffLoginScreen"),
    }
    DEFAULT_MODE = "home"
    # The kiosk theme from the start: switching to it later would re-parse all the CSS.
    theme = Reactive(KIOSK_THEME.name)

    @property
    def available_themes(self) -> dict[str, Theme]:
        return {**super().available_themes, KIOSK_THEME.name: KIOSK_THEME}

    def __init__(self, config: Config, wall_clock=dt.datetime.now):
        super().__init__()
        self.config = config
        self.wall_clock = wall_clock
        self.hall_name = hall.hall_name()
        self.staff_session: staff.StaffSession | None = None
        self.scan_buffer = scan.ScanBuffer(config.scan_gap_ms / 1000, config.scan_end_ms / 1000)
        self._scan_timer = None
        self._scan_due = 0.0
        self._countdown_shown = False
        self.double_reads = scan.DoubleReads()
        self.last_input = time.monotonic()
        self.printing = PrintDesk(self)
        self.county_sync = SyncDesk(self)
        self.member_scans = SerialThread("member-scans")
        self.error_log = None
        self.recovered_errors: list[BaseException] = []  # unexpected errors the kiosk survived
        self._up = False  # before the kiosk is up (and after), an error ends it as in Textual
        self._recovering = False  # going home after an error
        self._recovered_at = float("-inf")

    def on_load(self) -> None:
        # What is loaded by now lives as long as the kiosk: kept out of the garbage collector's
        # full passes, as the first of them came during start-up (a quarter of the time from
        # constructing the app to the home screen). Undone on unmount (tests run many apps).
        gc.freeze()

    def on_mount(self) -> None:
        self.error_log = errorlog.open_log(self.config.log_dir)
        self.set_interval(1, lambda: self.check_inactivity(time.monotonic()))
        self.printing.start()
        self.county_sync.start()
        self._up = True

    def on_unmount(self) -> None:
        gc.unfreeze()
        self._up = False
        self.printing.stop()
        self.member_scans.stop()
        errorlog.close_log(self.error_log)

    # --- unexpected errors ----------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """Textual calls this with any error a handler, worker or timer let through, and
        would end the app. Instead, the error goes to the log file and the person is taken
        home with a plain message. An error while doing that, or soon after, still ends the
        app (the service manager starts it again)."""
        original = error.error if isinstance(error, WorkerFailed) else error
        log.error("unexpected error", exc_info=original)
        now = time.monotonic()
        if self._recovering or not self._up or now - self._recovered_at < REPEATED_ERROR_SECONDS:
            super()._handle_exception(error)
            return
        self._recovering, self._recovered_at = True, now
        self.recovered_errors.append(original)
        self.go_home("error")

    async def _dispatch_message(self, message) -> None:
        """Textual stops a message loop after an error in its handler: for the app's own
        loop that would freeze the kiosk, so the error is handled here and the loop goes on."""
        try:
            await super()._dispatch_message(message)
        except Exception as error:
            if not self._up:  # starting or stopping: as in Textual
                raise
            self._handle_exception(error)

    # --- printing ------------------------------------------------------------------------

    def print_receipt(self, receipt: Receipt, kind: str, preview: bool = True) -> None:
        """Store the receipt and print it in the background. With `preview` the receipt is
        shown on screen with how the printing went; without, only if it cannot print."""
        self.printing.print_receipt(receipt, kind, preview)

    def on_print_update(self, message: PrintUpdate) -> None:
        self.printing.updated(message.update)

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
        """Have _scan_timeout run by the buffer's deadline. A timer due no later is kept
        (it re-arms when it finds the deadline moved on): a new timer for every key of a
        scan would cost more than all the rest of handling the key."""
        deadline = self.scan_buffer.deadline
        if deadline is None or (self._scan_timer is not None and self._scan_due <= deadline):
            return
        if self._scan_timer is not None:
            self._scan_timer.stop()
        self._scan_due = deadline
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
            if not self.double_reads.is_repeat(text, time.monotonic()):
                self.member_card_scanned(text, self.current_mode)
        else:
            self.ticket_scanned(text)

    @work(thread=True, exclusive=True, group="ticket")
    def ticket_scanned(self, text: str) -> None:
        try:
            view = requests.by_scan(text)
        except KioskError as exc:
            self.call_from_thread(self.show_message, str(exc), "error")
            return
        finally:
            release()
        self.call_from_thread(self._show_ticket, view)

    async def _show_ticket(self, view: requests.TicketView) -> None:
        from kiosk.screens.request_status import RequestStatusScreen

        await self._area_first_screen("requests")
        await self.push_screen(RequestStatusScreen(view))

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

    def member_card_scanned(self, text: str, mode: str) -> None:
        self.member_scans.submit(lambda: self._member_card(text, mode))

    def _member_card(self, text: str, mode: str) -> None:
        """(On the member-scans thread.) On 我的记录 a card opens the member's record;
        elsewhere it signs them in, and with no event to sign in to (except on 扫码签到)
        shows their record instead."""
        if mode == "record":
            result = signin.open_record(text, self.wall_clock())
        else:
            result = signin.sign_in(text, self.wall_clock())
        if result.code == "error":
            release()  # the connection may be what failed: the next scan opens another
        show_record = result.code == "record" or (result.code == "no_event" and mode != "signin")
        try:
            if show_record and result.member_id is not None:
                self.call_from_thread(self._show_record, result.member_id)
            else:
                self.call_from_thread(self._show_result, result)
        except Exception as error:  # a bug in showing it: not this thread's to swallow
            self.call_from_thread(self._handle_exception, error)

    async def _show_record(self, member_id: int) -> None:
        await self._area_first_screen("record")
        self.screen.show_member(member_id)

    async def _area_first_screen(self, mode: str) -> None:
        await self.switch_mode(mode)
        while len(self.screen_stack) > 1:
            await self.pop_screen()

    async def _show_result(self, result: signin.SignInResult) -> None:
        """On the area's result screen, made once and kept (installed) to paint fast."""
        from kiosk.screens.signin_result import SignInResultScreen

        name = f"signin-result-{self.current_mode}"
        if not self.is_screen_installed(name):
            self.install_screen(SignInResultScreen(result), name)
        screen = self.get_screen(name)
        screen.show(result)
        if screen is not self.screen:
            # in the stack under another screen (a receipt): a new one on top for this time
            await self.push_screen(SignInResultScreen(result) if screen in self.screen_stack
                                   else screen)

    async def _ask_pin_for(self, number: str) -> None:
        if self.staff_session is not None:
            return
        from kiosk.screens.staff.login import StaffLoginScreen

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
        """Return to the home screen and forget everything shown in other areas. After an
        error the home screen and the kept screens are made anew as well: the one that
        failed may no longer take input (Textual stops its message loop)."""
        if self.staff_session is not None:
            self.end_staff_session(reason)
        await self.switch_mode("home")
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        for mode, factory in self.MODES.items():
            if mode != "home" and not await self._reset_area(mode):
                await self.remove_mode(mode)
                self.add_mode(mode, factory)
        # A full garbage collection now, with the home screen up and nobody waiting, rather
        # than in the next person's first screen; with what this visit removed let go first.
        textual_caches.forget_removed_widgets()
        gc.collect()
        if self._recovering:  # (also when this going home replaced the one for the error)
            for name in list(self._installed_screens):
                self.uninstall_screen(name)
            await self._fresh_home()
            self.show_message(_("出了点问题，已回到首页。请再试一次，或请工作人员帮忙"), "error")
            self._recovering = False

    async def _fresh_home(self) -> None:
        """Swap in a new home screen (the mode showing cannot be replaced, hence the detour)."""
        self.add_mode("fresh-home", HomeScreen)
        await self.switch_mode("fresh-home")
        await self.remove_mode("home")
        self.add_mode("home", HomeScreen)
        await self.switch_mode("home")
        await self.remove_mode("fresh-home")

    async def _reset_area(self, mode: str) -> bool:
        """Make an area's screen as new, if it is alone in its area and can be: it then
        opens faster than a new one would (see KioskScreen.reset)."""
        stack = self._screen_stacks.get(mode, [])
        if len(stack) != 1 or self._recovering:
            return False
        return await stack[0].reset()

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
        self._countdown_shown = True
        found = self.screen.query(IdleCountdown)
        if found:
            found.first().seconds = seconds
        else:
            self.screen.query_one("#body").mount(IdleCountdown(seconds))

    def _hide_countdown(self) -> None:
        """Called for every key: looks for the countdown only when one was shown."""
        if self._countdown_shown and self._screen_stacks.get(self.current_mode):
            self._countdown_shown = False  # (input can arrive before the first screen)
            self.screen.query(IdleCountdown).remove()

    # --- help and staff ------------------------------------------------------------------

    def call_staff(self) -> None:
        self._raise_help_call(self.current_mode)

    @work(thread=True, group="help")
    def _raise_help_call(self, place: str) -> None:
        self.call_from_thread(self.bell)
        try:
            help.raise_call(place)
            self.printing.ring_buzzer()
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
