"""A member card as a printable picture (PNG, bank-card size at 300 dpi): the QR code on the
left, the hall's name, the masked name and the member number on the right. Pillow and segno
are imported when a card is drawn."""

from __future__ import annotations

from pathlib import Path

from kiosk.errors import KioskError
from kiosk.i18n import _

WIDTH, HEIGHT = 1011, 638  # 85.6 x 54 mm at 300 dpi
MARGIN = 40
QUIET = 4  # modules of white around the QR code, as the standard asks


def write_card_png(path: Path, *, payload: str, hall: str, name: str, number: str,
                   title: str, font: str = "") -> None:
    import segno
    from PIL import Image, ImageDraw, ImageFont

    from kiosk.printing.raster import find_font

    matrix = [list(row) for row in segno.make(payload, error="m").matrix_iter(border=QUIET)]
    scale = (HEIGHT - 2 * MARGIN) // len(matrix)
    card = Image.new("L", (WIDTH, HEIGHT), 255)
    pen = ImageDraw.Draw(card)
    top = (HEIGHT - scale * len(matrix)) // 2
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                left, upper = MARGIN + x * scale, top + y * scale
                pen.rectangle((left, upper, left + scale - 1, upper + scale - 1), fill=0)
    font_path = find_font(font)
    text_left = MARGIN + scale * len(matrix) + MARGIN
    lines = ((hall, 34), (title, 56), (name, 48), (number, 48))
    y = MARGIN + 20
    for text, size in lines:
        face = ImageFont.truetype(font_path, size)
        pen.text((text_left, y), _fit(pen, text, face, WIDTH - MARGIN - text_left), font=face, fill=0)
        y += size + 40
    try:
        card.save(path, format="PNG", dpi=(300, 300))
    except OSError as exc:
        raise KioskError(_("无法写入图片文件 {path}：{error}").format(
            path=path, error=exc.strerror or exc)) from None


def _fit(pen, text: str, face, width: int) -> str:
    """The text cut short with … where it would run off the card."""
    if pen.textlength(text, font=face) <= width:
        return text
    while text and pen.textlength(text + "…", font=face) > width:
        text = text[:-1]
    return text + "…"
