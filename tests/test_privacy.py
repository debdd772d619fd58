"""Masking of personal data on public screens (DESIGN.md section 3)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.services.privacy import (
    find_personal_data, id_check_char, is_id_number, mask_bank_card, mask_id_number, mask_name,
    mask_personal_data, mask_phone,
)


@pytest.mark.parametrize("name, masked", [
    ("张三明", "张*明"), ("李四", "李*"), ("欧阳小明", "欧**明"), (" 王五 ", "王*"),
    ("阿依古丽·买买提", "阿******提"), ("张", "张"), ("", ""),
])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("phone, masked", [
    ("13812341234", "138****1234"), ("138 1234 1234", "138****1234"), ("138-1234-1234", "138****1234"),
    ("87654321", "******21"), ("12", "**"), ("", ""),
])
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize("number, masked", [
    ("350102199001011234", "35*************234"),
    ("35010219900101123X", "35*************23X"),
    ("350102900101123", "35**********123"),  # old 15-digit numbers
    ("12345", "*****"), ("", ""),
])
def test_mask_id_number(number, masked):
    assert mask_id_number(number) == masked


def test_design_examples():
    assert mask_name("张三明") == "张*明" and mask_name("李四") == "李*"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id_number("350000000000000123") == "35*************123"


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_a_mobile_number_never_shows_its_middle(phone):
    assert mask_phone(phone) == phone[:3] + "****" + phone[-4:]


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[1-8][0-9]{16}[0-9X]", fullmatch=True))
def test_an_id_number_shows_at_most_five_characters(number):
    masked = mask_id_number(number)
    assert len(masked) == len(number)
    assert sum(c != "*" for c in masked) == 5
    assert number[6:14] not in masked  # the birth date is always hidden


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨", min_size=3, max_size=6))
def test_long_names_show_only_first_and_last(name):
    masked = mask_name(name)
    assert masked[0] == name[0] and masked[-1] == name[-1]
    assert set(masked[1:-1]) == {"*"} and len(masked) == len(name)


# --- finding personal data in notices before they are published ---------------------------

@pytest.mark.parametrize("text, kind, found", [
    ("电话 13900007788。", "phone", "13900007788"),
    ("电话：139-0000-7788", "phone", "139-0000-7788"),
    ("电话 139 0000 7788", "phone", "139 0000 7788"),
    ("身份证 350102199001011238", "id_number", "350102199001011238"),
    ("身份证 11010519491231002x", "id_number", "11010519491231002x"),
    ("卡号 6222 0202 0000 0000 006", "bank_card", "6222 0202 0000 0000 006"),
    ("卡号 4111111111111111", "bank_card", "4111111111111111"),
])
def test_personal_data_is_found(text, kind, found):
    [finding] = find_personal_data(text)
    assert (finding.kind, finding.text) == (kind, found)
    assert text[finding.start:finding.end] == found


@pytest.mark.parametrize("text", [
    "金额 141,900.00 元", "电话 0591-87654321", "12900007788", "139000077881",
    "350102199001011235",  # wrong check character (and not a card number either)
    "4111111111111112",  # fails the Luhn check
    "2026年11月27日", "第 20261127 号", "96110 反诈专线",
])
def test_ordinary_numbers_are_not_personal_data(text):
    assert find_personal_data(text) == []


def test_masking_every_finding():
    text = "电话 13900007788，身份证 350102199001011238，卡号 6222020200000000006。"
    assert mask_personal_data(text) == (
        "电话 139****7788，身份证 35*************238，卡号 6222***********0006。")
    assert mask_bank_card("6222 0202 0000 0000 006") == "6222***********0006"


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[1-6][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9])[0-9]{3}",
                     fullmatch=True))
def test_every_id_number_with_the_right_check_character_is_found(first17):
    number = first17 + id_check_char(first17)
    assert is_id_number(number)
    assert [f.kind for f in find_personal_data(f"身份证号{number}。")] == ["id_number"]
    assert number not in mask_personal_data(f"身份证号{number}。")
