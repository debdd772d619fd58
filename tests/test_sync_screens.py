"""County sync for staff: the status line on the staff home (only when a county is
configured) with rows waiting and the last problem, a background sync that never disturbs
the screen, and the screen that lists changes that lost to the county's."""

from __future__ import annotations

import json
import socket
import threading

import pytest
from pilot_helpers import log_in, message, screen_text, wait_until
from textual.widgets import DataTable

from kiosk.db.models import Outbox, SyncConflict
from kiosk.screens.staff.county_sync import CountySyncScreen
from kiosk.screens.staff.home import StaffHomeScreen
from kiosk.errors import KioskError
from kiosk.services import cards, requests, sync
from kiosk.services.hall import local_hall

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_staff_see_rows_waiting_and_why_the_last_sync_failed(make_app, staff_accounts):
    admin, _clerk = staff_accounts
    requests.submit("certificate", "开一张证明")
    app = make_app(county_url=f"http://127.0.0.1:{_closed_port()}", county_token="t",
                   sync_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, admin[0], admin[3])
        assert isinstance(app.screen, StaffHomeScreen)
        # before the first sync nothing is queued: it will send everything
        await wait_until(pilot, lambda: "第一次同步时上传全部记录" in screen_text(app))
        assert "还没有成功过" in screen_text(app) and not Outbox.select().exists()
        app.county_sync.run()  # what the interval does: the county is not there
        await wait_until(pilot, lambda: "连不上" in screen_text(app))
        assert isinstance(app.screen, StaffHomeScreen)  # nobody was taken anywhere
        # syncing is on now: what there is waits in the outbox
        assert f"待上传 {Outbox.select().count()} 行" in screen_text(app)
        assert Outbox.select().where(Outbox.kind == "request").exists()


async def test_without_a_county_there_is_no_status_line(make_app, staff_accounts):
    admin, _clerk = staff_accounts
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, admin[0], admin[3])
        assert not app.screen.query("#sync-status")


async def test_staff_read_the_changes_the_county_overrode(make_app, staff_accounts):
    admin, _clerk = staff_accounts
    key = f"{cards.local_key().key_id}:M007"
    SyncConflict.create(hall=local_hall(), kind="member", key=key, rule="county_wins",
                        lost=json.dumps({"stage": "probationary", "name": "吴九"}),
                        kept=json.dumps({"stage": "candidate", "name": "吴九"}))
    app = make_app(county_url=f"http://127.0.0.1:{_closed_port()}", county_token="t",
                   sync_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, admin[0], admin[3])
        await wait_until(pilot, lambda: "1 处改动以县里的为准" in screen_text(app))
        await pilot.click("#county-sync")
        await wait_until(pilot, lambda: isinstance(app.screen, CountySyncScreen)
                         and app.screen.query_one(DataTable).row_count == 1)
        row = app.screen.query_one(DataTable).get_row_at(0)
        assert row[1:] == [f"党员 {key}", "阶段：预备党员", "阶段：发展对象"]
        await pilot.click("#conflicts-seen")
        await wait_until(pilot, lambda: "已标记为看过" in message(app))
        await wait_until(pilot, lambda: "以县里的为准" not in str(
            app.screen.query_one("#county-state").render()))
        assert SyncConflict.select().count() == 1  # still on record
        await pilot.click("#sync-now")
        await wait_until(pilot, lambda: "连不上" in message(app))



def test_a_second_sync_waits_for_the_first(db):
    """The staff's button while the background sync is still waiting for the county: the
    second is turned away, so the two never send the same rows twice."""
    county = socket.create_server(("127.0.0.1", 0))  # takes the connection, never answers
    url = f"http://127.0.0.1:{county.getsockname()[1]}"
    first = threading.Thread(target=lambda: pytest.raises(sync.SyncError, sync.sync_once,
                                                          url, "t"))
    first.start()
    talking, _address = county.accept()
    with pytest.raises(KioskError, match="正在同步"):
        sync.sync_once(url, "t")
    talking.close()  # the county hangs up: the first sync ends, and keeps why
    first.join(10)
    county.close()
    assert "连不上" in sync.status().error
