"""A notice's Markdown as plain text: for the take-away QR code, reading aloud and search
snippets. Odd Markdown (raw HTML, unclosed marks, deep nesting) never fails; HTML is left out."""

from __future__ import annotations

LIST_MARK = "·"


def plain_text(markdown: str) -> str:
    """Paragraphs, headings, list items (numbered or ·) and table rows (cells two spaces
    apart) as lines; a blank line between blocks; emphasis, links and HTML marks dropped."""
    from markdown_it import MarkdownIt  # only needed when a notice is read

    lines: list[str] = []
    row: list[str] = []
    items: list[str] = []  # the prefix of each open list item, innermost last
    pending = ""  # a list item's prefix, for the item's first line
    in_table = False

    def add(text: str) -> None:
        nonlocal pending
        for index, line in enumerate(text.splitlines() or [""]):
            indent = "  " * max(0, len(items) - 1)
            lead = pending if index == 0 else " " * len(pending)
            lines.append((indent + lead + line).rstrip())
        pending = ""

    def block_gap() -> None:
        if lines and lines[-1] and not items:
            lines.append("")

    for token in MarkdownIt("commonmark").enable("table").parse(markdown):
        kind = token.type
        if kind == "inline":
            text = _inline_text(token)
            if in_table:
                row.append(text)
            elif text:
                add(text)
        elif kind in ("fence", "code_block"):
            add(token.content.rstrip("\n"))
            block_gap()
        elif kind == "list_item_open":
            pending = f"{token.info}. " if token.info else f"{LIST_MARK} "
            items.append(pending)
        elif kind == "list_item_close":
            items.pop()
        elif kind in ("table_open", "table_close"):
            in_table = kind == "table_open"
            if not in_table:
                block_gap()
        elif kind == "tr_close":
            add("  ".join(row))
            row = []
        elif kind in ("paragraph_close", "heading_close", "bullet_list_close",
                      "ordered_list_close", "blockquote_close"):
            block_gap()
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _inline_text(token) -> str:
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline_text(child))
    return "".join(parts).strip()


def fit_bytes(text: str, limit: int, tail: str) -> str:
    """`text` if it takes at most `limit` bytes in UTF-8; otherwise as much of its start as
    leaves room for `tail`, then `tail`."""
    if len(text.encode()) <= limit:
        return text
    room = limit - len(tail.encode())
    cut = text.encode()[:max(0, room)].decode(errors="ignore")
    return cut.rstrip() + tail


# How a take-away code is made: UTF-8 bytes (what phones expect for Chinese), a full QR code
# (phone apps often cannot read Micro QR), error level M.
TAKE_AWAY_QR = {"error": "m", "mode": "byte", "micro": False}


def qr_byte_capacity(version: int) -> int:
    """How many bytes a QR code of `version` holds in byte mode at error level M."""
    from segno import consts  # only needed when a code is made

    bits = consts.SYMBOL_CAPACITY[version][consts.ERROR_LEVEL_M]
    count_bits = 8 if version < 10 else 16  # the length field before the data
    return (bits - 4 - count_bits) // 8


def take_away_text(number: int, title: str, body: str, version: int) -> tuple[str, bool]:
    """What a take-away QR code of at most `version` carries: the notice's number, title and
    text, or when that is too long, as much of its start as fits and where the rest is.
    Returns the text and whether it is the whole notice."""
    whole = f"【第 {number} 号通知】{title}\n\n{plain_text(body)}"
    capacity = qr_byte_capacity(version)
    if len(whole.encode()) <= capacity:
        return whole, True
    return fit_bytes(whole, capacity, f"……（全文见第 {number} 号通知）"), False
