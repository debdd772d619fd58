"""Signed member and staff cards (Ed25519): round trip, size and alphabet, tolerance of
scanner noise, and refusal of every altered or foreign card."""

from __future__ import annotations

import datetime as dt
import random
import stat

import pytest

from kiosk.db.models import HallKey
from kiosk.errors import KioskError
from kiosk.scan import CardPayload, InvalidPayload, TicketPayload
from kiosk.services import cards
from kiosk.services.cards import CardRejected

QR_ALPHANUMERIC = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
DAY = dt.date(2025, 6, 30)


def _rejected(text: str) -> bool:
    try:
        cards.verify_card(text)
    except CardRejected as exc:
        assert exc.reason == "invalid"
        return True
    return False


def _foreign_key():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return private, raw


def _sign_with(private, key_id: str, kind="M", number="M0001", serial=1, issued=DAY) -> str:
    unsigned = CardPayload(kind, key_id, number, serial, issued, "")
    signature = cards._b32(private.sign(unsigned.signed_text.encode()))
    return CardPayload(kind, key_id, number, serial, issued, signature).text


def test_round_trip(db, config):
    text = cards.sign_card(config.keys_dir, "M", "m0042", 3, DAY)
    payload = cards.verify_card(text)
    assert (payload.kind, payload.number, payload.serial, payload.issued) == ("M", "M0042", 3, DAY)
    assert payload.key_id == cards.local_key().key_id
    assert payload.text == text
    staff_text = cards.sign_card(config.keys_dir, "S", "A1", 1, DAY)
    assert cards.verify_card(staff_text).kind == "S"


def test_payload_is_short_and_qr_alphanumeric(db, config):
    longest = cards.sign_card(config.keys_dir, "M", "ABCDEFGH1234", 999_999, dt.date(2099, 12, 31))
    assert len(longest) < 160
    assert set(longest) <= QR_ALPHANUMERIC
    assert longest.startswith("VK1M")


def test_number_too_long_cannot_be_signed(db, config):
    with pytest.raises(InvalidPayload):
        cards.sign_card(config.keys_dir, "M", "ABCDEFGH12345", 1, DAY)


def test_scanner_noise_and_case_still_verify(db, config):
    text = cards.sign_card(config.keys_dir, "M", "M0042", 3, DAY)
    for spelled in [text.lower(), text.swapcase(), f"  {text}\r\n", f"\x02{text}\x03\x00",
                    f"\t{text.lower()}\x1b \n"]:
        assert cards.verify_card(spelled).text == text


def test_every_single_character_change_is_rejected(db, config):
    text = cards.sign_card(config.keys_dir, "M", "M0042", 7, DAY)
    alphabet = sorted(QR_ALPHANUMERIC)
    rng = random.Random(1234)
    signature_start = text.rindex(".") + 1
    tried = 0
    for i, original in enumerate(text):
        if i >= signature_start + 100:
            choices = alphabet  # the signature's last characters: every possibility
        else:
            choices = rng.sample(alphabet, 6)
        for c in choices:
            if c.upper() == original:
                continue
            changed = text[:i] + c + text[i + 1:]
            assert _rejected(changed), f"accepted {changed!r} (position {i}: {original!r}->{c!r})"
            tried += 1
    assert tried > 800


def test_non_canonical_spellings_are_rejected(db, config):
    """One card has one text: a padded serial is not another copy of the card."""
    text = cards.sign_card(config.keys_dir, "M", "M0042", 7, DAY)
    assert _rejected(text.replace(".7.", ".07.")) and _rejected(text.replace(".7.", ".007."))


def test_truncated_or_extended_cards_are_rejected(db, config):
    text = cards.sign_card(config.keys_dir, "M", "M0042", 7, DAY)
    for cut in (1, 2, 8, 50):
        assert _rejected(text[:-cut])
        assert _rejected(text + "A" * cut)


def test_card_signed_by_another_key_is_rejected(db):
    private, raw = _foreign_key()
    local_id = cards.local_key().key_id
    # claims to be ours, signed by someone else
    assert _rejected(_sign_with(private, local_id))
    # names its own key, which this hall never imported
    own_id = cards.key_id_of(raw)
    foreign = _sign_with(private, own_id)
    assert _rejected(foreign)
    # once that key is imported the same card verifies: the rejections above were the key's
    HallKey.create(key_id=own_id, hall_name="邻村", public_key=raw)
    assert cards.verify_card(foreign).key_id == own_id
    # and our key still rejects its signatures
    assert _rejected(_sign_with(private, local_id))


def test_signature_of_one_card_does_not_fit_another(db, config):
    a = cards.verify_card(cards.sign_card(config.keys_dir, "M", "M0001", 1, DAY))
    b = cards.verify_card(cards.sign_card(config.keys_dir, "M", "M0002", 1, DAY))
    swapped = CardPayload("M", a.key_id, "M0001", 1, DAY, b.signature).text
    assert _rejected(swapped)
    as_staff = CardPayload("S", a.key_id, "M0001", 1, DAY, a.signature).text
    assert _rejected(as_staff)


def test_non_cards_are_rejected(db):
    for text in ["", "VK1", "VK1M", "hello", "VK1X00000000.A.1.20250101." + "A" * 103,
                 "VK1TABCD.ABCDEFGHIJKLMNOP", "x" * 600, TicketPayload("T0001", "ABCDEFGHIJKLMNOP").text]:
        assert _rejected(text), text


def test_private_key_file_is_owner_only(db, config):
    key = cards.local_key()
    path = config.keys_dir / f"{key.key_id}.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(config.keys_dir.stat().st_mode) == 0o700
    assert b"PRIVATE KEY" in path.read_bytes()
    assert len(bytes(key.public_key)) == 32 and key.key_id == cards.key_id_of(bytes(key.public_key))


def test_private_key_is_never_in_the_database(db, config):
    key = cards.local_key()
    pem = (config.keys_dir / f"{key.key_id}.pem").read_bytes()
    from cryptography.hazmat.primitives import serialization

    private = serialization.load_pem_private_key(pem, password=None)
    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    for row in HallKey.select():
        assert raw not in bytes(row.public_key)


def test_missing_key_file_is_a_clear_error(db, config, tmp_path):
    with pytest.raises(KioskError) as info:
        cards.sign_card(tmp_path / "elsewhere", "M", "M0001", 1, DAY)
    assert "签名密钥" in str(info.value)


def test_existing_key_file_is_never_overwritten(db, config):
    key = cards.local_key()
    path = config.keys_dir / f"{key.key_id}.pem"
    before = path.read_bytes()
    second = cards.create_hall_key(config.keys_dir, "另一把")
    assert second.key_id != key.key_id
    assert path.read_bytes() == before
