"""`kiosk card …`, `kiosk keys …` and `kiosk attendance list`, called in-process: a member's
card as payload text, as a printable PNG that decodes back to it (zxing-cpp), and on the
receipt printer; reissue and revoke; trusting another hall's key."""

from __future__ import annotations

import json

import pytest
import signin_hall
from escpos_decoder import decode
from signin_hall import NOW

from kiosk.cli import main
from kiosk.db.database import database
from kiosk.db.models import Card, PrintJob
from kiosk.services import cards, signin

QR_ALPHANUMERIC = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


@pytest.fixture
def hall(db, config, command_line):
    """The sign-in hall, found by the command line through KIOSK_DB and KIOSK_DATA_DIR."""
    built = signin_hall.build(config.keys_dir)
    database.close()
    return built


def kiosk(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_payload_is_the_card_in_use(hall, capsys):
    code, out, err = kiosk(capsys, "card", "payload", "m001")
    payload = out.strip()
    assert (code, err) == (0, "") and payload == hall.payloads["M001"]
    assert len(payload) < 160 and set(payload) <= QR_ALPHANUMERIC


def test_first_card_is_issued_when_there_is_none(hall, capsys):
    Card.delete().execute()
    code, out, err = kiosk(capsys, "card", "payload", "M002")
    assert code == 0 and "第 1 张" in err
    assert signin.sign_in(out.strip(), NOW).code == "ok"


def test_reissue_and_revoke(hall, capsys):
    code, out, err = kiosk(capsys, "card", "issue", "M001")
    new = out.strip()
    assert code == 0 and new != hall.payloads["M001"] and "不再有效" in err
    assert signin.sign_in(hall.payloads["M001"], NOW).code == "revoked"
    assert kiosk(capsys, "card", "payload", "M001")[1].strip() == new
    code, out, _ = kiosk(capsys, "card", "revoke", "M001")
    assert code == 0 and "已停用" in out
    assert signin.sign_in(new, NOW).code == "revoked"


def test_unknown_member_is_one_plain_line(hall, capsys):
    code, _, err = kiosk(capsys, "card", "payload", "X404")
    assert code == 2 and err.startswith("错误：") and err.count("\n") == 1 and "X404" in err


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_png_decodes_to_the_payload_and_verifies(hall, capsys, tmp_path):
    import zxingcpp
    from PIL import Image

    target = tmp_path / "card.png"
    code, out, _ = kiosk(capsys, "card", "png", "M001", str(target))
    assert code == 0 and str(target) in out
    image = Image.open(target)
    assert image.size == (1011, 638)
    [found] = zxingcpp.read_barcodes(image)
    assert found.format == zxingcpp.BarcodeFormat.QRCode
    assert found.text == hall.payloads["M001"]
    assert cards.verify_card(found.text).number == "M001"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_print_on_the_receipt_printer(hall, capsys, tmp_path):
    target = tmp_path / "lp0"
    code, out, _ = kiosk(capsys, "card", "print", "M001", "--printer", f"file://{target}")
    assert code == 0 and "已打印" in out
    text = decode(target.read_bytes(), 32)
    assert "党员卡" in text and "张*明" in text and "张三明" not in text and "M001" in text
    assert PrintJob.get().kind == "card"
    code, _, err = kiosk(capsys, "card", "print", "M001", "--printer", "none")
    assert code == 2 and "没有设置打印机" in err


def test_attendance_list(hall, capsys):
    signin.sign_in(hall.payloads["M001"], NOW)
    database.close()
    code, out, _ = kiosk(capsys, "attendance", "list", "--event", str(hall.event.id), "--json")
    [row] = json.loads(out)
    assert {k: row[k] for k in ("event_id", "member_number", "name", "kind", "time", "late")} == {
        "event_id": hall.event.id, "member_number": "M001", "name": "张*明", "kind": "present",
        "time": NOW.isoformat(), "late": True}
    assert json.loads(kiosk(capsys, "attendance", "list", "--json", "--full")[1])[0]["name"] == "张三明"
    code, out, _ = kiosk(capsys, "attendance", "list")
    assert code == 0 and "到会" in out and "张*明" in out
    code, _, err = kiosk(capsys, "attendance", "list", "--event", "999")
    assert code == 2 and "999" in err


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_keys_export_and_import(hall, capsys, tmp_path):
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert kiosk(capsys, "init", "--db", other, "--hall", "山下村党群服务中心")[0] == 0
    exported = tmp_path / "shanxia.json"
    assert kiosk(capsys, "keys", "export", str(exported), "--db", other)[0] == 0
    database.close()
    code, out, _ = kiosk(capsys, "keys", "import", str(exported))
    assert code == 0 and "山下村党群服务中心" in out
    rows = json.loads(kiosk(capsys, "keys", "list", "--json")[1])
    assert [(r["hall"], r["local"]) for r in rows] == [
        ("测试村党群服务中心", True), ("山下村党群服务中心", False)]
    code, _, err = kiosk(capsys, "keys", "import", str(exported))
    assert code == 2 and "已经导入" in err
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    assert kiosk(capsys, "keys", "import", str(tmp_path / "bad.json"))[0] == 2
