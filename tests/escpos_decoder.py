"""Reading ESC/POS bytes back as text, to check a printer job against its preview: commands
are stripped, Chinese sections (between FS & and FS .) decoded from GB18030, a QR code or a
picture stands as the preview's [二维码] line, a cut as the preview's cut line, the buzzer
(ESC B n t) as a line of its own, BUZZER_LINE. A byte the decoder does not know fails the
test, so a stray command cannot hide."""

from __future__ import annotations

from kiosk.printing.layout import QR_MARK, centre, cut_line

ESC, GS, FS, LF = 0x1B, 0x1D, 0x1C, 0x0A
BUZZER_LINE = "[蜂鸣 {times} 次，每次 {ms} 毫秒]"


def decode(data: bytes, columns: int) -> str:
    lines: list[str] = []
    line = bytearray()
    chinese = False
    picture = False  # in a run of raster bands: one picture
    i = 0

    def text() -> str:
        return line.decode("gb18030")

    while i < len(data):
        byte = data[i]
        if byte == LF:
            lines.append(text())
            line.clear()
            picture = False
            i += 1
        elif byte == ESC:
            command = data[i + 1]
            assert command in b"@EadB", f"unknown ESC {command:#x} at {i}"
            if command == ord("B"):
                assert not line, "buzzer in the middle of a line"
                lines.append(BUZZER_LINE.format(times=data[i + 2], ms=data[i + 3] * 50))
                i += 4
            else:
                i += 2 if command == ord("@") else 3
        elif byte == GS:
            command = data[i + 1]
            if command in b"!V":
                if command == ord("V"):
                    assert not line and not picture, "cut in the middle of a line"
                    lines.append(cut_line(columns))
                i += 3
            elif command == ord("("):
                assert data[i + 2] == ord("k")
                size = data[i + 3] + 256 * data[i + 4]
                if data[i + 5:i + 7] == b"\x31\x51":  # print the stored QR code
                    line += centre(QR_MARK, columns).encode("gb18030")
                i += 5 + size
            elif command == ord("v"):
                assert data[i + 2:i + 4] == b"0\x00"
                width = data[i + 4] + 256 * data[i + 5]
                height = data[i + 6] + 256 * data[i + 7]
                assert width * 8 <= 576, "picture wider than any paper"
                if not picture:
                    line += centre(QR_MARK, columns).encode("gb18030")
                picture = True
                i += 8 + width * height
            else:
                raise AssertionError(f"unknown GS {command:#x} at {i}")
        elif byte == FS:
            command = data[i + 1]
            assert command in b"&.", f"unknown FS {command:#x} at {i}"
            chinese = command == ord("&")
            i += 2
        elif byte >= 0x80:
            assert chinese, f"a non-ASCII byte outside Chinese mode at {i}"
            line += data[i:i + 2]
            i += 2
        else:
            assert 0x20 <= byte < 0x7F, f"control byte {byte:#x} at {i}"
            assert not chinese, f"ASCII inside Chinese mode at {i}"
            line.append(byte)
            i += 1
    assert not line and not chinese, "job ends inside a line"
    return "\n".join(lines)
