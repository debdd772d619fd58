"""Reading notices aloud with espeak-ng's Mandarin voice, where espeak-ng is installed
(offline, no network). Where it is not, `available()` is False and nothing offers it."""

from __future__ import annotations

import shutil
import subprocess
import threading
from functools import cache
from pathlib import Path

PROGRAM = "espeak-ng"
VOICE = "cmn"
WORDS_PER_MINUTE = 140  # a little slower than espeak-ng's 175, for older listeners


@cache
def program() -> str | None:
    return shutil.which(PROGRAM)


def available() -> bool:
    return program() is not None


def command(*options: str) -> list[str]:
    """espeak-ng reading UTF-8 text from its standard input."""
    return [program() or PROGRAM, "-v", VOICE, "-s", str(WORDS_PER_MINUTE), "-b", "1",
            *options, "--stdin"]


def to_wav(text: str, path: Path) -> None:
    """Speak `text` into a WAV file instead of the speakers."""
    subprocess.run(command("-w", str(path)), input=text.encode(), capture_output=True,
                   check=True, timeout=120)


class Reading:
    """One text read aloud: `run` blocks until it is done (call it in a worker thread);
    `stop` ends it early, from any thread, also before it has started."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._stopped = False

    def run(self) -> bool:
        """True when the text was read to the end, False when stopped."""
        with self._lock:
            if self._stopped:
                return False
            process = self._process = subprocess.Popen(
                command(), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
        process.communicate(self.text.encode())
        return process.returncode == 0 and not self._stopped

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
