"""Real-browser smoke test: headless Debian chromium against ``streamlit run`` with the seed.

Streamlit renders client-side over a websocket, and ``--dump-dom`` with a virtual time budget
dumps the page before the script's results arrive, so the test drives chromium over the
DevTools protocol (``websockets``, a Streamlit dependency): navigate to ``/lookup?q=…``,
poll the rendered text until a seed claim shows, then capture a screenshot.

Skipped when chromium is absent, unless ``CI=true`` (then ``make test`` has installed it via
``scripts/install-browser.sh`` and a missing browser is a failure). Also a script:
``python tests/test_browser.py DATA_DIR OUT_DIR`` screenshots every page for the README.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import PG_PASSWORD, PG_URL, PG_USER, copy_seeded

ROOT = Path(__file__).resolve().parent.parent
SEED_QUERY = "Pakistan walked out of the Istanbul negotiations"
SEED_TEXT = "Ariana News"  # the attributed source of the seed's best match
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def streamlit_server(data: Path, timeout: float = 180.0) -> Iterator[str]:
    """``streamlit run`` the app on a free 127.0.0.1 port; yields its base URL."""
    from workbench.ui import app_path

    port = free_port()
    env = {
        **os.environ,
        "WORKBENCH_DATA": str(data),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    cmd = [sys.executable, "-m", "streamlit", "run", str(app_path()), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false"]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(
                        "streamlit did not start:\n" + log.read().decode(errors="replace")
                    )
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


class Chromium:
    """A headless chromium with one page, driven over the DevTools protocol."""

    def __init__(self, binary: str, width: int = 1440, height: int = 1100) -> None:
        from websockets.sync.client import connect

        self.profile = tempfile.mkdtemp(prefix="wb-chromium-")
        self.proc = subprocess.Popen(
            [binary, *CHROME_FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-port=0",
             f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            page = next(t for t in json.load(r) if t["type"] == "page")
        self.ws = connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=10)
        self._id = 0
        self.call("Emulation.setDeviceMetricsOverride",
                  width=width, height=height, deviceScaleFactor=1, mobile=False)  # fmt: skip

    def call(self, method: str, **params: object) -> dict:
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv(timeout=60))
            if msg.get("id") == self._id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def text(self) -> str:
        res = self.call("Runtime.evaluate", expression="document.body ? document.body.innerText : ''",
                        returnByValue=True)  # fmt: skip
        return str(res.get("result", {}).get("value", ""))

    def open(self, url: str, wait_for: str, timeout: float = 60.0) -> str:
        """Navigate and wait until ``wait_for`` shows and the app has stopped running."""
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + timeout
        text, idle_since = "", None
        while time.monotonic() < deadline:
            text = self.text()
            if wait_for in text and not self.running():
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since > 1.5:  # idle for a while: no rerun pending
                    return self.text()
            else:
                idle_since = None
            time.sleep(0.2)
        raise AssertionError(f"{wait_for!r} did not appear at {url}; page text:\n{text[:2000]}")

    def running(self) -> bool:
        """Whether the app shows its running indicator or stale (skeleton) elements."""
        js = ("!!document.querySelector('[data-testid=stStatusWidget]')"
              " || !!document.querySelector('[data-stale=true]')")  # fmt: skip
        res = self.call("Runtime.evaluate", expression=js, returnByValue=True)
        return bool(res.get("result", {}).get("value"))

    def screenshot(self, path: Path) -> Path:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ws.close()
        self.proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(10)
        if self.proc.poll() is None:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


# The DevTools-protocol tests drive a page that needs no sign-in: the embedded default. With
# PostgreSQL every page starts at the sign-in form (team mode), which the playwright test below
# fills in; tests/test_team_browser.py drives team mode in the browser at length.
no_sign_in = pytest.mark.skipif(
    bool(PG_URL), reason="the embedded default's pages without sign-in (PostgreSQL: team mode)"
)


@no_sign_in
@pytest.mark.browser
@pytest.mark.slow
def test_lookup_page_shows_seed_result_in_chromium(seeded_dir: Path, tmp_path: Path) -> None:
    binary = find_chromium()
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(
                "chromium is missing in CI: run scripts/install-browser.sh (make test does)"
            )
        pytest.skip("chromium is not installed (scripts/install-browser.sh installs it)")
    data = tmp_path / "data"
    copy_seeded(seeded_dir, data)
    with streamlit_server(data) as url:
        browser = Chromium(binary)
        try:
            text = browser.open(f"{url}/?q={quote(SEED_QUERY)}", wait_for=SEED_TEXT, timeout=120)
            shot = browser.screenshot(tmp_path / "lookup.png")
        finally:
            browser.close()
    assert "Istanbul negotiations" in text
    assert "Open in article" in text
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.browser
def test_browser_fonts_cover_arabic_script_and_devanagari() -> None:
    """Right-to-left claims and Hindi need glyphs: scripts/install-browser.sh installs
    fonts-noto-core beside chromium."""
    if find_chromium() is None or shutil.which("fc-list") is None:
        pytest.skip("chromium or fontconfig is not installed (scripts/install-browser.sh)")
    for lang in ("ur", "fa", "ps", "ar", "hi"):
        found = subprocess.run(
            ["fc-list", f":lang={lang}", "family"], capture_output=True, text=True, check=False
        ).stdout
        assert found.strip(), f"no font for {lang}: run scripts/install-browser.sh"


@no_sign_in
@pytest.mark.browser
@pytest.mark.slow
def test_compare_page_sections_in_chromium(seeded_dir: Path, tmp_path: Path) -> None:
    """The Compare page for the seed's Ariana News claim, as a browser shows it."""
    binary = find_chromium()
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(
                "chromium is missing in CI: run scripts/install-browser.sh (make test does)"
            )
        pytest.skip("chromium is not installed (scripts/install-browser.sh installs it)")
    from workbench.api import Workbench

    data = tmp_path / "data"
    copy_seeded(seeded_dir, data)
    with Workbench.open(data) as wb:
        claim = next(
            c.id
            for a in wb.articles()
            for c in wb.claims(a.id)
            if c.text.startswith("Reports from Afghan media outlet Ariana News")
        )
    with streamlit_server(data) as url:
        browser = Chromium(binary)
        try:
            text = browser.open(f"{url}/compare?claim={claim}", wait_for="Timeline", timeout=180)
        finally:
            browser.close()
    for section in (
        "Independent sources: ",
        "Who carries it",
        "Competing accounts",
        "Discrepancies",
        "Timeline",
        "Undated (never counted as first)",
        "Citation graph",
    ):
        assert section in text, section
    assert "Find a claim to compare" in text and "Claim id" not in text


PAGES = [  # (file name, path and query, text that shows when the page is ready)
    ("lookup", f"?q={quote(SEED_QUERY)}", SEED_TEXT),
    ("article", "article?claim={claim}", "Claims are coloured by their source"),
    ("compare", "compare?claim={claim}", "Citation graph"),
    ("sources", "sources", "Add an outlet alias"),
    ("ingest", "ingest", "Upload files"),
    ("notes", "notes", "note(s)"),
]


def screenshots(data: Path, out: Path, claim: int = 5) -> list[Path]:
    """Screenshot every page against a running app over ``data`` (for docs/screenshots)."""
    binary = find_chromium()
    if binary is None:
        raise SystemExit("chromium is not installed: bash scripts/install-browser.sh")
    shots = []
    with streamlit_server(data) as url:
        for name, path, ready in PAGES:  # a fresh browser per page: no session carried over
            browser = Chromium(binary)
            try:
                browser.open(f"{url}/{path.format(claim=claim)}", wait_for=ready, timeout=120)
                shots.append(browser.screenshot(out / f"{name}.png"))
            finally:
                browser.close()
    return shots


if __name__ == "__main__":
    for shot in screenshots(
        Path(sys.argv[1]),
        Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots"),
        int(sys.argv[3]) if len(sys.argv) > 3 else 5,
    ):
        print(shot)


@pytest.mark.browser
@pytest.mark.slow
def test_lookup_reruns_only_its_results_in_chromium(seeded_dir: Path, tmp_path: Path) -> None:
    """Issue 17, in playwright on the system chromium: Enter in the Claim box reruns only the
    results fragment (the sidebar is never marked stale), the filters are chips, and a card's
    note form does not exist until its button is pressed."""
    binary = find_chromium()
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is missing in CI: run scripts/install-browser.sh")
        pytest.skip("chromium is not installed (scripts/install-browser.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    data = tmp_path / "data"
    copy_seeded(seeded_dir, data)
    stale_sidebar = "() => !!document.querySelector('[data-testid=stSidebar] [data-stale=true]')"
    with streamlit_server(data) as url, sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=binary, args=CHROME_FLAGS)
        try:
            page = browser.new_page()
            page.goto(f"{url}/?type=outlet")
            if PG_URL:  # team mode: the sign-in form first, as the schema's admin
                page.locator(".st-key-signin_name input").fill(PG_USER, timeout=120_000)
                page.locator(".st-key-signin_password input").fill(PG_PASSWORD)
                page.get_by_role("button", name="Sign in").click()
            box = page.locator(".st-key-lookup_q input")
            box.wait_for(timeout=120_000)
            page.get_by_role("button", name="Source type: news outlet").wait_for(timeout=60_000)
            idle = "() => !document.querySelector('[data-testid=stStatusWidget]')"
            page.wait_for_timeout(1000)
            page.wait_for_function(idle, timeout=60_000)  # the first run has finished
            box.fill(SEED_QUERY)
            box.press("Enter")
            seen_stale = False
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                seen_stale = seen_stale or page.evaluate(stale_sidebar)
                text = page.inner_text("body")
                # the count line renders before the cards: wait for the cards too
                if "similar claim(s) in" in text and "Ariana News" in text:
                    break
                page.wait_for_timeout(20)
            page.wait_for_function(idle, timeout=60_000)
            body = page.inner_text("body")
            assert "similar claim(s) in" in body, body[:1500]
            assert "Ariana News" in body, body[:1500]
            assert not seen_stale, "the sidebar reran with the lookup"
            assert page.locator("textarea").count() == 0  # no note form until opened
            page.locator("[class*=st-key-lookup_note_btn_] button").first.click()
            page.locator("textarea").first.wait_for(timeout=60_000)
        finally:
            browser.close()
