"""The domain layer never imports textual, and heavy libraries stay off the start-up path:
checked in fresh interpreters, so that nothing imported by other tests hides a problem. The
screens and widgets never import the database layer: checked in their source."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

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


UI_PACKAGES = ("kiosk/screens", "kiosk/widgets")


def imported_modules(source: str) -> set[str]:
    """Every module a source file imports (`from kiosk import db` counts as kiosk.db)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_screens_and_widgets_never_import_the_database_layer():
    """They call the services, which hand them plain records (see kiosk.services.connection
    for closing a worker thread's connection)."""
    root = Path(__file__).resolve().parent.parent
    files = [path for package in UI_PACKAGES for path in sorted((root / package).rglob("*.py"))]
    assert len(files) > 30 and imported_modules("from kiosk import db") == {"kiosk", "kiosk.db"}
    offending = {str(path.relative_to(root)): sorted(
        name for name in imported_modules(path.read_text(encoding="utf-8"))
        if name == "kiosk.db" or name.startswith("kiosk.db."))
        for path in files}
    assert {path: names for path, names in offending.items() if names} == {}
