"""Staff-only and admin-only work is refused by the services themselves, whatever screen or
bug asks for it, with a plain message and an entry in the audit log. (PIN lockout and the
staff idle logout are proven in test_staff.py and test_staff_screens.py.)"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from conftest import CLERK
from pilot_helpers import log_in, message, settle, wait_until
from test_backup import dump
from textual.widgets import Input

import kiosk.services
from kiosk.db.models import AuditEntry, StaffUser
from kiosk.screens.staff.accounts import StaffAccountsScreen
from kiosk.services import audit, staff
from kiosk.services.staff import NotAllowed

PIN = "48263915"
# The checks come before any query, so the engine makes no difference (and the refused
# calls write nothing but the audit entry, on either).
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


NOT_A_PERMISSION = {"staff.logout"}  # ending a session needs one, and grants nothing


def staff_services() -> list:
    """Every service function whose first argument is a (required) staff session, and the
    notice board's, which say `| None` but mean staff only. A new one is covered without
    editing this test."""
    found = []
    for info in pkgutil.iter_modules(kiosk.services.__path__, "kiosk.services."):
        module = importlib.import_module(info.name)
        for name, func in inspect.getmembers(module, inspect.isfunction):
            params = list(inspect.signature(func).parameters.values())
            if func.__module__ != module.__name__ or name.startswith("_") or not params:
                continue
            first, label = params[0], f"{module.__name__.rsplit('.', 1)[1]}.{name}"
            if first.name == "session" and label not in NOT_A_PERMISSION and (
                    first.annotation == "StaffSession" or module.__name__.endswith(".notices")):
                found.append(pytest.param(func, id=label))
    return found


def call_with_nothing(func, session):
    """Call with `session` and None for every other required argument: the session check
    must come first, before any of them is looked at."""
    args, kwargs = [], {}
    for param in list(inspect.signature(func).parameters.values())[1:]:
        if param.default is not param.empty:
            continue
        if param.kind == param.KEYWORD_ONLY:
            kwargs[param.name] = None
        else:
            args.append(None)
    return func(session, *args, **kwargs)


AUDIT_TABLES = ("audit_entry", "meta", "outbox")  # the log, its head, its queue to the county


def everything_but_the_audit_log(db) -> dict:
    return {table: rows for table, rows in dump(db).items() if table not in AUDIT_TABLES}


def test_the_staff_services_are_found():
    names = {p.id for p in staff_services()}
    assert {"members.add_member", "events.mark", "requests.reply", "dues.pay",
            "help.acknowledge", "notices.publish", "notices.retract"} <= names


@sqlite_only
@pytest.mark.parametrize("func", staff_services())
def test_staff_services_refuse_without_a_login(db, func):
    before = everything_but_the_audit_log(db)
    with pytest.raises(NotAllowed, match="请先登录工作人员账号"):
        call_with_nothing(func, None)
    entry = AuditEntry.select().order_by(AuditEntry.seq.desc()).first()
    assert (entry.action, entry.actor) == ("staff.refused", "anonymous")
    assert entry.subject.split(".")[0] in func.__module__ and '"no_session"' in entry.details
    assert everything_but_the_audit_log(db) == before
    assert audit.verify().ok


@sqlite_only
@pytest.mark.parametrize("change", ["disable", "demote"])
def test_an_admin_changed_since_logging_in_is_refused(db, change):
    staff.add_staff(None, "A1", "王主任", "admin", PIN)
    staff.add_staff(None, "A2", "赵书记", "admin", PIN)
    first, second = staff.login("A1", PIN), staff.login("A2", PIN)
    if change == "disable":
        staff.set_active(second, "A1", False)
    else:
        StaffUser.update(role="staff").where(StaffUser.number == "A1").execute()
    with pytest.raises(NotAllowed, match="请退出后重新登录"):
        staff.add_staff(first, "S9", "钱七", "admin", PIN)  # a session still open on screen
    assert not StaffUser.select().where(StaffUser.number == "S9").exists()
    entry = AuditEntry.select().order_by(AuditEntry.seq.desc()).first()
    assert (entry.action, entry.actor, entry.subject) == ("staff.refused", "staff:A1", "staff.add")
    assert '"account_changed"' in entry.details


@sqlite_only
async def test_a_clerk_on_the_accounts_screen_is_refused_by_the_service(make_app, staff_accounts):
    """The accounts tile is hidden from staff; a clerk who reaches the screen anyway (a
    bug, a shortcut) still cannot add an admin."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await log_in(pilot, CLERK[0], CLERK[3])
        assert app.staff_session.role == "staff"
        assert not app.screen.query("#area-accounts")  # the hidden button
        await app.push_screen(StaffAccountsScreen())
        await settle(pilot)
        for field, value in (("#add-number", "8009"), ("#add-name", "钱七"), ("#add-pin", PIN)):
            app.screen.query_one(field, Input).value = value
        await pilot.click("#add")
        await wait_until(pilot, lambda: "只有管理员" in message(app))
    assert not StaffUser.select().where(StaffUser.number == "8009").exists()
    entry = AuditEntry.select().where(AuditEntry.action == "staff.refused").get()
    assert (entry.actor, entry.subject) == (f"staff:{CLERK[0]}", "staff.add")
