"""The high-contrast theme meets the 适老化 contrast rule (4.5:1 for text)."""

from __future__ import annotations

import re

import pytest

from kiosk import theme
from kiosk.theme import COLOURS, TEXT_PAIRS, contrast_ratio

HEX = re.compile(r"#[0-9A-Fa-f]{6}")


@pytest.mark.parametrize("text, background", TEXT_PAIRS)
def test_every_text_pair_reaches_4_5_to_1(text, background):
    assert contrast_ratio(text, background) >= 4.5


def test_text_pairs_use_the_palette():
    palette = {c.upper() for c in COLOURS.values()}
    for pair in TEXT_PAIRS:
        for colour in pair:
            assert HEX.fullmatch(colour), colour
            assert colour.upper() in palette, f"{colour} is not one of theme.COLOURS"


def test_palette_colours_are_well_formed():
    for name, colour in COLOURS.items():
        assert HEX.fullmatch(colour), (name, colour)


def test_the_main_pairs_are_checked():
    """Body text, tiles and buttons, warnings and results are among the checked pairs."""
    pairs = {(a.upper(), b.upper()) for a, b in TEXT_PAIRS}
    c = {k: v.upper() for k, v in COLOURS.items()}
    for needed in [
        (c["foreground"], c["background"]), (c["foreground"], c["primary"]),
        (c["foreground"], c["secondary"]), (c["foreground"], c["panel"]),
        (c["success"], c["background"]), (c["error"], c["background"]),
        (c["warning"], c["background"]),
    ]:
        assert needed in pairs, needed


def test_contrast_ratio_known_values():
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    # WCAG's own example: #767676 on white is just above 4.5:1
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#FFFFFF") < 4.5
    assert contrast_ratio("#ff0000", "#FFFFFF") == pytest.approx(4.0, abs=0.01)


def test_a_bad_pair_would_be_caught():
    assert contrast_ratio("#FF6B6B", "#FFFFFF") < 4.5  # error red on white: not allowed
    assert theme.contrast_ratio(COLOURS["accent"], COLOURS["foreground"]) < 4.5
