"""Signing and verifying member and staff cards with the hall's Ed25519 key.

Only public keys are needed to verify, so any hall that imported our key can check our
cards offline. `cryptography` is imported on first use, keeping it off the start-up path.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from peewee import fn

from kiosk.db.database import private_dir, write_lock
from kiosk.db.models import Card, HallKey, Member, now
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.scan import CardPayload, InvalidPayload, parse_payload
from kiosk.services import audit


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
        private_dir(keys_dir)
        path = keys_dir / f"{key_id}.pem"
        with open(path, "xb", opener=lambda p, flags: os.open(p, flags, 0o600)) as f:
            f.write(pem)
    except OSError as exc:
        raise KioskError(_("无法保存签名密钥到 {folder}：{error}").format(
            folder=keys_dir, error=exc.strerror)) from None
    return HallKey.create(key_id=key_id, hall_name=hall_name, public_key=public_raw, is_local=True)


def local_key() -> HallKey:
    key = HallKey.get_or_none(HallKey.is_local == True)  # noqa: E712
    if key is None:
        raise KioskError(_("本服务中心还没有签名密钥：请先运行 kiosk init"))
    return key


def sign_card(keys_dir: Path, kind: str, number: str, serial: int, issued: dt.date) -> str:
    """The payload text for a card (kind "M" member or "S" staff)."""
    from cryptography.hazmat.primitives import serialization

    key = local_key()
    path = keys_dir / f"{key.key_id}.pem"
    try:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError):
        raise KioskError(_("找不到或无法读取签名密钥文件 {path}").format(path=path)) from None
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
    return verified_with_key(text)[0]


def verified_with_key(text: str) -> tuple[CardPayload, HallKey]:
    """verify_card, with the key that signed the card."""
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
    return payload, key



# --- member cards: issue, reissue, revoke ------------------------------------------------

def _actor(session) -> str:
    return session.actor if session else "system"


def _current(member: Member) -> Card | None:
    return (Card.select().where((Card.member == member) & Card.revoked.is_null())
            .order_by(Card.serial.desc()).first())


def issue_member_card(session, member: Member, keys_dir: Path, on: dt.date | None = None) -> str:
    """A new card for a member of this hall; every older card of theirs stops working.
    Returns the payload. `session` None is the command line."""
    if member.card_key:
        raise KioskError(_("这位党员的卡由原来的服务中心签发，不能在这里补办"))
    with write_lock():
        last = Card.select(fn.MAX(Card.serial)).where(Card.member == member).scalar() or 0
        issued = on or now().date()
        payload = sign_card(keys_dir, "M", member.number, last + 1, issued)
        at = now()
        revoked = (Card.update(revoked=at)
                   .where((Card.member == member) & Card.revoked.is_null()).execute())
        Card.create(member=member, serial=last + 1, key_id=local_key().key_id, issued=issued)
        audit.record("card.issue", actor=_actor(session), subject=member.number,
                     serial=last + 1, revoked=revoked)
    return payload


def revoke_member_card(session, member: Member) -> None:
    with write_lock():
        card = _current(member)
        if card is None:
            raise KioskError(_("这位党员没有在用的卡"))
        card.revoked = now()
        card.save()
        audit.record("card.revoke", actor=_actor(session), subject=member.number,
                     serial=card.serial)


def card_payload(member: Member, keys_dir: Path) -> tuple[str, Card] | None:
    """The member's card in use, signed again (Ed25519 signatures are deterministic, so
    this is the same text as on the card), or None when they have none."""
    card = _current(member)
    if card is None:
        return None
    return sign_card(keys_dir, "M", member.number, card.serial, card.issued), card


# --- other halls' keys -------------------------------------------------------------------

def export_key() -> str:
    """This hall's public key as a small JSON text, for other halls to import."""
    key = local_key()
    return json.dumps({"kind": "village-hall-kiosk public key", "key_id": key.key_id,
                       "hall": key.hall_name, "public_key": _b32(bytes(key.public_key))},
                      ensure_ascii=False)


def import_key(text: str, actor: str = "system") -> HallKey:
    """Trust another hall's cards: their members' cards then verify here, offline."""
    try:
        data = json.loads(text)
        public = _unb32(data["public_key"])
        hall_name = str(data["hall"]).strip()
        claimed = str(data["key_id"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise KioskError(_("这不是服务中心的公钥文件（应由 kiosk keys export 生成）")) from None
    if len(public) != 32 or key_id_of(public) != claimed or not hall_name:
        raise KioskError(_("公钥文件内容不完整或被改动过"))
    with write_lock():
        if HallKey.get_or_none(HallKey.key_id == claimed) is not None:
            raise KioskError(_("公钥 {key_id}（{hall_name}）已经导入过了").format(
                key_id=claimed, hall_name=hall_name))
        key = HallKey.create(key_id=claimed, hall_name=hall_name, public_key=public)
        audit.record("keys.import", actor=actor, subject=claimed, hall=hall_name)
    return key


def list_keys() -> list[HallKey]:
    return list(HallKey.select().order_by(HallKey.is_local.desc(), HallKey.added))
