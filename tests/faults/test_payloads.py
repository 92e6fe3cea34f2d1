"""Untrusted text never reaches live HTML or Markdown: every page in headless Chromium.

A payload (a Markdown image, raw HTML and a Markdown link, each pointing at a canary server on
127.0.0.1) goes into every field an article or a note can carry: title, outlet, URL, cited
outlets, source and cue text, rationale, evidence and reviewer. Each page is opened with the
DevTools Network domain on; no request may leave for the canary, the canary must log no hit,
and the DOM must hold no element pointing at it (the article's own http URL aside, which is a
plain link by design and never fetched).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tests.conftest import PG_URL, copy_seeded
from tests.test_browser import Chromium, find_chromium, streamlit_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow_fault,
    # the pages are opened over the DevTools protocol without signing in: the embedded default
    pytest.mark.skipif(
        bool(PG_URL),
        reason="the embedded default's pages without sign-in"
        " (PostgreSQL: team mode, every page starts at the sign-in form)",
    ),
]

SEED_SENTENCE = (
    "Reports from Afghan media outlet Ariana News indicate that Pakistan walked out of the"
    " Istanbul negotiations after the Afghan delegation refused its demands."
)


class Canary(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Canary.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def payload(base: str, field: str) -> str:
    return (f"X{field} ![p]({base}/{field}-img.png) <img src={base}/{field}-html.png>"
            f" [l]({base}/{field}-link) <b>b</b>")  # fmt: skip


class NetChromium(Chromium):
    """Chromium that keeps every DevTools event (the base class drops them while it waits)."""

    def __init__(self, binary: str) -> None:
        self.events: list[dict] = []
        super().__init__(binary)

    def call(self, method: str, **params: object) -> dict:
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv(timeout=60))
            if "method" in msg:
                self.events.append(msg)
            if msg.get("id") == self._id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def requests(self) -> list[str]:
        """Every request URL the page sent since ``Network.enable`` (pending events drained)."""
        while True:
            try:
                self.events.append(json.loads(self.ws.recv(timeout=0.3)))
            except TimeoutError:
                break
        return [e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"]  # fmt: skip


def test_no_payload_leaves_or_lands_on_any_page(seeded_dir: Path, tmp_path: Path) -> None:
    binary = find_chromium()
    if binary is None:
        pytest.skip("chromium is not installed (scripts/install-browser.sh installs it)")
    from workbench.api import Workbench
    from workbench.notes.service import Notes
    from workbench.records import ArticleDraft, CitedSource

    canary = ThreadingHTTPServer(("127.0.0.1", 0), Canary)
    threading.Thread(target=canary.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{canary.server_address[1]}"
    data = tmp_path / "data"
    copy_seeded(seeded_dir, data)
    article_url = f"{base}/url-field"
    with Workbench.open(data) as wb:
        report = wb.ingest_drafts([ArticleDraft(
            text=f"{SEED_SENTENCE}\n\n{payload(base, 'body')} officials said on Monday.",
            title=payload(base, "title"), outlet=payload(base, "outlet"), url=article_url,
            date="2025-10-01", sources=[CitedSource(outlet=payload(base, "cited"))],
            origin="payload")])  # fmt: skip
        assert report.ingested == 1, report.to_dict()
        aid = report.results[0].article_id
        claims = wb.claims(aid)
        # Source and cue text come from the attribution engine; put the payload in them here.
        wb.store.conn.execute(
            "UPDATE attributions SET source_text = ?, source = ?, cue = ? WHERE article_id = ?",
            (payload(base, "source"), payload(base, "source"), payload(base, "cue"), aid),
        )
        Notes(wb).add(claims[0].id, "false", rationale=payload(base, "rationale"),
                      evidence=[f"{base}/evidence.png"], reviewer=payload(base, "reviewer"))  # fmt: skip
        claim = claims[0].id
    pages = [("", "Lookup"), (f"?q={SEED_SENTENCE[:60]}", "similar claim"),
             (f"article?claim={claim}", "Claims are coloured"), (f"compare?claim={claim}", "Attributed to"),
             ("sources", "Add an outlet alias"), ("ingest", "Upload files"), ("notes", "note(s)")]  # fmt: skip
    host = base.split("//")[1]
    try:
        with streamlit_server(data) as url:
            for path, ready in pages:
                browser = NetChromium(binary)
                try:
                    browser.call("Network.enable")
                    text = browser.open(f"{url}/{path}", wait_for=ready, timeout=180)
                    # Hover everything with a tooltip: help= renders its Markdown on hover.
                    browser.call("Runtime.evaluate", expression=(
                        "document.querySelectorAll('[data-testid=stTooltipIcon], [data-testid=stTooltipHoverTarget]')"
                        ".forEach(e => e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})))"))  # fmt: skip
                    time.sleep(1.0)
                    sent = [u for u in browser.requests() if host in u]
                    js = (f"Array.from(document.querySelectorAll('*')).filter(e => ['src','href','srcset','poster','data']"
                          f".some(a => (e.getAttribute(a) || '').includes('{host}'))).map(e => e.outerHTML.slice(0, 200))")  # fmt: skip
                    res = browser.call("Runtime.evaluate", expression=js, returnByValue=True)
                    found = res.get("result", {}).get("value", [])
                    bold = browser.call("Runtime.evaluate", returnByValue=True, expression=(
                        "Array.from(document.querySelectorAll('b')).filter(e => e.textContent === 'b').length"))  # fmt: skip
                    raw_bold = bold.get("result", {}).get("value", 0)
                finally:
                    browser.close()
                assert not sent, (path, sent)
                live = [e for e in found if not (e.startswith("<a") and f'href="{article_url}"' in e)
                        and not (e.startswith("<a") and f'href="{base}/evidence.png"' in e)]  # fmt: skip
                assert not live, (path, live)
                assert raw_bold == 0, path  # the payload's <b>b</b> is shown as text, never as HTML
                del text
        assert not Canary.hits, Canary.hits
    finally:
        canary.shutdown()
