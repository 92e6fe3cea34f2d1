"""URL ingest against a server on 127.0.0.1 only: schemes, private addresses, redirects, caps."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.faults.conftest import GOOD, Data, errors
from workbench.ingest import fetch
from workbench.ingest.limits import Limits

PAGE = f"<html><body><article><h1>Kabul blast</h1><p>{GOOD * 3}</p></article></body></html>"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/to/"):
            self.send_response(302)
            self.send_header("Location", self.path[len("/to/") :].replace("|", "/"))
            self.end_headers()
            return
        if self.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(30):
                self.wfile.write(b"<p>x</p>" * 10)
                self.wfile.flush()
                time.sleep(0.1)
            return
        body = PAGE.encode() if self.path == "/story.html" else b"x" * (3 * 1024 * 1024)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if self.path != "/nolength":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


ALLOW = {"WORKBENCH_ALLOW_PRIVATE_URLS": "true"}


def test_loopback_is_refused_and_allowed_by_the_setting(data: Data, server: str) -> None:
    url = f"{server}/story.html"
    result = data.cli("ingest", "--no-progress", url)
    assert result.exit_code == 1
    assert errors(result) == [
        f"error: {url}: refused: 127.0.0.1 resolves to a loopback address (127.0.0.1);"
        " set WORKBENCH_ALLOW_PRIVATE_URLS=true to fetch from an intranet"
    ]
    data.check_intact()
    result = data.cli("ingest", "--no-progress", "--no-attribution", url, env=ALLOW)
    assert result.exit_code == 0 and "ingested 1 article(s)" in result.stdout, result.output


def test_only_http_and_https(data: Data, server: str) -> None:
    for url in ("ftp://127.0.0.1/x.txt", "file:///etc/passwd"):
        result = data.cli("ingest", "--no-progress", url, env=ALLOW)
        scheme = url.split(":")[0]
        assert errors(result) == [
            f"error: {url}: URL refused: only http and https are fetched, not {scheme}"
        ]
    url = f"{server}/to/ftp:||127.0.0.1|x.txt"  # a redirect to ftp:// is not followed
    result = data.cli("ingest", "--no-progress", url, env=ALLOW)
    assert errors(result) == [
        f"error: {url}: redirect to ftp://127.0.0.1/x.txt refused:"
        " only http and https are fetched, not ftp"
    ]
    data.check_intact()


def test_a_redirect_to_a_private_address_is_refused(
    data: Data, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "news.example" stands for a public host (only it may reach the test server); it
    # redirects to 127.0.0.1, which the check at the redirect refuses.
    real = fetch.resolve
    port = int(server.rsplit(":", 1)[1])

    def resolve(host: str, p: int, origin: str, allow: bool):
        return (2, "127.0.0.1") if host == "news.example" else real(host, p, origin, allow)

    monkeypatch.setattr(fetch, "resolve", resolve)
    url = f"http://news.example:{port}/to/{server.replace('/', '|')}|story.html"
    with pytest.raises(Exception) as err:
        fetch.fetch(url)
    assert str(err.value) == (
        f"{url}: refused: 127.0.0.1 resolves to a loopback address (127.0.0.1);"
        " set WORKBENCH_ALLOW_PRIVATE_URLS=true to fetch from an intranet"
    )
    got = fetch.fetch(f"http://news.example:{port}/story.html")  # the public host itself is fine
    assert b"Kabul blast" in got.data


@pytest.mark.parametrize(
    "address", ["10.0.0.1", "192.168.1.1", "169.254.169.254", "224.0.0.1", "::1", "0.0.0.0"]
)
def test_private_addresses_are_refused(address: str) -> None:
    with pytest.raises(Exception, match=r"refused: .* resolves to a"):
        fetch.resolve(address, 80, "u", allow_private=False)


def test_responses_are_capped_in_size_and_time(data: Data, server: str) -> None:
    for path in ("/big", "/nolength"):
        url = f"{server}{path}"
        result = data.cli(
            "ingest", "--no-progress", url, env={**ALLOW, "WORKBENCH_MAX_FILE_MB": "1"}
        )
        assert errors(result) == [
            f"error: {url}: response is over the 1 MB limit (WORKBENCH_MAX_FILE_MB)"
        ]
    url = f"{server}/slow"
    result = data.cli("ingest", "--no-progress", url, env={**ALLOW, "WORKBENCH_URL_TIMEOUT": "1"})
    assert errors(result) == [f"error: {url}: cannot fetch: took over 1 s"]
    assert Limits().url_timeout == 20.0
    data.check_intact()
