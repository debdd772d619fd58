"""A throw-away hall for the sample processes: a database in a temporary directory, and an
environment that keeps the developer's own settings out of the figures."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kiosk.db.database import database
from kiosk.db.session import open_database
from kiosk.services import setup


@dataclass(frozen=True)
class Sandbox:
    db_url: str
    env: dict[str, str]


@contextmanager
def postgres_database(server: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on `server` (postgresql://USER@HOST:PORT), dropped
    afterwards; its URL."""
    import peewee

    name = f"kiosk_bench_{os.getpid()}"
    admin = peewee.PostgresqlDatabase("postgres", dsn=f"{server}/postgres")
    admin.execute_sql(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        database.close()
        admin.execute_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextmanager
def sandbox() -> Iterator[Sandbox]:
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        root = Path(tmp)
        yield Sandbox(db_url=make_hall(root / "data"), env=sample_env(root))


def make_hall(data_dir: Path, url: str = "") -> str:
    """A new hall in `url` (an empty database), by default an SQLite file in `data_dir`."""
    url = url or f"sqlite:///{data_dir / 'kiosk.db'}"
    open_database(url, create=True)
    try:
        setup.initialise_hall("某村党群服务中心", data_dir / "keys")
    finally:
        database.close()
    return url


def sample_env(root: Path) -> dict[str, str]:
    """No KIOSK_*/TEXTUAL_* settings and no user config file; bytecode is cached (in the
    sandbox) as on an installed kiosk, even where PYTHONDONTWRITEBYTECODE is set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "TEXTUAL_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        PYTHONPYCACHEPREFIX=str(root / "pycache"),
        XDG_CONFIG_HOME=str(root / "config"),
        XDG_DATA_HOME=str(root / "data-home"),
    )
    return env
