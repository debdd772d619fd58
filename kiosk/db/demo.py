"""The demo hall (`kiosk demo`): an invented village hall with members, events, attendance,
dues, notices and requests, to try the kiosk out on.

Everything is invented. Names are drawn at random (fixed seed) from assets/demo/names.toml,
phone numbers have 0000 in the middle, ID numbers use the region prefix 99 (no province has
it). The texts live in assets/demo/. Dates are set relative to the day the demo is built.
"""

from __future__ import annotations

import datetime as dt
import random
import tomllib
import uuid
from dataclasses import dataclass
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

from kiosk.db import models
from kiosk.db.database import write_lock
from kiosk.db.models import (
    STAGES, Attendance, Branch, Dues, Event, FlowRecord, Hall, Member, MemberStageChange,
    Notice, NoticeVersion, Request, StaffUser,
)
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.services import audit, setup, staff
from kiosk.services.events import expected_count, record_rolls
from kiosk.services.notices import version_digest
from kiosk.services.privacy import id_check_char

SEED = 20240701
REGION = "990102"  # made up: no province code starts with 99
PHONE_PREFIXES = ("139", "158", "188")
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
MONTHLY_DUES = (Decimal("0.20"), Decimal("2.00"))  # farmers; members with a wage

# stage, status, how many, age range: most members are full members living in the village
PROFILES = (
    ("full", "normal", 43, (30, 86)),
    ("full", "flowed_out", 5, (28, 52)),
    ("full", "flowed_in", 3, (30, 50)),
    ("full", "transferred_out", 1, (30, 45)),
    ("full", "deceased", 2, (82, 93)),
    ("probationary", "normal", 3, (24, 42)),
    ("candidate", "normal", 2, (23, 40)),
    ("activist", "normal", 4, (21, 38)),
    ("applicant", "normal", 3, (19, 35)),
)
# days from reaching a stage to reaching the next (a year at least as activist)
STAGE_GAPS = {"applicant": (60, 240), "activist": (370, 540), "candidate": (120, 330)}
MEMBERS_WHO_MEET = ("probationary", "full")
ASSISTED_AGE = 75  # older members are usually signed in by staff


@dataclass(frozen=True)
class DemoSummary:
    created: bool  # False when the demo was already there
    hall_name: str
    staff: list[tuple[str, str, str, str]]  # number, name, role, PIN
    member_number: str  # a member to try the sign-in with


def build_demo(keys_dir: Path, now: dt.datetime | None = None) -> DemoSummary:
    """Fill the bound (empty) database with the demo hall, or, when the demo is already
    there, only make sure an event is open for sign-in now."""
    now = (now or models.now()).replace(microsecond=0)
    data = _load("hall.toml")
    with write_lock():
        local = Hall.get_or_none(Hall.is_local == True)  # noqa: E712 - peewee expression
        if local is not None and local.name != data["name"]:
            raise KioskError(_("这个数据库已属于“{hall_name}”，不能填入演示数据").format(
                hall_name=local.name))
        if local is None:
            _fill(data, keys_dir, now)
        event, changed = _ensure_open_event(data, now)
        if local is not None and changed:
            audit.record("demo.open_event", subject=event.title, event=event.id)
    member = (Member.select()
              .where(Member.branch == event.branch, Member.stage == "full",
                     Member.status == "normal")
              .order_by(Member.number).first())
    return DemoSummary(
        created=local is None,
        hall_name=data["name"],
        staff=[(s["number"], s["name"], s["role"], s["pin"]) for s in data["staff"]],
        member_number=member.number,
    )


def _load(name: str) -> dict:
    return tomllib.loads((files("kiosk.assets") / "demo" / name).read_text(encoding="utf-8"))


def _fill(data: dict, keys_dir: Path, now: dt.datetime) -> None:
    rng = random.Random(SEED)
    hall = setup.initialise_hall(data["name"], keys_dir)
    branches = [Branch.create(hall=hall, name=b["name"]) for b in data["branches"]]
    users = {s["role"]: staff.add_staff(None, s["number"], s["name"], s["role"], s["pin"])
             for s in data["staff"]}
    phones = _phone_numbers(rng)
    members = _members(rng, data, branches, phones, now)
    _stage_history(hall, members, now)
    _flows(hall, members, data, now)
    events = _events(data, branches, now)
    attendance = _attendance(rng, hall, events, members, users["staff"], data["leave_reasons"])
    record_rolls()
    dues = _dues(rng, hall, members, users["staff"], now)
    notices = _notices(rng, hall, now)
    requests = _requests(rng, hall, data["requests"], phones, users["staff"], now)
    audit.record("demo.fill", subject=hall.name, members=len(members), events=len(events),
                 attendance=attendance, dues=dues, notices=notices, requests=requests)


# --- members --------------------------------------------------------------------------

def _phone_numbers(rng: random.Random):
    """Unique, clearly invented mobile numbers such as 13900001234."""
    for tail in rng.sample(range(1, 10000), 9999):
        yield f"{rng.choice(PHONE_PREFIXES)}0000{tail:04d}"


def _id_number(rng: random.Random, birth: dt.date, sex: str) -> str:
    sequence = rng.randrange(0, 998, 2) + (1 if sex == "M" else 2)  # odd for men, even for women
    first17 = f"{REGION}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def _name_drawer(rng: random.Random):
    names = _load("names.toml")
    surnames, taken = list(names["surnames"]), set()

    def draw(sex: str) -> tuple[str, str]:
        chars = names["male" if sex == "M" else "female"]
        while True:
            family = rng.choice(names["clans"] if rng.random() < 0.5 else surnames)
            given = rng.sample(list(chars), 2 if rng.random() < 0.8 else 1)
            name = family + "".join(given)
            if name not in taken:
                taken.add(name)
                initials = names["surnames"][family] + "".join(chars[c] for c in given)
                return name, initials

    return draw


def _members(rng, data, branches, phones, now: dt.datetime) -> list[Member]:
    today = now.date()
    draw_name = _name_drawer(rng)
    origins = iter(flow["place"] for flow in data["flows_in"])
    profiles = [(stage, status, ages) for stage, status, count, ages in PROFILES
                for _ in range(count)]
    rng.shuffle(profiles)
    counters = [0] * len(branches)
    rows = []
    for index, (stage, status, ages) in enumerate(profiles):
        slot = index % len(branches)
        counters[slot] += 1
        sex = "M" if rng.random() < (0.7 if stage == "full" else 0.5) else "F"
        name, initials = draw_name(sex)
        birth = today - dt.timedelta(days=rng.randint(ages[0] * 365, ages[1] * 365))
        dates = _stage_dates(rng, stage, birth, today)
        group = rng.choice(data["branches"][slot]["groups"])
        rows.append({
            "number": f"QH{slot + 1}{counters[slot]:03d}",
            "name": name, "name_initials": initials, "sex": sex, "birth_date": birth,
            "phone": next(phones), "id_number": _id_number(rng, birth, sex),
            "branch": branches[slot], "stage": stage, "status": status,
            "applied_on": dates.get("applicant"), "activist_on": dates.get("activist"),
            "candidate_on": dates.get("candidate"), "probation_on": dates.get("probationary"),
            "full_on": dates.get("full"),
            "address": f"{data['village']}{group}{rng.randint(1, 60)}号",
            "home_org": next(origins) if status == "flowed_in" else "", "created": now,
        })
    Member.insert_many(rows).execute()
    return list(Member.select().order_by(Member.id))  # as inserted: flows match by order


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _stage_dates(rng, stage: str, birth: dt.date, today: dt.date) -> dict[str, dt.date]:
    """The day each stage up to `stage` was reached, spaced as the party's rules require."""
    reached = STAGES[: STAGES.index(stage) + 1]
    if stage == "full":
        joined = _add_years(birth, rng.randint(22, 40)) + dt.timedelta(days=rng.randint(0, 364))
        day = min(joined, today - dt.timedelta(days=400))
        dates = {"full": _add_years(day, 1), "probationary": day}
    else:
        day = today - dt.timedelta(days=rng.randint(20, 330))
        dates = {stage: day}
    for earlier in reversed(reached[: -len(dates)]):
        day -= dt.timedelta(days=rng.randint(*STAGE_GAPS[earlier]))
        dates[earlier] = day
    return dates


def _stage_history(hall: Hall, members: list[Member], now: dt.datetime) -> None:
    rows = []
    for member in members:
        before = ""
        for stage, day in zip(STAGES, (member.applied_on, member.activist_on,
                                       member.candidate_on, member.probation_on, member.full_on)):
            if day is None:
                break
            rows.append({"hall": hall, "member": member, "from_stage": before,
                         "to_stage": stage, "on": day, "recorded": now})
            before = stage
    MemberStageChange.insert_many(rows).execute()


def _flows(hall: Hall, members: list[Member], data: dict, now: dt.datetime) -> None:
    rows = []
    for direction, status in (("out", "flowed_out"), ("in", "flowed_in")):
        moved = [m for m in members if m.status == status]
        for member, flow in zip(moved, data[f"flows_{direction}"], strict=True):
            rows.append({
                "hall": hall, "member": member, "direction": direction, "place": flow["place"],
                "since": now.date() - dt.timedelta(days=flow["days_ago"]),
                "reason": flow["reason"], "contact": member.phone,
                "holds_flow_certificate": flow["certificate"], "recorded": now,
            })
    FlowRecord.insert_many(rows).execute()


# --- events and attendance ------------------------------------------------------------

def _at(now: dt.datetime, days: int, hour: int, minute: int = 0) -> dt.datetime:
    return (now + dt.timedelta(days=days)).replace(hour=hour, minute=minute, second=0)


def _office_hours(rng: random.Random, now: dt.datetime, days: int) -> dt.datetime:
    return _at(now, days, rng.randint(8, 16), rng.randint(0, 59))


def _events(data: dict, branches: list[Branch], now: dt.datetime) -> list[tuple[Event, str]]:
    """The past and upcoming events, each with who was expected at it."""
    events = []
    for spec in data["events"]:
        start = _at(now, spec["days"], *map(int, spec["start"].split(":")))
        end = start + dt.timedelta(hours=spec["hours"])
        event = Event.create(
            branch=branches[spec["branch"]], type=spec["type"], title=spec["title"],
            place=spec["place"], start=start, end=end,
            signin_opens=start - dt.timedelta(minutes=30), signin_closes=end,
            status="closed" if end < now else "planned", minutes=spec.get("minutes", ""),
            created=min(now, start - dt.timedelta(days=7)),
        )
        events.append((event, spec.get("attendees", "all")))
    return events


def _ensure_open_event(data: dict, now: dt.datetime) -> tuple[Event, bool]:
    """Today's event, open for sign-in now: created, or moved when its window has passed.
    Returns the event and whether anything was written."""
    spec = data["today"]
    branch = Branch.get(Branch.name == data["branches"][spec["branch"]]["name"])
    title = spec["title"].format(month=now.month, day=now.day)
    start = now.replace(second=0) + dt.timedelta(minutes=30)
    window = {
        "start": start, "end": start + dt.timedelta(hours=2),
        "signin_opens": start - dt.timedelta(hours=1),
        "signin_closes": start + dt.timedelta(minutes=90),
        "status": "planned",
    }
    event = Event.get_or_none(Event.branch == branch, Event.title == title)
    if event is None:
        event = Event.create(branch=branch, type=spec["type"], title=title,
                             place=spec["place"], created=now, expected=expected_count(branch.id),
                             **window)
        return event, True
    if event.status == "planned" and event.signin_opens <= now <= event.signin_closes:
        return event, False
    Event.update(**window).where(Event.id == event.id).execute()
    return Event.get_by_id(event.id), True


def _expected(event: Event, who: str, members: list[Member]) -> list[Member]:
    branch = [m for m in members if m.branch_id == event.branch_id
              and m.stage in MEMBERS_WHO_MEET
              and m.status in ("normal", "flowed_out", "flowed_in")]
    if who == "committee":
        return [m for m in branch if m.status == "normal"][:5]
    if who == "group":
        return branch[::2]
    return branch


def _attendance(rng, hall, events, members, helper: StaffUser, leave_reasons) -> int:
    rows = []
    for event, who in events:
        if event.status != "closed":
            continue
        for member in _expected(event, who, members):
            row = _attend(rng, event, member, helper, leave_reasons)
            if row:
                rows.append({"hall": hall, "event": event, "member": member,
                             "home_org": member.home_org, "late": False, "reason": "",
                             "assisted_by": None, **row})
    Attendance.insert_many(rows).execute()
    return len(rows)


def _attend(rng, event: Event, member: Member, helper: StaffUser, leave_reasons) -> dict | None:
    """How one member took part: present (sometimes late), assisted, leave, remote, or
    absent (None)."""
    def minutes(n: int) -> dt.datetime:
        return event.start + dt.timedelta(minutes=n)

    age = (event.start.date() - member.birth_date).days // 365
    roll = rng.random()
    if member.status == "flowed_out":
        if roll < 0.6:
            return {"kind": "remote", "time": minutes(-rng.randint(0, 10))}
        return {"kind": "leave", "time": minutes(-rng.randint(600, 2000)),
                "reason": leave_reasons[0]}
    if age >= ASSISTED_AGE and roll < 0.6:
        return {"kind": "assisted", "time": minutes(rng.randint(-20, 0)), "assisted_by": helper}
    if roll < 0.08:
        return {"kind": "leave", "time": minutes(-rng.randint(120, 1500)),
                "reason": rng.choice(leave_reasons)}
    if roll < 0.15:
        return None
    if rng.random() < 0.15:
        return {"kind": "present", "time": minutes(rng.randint(3, 25)), "late": True}
    return {"kind": "present", "time": minutes(-rng.randint(2, 25))}


# --- dues -----------------------------------------------------------------------------

def _dues(rng, hall: Hall, members: list[Member], receiver: StaffUser, now: dt.datetime) -> int:
    """Half a year's dues from most members, and one payment booked to the wrong member,
    reversed and booked again."""
    payers = [m for m in members if m.stage in MEMBERS_WHO_MEET and m.status == "normal"]
    paying = rng.sample(payers, len(payers) * 2 // 3)
    wrong, right = paying.pop(), paying.pop()
    month = now.year * 12 + now.month - 1 - 6
    first_month = f"{month // 12}-{month % 12 + 1:02d}"
    monthly = {m.number: rng.choices(MONTHLY_DUES, weights=(4, 1))[0]
               for m in [*paying, wrong, right]}
    times = sorted(now - dt.timedelta(days=rng.randint(2, 50), minutes=rng.randint(0, 480))
                   for _ in range(len(paying) + 1))  # the last one for the mistake
    rows = []

    def pay(member, time, months=6, reverses=None) -> dict:
        row = {"id": uuid.uuid4(), "hall": hall, "member": member, "first_month": first_month,
               "months": months, "amount": monthly[member.number] * months,
               "receipt_no": f"DF{time:%Y}{len(rows) + 1:04d}", "received_by": receiver,
               "reverses": reverses, "time": time}
        rows.append(row)
        return row

    for member, time in zip(paying, times):
        pay(member, time)
    mistake = pay(wrong, times[-1])
    pay(wrong, times[-1] + dt.timedelta(minutes=10), months=-6, reverses=mistake["id"])
    pay(right, times[-1] + dt.timedelta(minutes=12))
    Dues.insert_many(rows).execute()
    return len(rows)


# --- notices --------------------------------------------------------------------------

def _notices(rng, hall: Hall, now: dt.datetime) -> int:
    specs = sorted(_load("notices.toml")["notice"], key=lambda s: -s["days_ago"])
    rows, versions = [], []
    for number, spec in enumerate(specs, start=1):
        published = _office_hours(rng, now, -spec["days_ago"])
        month_before = published.replace(day=1) - dt.timedelta(days=1)
        fill = {"year": published.year, "month": published.month,
                "last_month": month_before.month}
        title = spec["title"].format_map(fill)
        bodies = [spec["body"]] + ([spec["edit"]["body"]] if "edit" in spec else [])
        bodies = [body.strip().format_map(fill) + "\n" for body in bodies]
        status = spec.get("status", "published")
        live = status != "draft"
        retract = spec.get("retract")
        valid_days = spec.get("valid_days")
        notice_id = uuid.uuid4()
        rows.append({
            "id": notice_id, "hall": hall, "number": number, "category": spec["category"],
            "title": title, "body": bodies[-1], "pinned": spec.get("pinned", False),
            "valid_from": published.date() if live else None,
            "valid_until": (published.date() + dt.timedelta(days=valid_days)
                            if live and valid_days else None),
            "status": "retracted" if retract else status, "version": len(bodies),
            "published": published if live else None,
            "retracted": _at(now, -retract["days_ago"], 10) if retract else None,
            "retract_reason": retract["reason"] if retract else "",
            "retracted_by_role": "staff" if retract else "",
            "created": published - dt.timedelta(hours=1),
        })
        edit = spec.get("edit", {})
        for version, body in enumerate(bodies, start=1):
            versions.append({
                "hall": hall, "notice": notice_id, "version": version, "title": title,
                "body": body, "category": rows[-1]["category"],
                "valid_from": rows[-1]["valid_from"], "valid_until": rows[-1]["valid_until"],
                "changed_by_role": "staff",
                "changed": published if version == 1 else _at(now, -edit["days_ago"], 15),
                "note": edit.get("note", "") if version > 1 else "",
            })
    Notice.insert_many(rows).execute()
    NoticeVersion.insert_many(versions).execute()
    _audit_notices()
    return len(rows)


def _audit_notices() -> None:
    """One audit entry with the digest of every published demo version, so that
    `kiosk audit verify` finds the demo board in order."""
    published = (NoticeVersion.select(NoticeVersion, Notice).join(Notice)
                 .where(Notice.status != "draft"))
    digests = {f"{v.notice_id}/{v.version}": version_digest(v) for v in published}
    audit.record("demo.notices", subject=str(len(digests)), digests=digests)


# --- requests -------------------------------------------------------------------------

def _requests(rng, hall, specs: list[dict], phones, handler: StaffUser, now) -> int:
    tickets = rng.sample(range(100000, 1000000), len(specs))
    rows = []
    for spec, ticket in zip(specs, tickets):
        created = _office_hours(rng, now, -spec["days_ago"])
        replied = _at(now, -spec["reply_days_ago"], 15, 30) if "reply" in spec else None
        closed = _at(now, -spec["closed_days_ago"], 16, 30) if "closed_days_ago" in spec else None
        rows.append({
            "hall": hall, "ticket": f"Q{ticket}",
            "secret": "".join(rng.choice(BASE32) for _ in range(20)),
            "category": spec["category"], "text": spec["text"],
            "needs_help": spec.get("needs_help", False),
            "phone": next(phones) if spec.get("phone") else "",
            "status": spec["status"], "reply": spec.get("reply", ""),
            "assigned_to": handler if replied else None,
            "verdict": spec.get("verdict", ""), "verdict_comment": spec.get("verdict_comment", ""),
            "created": created, "updated": closed or replied or created, "closed": closed,
        })
    Request.insert_many(rows).execute()
    return len(rows)
