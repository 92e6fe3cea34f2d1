"""Retake ``docs/screenshots/*.png`` in the real browser: playwright on the system chromium
against ``workbench serve`` over seeds/ plus the Af-Pak current-events items (when present).

``python -m bench.screenshots [--data DIR] [--out docs/screenshots]``. Each page is opened in
a fresh browser context and captured once it has settled (see ``bench.browser_bench``).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from bench.browser_bench import (
    CHROME_ARGS,
    build_data,
    chromium_path,
    has_text,
    serve,
    settled_at,
)
from bench.common import ROOT

QUERY = "Pakistan walked out of the Istanbul negotiations"
SEED_CLAIM_START = "Reports from Afghan media outlet Ariana News"


def pages(claim: int) -> list[tuple[str, str, str]]:
    """(file name, path and query, text present when the page is ready)."""
    return [
        ("lookup", f"/?q={quote(QUERY)}", "similar claim(s) in"),
        ("article", f"/article?claim={claim}", "Claims are coloured by their source"),
        ("compare", f"/compare?claim={claim}", "Citation graph"),
        ("sources", "/sources", "Add an outlet alias"),
        ("ingest", "/ingest", "Upload files"),
        ("notes", "/notes", "note(s)"),
    ]


def seed_claim(data: Path) -> int:
    from workbench.api import Workbench

    with Workbench.open(data) as wb:
        for art in wb.articles():
            for c in wb.claims(art.id):
                if c.text.startswith(SEED_CLAIM_START):
                    return c.id
        return wb.claims(wb.articles()[0].id)[0].id


def take(data: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    claim = seed_claim(data)
    shots = []
    with serve(data) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROME_ARGS)
        try:
            for name, path, ready in pages(claim):
                ctx = browser.new_context(viewport={"width": 1440, "height": 1000})
                page = ctx.new_page()
                page.goto(url + path, wait_until="commit")
                settled_at(page, has_text(ready), timeout=180)
                out.mkdir(parents=True, exist_ok=True)
                target = out / f"{name}.png"
                page.screenshot(path=str(target))
                shots.append(target)
                ctx.close()
        finally:
            browser.close()
    return shots


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.screenshots", description=__doc__)
    ap.add_argument("--data", type=Path, help="reuse (or build once into) this data directory")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    a = ap.parse_args(argv)
    tmp = None
    data = a.data
    if data is None:
        tmp = Path(tempfile.mkdtemp(prefix="wb-screens-"))
        data = tmp / "data"
    try:
        from workbench.store.sqlite import STORE_FILE

        if not (data / STORE_FILE).exists():
            build_data(data)
        for shot in take(data, a.out):
            print(shot)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
