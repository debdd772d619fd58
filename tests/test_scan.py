"""QR payload parsing, and ScanBuffer telling a scanner's burst from a person typing
(pure: arrival times are passed in)."""

from __future__ import annotations

import datetime as dt
import sys

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from kiosk import scan
from kiosk.scan import (
    ENTER,
    MAX_LENGTH,
    CardPayload,
    InvalidPayload,
    Overflow,
    Release,
    Scan,
    ScanBuffer,
    TicketPayload,
    parse_payload,
)

SIG = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" * 3 + "ABCDEFA"  # 102 + "A": a well-formed signature
assert len(SIG) == 103
CARD = CardPayload("M", "0123ABCD", "M0042", 3, dt.date(2025, 6, 30), SIG)
STAFF = CardPayload("S", "FFFF0000", "A1", 12, dt.date(2024, 2, 29), SIG)
TICKET = TicketPayload("T20250001", "ABCDEFGHJKLMNPQR")
FAST = 0.005  # scanners: 1-20 ms between keys
SLOW = 0.100  # people: 80 ms or more

# --- payloads ------------------------------------------------------------------------------


def test_card_text_format():
    assert CARD.text == f"VK1M0123ABCD.M0042.3.20250630.{SIG}"
    assert CARD.signed_text == "M0123ABCD.M0042.3.20250630"
    assert TICKET.text == "VK1TT20250001.ABCDEFGHJKLMNPQR"


@pytest.mark.parametrize("payload", [CARD, STAFF, TICKET])
def test_parse_every_kind(payload):
    parsed = parse_payload(payload.text)
    assert parsed == payload
    assert parsed.kind == payload.kind
    assert scan.is_complete(payload.text)


@pytest.mark.parametrize("payload", [CARD, STAFF, TICKET])
@pytest.mark.parametrize("spell", [
    str.lower, str.swapcase,
    lambda t: t[:5].lower() + t[5:],
    lambda t: f"   {t}\n",
    lambda t: f"\r\n\t{t}\x00\x1b\x7f",
    lambda t: f"\u3000{t}\u3000",  # full-width space from a Chinese IME
    lambda t: t[:10] + "\x00" + t[10:],
])
def test_case_and_noise_are_ignored(payload, spell):
    assert parse_payload(spell(payload.text)) == payload


@pytest.mark.parametrize("text", [
    "", "   ", "VK1", "VK1M", "VK1T", "vk2" + CARD.text[3:], "XX1" + CARD.text[3:],
    "VK1X" + CARD.text[4:],  # unknown kind
    "VK1T" + CARD.text[4:],  # card body under the ticket kind
    "VK1M" + TICKET.text[4:],  # ticket body under the card kind
    CARD.text[:-1], CARD.text + "A", CARD.text.replace("20250630", "20251332"),
    CARD.text.replace("20250630", "20250230"), CARD.text.replace("0123ABCD", "0123ABCG"),
    CARD.text.replace(".M0042.", ".M0042X0123456789."), CARD.text.replace(".3.", ".1234567."),
    CARD.text.replace(".3.", ".03."), CARD.text[:-1] + "B",
    CARD.text.replace(".M0042.", ".M-42."), "VK1TABC.ABCDEFGHJKLMNPQR", "VK1TT1.ABC",
    "VK1TT2025.ABCDEFGHJKLMNPQ1", "VK1TT2025." + "A" * 33,
    "ＶＫ１" + CARD.text[3:],  # full-width letters are not ours
])
def test_invalid_payloads(text):
    with pytest.raises(InvalidPayload):
        parse_payload(text)
    assert not scan.is_complete(text)


def test_over_512_characters_is_rejected_before_parsing(monkeypatch):
    padding = " " * (MAX_LENGTH - len(CARD.text))
    assert parse_payload(CARD.text + padding) == CARD  # exactly 512: fine
    called = []
    monkeypatch.setattr(scan, "normalise", lambda t: called.append(t) or t)
    with pytest.raises(InvalidPayload):
        parse_payload(CARD.text + padding + " ")
    with pytest.raises(InvalidPayload):
        parse_payload("V" * 1_000_000)
    assert called == []


# --- properties ----------------------------------------------------------------------------

HEX = "0123456789ABCDEF"
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _word(alphabet: str, low: int, high: int):
    return st.text(alphabet=alphabet, min_size=low, max_size=high)


card_payloads = st.builds(
    CardPayload,
    kind=st.sampled_from("MS"),
    key_id=_word(HEX, 8, 8),
    number=_word(ALNUM, 1, 12),
    serial=st.integers(0, 999_999),
    issued=st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31)),
    signature=st.builds(str.__add__, _word(BASE32, 102, 102), st.sampled_from("AIQY")),
)
ticket_payloads = st.builds(
    TicketPayload, ticket=_word(ALNUM, 4, 20), secret=_word(BASE32, 16, 32),
)
payloads = card_payloads | ticket_payloads
noise = st.text(alphabet=" \t\r\n\x00\x02\x03\x1b\x7f\u3000", max_size=4)


@settings(max_examples=150, deadline=None)
@given(payloads, noise, noise, st.booleans())
def test_valid_payloads_round_trip(payload, before, after, lower):
    text = payload.text
    assert len(text) < 160 or isinstance(payload, TicketPayload)
    assert set(text) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    spelled = before + (text.lower() if lower else text) + after
    assert parse_payload(spelled) == payload
    assert parse_payload(text).text == text


@st.composite
def near_misses(draw):
    """Valid payloads with a few characters inserted, deleted or replaced."""
    text = draw(payloads).text
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        c = draw(st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.az \x00é中"))
        if op == "insert":
            text = text[:i] + c + text[i:]
        elif op == "delete":
            text = text[:i] + text[i + 1:]
        else:
            text = text[:i] + c + text[i + 1:]
    return text


any_text = (
    st.text(max_size=700)
    | st.text(alphabet="VK1MST.vk0123456789ABCDEFQY7 \n\x00", max_size=200)
    | near_misses()
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
@example(CARD.text.replace(".3.", ".03."))
@example(CARD.text[:-1] + "B")
def test_any_text_parses_or_raises_invalid_payload(text):
    """Nothing but InvalidPayload escapes, and what parses has exactly one spelling."""
    try:
        payload = parse_payload(text)
    except InvalidPayload:
        return
    assert payload.text == scan.normalise(text)
    assert parse_payload(payload.text) == payload


# --- ScanBuffer ----------------------------------------------------------------------------


class Feeder:
    """Feeds keys into a ScanBuffer the way the app does; key objects are their indices."""

    def __init__(self, buffer: ScanBuffer | None = None):
        self.buffer = buffer or ScanBuffer()
        self.t = 100.0
        self.keys: list[str] = []
        self.actions: list = []
        self.immediate: list[list] = []  # what each feed() returned

    def type(self, text: str, gap: float, first_gap: float | None = None) -> Feeder:
        for index, char in enumerate(text):
            self.t += first_gap if index == 0 and first_gap is not None else gap
            self.keys.append(char)
            out = self.buffer.feed(char, len(self.keys) - 1, self.t)
            self.immediate.append(out)
            self.actions += out
        return self

    def wait(self, seconds: float) -> list:
        self.t += seconds
        out = self.buffer.expire(self.t)
        self.actions += out
        return out

    def released(self) -> str:
        return "".join(self.keys[k] for a in self.actions if isinstance(a, Release) for k in a.keys)

    def scans(self) -> list[str]:
        return [a.text for a in self.actions if isinstance(a, Scan)]


def test_fast_burst_with_enter_is_one_scan():
    f = Feeder().type(CARD.text + ENTER, FAST)
    assert f.actions == [Scan(CARD.text)]
    assert not f.buffer.holding and f.buffer.deadline is None
    assert f.wait(1.0) == []


def test_fast_burst_of_a_lower_case_scan_keeps_its_text():
    f = Feeder().type(CARD.text.lower() + ENTER, FAST)
    assert f.actions == [Scan(CARD.text.lower())]
    assert parse_payload(f.scans()[0]) == CARD


def test_burst_without_enter_ends_after_150ms_of_silence():
    f = Feeder().type(TICKET.text, FAST)
    assert f.actions == []
    assert f.buffer.deadline == pytest.approx(f.t + 0.150)
    assert f.wait(0.045) == []  # a complete payload waits longer than the key gap
    assert f.wait(0.100) == []
    assert f.wait(0.010) == [Scan(TICKET.text)]
    assert not f.buffer.holding


def test_incomplete_burst_without_enter_is_released_after_the_gap():
    f = Feeder().type(TICKET.text[:-3], FAST)
    assert f.buffer.deadline == pytest.approx(f.t + 0.040)
    assert f.wait(0.041) and f.released() == TICKET.text[:-3]
    assert f.scans() == []


def test_slow_typing_is_released_at_once_and_unchanged():
    f = Feeder()
    f.type("hello", SLOW)
    assert all(len(out) == 1 and isinstance(out[0], Release) for out in f.immediate)
    assert f.released() == "hello"
    f.type("2" + ENTER, SLOW)
    assert f.released() == "hello2\n"


def test_only_a_v_is_held_and_released_after_the_gap():
    f = Feeder().type("v", SLOW)
    assert f.immediate[-1] == [] and f.buffer.holding
    assert f.buffer.deadline == pytest.approx(f.t + 0.040)
    assert f.wait(0.030) == []
    assert f.wait(0.011) == [Release([0])]
    f.type("V", SLOW)
    assert f.immediate[-1] == []
    f.type("ote", SLOW)  # without expire(): the next slow key releases the v first
    assert f.released() == "vVote"
    assert f.wait(1.0) == [] and not f.buffer.holding


def test_fast_burst_that_is_not_a_payload_is_released_in_order():
    f = Feeder().type("hello world" + ENTER, FAST)
    assert f.released() == "hello world\n"
    assert f.scans() == []
    f2 = Feeder().type("vote", FAST)
    assert f2.actions == []  # held while it might still be a scan
    f2.wait(0.041)
    assert f2.released() == "vote"
    keys = [k for a in f2.actions for k in a.keys]
    assert keys == [0, 1, 2, 3]


def test_burst_starting_with_the_prefix_then_enter_is_a_scan_even_if_damaged():
    """The router reports a damaged code (it starts VK1) rather than typing it anywhere."""
    f = Feeder().type("VK1M123" + ENTER, FAST)
    assert f.actions == [Scan("VK1M123")]


def test_person_typing_then_a_scan_then_typing():
    f = Feeder()
    f.type("12", SLOW)
    f.t += 0.5
    f.type(STAFF.text + ENTER, FAST)
    f.t += 0.5
    f.type("34" + ENTER, SLOW)
    assert f.released() == "1234\n"
    assert f.scans() == [STAFF.text]


def test_two_scans_back_to_back():
    f = Feeder()
    f.type(CARD.text + ENTER, FAST)
    f.t += 0.3
    f.type(TICKET.text, FAST)
    f.t += 0.2  # no Enter, next scan starts after the silence
    f.type(STAFF.text + ENTER, FAST)
    f.wait(1)
    assert f.scans() == [CARD.text, TICKET.text, STAFF.text]
    assert f.released() == ""


def test_ten_thousand_key_burst_overflows_without_releasing_anything():
    f = Feeder()
    biggest = 0
    burst = "VK1M" + "A" * 9_996
    for char in burst:
        f.type(char, 0.0001)
        biggest = max(biggest, len(f.buffer._held), len(f.buffer._chars))
    assert biggest <= MAX_LENGTH
    assert sys.getsizeof(f.buffer._held) < 20_000
    f.type(ENTER, 0.0001)
    assert f.actions == [Overflow(10_000)]
    assert f.released() == ""
    assert not f.buffer.holding
    # the buffer recovers: typing afterwards works normally
    f.type("ok", SLOW)
    assert f.released() == "ok"


def test_overflow_without_enter_ends_on_silence():
    f = Feeder().type("v" * 2_000, 0.001)
    assert f.actions == [] and f.buffer.deadline is not None
    assert f.wait(0.05) == []  # a flood that stutters is still one flood
    assert f.wait(0.15) == [Overflow(2_000)]
    assert f.wait(1) == []


def test_a_stuttering_flood_is_dropped_whole():
    f = Feeder().type("v" * 1_000, 0.001).type("k" * 1_000, 0.001, first_gap=0.1)
    f.wait(1)
    assert f.released() == "" and f.actions == [Overflow(2_000)]


def test_a_late_enter_after_a_complete_payload_belongs_to_the_scan():
    f = Feeder().type(CARD.text, 0.002).type("\n", 0, first_gap=0.1)
    assert f.actions == [Scan(CARD.text)] and f.released() == ""


def test_overflow_of_a_non_payload_burst_is_dropped_too():
    """A stuck key or a pasted flood: at most its first key gets through."""
    f = Feeder().type("x" * 5_000 + ENTER, 0.001)
    assert len(f.released()) <= 1
    assert [a for a in f.actions if isinstance(a, Overflow)]


def test_max_length_is_configurable():
    f = Feeder(ScanBuffer(max_length=10)).type("VK1M" + "A" * 6 + ENTER, FAST)
    assert f.scans() == ["VK1MAAAAAA"]
    f2 = Feeder(ScanBuffer(max_length=10)).type("VK1M" + "A" * 7 + ENTER, FAST)
    assert f2.actions == [Overflow(11)]


tokens = st.one_of(
    st.sampled_from(list("vVkK1MTS.aZ2 ") + [ENTER]),
    st.sampled_from([CARD.text, TICKET.text, STAFF.text.lower(), "VK1", "vk1t"]),
)
gaps = st.one_of(st.sampled_from([0.0, 0.001, 0.02, 0.039, 0.040, 0.041, 0.1, 0.149, 0.151, 0.5]),
                 st.floats(0, 0.3))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(tokens, gaps, st.booleans(), st.booleans()), max_size=40))
def test_keys_are_never_lost_or_reordered(steps):
    """Released keys and scanned texts, in order, give back exactly what was typed, less
    only the Enter keys that ended scans (each right after its scan)."""
    buffer = ScanBuffer()
    t = 0.0
    typed: list[str] = []
    actions: list = []
    for token, gap, burst, timer_fires in steps:
        for n, char in enumerate(token):
            t += gap if n == 0 or not burst else 0.002
            deadline = buffer.deadline
            if timer_fires and deadline is not None and deadline < t:
                actions += buffer.expire(deadline)  # the app's timer went off first
            typed.append(char)
            actions += buffer.feed(char, len(typed) - 1, t)
    assume(len(typed) < MAX_LENGTH)
    actions += buffer.expire(t + 10)
    assert not buffer.holding
    assert not any(isinstance(a, Overflow) for a in actions)

    position = 0
    after_scan = False
    for action in actions:
        first = action.keys[0] if isinstance(action, Release) else None
        if after_scan and first != position and position < len(typed) \
                and typed[position] == ENTER:
            position += 1  # the Enter that ended the scan just before
        after_scan = False
        if isinstance(action, Release):
            assert action.keys == list(range(position, position + len(action.keys)))
            position += len(action.keys)
        else:
            assert isinstance(action, Scan)
            assert ENTER not in action.text
            assert "".join(typed[position:position + len(action.text)]) == action.text
            assert scan.normalise(action.text).startswith("VK1")
            position += len(action.text)
            after_scan = True
    if after_scan and position == len(typed) - 1:
        assert typed[position] == ENTER
        position += 1
    assert position == len(typed)
