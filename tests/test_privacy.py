"""Masking of personal data on public screens (DESIGN.md section 3)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.services.privacy import mask_id_number, mask_name, mask_phone


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
