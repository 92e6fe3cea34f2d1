"""What a running ingest reports: inputs and claims done, claims/s, and an ETA per stage.

Why (issue 14): a desk waiting for the day's coverage wants to see how fast it goes and where
the time goes. The pipeline fills one :class:`IngestStatus` per report; the CLI progress bar
and the app's ingest page only format it (``IngestStatus.line``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Stages whose seconds are reported, in pipeline order (parse and skip are per input).
STAGES = ("parse", "segment", "attribute", "embed", "store", "index", "clusters", "multilingual")


@dataclass(slots=True)
class IngestStatus:
    """A snapshot of a running ingest.

    ``stages`` are seconds spent per stage so far. With overlapped stages (``ingest_workers``
    >= 2) they add up to more than ``elapsed_s``. A stage's rate is claims per second of that
    stage alone; its ETA is the seconds it still needs for the claims still to come, estimated
    from claims per input so far and ``inputs_total`` (None when the total is unknown).
    """

    inputs_done: int = 0
    inputs_total: int | None = None
    claims: int = 0
    elapsed_s: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def claims_per_s(self) -> float:
        return self.claims / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def remaining_claims(self) -> float | None:
        """Claims still to come, from claims per input so far (None without a total)."""
        if self.inputs_total is None or self.inputs_done <= 0:
            return None
        left = max(0, self.inputs_total - self.inputs_done)
        return left * self.claims / self.inputs_done

    @property
    def eta_s(self) -> float | None:
        """Seconds until the end at the overall rate so far (None when unknown)."""
        if self.inputs_total is None or self.inputs_done <= 0 or self.elapsed_s <= 0:
            return None
        left = max(0, self.inputs_total - self.inputs_done)
        return left * self.elapsed_s / self.inputs_done

    def stage_rates(self) -> dict[str, float]:
        """Claims per second of each stage that has run (its own seconds only)."""
        return {
            s: self.claims / sec
            for s in STAGES
            if (sec := self.stages.get(s, 0.0)) > 0 and self.claims > 0
        }

    def stage_etas(self) -> dict[str, float]:
        """Seconds each stage still needs for the remaining claims (empty without a total)."""
        left = self.remaining_claims
        if left is None:
            return {}
        return {s: left / rate for s, rate in self.stage_rates().items() if rate > 0}

    def line(self, top: int = 3) -> str:
        """One short line: overall claims/s and ETA, then the ``top`` slowest stages."""
        parts = [f"{self.claims:,} claims · {self.claims_per_s:.0f} claims/s"]
        if self.eta_s is not None:
            parts.append(f"ETA {_clock(self.eta_s)}")
        rates = sorted(self.stage_rates().items(), key=lambda kv: kv[1])[:top]
        etas = self.stage_etas()
        for name, rate in rates:
            extra = f" (ETA {_clock(etas[name])})" if name in etas else ""
            parts.append(f"{name} {rate:.0f}/s{extra}")
        return " · ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(
            claims_per_s=self.claims_per_s,
            eta_s=self.eta_s,
            stage_rates=self.stage_rates(),
            stage_etas=self.stage_etas(),
        )
        return out


def _clock(seconds: float) -> str:
    seconds = round(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return f"{seconds // 60}:{seconds % 60:02d}"
