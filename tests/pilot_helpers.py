"""Driving the kiosk in tests the way people and scanners do."""

from __future__ import annotations

from textual import events
from textual.keys import _character_to_key
from textual.widgets import Static

from kiosk.widgets.chrome import MessageLine


def message(app) -> str:
    return str(app.screen.query_one("#message", MessageLine).render())


def screen_text(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


def scan(app, text: str, enter: bool = True, spacing: float = 0.0005) -> None:
    """Send keys the way a keyboard-wedge scanner does: stamped `spacing` seconds apart,
    however slowly a loaded test machine gets round to posting them."""
    keys = [events.Key(_character_to_key(char), char) for char in text]
    if enter:
        keys.append(events.Key("enter", "\r"))
    start = keys[0].time
    for index, key in enumerate(keys):
        key.time = start + index * spacing
        app.post_message(key)


async def settle(pilot, seconds: float = 0.25) -> None:
    """Let the scan router's hold-back time pass and workers finish."""
    await pilot.pause(seconds)
    while pilot.app.member_scans.busy:  # (member-card scans run on a thread of their own)
        await pilot.pause(0.01)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_until(pilot, condition, timeout: float = 10.0) -> None:
    """Poll until condition() holds, for work whose length depends on the machine."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"still not true after {timeout} s: {condition.__doc__ or condition}")


async def log_in(pilot, number: str, pin: str) -> None:
    """Type on the on-screen keypad only, as a person at a touch screen would."""
    await pilot.press("0")
    await settle(pilot)
    for digit in number:
        await pilot.click(f"#key-{digit}")
    await pilot.click("#key-enter")
    for digit in pin:
        await pilot.click(f"#key-{digit}")
    await pilot.click("#key-enter")
    await settle(pilot)
