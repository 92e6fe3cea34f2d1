"""Server time of a lookup at ~10k claims: the Streamlit lookup page via AppTest when the app
exists, else ``Workbench.search`` plus the page's row shaping (the result says which)."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import Any

from bench.common import EVENTS, EVENTS_QUICK, RESULTS, SHARED, Skip

QUERIES = [
    "Pakistan walked out of the Istanbul negotiations",
    "An earthquake killed dozens of people",
    "The president signed the bill into law",
    "Protesters clashed with police in the capital",
    "The central bank raised interest rates",
    "A car bombing killed soldiers in Balochistan",
]


def data_dir(quick: bool) -> Path:
    """A data directory with the current-events claims (kept by the ingest benchmark, or built)."""
    kept = RESULTS / "data-events"
    if kept.exists() and not quick:
        return kept
    if not SHARED.exists():
        raise Skip(f"{SHARED} is absent")
    from workbench.api import Workbench

    target = RESULTS / ("data-app-quick" if quick else "data-events")
    with Workbench.open(target, attribution=False) as wb:
        wb.ingest([EVENTS_QUICK if quick else EVENTS])
    return target


def run(quick: bool = False, runs: int = 5) -> dict[str, Any]:
    from workbench.api import Workbench

    data = data_dir(quick)
    out: dict[str, Any] = {"data": str(data)}
    with Workbench.open(data) as wb:
        out["claims"] = wb.stats()["claims"]
        wb.search("warm up")
        times = []
        for q in QUERIES * max(1, runs // len(QUERIES) + 1):
            began = time.perf_counter()
            hits = wb.search(q, k=10)
            [{"score": round(h.score, 3), "claim": h.claim.text, "outlet": h.outlet, "date": h.date,
              "article": h.article_title} for h in hits]  # fmt: skip
            times.append(time.perf_counter() - began)
        out["library_ms"] = {"median": 1000 * statistics.median(times), "n": len(times)}
    out["apptest_ms"] = _apptest(data, runs)
    out["keyterms_us"] = keyterms_us(runs)
    out["outlet_match_us"] = outlet_match_us(runs)
    return out


def outlet_match_us(runs: int = 5, n: int = 10_000) -> dict[str, Any]:
    """Microseconds per outlet-name match on a fresh registry (known names, aliases and
    near-misses; attribution resolves every source through it; formerly a timed unit test
    with a 1 s limit for 10,000 names)."""
    from workbench.outlets.registry import OutletRegistry

    times = []
    for _ in range(runs):
        reg = OutletRegistry.load()  # fresh: no warm cache
        names = [o.name for o in reg] + [a for o in reg for a in o.aliases]
        queries = [f"{names[i % len(names)]}{' x' * (i % 3)}" for i in range(n)]
        began = time.perf_counter()
        for q in queries:
            reg.match(q)
        times.append(1e6 * (time.perf_counter() - began) / n)
    return {"median": statistics.median(times), "n": runs, "names": n}


def keyterms_us(runs: int = 5, n: int = 500) -> dict[str, Any]:
    """Microseconds per uncached ``extract_key_terms`` call (the search re-scores up to 20
    candidates per lookup with it; it was a timed unit test, ~40 us on a laptop)."""
    from workbench.text.keyterms import extract_key_terms, key_term_conflict

    texts = [f"{i} people were killed in Kabul on Oct 28, police said." for i in range(n)]
    extract = extract_key_terms.__wrapped__
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        terms = [extract(x) for x in texts]
        times.append(1e6 * (time.perf_counter() - began) / n)
    assert key_term_conflict(terms[1], terms[2]).numbers  # the figures are read
    return {"median": statistics.median(times), "n": runs, "texts": n}


def _apptest(data: Path, runs: int) -> dict[str, Any] | str:
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
        at.switch_page(common.LOOKUP)
        at.query_params.update({"q": QUERIES[0]})
        at.run()
        times = []
        for n in range(runs):
            at.text_input(key="lookup_q").input(QUERIES[(n + 1) % len(QUERIES)])
            began = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - began)
        if at.exception:
            return f"app raised: {[e.value for e in at.exception]}"
        return {"median": 1000 * statistics.median(times), "n": runs, "page": common.LOOKUP}
    finally:
        if old is None:
            os.environ.pop("WORKBENCH_DATA", None)
        else:
            os.environ["WORKBENCH_DATA"] = old


def summary(r: dict[str, Any]) -> list[str]:
    app = r["apptest_ms"]
    app_text = (
        f"{app['median']:.0f} ms (AppTest, {app['page']}, median of {app['n']})"
        if isinstance(app, dict)
        else app
    )
    lines = [
        f"app lookup at {r['claims']:,} claims: library search+shaping {r['library_ms']['median']:.0f} ms "
        f"(median of {r['library_ms']['n']}); page rerun {app_text}"
    ]
    if "keyterms_us" in r:
        k = r["keyterms_us"]
        lines.append(f"key-term extraction {k['median']:.0f} us/text (median of {k['n']})")
    if "outlet_match_us" in r:
        m = r["outlet_match_us"]
        lines.append(f"outlet match {m['median']:.1f} us/name, fresh registry (median of {m['n']})")
    return lines
