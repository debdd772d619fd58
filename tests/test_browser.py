"""The kiosk in a real web browser: `kiosk serve` on a free local port against a demo hall,
Debian's chromium driven by Playwright (nothing is downloaded), used the way a person at a
touch screen and a USB scanner would. The screen is read from xterm's accessibility tree
(the page turns on xterm's screen reader mode); taps are clicks at the cells of a word.
Screenshots of every step go to tests/artifacts/."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, sync_playwright
from rich.cells import cell_len

from kiosk.db.database import database
from kiosk.db.demo import build_demo
from kiosk.db.models import Attendance, Member
from kiosk.db.session import open_database
from kiosk.services import cards
from kiosk.services.privacy import mask_name

pytestmark = pytest.mark.slow

KIOSK = Path(sys.executable).parent / "kiosk"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package, installed by scripts/test.sh
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = Path(__file__).parent / "artifacts"
HOME_TILES = ("通知公告", "扫码签到", "办事诉求", "我的记录", "呼叫工作人员", "工作人员")


@dataclass
class Hall:
    url: str
    data_dir: Path
    name: str
    member: str  # number of a member who may sign in to the meeting open now
    member_name: str
    card: str  # the payload of that member's card


@pytest.fixture
def demo_hall(tmp_path) -> Hall:
    """The demo hall (a meeting open for sign-in now), with a card issued to a member."""
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    data_dir = tmp_path / "data"
    open_database(url, create=True)
    try:
        summary = build_demo(data_dir / "keys")
        member = Member.get(Member.number == summary.member_number)
        card = cards.issue_member_card(None, member, data_dir / "keys")
    finally:
        database.close()
    return Hall(url, data_dir, summary.hall_name, member.number, member.name, card)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`kiosk serve` as a real process, in a process group of its own (with the kiosks it
    starts), writing to serve.log."""

    def __init__(self, workdir: Path, hall: Hall):
        self.workdir, self.hall = workdir, hall
        self.port = free_port()
        self.address = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        env.update(KIOSK_DATA_DIR=str(self.hall.data_dir),
                   XDG_CONFIG_HOME=str(self.workdir / "config"))
        # Playwright sends each key only after the page has handled the one before, so on a
        # busy machine its "scanner" keys can arrive hundreds of ms apart, where a real
        # scanner's queue up and arrive together. Wider scan timing keeps this test about the
        # path, not the load (the timing itself is tested in test_scan.py and the Pilot tests).
        env.update(KIOSK_SCAN_GAP_MS="1000", KIOSK_SCAN_END_MS="1000")
        with (self.workdir / "serve.log").open("a") as log:
            self.process = subprocess.Popen(
                [str(KIOSK), "serve", "--db", self.hall.url, "--port", str(self.port)],
                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.address, timeout=2):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log_text = (self.workdir / "serve.log").read_text()
                    raise AssertionError(f"kiosk serve did not start:\n{log_text}") from None
                time.sleep(0.2)

    def group_alive(self) -> bool:
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def kill(self) -> None:
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


@pytest.fixture
def served(tmp_path, demo_hall) -> Server:
    server = Server(tmp_path, demo_hall)
    try:
        server.start()
        yield server
    finally:
        if server.process is not None:
            server.kill()


@pytest.fixture
def page():
    """A fresh chromium page, 1366×768 like a common cheap monitor."""
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             timeout=30_000)
        try:
            yield browser.new_page(viewport={"width": 1366, "height": 768})
        finally:
            browser.close()


class KioskScreen:
    """The kiosk's screen in the page: its text, and taps at the cells of a word."""

    def __init__(self, page: Page):
        self.page = page
        self.size: tuple[int, int] | None = None  # columns, rows, as last told to the kiosk
        page.on("websocket", self._watch)

    def _watch(self, websocket) -> None:
        query = parse_qs(urlsplit(websocket.url).query)
        self.size = int(query["width"][0]), int(query["height"][0])
        websocket.on("framesent", self._frame_sent)

    def _frame_sent(self, payload) -> None:
        if isinstance(payload, str) and payload.startswith('["resize"'):
            size = json.loads(payload)[1]
            self.size = size["width"], size["height"]

    def rows(self) -> list[str]:
        return self.page.eval_on_selector_all(
            ".xterm-accessibility-tree > div", "rows => rows.map(row => row.textContent)")

    def wait_for(self, looks_right: Callable[[str], bool], what: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = "\n".join(self.rows())
            if looks_right(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} after {timeout} s; on screen:\n{text}")
            self.page.wait_for_timeout(200)

    def tap(self, words: str) -> None:
        """Click the middle of `words` on screen, as a finger on a touch screen would."""
        rows = self.rows()
        row = next(i for i, text in enumerate(rows) if words in text)
        column = cell_len(rows[row][:rows[row].index(words)]) + cell_len(words) / 2
        box = self.page.locator(".xterm-screen").bounding_box()
        columns, lines = self.size
        self.page.mouse.click(box["x"] + column * box["width"] / columns,
                              box["y"] + (row + 0.5) * box["height"] / lines)

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=ARTIFACTS / f"browser-{name}.png")


def shows_home(text: str) -> bool:
    return all(tile in text for tile in HOME_TILES)


def test_the_kiosk_in_a_browser_offline_tapped_and_scanned(served, page, demo_hall):
    started = dt.datetime.now().replace(microsecond=0)
    asked_for = []
    page.on("request", lambda request: asked_for.append(request.url))
    page.on("websocket", lambda websocket: asked_for.append(websocket.url))
    screen = KioskScreen(page)

    page.goto(served.address, timeout=20_000)
    text = screen.wait_for(shows_home, "home screen")
    assert demo_hall.name in text  # the served kiosk runs on the database given to serve
    screen.screenshot("1-home")

    screen.tap("通知公告")
    screen.wait_for(lambda t: "通知公告" in t and "扫码签到" not in t, "notices area")
    screen.screenshot("2-notices")

    screen.tap("返回")
    screen.wait_for(shows_home, "home screen after 返回")

    page.keyboard.type(demo_hall.card, delay=2)  # a scanner: a fast burst, then Enter
    page.keyboard.press("Enter")
    text = screen.wait_for(lambda t: "签到成功" in t, "sign-in result after the scan")
    screen.screenshot("3-signed-in")
    assert mask_name(demo_hall.member_name) in text and demo_hall.member in text
    assert demo_hall.member_name not in text  # a public screen shows the name masked

    hosts = {urlsplit(url).hostname for url in asked_for}
    assert hosts == {"127.0.0.1"}, asked_for
    open_database(demo_hall.url)
    try:
        signed = (Attendance.select().join(Member).where(Member.number == demo_hall.member)
                  .order_by(Attendance.time.desc()).first())
        assert (signed.kind, signed.time >= started) == ("present", True)
    finally:
        database.close()


def test_when_the_server_restarts_the_page_comes_back_by_itself(served, page):
    screen = KioskScreen(page)
    page.goto(served.address, timeout=20_000)
    screen.wait_for(shows_home, "home screen")

    served.process.send_signal(signal.SIGTERM)  # as systemd or Ctrl+C stops it
    assert served.process.wait(timeout=15) == 0
    deadline = time.monotonic() + 10
    while served.group_alive():
        assert time.monotonic() < deadline, "the kiosk outlived kiosk serve"
        time.sleep(0.2)
    page.locator("#closed").wait_for(state="visible", timeout=10_000)
    screen.screenshot("4-server-stopped")

    with page.expect_event("load", timeout=20_000):  # the page reloads itself
        served.start()
    screen.wait_for(shows_home, "home screen after the restart")
