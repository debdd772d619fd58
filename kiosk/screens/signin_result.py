"""The result of a member card scan, big and unmistakable: colour, symbol and words, with the
masked name, the event and the time; it goes back by itself after a few seconds."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from kiosk import labels
from kiosk.i18n import _
from kiosk.printing import receipts
from kiosk.screens.base import KioskScreen
from kiosk.services.signin import SignInResult

# result code -> how it looks: ok (green ✓), info (yellow ℹ), error (red ✗)
LOOKS = {"ok": "ok", "already": "ok", "no_event": "info", "too_early": "info"}
SYMBOLS = {"ok": "✓", "info": "ℹ", "error": "✗"}
SHOWN_SECONDS = {"ok": 6, "info": 10, "error": 12}  # problems take longer to read
SIGNED_IN = ("ok", "already")  # the results with a slip to print


def headline_and_advice(result: SignInResult) -> tuple[str, str]:
    headline, advice = labels.SIGNIN_RESULTS[result.code]
    headline = _(headline)
    if result.code == "ok" and result.late:
        headline = _("签到成功（迟到）")
    when = result.opens if result.code == "too_early" else result.time
    return headline, _(advice).format(time=f"{when:%H:%M}" if when else "")


class SignInResultScreen(KioskScreen):
    """Made once per area and shown again with each new result (see KioskApp.show_result):
    updating a screen that is already built paints far sooner than composing a new one."""

    def __init__(self, result: SignInResult):
        super().__init__()
        self.result = result
        self._timer = None
        self._built = False

    def compose_body(self) -> ComposeResult:
        with Vertical(id="result-banner"):
            yield Static(id="result-headline")
            yield Static(id="result-advice")
        yield Static(id="result-details")
        with Horizontal(classes="form-row", id="result-actions"):
            yield Button(_("打印签到凭条"), id="print-slip", classes="secondary")

    def on_mount(self) -> None:
        self._built = True
        self.show(self.result)

    def show(self, result: SignInResult) -> None:
        """Show `result` (at once if the screen is built, else when it is mounted)."""
        self.result = result
        if not self._built:
            return
        look = LOOKS.get(result.code, "error")
        headline, advice = headline_and_advice(result)
        banner = self.query_one("#result-banner")
        banner.set_classes(f"-{look}")
        self.query_one("#result-headline", Static).update(f"{SYMBOLS[look]}  {headline}")
        self.query_one("#result-advice", Static).update(advice)
        details = self._details()
        self.query_one("#result-details", Static).update(details)
        self.query_one("#result-details").display = bool(details)
        self.query_one("#result-actions").display = result.code in SIGNED_IN
        if look == "error":
            self.app.bell()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SHOWN_SECONDS[look], self._done)

    def _details(self) -> str:
        result, rows = self.result, []
        if result.number:
            who = result.name or _("外来党员")
            rows.append(_("党员：{name}（{number}）").format(name=who, number=result.number))
        if result.home_org:
            rows.append(_("所在组织：{org}（流入参加）").format(org=result.home_org))
        if result.event:
            rows.append(_("会议：{title}").format(title=result.event))
        if result.time:
            rows.append(_("签到时间：{time}").format(time=f"{result.time:%Y-%m-%d %H:%M}"))
        return "\n".join(rows)

    def _done(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "print-slip":
            return
        event.stop()
        result = self.result
        if result.code not in SIGNED_IN:  # the button is hidden, but may still have the focus
            return
        slip = receipts.signin_slip(
            hall=self.app.hall_name, time=self.app.wall_clock(), member_name=result.name,
            member_number=result.number, event_title=result.event, event_start=result.start,
            place=result.place, kind=result.kind, late=result.late)
        self.app.pop_screen()
        self.app.print_receipt(slip, "signin")
