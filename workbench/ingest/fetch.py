"""Fetch one URL for ingest, refusing what a newsroom server must not reach.

Only ``http`` and ``https`` are fetched. Every connection (the first and each redirect)
resolves the host itself and connects to the address it checked, so a name that resolves to a
loopback, private, link-local, multicast or reserved address is refused even when DNS changes
between check and connect; ``allow_private_urls`` lifts that for an intranet. Proxies from the
environment are not used (they would hide the address). The response is capped in size and the
whole fetch in time.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlparse

from workbench.errors import InputError
from workbench.ingest.limits import DEFAULT, Limits

SCHEMES = ("http", "https")
USER_AGENT = "claim-workbench/0.1 (+offline-first)"


@dataclass(slots=True)
class Fetched:
    """A fetched response: its body, content type and charset."""

    url: str
    data: bytes
    content_type: str
    charset: str | None


def check_scheme(url: str, origin: str, what: str = "URL") -> None:
    """Refuse any scheme but http(s) (``ftp:``, ``file:``, ``data:``, …)."""
    scheme = urlparse(url).scheme.lower()
    if scheme not in SCHEMES:
        raise InputError(
            origin, f"{what} refused: only http and https are fetched, not {scheme or 'no scheme'}"
        )


def blocked_reason(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address is not public (loopback, private, …), or None when it is."""
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    for name in ("loopback", "private", "link_local", "multicast", "reserved", "unspecified"):
        if getattr(ip, f"is_{name}"):
            return name.replace("_", "-")
    if not ip.is_global:
        return "non-public"
    return None


def resolve(host: str, port: int, origin: str, allow_private: bool) -> tuple[int, str]:
    """(address family, address) to connect to, after checking every address the name has."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InputError(origin, f"cannot fetch: host {host!r} not found ({exc.strerror})") from exc
    if not infos:
        raise InputError(origin, f"cannot fetch: host {host!r} not found")
    if not allow_private:
        for info in infos:
            ip = ipaddress.ip_address(info[4][0].split("%")[0])
            reason = blocked_reason(ip)
            if reason:
                raise InputError(
                    origin,
                    f"refused: {host} resolves to a {reason} address ({ip});"
                    " set WORKBENCH_ALLOW_PRIVATE_URLS=true to fetch from an intranet",
                )
    family, _, _, _, sockaddr = infos[0]
    return family, sockaddr[0]


class _Policy:
    """What the connections of one fetch may reach, and until when."""

    def __init__(self, origin: str, limits: Limits) -> None:
        self.origin = origin
        self.allow_private = limits.allow_private_urls
        self.deadline = time.monotonic() + limits.url_timeout
        self.timeout = limits.url_timeout

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise InputError(self.origin, f"cannot fetch: took over {self.timeout:g} s")
        return left

    def connect(self, host: str, port: int) -> socket.socket:
        family, address = resolve(host, port, self.origin, self.allow_private)
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(self.remaining())
        try:
            sock.connect((address, port))
        except OSError:
            sock.close()
            raise
        return sock


def _handlers(policy: _Policy) -> list[urllib.request.BaseHandler]:
    class HTTPConn(http.client.HTTPConnection):
        def connect(self) -> None:
            self.sock = policy.connect(self.host, self.port)

    class HTTPSConn(http.client.HTTPSConnection):
        def connect(self) -> None:
            sock = policy.connect(self.host, self.port)
            context = self._context if hasattr(self, "_context") else ssl.create_default_context()
            self.sock = context.wrap_socket(sock, server_hostname=self.host)

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):  # type: ignore[no-untyped-def]
            return self.do_open(HTTPConn, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):  # type: ignore[no-untyped-def]
            return self.do_open(HTTPSConn, req)

    class Redirects(urllib.request.HTTPRedirectHandler):
        max_redirections = 5

        def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
            check_scheme(newurl, policy.origin, f"redirect to {newurl[:200]}")
            policy.remaining()
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return [urllib.request.ProxyHandler({}), HTTPHandler(), HTTPSHandler(), Redirects()]


def fetch(url: str, limits: Limits = DEFAULT) -> Fetched:
    """GET ``url`` under the limits; refusals and failures are one-line InputErrors."""
    check_scheme(url, url)
    policy = _Policy(url, limits)
    opener = urllib.request.OpenerDirector()
    for handler in [
        *_handlers(policy),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ]:
        opener.add_handler(handler)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    cap = limits.file_bytes
    try:
        with opener.open(request, timeout=policy.remaining()) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > cap:
                raise _too_big(url, limits)
            chunks: list[bytes] = []
            size = 0
            while True:
                policy.remaining()
                chunk = response.read(min(65536, cap + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > cap:
                    raise _too_big(url, limits)
            ctype = response.headers.get_content_type()
            charset = response.headers.get_content_charset()
            final = response.geturl()
    except InputError:
        raise
    except urllib.error.HTTPError as exc:
        raise InputError(url, f"cannot fetch: HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, InputError):
            raise exc.reason from None
        raise InputError(url, f"cannot fetch: {exc.reason}") from exc
    except TimeoutError as exc:
        raise InputError(url, f"cannot fetch: took over {limits.url_timeout:g} s") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise InputError(url, f"cannot fetch: {exc}") from exc
    return Fetched(final, b"".join(chunks), ctype, charset)


def _too_big(url: str, limits: Limits) -> InputError:
    return InputError(
        url, f"response is over the {limits.max_file_mb:g} MB limit (WORKBENCH_MAX_FILE_MB)"
    )
