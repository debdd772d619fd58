"""A notice's text without a database: Markdown as plain text (odd markup included), the
readable diff between versions, the take-away QR text, and reading aloud to a file."""

from __future__ import annotations

import wave

import pytest
import segno
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.services import speech
from kiosk.services.notice_diff import GAP, text_changes
from kiosk.services.notice_text import (
    TAKE_AWAY_QR,
    fit_bytes,
    plain_text,
    qr_byte_capacity,
    take_away_text,
)

TABLE = "| 项目 | 金额（元） |\n| --- | ---: |\n| 材料 | 86,500.00 |\n| 人工 | 42,800.00 |"


def test_plain_text_keeps_the_words_and_drops_the_marks():
    text = plain_text(f"# 标题\n\n正文 **加粗** [链接](http://x) `代码`\n第二行\n\n{TABLE}\n\n"
                      "1. 一\n2. 二\n\n- 甲\n  - 乙\n\n> 引用 <b>粗</b>\n\n<div>块</div>\n")
    assert text == ("标题\n\n正文 加粗 链接 代码\n第二行\n\n项目  金额（元）\n材料  86,500.00\n"
                    "人工  42,800.00\n\n1. 一\n2. 二\n\n· 甲\n  · 乙\n\n引用 粗")


@pytest.mark.parametrize("markdown", [
    "**没有闭合 *斜体 [链接](", "```\n没有闭合的代码块", "> " * 500 + "很深的引用",
    "- " * 300 + "很深的列表", "|a|\n|-|\n" + "|x|\n" * 2000, "<script>alert(1)</script>",
    "\x00\x01\x02", "", "\n\n\n", "# " * 50, "[x]: http://example.com\n\n![图](a.png)",
])
def test_odd_markdown_never_fails(markdown):
    assert isinstance(plain_text(markdown), str)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("#*_`[]()!|->\n 123abc村务公开"), max_size=200))
def test_any_markdown_gives_text(markdown):
    assert "\x00" not in plain_text(markdown)


def test_a_changed_number_is_shown_whole():
    [change] = text_changes("机械租赁费 12,600.00 元", "机械租赁费 13,200.00 元")
    assert change.before == (("机械租赁费 ", False), ("12,600.00", True), (" 元", False))
    assert change.after == (("机械租赁费 ", False), ("13,200.00", True), (" 元", False))


def test_added_removed_and_format_only_changes():
    [added] = text_changes("第一段", "第一段\n\n**第二段**")
    assert added.before == () and added.after == (("第二段", True),)
    [removed] = text_changes("第一段\n\n第二段", "第一段")
    assert removed.before == (("第二段", True),) and removed.after == ()
    assert text_changes("**加粗**的字", "加粗的字") == []


def test_long_unchanged_stretches_are_shortened_at_whole_words():
    before = "开头" * 30 + "金额 100,000.00 元，村集体自筹 41,900.00 元。"
    after = before.replace("41,900.00", "42,500.00")
    [change] = text_changes(before, after)
    first = change.before[0][0]
    assert first.startswith(GAP) and "100,000.00" in first and len(first) < 40


def test_take_away_text_holds_the_whole_notice_when_it_fits():
    text, whole = take_away_text(7, "通知", "正文**很短**。", 10)
    assert whole and text == "【第 7 号通知】通知\n\n正文很短。"
    assert segno.make(text, **TAKE_AWAY_QR).version <= 10


@pytest.mark.parametrize("version", [4, 7, 15, 40])
def test_take_away_text_of_a_long_notice_fits_and_says_where_the_rest_is(version):
    text, whole = take_away_text(12, "村道硬化资金公开", "经村民代表会议讨论通过。" * 400, version)
    assert not whole and text.endswith("（全文见第 12 号通知）")
    assert len(text.encode()) <= qr_byte_capacity(version)
    assert segno.make(text, **TAKE_AWAY_QR).version <= version


def test_fit_bytes_never_splits_a_character():
    assert fit_bytes("村务公开", 7, "") == "村务"
    assert fit_bytes("村务公开", 12, "…") == "村务公开"


def test_reading_aloud_makes_sound(tmp_path):
    assert speech.available(), "espeak-ng missing: scripts/test.sh installs it"
    speech.to_wav("各位村民：新一年度城乡居民医保开始缴费了。", tmp_path / "notice.wav")
    with wave.open(str(tmp_path / "notice.wav")) as sound:
        seconds = sound.getnframes() / sound.getframerate()
        frames = sound.readframes(sound.getnframes())
    assert seconds > 2 and any(frames)  # speech, not silence


def test_without_espeak_ng_nothing_offers_reading_aloud(monkeypatch):
    monkeypatch.setattr(speech.shutil, "which", lambda name: None)
    speech.program.cache_clear()
    try:
        assert not speech.available()
    finally:
        speech.program.cache_clear()
