"""A small hall for the sign-in tests: two branches, members in each status that matters,
an event open for sign-in at NOW, and cards issued to the members. Call `build(keys_dir)`
on a database set up by the `db` fixture."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.db.database import write_lock
from kiosk.db.models import Branch, Event, Member
from kiosk.services import cards, members
from kiosk.services.hall import local_hall

NOW = dt.datetime(2026, 11, 27, 9, 30)  # the same day and time as conftest.FIXED_TIME
HOUR = dt.timedelta(hours=1)
MEMBERS = (  # number, name, branch (0 or 1), stage, status
    ("M001", "张三明", 0, "full", "normal"),
    ("M002", "李四", 0, "probationary", "normal"),
    ("M003", "王五华", 0, "full", "flowed_out"),
    ("M004", "赵六", 0, "full", "deceased"),
    ("M005", "孙七", 0, "full", "transferred_out"),
    ("M006", "周八", 1, "full", "normal"),
    ("M007", "吴九", 0, "activist", "normal"),
)


@dataclass
class Hall:
    branches: list[Branch]
    event: Event  # open for sign-in at NOW, branch 0, starts at 09:00
    payloads: dict[str, str]  # member number -> payload of their card

    def member(self, number: str) -> Member:
        return Member.get((Member.number == number) & (Member.card_key == ""))


def build(keys_dir, event_start: dt.datetime = NOW - HOUR / 2) -> Hall:
    with write_lock():  # one commit
        hall = local_hall()
        branches = [Branch.create(hall=hall, name=name) for name in ("第一党支部", "第二党支部")]
        payloads = {}
        for number, name, branch, stage, status in MEMBERS:
            member = Member.create(number=number, name=name, branch=branches[branch],
                                   name_initials=members.pinyin_initials(name),
                                   stage=stage, status=status, phone="13812341234",
                                   id_number="350102199001011234")
            payloads[number] = cards.issue_member_card(None, member, keys_dir, on=NOW.date())
        event = Event.create(branch=branches[0], type="theme_day", title="主题党日：学习交流",
                             place="二楼会议室", start=event_start, end=event_start + 2 * HOUR,
                             signin_opens=event_start - HOUR / 2,
                             signin_closes=event_start + HOUR)
    return Hall(branches, event, payloads)
