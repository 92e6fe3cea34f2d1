"""The app in a real browser (issue 17): first usable page, lookup round trip, Compare from a result.

Playwright drives the system chromium (``executable_path``, never a downloaded browser) against
``workbench serve`` on a free port over a temporary data directory holding ``seeds/`` plus, when
``../shared/data`` is present, the 470 Af-Pak current-events items. After one warm-up pass, each
run opens a fresh browser context (no cookies, no cache, a new Streamlit session) and times:

- **first page**: navigation until the Claim box is enabled and the app has settled;
- **lookup**: type a claim, press Enter, until the results have settled;
- **compare**: click *Compare sources* under the first result until the Compare page settled.

"Settled" means Streamlit shows no running indicator and no stale element, and the page's
marker text is present, continuously for ``SETTLE_S``; the time reported is when that state
began (the quiet window is not counted). Next to it, the server time of the same actions
(``Workbench.search`` and ``Workbench.compare`` on the same queries and claims, in-process,
after the browser runs) says how much of a round trip is the server's work.

``--against DIR`` serves a second checkout (e.g. ``main``) at the same time on the same data
directory and alternates the runs between the two (A, B, B, A, …), so both medians see the same
load; ``--app-root DIR`` serves another checkout alone.

``python -m bench --only browser`` or ``python -m bench.browser_bench [--runs N] [--data DIR]``.
Skips when chromium or playwright is absent.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import EVENTS_QUICK, ROOT, Skip

CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
TARGETS_S = {"first_page": 2.0, "lookup": 1.0, "compare": 1.5}
LABELS = {
    "first_page": "first usable page after the server is warm",
    "lookup": "lookup round trip",
    "compare": "Compare from a result",
}
QUERIES = [
    "Pakistan walked out of the Istanbul negotiations",
    "Afghanistan warned Pakistan after the talks collapsed",
    "Pakistani airstrikes hit Kabul",
    "A ceasefire was agreed in Doha",
    "Border crossings at Torkham were closed",
    "Khawaja Asif said there would be open war",
    "Militants attacked a police post in Khyber Pakhtunkhwa",
    "The Taliban government denied sheltering the TTP",
]
SETTLE_S = 0.5
# True while Streamlit runs a script (status widget) or shows elements of the previous run.
BUSY_JS = (
    "!!document.querySelector('[data-testid=stStatusWidget]')"
    " || !!document.querySelector('[data-stale=true]')"
    " || !!document.querySelector('[data-testid=stSkeleton]')"
)


def chromium_path() -> str:
    path = os.environ.get("WORKBENCH_CHROMIUM", CHROMIUM)
    if not Path(path).exists():
        raise Skip(f"{path} is absent (scripts/install-browser.sh installs Debian chromium)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_data(target: Path) -> dict[str, Any]:
    """seeds/ plus the Af-Pak items (when the shared data is there) into ``target``."""
    from workbench.api import Workbench

    inputs = [str(ROOT / "seeds")]
    if EVENTS_QUICK.exists():
        inputs.append(str(EVENTS_QUICK))
    with Workbench.open(target) as wb:
        report = wb.ingest(inputs)
        stats = wb.stats()
    return {"inputs": inputs, "articles": stats["articles"], "claims": stats["claims"],
            "ingest_s": round(report.seconds, 1)}  # fmt: skip


@contextlib.contextmanager
def serve(
    data: Path,
    timeout: float = 300.0,
    app_root: Path | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """``workbench serve`` on a free port (own process group, ended on exit); yields its URL.
    ``app_root``: serve the ``workbench`` package of another checkout (a before/after run);
    ``env``: the process's whole environment (default: this one's, offline)."""
    port = free_port()
    env = dict(env) if env is not None else {**os.environ, "HF_HUB_OFFLINE": "1",
                                             "TRANSFORMERS_OFFLINE": "1"}  # fmt: skip
    env["WORKBENCH_DATA"] = str(data)
    if app_root is not None:
        env["PYTHONPATH"] = str(app_root)
    cmd = [sys.executable, "-m", "workbench", "serve", "--port", str(port)]
    with tempfile.TemporaryFile() as log:
        # ``python -m`` puts the working directory first on sys.path: run from the app's root
        proc = subprocess.Popen(cmd, cwd=app_root or ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                with (
                    contextlib.suppress(OSError),
                    urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r,
                ):
                    if r.status == 200:
                        break
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError("serve did not start:\n" + log.read().decode("replace"))
                time.sleep(0.3)
            yield url
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def settled_at(page: Any, ready_js: str, timeout: float = 120.0) -> float:
    """perf_counter time at which ``ready_js`` held and the app was idle, for ``SETTLE_S``."""
    deadline = time.perf_counter() + timeout
    since: float | None = None
    js = f"() => ({ready_js}) && !({BUSY_JS})"
    while time.perf_counter() < deadline:
        ok = bool(page.evaluate(js))
        now = time.perf_counter()
        if ok:
            since = since if since is not None else now
            if now - since >= SETTLE_S:
                return since
        else:
            since = None
        page.wait_for_timeout(25)
    raise TimeoutError(f"page did not settle on {ready_js!r}: {page.inner_text('body')[:800]}")


def has_text(text: str) -> str:
    return f"document.body.innerText.includes({json.dumps(text)})"


CLAIM_BOX = "document.querySelector('.st-key-lookup_q input')"
CLAIM_READY = f"!!{CLAIM_BOX} && !{CLAIM_BOX}.disabled"
RESULTS_READY = has_text("similar claim(s) in")
COMPARE_READY = has_text("Citation graph") + " && " + has_text("Who carries it")


def one_run(browser: Any, url: str, query: str) -> dict[str, Any]:
    """One fresh context: first page, a lookup, Compare from the first result (seconds)."""
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        page = ctx.new_page()
        began = time.perf_counter()
        page.goto(url + "/", wait_until="commit")
        first = settled_at(page, CLAIM_READY) - began
        box = page.locator(".st-key-lookup_q input")
        box.fill(query)
        began = time.perf_counter()
        box.press("Enter")
        lookup = settled_at(page, f"{CLAIM_READY} && {RESULTS_READY}") - began
        link = page.get_by_role("link", name="Compare sources").first
        began = time.perf_counter()
        link.click()
        compare = settled_at(page, COMPARE_READY) - began
        claim = page.url.split("claim=")[-1].split("&")[0]
        return {"first_page": first, "lookup": lookup, "compare": compare,
                "query": query, "claim": int(claim) if claim.isdigit() else None}  # fmt: skip
    finally:
        ctx.close()


def browser_runs(urls: list[str], runs: int) -> list[list[dict[str, Any]]]:
    """``runs`` fresh contexts per server, after one warm-up each; with two servers the order
    alternates (A B, B A, …) so neither always runs first under a changing load."""
    from playwright.sync_api import sync_playwright

    out: list[list[dict[str, Any]]] = [[] for _ in urls]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROME_ARGS)
        try:
            for url in urls:  # warm-up: server caches, chromium's own start
                one_run(browser, url, QUERIES[0])
            for n in range(runs):
                order = list(range(len(urls)))
                if n % 2:
                    order.reverse()
                for i in order:
                    out[i].append(one_run(browser, urls[i], QUERIES[n % len(QUERIES)]))
            return out
        finally:
            browser.close()


def server_times(data: Path, results: list[dict[str, Any]]) -> dict[str, float]:
    """Median ms of ``Workbench.search`` / ``Workbench.compare`` for the runs' queries and claims."""
    from workbench.api import Workbench

    search_ms, compare_ms = [], []
    with Workbench.open(data) as wb:
        wb.search("warm up")
        for r in results:
            began = time.perf_counter()
            wb.search(r["query"], k=wb.settings.search_k)
            search_ms.append(1000 * (time.perf_counter() - began))
        for r in results:
            if r["claim"] is None:
                continue
            began = time.perf_counter()
            wb.compare(r["claim"])
            compare_ms.append(1000 * (time.perf_counter() - began))
    return {
        "lookup": statistics.median(search_ms),
        "compare": statistics.median(compare_ms) if compare_ms else float("nan"),
    }


def run(
    quick: bool = False,
    runs: int = 5,
    data: Path | None = None,
    app_root: Path | None = None,
    against: Path | None = None,
) -> dict[str, Any]:
    chromium_path()
    try:
        import playwright  # noqa: F401
    except ImportError as exc:
        raise Skip(f"playwright is not installed (pip install -e '.[bench]'): {exc}") from exc
    runs = max(runs, 5)
    out: dict[str, Any] = {"runs": runs, "chromium_args": CHROME_ARGS, "settle_s": SETTLE_S}
    tmp = None
    if data is None:
        tmp = Path(tempfile.mkdtemp(prefix="wb-browser-bench-"))
        data = tmp / "data"
    try:
        from workbench.api import Workbench
        from workbench.store.sqlite import STORE_FILE

        if not (data / STORE_FILE).exists():
            out["data"] = build_data(data)

        with Workbench.open(data) as wb:
            stats = wb.stats()
        out["articles"], out["claims"] = stats["articles"], stats["claims"]
        out["load_avg_start"] = round(os.getloadavg()[0], 2)
        out["app_root"] = str(app_root or ROOT)
        with contextlib.ExitStack() as stack:
            urls = [stack.enter_context(serve(data, app_root=app_root))]
            if against is not None:
                urls.append(stack.enter_context(serve(data, app_root=against)))
            results, *other = browser_runs(urls, runs)
        out["load_avg_end"] = round(os.getloadavg()[0], 2)
        out["raw"] = results
        out["median_s"] = medians(results)
        if other:
            out["against"] = {"app_root": str(against), "raw": other[0],
                              "median_s": medians(other[0])}  # fmt: skip
        out["server_ms"] = server_times(data, results)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def medians(results: list[dict[str, Any]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in results) for k in TARGETS_S}


def table(r: dict[str, Any]) -> list[str]:
    """The issue's table: browser median, target, server time of the same action."""
    lines = [
        f"| page ({r['claims']:,} claims, median of {r['runs']} fresh contexts) | browser | target | server |",
        "|---|---|---|---|",
    ]
    for key, target in TARGETS_S.items():
        value = r["median_s"][key]
        server = r["server_ms"].get(key)
        server_txt = f"{server:.0f} ms" if server is not None else "—"
        mark = "✓" if value <= target else "✗"
        lines.append(f"| {LABELS[key]} | {value:.2f} s {mark} | ≤ {target:.1f} s | {server_txt} |")
    return lines


def against_table(r: dict[str, Any]) -> list[str]:
    """Both checkouts of an ``--against`` run side by side (same runs, same load)."""
    b = r["against"]
    lines = [f"| page | {b['app_root']} | {r['app_root']} | target |", "|---|---|---|---|"]
    for key, target in TARGETS_S.items():
        lines.append(f"| {LABELS[key]} | {b['median_s'][key]:.2f} s | "
                     f"{r['median_s'][key]:.2f} s | ≤ {target:.1f} s |")  # fmt: skip
    return lines


def summary(r: dict[str, Any]) -> list[str]:
    return [
        *table(r),
        *(["", *against_table(r)] if "against" in r else []),
        f"load average {r['load_avg_start']} at start, {r['load_avg_end']} at end",
    ]


def main(argv: list[str] | None = None) -> int:
    from bench.common import write_result

    ap = argparse.ArgumentParser(prog="python -m bench.browser_bench", description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data", type=Path, help="reuse (or build once into) this data directory")
    ap.add_argument("--app-root", type=Path,
                    help="serve the app of another checkout (e.g. main) for a before/after")  # fmt: skip
    ap.add_argument("--against", type=Path,
                    help="also serve this checkout and alternate the runs between the two")  # fmt: skip
    a = ap.parse_args(argv)
    try:
        result = run(runs=a.runs, data=a.data, app_root=a.app_root, against=a.against)
    except Skip as exc:
        print(f"browser: skipped — {exc}")
        return 0
    path = write_result("browser", result)
    print("\n".join(summary(result)))
    print(f"  → {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
