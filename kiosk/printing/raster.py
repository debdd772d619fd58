"""Raster mode: the laid-out lines drawn with a CJK font into a picture one printer dot per
pixel, for printers without a Chinese font. The picture keeps the printer's own grid (a column
is 12 dots, a line 30), so it shows exactly what the text mode and the preview show.

Pillow is imported by this module alone, and only when a receipt is drawn.
"""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.printing.escpos import (
    FEED_AND_CUT,
    INIT,
    PrintFormat,
    module_size,
    qr_matrix,
    raster,
)
from kiosk.printing.layout import Line, Piece, layout
from kiosk.printing.receipt import Cut, Receipt

CELL = 12  # dots per column: the printer font's half-width character
LINE_HEIGHT = 30
QR_GAP = 12  # dots below a QR code
# Where fonts usually are when fontconfig is not there to ask (Windows, minimal systems).
KNOWN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
)


def _fontconfig(*args: str) -> list[str]:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


@lru_cache(maxsize=8)
def find_font(configured: str = "") -> str:
    """A font file with Chinese characters: the configured one, else fontconfig's choice."""
    if configured:
        if not Path(configured).is_file():
            raise KioskError(_("找不到配置的字体文件 {path}").format(path=configured))
        return configured
    chinese = [line.removesuffix(":") for line in _fontconfig("fc-list", ":lang=zh-cn", "file")]
    preferred = _fontconfig("fc-match", "-f", "%{file}", "sans-serif:lang=zh-cn")
    # fc-match always answers, with a font without Chinese if need be: trust it only when
    # fc-list names the same file as a Chinese one
    candidates = [p for p in preferred if p in chinese] + sorted(chinese) + list(KNOWN_FONTS)
    for path in candidates:
        if Path(path).is_file():
            return path
    raise KioskError(_("找不到中文字体，无法用图片方式打印：请安装 fonts-wqy-microhei，"
                       "或在配置里用 printer_font 指定字体文件"))


@lru_cache(maxsize=8)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(path, size)
    except OSError:
        raise KioskError(_("字体文件 {path} 无法使用").format(path=path)) from None


def render(receipt: Receipt, fmt: PrintFormat) -> bytes:
    out = bytearray(INIT)
    for image in draw(receipt, fmt):
        out += image_bytes(image, fmt.dots) + FEED_AND_CUT
    return bytes(out)


def draw(receipt: Receipt, fmt: PrintFormat) -> list[Image.Image]:
    """One picture for each piece of paper the receipt is cut into."""
    path = find_font(fmt.font)
    images, part = [], []
    for piece in layout(receipt, fmt.columns):
        if isinstance(piece, Cut):
            images.append(_draw_part(part, fmt, path))
            part = []
        else:
            part.append(piece)
    return images


def _height(piece: Piece, fmt: PrintFormat) -> int:
    if isinstance(piece, Line):
        return LINE_HEIGHT * 2 if piece.big else LINE_HEIGHT
    modules = len(qr_matrix(piece.data))
    return modules * module_size(modules, fmt.dots) + QR_GAP


def _draw_part(pieces: list[Piece], fmt: PrintFormat, font_path: str) -> Image.Image:
    heights = [_height(piece, fmt) for piece in pieces]
    image = Image.new("L", (fmt.dots, max(1, sum(heights))), 255)
    pen = ImageDraw.Draw(image)
    top = 0
    for piece, height in zip(pieces, heights):
        if isinstance(piece, Line):
            _draw_line(image, piece, top, font_path)
        else:
            _draw_qr(pen, qr_matrix(piece.data), top, fmt.dots)
        top += height
    return image


@lru_cache(maxsize=4096)
def _glyph(font_path: str, ch: str, scale: int, bold: bool) -> Image.Image:
    """A character centred in its cells (one for ASCII, two for the rest, as the printer's
    font places it), as a mask; drawn once, then reused."""
    cell = CELL * scale * (1 if ch <= "~" else 2)
    font = _font(font_path, 24 * scale)
    drawn = max(cell, int(font.getlength(ch)) + 2)
    mask = Image.new("L", (drawn, LINE_HEIGHT * scale), 0)
    pen = ImageDraw.Draw(mask)
    left = (drawn - font.getlength(ch)) / 2
    for dx in (0, 1) if bold else (0,):  # bold: struck twice, a dot apart
        pen.text((left + dx, 3 * scale), ch, font=font, fill=255)
    return mask if drawn == cell else mask.resize((cell, mask.height))  # a narrower W, M


def _draw_line(image: Image.Image, line: Line, top: int, font_path: str) -> None:
    scale = 2 if line.big else 1
    x = 0
    for ch in line.text:
        if ch != " ":
            image.paste(0, (x, top), _glyph(font_path, ch, scale, line.bold))
        x += CELL * scale * (1 if ch <= "~" else 2)


def _draw_qr(pen: ImageDraw.ImageDraw, matrix: tuple[tuple[bool, ...], ...], top: int, dots: int) -> None:
    module = module_size(len(matrix), dots)
    left = (dots - len(matrix) * module) // 2
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                x, y = left + c * module, top + r * module
                pen.rectangle((x, y, x + module - 1, y + module - 1), fill=0)


def image_bytes(image: Image.Image, dots: int) -> bytes:
    """A picture as raster commands; one wider than the paper is scaled down to fit."""
    if image.width > dots:
        image = image.resize((dots, max(1, round(image.height * dots / image.width))))
    ink = image.convert("L").point(lambda v: 255 if v < 128 else 0, mode="1")
    return raster(ink.tobytes(), (ink.width + 7) // 8)
