"""QR payloads and telling a scanner's burst of keys from a person typing.

Pure Python (no textual): the app feeds keys into `ScanBuffer` with their arrival times
and acts on what it returns.

Payloads (DESIGN.md section 3): `VK1` + kind letter + body, QR alphanumeric characters only.
  member / staff card:  VK1M<KEYID>.<NUMBER>.<SERIAL>.<YYYYMMDD>.<SIGNATURE base32>
  request ticket:       VK1T<TICKET>.<SECRET>
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

PREFIX = "VK1"
MAX_LENGTH = 512
KINDS = {"M": "member", "S": "staff", "T": "ticket"}
# One card, one spelling: no leading zeros in the serial, and the signature's last base32
# character carries 2 bits of the 64-byte signature and 3 unused bits that must be zero
# (otherwise 8 different texts would decode to the same signature).
_CARD_BODY = re.compile(
    r"([0-9A-F]{8})\.([0-9A-Z]{1,12})\.(0|[1-9][0-9]{0,5})\.([0-9]{8})\.([A-Z2-7]{102}[AIQY])"
)
_TICKET_BODY = re.compile(r"([0-9A-Z]{4,20})\.([A-Z2-7]{16,32})")
_NOISE = re.compile(r"[\s\x00-\x1f\x7f]")


class InvalidPayload(ValueError):
    """Not one of our QR codes, or a damaged one."""


@dataclass(frozen=True)
class CardPayload:
    kind: str  # "M" or "S"
    key_id: str
    number: str
    serial: int
    issued: dt.date
    signature: str  # base32, no padding

    @property
    def signed_text(self) -> str:
        """What the signature covers: the kind letter and the body."""
        return f"{self.kind}{self.key_id}.{self.number}.{self.serial}.{self.issued:%Y%m%d}"

    @property
    def text(self) -> str:
        return f"{PREFIX}{self.signed_text}.{self.signature}"


@dataclass(frozen=True)
class TicketPayload:
    ticket: str
    secret: str
    kind: str = "T"

    @property
    def text(self) -> str:
        return f"{PREFIX}T{self.ticket}.{self.secret}"


Payload = CardPayload | TicketPayload


def normalise(text: str) -> str:
    return _NOISE.sub("", text).upper()


def parse_payload(text: str) -> Payload:
    """Parse a scanned code (case-insensitive, surrounding whitespace and controls ignored)."""
    if len(text) > MAX_LENGTH:
        raise InvalidPayload("too long")
    text = normalise(text)
    if not text.startswith(PREFIX) or len(text) < len(PREFIX) + 2:
        raise InvalidPayload("not ours")
    kind, body = text[len(PREFIX)], text[len(PREFIX) + 1:]
    if kind in ("M", "S"):
        match = _CARD_BODY.fullmatch(body)
        if not match:
            raise InvalidPayload("bad card body")
        key_id, number, serial, issued, signature = match.groups()
        try:
            day = dt.datetime.strptime(issued, "%Y%m%d").date()
        except ValueError:
            raise InvalidPayload("bad issue date") from None
        return CardPayload(kind, key_id, number, int(serial), day, signature)
    if kind == "T":
        match = _TICKET_BODY.fullmatch(body)
        if not match:
            raise InvalidPayload("bad ticket body")
        return TicketPayload(*match.groups())
    raise InvalidPayload("unknown kind")


def is_complete(text: str) -> bool:
    try:
        parse_payload(text)
    except InvalidPayload:
        return False
    return True


# --- telling scans from typing ------------------------------------------------------------

ENTER = "\n"


@dataclass(frozen=True)
class Release:
    """Hand these held keys on to the focused widget, unchanged and in order."""

    keys: list


@dataclass(frozen=True)
class Scan:
    text: str


@dataclass(frozen=True)
class Overflow:
    """A burst longer than any payload: dropped whole so it cannot flood a text box."""

    length: int


@dataclass
class ScanBuffer:
    """Holds keys while they arrive faster than `gap` seconds apart.

    `feed(char, key, t)` takes one printable character (or ENTER) with the opaque key object
    and its arrival time; `expire(t)` is called when `deadline` has passed. Both return
    the actions to carry out. A person's key is held only when it could start a payload
    ("v") or follows the previous key within `gap`, so ordinary typing is never delayed.
    """

    gap: float = 0.040
    end_silence: float = 0.150
    max_length: int = MAX_LENGTH
    _held: list = field(default_factory=list)
    _chars: list = field(default_factory=list)
    _last: float = float("-inf")
    _dropped: int = 0
    _whole: bool = False  # the held characters make a whole payload (worked out once a key)

    @property
    def holding(self) -> bool:
        return bool(self._held) or self._dropped > 0

    @property
    def _patience(self) -> float:
        """The silence that ends the burst being held. Longer once it holds a whole payload
        (a scanner without Enter, or a late Enter) or is being dropped (so a flood that
        stutters is still dropped whole)."""
        if self._dropped or self._whole:
            return self.end_silence
        return self.gap

    @property
    def deadline(self) -> float | None:
        return self._last + self._patience if self.holding else None

    def feed(self, char: str, key: object, t: float) -> list:
        actions: list = []
        if self.holding and t - self._last > self._patience:
            actions += self._end_burst()
        in_burst = t - self._last <= self.gap
        self._last = t
        if char == ENTER:
            if self.holding:
                text = "".join(self._chars)
                if self._dropped:
                    actions += self._end_burst()
                    return actions  # the Enter ends the dropped burst too
                if normalise(text).startswith(PREFIX):
                    self._clear()
                    actions.append(Scan(text))
                    return actions
                actions += self._end_burst()
            actions.append(Release([key]))
            return actions
        if self.holding or in_burst or char in "vV":
            if self._dropped or len(self._chars) >= self.max_length:
                self._dropped = self._dropped or len(self._chars)
                self._dropped += 1
                self._held.clear()
                self._chars.clear()
                self._whole = False
            else:
                self._held.append(key)
                self._chars.append(char)
                self._whole = is_complete("".join(self._chars))
        else:
            actions.append(Release([key]))
        return actions

    def expire(self, t: float) -> list:
        deadline = self.deadline
        if deadline is None or t < deadline:
            return []
        return self._end_burst()

    def _end_burst(self) -> list:
        text = "".join(self._chars)
        if self._dropped:
            dropped = self._dropped
            self._clear()
            return [Overflow(dropped)]
        held = list(self._held)
        self._clear()
        if is_complete(text):
            return [Scan(text)]
        return [Release(held)] if held else []

    def _clear(self) -> None:
        self._held.clear()
        self._chars.clear()
        self._dropped = 0
        self._whole = False


# --- the same code read twice -------------------------------------------------------------

DOUBLE_READ_SECONDS = 3.0


class DoubleReads:
    """Tells a scanner reading the same card again (held in front of it, or a double beep)
    from a new scan: the same code within `window` seconds of its last read is a repeat."""

    def __init__(self, window: float = DOUBLE_READ_SECONDS):
        self.window = window
        self._last: dict[str, float] = {}

    def is_repeat(self, text: str, t: float) -> bool:
        self._last = {code: seen for code, seen in self._last.items() if t - seen < self.window}
        code = normalise(text)
        repeat = code in self._last
        self._last[code] = t
        return repeat
