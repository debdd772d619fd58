"""A receipt as a small document: a title and a list of blocks. Stored as JSON in
PrintJob.document; kiosk.printing.layout lays it out for the renderers."""

from __future__ import annotations

import json
from dataclasses import MISSING, dataclass, fields

from kiosk.errors import KioskError
from kiosk.i18n import _


@dataclass(frozen=True)
class Text:
    text: str  # may hold line breaks
    bold: bool = False
    center: bool = False
    big: bool = False  # double width and height


@dataclass(frozen=True)
class Row:
    key: str
    value: str


@dataclass(frozen=True)
class Rule:
    pass


@dataclass(frozen=True)
class Qr:
    data: str


@dataclass(frozen=True)
class Space:
    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """Cut the paper here (every receipt is also cut at its end)."""


Block = Text | Row | Rule | Qr | Space | Cut
BLOCK_TYPES: dict[str, type] = {
    "text": Text, "row": Row, "rule": Rule, "qr": Qr, "space": Space, "cut": Cut,
}
_TYPE_NAMES = {cls: name for name, cls in BLOCK_TYPES.items()}


def _block(item: dict) -> Block:
    block = BLOCK_TYPES[item["type"]](**{k: v for k, v in item.items() if k != "type"})
    for f in fields(block):  # fields without a default are text
        expected = str if f.default is MISSING else type(f.default)
        if type(getattr(block, f.name)) is not expected:
            raise TypeError(f"{item['type']}.{f.name}")
    return block


class BadReceipt(KioskError):
    """A stored document that cannot be read back."""


@dataclass(frozen=True)
class Receipt:
    title: str
    blocks: tuple[Block, ...] = ()

    def to_json(self) -> str:
        """Compact JSON: fields at their default value are left out."""
        blocks = []
        for block in self.blocks:
            values = {f.name: getattr(block, f.name) for f in fields(block)
                      if getattr(block, f.name) != f.default}
            blocks.append({"type": _TYPE_NAMES[type(block)], **values})
        return json.dumps({"title": self.title, "blocks": blocks}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Receipt:
        try:
            data = json.loads(text)
            blocks = tuple(_block(item) for item in data.get("blocks", ()))
            if not isinstance(data["title"], str):
                raise TypeError("title")
            return cls(data["title"], blocks)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise BadReceipt(_("回执内容无法读取：{error!r}").format(error=exc)) from None

    def __post_init__(self):
        object.__setattr__(self, "blocks", tuple(self.blocks))

