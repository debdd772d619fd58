"""Phase times of one sample process, printed as a JSON line on stdout when it ends."""

import time


class Stopwatch:
    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.phases[phase] = now - self._last
        self._last = now

    def report(self) -> None:
        import json

        print(json.dumps({"phases": self.phases, "cpu": time.process_time()}))
