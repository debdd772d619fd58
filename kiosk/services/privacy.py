"""Masking of personal data for public screens and JSON output."""

from __future__ import annotations

import re
from dataclasses import dataclass


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


def mask_bank_card(number: str) -> str:
    """6222021234567890123 → 6222***********0123."""
    digits = re.sub(r"\D", "", number)
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


# --- finding personal data in text meant for the public (notices) ---------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"  # ISO 7064 MOD 11-2, as GB 11643 uses it

# Runs of digits that may be split by single spaces or hyphens (138 1234 1234, 6222-0212-…).
_MOBILE = re.compile(r"(?<![\d-])1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![\d-])")
_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?![\dXx])")
_CARD = re.compile(r"(?<![\d-])\d{4}(?:[ -]?\d{2,4}){3,4}(?![\d-])")


def id_check_char(first17: str) -> str:
    return ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def is_id_number(text: str) -> bool:
    """An 18-character mainland ID number whose check character is right."""
    text = text.upper()
    return bool(_ID_NUMBER.fullmatch(text)) and id_check_char(text[:17]) == text[17]


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


@dataclass(frozen=True)
class Finding:
    kind: str  # phone / id_number / bank_card (labels.PERSONAL_DATA)
    text: str  # as written
    start: int
    end: int

    @property
    def masked(self) -> str:
        return MASKS[self.kind](self.text)


MASKS = {"phone": mask_phone, "id_number": mask_id_number, "bank_card": mask_bank_card}


def find_personal_data(text: str) -> list[Finding]:
    """Mobile numbers, ID numbers (checksum right) and bank card numbers (16 to 19 digits,
    Luhn right) in `text`, in order. A number is reported once, as the first kind it fits."""
    found: list[Finding] = []

    def add(kind: str, match: re.Match) -> None:
        if not any(f.start < match.end() and match.start() < f.end for f in found):
            found.append(Finding(kind, match.group(), match.start(), match.end()))

    for match in _ID_NUMBER.finditer(text):
        if is_id_number(match.group()):
            add("id_number", match)
    for match in _MOBILE.finditer(text):
        add("phone", match)
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 16 <= len(digits) <= 19 and luhn_ok(digits):
            add("bank_card", match)
    return sorted(found, key=lambda f: f.start)


def mask_personal_data(text: str) -> str:
    """`text` with everything find_personal_data finds masked."""
    for finding in reversed(find_personal_data(text)):
        text = text[:finding.start] + finding.masked + text[finding.end:]
    return text
