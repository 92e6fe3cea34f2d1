"""English attribution in worker processes, for machines with more cores than one spaCy thread
and the encoder can use.

Why: an ingest attributes on one worker thread beside the encoder. On 2 cores that already
fills the machine (bench/README.md: the ceiling with spaCy), but on 8 or more the encoder
finishes long before one spaCy thread does, and attribution sets the pace. Each worker is a
fresh ``python -m workbench.attribution.worker`` (not multiprocessing: its spawn re-runs the
caller's main script, which a script without a ``__main__`` guard would turn into a second
ingest). It loads spaCy once and matches sources against a snapshot of the data directory's
outlets, as the in-thread attributor does. A chunk's articles are cut into contiguous slices
of about equal length, one per worker, and come back in input order: the same attributions.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.records import Attribution


def resolve_processes(setting: int, workers: int) -> int:
    """The ``attribution_processes`` setting as a count: -1 (auto) is a third of the ingest's
    ``workers`` cores when there are at least 4, else 0 (attribute on the worker thread)."""
    if setting >= 0:
        return setting
    return workers // 3 if workers >= 4 else 0


def slices(texts: Sequence[str], parts: int) -> list[list[str]]:
    """``texts`` cut in order into at most ``parts`` non-empty runs of about equal length."""
    total = sum(len(t) for t in texts)
    out: list[list[str]] = []
    current: list[str] = []
    size = 0
    for text in texts:
        current.append(text)
        size += len(text)
        if size * parts >= total * (len(out) + 1) and len(out) < parts - 1:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


class AttributionPool:
    """``extract_many`` over ``processes`` worker processes; close it when done."""

    def __init__(self, processes: int, registry: Any) -> None:
        self.processes = processes
        self._lock = threading.Lock()
        package_root = str(Path(__file__).resolve().parents[2])
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, path]))}
        self._workers = [
            subprocess.Popen(
                [sys.executable, "-m", "workbench.attribution.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
            )
            for _ in range(processes)
        ]
        snapshot = pickle.dumps(registry)
        for worker in self._workers:
            self._send(worker, snapshot)

    @staticmethod
    def _send(worker: subprocess.Popen, payload: bytes) -> None:
        assert worker.stdin is not None
        worker.stdin.write(payload)
        worker.stdin.flush()

    def extract_many(self, texts: Sequence[str]) -> list[list[Attribution]]:
        """Attributions of each text, in order; a worker's error or death raises here."""
        runs = slices(list(texts), self.processes)
        with self._lock:
            for worker, run in zip(self._workers, runs, strict=False):
                self._send(worker, pickle.dumps(run))
            out: list[list[Attribution]] = []
            for worker, _ in zip(self._workers, runs, strict=False):
                assert worker.stdout is not None
                try:
                    status, value = pickle.load(worker.stdout)
                except EOFError:
                    raise WorkbenchError(f"attribution worker exited ({worker.poll()})") from None
                if status != "ok":
                    raise WorkbenchError(f"attribution worker failed: {value}")
                out.extend(value)
            return out

    def close(self) -> None:
        for worker in self._workers:
            try:
                if worker.stdin is not None:
                    worker.stdin.close()
                worker.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                worker.kill()
                worker.wait()
            if worker.stdout is not None:
                worker.stdout.close()
