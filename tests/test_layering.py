"""The domain layer never imports textual, and heavy libraries stay off the start-up path.
Checked in fresh interpreters, so that nothing imported by other tests hides a problem."""

from __future__ import annotations

import json
import subprocess
import sys

CORE_PACKAGES = ("kiosk.services", "kiosk.db", "kiosk.printing")
CORE_MODULES = ("kiosk.scan", "kiosk.config", "kiosk.errors")


def run(code: str) -> dict:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


IMPORT_CORE = f"""
import importlib, json, pkgutil, sys
names = list({CORE_MODULES!r})
for package in {CORE_PACKAGES!r}:
    module = importlib.import_module(package)
    names.append(package)
    names += [m.name for m in pkgutil.walk_packages(module.__path__, package + ".")]
for name in names:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print(json.dumps({{"names": names, "textual": loaded}}))
"""


def test_core_never_imports_textual():
    found = run(IMPORT_CORE)
    names = set(found["names"])
    # discovery works (new modules are covered without editing this test)
    assert {"kiosk.services.audit", "kiosk.services.staff", "kiosk.services.cards",
            "kiosk.services.privacy", "kiosk.db.models", "kiosk.db.migrations",
            "kiosk.db.session", "kiosk.scan", "kiosk.config"} <= names
    assert found["textual"] == []


def test_cards_import_cryptography_only_when_used():
    found = run("""
import json, sys
import kiosk.services.cards as cards
import kiosk.services.staff
before = "cryptography" in sys.modules
try:
    cards.verify_card("not a card")
except cards.CardRejected:
    pass
print(json.dumps({"before": before, "after": "cryptography" in sys.modules}))
""")
    assert found == {"before": False, "after": True}  # the check itself can see the import
