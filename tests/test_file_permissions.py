"""Files holding personal data or keys are readable by their owner only: the database (and
its WAL files), the signing keys, backups and the copies kept aside before a restore, even
when the process's umask would let everyone read new files."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from test_cli import kiosk

from kiosk.db.database import database

pytestmark = pytest.mark.usefixtures("quiet_environment")


@pytest.fixture
def open_umask():
    """The common default umask: new files readable by everyone unless the code says not."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def modes(folder: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(folder.stat().st_mode)}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = stat.S_IMODE(path.stat().st_mode)
    return found


def test_data_folder_keys_database_and_backups_are_private(tmp_path, capsys, monkeypatch,
                                                           open_umask):
    data = tmp_path / "kiosk-data"
    monkeypatch.setenv("KIOSK_DATA_DIR", str(data))
    assert kiosk(capsys, "init", "--hall", "山下村党群服务中心")[0] == 0
    # an open connection, as the running kiosk holds, keeps the WAL files in place
    kiosk_running = sqlite3.connect(data / "kiosk.db")
    kiosk_running.execute("SELECT count(*) FROM hall").fetchone()
    assert kiosk(capsys, "staff", "add", "8001", "王建国", "--role", "admin", "--pin", "2580")[0] == 0
    backups = tmp_path / "usb-stick" / "hall"
    assert kiosk(capsys, "backup", str(backups / "hall.backup"))[0] == 0
    assert kiosk(capsys, "restore", str(backups / "hall.backup"))[0] == 0  # keeps a copy aside
    found = modes(data)
    kiosk_running.close()
    assert {"kiosk.db", "kiosk.db-wal", "kiosk.db-shm", "keys", "backups"} <= set(found)
    assert any(name.endswith(".pem") for name in found)
    assert any(name.startswith("backups/before-restore-") for name in found)
    wrong = {name: oct(mode) for name, mode in found.items()
             if mode != (0o700 if (data / name).is_dir() else 0o600)}
    assert wrong == {}
    assert modes(backups) == {".": 0o700, "hall.backup": 0o600}


def test_an_existing_keys_folder_is_made_private(tmp_path, capsys, monkeypatch, open_umask):
    data = tmp_path / "kiosk-data"
    (data / "keys").mkdir(parents=True)  # copied over from an old PC with loose modes
    monkeypatch.setenv("KIOSK_DATA_DIR", str(data))
    assert kiosk(capsys, "init")[0] == 0
    database.close()
    assert stat.S_IMODE((data / "keys").stat().st_mode) == 0o700
