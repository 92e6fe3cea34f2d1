"""English attribution in worker processes, for machines with more cores than one spaCy thread
and the encoder can use.

Why: an ingest attributes on one worker thread beside the encoder. On 2 cores that already
fills the machine (bench/README.md: the ceiling with spaCy), but on 8 or more the encoder
finishes long before one spaCy thread does, and attribution sets the pace. Each process here
loads its own spaCy pipeline once (spawned, so no forked copy of the encoder's threads) and
matches sources against a snapshot of the data directory's outlets, as the in-thread
attributor does. A chunk's articles are cut into contiguous slices of about equal length, one
per process, and the results come back in input order: the same attributions as in-thread.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from workbench.records import Attribution

_ENGINE: Any = None  # this worker process's Attributor


def resolve_processes(setting: int, workers: int) -> int:
    """The ``attribution_processes`` setting as a count: -1 (auto) is a third of the ingest's
    ``workers`` cores when there are at least 4, else 0 (attribute on the worker thread)."""
    if setting >= 0:
        return setting
    return workers // 3 if workers >= 4 else 0


def _start(registry: Any) -> None:
    global _ENGINE
    from workbench.attribution.extract import Attributor
    from workbench.outlets.service import _name

    _ENGINE = Attributor(outlet_matcher=lambda n: _name(registry.match(n)))
    _ENGINE.nlp  # noqa: B018 - load the pipeline before the first chunk arrives


def _extract(texts: list[str]) -> list[list[Attribution]]:
    return _ENGINE.extract_many(texts)


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
        self._pool = ProcessPoolExecutor(
            processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(registry,),
        )

    def extract_many(self, texts: Sequence[str]) -> list[list[Attribution]]:
        """Attributions of each text, in order (an error in a worker is raised here)."""
        runs = slices(list(texts), self.processes)
        return [atts for run in self._pool.map(_extract, runs) for atts in run]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
