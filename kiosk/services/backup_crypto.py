"""Encrypting backup files with a passphrase.

Format (all integers big-endian):

    header   MAGIC (8 bytes) | version (1) | log2 of scrypt n (1) | r (1) | p (1) |
             salt (16) | nonce prefix (7) | passphrase check (32)
    chunks   ChaCha20-Poly1305 of CHUNK plaintext bytes each (the last one shorter, maybe
             empty), nonce = prefix | chunk number (4) | last-chunk flag (1),
             associated data = the header

scrypt turns the passphrase into 64 bytes: a key for the chunks and the passphrase check,
so a wrong passphrase is told apart from a damaged file. The chunk number and last-chunk
flag in each nonce make reordered, dropped or cut-off chunks fail to decrypt, as an edited
byte anywhere does. ChaCha20-Poly1305 rather than AES-GCM: fast on ARM boards without AES
instructions too. Files are streamed, so a backup of any size needs little memory.
"""

from __future__ import annotations

import hmac
import os
import struct
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.i18n import N_, _

MAGIC = b"VKBACKUP"
VERSION = 1
CHUNK = 1 << 20
TAG = 16
SCRYPT = {"log_n": 16, "r": 8, "p": 1}  # 64 MiB of memory: slow to guess, fine on a hall PC
_HEADER = struct.Struct(">8sBBBB16s7s32s")
HEADER_SIZE = _HEADER.size
WRONG_PASSPHRASE = N_("备份密码不对（或者这不是用这个密码加密的备份），现有数据没有改动")
DAMAGED = N_("备份文件已损坏或被改动过，不能用来恢复，现有数据没有改动")


def is_encrypted(file: Path) -> bool:
    try:
        with open(file, "rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _keys(passphrase: str, salt: bytes, log_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    if not passphrase:
        raise KioskError(_("备份密码不能为空"))
    if not (10 <= log_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
        raise KioskError(_(DAMAGED))  # absurd costs could only come from an edited header
    derived = Scrypt(salt=salt, length=64, n=1 << log_n, r=r, p=p).derive(passphrase.encode())
    return derived[:32], derived[32:]


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", number, last)


def encrypt_file(source: Path, target: Path, passphrase: str) -> None:
    """Write `source` encrypted to `target` (which should already exist, private)."""
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    salt, prefix = os.urandom(16), os.urandom(7)
    key, check = _keys(passphrase, salt, **SCRYPT)
    header = _HEADER.pack(MAGIC, VERSION, SCRYPT["log_n"], SCRYPT["r"], SCRYPT["p"], salt,
                          prefix, check)
    cipher = ChaCha20Poly1305(key)
    with open(source, "rb") as plain, open(target, "wb") as out:
        out.write(header)
        number, chunk = 0, plain.read(CHUNK)
        while True:
            following = plain.read(CHUNK)
            last = not following
            out.write(cipher.encrypt(_nonce(prefix, number, last), chunk, header))
            if last:
                break
            number, chunk = number + 1, following
        out.flush()
        os.fsync(out.fileno())


def decrypt_file(source: Path, target: Path, passphrase: str) -> None:
    """Write the plaintext of `source` to `target`; KioskError when the passphrase is wrong
    or any byte of the file was changed, added or taken away."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    with open(source, "rb") as sealed, open(target, "wb") as out:
        header = sealed.read(HEADER_SIZE)
        if len(header) < HEADER_SIZE:
            raise KioskError(_(DAMAGED))
        magic, version, log_n, r, p, salt, prefix, check = _HEADER.unpack(header)
        if magic != MAGIC or version != VERSION:
            raise KioskError(_("这个加密备份来自较新版本的程序，请先升级本程序"))
        key, expected = _keys(passphrase, salt, log_n, r, p)
        if not hmac.compare_digest(check, expected):
            raise KioskError(_(WRONG_PASSPHRASE))
        cipher = ChaCha20Poly1305(key)
        number, chunk = 0, sealed.read(CHUNK + TAG)
        while True:
            following = sealed.read(CHUNK + TAG)
            try:
                out.write(cipher.decrypt(_nonce(prefix, number, not following), chunk, header))
            except InvalidTag:
                raise KioskError(_(DAMAGED)) from None
            if not following:
                return
            number, chunk = number + 1, following
