"""The English catalog covers every string the kiosk shows, keeps every placeholder, and
`--lang en` really switches the screens."""

from __future__ import annotations

import importlib.util
import string
from pathlib import Path

import pytest
from pilot_helpers import log_in, wait_until

from kiosk import i18n
from kiosk.screens.home import HomeScreen
from kiosk.widgets.chrome import MessageLine

ROOT = Path(__file__).resolve().parent.parent


def extractor():
    spec = importlib.util.spec_from_file_location("extract_messages", ROOT / "scripts" / "extract_messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def english() -> dict[str, str]:
    return i18n.PoTranslations(i18n.catalog_text("en")).catalog


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_shown_string_has_an_english_translation():
    missing = [m for m in extractor().messages() if m not in english()]
    assert not missing, f"run scripts/extract_messages.py and translate: {missing[:10]}"


def test_translations_keep_their_placeholders():
    wrong = {source: text for source, text in english().items() if fields(source) != fields(text)}
    assert not wrong


def test_po_reader_handles_continuation_lines_and_escapes():
    catalog = i18n.PoTranslations('msgid ""\nmsgstr "header"\n\nmsgid "甲"\n"乙"\nmsgstr "A\\"B"\n"\\nC"\n')
    assert catalog.gettext("甲乙") == 'A"B\nC' and catalog.gettext("未译") == "未译"


@pytest.fixture
def in_english():
    i18n.set_language("en")
    yield
    i18n.set_language("zh_CN")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_the_home_screen_speaks_english_with_lang_en(make_app, in_english):
    app = make_app()
    async with app.run_test(size=(100, 30)):
        assert isinstance(app.screen, HomeScreen)
        labels = " ".join(str(tile.label) for tile in app.screen.query(".tile"))
        assert "Notices" in labels and "Call staff" in labels and "通知公告" not in labels


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_service_refusal_reaches_the_screen_in_english(make_app, staff_accounts, in_english):
    _admin, clerk = staff_accounts
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, clerk[0], "999999")
        result = app.screen.query_one("#login-result", MessageLine)
        await wait_until(pilot, lambda: "tries left" in str(result.render()))
        assert "Wrong staff number or PIN; 4 tries left" in str(result.render())
        assert "工号" not in str(result.render())
