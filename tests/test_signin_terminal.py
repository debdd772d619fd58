"""A member card typed into `kiosk run` in a real terminal (tmux), as a keyboard-wedge
scanner types it: the kiosk shows the result and the attendance row is in the database."""

from __future__ import annotations

import datetime as dt

import pytest
import signin_hall
from test_terminal import KIOSK, shows_home, terminal  # noqa: F401 (a fixture)

from kiosk.db.database import database
from kiosk.db.models import Attendance
from kiosk.db.session import open_database
from kiosk.services import setup

pytestmark = pytest.mark.slow


def test_scanned_card_signs_the_member_in(terminal, tmp_path):
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    open_database(url, create=True)
    try:
        setup.initialise_hall("某村党群服务中心", tmp_path / "data" / "keys")
        now = dt.datetime.now().replace(microsecond=0)
        payload = signin_hall.build(tmp_path / "data" / "keys", event_start=now).payloads["M001"]
    finally:
        database.close()
    terminal.start([str(KIOSK), "run", "--db", url], 100, 30)
    terminal.wait_for(shows_home, "home screen")

    terminal.tmux("send-keys", "-t", "kiosk", "-l", payload.lower())  # Caps Lock off: still read
    terminal.press("Enter")
    screen = terminal.wait_for(lambda s: "签到成功" in s, "sign-in result")
    assert "张*明" in screen and "主题党日：学习交流" in screen and "张三明" not in screen

    open_database(url)
    try:
        row = Attendance.get()
        assert (row.member.number, row.kind) == ("M001", "present")
    finally:
        database.close()
