"""Heavy libraries and the services `kiosk run` does not need stay off the start-up path: the
kiosk imports, builds and shows its home screen without them (they load when printing,
exporting, checking a card or a worker needs them; kiosk.lazy). Checked in a fresh
interpreter, so that nothing imported by other tests hides a problem."""

from __future__ import annotations

import json
import subprocess
import sys

from kiosk.lazy import LazyModule

HEAVY = ("escpos", "cryptography", "openpyxl", "segno", "PIL")
# the only service the home screen needs (the hall's name), and `connection`, which only names
# kiosk.db's release() for the screens' service calls; the rest load on first use
SERVICES_AT_START = ["kiosk.services", "kiosk.services.connection", "kiosk.services.hall"]
# loaded only to upgrade a database, and with the printing services
DEFERRED = ("playhouse.migrate", "kiosk.printing.receipts")

START_UP = f"""
import json, sys
import kiosk.cli  # `kiosk run` imports it first
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
services = sorted(name for name in sys.modules if name.startswith("kiosk.services"))
deferred = sorted(name for name in {DEFERRED!r} if name in sys.modules)
print(json.dumps({{"constructed": constructed, "home": heavy_loaded(), "screen": screen,
                  "services": services, "deferred": deferred}}))
"""


def test_heavy_modules_and_other_services_stay_off_the_start_up_path(hall_url):
    result = subprocess.run([sys.executable, "-P", "-c", START_UP, hall_url],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found == {"constructed": [], "home": [], "screen": "HomeScreen",
                     "services": SERVICES_AT_START, "deferred": []}


def test_a_lazy_module_is_imported_on_first_use(tmp_path, monkeypatch):
    (tmp_path / "lazy_example.py").write_text("ANSWER = 42\n")
    monkeypatch.syspath_prepend(tmp_path)
    example = LazyModule("lazy_example")
    try:
        assert "lazy_example" not in sys.modules
        assert example.ANSWER == 42
        assert "lazy_example" in sys.modules
    finally:
        sys.modules.pop("lazy_example", None)

