"""One start-up sample of the kiosk, started the way `kiosk run --db URL` starts it (URL is
the first argument), headless, leaving as soon as the home screen is ready."""

import sys

from stopwatch import Stopwatch

watch = Stopwatch()

import kiosk.cli  # noqa: F401 - `kiosk run` loads it first
from kiosk.app import KioskApp
from kiosk.config import load_config
from kiosk.db.session import open_database
from kiosk.i18n import set_language
from kiosk.screens.home import HomeScreen

watch.lap("imports")
config = load_config(overrides={"db": sys.argv[1]})
set_language(config.lang)
open_database(config.db_url)
watch.lap("read config, open database")


async def leave_when_ready(pilot) -> None:
    watch.lap("run until ready")
    await pilot.pause(0)  # the screen has handled its pending events
    watch.lap("until the screen settles")
    if not isinstance(pilot.app.screen, HomeScreen):
        raise RuntimeError(f"started on {pilot.app.screen!r}, not the home screen")
    pilot.app.exit()


app = KioskApp(config)
watch.lap("construct app")
app.run(headless=True, size=(100, 30), auto_pilot=leave_when_ready)
watch.lap("shut down")
watch.report()
