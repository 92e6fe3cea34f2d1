"""Server time of the Compare page at ~12.5k claims, after the models have loaded.

The data directory is the app benchmark's (the Wikipedia current-events items, kept under
bench/results/data-events). Focus claims are the top hits of the app benchmark's queries, each
compared once (no result cache): ``library_ms`` is ``Workbench.compare`` alone, ``page_ms``
the Streamlit Compare page rerun through AppTest (report, tables, timeline chart, citation
graph), each with a claim the page has not compared before. Medians are reported.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import Any

from bench.app_bench import QUERIES, data_dir

TARGET_MS = 1000.0


def focus_claims(data: Path, n: int) -> list[int]:
    """Distinct top hits of the benchmark queries (and their runners-up), ``n`` of them."""
    from workbench.api import Workbench

    out: list[int] = []
    with Workbench.open(data) as wb:
        for rank in range(3):
            for q in QUERIES:
                hits = wb.search(q, k=3)
                if len(hits) > rank and hits[rank].claim.id not in out:
                    out.append(hits[rank].claim.id)
    return out[:n]


def run(quick: bool = False, runs: int = 5) -> dict[str, Any]:
    from workbench.api import Workbench

    data = data_dir(quick)
    claims = focus_claims(data, 2 * runs + 2)
    out: dict[str, Any] = {"data": str(data), "claims_compared": claims}
    with Workbench.open(data) as wb:
        out["claims"] = wb.stats()["claims"]
        wb.compare(claims[0])  # load the embedder, spaCy and the judge
        times = []
        for cid in claims[1 : runs + 1]:
            began = time.perf_counter()
            wb.compare(cid)
            times.append(time.perf_counter() - began)
        out["library_ms"] = {"median": 1000 * statistics.median(times), "n": len(times)}
    out["page_ms"] = _apptest(data, [claims[0], *claims[runs + 1 :]])
    return out


def _apptest(data: Path, claims: list[int]) -> dict[str, Any] | str:
    try:
        from streamlit.testing.v1 import AppTest

        from workbench.ui import app_path, common
    except ImportError as exc:
        return f"not measured: {exc}"
    old = os.environ.get("WORKBENCH_DATA")
    os.environ["WORKBENCH_DATA"] = str(data)
    try:
        at = AppTest.from_file(str(app_path()), default_timeout=600)
        at.run()
        at.switch_page(common.COMPARE)
        at.query_params.update({"claim": str(claims[0])})
        at.run()  # models load here
        times = []
        for cid in claims[1:]:
            at.query_params.update({"claim": str(cid)})
            began = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - began)
        if at.exception:
            return f"app raised: {[e.value for e in at.exception]}"
        return {"median": 1000 * statistics.median(times), "n": len(times), "all": times}
    finally:
        if old is None:
            os.environ.pop("WORKBENCH_DATA", None)
        else:
            os.environ["WORKBENCH_DATA"] = old


def summary(r: dict[str, Any]) -> list[str]:
    page = r["page_ms"]
    page_text = (
        f"{page['median']:.0f} ms (AppTest rerun, median of {page['n']}; target < {TARGET_MS:.0f})"
        if isinstance(page, dict)
        else page
    )
    return [
        f"compare at {r['claims']:,} claims: library {r['library_ms']['median']:.0f} ms "
        f"(median of {r['library_ms']['n']}); page {page_text}"
    ]
