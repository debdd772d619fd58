"""Signing and verifying member and staff cards with the hall's Ed25519 key.

Only public keys are needed to verify, so any hall that imported our key can check our
cards offline. `cryptography` is imported on first use, keeping it off the start-up path.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
from pathlib import Path

from kiosk.db.models import HallKey
from kiosk.errors import KioskError
from kiosk.scan import CardPayload, InvalidPayload, parse_payload


def _b32(raw: bytes) -> str:
    return base64.b32encode(raw).decode().rstrip("=")


def _unb32(text: str) -> bytes:
    return base64.b32decode(text + "=" * (-len(text) % 8))


def key_id_of(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:8].upper()


def create_hall_key(keys_dir: Path, hall_name: str) -> HallKey:
    """Make the hall's key pair: private key in a file only its owner can read."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    public_raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    key_id = key_id_of(public_raw)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = keys_dir / f"{key_id}.pem"
        with open(path, "xb", opener=lambda p, flags: os.open(p, flags, 0o600)) as f:
            f.write(pem)
    except OSError as exc:
        raise KioskError(f"无法保存签名密钥到 {keys_dir}：{exc.strerror}") from None
    return HallKey.create(key_id=key_id, hall_name=hall_name, public_key=public_raw, is_local=True)


def local_key() -> HallKey:
    key = HallKey.get_or_none(HallKey.is_local == True)  # noqa: E712
    if key is None:
        raise KioskError("本服务中心还没有签名密钥：请先运行 kiosk init")
    return key


def sign_card(keys_dir: Path, kind: str, number: str, serial: int, issued: dt.date) -> str:
    """The payload text for a card (kind "M" member or "S" staff)."""
    from cryptography.hazmat.primitives import serialization

    key = local_key()
    path = keys_dir / f"{key.key_id}.pem"
    try:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError):
        raise KioskError(f"找不到或无法读取签名密钥文件 {path}") from None
    unsigned = CardPayload(kind, key.key_id, number.upper(), serial, issued, "")
    signature = _b32(private.sign(unsigned.signed_text.encode()))
    payload = CardPayload(kind, key.key_id, unsigned.number, serial, issued, signature)
    parse_payload(payload.text)  # the format check also bounds the number's length
    return payload.text


class CardRejected(Exception):
    """A card that does not verify; `.reason` is a sign-in result code."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def verify_card(text: str) -> CardPayload:
    """Parse and check the signature; raise CardRejected("invalid") otherwise."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        payload = parse_payload(text)
    except InvalidPayload:
        raise CardRejected("invalid") from None
    if not isinstance(payload, CardPayload):
        raise CardRejected("invalid")
    key = HallKey.get_or_none(HallKey.key_id == payload.key_id)
    if key is None:
        raise CardRejected("invalid")
    try:
        Ed25519PublicKey.from_public_bytes(bytes(key.public_key)).verify(
            _unb32(payload.signature), payload.signed_text.encode()
        )
    except (InvalidSignature, ValueError):
        raise CardRejected("invalid") from None
    return payload

