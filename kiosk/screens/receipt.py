"""A receipt on screen: while it prints, instead of printing when there is no printer, and
when printing fails, so that the person still has it (and can photograph its QR code)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from kiosk.i18n import N_, _
from kiosk.printing.receipt import Receipt
from kiosk.screens.base import KioskScreen
from kiosk.widgets.chrome import MessageLine
from kiosk.widgets.receipt_preview import ReceiptPreview

# outcome -> (message, kind); a screen without an outcome shows none (a stored receipt
# looked at again by staff)
OUTCOMES = {
    "printing": (N_("正在打印回执，请稍等……"), "info"),
    "printed": (N_("回执已打印，请从打印机出口取走"), "ok"),
    "unavailable": (N_("打印机暂不可用，回执已保存，可稍后补打"), "error"),
    "not_stored": (N_("回执没有保存下来，请找工作人员帮忙"), "error"),
}


class ReceiptScreen(KioskScreen):
    def __init__(self, receipt: Receipt, paper_mm: int = 58, outcome: str | None = "printing"):
        super().__init__()
        self.receipt, self.paper_mm, self.outcome = receipt, paper_mm, outcome

    def compose_body(self) -> ComposeResult:
        yield Static(self.receipt.title, classes="screen-title")
        with Horizontal(id="receipt-layout"):
            with VerticalScroll(id="receipt-scroll"):
                yield ReceiptPreview(self.receipt, self.paper_mm, id="receipt")
            with Vertical(id="receipt-side"):
                status = MessageLine(id="print-status")
                self._say(status)
                yield status
                yield Static(_("上下滑动可以看到整张回执，也可以用手机拍下来。"), classes="hint")

    def show_outcome(self, outcome: str) -> None:
        """Also before the screen is composed: an outcome can arrive that fast."""
        self.outcome = outcome
        for status in self.query("#print-status").results(MessageLine):
            self._say(status)

    def _say(self, status: MessageLine) -> None:
        if self.outcome:
            message, kind = OUTCOMES[self.outcome]
            status.show(_(message), kind)
