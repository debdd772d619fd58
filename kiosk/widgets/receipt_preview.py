"""A receipt on screen as the printer prints it: its lines in a column as wide as the paper,
its QR codes drawn so that they scan from the screen (by the kiosk's scanner or a phone)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from kiosk.printing.layout import COLUMNS, Line, centre, layout
from kiosk.printing.receipt import Qr, Receipt
from kiosk.widgets.qr import QrCode


class ReceiptPreview(Vertical):
    def __init__(self, receipt: Receipt, paper_mm: int = 58, **kwargs):
        super().__init__(**kwargs)
        self.receipt = receipt
        self.columns = COLUMNS[paper_mm]
        self.add_class(f"-paper-{paper_mm}")

    def compose(self) -> ComposeResult:
        text = Text()
        for piece in layout(self.receipt, self.columns)[:-1]:  # the last cut: the paper ends
            if isinstance(piece, Qr):
                if text:
                    yield Static(text, classes="receipt-text")
                    text = Text()
                yield QrCode(piece.data, classes="receipt-qr")
                continue
            if text:
                text.append("\n")
            if isinstance(piece, Line) and piece.big:  # no double size on a screen: centred, bold
                text.append(centre(piece.text.strip(), self.columns), style="bold")
            elif isinstance(piece, Line):
                text.append(piece.text, style="bold" if piece.bold else "")
            else:
                text.append("✂" + "┄" * (self.columns - 2))
        if text:
            yield Static(text, classes="receipt-text")
