"""Shared fixtures. Database tests run twice: on an SQLite file and on a PostgreSQL
database of their own (created per test session on the local server, dropped after)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import peewee
import pytest

from kiosk import i18n
from kiosk.config import Config
from kiosk.db import models
from kiosk.db.database import database
from kiosk.db.session import open_database
from kiosk.services import setup

PG_SERVER = os.environ.get("KIOSK_TEST_PG", "postgresql://postgres@127.0.0.1:5432")


@pytest.fixture(autouse=True)
def chinese_after_each_test():
    """A test that switches the language (`kiosk run --lang en`) must not leak it."""
    yield
    i18n.set_language("zh_CN")


@pytest.fixture(scope="session")
def pg_url():
    """A fresh PostgreSQL database for this test run."""
    name = f"kiosk_test_{uuid.uuid4().hex[:12]}"
    admin = peewee.PostgresqlDatabase("test", dsn=f"{PG_SERVER}/test")
    admin.connect()
    admin.execute_sql(f'CREATE DATABASE "{name}"')
    admin.close()
    yield f"{PG_SERVER}/{name}"
    admin.connect()
    admin.execute_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _empty_postgres(url: str) -> None:
    db = peewee.PostgresqlDatabase(None)
    db.init(url.rsplit("/", 1)[1], dsn=url)
    tables = db.get_tables()
    if tables:
        db.execute_sql("DROP TABLE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
    db.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """An empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kiosk.db'}"
    url = request.getfixturevalue("pg_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def config(tmp_path, db_url) -> Config:
    return Config(data_dir=tmp_path / "data", db=db_url)


@pytest.fixture
def db(config):
    """An initialised hall (schema, hall record, signing key) bound for the services."""
    handle = open_database(config.db_url, create=True)
    setup.initialise_hall("测试村党群服务中心", config.keys_dir)
    yield handle
    database.close()


FIXED_TIME = dt.datetime(2026, 11, 27, 9, 30)
ADMIN = ("8001", "王建国", "admin", "246810")
CLERK = ("8002", "李秀英", "staff", "135790")


@pytest.fixture
def staff_accounts(db):
    """An admin and a clerk: (number, name, role, pin) as in ADMIN and CLERK."""
    from kiosk.services import staff

    for number, name, role, pin in (ADMIN, CLERK):
        staff.add_staff(None, number, name, role, pin)
    return ADMIN, CLERK


@pytest.fixture
def clerk(staff_accounts):
    """The clerk, logged in."""
    from kiosk.services import staff

    number, _name, _role, pin = CLERK
    return staff.login(number, pin)


@pytest.fixture
def make_app(config, db):
    """Build the kiosk app on the test database, with the header clock frozen."""
    from kiosk.app import KioskApp

    built = []

    def build(**settings):
        for name, value in settings.items():
            setattr(config, name, value)
        built.append(KioskApp(config, wall_clock=lambda: FIXED_TIME))
        return built[-1]

    yield build
    # the kiosk survives unexpected errors (it goes home): a test must not miss one
    assert [error for app in built for error in app.recovered_errors] == []


@pytest.fixture
def quiet_environment(tmp_path, monkeypatch):
    """No KIOSK_* settings or config file of the machine running the tests."""
    for name in list(os.environ):
        if name.startswith("KIOSK_") and name != "KIOSK_TEST_PG":
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


@pytest.fixture
def hall_url(tmp_path) -> str:
    """A freshly initialised hall in an SQLite file, closed again: for a `kiosk` process."""
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    open_database(url, create=True)
    try:
        setup.initialise_hall("某村党群服务中心", tmp_path / "keys")
    finally:
        database.close()
    return url


@pytest.fixture
def command_line(config, monkeypatch, quiet_environment):
    """`kiosk …` run in this process finds the test's database and data folder (through
    KIOSK_DB and KIOSK_DATA_DIR), and no settings of the machine running the tests."""
    monkeypatch.setenv("KIOSK_DB", config.db_url)
    monkeypatch.setenv("KIOSK_DATA_DIR", str(config.data_dir))
