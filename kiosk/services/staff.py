"""Staff accounts: PINs under scrypt, lockout after five wrong PINs, roles checked here
(not only by hiding buttons), and every action and refusal in the audit log."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

from kiosk.db.database import write_lock
from kiosk.db.models import ROLES, HallKey, StaffUser, now
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.services import audit, cards
from kiosk.services.cards import CardRejected

MAX_FAILED = 5
LOCKOUT = dt.timedelta(minutes=5)
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        actual = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), dklen=32,
                                n=int(n), r=int(r), p=int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual.hex(), digest)


def check_pin_rules(pin: str) -> None:
    if not (pin.isdigit() and pin.isascii() and 4 <= len(pin) <= 8):
        raise KioskError(_("密码应为 4 到 8 位数字"))
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise KioskError(_("密码太容易被猜到（如 1111、1234），请换一个"))


@dataclass(frozen=True)
class StaffSession:
    number: str
    name: str
    role: str

    @property
    def actor(self) -> str:
        return f"staff:{self.number}"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class LoginFailed(KioskError):
    """Wrong number or PIN, a locked or disabled account. The message is for the screen."""

    def __init__(self, message: str, locked_until: dt.datetime | None = None):
        super().__init__(message)
        self.locked_until = locked_until


class NotAllowed(KioskError):
    pass


def login(number: str, pin: str, at: dt.datetime | None = None) -> StaffSession:
    """Check a PIN. Refusals are committed (attempt count, lock, audit) before raising."""
    at = at or now()
    number = number.strip().upper()
    if not (number.isascii() and number.isalnum()):  # never a staff number (and PostgreSQL
        number = ""  # refuses a NUL): refused as unknown
    # write_lock, not a plain transaction: attempts on one account from several threads
    # must count one after the other (and a read-then-write SQLite transaction could not
    # take the write lock while another attempt holds it: "database is locked").
    with write_lock():
        user = StaffUser.get_or_none(StaffUser.number == number)
        refusal = _refusal(user, number, pin, at)
        if refusal is None:
            user.failed_attempts = 0
            user.locked_until = None
            user.save()
            audit.record("staff.login", actor=f"staff:{number}", subject=number)
    if refusal is not None:
        raise refusal
    return StaffSession(user.number, user.name, user.role)


def _refusal(user: StaffUser | None, number: str, pin: str, at: dt.datetime) -> LoginFailed | None:
    if user is None or not user.active:
        audit.record("staff.login_refused", subject=number, reason="unknown_or_disabled")
        return LoginFailed(_("工号或密码不正确"))
    if user.locked_until and user.locked_until > at:
        audit.record("staff.login_refused", subject=number, reason="locked")
        return LoginFailed(_locked_message(user.locked_until, at), user.locked_until)
    if pin_matches(pin, user.pin_hash):
        return None
    user.failed_attempts += 1
    if user.failed_attempts >= MAX_FAILED:
        user.failed_attempts = 0
        user.locked_until = at + LOCKOUT
        user.save()
        audit.record("staff.locked", subject=number, until=user.locked_until)
        return LoginFailed(_locked_message(user.locked_until, at), user.locked_until)
    user.save()
    audit.record("staff.login_refused", subject=number, reason="wrong_pin")
    return LoginFailed(_("工号或密码不正确，还可以再试 {tries} 次").format(
        tries=MAX_FAILED - user.failed_attempts))


def _locked_message(until: dt.datetime, at: dt.datetime) -> str:
    minutes = max(1, -(-int((until - at).total_seconds()) // 60))
    return _("密码错误次数太多，该账号已锁定，请 {minutes} 分钟后再试").format(minutes=minutes)


def staff_for_card(text: str) -> str:
    """The staff number on a valid, current staff card (the PIN is still asked for)."""
    try:
        payload = cards.verify_card(text)
    except CardRejected:
        payload = None
    user = StaffUser.get_or_none(StaffUser.number == payload.number) if payload else None
    # Other halls' public keys are imported to read their MEMBER cards; a staff card must be
    # signed with this hall's own key.
    own_key = payload is not None and HallKey.select().where(
        (HallKey.key_id == payload.key_id) & (HallKey.is_local == True)).exists()  # noqa: E712
    if payload is None or payload.kind != "S" or not own_key or user is None or not user.active \
            or payload.serial != user.card_serial:
        audit.record("staff.card_refused", subject=payload.number if payload else "")
        raise LoginFailed(_("这张工作证无效或已停用，请输入工号和密码"))
    return user.number


def logout(session: StaffSession, reason: str = "manual") -> None:
    audit.record("staff.logout", actor=session.actor, subject=session.number, reason=reason)


def _refuse(session: StaffSession | None, action: str, reason: str, message: str) -> NotAllowed:
    """Audit a refusal (committed at once, whatever the caller does next)."""
    actor = session.actor if session else "anonymous"
    audit.record("staff.refused", actor=actor, subject=action, reason=reason)
    return NotAllowed(message)


def require_staff(session: StaffSession | None, action: str) -> None:
    """Refuse what only logged-in staff may do, when it is asked for without a login (a
    public screen, a bug): the service checks, not only the screens that offer it."""
    if session is None:
        raise _refuse(None, action, "no_session", _("请先登录工作人员账号"))


def staff_only(action: str):
    """Decorate a service function whose first argument is the staff session."""
    def decorate(func):
        @functools.wraps(func)
        def checked(session, *args, **kwargs):
            require_staff(session, action)
            return func(session, *args, **kwargs)
        return checked
    return decorate


def require_admin(session: StaffSession | None, action: str) -> None:
    """The session's account must be an active admin now, in the database: an admin who was
    disabled or made ordinary staff since logging in is refused too."""
    if session is None or not session.is_admin:
        raise _refuse(session, action, "not_admin", _("只有管理员可以做这件事，请找管理员"))
    user = StaffUser.get_or_none(StaffUser.number == session.number)
    if user is None or not user.active or user.role != "admin":
        raise _refuse(session, action, "account_changed",
                      _("您的账号已被停用或不再是管理员，请退出后重新登录"))


def add_staff(session: StaffSession | None, number: str, name: str, role: str, pin: str) -> StaffUser:
    """Add an account. `session` None means the command line or first set-up (system)."""
    actor = session.actor if session else "system"
    if session is not None:
        require_admin(session, "staff.add")
    number, name = number.strip().upper(), name.strip()
    if not (number.isascii() and number.isalnum() and 1 <= len(number) <= 12):
        raise KioskError(_("工号应为 1 到 12 位字母或数字"))
    if not name:
        raise KioskError(_("姓名不能为空"))
    if role not in ROLES:
        raise KioskError(_("角色应为 {roles}").format(roles=_(" 或 ").join(ROLES)))
    check_pin_rules(pin)
    with write_lock():
        if StaffUser.select().where(StaffUser.number == number).exists():
            raise KioskError(_("工号 {number} 已存在").format(number=number))
        user = StaffUser.create(number=number, name=name, role=role, pin_hash=hash_pin(pin))
        audit.record("staff.add", actor=actor, subject=number, role=role)
    return user


def _get(number: str) -> StaffUser:
    user = StaffUser.get_or_none(StaffUser.number == number.strip().upper())
    if user is None:
        raise KioskError(_("没有工号为 {number} 的工作人员").format(number=number))
    return user


def set_active(session: StaffSession | None, number: str, active: bool) -> None:
    actor = session.actor if session else "system"
    if session is not None:
        require_admin(session, "staff.disable" if not active else "staff.enable")
        if session.number == number.strip().upper() and not active:
            raise KioskError(_("不能停用自己正在使用的账号"))
    with write_lock():
        user = _get(number)
        user.active = active
        user.save()
        audit.record("staff.enable" if active else "staff.disable", actor=actor, subject=user.number)


def reset_pin(session: StaffSession | None, number: str, pin: str) -> None:
    actor = session.actor if session else "system"
    if session is not None:
        require_admin(session, "staff.reset_pin")
    check_pin_rules(pin)
    with write_lock():
        user = _get(number)
        user.pin_hash = hash_pin(pin)
        user.failed_attempts = 0
        user.locked_until = None
        user.save()
        audit.record("staff.reset_pin", actor=actor, subject=user.number)


def issue_card(session: StaffSession | None, number: str, keys_dir: Path) -> str:
    """Issue a new staff card (older cards stop working); returns its payload."""
    actor = session.actor if session else "system"
    if session is not None:
        require_admin(session, "staff.issue_card")
    with write_lock():
        user = _get(number)
        user.card_serial += 1
        user.save()
        payload = cards.sign_card(keys_dir, "S", user.number, user.card_serial, now().date())
        audit.record("staff.issue_card", actor=actor, subject=user.number, serial=user.card_serial)
    return payload


def list_staff() -> list[StaffUser]:
    return list(StaffUser.select().order_by(StaffUser.number))
