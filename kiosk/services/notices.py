"""The public notice board (党务/村务/财务公开).

Transparency: a published notice is never changed in place. Each edit adds a version, a
retracted notice stays on the board's archive with its reason, and publishing, editing and
retracting are entries in the audit log that carry a digest of the published text, so
`verify_versions` finds any change made behind the board's back.

Drafts are not public: a draft has one version that changes with it until it is published.
Residents see published notices in force; expired and retracted ones are in the archive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field, replace

import peewee as pw

from kiosk.db import fulltext
from kiosk.db.database import is_postgres, write_lock
from kiosk.db.models import NOTICE_CATEGORIES, AuditEntry, Notice, NoticeVersion, now
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.services import audit, privacy
from kiosk.services.hall import local_hall
from kiosk.services.notice_text import plain_text
from kiosk.services.staff import StaffSession, require_staff

TABS = ("all", *NOTICE_CATEGORIES, "archive")
MAX_TITLE = 80  # characters
MAX_BODY = fulltext.LONGEST_TEXT  # characters: about a dozen printed pages
MAX_REASON = 200
MAX_QUERY = 50
SHORTEST_INDEXED = 3  # the trigram index finds terms of three characters or more
SNIPPET_BEFORE, SNIPPET_LENGTH = 12, 60
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


# --- what staff fill in --------------------------------------------------------------------

@dataclass(frozen=True)
class NoticeFields:
    title: str
    category: str
    body: str
    pinned: bool = False
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def cleaned(self) -> NoticeFields:
        """The same fields tidied up (spaces, line ends, control characters), or KioskError
        saying plainly what is wrong."""
        title = " ".join(_CONTROL.sub(" ", self.title).split())
        body = _CONTROL.sub("", self.body.replace("\r\n", "\n").replace("\r", "\n"))
        body = "\n".join(line.rstrip() for line in body.strip().splitlines())
        if not title:
            raise KioskError(_("标题不能为空"))
        if len(title) > MAX_TITLE:
            raise KioskError(_("标题太长（{length} 个字），最多 {limit} 个字").format(
                length=len(title), limit=MAX_TITLE))
        if not body:
            raise KioskError(_("正文不能为空"))
        if len(body) > MAX_BODY:
            raise KioskError(_("正文太长（{length} 个字），最多 {limit} 个字，请分成几条发布").format(
                length=len(body), limit=MAX_BODY))
        if self.category not in NOTICE_CATEGORIES:
            raise KioskError(_("请选择通知的类别"))
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise KioskError(_("有效期的结束日期不能早于开始日期"))
        return replace(self, title=title, body=body + "\n")

    @classmethod
    def of(cls, notice: Notice) -> NoticeFields:
        return cls(notice.title, notice.category, notice.body, notice.pinned,
                   notice.valid_from, notice.valid_until)

    def content(self) -> tuple:
        """What a version records (everything but pinning)."""
        return (self.title, self.category, self.body, self.valid_from, self.valid_until)


def parse_day(text: str) -> dt.date | None:
    """A date as staff type it (2026-12-31, 2026/12/31, 2026年12月31日); None when empty."""
    text = text.strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:  # 2026-02-30
            pass
    raise KioskError(_("日期“{text}”看不懂，请写成 2026-12-31 这样").format(text=text))


class PersonalDataFound(KioskError):
    """Publishing stopped: the text has what looks like personal data. Staff confirm it is
    meant to be public (publish again with confirmed_public) or mask it."""

    def __init__(self, findings: list[privacy.Finding]):
        super().__init__(_("通知里有手机号、身份证号或银行卡号，请确认是否可以公开"))
        self.findings = findings


def check_privacy(fields: NoticeFields) -> list[privacy.Finding]:
    return privacy.find_personal_data(fields.title + "\n" + fields.body)


def masked(fields: NoticeFields) -> NoticeFields:
    return replace(fields, title=privacy.mask_personal_data(fields.title),
                   body=privacy.mask_personal_data(fields.body))


# --- what residents see --------------------------------------------------------------------

@dataclass(frozen=True)
class NoticeView:
    """A notice as the screens show it: plain values, read in the worker thread, so that
    nothing on screen reads the database when it is drawn."""
    id: str
    number: int
    title: str
    category: str
    body: str  # Markdown
    status: str
    pinned: bool
    version: int
    valid_from: dt.date | None
    valid_until: dt.date | None
    published: dt.datetime | None
    retracted: dt.datetime | None
    retract_reason: str
    retracted_by_role: str

    @classmethod
    def of(cls, notice: Notice) -> NoticeView:
        return cls(str(notice.id), notice.number, notice.title, notice.category, notice.body,
                   notice.status, notice.pinned, notice.version, notice.valid_from,
                   notice.valid_until, notice.published, notice.retracted,
                   notice.retract_reason, notice.retracted_by_role)


@dataclass(frozen=True)
class VersionView:
    """One version of a notice, as its history shows it."""
    notice_id: str
    version: int
    title: str
    category: str
    body: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    changed: dt.datetime
    changed_by_role: str
    note: str

    @classmethod
    def of(cls, version: NoticeVersion) -> VersionView:
        return cls(str(version.notice_id), version.version, version.title, version.category,
                   version.body, version.valid_from, version.valid_until, version.changed,
                   version.changed_by_role, version.note)


def state(notice: Notice | NoticeView, today: dt.date) -> str:
    """draft / retracted / expired / scheduled (not in force yet) / current."""
    if notice.status in ("draft", "retracted"):
        return notice.status
    if notice.valid_until and notice.valid_until < today:
        return "expired"
    if notice.valid_from and notice.valid_from > today:
        return "scheduled"
    return "current"


def _in_force(today: dt.date):
    return ((Notice.status == "published")
            & (Notice.valid_from.is_null() | (Notice.valid_from <= today))
            & (Notice.valid_until.is_null() | (Notice.valid_until >= today)))


def _archived(today: dt.date):
    return (Notice.status == "retracted") | (
        (Notice.status == "published") & (Notice.valid_until < today))


@dataclass(frozen=True)
class Hit:
    notice: NoticeView
    snippet: str = ""  # for search results: the body around the first match


@dataclass(frozen=True)
class Page:
    hits: list[Hit]
    total: int
    page: int  # from 0
    size: int
    terms: tuple[str, ...] = field(default=())  # what was searched for

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def _page(query: pw.ModelSelect, order: list, page: int, size: int) -> tuple[list[Notice], int, int]:
    total = query.count()
    page = max(0, min(page, -(-total // size) - 1))
    return list(query.order_by(*order).offset(page * size).limit(size)), total, page


def board(tab: str, today: dt.date, page: int = 0, size: int = 6) -> Page:
    """One page of a tab: all / a category (in force, pinned first, then newest) or
    archive (expired and retracted, newest first)."""
    if tab == "archive":
        where, order = _archived(today), [Notice.published.desc(), Notice.number.desc()]
    elif tab == "all" or tab in NOTICE_CATEGORIES:
        where = _in_force(today)
        if tab != "all":
            where &= Notice.category == tab
        order = [Notice.pinned.desc(), Notice.published.desc(), Notice.number.desc()]
    else:
        raise KioskError(_("没有这个栏目：{tab}").format(tab=tab))
    notices, total, page = _page(Notice.select().where(where), order, page, size)
    return Page([Hit(NoticeView.of(n)) for n in notices], total, page, size)


def search_terms(text: str) -> tuple[str, ...]:
    """What to look for: the words of `text` (split at spaces), each to be found."""
    text = _CONTROL.sub("", text).strip()
    if not text:
        raise KioskError(_("请输入或选择要找的字词"))
    if len(text) > MAX_QUERY:
        raise KioskError(_("要找的字词太长（{length} 个字），请少于 {limit} 个字").format(
            length=len(text), limit=MAX_QUERY))
    return tuple(dict.fromkeys(text.lower().split()))


def search(text: str, today: dt.date, page: int = 0, size: int = 6) -> Page:
    """Published notices (in force first, then the archive; newest first) whose title or body
    contains every word of `text`, as substrings, ignoring case."""
    terms = search_terms(text)
    where = Notice.status != "draft"
    for term in terms:
        where &= _contains(term)
    order = [pw.Case(None, [(_in_force(today), 0)], 1), Notice.published.desc(),
             Notice.number.desc()]
    notices, total, page = _page(Notice.select().where(where), order, page, size)
    return Page([Hit(NoticeView.of(n), snippet(n.body, terms)) for n in notices], total, page,
                size, terms)


_GRAMS = pw.Table(fulltext.GRAM_TABLE, ("gram", "number"))


def _contains(term: str):
    """Title or body contains `term` (lowered), by the indexes of kiosk.db.fulltext."""
    if len(term) < SHORTEST_INDEXED:
        return Notice.number.in_(_GRAMS.select(_GRAMS.number).where(_GRAMS.gram == term))
    if is_postgres():  # the pg_trgm index's expression
        return pw.SQL(fulltext.PG_SEARCH_TEXT).contains(term)
    phrase = '"' + term.replace('"', '""') + '"'
    return Notice.number.in_(pw.SQL(
        f"(SELECT rowid FROM {fulltext.FTS_TABLE} WHERE {fulltext.FTS_TABLE} MATCH ?)", [phrase]))


def match_spans(text: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where the terms occur in `text` (ignoring case), as sorted, non-overlapping spans."""
    lowered = text.lower()
    spans = sorted((m.start(), m.end()) for term in terms
                   for m in re.finditer(re.escape(term), lowered))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippet(body: str, terms: tuple[str, ...]) -> str:
    """A line of the body's text around the first match (its start when the match is only in
    the title)."""
    text = " ".join(plain_text(body).split())
    spans = match_spans(text, terms)
    start = max(0, spans[0][0] - SNIPPET_BEFORE) if spans else 0
    piece = text[start:start + SNIPPET_LENGTH]
    return ("…" if start else "") + piece + ("…" if start + SNIPPET_LENGTH < len(text) else "")


def get(notice_id: str) -> Notice:
    notice = Notice.get_or_none(Notice.id == notice_id)
    if notice is None:
        raise KioskError(_("找不到这条通知，可能已被删除"))
    return notice


def view(notice_id: str) -> NoticeView:
    """Any notice, drafts too (for staff)."""
    return NoticeView.of(get(notice_id))


def public(notice_id: str) -> NoticeView:
    """A notice residents may open (anything but a draft)."""
    notice = view(notice_id)
    if notice.status == "draft":
        raise KioskError(_("这条通知还没有发布"))
    return notice


def versions(notice_id: str) -> list[VersionView]:
    """Every version of a notice, newest first."""
    return [VersionView.of(v) for v in NoticeVersion.select()
            .where(NoticeVersion.notice == notice_id).order_by(NoticeVersion.version.desc())]


# --- what staff do -------------------------------------------------------------------------

def staff_list() -> list[NoticeView]:
    """Every notice, drafts first, then newest."""
    return [NoticeView.of(n) for n in Notice.select().order_by(
        pw.Case(None, [(Notice.status == "draft", 0)], 1), Notice.published.desc(nulls="LAST"),
        Notice.number.desc())]


def _next_number() -> int:
    return (Notice.select(pw.fn.MAX(Notice.number)).scalar() or 0) + 1


def _locked(notice_id: str, expected_version: int | None) -> Notice:
    """The notice, read again inside the write lock; refused when someone else changed it
    since the editor opened it."""
    notice = get(notice_id)
    if expected_version is not None and notice.version != expected_version:
        raise KioskError(_("这条通知刚被别人改过，请返回重新打开再改"))
    return notice


def _write_version(notice: Notice, fields: NoticeFields, session: StaffSession, note: str,
                   at: dt.datetime) -> NoticeVersion:
    """Version `notice.version` with `fields`: added, or (a draft's only version) replaced."""
    row = {"title": fields.title, "body": fields.body, "category": fields.category,
           "valid_from": fields.valid_from, "valid_until": fields.valid_until, "changed": at,
           "changed_by_role": session.role, "note": note}
    existing = NoticeVersion.get_or_none(NoticeVersion.notice == notice.id,
                                         NoticeVersion.version == notice.version)
    if existing is None:
        return NoticeVersion.create(hall=local_hall(), notice=notice, version=notice.version, **row)
    NoticeVersion.update(**row).where(NoticeVersion.id == existing.id).execute()
    return NoticeVersion.get_by_id(existing.id)


def _new_or_locked(notice_id: str | None, expected_version: int | None,
                   at: dt.datetime) -> Notice:
    """A new draft (not yet saved) for None, else the notice, locked for this change."""
    if notice_id is None:
        return Notice(hall=local_hall(), number=_next_number(), status="draft", created=at)
    return _locked(notice_id, expected_version)


def _apply(notice: Notice, fields: NoticeFields) -> None:
    for name in ("title", "category", "body", "pinned", "valid_from", "valid_until"):
        setattr(notice, name, getattr(fields, name))


def save_draft(session: StaffSession | None, fields: NoticeFields, notice_id: str | None = None,
               expected_version: int | None = None) -> Notice:
    """Keep a new notice, or change a draft, without publishing it."""
    require_staff(session, "notices.save_draft")
    fields = fields.cleaned()
    at = now()
    with write_lock():
        notice = _new_or_locked(notice_id, expected_version, at)
        if notice.status != "draft":
            raise KioskError(_("已发布的通知不能改回草稿；要修改，请改好后直接发布"))
        _apply(notice, fields)
        notice.save(force_insert=notice_id is None)
        _write_version(notice, fields, session, "", at)
        audit.record("notice.draft", actor=session.actor, subject=str(notice.id),
                     number=notice.number, title=notice.title)
    return notice


def publish(session: StaffSession | None, fields: NoticeFields, notice_id: str | None = None,
            note: str = "", confirmed_public: bool = False,
            expected_version: int | None = None) -> Notice:
    """Publish a new notice or a draft, or publish a changed published notice as its next
    version (`note` says why; required). Stops with PersonalDataFound unless the text has no
    personal data or staff confirmed it is meant to be public."""
    require_staff(session, "notices.publish")
    fields = fields.cleaned()
    note = " ".join(note.split())
    findings = check_privacy(fields)
    if findings and not confirmed_public:
        raise PersonalDataFound(findings)
    at = now()
    with write_lock():
        notice = _new_or_locked(notice_id, expected_version, at)
        before = NoticeFields.of(notice) if notice.status == "published" else None
        if notice.status == "retracted":
            raise KioskError(_("已撤回的通知不能再修改；如需要，请发布一条新的通知"))
        if before is not None and before.content() == fields.content():
            return _pin(session, notice, fields.pinned)
        if before is not None and not note:
            raise KioskError(_("修改已发布的通知，请写明修改原因（会公开给群众看）"))
        action = "notice.edit" if before is not None else "notice.publish"
        if before is not None:
            notice.version += 1
        else:
            notice.status, notice.published = "published", at
        _apply(notice, fields)
        notice.valid_from = notice.valid_from or notice.published.date()
        notice.save(force_insert=notice_id is None)
        version = _write_version(notice, replace(fields, valid_from=notice.valid_from), session,
                                 note, at)
        audit.record(action, actor=session.actor, subject=str(notice.id), number=notice.number,
                     version=version.version, digest=version_digest(version), note=note,
                     confirmed_public=sorted({f.kind for f in findings}))
    return notice


def _pin(session: StaffSession, notice: Notice, pinned: bool) -> Notice:
    """Only pinning changed: not a new version, but recorded."""
    if notice.pinned == pinned:
        raise KioskError(_("内容没有改动，不需要重新发布"))
    notice.pinned = pinned
    notice.save()
    audit.record("notice.pin" if pinned else "notice.unpin", actor=session.actor,
                 subject=str(notice.id), number=notice.number)
    return notice


def retract(session: StaffSession | None, notice_id: str, reason: str) -> Notice:
    """Take a published notice off the board. It stays in the archive with `reason`."""
    require_staff(session, "notices.retract")
    reason = " ".join(reason.split())
    if not reason:
        raise KioskError(_("撤回通知必须写明原因（会公开给群众看）"))
    if len(reason) > MAX_REASON:
        raise KioskError(_("撤回原因太长，最多 {limit} 个字").format(limit=MAX_REASON))
    with write_lock():
        notice = get(notice_id)
        if notice.status != "published":
            raise KioskError(_("只有已发布的通知可以撤回") if notice.status == "draft"
                             else _("这条通知已经撤回了"))
        notice.status, notice.retracted, notice.retract_reason = "retracted", now(), reason
        notice.retracted_by_role = session.role
        notice.pinned = False
        notice.save()
        audit.record("notice.retract", actor=session.actor, subject=str(notice.id),
                     number=notice.number, reason=reason)
    return notice


COUNTY = StaffSession("county", "县里", "county")  # the author of notices the county sends


def county_draft(fields: NoticeFields) -> Notice:
    """A notice the county sent down (kiosk.services.sync), kept as a draft: staff read it
    and publish it on this hall's board themselves."""
    fields = fields.cleaned()
    at = now()
    with write_lock():
        notice = Notice(hall=local_hall(), number=_next_number(), status="draft", created=at)
        _apply(notice, fields)
        notice.save(force_insert=True)
        _write_version(notice, fields, COUNTY, "", at)
        audit.record("notice.county", actor=COUNTY.number, subject=str(notice.id),
                     number=notice.number, title=notice.title)
    return notice


def import_drafts(session: StaffSession | None, items: list[NoticeFields]) -> list[Notice]:
    """Save notices read from files as drafts, all or none."""
    require_staff(session, "notices.import_drafts")
    cleaned = [item.cleaned() for item in items]
    if not cleaned:
        raise KioskError(_("没有可以导入的通知"))
    at = now()
    with write_lock():
        first = _next_number()
        notices = []
        for offset, fields in enumerate(cleaned):
            notice = Notice(hall=local_hall(), number=first + offset, status="draft", created=at)
            _apply(notice, fields)
            notice.save(force_insert=True)
            _write_version(notice, fields, session, "", at)
            notices.append(notice)
        audit.record("notice.import", actor=session.actor,
                     subject=f"{notices[0].number}-{notices[-1].number}", count=len(notices))
    return notices


# --- checking the board against the audit log ---------------------------------------------

DIGEST_ACTIONS = ("notice.publish", "notice.edit", "demo.notices")


def version_digest(version: NoticeVersion | VersionView) -> str:
    """What the audit log keeps of a published version: a hash of everything it shows."""
    record = [str(version.notice_id), version.version, version.title, version.body,
              version.category, _iso(version.valid_from), _iso(version.valid_until)]
    return hashlib.sha256(json.dumps(record, ensure_ascii=False).encode()).hexdigest()


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def verify_versions() -> list[str]:
    """Problems found comparing published notices with the audit log: a version changed,
    added or removed without a matching entry, or a notice that differs from its last
    version. Empty when everything agrees."""
    recorded: dict[tuple[str, int], str] = {}
    for entry in AuditEntry.select().where(AuditEntry.action.in_(DIGEST_ACTIONS)).iterator():
        details = json.loads(entry.details)
        if "version" in details:
            recorded[(entry.subject, details["version"])] = details.get("digest", "")
        for key, digest in details.get("digests", {}).items():  # many versions at once
            notice_id, _, version = key.partition("/")
            recorded[(notice_id, int(version))] = digest
    problems = []
    by_notice: dict = {}
    for version in NoticeVersion.select().order_by(NoticeVersion.version).iterator():
        by_notice.setdefault(version.notice_id, []).append(version)
    for notice in Notice.select().where(Notice.status != "draft").order_by(Notice.number):
        found = by_notice.get(notice.id, [])
        if [v.version for v in found] != list(range(1, notice.version + 1)):
            problems.append(f"第 {notice.number} 号通知的版本不全或多出了版本")
            continue
        for version in found:
            if recorded.get((str(notice.id), version.version)) != version_digest(version):
                problems.append(f"第 {notice.number} 号通知的第 {version.version} 版"
                                "与操作日志里的记录对不上（被改动过或没有发布记录）")
        last = found[-1]
        if NoticeFields.of(notice).content() != (last.title, last.category, last.body,
                                                 last.valid_from, last.valid_until):
            problems.append(f"第 {notice.number} 号通知的内容与它最新一版不一致（被直接改动过）")
    return problems


# --- the command line ----------------------------------------------------------------------

def list_notices() -> list[Notice]:
    return list(Notice.select().order_by(Notice.number))


def notice_record(notice: Notice) -> dict:
    return {
        "id": notice.id,
        "number": notice.number,
        "title": notice.title,
        "category": notice.category,
        "status": notice.status,
        "pinned": notice.pinned,
        "version": notice.version,
        "valid_from": notice.valid_from,
        "valid_until": notice.valid_until,
        "published": notice.published,
        "retracted": notice.retracted,
    }
