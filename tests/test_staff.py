"""Staff accounts: PIN hashing, login, countdown and lockout, roles enforced in the services,
staff cards, and the audit entries all of it leaves."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from kiosk.db.database import database, release
from kiosk.db.models import AuditEntry, HallKey, StaffUser
from kiosk.errors import KioskError
from kiosk.scan import CardPayload
from kiosk.services import audit, cards, staff
from kiosk.services.staff import LoginFailed, NotAllowed

ADMIN_PIN = "48263915"  # eight digits: cannot turn up by chance inside a hex hash or uuid
STAFF_PIN = "73915284"
T0 = dt.datetime(2025, 3, 1, 9, 0, 0)


REAL_SCRYPT = dict(staff._SCRYPT)


@pytest.fixture(autouse=True)
def cheaper_scrypt(monkeypatch):
    """Hashes made in these tests carry a lower scrypt cost (stored in the hash, so checking
    works the same); the test of the stored hash itself puts the real cost back."""
    monkeypatch.setattr(staff, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})


@pytest.fixture
def people(db):
    """An admin A1 and a staff member S1, created by the system (command line)."""
    staff.add_staff(None, "a1", "王主任", "admin", ADMIN_PIN)
    staff.add_staff(None, "S1", "李四", "staff", STAFF_PIN)
    return db


def actions() -> list[str]:
    return [e.action for e in AuditEntry.select().order_by(AuditEntry.seq)]


def last_entry() -> AuditEntry:
    return AuditEntry.select().order_by(AuditEntry.seq.desc()).first()


def all_text(model) -> str:
    """Every value of every row of a table, as one string."""
    rows = model.select().tuples()
    return "\n".join(" ".join(str(v) for v in row) for row in rows)


# --- PINs ----------------------------------------------------------------------------------

def test_pin_is_stored_only_as_an_scrypt_hash(people, monkeypatch):
    monkeypatch.setattr(staff, "_SCRYPT", REAL_SCRYPT)
    staff.reset_pin(None, "S1", "51739264")
    user = StaffUser.get(StaffUser.number == "S1")
    algorithm, n, r, p, salt, digest = user.pin_hash.split("$")
    assert (algorithm, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 32
    with pytest.raises(LoginFailed):
        staff.login("S1", "99999999")
    staff.login("S1", "51739264")
    for pin in (ADMIN_PIN, STAFF_PIN, "51739264"):
        assert pin not in all_text(StaffUser)
        assert pin not in all_text(AuditEntry)


def test_same_pin_hashes_differently():
    a, b = staff.hash_pin("4826"), staff.hash_pin("4826")
    assert a != b
    assert staff.pin_matches("4826", a) and staff.pin_matches("4826", b)
    assert not staff.pin_matches("4827", a)
    assert not staff.pin_matches("4826", "garbage")
    assert not staff.pin_matches("4826", "scrypt$x$y$z$00$00")


@pytest.mark.parametrize("pin", ["4826", "48263915", "1357", "20240"])
def test_pin_rules_accept(pin):
    staff.check_pin_rules(pin)


@pytest.mark.parametrize("pin", [
    "", "482", "482639151", "48a6", "4826 ", "１２３７", "٤٨٢٦", "-482",
    "1111", "00000000", "1234", "0123", "12345678", "4321", "9876", "3456",
])
def test_pin_rules_refuse(pin):
    with pytest.raises(KioskError) as info:
        staff.check_pin_rules(pin)
    assert "密码" in str(info.value)


def test_weak_pin_refused_when_adding_and_resetting(people):
    with pytest.raises(KioskError):
        staff.add_staff(None, "S2", "赵六", "staff", "1234")
    assert StaffUser.get_or_none(StaffUser.number == "S2") is None
    before = StaffUser.get(StaffUser.number == "S1").pin_hash
    with pytest.raises(KioskError):
        staff.reset_pin(None, "S1", "1111")
    assert StaffUser.get(StaffUser.number == "S1").pin_hash == before


# --- login, countdown, lockout --------------------------------------------------------------

def test_login_ok(people):
    session = staff.login(" a1 ", ADMIN_PIN)
    assert (session.number, session.name, session.role) == ("A1", "王主任", "admin")
    assert session.is_admin and session.actor == "staff:A1"
    entry = last_entry()
    assert (entry.action, entry.actor, entry.subject) == ("staff.login", "staff:A1", "A1")
    assert not staff.login("S1", STAFF_PIN).is_admin
    assert audit.verify().ok


def test_wrong_pin_counts_down_then_locks_for_five_minutes(people):
    for left in (4, 3, 2, 1):
        with pytest.raises(LoginFailed) as info:
            staff.login("S1", "11112222", at=T0)
        assert f"还可以再试 {left} 次" in str(info.value)
        assert info.value.locked_until is None
    assert StaffUser.get(StaffUser.number == "S1").failed_attempts == 4
    with pytest.raises(LoginFailed) as info:
        staff.login("S1", "11112222", at=T0)
    assert info.value.locked_until == T0 + dt.timedelta(minutes=5)
    assert "锁定" in str(info.value) and "5 分钟" in str(info.value)
    assert actions()[-5:] == ["staff.login_refused"] * 4 + ["staff.locked"]

    # the right PIN during the lock is refused, and says how long is left
    with pytest.raises(LoginFailed) as info:
        staff.login("S1", STAFF_PIN, at=T0 + dt.timedelta(minutes=3, seconds=30))
    assert "锁定" in str(info.value) and "2 分钟" in str(info.value)
    assert info.value.locked_until == T0 + dt.timedelta(minutes=5)
    with pytest.raises(LoginFailed):
        staff.login("S1", STAFF_PIN, at=T0 + dt.timedelta(minutes=4, seconds=59))
    # the lock is per account
    assert staff.login("A1", ADMIN_PIN, at=T0 + dt.timedelta(minutes=1)).number == "A1"

    session = staff.login("S1", STAFF_PIN, at=T0 + dt.timedelta(minutes=5, seconds=1))
    assert session.number == "S1"
    user = StaffUser.get(StaffUser.number == "S1")
    assert user.failed_attempts == 0 and user.locked_until is None
    assert audit.verify().ok


def test_lock_survives_a_new_connection(people):
    """The count and the lock are in the database, not in memory of one connection."""
    for _ in range(staff.MAX_FAILED):
        with pytest.raises(LoginFailed):
            staff.login("S1", "11112222", at=T0)
    database.close()
    database.connect()
    with pytest.raises(LoginFailed) as info:
        staff.login("S1", STAFF_PIN, at=T0 + dt.timedelta(minutes=1))
    assert info.value.locked_until is not None


def test_good_login_resets_the_count(people):
    for _ in range(3):
        with pytest.raises(LoginFailed):
            staff.login("S1", "11112222", at=T0)
    staff.login("S1", STAFF_PIN, at=T0)
    with pytest.raises(LoginFailed) as info:
        staff.login("S1", "11112222", at=T0)
    assert "还可以再试 4 次" in str(info.value)


def test_admin_reset_pin_unlocks(people):
    for _ in range(staff.MAX_FAILED):
        with pytest.raises(LoginFailed):
            staff.login("S1", "11112222", at=T0)
    admin = staff.login("A1", ADMIN_PIN, at=T0)
    staff.reset_pin(admin, "S1", "51739264")
    assert staff.login("S1", "51739264", at=T0 + dt.timedelta(seconds=10)).number == "S1"
    with pytest.raises(LoginFailed):
        staff.login("S1", STAFF_PIN, at=T0 + dt.timedelta(seconds=20))  # old PIN gone


def test_unknown_and_disabled_accounts_get_the_same_message(people):
    with pytest.raises(LoginFailed) as unknown:
        staff.login("NOBODY", STAFF_PIN)
    staff.set_active(None, "S1", False)
    with pytest.raises(LoginFailed) as disabled:
        staff.login("S1", STAFF_PIN)
    assert str(unknown.value) == str(disabled.value) == "工号或密码不正确"
    assert unknown.value.locked_until is None and disabled.value.locked_until is None
    refused = list(AuditEntry.select().where(AuditEntry.action == "staff.login_refused"))
    assert [e.subject for e in refused] == ["NOBODY", "S1"]
    staff.set_active(None, "S1", True)
    assert staff.login("S1", STAFF_PIN).number == "S1"


def test_concurrent_wrong_pins_all_count(people):
    """Five wrong PINs at once (several kiosks, one account) still lock the account."""
    errors: list[BaseException] = []
    messages: list[str] = []
    start = threading.Barrier(staff.MAX_FAILED)

    def attempt() -> None:
        try:
            start.wait()
            staff.login("S1", "11112222", at=T0)
        except LoginFailed as exc:
            messages.append(str(exc))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            release()

    threads = [threading.Thread(target=attempt) for _ in range(staff.MAX_FAILED)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sum("锁定" in m for m in messages) == 1
    with pytest.raises(LoginFailed) as info:
        staff.login("S1", STAFF_PIN, at=T0 + dt.timedelta(minutes=1))
    assert "锁定" in str(info.value)
    assert audit.verify().ok


def test_logout_is_audited(people):
    session = staff.login("S1", STAFF_PIN)
    staff.logout(session, reason="idle")
    entry = last_entry()
    assert (entry.action, entry.actor, entry.subject) == ("staff.logout", "staff:S1", "S1")
    assert '"idle"' in entry.details


# --- roles ----------------------------------------------------------------------------------

@pytest.fixture
def clerk(people):
    return staff.login("S1", STAFF_PIN)


@pytest.fixture
def admin(people):
    return staff.login("A1", ADMIN_PIN)


def _assert_refused(session, action_name: str) -> None:
    entry = last_entry()
    assert (entry.action, entry.actor, entry.subject) == ("staff.refused", session.actor, action_name)
    assert audit.verify().ok


def test_non_admin_cannot_add_staff(clerk):
    with pytest.raises(NotAllowed):
        staff.add_staff(clerk, "S9", "钱七", "admin", "51739264")
    assert StaffUser.get_or_none(StaffUser.number == "S9") is None
    _assert_refused(clerk, "staff.add")


def test_non_admin_cannot_disable_or_enable(clerk):
    with pytest.raises(NotAllowed):
        staff.set_active(clerk, "A1", False)
    assert StaffUser.get(StaffUser.number == "A1").active
    _assert_refused(clerk, "staff.disable")
    with pytest.raises(NotAllowed):
        staff.set_active(clerk, "A1", True)
    _assert_refused(clerk, "staff.enable")


def test_non_admin_cannot_reset_pins(clerk):
    before = StaffUser.get(StaffUser.number == "A1").pin_hash
    with pytest.raises(NotAllowed):
        staff.reset_pin(clerk, "A1", "51739264")
    assert StaffUser.get(StaffUser.number == "A1").pin_hash == before
    _assert_refused(clerk, "staff.reset_pin")
    with pytest.raises(NotAllowed):
        staff.reset_pin(clerk, "S1", "51739264")  # not even their own
    assert not staff.pin_matches("51739264", StaffUser.get(StaffUser.number == "S1").pin_hash)


def test_non_admin_cannot_issue_cards(clerk, config):
    with pytest.raises(NotAllowed):
        staff.issue_card(clerk, "S1", config.keys_dir)
    assert StaffUser.get(StaffUser.number == "S1").card_serial == 0
    _assert_refused(clerk, "staff.issue_card")


def test_a_forged_admin_session_for_a_staff_role_is_refused(people):
    """The role is taken from the session the service is given, not from a screen."""
    with pytest.raises(NotAllowed):
        staff.require_admin(staff.StaffSession("S1", "李四", "staff"), "anything")


def test_admin_actions_are_audited(admin, config):
    staff.add_staff(admin, "s2", " 赵六 ", "staff", "51739264")
    user = StaffUser.get(StaffUser.number == "S2")
    assert user.name == "赵六" and user.role == "staff" and user.active
    staff.set_active(admin, "S2", False)
    staff.set_active(admin, "S2", True)
    staff.reset_pin(admin, "S2", "62840173")
    staff.issue_card(admin, "S2", config.keys_dir)
    trail = [(e.action, e.actor, e.subject) for e in AuditEntry.select().order_by(AuditEntry.seq)][-5:]
    assert trail == [
        ("staff.add", "staff:A1", "S2"), ("staff.disable", "staff:A1", "S2"),
        ("staff.enable", "staff:A1", "S2"), ("staff.reset_pin", "staff:A1", "S2"),
        ("staff.issue_card", "staff:A1", "S2"),
    ]
    assert audit.verify().ok


def test_admin_cannot_disable_themselves(admin):
    with pytest.raises(KioskError):
        staff.set_active(admin, "a1", False)
    assert StaffUser.get(StaffUser.number == "A1").active


def test_add_staff_checks_its_input(people):
    count = StaffUser.select().count()
    for number, name, role in [
        ("", "张三", "staff"), ("S 1", "张三", "staff"), ("工号1", "张三", "staff"),
        ("S1234567890123", "张三", "staff"), ("S7", "  ", "staff"), ("S7", "张三", "root"),
    ]:
        with pytest.raises(KioskError):
            staff.add_staff(None, number, name, role, "51739264")
    assert StaffUser.select().count() == count


def test_duplicate_staff_number_refused(people):
    with pytest.raises(KioskError) as info:
        staff.add_staff(None, "s1", "另一个", "staff", "51739264")
    assert "已存在" in str(info.value)


def test_unknown_account_in_admin_actions(admin, config):
    for call in (lambda: staff.set_active(admin, "NOPE", False),
                 lambda: staff.reset_pin(admin, "NOPE", "51739264"),
                 lambda: staff.issue_card(admin, "NOPE", config.keys_dir)):
        with pytest.raises(KioskError) as info:
            call()
        assert "NOPE" in str(info.value)


# --- staff cards ----------------------------------------------------------------------------

def test_issued_card_logs_in_and_reissue_revokes_the_old(admin, config):
    first = staff.issue_card(admin, "S1", config.keys_dir)
    assert staff.staff_for_card(first) == "S1"
    assert staff.staff_for_card("  " + first.lower() + "\r\n") == "S1"
    second = staff.issue_card(admin, "S1", config.keys_dir)
    assert second != first
    assert staff.staff_for_card(second) == "S1"
    with pytest.raises(LoginFailed) as info:
        staff.staff_for_card(first)
    assert "工作证" in str(info.value)
    assert last_entry().action == "staff.card_refused" and last_entry().subject == "S1"
    assert StaffUser.get(StaffUser.number == "S1").card_serial == 2


def test_member_card_with_a_staff_number_is_refused(admin, config):
    staff.issue_card(admin, "S1", config.keys_dir)
    member_card = cards.sign_card(config.keys_dir, "M", "S1", 1, dt.date.today())
    assert cards.verify_card(member_card).kind == "M"  # a good card, of the wrong kind
    with pytest.raises(LoginFailed):
        staff.staff_for_card(member_card)


def test_card_of_a_disabled_account_is_refused(admin, config):
    card = staff.issue_card(admin, "S1", config.keys_dir)
    staff.set_active(admin, "S1", False)
    with pytest.raises(LoginFailed):
        staff.staff_for_card(card)
    staff.set_active(admin, "S1", True)
    assert staff.staff_for_card(card) == "S1"


def test_garbage_is_not_a_staff_card(people):
    for text in ["", "hello", "VK1S", "VK1TABCD.ABCDEFGHIJKLMNOP", "x" * 600]:
        with pytest.raises(LoginFailed):
            staff.staff_for_card(text)
        assert last_entry().action == "staff.card_refused"


def test_card_with_a_tampered_serial_is_refused(admin, config):
    staff.issue_card(admin, "S1", config.keys_dir)
    card = staff.issue_card(admin, "S1", config.keys_dir)
    payload = cards.verify_card(card)
    forged = CardPayload("S", payload.key_id, "S1", 1, payload.issued, payload.signature).text
    with pytest.raises(LoginFailed):
        staff.staff_for_card(forged)


def test_staff_card_signed_by_another_halls_key_is_refused(admin, config, tmp_path):
    """Another hall's public key is imported so that its MEMBER cards verify here; its staff
    cards must not open this hall's staff login."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    public_raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key_id = cards.key_id_of(public_raw)
    HallKey.create(key_id=key_id, hall_name="邻村", public_key=public_raw, is_local=False)
    staff.issue_card(admin, "S1", config.keys_dir)  # S1 holds card serial 1 here
    unsigned = CardPayload("S", key_id, "S1", 1, dt.date.today(), "")
    signature = cards._b32(private.sign(unsigned.signed_text.encode()))
    foreign = CardPayload("S", key_id, "S1", 1, dt.date.today(), signature).text
    assert cards.verify_card(foreign).key_id == key_id  # a genuine card of the other hall
    with pytest.raises(LoginFailed):
        staff.staff_for_card(foreign)


def test_system_may_act_without_a_session(people, config):
    """Session None is the command line / first set-up; it is audited as "system"."""
    staff.issue_card(None, "S1", config.keys_dir)
    assert (last_entry().action, last_entry().actor) == ("staff.issue_card", "system")


def test_list_staff(people):
    assert [u.number for u in staff.list_staff()] == ["A1", "S1"]
