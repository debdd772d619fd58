"""One long-lived thread that runs jobs in the order they come, keeping its database
connection between them: for member-card scans, which must be quick every time. A Textual
thread worker starts a thread and opens a connection for each scan; that took about a
third of a sign-in's time here, and more under load (docs/PERFORMANCE.md, Sign-in)."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from kiosk.db.database import release

log = logging.getLogger(__name__)


class SerialThread:
    def __init__(self, name: str):
        self._name = name
        self._jobs: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, job: Callable[[], None]) -> None:
        """Run `job` after the jobs before it (the thread starts with the first job)."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
        self._jobs.put(job)

    @property
    def busy(self) -> bool:
        """Jobs are waiting or running (for tests and the bench)."""
        return self._jobs.unfinished_tasks > 0

    def stop(self) -> None:
        """Stop after the jobs already submitted; does not wait (a job may be waiting for
        the app that is stopping)."""
        if self._thread is not None:
            self._jobs.put(None)

    def _run(self) -> None:
        try:
            while True:
                job = self._jobs.get()
                try:
                    if job is None:
                        return
                    job()
                except Exception:
                    log.exception("%s: job failed", self._name)
                    release()  # the connection may be what failed: the next job opens another
                finally:
                    self._jobs.task_done()
        finally:
            release()
