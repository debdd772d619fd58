"""Masking of personal data for public screens and JSON output."""

from __future__ import annotations

import re


def mask_name(name: str) -> str:
    """张三明 → 张*明, 李四 → 李*, 欧阳小明 → 欧**明."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    """13812341234 → 138****1234; anything short shows only its last two digits."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    if len(digits) > 2:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)


def mask_id_number(number: str) -> str:
    """350102199001011234 → 35*************234."""
    number = number.strip()
    if len(number) < 6:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 5) + number[-3:]
