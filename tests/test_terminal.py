"""The kiosk in a real terminal: `kiosk run` inside a detached tmux session, read back with
`tmux capture-pane`. Each test runs its own tmux server, on a socket in its temporary
directory, so runs never meet and nothing is left behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest


pytestmark = pytest.mark.slow

KIOSK = Path(sys.executable).parent / "kiosk"
HOME_TILES = ("通知公告", "扫码签到", "办事诉求", "我的记录", "呼叫工作人员", "工作人员")
SESSION = "kiosk"


class Terminal:
    """A detached tmux session running one command, on a tmux server of its own."""

    def __init__(self, workdir: Path):
        self.socket = str(workdir / "tmux.sock")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "TMUX"))}
        self.env.update(
            LANG="C.UTF-8",
            LC_ALL="C.UTF-8",
            XDG_CONFIG_HOME=str(workdir / "config"),  # no user config file
            XDG_DATA_HOME=str(workdir / "data"),
        )
        self.config = workdir / "tmux.conf"
        self.config.write_text("set -g remain-on-exit on\n")  # a crash leaves its traceback

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-S", self.socket, "-f", str(self.config), *args],
                              env=self.env, capture_output=True, text=True, timeout=10,
                              check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, command: list[str], width: int, height: int) -> None:
        self.tmux("new-session", "-d", "-s", SESSION, "-x", str(width), "-y", str(height),
                  "env", "TERM=xterm-256color", *command)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", SESSION)

    def running(self) -> bool:
        return self.tmux("display-message", "-p", "-t", SESSION, "#{pane_dead}").strip() == "0"

    def wait_for(self, looks_right: Callable[[str], bool], what: str, timeout: float = 20) -> str:
        started = time.monotonic()
        while True:
            screen = self.screen()
            if looks_right(screen):
                return screen
            waited = time.monotonic() - started
            if waited > timeout or not self.running():
                raise AssertionError(f"no {what} (waited {waited:.1f} s); on screen:\n{screen}")
            time.sleep(0.2)

    def press(self, key: str) -> None:
        self.tmux("send-keys", "-t", SESSION, key)

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-t", SESSION, "-x", str(width), "-y", str(height))

    def close(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], env=self.env,
                       capture_output=True, timeout=10, check=False)


def shows_home(screen: str) -> bool:
    return all(tile in screen for tile in HOME_TILES)


@pytest.fixture
def terminal(tmp_path):
    term = Terminal(tmp_path)
    try:
        yield term
    finally:
        term.close()


@pytest.fixture
def kiosk_run(hall_url) -> list[str]:
    """`kiosk run` on a freshly initialised hall."""
    return [str(KIOSK), "run", "--db", hall_url]


def test_home_tiles_and_navigation_in_a_real_terminal(terminal, kiosk_run):
    terminal.start(kiosk_run, 100, 30)
    screen = terminal.wait_for(shows_home, "home screen")
    assert "某村党群服务中心" in screen

    terminal.press("1")
    screen = terminal.wait_for(lambda s: "通知公告" in s and "扫码签到" not in s, "notices area")

    terminal.press("Escape")
    terminal.wait_for(shows_home, "home screen after Esc")
    assert terminal.running()


def test_a_terminal_smaller_than_80x24_does_not_crash_the_kiosk(terminal, kiosk_run):
    terminal.start(kiosk_run, 100, 30)
    terminal.wait_for(shows_home, "home screen")

    terminal.resize(60, 20)
    time.sleep(1.5)  # give a crash time to happen
    screen = terminal.screen()
    assert terminal.running(), screen
    assert screen.strip(), "the terminal is blank"
    assert "Traceback" not in screen
