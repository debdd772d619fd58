"""How the residents' request screens look at 100x30. Update after a deliberate change with
`pytest tests/test_request_snapshots.py --snapshot-update`, then look at the SVGs."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from pilot_helpers import settle

from kiosk.db.models import Request
from kiosk.screens.request_status import RequestStatusScreen
from kiosk.services import requests
from kiosk.services.staff import StaffSession

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

CLOSED = requests.TicketView(
    ticket="Q123456", proof="VK1TQ123456.ABCDEFGHIJKLMNOPQRST", category="utilities",
    text="村口路灯坏了两个星期了，晚上走路看不见", needs_help=False, phone="138****8000",
    status="closed", reply="已联系电工，周五前修好", verdict="", reopened=0,
    created=dt.datetime(2026, 11, 20, 9, 5), updated=dt.datetime(2026, 11, 25, 16, 30),
    closed=dt.datetime(2026, 11, 25, 16, 30))


def _open(*clicks: str):
    async def run_before(pilot):
        await pilot.press("3")
        await settle(pilot)
        for selector in clicks:
            await pilot.click(selector)
            await settle(pilot)
    return run_before


def test_categories(make_app, snap_compare):
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=_open())


def test_form(make_app, snap_compare):
    assert snap_compare(make_app(), terminal_size=(100, 30),
                        run_before=_open("#category-utilities", "#phrase-0"))


def test_lookup(make_app, snap_compare):
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=_open("#open-status"))


@pytest.mark.parametrize("view", [
    CLOSED, replace(CLOSED, status="in_progress", verdict="unsatisfied", reopened=1, closed=None),
], ids=["closed", "reopened"])
def test_status(make_app, snap_compare, view):
    async def show(pilot):
        await pilot.app.push_screen(RequestStatusScreen(view))
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=show)


def test_statistics(make_app, staff_accounts, snap_compare):
    clerk = StaffSession("8002", "李秀英", "staff")
    for days, category, verdict in ((3, "utilities", "satisfied"), (5, "sanitation", "mostly_satisfied"),
                                    (0, "utilities", "")):
        view = requests.submit(category, "说明")
        request_id = Request.get(Request.ticket == view.ticket).id
        if days:
            requests.reply(clerk, request_id, "已办")
            requests.close(clerk, request_id)
            requests.give_verdict(view.proof, verdict)
        Request.update(created=dt.datetime(2026, 11, 2, 9),
                       closed=dt.datetime(2026, 11, 2 + days, 9) if days else None) \
            .where(Request.id == request_id).execute()
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=_open("#open-stats"))
