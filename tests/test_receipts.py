"""Receipts: every receipt's preview at 58 and 80 mm (golden files under
__snapshots__/test_receipts/; after a deliberate change run
`pytest tests/test_receipts.py --snapshot-update` and read the .txt files before committing),
the ESC/POS text mode read back giving the preview, the raster mode, and bad input."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from escpos_decoder import decode
from hypothesis import given, settings
from hypothesis import strategies as st
from receipt_samples import SAMPLES, signin_slip
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from kiosk.errors import KioskError
from kiosk.printing import raster
from kiosk.printing.escpos import GS, PrintFormat, render
from kiosk.printing.layout import (
    COLUMNS,
    REPLACEMENT,
    Line,
    layout,
    preview_text,
    printable,
    width,
)
from kiosk.printing.receipt import BadReceipt, Qr, Receipt, Row, Rule, Space, Text
from kiosk.printing.receipts import rmb_upper

WIDTHS = sorted(COLUMNS)


class TextFile(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    _file_extension = "txt"


@pytest.mark.parametrize("paper_mm", WIDTHS)
@pytest.mark.parametrize("name", SAMPLES)
def test_preview(name, paper_mm, snapshot):
    text = preview_text(SAMPLES[name], COLUMNS[paper_mm])
    assert text + "\n" == snapshot.use_extension(TextFile)


@pytest.mark.parametrize("paper_mm", WIDTHS)
@pytest.mark.parametrize("name", SAMPLES)
def test_no_line_is_wider_than_the_paper(name, paper_mm):
    columns = COLUMNS[paper_mm]
    for piece in layout(SAMPLES[name], columns):
        if isinstance(piece, Line):
            assert width(piece.text) * (2 if piece.big else 1) <= columns, piece


@pytest.mark.parametrize("profile", ["default", "simple"])
@pytest.mark.parametrize("paper_mm", WIDTHS)
@pytest.mark.parametrize("name", SAMPLES)
def test_text_mode_reads_back_as_the_preview(name, paper_mm, profile):
    job = render(SAMPLES[name], PrintFormat(paper_mm, "text", profile))
    assert decode(job, COLUMNS[paper_mm]) == preview_text(SAMPLES[name], COLUMNS[paper_mm])


def test_chinese_goes_in_gb18030_between_fs_and_fs_dot():
    job = render(Receipt("t", (Text("签到 OK，谢谢"),)), PrintFormat())
    expected = b"\x1c&" + "签到".encode("gb18030") + b"\x1c. OK\x1c&" + "，谢谢".encode("gb18030")
    assert expected + b"\x1c.\n" in job


def test_titles_are_bold_and_double_size():
    job = render(Receipt("t", (Text("AB", bold=True, big=True),)), PrintFormat())
    assert b"\x1d!\x11\x1bE\x01AB\x1bE\x00\x1d!\x00\n" in job


def test_qr_codes_native_or_as_a_picture():
    receipt = Receipt("t", (Qr("VK1TT0001.ABCDEFGHIJKLMNOP"),))
    native = render(receipt, PrintFormat(58, "text", "default"))
    assert b"\x1d(k\x1d\x001P0VK1TT0001.ABCDEFGHIJKLMNOP" in native and b"\x1dv0" not in native
    picture = render(receipt, PrintFormat(58, "text", "simple"))
    assert b"\x1d(k" not in picture and b"\x1dv0" in picture


def test_a_sign_in_slip_is_at_most_600_bytes_before_its_qr_code():
    job = render(signin_slip(), PrintFormat(58, "text"))
    assert job.index(GS + b"(k") <= 600


@pytest.mark.parametrize("name", SAMPLES)
def test_json_round_trip(name):
    receipt = SAMPLES[name]
    assert Receipt.from_json(receipt.to_json()) == receipt


@pytest.mark.parametrize("text", [
    "", "[]", '{"blocks": []}', '{"title": "x", "blocks": [{"type": "picture"}]}',
    '{"title": "x", "blocks": [{"type": "text", "text": 5}]}',
    '{"title": "x", "blocks": [{"type": "text", "text": "a", "colour": "red"}]}',
])
def test_unreadable_documents_are_a_clear_error(text):
    with pytest.raises(BadReceipt, match="回执内容无法读取"):
        Receipt.from_json(text)


# --- bad input -----------------------------------------------------------------------------

def test_emoji_and_rare_characters_become_the_missing_character_mark():
    assert printable("张𪚥明😀👨‍👩‍👧") == f"张{REPLACEMENT}明{REPLACEMENT * 4}"
    assert printable("¥12，\u00a0e\u0301 \x07\t\ue000") == f"￥12， é  {REPLACEMENT}"


@pytest.mark.parametrize("paper_mm", WIDTHS)
def test_very_long_words_and_numbers_are_broken_to_fit(paper_mm):
    columns = COLUMNS[paper_mm]
    number = "1234567890" * 12
    receipt = Receipt("t", (Text(number), Row("编号", number), Text("https://example.org/" + "a" * 90),
                            Text("很长的中文" * 30, big=True)))
    lines = [p for p in layout(receipt, columns) if isinstance(p, Line)]
    assert all(width(line.text) * (2 if line.big else 1) <= columns for line in lines)
    assert "".join(line.text for line in lines[:len(number) // columns + 1]).startswith(number)


def test_chinese_line_breaking_rules():
    def lines(text: str) -> list[str]:
        return [p.text for p in layout(Receipt("t", (Text(text),)), 32) if isinstance(p, Line)]

    sixteen = "一二三四五六七八九十一二三四五六"  # a whole line
    assert lines(sixteen + "，好") == [sixteen[:-1], "六，好"]  # no line starts with ，
    assert lines(sixteen[:-1] + "（甲）") == [sixteen[:-1], "（甲）"]  # none ends with （


def test_qr_data_too_long_for_a_scanner_is_printed_as_text():
    receipt = Receipt("t", (Qr("A" * 600),))
    assert not any(isinstance(p, Qr) for p in layout(receipt, 32))
    assert "A" * 32 in preview_text(receipt, 32)
    assert b"\x1d(k" not in render(receipt, PrintFormat())


def test_absurd_spacing_is_capped():
    assert len(layout(Receipt("t", (Space(10**9),)), 32)) == 11  # ten blank lines and the cut


printable_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=120)


@settings(max_examples=150, deadline=None)
@given(title=printable_text, key=printable_text, value=printable_text, big=st.booleans())
def test_any_text_fits_and_reads_back(title, key, value, big):
    receipt = Receipt(title, (Text(title, bold=True, center=True, big=big), Row(key, value), Rule()))
    for paper_mm in WIDTHS:
        columns = COLUMNS[paper_mm]
        for piece in layout(receipt, columns):
            if isinstance(piece, Line):
                assert width(piece.text) * (2 if piece.big else 1) <= columns
        job = render(receipt, PrintFormat(paper_mm))
        assert decode(job, columns) == preview_text(receipt, columns)
        assert Receipt.from_json(receipt.to_json()) == receipt


# --- raster mode ---------------------------------------------------------------------------

@pytest.mark.parametrize("paper_mm", WIDTHS)
def test_raster_pictures_are_as_wide_as_the_paper(paper_mm):
    fmt = PrintFormat(paper_mm, "raster")
    [picture] = raster.draw(signin_slip(), fmt)
    lines = preview_text(signin_slip(), fmt.columns).count("\n")  # the cut is not drawn
    assert picture.width == fmt.dots
    assert picture.height > lines * raster.LINE_HEIGHT  # and the QR code is taller than a line
    job = render(signin_slip(), fmt)
    assert job.startswith(b"\x1b@") and job.endswith(b"\x1dV\x01")
    header = re.search(rb"\x1dv0\x00(..)(..)", job, re.DOTALL)
    assert int.from_bytes(header[1], "little") == fmt.dots // 8
    assert b"\x1c&" not in job  # no text for the printer's own font


def test_raster_dues_receipt_is_two_pictures():
    assert len(raster.draw(SAMPLES["dues"], PrintFormat(58, "raster"))) == 2


def test_a_picture_wider_than_the_paper_is_scaled_down():
    from PIL import Image

    wide = Image.new("L", (1000, 100), 0)
    job = raster.image_bytes(wide, 384)
    assert job[4:6] == (48).to_bytes(2, "little")
    assert int.from_bytes(job[6:8], "little") == 38  # 100 * 384 / 1000


def test_a_missing_font_is_a_clear_error(tmp_path):
    with pytest.raises(KioskError, match="找不到配置的字体文件"):
        render(signin_slip(), PrintFormat(58, "raster", font=str(tmp_path / "nope.ttf")))
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    with pytest.raises(KioskError, match="无法使用"):
        render(signin_slip(), PrintFormat(58, "raster", font=str(broken)))


def test_no_chinese_font_on_the_machine(monkeypatch):
    monkeypatch.setattr(raster, "_fontconfig", lambda *args: [])
    monkeypatch.setattr(raster, "KNOWN_FONTS", ())
    raster.find_font.cache_clear()
    try:
        with pytest.raises(KioskError, match="fonts-wqy-microhei"):
            raster.find_font("")
    finally:
        raster.find_font.cache_clear()


def test_fontconfig_finds_a_chinese_font():
    assert raster.find_font("").endswith((".ttc", ".ttf", ".otf"))


# --- amounts -------------------------------------------------------------------------------

@pytest.mark.parametrize("amount, words", [
    ("0", "零元整"), ("0.20", "贰角整"), ("0.07", "柒分"), ("6.00", "陆元整"),
    ("12.50", "壹拾贰元伍角整"), ("1005.07", "壹仟零伍元零柒分"), ("1050", "壹仟零伍拾元整"),
    ("10005", "壹万零伍元整"), ("100000", "壹拾万元整"), ("120003000.1", "壹亿贰仟万叁仟元壹角整"),
    ("-12.50", "负壹拾贰元伍角整"),
])
def test_amounts_in_capital_numerals(amount, words):
    assert rmb_upper(Decimal(amount)) == words


def test_a_dues_correction_says_so():
    from kiosk.printing import receipts

    receipt = receipts.dues_receipt(hall="某村", time=dt.datetime(2026, 1, 1), receipt_no="D2",
                                    member_name="张三", member_number="M1", first_month="2025-11",
                                    months=-3, amount=Decimal("-6.00"))
    text = preview_text(receipt, 48)
    assert "2025-11 至 2026-01（3 个月）" in text and "负陆元整" in text and "冲销" in text
