"""A new request: tap preset phrases and/or type (Chinese input works), or ask staff to
help fill it in; an optional phone number; then a ticket is printed and shown."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static

from kiosk import labels
from kiosk.i18n import N_, _
from kiosk.printing import receipts
from kiosk.screens.base import KioskScreen
from kiosk.services import requests

PHRASES = {
    "certificate": (N_("开居住证明"), N_("开收入证明"), N_("开亲属关系证明")),
    "policy": (N_("问低保政策"), N_("问医保社保"), N_("问补贴怎么领")),
    "dispute": (N_("邻居占地"), N_("噪音扰民"), N_("请村里调解")),
    "sanitation": (N_("垃圾没人清"), N_("水沟堵了"), N_("有人乱倒垃圾")),
    "utilities": (N_("路灯不亮"), N_("路面坏了"), N_("停水停电")),
    "member": (N_("转组织关系"), N_("交党费"), N_("开党员证明")),
    "suggestion": (N_("村务建议"), N_("活动建议"), N_("服务建议")),
    "other": (N_("想找村干部谈谈"), N_("其他事情")),
}


class RequestFormScreen(KioskScreen):
    AUTO_FOCUS = ""

    def __init__(self, category: str):
        super().__init__()
        self.category = category
        self.sending = False

    def compose_body(self) -> ComposeResult:
        title = _(labels.REQUEST_CATEGORIES[self.category])
        yield Static(_("{what}：请说一说要办的事").format(what=title), classes="screen-title")
        with Horizontal(id="phrases"):
            for index, phrase in enumerate(PHRASES[self.category]):
                yield Button(_(phrase), id=f"phrase-{index}", classes="phrase")
        yield Input(id="request-text", max_length=requests.MAX_TEXT,
                    placeholder=_("点上面的常用语，或在这里打字"))
        with Horizontal(classes="form-row"):
            yield Label(_("电话（可不填）"), classes="field-label")
            yield Input(id="request-phone", max_length=12, restrict=r"[0-9]*",
                        placeholder=_("方便工作人员联系您"))
        with Horizontal(id="request-actions"):
            yield Button(_("请工作人员协助填写"), id="ask-help", classes="secondary")
            yield Button(_("提交，打印回执"), id="submit")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button.startswith("phrase-"):
            event.stop()
            field = self.query_one("#request-text", Input)
            phrase = _(PHRASES[self.category][int(button.removeprefix("phrase-"))])
            field.value = f"{field.value}，{phrase}" if field.value.strip() else phrase
        elif button in ("submit", "ask-help"):
            event.stop()
            self._send(needs_help=button == "ask-help")

    def _send(self, needs_help: bool) -> None:
        if self.sending:
            return
        self.sending = True
        self.show_message(_("正在提交……"), "info")
        text = self.query_one("#request-text", Input).value
        phone = self.query_one("#request-phone", Input).value
        self.call_service(lambda: self._submit(text, phone, needs_help),
                          lambda view: self._done(view, phone))

    def _submit(self, text: str, phone: str, needs_help: bool) -> requests.TicketView:
        """(In a worker thread.)"""
        view = requests.submit(self.category, text, phone, needs_help)
        if needs_help:
            self.app.printing.ring_buzzer()
        return view

    def refused(self, message: str) -> None:
        self.sending = False
        super().refused(message)

    def _done(self, view: requests.TicketView, phone: str) -> None:
        receipt = receipts.request_ticket(
            hall=self.app.hall_name, time=self.app.wall_clock(), ticket=view.ticket,
            qr=view.proof, category=view.category, text=view.text, phone=phone)
        self.app.pop_screen()
        self.app.print_receipt(receipt, "ticket")
        if view.needs_help:
            self.app.call_after_refresh(self.app.show_message,
                                        _("已通知工作人员，请稍等，马上有人来帮您填写"), "ok")
