"""A meeting's minutes (staff): free text written afterwards. Every saved wording is also
kept in the audit log."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Button, Static, TextArea

from kiosk.i18n import _
from kiosk.screens.staff.worker import StaffWorkScreen
from kiosk.services import events


class EventMinutesScreen(StaffWorkScreen):
    def __init__(self, event_id: int):
        super().__init__()
        self.event_id = event_id

    def compose_body(self) -> ComposeResult:
        yield Static(_("会议记录"), classes="screen-title", id="minutes-title")
        yield TextArea(id="minutes", soft_wrap=True)
        yield Button(_("保存会议记录"), id="save")

    def reload(self) -> None:
        self.load(lambda: events.get_event(self.event_id), self._show)

    def _show(self, event) -> None:
        self.query_one("#minutes-title", Static).update(
            _("会议记录：{title}（{start}）").format(title=event.title,
                                                   start=f"{event.start:%Y-%m-%d %H:%M}"))
        self.query_one("#minutes", TextArea).text = event.minutes
        self.query_one("#minutes", TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            event.stop()
            self.change(events.set_minutes, self.app.staff_session, self.event_id,
                        self.query_one("#minutes", TextArea).text, done=_("会议记录已保存"),
                        then=lambda _result: None)
