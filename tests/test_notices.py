"""The notice services on SQLite and PostgreSQL: the board's tabs and pages, publishing,
versions, retraction, the privacy check, search, bad input, and the audit log's check of the
board."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from notice_board import CLERK, ROAD_V2, TODAY, at, fill_board, fixed_clock

from kiosk.db.models import AuditEntry, Notice, NoticeVersion
from kiosk.errors import KioskError
from kiosk.services import audit, notice_diff, notices
from kiosk.services.notices import NoticeFields, PersonalDataFound
from kiosk.services.staff import NotAllowed


@pytest.fixture
def clock(db, monkeypatch):
    return fixed_clock(monkeypatch, at(27))


@pytest.fixture
def board(clock):
    return fill_board(clock)


def titles(page: notices.Page) -> list[str]:
    return [hit.notice.title for hit in page.hits]


def ids(page: notices.Page) -> list[str]:
    return [str(hit.notice.id) for hit in page.hits]


def last_entry() -> AuditEntry:
    return AuditEntry.select().order_by(AuditEntry.seq.desc()).first()


# --- the board -----------------------------------------------------------------------------

def test_all_shows_notices_in_force_pinned_first_then_newest(board):
    page = notices.board("all", TODAY, 0, 10)
    assert ids(page) == [board[n] for n in ("finance", "health", "activists", "insurance", "road")]
    assert page.total == 5 and page.pages == 1


def test_a_category_tab_shows_only_its_notices(board):
    assert ids(notices.board("village", TODAY)) == [board["road"]]
    assert ids(notices.board("activity", TODAY)) == [board["health"]]  # not the scheduled one


def test_the_archive_holds_retracted_and_expired_notices_newest_first(board):
    page = notices.board("archive", TODAY)
    assert ids(page) == [board["retracted"], board["expired"]]
    assert [notices.state(h.notice, TODAY) for h in page.hits] == ["retracted", "expired"]


def test_a_notice_leaves_the_board_the_day_after_it_expires(board):
    last_day = dt.date(2026, 12, 20)
    assert board["activists"] in ids(notices.board("party", last_day))
    assert board["activists"] in ids(notices.board("archive", last_day + dt.timedelta(days=1)))


def test_pages_and_a_page_past_the_end_shows_the_last(board):
    first, second = notices.board("all", TODAY, 0, 2), notices.board("all", TODAY, 1, 2)
    assert first.pages == 3 and len(first.hits) == len(second.hits) == 2
    assert not set(ids(first)) & set(ids(second))
    beyond = notices.board("all", TODAY, 9, 2)
    assert beyond.page == 2 and ids(beyond) == [board["road"]]


def test_an_empty_board(db):
    page = notices.board("all", TODAY)
    assert page.hits == [] and page.total == 0 and page.pages == 1


def test_drafts_are_not_public(board):
    with pytest.raises(KioskError, match="还没有发布"):
        notices.public(board["draft"])
    assert board["draft"] not in ids(notices.search("慰问", TODAY))


# --- publishing, versions, retraction -----------------------------------------------------

def test_publishing_records_version_one_and_an_audit_entry_with_its_digest(board):
    notice = notices.get(board["insurance"])
    [version] = notices.versions(board["insurance"])
    assert (notice.status, notice.version, notice.published) == ("published", 1, at(10))
    assert notice.valid_from == dt.date(2026, 11, 10)
    assert (version.title, version.body, version.changed_by_role) == (
        notice.title, notice.body, "staff")
    entry = AuditEntry.get(AuditEntry.action == "notice.publish",
                           AuditEntry.subject == board["insurance"])
    assert entry.actor == "staff:8002"
    assert json.loads(entry.details)["digest"] == notices.version_digest(version)


def test_an_edit_adds_a_version_and_keeps_the_old_one(board):
    notice = notices.get(board["road"])
    newer, older = notices.versions(board["road"])
    assert notice.version == 2 and notice.body.startswith(ROAD_V2)
    assert (newer.version, older.version) == (2, 1)
    assert "12,600.00" in older.body and "13,200.00" in newer.body
    assert newer.note == "更正机械租赁费金额（原数字录入有误）" and newer.changed == at(6, hour=15)
    assert notice.valid_from == dt.date(2026, 11, 2)  # still from when it was first published
    fields, texts = notice_diff.compare(older, newer)
    assert fields == []
    assert texts[0].before[-1] == ("12,600.00", True) and texts[0].after[-1] == ("13,200.00", True)
    assert texts[1].before == () and "更正说明" in texts[1].after[0][0]


def test_an_edit_needs_a_reason_and_a_change(board):
    fields = NoticeFields.of(notices.get(board["insurance"]))
    changed = NoticeFields(fields.title, fields.category, fields.body + "\n补充。")
    with pytest.raises(KioskError, match="修改原因"):
        notices.publish(CLERK, changed, board["insurance"])
    with pytest.raises(KioskError, match="没有改动"):
        notices.publish(CLERK, fields, board["insurance"], note="没改什么")
    assert notices.get(board["insurance"]).version == 1


def test_pinning_alone_is_recorded_but_makes_no_new_version(board):
    fields = NoticeFields.of(notices.get(board["insurance"]))
    pinned = NoticeFields(fields.title, fields.category, fields.body, pinned=True,
                          valid_from=fields.valid_from)
    notice = notices.publish(CLERK, pinned, board["insurance"])
    assert notice.pinned and notice.version == 1
    assert last_entry().action == "notice.pin"


def test_an_edit_from_a_stale_editor_is_refused(board):
    fields = NoticeFields.of(notices.get(board["road"]))
    with pytest.raises(KioskError, match="刚被别人改过"):
        notices.publish(CLERK, fields, board["road"], note="再改", expected_version=1)


def test_retracting_needs_a_reason_and_keeps_the_notice(board, clock):
    with pytest.raises(KioskError, match="必须写明原因"):
        notices.retract(CLERK, board["insurance"], "   ")
    clock.at = at(27, hour=11)
    notice = notices.retract(CLERK, board["insurance"], "缴费标准有变，另行通知")
    assert (notice.status, notice.retracted, notice.retracted_by_role) == (
        "retracted", at(27, hour=11), "staff")
    assert board["insurance"] in ids(notices.board("archive", TODAY))
    assert notices.public(board["insurance"]).retract_reason == "缴费标准有变，另行通知"
    assert last_entry().action == "notice.retract"
    with pytest.raises(KioskError, match="已经撤回"):
        notices.retract(CLERK, board["insurance"], "再撤一次")
    with pytest.raises(KioskError, match="不能再修改"):
        notices.publish(CLERK, NoticeFields.of(notice), board["insurance"], note="改")


def test_a_draft_changes_in_place_until_it_is_published(board, clock):
    draft = board["draft"]
    notices.save_draft(CLERK, NoticeFields("冬春送温暖慰问活动安排", "activity", "名单已确定。"),
                       draft)
    [version] = notices.versions(draft)
    assert version.body == "名单已确定。\n"
    notice = notices.publish(CLERK, NoticeFields.of(notices.get(draft)), draft)
    assert (notice.status, notice.version, notice.published) == ("published", 1, clock.at)
    with pytest.raises(KioskError, match="不能改回草稿"):
        notices.save_draft(CLERK, NoticeFields.of(notice), draft)


def test_only_staff_change_the_board(board):
    with pytest.raises(NotAllowed):
        notices.publish(None, NoticeFields("标题", "village", "正文"))
    with pytest.raises(NotAllowed):
        notices.retract(None, board["road"], "原因")


def test_numbers_follow_on(board):
    notice = notices.publish(CLERK, NoticeFields("新通知", "village", "正文"))
    assert notice.number == Notice.select().count()


# --- the privacy check ---------------------------------------------------------------------

def test_a_mobile_number_stops_publishing_until_confirmed_or_masked(db, clock):
    fields = NoticeFields("体检通知", "activity", "联系人刘医生，电话 13900007788。")
    with pytest.raises(PersonalDataFound) as found:
        notices.publish(CLERK, fields)
    [finding] = found.value.findings
    assert (finding.kind, finding.text, finding.masked) == ("phone", "13900007788", "139****7788")
    assert Notice.select().count() == 0  # nothing written

    masked = notices.publish(CLERK, notices.masked(fields))
    assert "139****7788" in masked.body and "13900007788" not in masked.body
    confirmed = notices.publish(CLERK, fields, confirmed_public=True)
    assert "13900007788" in confirmed.body
    assert json.loads(last_entry().details)["confirmed_public"] == ["phone"]


def test_the_check_looks_at_the_title_and_every_kind(db, clock):
    fields = NoticeFields("张三 350102199001011238 的证明", "village",
                          "银行卡 6222 0202 0000 0000 006，电话 139-0000-7788")
    kinds = [f.kind for f in notices.check_privacy(fields)]
    assert kinds == ["id_number", "bank_card", "phone"]
    masked = notices.masked(fields)
    assert "35*************238" in masked.title
    assert "6222***********0006" in masked.body and "139****7788" in masked.body


def test_the_demo_notice_with_a_mobile_number_trips_the_check(config, monkeypatch):
    from kiosk.db.demo import build_demo
    from kiosk.db.session import open_database

    open_database(config.db_url, create=True)
    build_demo(config.keys_dir, dt.datetime(2026, 11, 27, 9, 30))
    tripped = [n.title for n in Notice.select() if notices.check_privacy(NoticeFields.of(n))]
    assert tripped == ["65 岁以上老人免费健康体检通知"]
    assert notices.verify_versions() == []


# --- search --------------------------------------------------------------------------------

@pytest.mark.parametrize("words, expected", [
    ("医保", ["health", "insurance"]),  # two characters: no trigram, found all the same
    ("医保卡", ["health"]),
    ("保", ["health", "insurance", "retracted"]),
    ("村道硬化", ["road"]),
    ("机械租赁费 13,200", ["road"]),  # every word must be found
    ("12,600.00", []),  # only the old version had it
    ("低保", ["retracted"]),  # the archive is searched too, after what is in force
    ("财务收支", ["finance", "expired"]),
    ("ROAD", []),
])
def test_search_finds_substrings_in_title_and_text(board, words, expected):
    page = notices.search(words, TODAY, 0, 10)
    assert ids(page) == [board[name] for name in expected]


def test_search_ignores_case_of_latin_letters(board, clock):
    notices.publish(CLERK, NoticeFields("WiFi 密码公告", "village", "村部的 wifi 已开通。"))
    assert titles(notices.search("WIFI", TODAY)) == ["WiFi 密码公告"]
    assert titles(notices.search("wi", TODAY)) == ["WiFi 密码公告"]


def test_search_finds_the_words_in_force_first_and_gives_a_snippet(board):
    [hit] = notices.search("周文杰", TODAY).hits
    assert "周文杰" in hit.snippet
    assert notices.match_spans(hit.snippet, ("周文杰",))


@pytest.mark.parametrize("words", ["%", "_", "%%%", "\\", "'", '"', '" OR "', "※", "NEAR(",
                                   "；。，！", "🚧", "a\x00b"])
def test_search_takes_symbols_literally(board, words):
    assert notices.search(words, TODAY).hits == []


def test_search_of_a_percent_sign_finds_only_a_percent_sign(board, clock):
    notices.publish(CLERK, NoticeFields("提取公积公益金 30%", "village", "按 30% 提取。"))
    assert titles(notices.search("%", TODAY)) == ["提取公积公益金 30%"]
    assert titles(notices.search("0%", TODAY)) == ["提取公积公益金 30%"]


@pytest.mark.parametrize("words, message", [("", "请输入"), ("   ", "请输入"), ("长" * 2000, "太长")])
def test_search_refuses_nothing_and_too_much(board, words, message):
    with pytest.raises(KioskError, match=message):
        notices.search(words, TODAY)


def test_the_index_follows_edits_and_restores(board, clock, tmp_path):
    from kiosk.services import backup

    notices.publish(CLERK, NoticeFields("二组村道硬化工程资金使用情况公开", "village",
                                        "资金已全部审计完毕。"), board["road"], note="审计")
    assert ids(notices.search("审计完毕", TODAY)) == [board["road"]]
    assert notices.search("机械租赁费", TODAY).hits == []
    backup.backup(tmp_path / "hall.backup")
    with backup.open_backup(tmp_path / "hall.backup") as source:
        backup.restore(source)
    assert ids(notices.search("审计完毕", TODAY)) == [board["road"]]
    assert ids(notices.search("医保卡", TODAY)) == [board["health"]]


# --- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize("title, body, message", [
    ("", "正文", "标题不能为空"),
    ("  \n ", "正文", "标题不能为空"),
    ("标题", "", "正文不能为空"),
    ("标题", " \n\t\n", "正文不能为空"),
    ("长" * 81, "正文", "标题太长"),
    ("标题", "字" * 1_000_000, "正文太长"),
])
def test_bad_fields_are_refused_with_nothing_written(db, clock, title, body, message):
    before = AuditEntry.select().count()
    for change in (notices.publish, notices.save_draft):
        with pytest.raises(KioskError, match=message):
            change(CLERK, NoticeFields(title, "village", body))
    assert Notice.select().count() == 0 and NoticeVersion.select().count() == 0
    assert AuditEntry.select().count() == before


def test_an_unknown_category_and_backwards_dates_are_refused(db, clock):
    with pytest.raises(KioskError, match="类别"):
        notices.publish(CLERK, NoticeFields("标题", "gossip", "正文"))
    with pytest.raises(KioskError, match="结束日期"):
        notices.publish(CLERK, NoticeFields("标题", "village", "正文", valid_from=TODAY,
                                            valid_until=TODAY - dt.timedelta(days=1)))


def test_control_characters_and_line_ends_are_tidied(db, clock):
    notice = notices.publish(CLERK, NoticeFields("标\x00题\t一", "village",
                                                 "第一行\r\n第二行\x07  \r\n\x00"))
    assert notice.title == "标 题 一" and notice.body == "第一行\n第二行\n"
    assert notices.get(notice.id).body == "第一行\n第二行\n"


# --- checking the board against the audit log ---------------------------------------------

def test_the_board_agrees_with_the_audit_log(board):
    assert notices.verify_versions() == []
    assert audit.verify().ok


@pytest.mark.parametrize("tamper, problem", [
    (lambda ids: NoticeVersion.update(body="改过的内容").where(
        NoticeVersion.notice == ids["road"], NoticeVersion.version == 1).execute(), "第 1 版"),
    (lambda ids: Notice.update(body="改过的内容").where(Notice.id == ids["insurance"]).execute(),
     "被直接改动过"),
    (lambda ids: NoticeVersion.delete().where(
        NoticeVersion.notice == ids["road"], NoticeVersion.version == 1).execute(), "版本不全"),
    (lambda ids: Notice.update(status="published").where(Notice.id == ids["draft"]).execute(),
     "对不上"),
])
def test_changes_behind_the_boards_back_are_found(board, tamper, problem):
    tamper(board)
    problems = notices.verify_versions()
    assert len(problems) == 1 and problem in problems[0]
