"""``python -m bench``: run the benchmarks, print medians, write JSON to bench/results/.

Options: ``--quick`` (small inputs, 10k/100k only), ``--sizes 10000,100000,1000000``,
``--only ingest,embed,search,app,compare,browser``, ``--runs N``. ``--only tiny`` runs the tiny
records alone (also part of ``ingest``): 1k/10k/50k records, ``--quick`` 1k/10k, ``--sizes``
record counts.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from bench import (
    app_bench,
    browser_bench,
    compare_bench,
    embed_bench,
    ingest_bench,
    multilingual_bench,
    search_bench,
    tiny_bench,
)
from bench.common import Skip, machine, write_result

ALL = ("embed", "search", "ingest", "multilingual", "app", "compare", "browser")
ALONE = ("tiny",)  # run only when named (``ingest`` includes it)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small inputs and sizes (a few minutes)")
    ap.add_argument("--sizes", help="claim counts for search/memory, e.g. 10000,100000,1000000")
    ap.add_argument("--only", help=f"comma list of {', '.join(ALL + ALONE)}")
    ap.add_argument("--runs", type=int, help="repetitions per measurement (median reported)")
    a = ap.parse_args(argv)
    only = [x.strip() for x in a.only.split(",")] if a.only else list(ALL)
    unknown = set(only) - set(ALL + ALONE)
    if unknown:
        ap.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    sizes = (
        [int(s) for s in a.sizes.split(",")]
        if a.sizes
        else ([10_000, 100_000] if a.quick else [10_000, 100_000, 1_000_000])
    )
    m = machine()
    print(f"{m['date']} · {m['nproc']} cores · {m['cpu']} · load {m['load_avg_1m']}")
    jobs: dict[str, tuple[Callable[[], dict[str, Any]], Callable[[dict[str, Any]], list[str]]]] = {
        "embed": (lambda: embed_bench.run(a.quick, a.runs or 3), embed_bench.summary),
        "search": (lambda: search_bench.run(sizes), search_bench.summary),
        "ingest": (
            lambda: ingest_bench.run(a.quick, a.runs or 1),
            ingest_bench.summary,
        ),
        "multilingual": (
            lambda: multilingual_bench.run(a.quick, a.runs or (2 if a.quick else 1)),
            multilingual_bench.summary,
        ),
        "app": (lambda: app_bench.run(a.quick, a.runs or 5), app_bench.summary),
        "compare": (lambda: compare_bench.run(a.quick, a.runs or 5), compare_bench.summary),
        "browser": (lambda: browser_bench.run(a.quick, a.runs or 5), browser_bench.summary),
        "tiny": (
            lambda: tiny_bench.run(
                tuple(sizes) if a.sizes else ((1_000, 10_000) if a.quick else tiny_bench.SIZES),
                first_runs=a.runs or tiny_bench.FIRST_RUNS,
            ),
            tiny_bench.summary,
        ),
    }
    for name in only:
        began = time.perf_counter()
        try:
            result = jobs[name][0]()
        except Skip as exc:
            print(f"{name}: skipped — {exc}")
            continue
        result["wall_s"] = time.perf_counter() - began
        path = write_result(name, result)
        print("\n".join(jobs[name][1](result)))
        print(f"  → {path.relative_to(path.parent.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
