"""Encrypted backups: nothing readable without the passphrase, and a wrong passphrase or any
change to the file (an edited, dropped, added or swapped byte or chunk) is refused with a
plain message before the hall's data is touched. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import stat

import pytest
from sample_hall import MEMBER, fill_every_table
from test_backup import dump, restore
from test_cli import assert_one_line_error, hall, kiosk, listing  # noqa: F401 (hall: a fixture)

from kiosk.cli import PASSPHRASE_ENV
from kiosk.db.models import AuditEntry, Branch
from kiosk.errors import KioskError
from kiosk.services import backup, backup_crypto
from kiosk.services.backup_crypto import HEADER_SIZE, TAG
from kiosk.services.hall import local_hall

PASSPHRASE = "山下村 备份 2026"
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
CHUNK = 4096  # small chunks, so that the sample hall's backup has several

pytestmark = pytest.mark.usefixtures("quiet_environment")


@pytest.fixture(autouse=True)
def cheaper_scrypt(monkeypatch):
    """A lower scrypt cost (stored in the header, so decrypting works the same)."""
    monkeypatch.setattr(backup_crypto, "SCRYPT", {"log_n": 10, "r": 8, "p": 1})
    monkeypatch.setattr(backup_crypto, "CHUNK", CHUNK)


@pytest.fixture
def sealed(db, tmp_path):
    """A filled hall and its encrypted backup."""
    fill_every_table()
    file = tmp_path / "backups" / "hall.backup"
    backup.backup(file, PASSPHRASE)
    return file


def test_encrypted_round_trip_is_exact(db, sealed, tmp_path):
    content = sealed.read_bytes()
    assert content.startswith(backup_crypto.MAGIC)
    assert len(content) > HEADER_SIZE + 2 * (CHUNK + TAG)  # several chunks
    number, name, phone, id_number = MEMBER
    for secret in (b"SQLite format", name.encode(), phone.encode(), id_number.encode()):
        assert secret not in content
    assert stat.S_IMODE(os.stat(sealed).st_mode) == 0o600
    assert os.listdir(sealed.parent) == ["hall.backup"]  # the plain copy is gone
    before = dump(db)

    with backup.open_backup(sealed, PASSPHRASE) as source:
        backup.restore(source, save_current_to=tmp_path / "saved.backup", passphrase=PASSPHRASE)
    assert dump(db) == before
    assert backup_crypto.is_encrypted(tmp_path / "saved.backup")  # kept aside encrypted too


def _flip(offset):
    def change(data: bytes) -> bytes:
        at = offset if offset >= 0 else len(data) + offset
        return data[:at] + bytes([data[at] ^ 1]) + data[at + 1:]
    return change


def _swap_first_chunks(data: bytes) -> bytes:
    size, start = CHUNK + TAG, HEADER_SIZE
    first, second = data[start:start + size], data[start + size:start + 2 * size]
    return data[:start] + second + first + data[start + 2 * size:]


def _drop_last_chunk(data: bytes) -> bytes:
    last = (len(data) - HEADER_SIZE) % (CHUNK + TAG) or CHUNK + TAG
    return data[:-last]


@sqlite_only  # the file is checked before any database is touched
@pytest.mark.parametrize("tamper, message", [
    pytest.param(lambda data: data, backup_crypto.WRONG_PASSPHRASE, id="wrong-passphrase"),
    pytest.param(_flip(HEADER_SIZE + 100), backup_crypto.DAMAGED, id="byte-in-first-chunk"),
    pytest.param(_flip(-1), backup_crypto.DAMAGED, id="last-byte"),
    pytest.param(_flip(30), backup_crypto.DAMAGED, id="nonce-in-header"),
    pytest.param(_flip(14), backup_crypto.WRONG_PASSPHRASE, id="salt-in-header"),
    pytest.param(lambda data: data[:-10], backup_crypto.DAMAGED, id="cut-short"),
    pytest.param(_drop_last_chunk, backup_crypto.DAMAGED, id="last-chunk-dropped"),
    pytest.param(lambda data: data + data[-(CHUNK + TAG):], backup_crypto.DAMAGED,
                 id="chunk-added"),
    pytest.param(_swap_first_chunks, backup_crypto.DAMAGED, id="chunks-swapped"),
    pytest.param(lambda data: data[:HEADER_SIZE - 1], backup_crypto.DAMAGED, id="header-only"),
])
def test_wrong_passphrase_or_tampered_file_is_refused_and_nothing_changes(
        db, sealed, tmp_path, tamper, message):
    sealed.write_bytes(tamper(sealed.read_bytes()))
    passphrase = PASSPHRASE + "x" if message == backup_crypto.WRONG_PASSPHRASE else PASSPHRASE
    Branch.create(hall=local_hall(), name="新支部")  # the hall has moved on since the backup
    before = dump(db)
    saved = tmp_path / "before-restore.db"

    with pytest.raises(KioskError) as info:
        restore_with(sealed, passphrase, saved)
    assert str(info.value) == message
    assert dump(db) == before
    assert not saved.exists()


def restore_with(file, passphrase, saved):
    with backup.open_backup(file, passphrase) as source:
        backup.restore(source, saved, passphrase)


@sqlite_only
def test_encrypted_backup_needs_its_passphrase(db, sealed):
    before = dump(db)
    with pytest.raises(KioskError, match="是加密的，需要备份密码"):
        restore(sealed)
    assert dump(db) == before


@sqlite_only
def test_backup_with_an_empty_passphrase_is_refused(db, tmp_path):
    with pytest.raises(KioskError, match="不能为空"):
        backup_crypto.encrypt_file(tmp_path / "any", tmp_path / "out", "")


# --- the command line ----------------------------------------------------------------------

def test_cli_backup_and_restore_with_a_passphrase(hall, capsys, tmp_path, monkeypatch):
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    file = tmp_path / "hall.backup"
    code, out, _ = kiosk(capsys, "backup", str(file), "--passphrase-file", str(secret))
    assert code == 0 and "已加密" in out
    assert backup_crypto.is_encrypted(file)
    members = listing(capsys, "members", "list", "--json", "--full")
    fresh = ["--db", f"sqlite:///{tmp_path / 'new-pc' / 'kiosk.db'}"]

    code, _, err = kiosk(capsys, "restore", str(file), *fresh)  # no passphrase, no terminal
    assert code == 2
    assert_one_line_error(err, "需要备份密码", "--passphrase-file", PASSPHRASE_ENV)
    monkeypatch.setenv(PASSPHRASE_ENV, "别的密码")
    code, _, err = kiosk(capsys, "restore", str(file), *fresh)
    assert code == 2
    assert_one_line_error(err, "备份密码不对", "现有数据没有改动")
    assert not (tmp_path / "new-pc" / "kiosk.db").exists()

    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)  # as a systemd timer would give it
    code, out, _ = kiosk(capsys, "restore", str(file), *fresh)
    assert code == 0
    assert listing(capsys, "members", "list", "--json", "--full", *fresh) == members
    restored = AuditEntry.select().order_by(AuditEntry.seq.desc()).first()
    assert restored.action == "backup.restore" and '"encrypted": true' in restored.details


@sqlite_only
def test_cli_asks_for_the_passphrase_twice_without_echo(hall, capsys, tmp_path, monkeypatch):
    typed = iter(["甲乙丙丁", "甲乙丙戊", "甲乙丙丁", "甲乙丙丁", "甲乙丙丁"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    file = tmp_path / "hall.backup"
    code, _, err = kiosk(capsys, "backup", str(file), "--encrypt")
    assert code == 2 and "两次输入的密码不一样" in err and not file.exists()
    assert kiosk(capsys, "backup", str(file), "--encrypt")[0] == 0
    assert backup_crypto.is_encrypted(file)
    code, out, _ = kiosk(capsys, "restore", str(file))  # asked once
    assert code == 0 and "恢复" in out
