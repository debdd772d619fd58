"""Translations. The source strings are Simplified Chinese (zh_CN, the default language);
other languages are gettext .po catalogs under kiosk/locale, read directly at start-up."""

from __future__ import annotations

import ast
import gettext
from importlib import resources

DOMAIN = "kiosk"
_translations: gettext.NullTranslations = gettext.NullTranslations()


class PoTranslations(gettext.NullTranslations):
    """A catalog read from a .po file (msgid / msgstr pairs; empty msgstr = untranslated)."""

    def __init__(self, text: str):
        super().__init__()
        self.catalog: dict[str, str] = {}
        entry: dict[str, str] = {}
        field = None
        for raw in text.splitlines() + [""]:
            line = raw.strip()
            if line.startswith(("msgid ", "msgstr ")):
                field, _, rest = line.partition(" ")
                if field == "msgid" and "msgstr" in entry:
                    self._add(entry)
                    entry = {}
                entry[field] = ast.literal_eval(rest)
            elif line.startswith('"') and field:
                entry[field] += ast.literal_eval(line)
            elif not line or line.startswith("#"):
                field = None
        self._add(entry)

    def _add(self, entry: dict[str, str]) -> None:
        if entry.get("msgid") and entry.get("msgstr"):
            self.catalog[entry["msgid"]] = entry["msgstr"]

    def gettext(self, message: str) -> str:
        return self.catalog.get(message, message)


def catalog_text(lang: str) -> str | None:
    path = resources.files("kiosk") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def set_language(lang: str) -> None:
    global _translations
    text = None if lang == "zh_CN" else catalog_text(lang)
    _translations = PoTranslations(text) if text else gettext.NullTranslations()


def _(message: str) -> str:
    return _translations.gettext(message)


def N_(message: str) -> str:
    """Mark a string for the catalogs where it is defined; translate it with _() where shown."""
    return message
