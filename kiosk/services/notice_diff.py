"""What changed between two versions of a notice, in a form a resident can read: changed
fields with their old and new value, and each changed stretch of the text twice, before and
after, with the changed words marked and long unchanged stretches shortened."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from kiosk.services.notice_text import plain_text
from kiosk.services.notices import VersionView

FIELDS = ("title", "category", "valid_from", "valid_until")
CONTEXT = 16  # unchanged characters kept on each side of a change
ISLAND = 2  # unchanged characters between two changes shown as part of them
GAP = "……"
# Numbers and Latin words change as a whole (12,600.00 → 13,200.00); Chinese by character.
_TOKEN = re.compile(r"[0-9A-Za-z]+(?:[.,:/-][0-9A-Za-z]+)*|\s+|.", re.DOTALL)

Piece = tuple[str, bool]  # text, changed


@dataclass(frozen=True)
class FieldChange:
    field: str  # one of FIELDS
    before: object
    after: object


@dataclass(frozen=True)
class TextChange:
    before: tuple[Piece, ...]  # empty when lines were added
    after: tuple[Piece, ...]  # empty when lines were removed


def compare(old: VersionView, new: VersionView) -> tuple[list[FieldChange], list[TextChange]]:
    fields = [FieldChange(name, getattr(old, name), getattr(new, name))
              for name in FIELDS if getattr(old, name) != getattr(new, name)]
    return fields, text_changes(old.body, new.body)


def text_changes(old: str, new: str) -> list[TextChange]:
    """The changes to the text of two Markdown bodies, as residents read it (a change of
    formatting alone is no change)."""
    a, b = plain_text(old).splitlines(), plain_text(new).splitlines()
    changes = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        before, after = "\n".join(a[i1:i2]).strip(), "\n".join(b[j1:j2]).strip()
        if tag == "equal" or before == after:
            continue
        if before and after:
            changes.append(TextChange(*_words_changed(before, after)))
        else:
            changes.append(TextChange(((before, True),) if before else (),
                                      ((after, True),) if after else ()))
    return changes


def _words_changed(before: str, after: str) -> tuple[tuple[Piece, ...], tuple[Piece, ...]]:
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    ops = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    old: list[Piece] = []
    new: list[Piece] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(ops):
        # a single unchanged character between two changes reads better as part of them
        island = tag == "equal" and 0 < index < len(ops) - 1 and len("".join(a[i1:i2])) <= ISLAND
        changed = tag != "equal" or island
        _append(old, "".join(a[i1:i2]), changed)
        _append(new, "".join(b[j1:j2]), changed)
    return _shorten(old), _shorten(new)


def _append(pieces: list[Piece], text: str, changed: bool) -> None:
    if not text:
        return
    if pieces and pieces[-1][1] == changed:
        pieces[-1] = (pieces[-1][0] + text, changed)
    else:
        pieces.append((text, changed))


def _shorten(pieces: list[Piece]) -> tuple[Piece, ...]:
    """Unchanged stretches cut down to about CONTEXT characters next to each change, never
    in the middle of a number or word."""
    out = []
    for index, (text, changed) in enumerate(pieces):
        keep_start = CONTEXT if index > 0 else 0
        keep_end = CONTEXT if index < len(pieces) - 1 else 0
        if not changed and len(text) > keep_start + keep_end + len(GAP):
            tokens = _TOKEN.findall(text)
            head, tail = _take(tokens, keep_start), _take(tokens[::-1], keep_end)[::-1]
            text = "".join(head) + GAP + "".join(tail)
        out.append((text, changed))
    return tuple(out)


def _take(tokens: list[str], length: int) -> list[str]:
    """Tokens from the start until they make at least `length` characters."""
    taken, size = [], 0
    for token in tokens:
        if size >= length:
            break
        taken.append(token)
        size += len(token)
    return taken
