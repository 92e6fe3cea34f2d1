"""One writer at a time per data directory: an advisory lock on ``DATA/.writer.lock``.

A second writer (another ingest, a repair, a delete, a note import) waits for the first to
finish and says that it waits; readers never take the lock (SQLite's WAL lets them read while
a writer works). The lock is released by the OS when its process ends, even on SIGKILL.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path

from workbench.errors import WorkbenchError

LOCK_FILE = ".writer.lock"


class WriterLock:
    """Re-entrant (per instance) exclusive lock on one data directory."""

    def __init__(self, data_dir: Path, wait: float = 600.0) -> None:
        self.path = Path(data_dir) / LOCK_FILE
        self.wait = wait
        self._fd: int | None = None
        self._depth = 0

    def acquire(self, notify: Callable[[str], None] | None = None) -> None:
        if self._depth:
            self._depth += 1
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told and notify is not None:
                    holder = _holder(fd)
                    notify(
                        f"waiting for another writer{holder} on {self.path.parent} to finish"
                        f" (up to {self.wait:g} s)…"
                    )
                    told = True
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise WorkbenchError(
                        f"another writer still holds {self.path} after {self.wait:g} s;"
                        " try again when it has finished (WORKBENCH_LOCK_WAIT)"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        self._depth = 1

    def try_acquire(self) -> bool:
        """Take the lock only if it is free right now; True when taken."""
        if self._depth:
            self._depth += 1
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd, self._depth = fd, 1
        return True

    def release(self) -> None:
        if not self._depth:
            return
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode().strip()
    except OSError:
        return ""
    return f" (process {pid})" if pid.isdigit() else ""
