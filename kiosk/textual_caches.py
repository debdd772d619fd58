"""Textual caches that keep removed widgets alive. A kiosk runs for weeks: what a resident's
visit removed must go with the next full garbage collection, not pile up in them."""

from __future__ import annotations

from textual._styles_cache import StylesCache
from textual.dom import DOMNode
from textual.filter import ANSIToTruecolor


def forget_removed_widgets() -> None:
    """Empty two `lru_cache`s on methods, so keyed by the object itself (Textual issue #6665):
    `StylesCache.get_inner_outer` keeps the last 1,024 styles caches of widgets, removed ones
    too, each with the lines it last rendered (most of what a resident's visit left behind,
    docs/PERFORMANCE.md "Memory over a long day"); `ANSIToTruecolor.truecolor_style` the
    filters Textual makes for each tinted line. Refilling them costs a few `Style`s per
    widget painted."""
    StylesCache.get_inner_outer.cache_clear()
    ANSIToTruecolor.truecolor_style.cache_clear()


def forget_old_children(node: DOMNode) -> None:
    """Empty a node's `query_one` cache: its entries are keyed by how often the node's
    children changed, so the ones from before a recompose are never asked for again, yet
    keep the removed widgets (up to 1,024 entries)."""
    node._query_one_cache.clear()
