"""Does a change move *who* says what? Compare two checkouts' attributions field by field.

PolNeAR F1 scores spans only, so a cut to the attribution models can keep every F1 while the
sources it resolves to change ("the Roper Center for Public Opinion Research" read as a person).
This runs the attribution engine of each checkout (``--base``, default: this one; ``--against``:
another) over the same texts in its own process, matches attributions by their cue and content
spans, and counts, per field, how many matched attributions differ, plus those found on one side
only. Texts: PolNeAR dev articles, the long articles of the ingest bench and the first
current-events items (one-paragraph records: batching and chunking change most for them).

    python -m bench.attribution_identity --against /work/wt-branch [--long 60] [--events 3000]

Quality, not speed; run alone. Skips when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import EVENTS, ROOT, SHARED, Skip

POLNEAR_DEV = SHARED / "polnear" / "dev"
FIELDS = (
    "source_text",
    "source",
    "source_type",
    "role",
    "kind",
    "hedged",
    "source_start",
    "source_end",
    "parent",
)
_KEY = ("cue_start", "cue_end", "content_start", "content_end")

_CHILD = """
import json, sys
from workbench.attribution.extract import Attributor
texts = json.load(open(sys.argv[1]))
out = Attributor().extract_many(texts)
json.dump([[a.to_dict() for a in atts] for atts in out], open(sys.argv[2], "w"))
"""


def texts(long_count: int, work: Path, events: int = 0) -> list[str]:
    """PolNeAR dev articles, then ``long_count`` long articles built like the ingest bench's,
    then the texts of the first ``events`` current-events items."""
    from bench.ingest_bench import long_articles
    from workbench.evaluation.attribution import load_brat

    if not POLNEAR_DEV.exists():
        raise Skip(f"{POLNEAR_DEV} is absent")
    out = [d.text for d in load_brat(POLNEAR_DEV)]
    if long_count:
        src = long_articles(work / "long.jsonl", long_count)
        out += [json.loads(line)["text"] for line in src.read_text().splitlines()]
    if events and EVENTS.exists():
        with EVENTS.open(encoding="utf-8") as fh:
            items = (json.loads(line).get("text") or "" for line in fh)
            out += [t for t, _ in zip(items, range(events), strict=False) if t]
    return out


def attribute_with(checkout: Path, inputs: Path, target: Path) -> list[list[dict[str, Any]]]:
    """Attributions of every input text by ``checkout``'s engine, in a child process."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    subprocess.run(
        [sys.executable, "-c", _CHILD, str(inputs), str(target)],
        check=True,
        env={**env, "PYTHONPATH": str(checkout)},
        cwd=checkout,
    )
    return json.loads(target.read_text())


def compare(
    base: Sequence[Sequence[dict[str, Any]]], other: Sequence[Sequence[dict[str, Any]]]
) -> dict[str, Any]:
    """Per-field differences between two runs over the same texts, with a few examples."""
    if len(base) != len(other):
        raise ValueError(f"runs cover {len(base)} and {len(other)} texts")
    diff: Counter[str] = Counter()
    examples: list[dict[str, Any]] = []
    total = 0
    for doc, (xs, ys) in enumerate(zip(base, other, strict=True)):
        kx = {tuple(a[k] for k in _KEY): a for a in xs}
        ky = {tuple(a[k] for k in _KEY): a for a in ys}
        total += len(kx)
        diff["only_base"] += len(kx.keys() - ky.keys())
        diff["only_other"] += len(ky.keys() - kx.keys())
        for key in kx.keys() & ky.keys():
            for field in FIELDS:
                if kx[key].get(field) != ky[key].get(field):
                    diff[field] += 1
                    if field in ("source", "source_type") and len(examples) < 12:
                        examples.append(
                            {
                                "text": doc,
                                "field": field,
                                "mention": kx[key].get("source_text"),
                                "base": kx[key].get(field),
                                "other": ky[key].get(field),
                            }
                        )
    return {
        "attributions": total,
        "differences": {f: diff[f] for f in ("only_base", "only_other", *FIELDS)},
        "identical": not any(diff.values()),
        "examples": examples,
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--base", type=Path, default=ROOT, help="checkout A (default: this one)")
    ap.add_argument("--against", type=Path, required=True, help="checkout B")
    ap.add_argument("--long", type=int, default=60, help="long articles to add (0: PolNeAR only)")
    ap.add_argument("--events", type=int, default=0, help="current-events items to add")
    ap.add_argument("--json", action="store_true", help="print JSON only")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="attr-identity-") as tmp:
        work = Path(tmp)
        try:
            inputs = texts(args.long, work, args.events)
        except Skip as exc:
            print(f"skip: {exc}")
            return 0
        path = work / "texts.json"
        path.write_text(json.dumps(inputs))
        result = compare(
            attribute_with(args.base.resolve(), path, work / "base.json"),
            attribute_with(args.against.resolve(), path, work / "other.json"),
        )
    result["texts"] = len(inputs)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['texts']} texts, {result['attributions']} attributions in the base run")
    for field, n in result["differences"].items():
        print(f"  {field:>12}: {n}")
    for ex in result["examples"]:
        print(f"  e.g. {ex['field']} of {ex['mention']!r}: {ex['base']!r} -> {ex['other']!r}")
    print("identical" if result["identical"] else "DIFFERENT")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
