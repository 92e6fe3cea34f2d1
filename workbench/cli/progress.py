"""A terminal progress bar for long ingests: inputs, claims, rate and ETA (overall and per
stage, from the pipeline's ``IngestStatus``)."""

from __future__ import annotations

import sys
import time
from typing import Any


class IngestProgress:
    """Context manager whose ``update(done, claims)`` redraws a rich progress line.

    ``done`` counts inputs consumed (records or files, stored or skipped). The total for the
    ETA is given up front or later through :meth:`set_total` (the pipeline counts the inputs'
    lines/rows cheaply before it starts); without one the bar shows counts and rates only.
    Redraws are throttled, so calling ``update`` per article costs nothing noticeable.
    """

    def __init__(self, enabled: bool = True, total: int | None = None, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.total = total
        self._progress: Any = None
        self._task: Any = None
        self._started = 0.0
        self._stages = ""

    def __enter__(self) -> IngestProgress:
        self._started = time.perf_counter()
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("ingest"),
                BarColumn(),
                TaskProgressColumn(),
                MofNCompleteColumn(),
                TextColumn("inputs · {task.fields[claims]} claims · {task.fields[rate]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(file=self.stream),
                refresh_per_second=4,
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task("ingest", total=self.total, claims=0, rate="")
        return self

    def set_total(self, total: int | None) -> None:
        """Set (or clear) the number of inputs, which turns on the percentage and ETA."""
        self.total = total
        if self._progress is not None:
            self._progress.update(self._task, total=total)

    def rate_text(self, done: int, claims: int) -> str:
        elapsed = time.perf_counter() - self._started
        if elapsed <= 0:
            return ""
        return f"{done / elapsed:.1f} inputs/s, {claims / elapsed:.0f} claims/s"

    def update(self, done: int, claims: int) -> None:
        if self._progress is None:
            return
        rate = self._stages or self.rate_text(done, claims)
        self._progress.update(self._task, completed=done, claims=claims, rate=rate)

    def show_status(self, status: Any) -> None:
        """Show an ``IngestStatus``: claims/s, then the slowest stages' rates and ETAs."""
        self._stages = status.line().split(" · ", 1)[-1]
        if self._progress is not None:
            self._progress.update(
                self._task, completed=status.inputs_done, claims=status.claims, rate=self._stages
            )

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
