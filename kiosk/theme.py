"""The high-contrast colours of the kiosk, and the WCAG contrast check they are held to
(the 适老化 rules ask for at least 4.5:1 for text)."""

from __future__ import annotations

COLOURS = {
    "primary": "#B00000",  # party red: tiles and main buttons, white text on it
    "secondary": "#1F3A93",
    "accent": "#FFD400",
    "warning": "#FFD400",
    "error": "#FF6B6B",
    "success": "#3DDC84",
    "foreground": "#FFFFFF",
    "background": "#000000",
    "surface": "#141414",
    "panel": "#262626",
}

# (text, background) pairs the stylesheet uses; each must reach 4.5:1.
TEXT_PAIRS = (
    ("#FFFFFF", "#000000"),  # body text
    ("#FFFFFF", "#B00000"),  # tile and button labels
    ("#FFFFFF", "#1F3A93"),  # secondary buttons (back, keypad)
    ("#000000", "#FFD400"),  # countdown bar, call-staff button
    ("#000000", "#FFFFFF"),  # focused control
    ("#3DDC84", "#000000"),  # ✓ results
    ("#FF6B6B", "#000000"),  # ✗ results
    ("#FFD400", "#000000"),  # header and titles
    ("#FFFFFF", "#262626"),  # panels
)


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
