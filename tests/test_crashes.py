"""An unexpected error anywhere in the running kiosk (a screen's handler, a worker, the app's
own handlers) takes the person home with a plain message instead of ending the kiosk, and
the error with its traceback goes to the rotating log file."""

from __future__ import annotations

import logging
import stat

import pytest
import signin_hall
from pilot_helpers import message, scan, settle, wait_until
from textual import work
from textual.app import ComposeResult
from textual.widgets import Button

from kiosk import errorlog
from kiosk.errorlog import LOG_FILE
from kiosk.screens.base import KioskScreen
from kiosk.screens.home import HomeScreen

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # (Pilot tests)

FRIENDLY = "出了点问题，已回到首页"


class FaultyScreen(KioskScreen):
    """A screen with a bug in its button handler and in its worker."""

    def compose_body(self) -> ComposeResult:
        yield Button("handler", id="handler")
        yield Button("worker", id="worker")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "handler":
            raise RuntimeError("bug in a handler")
        self.faulty_work()

    @work(thread=True)
    def faulty_work(self) -> None:
        raise LookupError("bug in a worker")


def log_text(config) -> str:
    return (config.log_dir / LOG_FILE).read_text(encoding="utf-8")


async def still_works(pilot) -> None:
    """The kiosk is home, takes input on its fresh home screen and on the other areas."""
    app = pilot.app
    assert app.current_mode == "home" and isinstance(app.screen, HomeScreen)
    assert FRIENDLY in message(app)
    await pilot.press("3")
    await settle(pilot)
    assert app.current_mode == "requests"
    await pilot.press("escape")
    await settle(pilot)
    assert app.current_mode == "home"


@SQLITE_ONLY
@pytest.mark.parametrize("button, error", [("handler", "RuntimeError: bug in a handler"),
                                           ("worker", "LookupError: bug in a worker")])
async def test_an_error_in_a_screen_goes_home_and_is_logged(make_app, config, button, error):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        await app.push_screen(FaultyScreen())
        await pilot.click(f"#{button}")
        await settle(pilot)
        assert [type(e).__name__ for e in app.recovered_errors] == [error.split(":")[0]]
        await still_works(pilot)
        app.recovered_errors.clear()  # seen: the make_app fixture checks for unseen ones
    logged = log_text(config)
    assert "ERROR kiosk.app: unexpected error" in logged
    assert "Traceback (most recent call last)" in logged and error in logged


@SQLITE_ONLY
async def test_an_error_in_the_apps_own_handler_keeps_the_app_going(make_app, config,
                                                                    monkeypatch):
    app = make_app()

    def broken_router(text):
        raise ValueError("bug in the scan router")

    async with app.run_test(size=(100, 30)) as pilot:
        monkeypatch.setattr(app, "route_scan", broken_router)
        await pilot.press("1")
        await settle(pilot)
        scan(app, "VK1T1234.ABCDEFGHIJKLMNOP")
        await settle(pilot)
        await still_works(pilot)
        monkeypatch.undo()
        assert len(app.recovered_errors) == 1
        app.recovered_errors.clear()
    assert "ValueError: bug in the scan router" in log_text(config)


@SQLITE_ONLY
async def test_an_error_on_the_home_screen_leaves_a_working_home_screen(make_app, monkeypatch):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        first_home = app.screen
        monkeypatch.setattr(HomeScreen, "on_button_pressed", lambda self, event: 1 / 0)
        await pilot.click("#tile-requests")
        await settle(pilot)
        monkeypatch.undo()
        assert app.screen is not first_home
        await still_works(pilot)
        await pilot.click("#tile-notices")
        await settle(pilot)
        assert app.current_mode == "notices"
        assert [type(e) for e in app.recovered_errors] == [ZeroDivisionError]
        app.recovered_errors.clear()


@SQLITE_ONLY
async def test_an_error_again_soon_after_going_home_ends_the_kiosk(make_app):
    """Going home did not help (a home screen that fails each time it is drawn, say): the
    last resort is to end, and the service manager starts the kiosk again."""
    app = make_app()
    with pytest.raises(RuntimeError, match="bug in a handler"):
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in range(2):
                await app.push_screen(FaultyScreen())
                await pilot.click("#handler")
                await settle(pilot)
    assert len(app.recovered_errors) == 1
    app.recovered_errors.clear()


@SQLITE_ONLY
async def test_an_error_while_going_home_after_an_error_ends_the_kiosk(make_app, monkeypatch):
    """The last resort, as above."""
    app = make_app()

    def broken(*args):
        raise RuntimeError("no home")

    with pytest.raises(Exception, match="no home"):  # Pilot re-raises what ended the app
        async with app.run_test(size=(100, 30)) as pilot:
            await app.push_screen(FaultyScreen())
            monkeypatch.setattr(app, "show_message", broken)
            await pilot.click("#handler")
            await settle(pilot)
    app.recovered_errors.clear()


def test_the_log_file_rotates_and_only_its_owner_can_read_it(tmp_path, monkeypatch):
    monkeypatch.setattr(errorlog, "MAX_BYTES", 200)  # about three lines a file
    folder = tmp_path / "logs"
    handler = errorlog.open_log(folder)
    try:
        for n in range(40):
            logging.getLogger("kiosk.test").error("error number %d", n)
    finally:
        errorlog.close_log(handler)
    assert (folder / "kiosk.log.5").exists() and not (folder / "kiosk.log.6").exists()
    assert "error number 39" in (folder / LOG_FILE).read_text(encoding="utf-8")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert handler not in logging.getLogger("kiosk").handlers


def test_without_a_writable_log_folder_the_kiosk_runs_on(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")
    assert errorlog.open_log(blocked / "logs") is None


@SQLITE_ONLY
async def test_an_error_in_showing_a_scanned_card_goes_home(make_app, config, monkeypatch):
    """Member cards are handled on a thread of their own, not a Textual worker."""
    hall = signin_hall.build(config.keys_dir)
    app = make_app()

    async def broken(result):
        raise KeyError("bug in showing a result")

    async with app.run_test(size=(100, 30)) as pilot:
        monkeypatch.setattr(app, "_show_result", broken)
        await pilot.press("2")
        await settle(pilot)
        scan(app, hall.payloads["M001"])
        await wait_until(pilot, lambda: app.recovered_errors)
        await settle(pilot)
        monkeypatch.undo()
        await still_works(pilot)
        app.recovered_errors.clear()
    assert "KeyError: 'bug in showing a result'" in log_text(config)
