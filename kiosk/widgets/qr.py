"""A QR code drawn with half-block characters, two modules per character cell."""

from __future__ import annotations

from textual.widgets import Static


def qr_text(data: str, **options) -> str:
    """`options` go to segno.make (error level M unless given)."""
    import segno  # only needed when a code is shown

    code = segno.make(data, **{"error": "m", **options})
    matrix = [list(row) for row in code.matrix_iter(border=2)]
    if len(matrix) % 2:
        matrix.append([0] * len(matrix[0]))
    lines = []
    for top, bottom in zip(matrix[::2], matrix[1::2]):
        # dark modules print as spaces on a light background, so the code scans on screens
        lines.append("".join(
            {(0, 0): "█", (1, 0): "▄", (0, 1): "▀", (1, 1): " "}[(t, b)] for t, b in zip(top, bottom)
        ))
    return "\n".join(lines)


class QrCode(Static):
    def __init__(self, data: str, qr_options: dict | None = None, **kwargs):
        super().__init__(qr_text(data, **(qr_options or {})), **kwargs)
