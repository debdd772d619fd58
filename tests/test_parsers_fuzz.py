"""Every parser of outside input, fed anything (hypothesis): printer URIs, the config file and
KIOSK_* variables, notice files from a USB stick, phone and ID numbers, public key files, and
the lookups behind scans and keypad entry (on both databases, where a stray NUL character or
an odd string could reach the database). Each either gives a result or raises the project's
KioskError with a message for people, never another exception. Scan payloads themselves and
sign-in are fuzzed in test_scan.py and test_signin_fuzz.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kiosk.config import Config, load_config
from kiosk.errors import KioskError
from kiosk.printing.printers import PrinterAddress, parse_address
from kiosk.scan import PREFIX
from kiosk.services import cards, members, notice_import, notices, privacy, requests, staff
from kiosk.services.cards import CardRejected

FAST = settings(max_examples=150, deadline=None)
WITH_DB = settings(max_examples=25, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])
NASTY = "\x00\x1b\r\n\t \u3000\ufeff%:/@[]?#=.~\\\"'"
texts = st.text(max_size=80) | st.text(alphabet=NASTY + "VKMST1q09az张", max_size=40)


def refused_plainly(parse, *args):
    """The parser's result, or None when it refused with a KioskError a person can read."""
    try:
        return parse(*args)
    except KioskError as exc:
        assert str(exc).strip() and "\n" not in str(exc), repr(exc)
        return None


# --- printer URIs --------------------------------------------------------------------------

uri_parts = st.tuples(
    st.sampled_from(["tcp", "TCP", "usb", "serial", "file", "none", "lpt", ""]),
    st.sampled_from(["://", ":", ":///", "//"]),
    texts,
    st.sampled_from(["", ":9100", ":0", ":65536", ":-1", ":99999999999", "?baudrate=9600",
                     "?baudrate=x", "?baudrate=", ":0x0416", "]"]),
)


@FAST
@given(st.one_of(texts, uri_parts.map("".join)))
@example("tcp://[::1")
@example("tcp://:9100")
@example("usb://0x:0x")
@example("serial://?baudrate=9600")
@example("file:///C:/")
def test_any_printer_uri_is_read_or_refused_plainly(uri):
    address = refused_plainly(parse_address, uri)
    if address is not None:
        assert isinstance(address, PrinterAddress)
        assert address.scheme in ("tcp", "usb", "serial", "file", "none")
        assert 0 < address.port < 65536 and str(address)


@FAST
@given(host=st.from_regex(r"[a-z0-9][a-z0-9.-]{0,30}", fullmatch=True)
       | st.ip_addresses(v=4).map(str), port=st.integers(1, 65535))
def test_network_printer_addresses_are_read_back_exactly(host, port):
    assert parse_address(f"tcp://{host}:{port}") == PrinterAddress("tcp", host=host, port=port)


# --- configuration -------------------------------------------------------------------------

FIELDS = [f.name for f in dataclasses.fields(Config)]
toml_values = st.one_of(
    st.integers(-2**70, 2**70).map(str), st.floats(allow_nan=False).map(repr),
    st.sampled_from(["true", "false", "inf", "nan", "1979-05-27", "[]", "[1, 2]", "{a = 1}",
                     "'~'", "''", "\"\"\"x\"\"\"", "0x10"]),
    st.text(max_size=30).map(lambda s: json.dumps(s)),  # a TOML basic string (or bad escapes)
)
toml_lines = st.tuples(st.sampled_from(FIELDS + ["unknown", "[table]", "lang.x"]), toml_values)
env_values = st.dictionaries(st.sampled_from(FIELDS).map(lambda f: f"KIOSK_{f.upper()}"),
                             texts | st.integers(-5, 10**30).map(str), max_size=4)


def _load(text: str | bytes, environ: dict[str, str]) -> Config | None:
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "kiosk.toml"
        (file.write_bytes if isinstance(text, bytes) else file.write_text)(text)
        config = refused_plainly(load_config, file, None, environ)
    if config is not None:
        for field in dataclasses.fields(Config):
            value = getattr(config, field.name)
            if field.type == "int":
                assert isinstance(value, int) and value >= 0, (field.name, value)
            elif field.name == "data_dir":
                assert isinstance(value, Path)
            else:
                assert isinstance(value, str), (field.name, value)
    return config


@FAST
@given(st.lists(toml_lines, max_size=5), env_values)
@example([("idle_seconds", "1.5")], {})
@example([("data_dir", "''")], {})
@example([], {"KIOSK_IDLE_SECONDS": "9" * 5000})
@example([], {"KIOSK_DATA_DIR": "~nobody-at-all/x"})
def test_any_config_file_and_environment_load_or_are_refused_plainly(lines, environ):
    _load("\n".join(f"{key} = {value}" for key, value in lines), environ)


@FAST
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_any_bytes_as_config_file_load_or_are_refused_plainly(content):
    _load(content, {})


# --- notices from files ----------------------------------------------------------------------

@FAST
@given(data=st.binary(max_size=300) | st.text(max_size=200).flatmap(
    lambda t: st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]).map(
        lambda enc: t.encode(enc, "ignore"))),
    name=st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"),
                 min_size=1, max_size=20),
    suffix=st.sampled_from([".md", ".txt", ".MD", ".doc", ""]))
def test_any_file_is_imported_or_skipped_with_a_reason(data, name, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}{suffix}"
        try:
            path.write_bytes(data)
        except OSError:  # a name this file system does not take (too long, say)
            return
        found = notice_import.read_file(path, "party")
    assert (found.fields is None) == bool(found.problem)
    if found.fields is not None:
        assert found.fields.title.strip() and found.fields.category == "party"


# --- phone and ID numbers ------------------------------------------------------------------

@FAST
@given(texts | st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_any_phone_number_is_cleaned_or_refused_plainly(phone):
    cleaned = refused_plainly(requests.clean_phone, phone)
    assert cleaned is None or cleaned == "" or (cleaned.isdigit() and len(cleaned) == 11)


@FAST
@given(texts | st.from_regex(r"[0-9]{17}[0-9Xx]", fullmatch=True))
def test_id_number_check_never_fails(text):
    assert isinstance(privacy.is_id_number(text), bool)
    assert privacy.find_personal_data(text) is not None


# --- with a database: member details, key files, scans and keypad look-ups -------------------

@WITH_DB
@given(name=texts, phone=texts, id_number=texts | st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True),
       sex=st.sampled_from(["", "M", "F", "男", "\x00"]))
def test_any_member_details_are_taken_or_refused_plainly(db, name, phone, id_number, sex):
    details = members.MemberDetails(name, 1, sex, None, phone, id_number, name, name)
    refused_plainly(details.checked)


@WITH_DB
@given(st.one_of(texts, st.builds(lambda d: json.dumps(d), st.dictionaries(
    st.sampled_from(["public_key", "hall", "key_id", "x"]),
    st.one_of(texts, st.integers(), st.none(), st.lists(st.integers(), max_size=2))))))
@example('{"public_key": "AAAA", "hall": "x", "key_id": "y"}')
@example('{"public_key": "!!!", "hall": "x", "key_id": "y"}')
def test_any_public_key_file_is_refused_plainly(db, text):
    assert refused_plainly(cards.import_key, text) is None


scanned = st.one_of(texts, texts.map(lambda t: f"{PREFIX}T{t}"),
                    texts.map(lambda t: f"{PREFIX}S{t}"),
                    st.from_regex(r"VK1T[0-9A-Z]{4,20}\.[A-Z2-7]{16,32}", fullmatch=True),
                    st.from_regex(r"VK1S[0-9A-F]{8}\.[0-9A-Z]{1,12}\.[0-9]{1,6}\.[0-9]{8}\."
                                  r"[A-Z2-7]{102}[AIQY]", fullmatch=True))


@WITH_DB
@given(scanned)
def test_any_scanned_ticket_or_staff_card_is_refused_plainly(db, text):
    assert refused_plainly(requests.by_scan, text) is None
    assert refused_plainly(staff.staff_for_card, text) is None
    with pytest.raises(CardRejected, match="invalid"):  # the card module's own refusal
        cards.verify_card(text)


@WITH_DB
@given(ticket=texts, last4=texts)
def test_any_keypad_ticket_lookup_is_refused_plainly(db, ticket, last4):
    assert refused_plainly(requests.by_number, ticket, last4) is None


@WITH_DB
@given(texts)
def test_any_search_text_finds_or_is_refused_plainly(db, text):
    assert isinstance(members.search(text), list)
    refused_plainly(notices.search, text, dt.date(2026, 11, 27))


@WITH_DB
@given(number=texts, pin=texts)
def test_any_typed_staff_number_and_pin_are_refused_plainly(db, number, pin):
    assert refused_plainly(staff.login, number, pin) is None
