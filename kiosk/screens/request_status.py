"""A request's progress for the ticket holder: status in colour, symbol and words, the staff
reply, dates; once closed, the holder's verdict (不满意 reopens it, visibly)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Static

from kiosk import labels
from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.services import requests

# status -> (symbol, banner class)
STATUS_LOOK = {"received": ("●", "-info"), "in_progress": ("◐", "-info"), "closed": ("✓", "-ok")}


class RequestStatusScreen(KioskScreen):
    AUTO_FOCUS = ""

    def __init__(self, view: requests.TicketView):
        super().__init__()
        self.view = view

    def compose_body(self) -> ComposeResult:
        view = self.view
        symbol, look = STATUS_LOOK[view.status]
        status = _(labels.REQUEST_STATUSES[view.status])
        yield Static(_("回执 {ticket} 的办理进度").format(ticket=view.ticket), classes="screen-title")
        yield Static(f"{symbol} {status}", id="request-banner", classes=look)
        with VerticalScroll(id="request-details"):
            yield Static(self._details(), id="request-facts", markup=False)
            if view.status == "closed" and not view.verdict:
                yield Static(_("对办理结果满意吗？点一下"), classes="section-title")
                with Horizontal(id="verdicts"):
                    for code, title in labels.VERDICTS.items():
                        yield Button(_(title), id=f"verdict-{code}", classes="verdict")
                yield Input(id="verdict-comment", max_length=requests.MAX_COMMENT,
                            placeholder=_("想说的话（可不填）"))

    def _details(self) -> str:
        view = self.view
        lines = [
            _("类别：{what}").format(what=_(labels.REQUEST_CATEGORIES.get(view.category, view.category))),
            _("提交：{time}").format(time=f"{view.created:%Y-%m-%d %H:%M}"),
        ]
        if view.closed:
            lines.append(_("办结：{time}").format(time=f"{view.closed:%Y-%m-%d %H:%M}"))
        lines.append(_("内容：{text}").format(text=view.text or _("（请工作人员协助填写）")))
        lines.append(_("答复：{text}").format(text=view.reply or _("工作人员还没有答复，请过几天再来看")))
        if view.verdict:
            lines.append(_("您的评价：{verdict}").format(verdict=_(labels.VERDICTS[view.verdict])))
        if view.reopened:
            lines.append(_("↻ 已重新办理 {n} 次").format(n=view.reopened))
        return "\n".join(lines)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button.startswith("verdict-"):
            event.stop()
            comment = self.query_one("#verdict-comment", Input).value
            self._judge(button.removeprefix("verdict-"), comment)

    def _judge(self, verdict: str, comment: str) -> None:
        proof = self.view.proof
        self.call_service(lambda: requests.give_verdict(proof, verdict, comment), self._judged)

    async def _judged(self, view: requests.TicketView) -> None:
        self.view = view
        await self.recompose()
        if view.verdict == "unsatisfied":
            self.show_message(_("谢谢您的评价，这件事已重新交给工作人员办理"), "ok")
        else:
            self.show_message(_("谢谢您的评价"), "ok")
