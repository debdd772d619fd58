"""The kiosk's log file: warnings and errors with their tracebacks, for the technician who
looks after the hall. It rotates, so a PC that runs for years never fills its disk."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE = "kiosk.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5  # kiosk.log.1 … kiosk.log.5 are kept
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_logger = logging.getLogger("kiosk")


def open_log(folder: Path) -> RotatingFileHandler | None:
    """Write the kiosk's warnings and errors to `folder`/kiosk.log. None, and the kiosk runs
    on without a log file, when the folder cannot be written."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # logs may name people
        handler = RotatingFileHandler(folder / LOG_FILE, maxBytes=MAX_BYTES,
                                      backupCount=BACKUP_COUNT, encoding="utf-8")
    except OSError as exc:
        _logger.warning("no log file in %s: %s", folder, exc)
        return None
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter(FORMAT))
    _logger.addHandler(handler)
    return handler


def close_log(handler: RotatingFileHandler | None) -> None:
    if handler is not None:
        _logger.removeHandler(handler)
        handler.close()
