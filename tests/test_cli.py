"""The `kiosk` command line, called in-process (and twice as a real process)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import peewee
import pytest
from sample_hall import MEMBER, REQUEST, fill_every_table

from kiosk.cli import main
from kiosk.db.database import connect, database, sqlite_path
from kiosk.db.models import AuditEntry, Meta, StaffUser
from kiosk.services import backup, staff
from kiosk.services.hall import hall_name
from kiosk.services.staff import LoginFailed

KIOSK = Path(sys.executable).parent / "kiosk"


pytestmark = pytest.mark.usefixtures("quiet_environment")


@pytest.fixture
def hall(db, config, command_line):
    """A filled hall; the command line finds it through KIOSK_DB and KIOSK_DATA_DIR."""
    fill_every_table()
    database.close()
    return config


def kiosk(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def listing(capsys, *args: str) -> list[dict]:
    code, out, err = kiosk(capsys, *args)
    assert (code, err) == (0, "")
    return json.loads(out)


def assert_fields(row: dict, **expected) -> None:
    assert {name: row.get(name) for name in expected} == expected


def connect_raw(url: str) -> peewee.Database:
    """The database without the program's checks, to see what is really in it."""
    return connect(url, create=False)


def assert_one_line_error(err: str, *words: str) -> None:
    assert err.startswith("错误：") and err.count("\n") == 1, err
    for word in words:
        assert word in err


# --- lists ---------------------------------------------------------------------------------

def test_members_list_masks_personal_data(hall, capsys):
    number, name, phone, id_number = MEMBER
    code, out, _ = kiosk(capsys, "members", "list", "--json")
    assert code == 0
    assert "张*明" in out  # written as is, not as \\u escapes
    for secret in (name, phone, id_number, "1990-01-01", "山下村 3 组"):
        assert secret not in out
    rows = {row["number"]: row for row in json.loads(out)}
    assert set(rows) == {"M001", "M002"}
    assert_fields(rows[number], name="张*明", branch="第一党支部", stage="full", status="normal",
                  phone="138****1234", id_number="35*************234", full_on="2015-07-01")
    assert rows["M002"]["name"] == "欧**明"


def test_members_list_full_shows_everything(hall, capsys):
    number, name, phone, id_number = MEMBER
    rows = {row["number"]: row for row in listing(capsys, "members", "list", "--json", "--full")}
    assert_fields(rows[number], name=name, phone=phone, id_number=id_number,
                  birth_date="1990-01-01", address="山下村 3 组 12 号")


def test_events_list_says_which_are_open_for_sign_in(hall, capsys):
    rows = {row["title"]: row for row in listing(capsys, "events", "list", "--json")}
    assert {title: row["signin_open"] for title, row in rows.items()} == {
        "主题党日：学习交流": True, "支部党员大会": False, "党课": False}
    theme_day = rows["主题党日：学习交流"]
    assert isinstance(theme_day["id"], int)
    assert theme_day["type"] == "theme_day" and theme_day["status"] == "planned"
    opens = dt.datetime.fromisoformat(theme_day["signin_opens"])
    closes = dt.datetime.fromisoformat(theme_day["signin_closes"])
    assert opens < dt.datetime.now() < closes


def test_notices_list(hall, capsys):
    [notice] = listing(capsys, "notices", "list", "--json")
    assert_fields(notice, title="2026 年村务财务公开", category="finance", status="published",
                  pinned=True, number=1)
    assert len(notice["id"]) == 36  # the UUID
    dt.datetime.fromisoformat(notice["published"])


def test_requests_list_hides_the_residents_words_and_the_ticket_secret(hall, capsys):
    ticket, phone, text = REQUEST
    code, out, _ = kiosk(capsys, "requests", "list", "--json")
    [request] = json.loads(out)
    assert_fields(request, ticket=ticket, category="utilities", status="closed",
                  verdict="satisfied", phone="139****5432")
    assert phone not in out and "路灯" not in out and "ABCDEFGHIJKLMNOP" not in out

    [request] = listing(capsys, "requests", "list", "--json", "--full")
    assert (request["phone"], request["text"], request["reply"]) == (phone, text, "已修好")
    assert "secret" not in request


def test_lists_without_json_print_a_table(hall, capsys):
    code, out, _ = kiosk(capsys, "members", "list")
    assert code == 0
    assert out.splitlines() == ["编号\t姓名\t支部\t阶段\t状态",
                                "M001\t张*明\t第一党支部\t正式党员\t正常",
                                "M002\t欧**明\t第一党小组\t预备党员\t流出"]


def test_db_and_config_are_taken_before_or_after_the_command(hall, capsys, monkeypatch, tmp_path):
    url = hall.db_url
    monkeypatch.setenv("KIOSK_DB", f"sqlite:///{tmp_path / 'nowhere.db'}")
    code, _, err = kiosk(capsys, "members", "list", "--json")
    assert code == 2 and "nowhere.db" in err

    assert len(listing(capsys, "members", "list", "--json", "--db", url)) == 2
    assert len(listing(capsys, "--db", url, "members", "list", "--json")) == 2

    monkeypatch.delenv("KIOSK_DB")  # the environment comes before a config file
    settings = tmp_path / "kiosk.toml"
    settings.write_text(f'db = "{url}"\n', encoding="utf-8")
    assert len(listing(capsys, "members", "list", "--json", "--config", str(settings))) == 2
    assert len(listing(capsys, "--config", str(settings), "members", "list", "--json")) == 2


# --- refusing bad input --------------------------------------------------------------------

def test_an_uninitialised_database_is_refused_and_left_alone(db_url, capsys, tmp_path):
    if sqlite_path(db_url):
        sqlite_path(db_url).touch()  # an empty file, as a failed copy might leave
    for args in (["members", "list", "--json"], ["run"], ["audit", "verify"], ["backup", "x.db"]):
        code, out, err = kiosk(capsys, *args, "--db", db_url)
        assert code == 2 and out == ""
        assert_one_line_error(err, "kiosk init")
    raw = connect_raw(db_url)
    assert raw.get_tables() == []  # nothing was written
    raw.close()


def test_a_newer_database_is_refused_and_not_touched(db, config, capsys, tmp_path):
    good_backup = tmp_path / "good.backup"
    backup.backup(good_backup)
    Meta.put("schema_version", "99")
    database.close()
    file = sqlite_path(config.db_url)
    before = file.read_bytes() if file else None
    for args in (["members", "list", "--json"], ["run"], ["init"], ["restore", str(good_backup)],
                 ["staff", "add", "8009", "赵六", "--pin", "2580"]):
        code, _, err = kiosk(capsys, *args, "--db", config.db_url)
        assert code == 2
        assert_one_line_error(err, "较新版本", "升级")
    if file:
        assert file.read_bytes() == before
    raw = connect_raw(config.db_url)
    version = raw.execute_sql("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert version == ("99",)
    assert raw.execute_sql("SELECT count(*) FROM staff_user").fetchone() == (0,)
    raw.close()


@pytest.mark.parametrize("args, words", [
    pytest.param(["members", "list", "--db", "mysql://root@localhost/kiosk"], ["不支持的数据库地址"],
                 id="other-database"),
    pytest.param(["members", "list", "--db", "postgresql://postgres@127.0.0.1:1/kiosk"],
                 ["无法打开数据库"], id="postgresql-unreachable"),
    pytest.param(["members", "list", "--db", "sqlite:///"], ["缺少文件路径"], id="sqlite-no-path"),
    pytest.param(["members", "list", "--config", "/nowhere/kiosk.toml"], ["找不到配置文件"],
                 id="missing-config"),
    pytest.param(["run", "--lang", "fr"], ["--lang", "zh_CN"], id="bad-choice"),
    pytest.param(["frobnicate"], ["命令", "members"], id="unknown-command"),
    pytest.param(["staff", "add"], ["缺少参数", "工号", "姓名"], id="missing-arguments"),
    pytest.param(["members"], ["缺少参数", "操作"], id="missing-action"),
    pytest.param(["members", "list", "--jason"], ["--jason"], id="unknown-option"),
])
def test_bad_input_gets_a_one_line_error(args, words, capsys):
    code, out, err = kiosk(capsys, *args)
    assert code == 2 and out == ""
    assert_one_line_error(err, *words)
    assert "usage" not in err and "error:" not in err


def test_a_bad_toml_file(capsys, tmp_path):
    settings = tmp_path / "kiosk.toml"
    settings.write_text('db = "sqlite:///x.db\n', encoding="utf-8")
    code, _, err = kiosk(capsys, "members", "list", "--config", str(settings))
    assert code == 2
    assert_one_line_error(err, "格式有误", str(settings))


def test_a_corrupt_file_from_a_real_process_is_one_line_and_untouched(tmp_path):
    corrupt = tmp_path / "kiosk.db"
    corrupt.write_bytes(os.urandom(16384))
    before = corrupt.read_bytes()
    done = subprocess.run([KIOSK, "members", "list", "--json", "--db", f"sqlite:///{corrupt}"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert_one_line_error(done.stderr, "无法打开数据库")
    assert "Traceback" not in done.stderr
    assert corrupt.read_bytes() == before


def test_list_commands_do_not_load_textual(hall):
    script = ("import sys; from kiosk.cli import main; code = main(['members', 'list', '--json']);"
              "print(code, 'textual' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.stderr.split() == ["0", "False"]
    assert len(json.loads(done.stdout)) == 2


def test_help_exits_cleanly(capsys):
    code, out, _ = kiosk(capsys, "--help")
    assert code == 0 and "backup" in out and "restore" in out


# --- set-up --------------------------------------------------------------------------------

def test_init_creates_a_hall_once(db_url, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "data"))
    code, out, _ = kiosk(capsys, "init", "--db", db_url, "--hall", "山下村党群服务中心")
    assert code == 0
    assert "山下村党群服务中心" in out and "kiosk staff add" in out and f"--db {db_url}" in out
    [key_file] = (tmp_path / "data" / "keys").iterdir()
    assert key_file.suffix == ".pem"

    code, _, err = kiosk(capsys, "init", "--db", db_url, "--hall", "别的名字")
    assert code == 2
    assert_one_line_error(err, "已经初始化", "山下村党群服务中心")
    assert len(list((tmp_path / "data" / "keys").iterdir())) == 1
    code, out, _ = kiosk(capsys, "audit", "verify", "--db", db_url)
    assert code == 0 and "共 1 条" in out


@pytest.fixture
def started(monkeypatch) -> list:
    """The kiosk apps that `run` and `demo` start: (settings, hall name) of each. A fake
    stands in for the Textual app."""
    started = []

    class FakeApp:
        return_code = 0

        def __init__(self, config):
            self.config = config

        def run(self):
            started.append((self.config, hall_name()))

    monkeypatch.setattr("kiosk.app.KioskApp", FakeApp)
    return started


def test_demo_fills_a_hall_once_and_tells_how_to_try_it(db_url, capsys, tmp_path, monkeypatch,
                                                        started):
    from kiosk.db.demo import build_demo

    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "data"))
    code, out, _ = kiosk(capsys, "demo", "--no-run", "--db", db_url)
    assert code == 0 and "已创建演示数据" in out
    summary = build_demo(tmp_path / "data" / "keys")  # again: the demo is found there
    database.close()
    assert not summary.created
    assert summary.hall_name in out and summary.member_number in out
    for number, _, _, pin in summary.staff:
        assert number in out and pin in out
    assert started == []

    code, out, _ = kiosk(capsys, "demo", "--db", db_url)
    assert code == 0
    assert [name for _, name in started] == [summary.hall_name]


def test_run_starts_the_kiosk_with_its_options(hall, capsys, started):
    code, _, _ = kiosk(capsys, "run", "--lang", "en", "--printer", "tcp://10.0.0.9")
    assert code == 0
    [(config, name)] = started
    assert (config.lang, config.printer, config.db_url) == ("en", "tcp://10.0.0.9", hall.db_url)
    assert name == "测试村党群服务中心"


# --- staff accounts ------------------------------------------------------------------------

def test_staff_accounts_from_the_command_line(hall, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("2580\n"))
    code, out, _ = kiosk(capsys, "staff", "add", "8003", "赵六", "--role", "admin")
    assert code == 0 and "8003" in out
    assert staff.login("8003", "2580").role == "admin"

    rows = {row["number"]: row for row in listing(capsys, "staff", "list", "--json")}
    assert_fields(rows["8003"], name="赵六", role="admin", active=True)

    assert kiosk(capsys, "staff", "disable", "8003")[0] == 0
    with pytest.raises(LoginFailed):
        staff.login("8003", "2580")
    assert kiosk(capsys, "staff", "enable", "8003")[0] == 0
    assert kiosk(capsys, "staff", "reset-pin", "8003", "--pin", "3692")[0] == 0
    assert staff.login("8003", "3692").number == "8003"

    code, out, _ = kiosk(capsys, "staff", "card", "8003")
    assert code == 0
    assert staff.staff_for_card(out.strip()) == "8003"
    logins = ["staff.login", "staff.login_refused"]
    by_command_line = {e.action: e.actor for e in AuditEntry.select().where(
        AuditEntry.subject == "8003", AuditEntry.action.not_in(logins))}
    assert by_command_line == dict.fromkeys(["staff.add", "staff.disable", "staff.enable",
                                             "staff.reset_pin", "staff.issue_card"], "system")


def test_staff_add_refuses_an_easy_pin_and_a_mistyped_one(hall, capsys, monkeypatch):
    code, _, err = kiosk(capsys, "staff", "add", "8004", "钱七", "--pin", "1234")
    assert code == 2
    assert_one_line_error(err, "太容易被猜到")

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    typed = iter(["2580", "2589"])
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    code, _, err = kiosk(capsys, "staff", "add", "8004", "钱七")
    assert code == 2
    assert_one_line_error(err, "两次输入的密码不一样")
    assert not StaffUser.select().where(StaffUser.number == "8004").exists()


def test_staff_commands_name_the_missing_account(hall, capsys):
    code, _, err = kiosk(capsys, "staff", "disable", "9999")
    assert code == 2
    assert_one_line_error(err, "9999")


# --- audit, backup, restore ----------------------------------------------------------------

def test_audit_verify_finds_an_edited_entry(hall, capsys):
    entries = AuditEntry.select().count()
    code, out, _ = kiosk(capsys, "audit", "verify")
    assert code == 0 and f"共 {entries} 条" in out

    AuditEntry.update(subject="别的内容").where(AuditEntry.seq == 2).execute()
    code, out, err = kiosk(capsys, "audit", "verify")
    assert code == 1 and out == ""
    assert_one_line_error(err, "第 2 条")


def test_backup_and_restore_into_a_new_database(hall, capsys, tmp_path):
    file = tmp_path / "hall.backup"
    code, out, _ = kiosk(capsys, "backup", str(file))
    assert code == 0 and str(file) in out
    members = listing(capsys, "members", "list", "--json", "--full")

    fresh = f"sqlite:///{tmp_path / 'new-pc' / 'kiosk.db'}"
    code, out, _ = kiosk(capsys, "restore", str(file), "--db", fresh)
    assert code == 0 and "恢复" in out
    assert "另存" not in out  # nothing to keep in a new database
    assert listing(capsys, "members", "list", "--json", "--full", "--db", fresh) == members
    code, out, _ = kiosk(capsys, "audit", "verify", "--db", fresh)
    assert code == 0
    assert AuditEntry.select().order_by(AuditEntry.seq.desc()).first().action == "backup.restore"


def test_restore_over_a_hall_keeps_its_data_aside(hall, capsys, tmp_path):
    file = tmp_path / "hall.backup"
    assert kiosk(capsys, "backup", str(file))[0] == 0
    assert kiosk(capsys, "staff", "add", "8005", "孙八", "--pin", "2580")[0] == 0

    code, out, _ = kiosk(capsys, "restore", str(file))
    assert code == 0
    assert not StaffUser.select().where(StaffUser.number == "8005").exists()
    [saved] = (hall.data_dir / "backups").iterdir()
    assert str(saved) in out

    assert kiosk(capsys, "restore", str(saved))[0] == 0
    assert StaffUser.select().where(StaffUser.number == "8005").exists()
    assert kiosk(capsys, "audit", "verify")[0] == 0


def test_restore_refuses_a_file_that_is_not_a_backup(hall, capsys, tmp_path):
    members = listing(capsys, "members", "list", "--json")
    not_a_backup = tmp_path / "photo.jpg"
    not_a_backup.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(4096))
    new_pc = tmp_path / "new-pc" / "kiosk.db"
    for target in ([], ["--db", f"sqlite:///{new_pc}"]):
        code, _, err = kiosk(capsys, "restore", str(not_a_backup), *target)
        assert code == 2
        assert_one_line_error(err, "photo.jpg", "不能用来恢复")
    assert listing(capsys, "members", "list", "--json") == members
    assert not (hall.data_dir / "backups").exists()
    assert not new_pc.exists()
