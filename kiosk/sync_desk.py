"""The app's side of county sync: while the kiosk runs, and only when `county_url` and
`county_token` are set, a thread worker syncs every `sync_seconds` (0: never by itself).
It never blocks the screen and never interrupts anyone: a problem is kept for the staff's
status line (kiosk.services.sync.status) and tried again next time."""

from __future__ import annotations

import logging

from kiosk.db.database import release
from kiosk.errors import KioskError

log = logging.getLogger(__name__)

FIRST_WAIT = 10  # seconds after start-up, so the kiosk is up first


class SyncDesk:
    def __init__(self, app):
        self.app = app

    @property
    def configured(self) -> bool:
        config = self.app.config
        return bool(config.county_url and config.county_token)

    def start(self) -> None:
        if self.configured and self.app.config.sync_seconds:
            self.app.set_timer(FIRST_WAIT, self.run)
            self.app.set_interval(self.app.config.sync_seconds, self.run)

    def run(self) -> None:
        self.app.run_worker(self._sync, thread=True, group="county-sync")

    def _sync(self) -> None:
        from kiosk.services import sync

        try:  # one at a time, however slow the link: sync_once refuses a second
            sync.sync_once(self.app.config.county_url, self.app.config.county_token)
        except KioskError as exc:  # kept by sync_once for the status line
            log.warning("county sync: %s", exc)
        except Exception:  # a bug: kept for the status line too, never stops the kiosk
            log.exception("county sync failed")
        finally:
            release()
