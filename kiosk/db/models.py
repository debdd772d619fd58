"""The hall's data. Rows a hall creates carry a UUID and the hall's id, so that a county
server can later merge many halls without collisions; history is appended, not overwritten.

Stored codes are ASCII (stable for exports and sync); labels for people live in
`kiosk.services.labels`.
"""

from __future__ import annotations

import datetime as dt
import uuid

import peewee as pw

from kiosk.db.database import database


def now() -> dt.datetime:
    """Local wall-clock time, second precision (what the hall's clock shows)."""
    return dt.datetime.now().replace(microsecond=0)


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False


class Meta(BaseModel):
    """Key/value facts about the database itself (schema version, audit head...)."""

    key = pw.CharField(primary_key=True, max_length=64)
    value = pw.TextField()

    @classmethod
    def put(cls, key: str, value: str) -> None:
        cls.insert(key=key, value=value).on_conflict(
            conflict_target=[cls.key], update={cls.value: value}
        ).execute()


class Hall(BaseModel):
    id = pw.UUIDField(primary_key=True, default=uuid.uuid4)
    name = pw.CharField(max_length=100)
    is_local = pw.BooleanField(default=False)  # the hall this database belongs to
    created = pw.DateTimeField(default=now)


class HallKey(BaseModel):
    """Ed25519 public keys that sign cards; the local hall's private key lives in a file."""

    key_id = pw.CharField(primary_key=True, max_length=16)
    hall_name = pw.CharField(max_length=100)
    public_key = pw.BlobField()
    is_local = pw.BooleanField(default=False)
    added = pw.DateTimeField(default=now)


class Branch(BaseModel):
    hall = pw.ForeignKeyField(Hall, backref="branches")
    name = pw.CharField(max_length=100)
    parent = pw.ForeignKeyField("self", null=True, backref="children")


STAGES = ("applicant", "activist", "candidate", "probationary", "full")
STATUSES = ("normal", "flowed_out", "flowed_in", "transferred_out", "deceased")


class Member(BaseModel):
    number = pw.CharField(max_length=20, index=True)  # upper-case letters and digits
    # whose key signs the member's cards: "" this hall's, else another hall's key id (a
    # member from elsewhere, added when their card is first scanned here)
    card_key = pw.CharField(max_length=16, default="")
    name = pw.CharField(max_length=50)
    name_initials = pw.CharField(max_length=20, default="", index=True)  # pinyin, e.g. "zs"
    sex = pw.CharField(max_length=1, default="")  # M / F
    birth_date = pw.DateField(null=True)
    phone = pw.CharField(max_length=20, default="")
    id_number = pw.CharField(max_length=18, default="")
    branch = pw.ForeignKeyField(Branch, backref="members")
    stage = pw.CharField(max_length=16, default="full", index=True)
    status = pw.CharField(max_length=16, default="normal", index=True)
    applied_on = pw.DateField(null=True)
    activist_on = pw.DateField(null=True)
    candidate_on = pw.DateField(null=True)
    probation_on = pw.DateField(null=True)
    full_on = pw.DateField(null=True)
    address = pw.CharField(max_length=200, default="")
    home_org = pw.CharField(max_length=100, default="")  # for members who flowed in
    created = pw.DateTimeField(default=now)

    class Meta:
        indexes = (
            (("card_key", "number"), True),
            # who is expected at meetings, by branch: read from the index alone (reports)
            (("stage", "status", "card_key", "branch"), False),
        )


class MemberStageChange(BaseModel):
    id = pw.UUIDField(primary_key=True, default=uuid.uuid4)
    hall = pw.ForeignKeyField(Hall)
    member = pw.ForeignKeyField(Member, backref="stage_changes")
    from_stage = pw.CharField(max_length=16, default="")
    to_stage = pw.CharField(max_length=16)
    on = pw.DateField()
    note = pw.TextField(default="")  # e.g. probation extended, and why
    recorded = pw.DateTimeField(default=now)


class FlowRecord(BaseModel):
    id = pw.UUIDField(primary_key=True, default=uuid.uuid4)
    hall = pw.ForeignKeyField(Hall)
    member = pw.ForeignKeyField(Member, backref="flows")
    direction = pw.CharField(max_length=3)  # out / in
    place = pw.CharField(max_length=200)  # destination (out) or origin (in)
    since = pw.DateField()
    until = pw.DateField(null=True)
    reason = pw.CharField(max_length=200, default="")
    contact = pw.CharField(max_length=100, default="")
    holds_flow_certificate = pw.BooleanField(default=False)  # 流动党员活动证
    recorded = pw.DateTimeField(default=now)


class Card(BaseModel):
    member = pw.ForeignKeyField(Member, backref="cards")
    serial = pw.IntegerField()
    key_id = pw.CharField(max_length=16)
    issued = pw.DateField()
    revoked = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("member", "serial"), True),)


ROLES = ("staff", "admin")


class StaffUser(BaseModel):
    number = pw.CharField(unique=True, max_length=20)
    name = pw.CharField(max_length=50)
    role = pw.CharField(max_length=10, default="staff")
    pin_hash = pw.CharField(max_length=200)
    failed_attempts = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)
    active = pw.BooleanField(default=True)
    card_serial = pw.IntegerField(default=0)  # 0: no card issued
    created = pw.DateTimeField(default=now)


EVENT_TYPES = ("branch_assembly", "committee", "group", "lecture", "theme_day", "other")


class Event(BaseModel):
    branch = pw.ForeignKeyField(Branch, backref="events")
    type = pw.CharField(max_length=20)
    title = pw.CharField(max_length=200)
    place = pw.CharField(max_length=200, default="")
    start = pw.DateTimeField()
    end = pw.DateTimeField()
    signin_opens = pw.DateTimeField()
    signin_closes = pw.DateTimeField()
    status = pw.CharField(max_length=10, default="planned")  # planned / closed / cancelled
    minutes = pw.TextField(default="")
    created = pw.DateTimeField(default=now)
    # 应到: how many were expected, counted when it is created and again when its first
    # member is recorded; from then on a fact of the meeting (kiosk.services.events)
    expected = pw.IntegerField(default=0, constraints=[pw.SQL("DEFAULT 0")])


ATTENDANCE_KINDS = ("present", "assisted", "leave", "remote")


class Attendance(BaseModel):
    id = pw.UUIDField(primary_key=True, default=uuid.uuid4)
    hall = pw.ForeignKeyField(Hall)
    event = pw.ForeignKeyField(Event, backref="attendance")
    member = pw.ForeignKeyField(Member, backref="attendance")
    kind = pw.CharField(max_length=10)
    time = pw.DateTimeField(default=now)
    late = pw.BooleanField(default=False)
    reason = pw.TextField(default="")
    assisted_by = pw.ForeignKeyField(StaffUser, null=True)
    home_org = pw.CharField(max_length=100, default="")  # for members from elsewhere
    # the member was expected at the meeting when recorded (not a visitor): for 缺席
    on_roll = pw.BooleanField(default=True, constraints=[pw.SQL("DEFAULT TRUE")])

    class Meta:
        indexes = (
            (("event", "member"), True),  # one row per member and event, ever
            # each meeting's 实到 / 请假 / 迟到 / 缺席, counted from the index alone (reports)
            (("event", "kind", "on_roll", "late"), False),
        )


class ScanLog(BaseModel):
    id = pw.UUIDField(primary_key=True, default=uuid.uuid4)
    hall = pw.ForeignKeyField(Hall)
    time = pw.DateTimeField(default=now, index=True)
    kind = pw.CharField(max_length=1, default="")  # M / S / T, empty when unreadable
    subject = pw.CharField(max_length=40, default="")  # member or staff number, ticket
    result = pw.CharField(max_length=20)
    event = pw.ForeignKeyField(Event, null=True)


NOTICE_CATEGORIES = ("party", "village", "finance", "policy", "activity")


class Notice(BaseModel):
    id = pw.UUIDField(primary_key=True, default=uuid.uuid4)
    hall = pw.ForeignKeyField(Hall)
    number = pw.IntegerField(unique=True)  # short number shown to residents
    category = pw.CharField(max_length=10, index=True)
    title = pw.CharField(max_length=200)
    body = pw.TextField()  # Markdown
    pinned = pw.BooleanField(default=False)
    valid_from = pw.DateField(null=True)
    valid_until = pw.DateField(null=True)
    status = pw.CharField(max_length=10, default="draft", index=True)  # draft/published/retracted
    version = pw.IntegerField(default=1)
    published = pw.DateTimeField(null=True, index=True)
    retracted = pw.DateTimeField(null=True)
    retract_reason = pw.TextField(default="")
    retracted_by_role = pw.CharField(max_length=10, default="")
    created = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("pinned", "published"), False),)  # the board: pinned first, then newest


class NoticeVersion(BaseModel):
    id = pw.UUIDField(primary_key=True, default=uuid.uuid4)
    hall = pw.ForeignKeyField(Hall)
    notice = pw.ForeignKeyField(Notice, backref="versions")
    version = pw.IntegerField()
    title = pw.CharField(max_length=200)
    body = pw.TextField()
    category = pw.CharField(max_length=10)
    valid_from = pw.DateField(null=True)
    valid_until = pw.DateField(null=True)
    changed = pw.DateTimeField(default=now)
    changed_by_role = pw.CharField(max_length=10)
    note = pw.TextField(default="")  # why it was changed (required from version 2 on)

    class Meta:
        indexes = ((("notice", "version"), True),)


REQUEST_CATEGORIES = (
    "certificate", "policy", "dispute", "sanitation", "utilities", "member", "suggestion", "other",
)
REQUEST_STATUSES = ("received", "in_progress", "closed")
VERDICTS = ("satisfied", "mostly_satisfied", "unsatisfied")


class Request(BaseModel):
    id = pw.UUIDField(primary_key=True, default=uuid.uuid4)
    hall = pw.ForeignKeyField(Hall)
    ticket = pw.CharField(unique=True, max_length=20)
    secret = pw.CharField(max_length=32)  # carried by the ticket QR only
    category = pw.CharField(max_length=12)
    text = pw.TextField(default="")
    needs_help = pw.BooleanField(default=False)  # 请工作人员协助填写
    phone = pw.CharField(max_length=20, default="")
    status = pw.CharField(max_length=12, default="received", index=True)
    reply = pw.TextField(default="")
    assigned_to = pw.ForeignKeyField(StaffUser, null=True)
    verdict = pw.CharField(max_length=20, default="")
    verdict_comment = pw.TextField(default="")
    reopened = pw.IntegerField(default=0)  # times reopened (by 不满意 or by staff)
    failed_lookups = pw.IntegerField(default=0)  # wrong phone digits in a row
    lookup_locked_until = pw.DateTimeField(null=True)
    created = pw.DateTimeField(default=now)
    updated = pw.DateTimeField(default=now)
    closed = pw.DateTimeField(null=True)


class HelpCall(BaseModel):
    """A 呼叫工作人员 press; staff acknowledge it."""

    id = pw.UUIDField(primary_key=True, default=uuid.uuid4)
    hall = pw.ForeignKeyField(Hall)
    time = pw.DateTimeField(default=now)
    place = pw.CharField(max_length=50, default="")  # the screen it was raised from
    acknowledged = pw.DateTimeField(null=True)
    acknowledged_by = pw.ForeignKeyField(StaffUser, null=True)


PRINT_STATUSES = ("queued", "sending", "printed", "failed", "cancelled")


class PrintJob(BaseModel):
    """A receipt to print; see kiosk.services.printing for how its status moves."""

    id = pw.UUIDField(primary_key=True, default=uuid.uuid4)
    hall = pw.ForeignKeyField(Hall)
    kind = pw.CharField(max_length=20)
    document = pw.TextField()  # the receipt document, JSON
    status = pw.CharField(max_length=10, default="queued", index=True)
    attempts = pw.IntegerField(default=0)
    next_try = pw.DateTimeField(null=True)
    last_error = pw.TextField(default="")
    created = pw.DateTimeField(default=now)
    queued = pw.DateTimeField(default=dt.datetime.now, index=True)  # jobs print in this order
    printed = pw.DateTimeField(null=True)
    printer = pw.CharField(max_length=200, default="")  # where it was last sent
    copy_of = pw.ForeignKeyField("self", null=True)  # a reprint's original


class Dues(BaseModel):
    id = pw.UUIDField(primary_key=True, default=uuid.uuid4)
    hall = pw.ForeignKeyField(Hall)
    member = pw.ForeignKeyField(Member, backref="dues")
    first_month = pw.CharField(max_length=7)  # YYYY-MM
    months = pw.IntegerField()  # negative with `reverses` for a correction
    amount = pw.DecimalField(max_digits=10, decimal_places=2)
    receipt_no = pw.CharField(unique=True, max_length=30)
    received_by = pw.ForeignKeyField(StaffUser, null=True)
    reverses = pw.ForeignKeyField("self", null=True)
    time = pw.DateTimeField(default=now)


class ReportCommentary(BaseModel):
    """Staff's own words saved with a report (kind, period, branch): numbers never stand alone.
    `branch` None is the report over all branches; the audit log keeps every wording."""

    id = pw.UUIDField(primary_key=True, default=uuid.uuid4)
    hall = pw.ForeignKeyField(Hall)
    kind = pw.CharField(max_length=20)
    period = pw.CharField(max_length=30)  # e.g. 2026-11, 2026-Q4, 2026, 2026-01-05~2026-02-20
    branch = pw.ForeignKeyField(Branch, null=True)
    text = pw.TextField(default="")
    written_by = pw.ForeignKeyField(StaffUser, null=True)
    updated = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("hall", "kind", "period", "branch"), False),)


class AuditEntry(BaseModel):
    """One link of the hash chain; see kiosk.services.audit."""

    id = pw.UUIDField(primary_key=True, default=uuid.uuid4)
    hall = pw.ForeignKeyField(Hall)
    seq = pw.IntegerField(unique=True)
    time = pw.DateTimeField(default=now)
    actor = pw.CharField(max_length=60)  # "staff:S001", "system", "resident"
    action = pw.CharField(max_length=60)
    subject = pw.CharField(max_length=100, default="")
    details = pw.TextField(default="{}")  # JSON
    prev_hash = pw.CharField(max_length=64)
    hash = pw.CharField(max_length=64)


# --- county sync (kiosk.services.sync on a hall, kiosk.services.county on the county) ----

class NeverReusedField(pw.AutoField):
    """An id never handed out twice, even once its table is empty: AUTOINCREMENT on SQLite
    (which otherwise hands out the largest id left + 1); PostgreSQL's sequence is so already."""

    def ddl(self, ctx):
        column, db = super().ddl(ctx), self.model._meta.database
        if isinstance(getattr(db, "obj", db), pw.SqliteDatabase):  # bound, or the proxy's
            return pw.NodeList((column, pw.SQL("AUTOINCREMENT")))
        return column


class Outbox(BaseModel):
    """Rows a hall made or changed and the county has not taken yet: filled by triggers
    (kiosk.db.outbox) in the same transaction as the change, once syncing is switched on,
    emptied in `seq` order."""

    seq = NeverReusedField()
    kind = pw.CharField(max_length=30)  # the table
    key = pw.CharField(max_length=40)  # the row's primary key, as text


class SyncVersion(BaseModel):
    """Hall side: the county's version of a shared record (a member, a card) this hall
    last saw, sent with the hall's own change so the county can tell a conflict."""

    kind = pw.CharField(max_length=30)
    key = pw.CharField(max_length=80)
    version = pw.IntegerField()

    class Meta:
        primary_key = pw.CompositeKey("kind", "key")


class SyncConflict(BaseModel):
    """A change that lost to another (both sides keep these; staff see them)."""

    id = pw.UUIDField(primary_key=True, default=uuid.uuid4)
    hall = pw.ForeignKeyField(Hall, null=True)  # the hall whose change lost
    kind = pw.CharField(max_length=30)
    key = pw.CharField(max_length=80)
    lost = pw.TextField()  # JSON: the values that were not kept
    kept = pw.TextField()  # JSON: the values that won
    rule = pw.CharField(max_length=30)  # e.g. county_wins
    time = pw.DateTimeField(default=now)
    seen = pw.BooleanField(default=False)


class HallAccount(BaseModel):
    """County side: a hall allowed to sync, with its token (only a hash is kept). The
    hall's own id is bound at its first sync."""

    name = pw.CharField(max_length=100, unique=True)
    token_hash = pw.CharField(max_length=64, unique=True)
    hall = pw.ForeignKeyField(Hall, null=True, unique=True)
    created = pw.DateTimeField(default=now)
    revoked = pw.DateTimeField(null=True)
    last_seen = pw.DateTimeField(null=True)
    backlog = pw.IntegerField(default=0)  # rows waiting at the hall, as it last said


class CountyRecord(BaseModel):
    """County side: one row of a hall (or of the county) as JSON, keyed by kind and the
    row's id (a UUID, or a natural key for members, cards and keys). Rows that other halls
    may pull get `change_seq`, the change cursor."""

    kind = pw.CharField(max_length=30)
    key = pw.CharField(max_length=80)
    hall = pw.ForeignKeyField(Hall, null=True, index=True)  # owner; None: the county's own
    data = pw.TextField()
    version = pw.IntegerField(default=1)
    written_by = pw.UUIDField(null=True)  # the hall that wrote it last; None: the county
    change_seq = pw.BigIntegerField(null=True, index=True)
    member_key = pw.CharField(max_length=60, null=True, index=True)
    audience = pw.UUIDField(null=True, index=True)  # another hall that may pull it
    received = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("kind", "key"), True),)


ALL_MODELS = [
    Meta, Hall, HallKey, Branch, Member, MemberStageChange, FlowRecord, Card, StaffUser,
    Event, Attendance, ScanLog, Notice, NoticeVersion, Request, HelpCall, PrintJob, Dues,
    AuditEntry, ReportCommentary, Outbox, SyncVersion, SyncConflict, HallAccount, CountyRecord,
]
