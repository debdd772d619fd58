"""Update the translation catalogs with every string the kiosk shows.

Collects the literal arguments of `_()` and `N_()` calls under kiosk/ and the values of the label
tables in kiosk/labels.py, then adds any new one to each catalog with an empty translation
(existing translations are kept). Usage: python scripts/extract_messages.py
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk import labels  # noqa: E402
from kiosk.i18n import PoTranslations  # noqa: E402


def messages() -> list[str]:
    found: dict[str, None] = {}
    for path in sorted((ROOT / "kiosk").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_") and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found[node.args[0].value] = None
    for name, table in vars(labels).items():
        if name.isupper() and isinstance(table, dict):
            for value in table.values():
                found.update(dict.fromkeys(value if isinstance(value, tuple) else (value,)))
    return list(found)


def po_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def update(catalog: Path) -> int:
    known = PoTranslations(catalog.read_text(encoding="utf-8")).catalog if catalog.exists() else {}
    wanted = messages()
    lines = [
        "# Translations of the village hall kiosk. Source language: zh_CN.",
        'msgid ""',
        'msgstr "Content-Type: text/plain; charset=UTF-8\\n"',
        "",
    ]
    for message in wanted:
        lines += [f"msgid {po_quote(message)}", f"msgstr {po_quote(known.get(message, ''))}", ""]
    catalog.parent.mkdir(parents=True, exist_ok=True)
    catalog.write_text("\n".join(lines), encoding="utf-8")
    return sum(1 for m in wanted if not known.get(m))


if __name__ == "__main__":
    for catalog in sorted((ROOT / "kiosk" / "locale").glob("*/LC_MESSAGES/kiosk.po")):
        print(f"{catalog.relative_to(ROOT)}: {update(catalog)} untranslated")
