"""How high can issue 14's ratio go with spaCy attribution on this machine? A ceiling from CPU
seconds, which move far less than wall times on a shared VM.

The encoder keeps every core busy, so an ingest's wall time is at least (encode CPU + other
CPU) ÷ cores, while the benchmark's own encode takes encode CPU ÷ cores. Whatever the overlap,
end-to-end claims/s ÷ own-encode claims/s therefore cannot exceed

    ceiling(X) = encode CPU ÷ (encode CPU + X CPU)

for any work X the ingest must also do. Per input, interleaved over ``--runs``, medians of the
process CPU seconds of:

* ``encode``: the workbench's encoder over the input's claims (``segment``), one pass;
* ``attribution``: ``Attributor.extract_many`` over the articles, as the ingest calls it;
* ``spacy_candidates``: spaCy's pipeline alone over the candidate chunks (the model's share of
  attribution: no rule of ours runs);
* ``spacy_live``: spaCy alone over only the chunks in which an attribution was then found:
  what a perfect gate, one that knew beforehand which sentences attribute, would still parse.

If even ``ceiling(spacy_live)`` is below the target, no gating, overlap or rule tuning reaches
it with this model: it takes a smaller model or more cores.

    python -m bench.attribution_floor [--events 3000] [--wikinews 100] [--runs 3]

Quality of reasoning, not a speed target; run alone. Skips when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import EVENTS, RESULTS, WIKINEWS, write_result

TARGETS = {"events": 0.90, "wikinews": 0.80}
MEASURES = ("attribution", "spacy_candidates", "spacy_live")


def articles(which: str, n: int) -> list[tuple[str, str | None]]:
    """(text, title) of the first ``n`` articles of an input, read as the ingest reads it."""
    from workbench.ingest.readers import iter_inputs

    targets = [EVENTS] if which == "events" else sorted(WIKINEWS.glob("*.csv"))
    out: list[tuple[str, str | None]] = []
    for draft in iter_inputs(targets):
        text = getattr(draft, "text", None)
        if text:
            out.append((text, getattr(draft, "title", None)))
        if len(out) >= n:
            break
    return out


def ceiling(encode_cpu: float, other_cpu: float) -> float:
    """The highest end-to-end ÷ own-encode ratio an ingest doing ``other_cpu`` can reach."""
    return encode_cpu / (encode_cpu + other_cpu) if encode_cpu > 0 else 0.0


def _cpu(fn: Callable[[], Any]) -> float:
    began = time.process_time()
    fn()
    return time.process_time() - began


def measure(docs: list[tuple[str, str | None]], runs: int) -> dict[str, Any]:
    """Median CPU seconds of each measure over ``runs`` interleaved rounds, and the ceilings."""
    from workbench.attribution import fastparse
    from workbench.attribution.extract import Attributor
    from workbench.ingest.segment import segment
    from workbench.retrieval.embed import Embedder

    texts = [t for t, _ in docs]
    claims = [c.text for t, title in docs for c in segment(t, title)]
    attributor, embedder = Attributor(), Embedder()
    nlp = attributor.nlp
    found = attributor.extract_many(texts)  # also warms both models' caches
    embedder.encode(claims[:64])
    cands, live = [], []
    for text, atts in zip(texts, found, strict=True):
        marks = [a.cue_start if a.cue_start is not None else a.content_start for a in atts]
        for s, e, cand in fastparse.chunks(text):
            if cand:
                cands.append(text[s:e])
                if any(s <= m < e for m in marks):
                    live.append(text[s:e])
    work: dict[str, Callable[[], Any]] = {
        "encode": lambda: embedder.encode(claims),
        "attribution": lambda: attributor.extract_many(texts),
        "spacy_candidates": lambda: list(nlp.pipe(cands, batch_size=fastparse.CHUNK_BATCH)),
        "spacy_live": lambda: list(nlp.pipe(live, batch_size=fastparse.CHUNK_BATCH)),
    }
    seconds: dict[str, list[float]] = {k: [] for k in work}
    for _ in range(runs):
        for name, fn in work.items():
            seconds[name].append(_cpu(fn))
    cpu = {k: statistics.median(v) for k, v in seconds.items()}
    return {
        "articles": len(texts),
        "claims": len(claims),
        "candidate_chunks": len(cands),
        "live_chunks": len(live),
        "cpu_s": cpu,
        "cpu_s_runs": seconds,
        "ceiling": {m: ceiling(cpu["encode"], cpu[m]) for m in MEASURES},
    }


def summary(name: str, r: dict[str, Any]) -> list[str]:
    """Lines of the table for one input."""
    cpu, ceil = r["cpu_s"], r["ceiling"]
    lines = [
        f"{name}: {r['articles']} articles, {r['claims']} claims, candidate chunks "
        f"{r['candidate_chunks']} of which with an attribution {r['live_chunks']}; "
        f"encode {cpu['encode']:.1f} CPU s; target {TARGETS[name]:.2f}"
    ]
    for m in MEASURES:
        mark = "✓" if ceil[m] >= TARGETS[name] else "✗"
        lines.append(f"  {m:>17}: {cpu[m]:6.1f} CPU s  ceiling {ceil[m]:.2f} {mark}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=3000, help="current-events items (0: none)")
    ap.add_argument("--wikinews", type=int, default=100, help="Wikinews articles (0: none)")
    ap.add_argument("--runs", type=int, default=3, help="interleaved rounds (median reported)")
    ap.add_argument("--json", action="store_true", help="print JSON only")
    a = ap.parse_args(argv)
    inputs = {"events": (EVENTS, a.events), "wikinews": (WIKINEWS, a.wikinews)}
    result: dict[str, Any] = {}
    for name, (path, n) in inputs.items():
        if n <= 0:
            continue
        if not Path(path).exists():
            result[name] = {"skipped": f"{path} is absent"}
            continue
        result[name] = measure(articles(name, n), a.runs)
    path = write_result("attribution-floor", result)
    if a.json:
        print(json.dumps(result, indent=2))
        return 0
    for name, r in result.items():
        print(f"{name}: skipped: {r['skipped']}" if "skipped" in r else "\n".join(summary(name, r)))
    print(path if path else RESULTS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
