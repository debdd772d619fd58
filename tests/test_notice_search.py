"""Search for words of one or two characters goes by the table of grams (kiosk.db.fulltext),
kept by triggers: it must find exactly what scanning every title and text with LIKE / ILIKE
finds, and highlight the match in what it finds, on SQLite and PostgreSQL."""

from __future__ import annotations

import peewee as pw
import pytest
from notice_board import CLERK, TODAY, at, fill_board, fixed_clock

from kiosk.db import fulltext
from kiosk.db.database import database, is_postgres
from kiosk.db.migrations import migrate
from kiosk.db.models import Meta, Notice
from kiosk.services import notices
from kiosk.services.hall import local_hall
from kiosk.services.notices import NoticeFields

MIXED = NoticeFields("WiFi 密码 30% 已更新", "village", "村部 wifi 改为 A_b%；Äpfel äpfel 🚧。")


@pytest.fixture
def clock(db, monkeypatch):
    return fixed_clock(monkeypatch, at(27))


@pytest.fixture
def board(clock):
    made = fill_board(clock)
    made["mixed"] = str(notices.publish(CLERK, MIXED).id)
    return made


def scanned(term: str) -> set[str]:
    """The slow path: published notices whose title or text contains `term`, scanned."""
    if is_postgres():
        found = pw.SQL(fulltext.PG_SEARCH_TEXT).contains(term)
    else:
        found = Notice.title.contains(term) | Notice.body.contains(term)
    return {str(n.id) for n in Notice.select().where(found & (Notice.status != "draft"))}


def short_words() -> list[str]:
    """Every one- and two-character piece of every title and text (drafts too), and the
    same in capitals."""
    words = set()
    for notice in Notice.select():
        for text in (notice.title, notice.body):
            for width in (1, 2):
                words |= {text[i:i + width] for i in range(len(text) - width + 1)}
    words = {w for w in words if w.strip() == w and " " not in w}
    return sorted(words | {w.upper() for w in words})


def test_short_words_find_what_a_scan_finds_and_highlight_it(board):
    words = short_words()
    assert len(words) > 500
    for word in words:
        page = notices.search(word, TODAY, 0, 100)
        found = {str(hit.notice.id) for hit in page.hits}
        assert found == scanned(word.lower()), word
        for hit in page.hits:
            assert (notices.match_spans(hit.notice.title, page.terms)
                    or notices.match_spans(hit.notice.body, page.terms)), word


def test_the_grams_follow_edits(board, clock):
    notices.publish(CLERK, NoticeFields("二组村道硬化工程资金使用情况公开", "village",
                                        "资金已审计。"), board["road"], note="审计")
    assert [str(h.notice.id) for h in notices.search("审计", TODAY).hits] == [board["road"]]
    assert notices.search("验收", TODAY).hits == []  # only the earlier versions had it


def test_a_notice_of_the_longest_text_is_found_by_its_last_characters(db, clock):
    body = "甲" * (notices.MAX_BODY - 2) + "乙丙"
    made = Notice.create(hall=local_hall(), number=1, category="village", title="很长的通知",
                         body=body, status="published", published=clock())
    assert [h.notice.id for h in notices.search("乙丙", TODAY).hits] == [str(made.id)]
    assert [h.notice.id for h in notices.search("丙", TODAY).hits] == [str(made.id)]


def test_an_older_database_gets_the_grams_of_the_notices_it_has(board):
    db = database.obj
    if is_postgres():
        drop = ["DROP TABLE notice_gram", "DROP TRIGGER notice_gram_sync ON notice"]
    else:
        drop = ["DROP TABLE notice_gram", "DROP TABLE notice_gram_position"] + [
            f"DROP TRIGGER notice_gram_{change}" for change in ("insert", "delete", "update")]
    for statement in drop:
        db.execute_sql(statement)
    Meta.put("schema_version", "3")
    assert migrate(db, version=4) == 3  # the step that adds the grams, alone
    assert [str(h.notice.id) for h in notices.search("医保", TODAY).hits] == [
        board["health"], board["insurance"]]
