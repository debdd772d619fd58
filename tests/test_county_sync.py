"""Three halls, each on its own SQLite file, syncing with one county server (a real
`kiosk county serve` subprocess on the local PostgreSQL) over real TCP: offline work,
a cut mid-upload, a doubled batch, a revocation and a member who moved, and refusals."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import peewee
import pytest
import report_hall

from kiosk.db import outbox
from kiosk.db.database import database
from kiosk.db.models import (
    Attendance, CountyRecord, FlowRecord, HallAccount, Member, Meta, Notice, Outbox, Request,
    SyncConflict,
)
from kiosk.db.outbox import SYNCED
from kiosk.db.session import open_database
from kiosk.services import (
    county, county_reports, members, periods, reports, requests, setup, signin, sync,
)
from kiosk.services.hall import local_hall
from kiosk.services.privacy import mask_name
from kiosk.services.staff import StaffSession
import signin_hall
from conftest import _empty_postgres

NOW = signin_hall.NOW
STAFF = StaffSession("8001", "王建国", "admin")
IMPOSTOR = "冒名的服务中心"


@contextmanager
def bound(db: peewee.Database):
    """Point the models at one of the databases for a while (halls and county alike)."""
    before = database.obj
    database.initialize(db)
    try:
        yield
    finally:
        database.initialize(before)


class Hall:
    def __init__(self, folder: Path, name: str):
        self.name = name
        self.db = open_database(f"sqlite:///{folder / name}.db", create=True)
        with self.use():
            setup.initialise_hall(name, folder / f"{name}-keys")
            self.built = signin_hall.build(folder / f"{name}-keys")
            self.id = local_hall().id
        self.token = ""

    def use(self):
        return bound(self.db)

    def sign_in(self, number: str, payload: str | None = None) -> signin.SignInResult:
        with self.use():
            return signin.sign_in(payload or self.built.payloads[number], at=NOW)

    def sync(self, url: str) -> sync.SyncResult:
        with self.use():
            return sync.sync_once(url, self.token)

    def counts(self) -> dict[str, int]:
        """What the county should hold from this hall, by kind."""
        with self.use():
            builder = sync.Records()
            models = sync.synced_models()
            found = {}
            for kind in SYNCED:
                owned = [r for r in models[kind].select() if builder.record(kind, r) is not None]
                if owned:
                    found[kind] = len(owned)
            return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CountyServer:
    """`kiosk county serve` in a subprocess; stop() and start() again like a real outage."""

    def __init__(self, db_url: str):
        self.db_url, self.port = db_url, _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "county", "serve", "--db", self.db_url,
             "--port", str(self.port)], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/v1/health", timeout=1).read()
                return
            except OSError:
                assert self.process.poll() is None, "the county server did not start"
                time.sleep(0.1)
        raise AssertionError("the county server did not answer")

    def ensure_started(self) -> None:
        if self.process is None or self.process.poll() is not None:
            self.start()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


class CuttingProxy:
    """Passes one connection to the server, but cuts it: after `upload` bytes of the
    request, or (upload None) just before the server's answer would reach the hall."""

    def __init__(self, port: int, upload: int | None):
        self.port, self.upload = port, upload
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        client, _ = self.listener.accept()
        upstream = socket.create_connection(("127.0.0.1", self.port))
        threading.Thread(target=self._request, args=(client, upstream), daemon=True).start()
        while upstream.recv(65536):  # the answer: read, never passed on
            pass
        client.shutdown(socket.SHUT_RDWR)  # also wakes the thread reading the request
        client.close()
        upstream.close()
        self.listener.close()

    def _request(self, client, upstream) -> None:
        sent = 0
        while chunk := client.recv(65536):
            if self.upload is not None and sent + len(chunk) >= self.upload:
                upstream.sendall(chunk[:self.upload - sent])
                upstream.shutdown(socket.SHUT_RDWR)
                return
            upstream.sendall(chunk)
            sent += len(chunk)


class FakeCounty:
    """Takes every batch `push` sends, keeping its (kind, key)s; runs `meanwhile` while it
    holds one."""

    def __init__(self, meanwhile=lambda: None):
        self.batches, self.meanwhile = [], meanwhile

    def call(self, method: str, path: str, body: dict) -> dict:
        self.batches.append([(row["kind"], row["key"]) for row in body["rows"]])
        self.meanwhile()
        return {}


# (the tests on the `db` fixture come first: the county's fixtures empty the same
# PostgreSQL database)

@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
def test_the_first_sync_sends_every_earlier_row_exactly_once(db, config):
    built = signin_hall.build(config.keys_dir)
    assert signin.sign_in(built.payloads["M001"], at=NOW).code == "ok"
    assert not Outbox.select().exists() and sync.status().waiting is None  # no county yet
    assert outbox.switch_on(database.obj) and not outbox.switch_on(database.obj)
    county, last = FakeCounty(), Outbox.select(peewee.fn.MAX(Outbox.seq)).scalar()
    sync.push(county, batch=7)
    builder, owned = sync.Records(), []
    for kind, model in sync.synced_models().items():
        records = (builder.record(kind, row) for row in model.select())
        owned += [(kind, record["key"]) for record in records if record is not None]
    sent = [row for batch in county.batches for row in batch]
    assert len(county.batches) > 1 and sorted(sent) == sorted(owned)
    # the outbox is empty now; its numbers go on all the same (never reused)
    assert signin.sign_in(built.payloads["M002"], at=NOW).code == "ok"
    assert Outbox.select(peewee.fn.MIN(Outbox.seq)).scalar() > last


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
def test_a_row_written_while_syncing_is_switched_on_is_queued_once(db):
    written, go_on = threading.Event(), threading.Event()

    def in_thread(work):
        def run():
            try:
                work()
            finally:
                database.close()
        return threading.Thread(target=run)

    def write():
        with database.atomic():
            requests.submit("certificate", "开一张证明")
            written.set()
            go_on.wait(10)
    writer = in_thread(write)
    writer.start()
    written.wait(10)
    switcher = in_thread(lambda: outbox.switch_on(database.obj))
    switcher.start()
    switcher.join(1)
    assert switcher.is_alive()  # it waits for the write in progress to commit
    go_on.set()
    writer.join(10)
    switcher.join(10)
    assert outbox.is_on(database.obj)
    assert Request.select().count() == 1
    assert Outbox.select().where(Outbox.kind == "request").count() == 1


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_an_entry_that_commits_late_is_still_uploaded(db):
    """On PostgreSQL an outbox entry can commit after one with a later seq: an upload
    forgets only the entries it sent."""
    inserted, go_on, slow = threading.Event(), threading.Event(), []

    def slow_writer():
        with database.atomic():
            slow.append(Outbox.create(kind="request", key=str(uuid.uuid4())).seq)
            inserted.set()
            go_on.wait(10)
        database.close()
    writer = threading.Thread(target=slow_writer)
    writer.start()
    inserted.wait(10)
    Outbox.create(kind="request", key=str(uuid.uuid4()))

    def slow_one_commits():  # while the county stores the first batch
        go_on.set()
        writer.join(10)
    county = FakeCounty(slow_one_commits)
    sync.push(county)
    # a second batch, for the slow entry: the first one's answer did not make it forgotten
    assert len(county.batches) == 2 and slow and not Outbox.select().exists()


@pytest.fixture(scope="module")
def county_db(pg_url):
    _empty_postgres(pg_url)
    db = open_database(pg_url, create=True)
    database.initialize(None)
    yield db
    db.close()


@pytest.fixture(scope="module")
def server(county_db, pg_url):
    running = CountyServer(pg_url)
    yield running
    if running.process and running.process.poll() is None:
        running.stop()


@pytest.fixture(scope="module")
def halls(tmp_path_factory, county_db):
    folder = tmp_path_factory.mktemp("halls")
    made = [Hall(folder, name) for name in ("东村党群服务中心", "西村党群服务中心", "南村党群服务中心")]
    with bound(county_db):
        for hall in made:
            hall.token = county.add_hall(hall.name)
    yield made
    for hall in made:
        hall.db.close()


def test_halls_work_offline_and_the_county_ends_up_with_every_row_once(
        halls, server, county_db):
    east, west, south = halls
    # the county server is down: the halls work as usual, and keep what they made
    for hall in halls:
        assert hall.sign_in("M001").code == "ok"
        assert hall.sign_in("M002").code == "ok"
        with hall.use():
            requests.submit("certificate", "开一张证明")
            assert not Outbox.select().exists()  # no county yet: nothing is queued
        with pytest.raises(sync.SyncError), hall.use():
            sync.sync_once(server.url, hall.token)
        with hall.use():
            state = sync.status()
        assert state.waiting > 0 and "连不上" in state.error and not state.last_ok

    server.start()
    # a hall that gives itself the west hall's name, before the west hall is first seen
    with bound(county_db):
        impostor = county.add_hall(IMPOSTOR)
    sync.County(server.url, impostor).call("GET", "/v1/changes?" + urllib.parse.urlencode(
        {"after": 0, "hall": str(uuid.uuid4()), "name": west.name}))
    # a cut in the middle of the upload, then one just before the county's answer
    with east.use():
        before = Outbox.select().count()
        for upload in (3000, None):
            proxy = CuttingProxy(server.port, upload)
            with pytest.raises(sync.SyncError):
                sync.push(sync.County(proxy.url, east.token), batch=40)
            proxy.thread.join(10)
        assert Outbox.select().count() == before  # nothing forgotten before the county said so
    with bound(county_db):
        assert county.counts(east.id)  # the second cut came after the county stored the batch
    for hall in halls:
        hall.sync(server.url)
        with hall.use():
            assert sync.status().waiting == 0 and sync.status().last_ok

    # the same batch sent twice changes nothing
    assert south.sign_in("M007").code == "ok"
    with south.use():
        seqs, records = sync.pending_batch()
        body = sync.push_body(seqs, records)
    client = sync.County(server.url, south.token)

    def south_rows() -> list[tuple]:
        with bound(county_db):
            return list(CountyRecord.select(CountyRecord.kind, CountyRecord.key,
                                            CountyRecord.data, CountyRecord.version)
                        .where(CountyRecord.hall == south.id).order_by(CountyRecord.id).tuples())
    held = south_rows()
    client.call("POST", "/v1/push", body)
    once = south_rows()
    client.call("POST", "/v1/push", body)
    assert south_rows() == once and len(once) > len(held)

    # a card revoked at the county is refused at its hall after the hall's next sync
    with east.use():
        key_id = sync.Records().key_id
    with bound(county_db):
        assert county.revoke_card(f"{key_id}:M006") == 1
    assert east.sign_in("M006").code != "revoked"
    east.sync(server.url)
    assert east.sign_in("M006").code == "revoked"

    # a member flows from the east hall to the west hall, and signs in there by name
    with east.use():
        moving = east.built.member("M001")
        members.record_flow(STAFF, moving.id, direction="out", place=west.name,
                            since=NOW.date(), reason="外出务工")
    east.sync(server.url)
    west.sync(server.url)
    with west.use():
        assert sync.status().waiting == 0  # what came from the county does not go back
    result = west.sign_in("M001", east.built.payloads["M001"])
    assert result.code == "ok"
    assert result.name == mask_name("张三明")
    assert east.name in result.home_org and "第一党支部" in result.home_org
    with west.use():
        visitor = Member.get((Member.card_key == key_id) & (Member.number == "M001"))
        assert visitor.name == "张三明" and visitor.status == "flowed_in"
        assert visitor.id_number == ""  # what the west hall does not need is not sent
        assert [f.place for f in visitor.flows] == [west.name]
    with bound(county_db):
        seen = county.changes(HallAccount.get(HallAccount.name == IMPOSTOR), 0, 2000)
    assert f"{key_id}:M001" not in {c["key"] for c in seen["changes"]}
    # sending the member and their flow again changes nothing: not even what the west
    # hall would pull again
    with east.use():
        moved, builder = east.built.member("M001"), sync.Records()
        again = [builder.record("member", moved), builder.record("flow_record", moved.flows.get())]

    def change_seqs() -> list[tuple]:
        with bound(county_db):
            return list(CountyRecord.select(CountyRecord.key, CountyRecord.change_seq)
                        .where(CountyRecord.member_key == f"{key_id}:M001").tuples())
    held = change_seqs()
    sync.County(server.url, east.token).call("POST", "/v1/push", {
        "hall": {"id": str(east.id), "name": east.name}, "rows": again})
    assert change_seqs() == held

    for hall in halls:
        hall.sync(server.url)
    with bound(county_db):
        for hall in halls:
            assert county.counts(hall.id) == hall.counts()
        assert (CountyRecord.select().where(CountyRecord.kind == "attendance").count()
                == sum(h.counts()["attendance"] for h in halls))
        seen = {h.name: h for h in county.halls()}
        assert all(seen[h.name].backlog == 0 and seen[h.name].last_seen for h in halls)

    # the county's reports for one hall say what that hall's own reports say
    period = periods.parse_period("2026-11")
    for hall in halls:
        for kind in ("attendance", "members", "requests"):
            with hall.use():
                own = reports.build(kind, period, today=NOW.date())
            with bound(county_db), county_reports.laid_out() as ids:
                made = reports.build(kind, period, hall=ids[hall.name], today=NOW.date())
            assert made.hall == hall.name
            assert made.summary == own.summary, (hall.name, kind)
            assert ([(t.key, list(t.rows)) for t in made.tables]
                    == [(t.key, list(t.rows)) for t in own.tables]), (hall.name, kind)


def test_a_county_edit_wins_over_the_halls_and_the_conflict_is_kept(halls, server, county_db):
    east = halls[0]
    server.ensure_started()
    east.sync(server.url)
    with east.use():
        key_id = sync.Records().key_id
        member = east.built.member("M007")
    with bound(county_db):
        county.set_stage(f"{key_id}:M007", "candidate", NOW.date())
    with east.use():  # the hall changes the same member before it has heard
        members.change_stage(STAFF, member.id, "probationary", NOW.date())
    east.sync(server.url)
    with east.use():
        assert east.built.member("M007").stage == "candidate"
        lost = SyncConflict.get(SyncConflict.key == f"{key_id}:M007")
        assert json.loads(lost.lost)["stage"] == "probationary"
        assert sync.status().conflicts == 1
    with bound(county_db):
        assert SyncConflict.select().where(SyncConflict.key == f"{key_id}:M007").count() == 1
    # after that the hall's own changes go through again
    with east.use():
        members.change_stage(STAFF, member.id, "probationary", NOW.date())
    east.sync(server.url)
    with bound(county_db):
        record = CountyRecord.get((CountyRecord.kind == "member")
                                  & (CountyRecord.key == f"{key_id}:M007"))
        assert json.loads(record.data)["stage"] == "probationary"


def test_tokens_and_ownership_are_checked(halls, server, county_db):
    east, west, _ = halls
    server.ensure_started()
    assert east.sign_in("M002").code in ("ok", "already")
    for hall in (east, west):
        hall.sync(server.url)
    with east.use():
        builder = sync.Records()
        rows = [builder.record("attendance", Attendance.select().first()),
                builder.record("member", east.built.member("M001"))]
        flows = [builder.record("flow_record", FlowRecord.get())]
    east_body = {"hall": {"id": str(east.id), "name": east.name}, "rows": rows}

    def refused(token: str, body: dict) -> int:
        with pytest.raises(sync.SyncError) as refusal:
            sync.County(server.url, token).call("POST", "/v1/push", body)
        return int(str(refusal.value).split("（")[1].split("）")[0])

    assert refused("wrong", east_body) == 401
    # the west hall's token cannot send the east hall's rows, under either hall's name
    assert refused(west.token, east_body) == 403
    as_west = dict(east_body, hall={"id": str(west.id), "name": west.name})
    assert refused(west.token, as_west) == 403
    # nor overwrite one by its id, nor send members under the east hall's key
    for row in rows:
        stolen = json.loads(json.dumps(dict(as_west, rows=[row])))
        stolen["rows"][0]["data"].pop("hall", None)
        assert refused(west.token, stolen) == 403
    # nor take the key of an event the east hall has yet to send
    event = dict(rows[0], kind="event", key=f"{east.id}:99", data={"hall": str(west.id)})
    assert refused(west.token, dict(as_west, rows=[event])) == 403
    # a made-up flow of an east member "to" the west hall does not hand the member over
    staying, made_up = rows[1]["key"].replace(":M001", ":M002"), str(uuid.uuid4())
    flow = dict(flows[0], key=made_up, data=dict(
        flows[0]["data"], id=made_up, hall=str(west.id), member=staying, place=west.name))
    sync.County(server.url, west.token).call("POST", "/v1/push", dict(as_west, rows=[flow]))
    with bound(county_db):
        readable = county.changes(HallAccount.get(HallAccount.name == west.name), 0, 2000)
    assert staying not in {c["key"] for c in readable["changes"]}
    with bound(county_db):
        county.revoke_hall(west.name)
    with pytest.raises(sync.SyncError, match="401"):
        west.sync(server.url)


def test_the_county_commands(halls, server, county_db, pg_url, tmp_path, capsys):
    from kiosk.cli import main

    server.ensure_started()
    for hall in (halls[0], halls[2]):
        hall.sync(server.url)
    assert main(["county", "add-hall", "北村党群服务中心", "--db", pg_url]) == 0
    token = capsys.readouterr().out.splitlines()[-1]
    with bound(county_db):
        assert HallAccount.get(HallAccount.name == "北村党群服务中心").token_hash == county._hash(
            token)
    assert main(["county", "halls", "--json", "--db", pg_url]) == 0
    listed = {h["name"]: h for h in json.loads(capsys.readouterr().out)}
    assert set(listed) == {h.name for h in halls} | {"北村党群服务中心", IMPOSTOR}
    assert listed["东村党群服务中心"]["rows"] > 0 and listed["北村党群服务中心"]["last_seen"] is None
    file = tmp_path / "east.csv"
    assert main(["county", "report", "attendance", str(file), "--period", "2026-11",
                 "--hall", "东村党群服务中心", "--db", pg_url]) == 0
    text = file.read_text(encoding="utf-8-sig")
    assert text.startswith("东村党群服务中心") and "主题党日：学习交流" in text
    assert main(["county", "report", "attendance", str(file), "--hall", "无此村",
                 "--db", pg_url]) == 2
    # member numbers repeat across halls: the county asks which one
    assert main(["county", "revoke-card", "M005", "--db", pg_url]) == 2
    assert "位党员编号都是 M005" in capsys.readouterr().err
    with halls[0].use():
        key_id = sync.Records().key_id
    assert main(["county", "revoke-card", f"{key_id}:M005", "--db", pg_url]) == 0
    assert "已停用 1 张卡" in capsys.readouterr().out
    # a hall syncs once from the command line
    south = halls[2]
    assert south.sign_in("M007").code in ("ok", "already")
    hall_url = f"sqlite:///{south.db.database}"
    assert main(["sync", "--db", hall_url, "--county", server.url, "--token", south.token]) == 0
    assert "待上传 0 行" in capsys.readouterr().out
    assert main(["sync", "--db", hall_url, "--county", server.url, "--token", "wrong"]) == 2
    assert "拒绝" in capsys.readouterr().err


def test_a_county_notice_reaches_every_hall_once_as_a_draft(halls, server, county_db, pg_url,
                                                           tmp_path):
    from kiosk.cli import main

    server.ensure_started()
    body = tmp_path / "notice.md"
    body.write_text("请各支部于月底前完成党员信息核对。", encoding="utf-8")
    assert main(["county", "notice", "关于党员信息核对的通知", str(body), "--db", pg_url]) == 0
    for _ in range(2):  # a second sync brings nothing new
        halls[2].sync(server.url)
    with halls[2].use():
        [draft] = Notice.select().where(Notice.title == "关于党员信息核对的通知")
        assert draft.status == "draft" and draft.category == "policy"
        assert draft.body.startswith("请各支部")
        cursor = Meta.get(Meta.key == sync.CURSOR).value
    # a page fetched before another sync (the button, `kiosk sync`) moved the cursor is
    # not applied, and does not move the cursor back
    with bound(county_db):
        early = county.changes(HallAccount.get(HallAccount.name == halls[2].name), 0, 1)
    with halls[2].use():
        assert not sync.apply_changes(early["changes"], 0, early["next"])
        assert Meta.get(Meta.key == sync.CURSOR).value == cursor


def test_an_upgraded_hall_sends_what_it_made_before_from_its_first_sync(tmp_path):
    """A hall at schema 2 (before the outbox) queues nothing when it is upgraded; switching
    syncing on puts every row it has in the outbox, once, in the order the county needs."""
    hall = Hall(tmp_path, "旧村党群服务中心")
    db = hall.db
    for trigger, in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'outbox_%'"):
        db.execute_sql(f'DROP TRIGGER "{trigger}"')
    for table in ("outbox", "sync_version", "sync_conflict", "hall_account", "county_record"):
        db.execute_sql(f'DROP TABLE "{table}"')
    report_hall.undo_version_5(db)
    db.execute_sql("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    db.close()
    hall.db = open_database(f"sqlite:///{tmp_path / hall.name}.db")
    with hall.use():
        assert not Outbox.select().exists()
        outbox.switch_on(hall.db)
        entries = list(Outbox.select(Outbox.kind, Outbox.key).order_by(Outbox.seq).tuples())
    kinds = [kind for kind, _key in entries]
    assert kinds[0] == "hall_key" and kinds.index("card") > kinds.index("member")
    assert len(set(entries)) == len(entries)
    assert hall.counts() == {kind: kinds.count(kind) for kind in set(kinds)}
    hall.db.close()
