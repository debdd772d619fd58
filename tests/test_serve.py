"""`kiosk serve` without a browser: the page and its files, who may connect, the settings the
served kiosk gets, and the command's errors. tests/test_browser.py uses it in chromium."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp import WSServerHandshakeError, test_utils

from kiosk import serve
from kiosk.cli import main
from kiosk.config import Config, load_config

KIOSK = Path(sys.executable).parent / "kiosk"


pytestmark = pytest.mark.usefixtures("quiet_environment")


def client_for(site: serve.KioskSite) -> test_utils.TestClient:
    return test_utils.TestClient(test_utils.TestServer(site.make_app()))


async def test_the_page_loads_only_files_from_this_server():
    site = serve.KioskSite("<某村>党群服务中心", font_size=24)
    async with client_for(site) as client:
        response = await client.get("/")
        assert response.status == 200
        page = await response.text()
        assert "<title>&lt;某村&gt;党群服务中心</title>" in page
        assert 'data-font-size="24"' in page
        assert f'data-session-websocket-url="ws://{client.host}:{client.port}/ws"' in page
        assert serve.FONT_STACK in page
        loaded = re.findall(r'(?:src|href)="([^"]*)"', page)
        assert loaded and all(url.startswith(("/static/", "data:")) for url in loaded), loaded
        for url in loaded:
            if url.startswith("/static/"):
                assert (await client.get(url)).status == 200, url

        script = await (await client.get("/static/textual.js")).text()
    assert f"fontFamily:{json.dumps(serve.FONT_STACK)},screenReaderMode:!0" in script
    assert "Roboto" not in script


async def test_only_this_machine_and_this_page_may_connect():
    async with client_for(serve.KioskSite("某村", font_size=20)) as client:
        other_name = await client.get("/", headers={"Host": "kiosk.example.com:8000"})
        assert other_name.status == 403  # a web site's name pointed at 127.0.0.1
        with pytest.raises(WSServerHandshakeError) as refused:
            await client.ws_connect("/ws", headers={"Origin": "http://example.com"})
        assert refused.value.status == 403

    async with client_for(serve.KioskSite("某村", font_size=20, local_only=False)) as client:
        assert (await client.get("/", headers={"Host": "192.0.2.10:8000"})).status == 200


def test_the_served_kiosk_gets_the_settings_serve_resolved(tmp_path):
    config = Config(data_dir=tmp_path / "hall", db="postgresql://kiosk:secret@db.local/hall",
                    lang="en", printer="tcp://192.0.2.50", idle_seconds=45)
    assert load_config(environ=serve.settings_environment(config)) == config
    assert "secret" not in serve.kiosk_command()


def test_serving_to_other_computers_needs_a_flag(hall_url, capsys):
    assert main(["serve", "--db", hall_url, "--host", "0.0.0.0"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("错误：") and "--allow-remote" in err and err.count("\n") == 1


def test_with_the_flag_it_warns_that_the_page_has_no_login(hall_url, capsys, monkeypatch):
    monkeypatch.setattr(os, "environ", dict(os.environ))  # serve passes settings on in it
    bound = []

    def run_app(app, host, port, print, access_log):
        bound.append((host, port))
        print("started")

    monkeypatch.setattr(serve.web, "run_app", run_app)
    assert main(["serve", "--db", hall_url, "--host", "0.0.0.0", "--port", "8080",
                 "--allow-remote"]) == 0
    out, err = capsys.readouterr()
    assert bound == [("0.0.0.0", 8080)]
    assert "网页本身没有登录" in err
    assert "自助终端网页已启动" in out
    assert os.environ["KIOSK_DB"] == hall_url


@pytest.mark.parametrize("flags, words", [
    (["--font-size", "4"], "字号应在 10 到 60 之间"),
    (["--port", "八千"], "--port 应为整数，而不是 '八千'"),
    (["--port", "70000"], "端口应在 1 到 65535 之间"),
])
def test_bad_flags_get_one_plain_line(hall_url, capsys, flags, words):
    assert main(["serve", "--db", hall_url, *flags]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1


def test_a_missing_database_is_refused_before_serving(tmp_path, capsys):
    assert main(["serve", "--db", f"sqlite:///{tmp_path / 'none.db'}"]) == 2
    assert "找不到数据库文件" in capsys.readouterr().err


def test_a_port_in_use_gets_one_plain_line(hall_url):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([str(KIOSK), "serve", "--db", hall_url, "--port", str(port)],
                              check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == f"错误：端口 {port} 已被占用（可能自助终端网页已经在运行），请换一个端口：--port {port + 1}\n"
