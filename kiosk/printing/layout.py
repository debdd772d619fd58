"""Laying a receipt out in the fixed columns of a thermal printer's font: an ASCII character
takes one column, any other character two (58 mm paper has 32 columns, 80 mm has 48).

The ESC/POS text mode, the raster mode and the plain-text preview all print these same lines,
so the preview shows what the paper shows. Text is first made printable: characters the
printer's GB18030 two-byte font cannot hold (emoji, rare characters) become 〓, the mark
Chinese typesetting uses for a missing character, and control characters are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from kiosk.printing.receipt import Cut, Qr, Receipt, Row, Rule, Space, Text

COLUMNS = {58: 32, 80: 48}
REPLACEMENT = "〓"
QR_MARK = "[二维码]"  # where the preview text stands for a QR code
MAX_QR_DATA = 512  # longer data is printed as text (no scanner here reads more)
MAX_SPACE = 10
_TOKENS = re.compile(r"[!-~]+| +|[^ -~]")  # ASCII words, spaces, single wide characters
_DROPPED = {"Cc", "Cf", "Cs", "Mn", "Me"}  # controls, format characters, lone combining marks
# Chinese line-breaking rules (禁则): closing marks never start a line and opening marks
# never end one; the character before the break moves down to the next line instead.
NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉’”…—·%")
NO_LINE_END = frozenset("（《「『【〔〈‘“")


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool = False
    big: bool = False  # double width and height: half as many columns


Piece = Line | Qr | Cut


# Common characters outside the two-byte range that have a two-byte equivalent.
SUBSTITUTES = {"¥": "￥", "©": "(C)", "®": "(R)"}


@lru_cache(maxsize=4096)
def _printable_char(ch: str) -> str:
    if " " <= ch <= "~":
        return ch
    if ch in SUBSTITUTES:
        return SUBSTITUTES[ch]
    category = unicodedata.category(ch)
    if ch in "\t\n\r" or (category in ("Zs", "Zl", "Zp") and ch != "\u3000"):
        return " "
    if category in _DROPPED:
        return ""
    if category == "Co":  # private use: no printer font has it
        return REPLACEMENT
    try:
        return ch if len(ch.encode("gb18030")) == 2 else REPLACEMENT
    except UnicodeEncodeError:
        return REPLACEMENT


def printable(text: str) -> str:
    """The text as the printer can print it (see the module's docstring)."""
    return "".join(_printable_char(ch) for ch in unicodedata.normalize("NFC", text))


def width(text: str) -> int:
    """Columns taken by printable text."""
    return len(text) + sum(1 for ch in text if ch > "~")


def centre(text: str, columns: int) -> str:
    return " " * max(0, (columns - width(text)) // 2) + text


def wrap(text: str, columns: int) -> list[str]:
    """Break printable text into lines of at most `columns`: at spaces between words,
    anywhere between Chinese characters, inside a word only when it is longer than a line."""
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for token in _TOKENS.findall(text):
        size = width(token)
        if token[0] == " ":
            if used + size >= columns:
                lines.append("".join(line).rstrip())
                line, used = [], 0
            elif line or not lines:  # leading spaces indent the first line only
                line.append(token)
                used += size
            continue
        if size > columns:
            for ch in token:
                if used + 1 > columns:
                    lines.append("".join(line).rstrip())
                    line, used = [], 0
                line.append(ch)
                used += 1
            continue
        if used + size > columns:
            carried: list[str] = []
            breaks_rule = token[0] in NO_LINE_START or line and line[-1][-1] in NO_LINE_END
            if breaks_rule and len(line) > 1 and line[-1][0] != " " \
                    and width(line[-1]) + size <= columns:
                carried = [line.pop()]
            lines.append("".join(line).rstrip())
            line, used = carried, sum(width(t) for t in carried)
        line.append(token)
        used += size
    lines.append("".join(line).rstrip())
    return lines


def _text_lines(block: Text, columns: int) -> list[Line]:
    limit = columns // 2 if block.big else columns
    lines = []
    for paragraph in block.text.split("\n"):
        for text in wrap(printable(paragraph), limit):
            lines.append(Line(centre(text.strip(), limit) if block.center else text,
                              block.bold, block.big))
    return lines


def _row_lines(row: Row, columns: int) -> list[Line]:
    """`key：value`, the value's further lines lined up under its first."""
    head = printable(row.key) + "："
    value = printable(row.value)
    indent = width(head)
    if indent > columns // 2:
        return [Line(text) for text in wrap(head + value, columns)]
    first, *rest = wrap(value.strip(), columns - indent)
    return [Line(head + first)] + [Line(" " * indent + text) for text in rest]


def layout(receipt: Receipt, columns: int) -> list[Piece]:
    """The receipt as lines, QR codes and cuts; it always ends with a cut."""
    pieces: list[Piece] = []
    for block in receipt.blocks:
        if isinstance(block, Text):
            pieces += _text_lines(block, columns)
        elif isinstance(block, Row):
            pieces += _row_lines(block, columns)
        elif isinstance(block, Rule):
            pieces.append(Line("-" * columns))
        elif isinstance(block, Space):
            pieces += [Line("")] * max(0, min(block.lines, MAX_SPACE))
        elif isinstance(block, Qr) and len(block.data) > MAX_QR_DATA:
            pieces += _text_lines(Text(block.data), columns)
        elif isinstance(block, Qr) and block.data:
            pieces.append(block)
        elif isinstance(block, Cut) and pieces and not isinstance(pieces[-1], Cut):
            pieces.append(block)
    if not pieces or not isinstance(pieces[-1], Cut):
        pieces.append(Cut())
    return pieces


def cut_line(columns: int) -> str:
    """How the preview text shows a cut: scissors (8<) and a dashed line."""
    return ("8<" + " -" * columns)[:columns]


def piece_text(piece: Piece, columns: int) -> str:
    if isinstance(piece, Line):
        return piece.text
    if isinstance(piece, Qr):
        return centre(QR_MARK, columns)
    return cut_line(columns)


def preview_text(receipt: Receipt, columns: int) -> str:
    """The receipt as plain text, line for line as the printer prints it."""
    return "\n".join(piece_text(piece, columns) for piece in layout(receipt, columns))
