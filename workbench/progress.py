"""A terminal progress bar for long ingests: articles, claims, rate and elapsed time."""

from __future__ import annotations

import sys
from typing import Any


class IngestProgress:
    """Context manager whose ``update(articles, claims)`` redraws a rich progress line.

    Inputs stream in (a folder or a JSONL file of unknown length), so the bar shows counts
    and rates; ``total`` may be given when the number of articles is known, which adds an ETA.
    """

    def __init__(self, enabled: bool = True, total: int | None = None) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.total = total
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> IngestProgress:
        if self.enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("ingest"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("articles · {task.fields[claims]} claims · {task.fields[rate]}"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task("ingest", total=self.total, claims=0, rate="")
        return self

    def update(self, articles: int, claims: int) -> None:
        if self._progress is None:
            return
        task = self._progress.tasks[0]
        elapsed = task.elapsed or 0.0
        rate = f"{claims / elapsed:.0f} claims/s" if elapsed > 0 else ""
        self._progress.update(self._task, completed=articles, claims=claims, rate=rate)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
