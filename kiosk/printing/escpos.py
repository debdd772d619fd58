"""ESC/POS bytes for a receipt, written out directly (the few commands a receipt needs).

Text mode prints the laid-out lines with the printer's own font: ASCII as is, everything else
in GB18030 between `FS &` and `FS .` (Chinese mode), as Chinese-market printers expect.
Raster mode (kiosk.printing.raster) draws the same lines into a picture, for printers
without a Chinese font. QR codes are printed by the printer itself (`GS ( k`) where its
profile says it can, and as a picture otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.printing.layout import COLUMNS, Line, Piece, layout
from kiosk.printing.receipt import Qr, Receipt

ESC, GS, FS = b"\x1b", b"\x1d", b"\x1c"
LF = b"\n"
INIT = ESC + b"@"
CHINESE_ON, CHINESE_OFF = FS + b"&", FS + b"."
BOLD_ON, BOLD_OFF = ESC + b"E\x01", ESC + b"E\x00"
BIG_ON, BIG_OFF = GS + b"!\x11", GS + b"!\x00"  # double width and height
CENTRE, LEFT = ESC + b"a\x01", ESC + b"a\x00"
FEED_AND_CUT = ESC + b"d\x04" + GS + b"V\x01"  # clear the cutter, partial cut (ignored without one)
# ESC B n t: the buzzer sounds n times, each t x 50 ms (Epson-compatible Chinese-market
# printers; a printer without a buzzer may ignore it or not, hence a setting, off by default).
BUZZ = ESC + b"B\x03\x03"
RASTER_BAND = 256  # rows per GS v 0 command: small enough for any printer's buffer

DOTS = {58: 384, 80: 576}  # printable width at 203 dpi
MODES = ("text", "raster")


@dataclass(frozen=True)
class Profile:
    native_qr: bool  # prints QR codes itself (GS ( k)
    status: bool  # answers real-time status queries (DLE EOT), so a job can be confirmed


PROFILES = {
    "default": Profile(native_qr=True, status=True),  # most printers sold in China
    "simple": Profile(native_qr=False, status=False),  # older or bare-bones printers
}


@dataclass(frozen=True)
class PrintFormat:
    """How receipts become bytes for one printer."""

    paper_mm: int = 58
    mode: str = "text"
    profile: str = "default"
    font: str = ""  # raster mode: a CJK font file; empty: found through fontconfig

    def __post_init__(self):
        if self.paper_mm not in COLUMNS:
            raise KioskError(_("纸宽 paper_mm 只能是 58 或 80（毫米），而不是 {paper_mm}").format(
                paper_mm=self.paper_mm))
        if self.mode not in MODES:
            raise KioskError(_("打印方式 printer_mode 只能是 text（打印机字库）或 raster（图片），"
                               "而不是 {mode!r}").format(mode=self.mode))
        if self.profile not in PROFILES:
            raise KioskError(_("打印机类型 printer_profile 只能是 {profiles}，而不是 {profile!r}").format(
                profiles=_(" 或 ").join(PROFILES), profile=self.profile))

    @classmethod
    def from_config(cls, config) -> PrintFormat:
        return cls(config.paper_mm, config.printer_mode, config.printer_profile, config.printer_font)

    @property
    def columns(self) -> int:
        return COLUMNS[self.paper_mm]

    @property
    def dots(self) -> int:
        return DOTS[self.paper_mm]

    @property
    def capabilities(self) -> Profile:
        return PROFILES[self.profile]


def render(receipt: Receipt, fmt: PrintFormat) -> bytes:
    """The bytes to send to the printer for one receipt."""
    if fmt.mode == "raster":
        from kiosk.printing import raster  # Pillow: only when a picture is drawn

        return raster.render(receipt, fmt)
    out = bytearray(INIT)
    for piece in layout(receipt, fmt.columns):
        out += piece_bytes(piece, fmt)
    return bytes(out)


def piece_bytes(piece: Piece, fmt: PrintFormat) -> bytes:
    if isinstance(piece, Line):
        return line_bytes(piece)
    if isinstance(piece, Qr):
        return qr_bytes(piece.data, fmt) + LF
    return FEED_AND_CUT


_RUNS = re.compile(r"[ -~]+|[^ -~]+")


def encode(text: str) -> bytes:
    """Printable text (see kiosk.printing.layout.printable) as printer bytes."""
    out = bytearray()
    for run in _RUNS.findall(text):
        if run[0] <= "~":
            out += run.encode("ascii")
        else:
            out += CHINESE_ON + run.encode("gb18030") + CHINESE_OFF
    return bytes(out)


def line_bytes(line: Line) -> bytes:
    if not line.text:
        return LF
    start = (BIG_ON if line.big else b"") + (BOLD_ON if line.bold else b"")
    end = (BOLD_OFF if line.bold else b"") + (BIG_OFF if line.big else b"")
    return start + encode(line.text) + end + LF


# --- QR codes ---------------------------------------------------------------------------

@lru_cache(maxsize=32)
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code's modules (without quiet zone), error correction level M."""
    import segno  # only when a code is printed

    code = segno.make(data, error="m", micro=False, boost_error=False)
    return tuple(tuple(bool(v) for v in row) for row in code.matrix)


def module_size(modules: int, dots: int) -> int:
    """Dots per module: the code about 60% of the paper wide, 1 to 6 dots a module."""
    return max(1, min(6, int(dots * 0.6) // (modules + 8)))


def qr_bytes(data: str, fmt: PrintFormat) -> bytes:
    matrix = qr_matrix(data)
    module = module_size(len(matrix), fmt.dots)
    if fmt.capabilities.native_qr:
        return native_qr(data, module)
    return bitmap(matrix, module, fmt.dots)


def native_qr(data: str, module: int) -> bytes:
    payload = data.encode("utf-8")
    def command(fn: bytes) -> bytes:
        return GS + b"(k" + len(fn).to_bytes(2, "little") + fn
    return (
        CENTRE
        + command(b"\x31\x41\x32\x00")  # model 2
        + command(b"\x31\x43" + bytes([module]))
        + command(b"\x31\x45\x31")  # error correction M
        + command(b"\x31\x50\x30" + payload)  # store the data
        + command(b"\x31\x51\x30")  # print it
        + LEFT
    )


def bitmap(matrix: tuple[tuple[bool, ...], ...], module: int, dots: int) -> bytes:
    """A QR code as a raster picture, centred on the paper by blank dots on its left."""
    size = len(matrix) * module
    pad = max(0, (dots - size) // 2)
    width_bytes = (pad + size + 7) // 8
    rows = bytearray()
    for row in matrix:
        bits = "0" * pad + "".join(("1" if dark else "0") * module for dark in row)
        rows += int(bits.ljust(width_bytes * 8, "0"), 2).to_bytes(width_bytes, "big") * module
    return raster(bytes(rows), width_bytes)


def raster(rows: bytes, width_bytes: int) -> bytes:
    """GS v 0 commands for packed rows (1 = black, most significant bit on the left), sent
    in bands so that no single command overflows a small printer's buffer."""
    height = len(rows) // width_bytes
    out = bytearray()
    for top in range(0, height, RASTER_BAND):
        band = min(RASTER_BAND, height - top)
        out += GS + b"v0\x00" + width_bytes.to_bytes(2, "little") + band.to_bytes(2, "little")
        out += rows[top * width_bytes:(top + band) * width_bytes]
    return bytes(out)
