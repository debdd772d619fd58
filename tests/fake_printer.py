"""A network receipt printer for the tests: a real TCP server on 127.0.0.1 that keeps every
byte it receives (one entry per connection) and answers ESC/POS status queries, or misbehaves
as told. It stops by itself when the test ends."""

from __future__ import annotations

import socket
import struct
import threading
import time

READY = 0x12  # a status byte with nothing wrong
OFFLINE, PAPER_END = 0x1A, 0x32  # DLE EOT 1 offline; DLE EOT 2: the paper ran out


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FakePrinter:
    """behaviour: "ok"; "hang" (accepts, then neither reads nor answers); "drop" (answers
    the first status query, takes `drop_after` bytes of the job, then closes); "stall" (as
    "drop", but then keeps the line open, neither reading nor answering); "paper_out"."""

    def __init__(self, port: int | None = None, behaviour: str = "ok", drop_after: int = 20):
        self.behaviour = behaviour
        self.drop_after = drop_after
        self.received: list[bytearray] = []
        self.finished: list[float] = []  # perf_counter when each connection ended
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", port or 0))
        self._server.listen()
        self._server.settimeout(0.05)
        self.port = self._server.getsockname()[1]
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def jobs(self) -> list[bytes]:
        with self._lock:
            return [bytes(job) for job in self.received]

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(5)
        self._server.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            with self._lock:
                self.received.append(bytearray())
                job = self.received[-1]
            thread = threading.Thread(target=self._serve, args=(connection, job), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, connection: socket.socket, job: bytearray) -> None:
        connection.settimeout(0.05)
        queries = 0
        with connection:
            while not self._stop.is_set():
                if self.behaviour == "hang":
                    time.sleep(0.05)
                    continue
                try:
                    chunk = connection.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                with self._lock:
                    job += chunk
                cut_off = queries and len(job) >= 3 + self.drop_after
                if self.behaviour in ("drop", "stall") and cut_off:
                    with self._lock:
                        del job[3 + self.drop_after:]
                    if self.behaviour == "stall":
                        self._stop.wait()
                        break
                    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                          struct.pack("ii", 1, 0))  # close with a reset
                    break
                for n in self._queries(chunk):
                    queries += 1
                    if self.behaviour == "paper_out":
                        connection.sendall(bytes([OFFLINE if n == 1 else PAPER_END]))
                    else:
                        connection.sendall(bytes([READY]))
        self.finished.append(time.perf_counter())

    @staticmethod
    def _queries(chunk: bytes) -> list[int]:
        found, start = [], 0
        while (at := chunk.find(b"\x10\x04", start)) >= 0 and at + 2 < len(chunk):
            found.append(chunk[at + 2])
            start = at + 3
        return found
