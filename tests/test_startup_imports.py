"""Heavy libraries stay off the start-up path: the kiosk imports, builds and shows its home
screen without them (they load when printing, exporting or checking a card needs them).
Checked in a fresh interpreter, so that nothing imported by other tests hides a problem."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kiosk.db.database import database
from kiosk.db.session import open_database
from kiosk.services import setup

HEAVY = ("escpos", "cryptography", "openpyxl", "segno", "PIL")

START_UP = f"""
import json, sys
from kiosk.app import KioskApp
from kiosk.config import Config
from kiosk.db.session import open_database

def heavy_loaded():
    return sorted(name for name in {HEAVY!r} if name in sys.modules)

open_database(sys.argv[1])
app = KioskApp(Config(db=sys.argv[1]))
constructed = heavy_loaded()

async def leave(pilot):
    await pilot.pause()
    pilot.app.exit(type(pilot.app.screen).__name__)

screen = app.run(headless=True, size=(100, 30), auto_pilot=leave)
print(json.dumps({{"constructed": constructed, "home": heavy_loaded(), "screen": screen}}))
"""


@pytest.fixture
def hall_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    open_database(url, create=True)
    try:
        setup.initialise_hall("某村党群服务中心", tmp_path / "keys")
    finally:
        database.close()
    return url


def test_heavy_modules_stay_off_the_start_up_path(hall_url):
    result = subprocess.run([sys.executable, "-P", "-c", START_UP, hall_url],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found == {"constructed": [], "home": [], "screen": "HomeScreen"}

