"""Read articles from files, folders, feeds and URLs into normalised drafts.

Reading is separate from storing: this module decodes and parses input, refusing bad input
with an :class:`InputError` that names the file (or record) and the reason. The pipeline in
:mod:`workbench.api` stores what comes out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from workbench.errors import InputError
from workbench.ingest import formats
from workbench.ingest import limits as limits_mod
from workbench.ingest.drafts import (  # noqa: F401  (re-exported: older imports use readers)
    article_id,
    detect_language,
    domain_of,
    finish_draft,
    normalise_date,
    normalise_text,
    now_iso,
)
from workbench.ingest.limits import DEFAULT, Limits
from workbench.records import ArticleDraft

TEXT_EXT = {".txt", ".text"}
MARKDOWN_EXT = {".md", ".markdown"}
HTML_EXT = {".html", ".htm", ".xhtml"}
JSON_EXT = {".json"}
JSONL_EXT = {".jsonl", ".ndjson"}
CSV_EXT = {".csv"}
TSV_EXT = {".tsv"}
FEED_EXT = {".rss", ".atom", ".xml"}
KNOWN_EXT = TEXT_EXT | MARKDOWN_EXT | HTML_EXT | JSON_EXT | JSONL_EXT | CSV_EXT | TSV_EXT | FEED_EXT
RECORD_EXT = JSON_EXT | JSONL_EXT | CSV_EXT | TSV_EXT | FEED_EXT
STREAM_EXT = JSONL_EXT | CSV_EXT | TSV_EXT  # read line by line, never whole
_HEAD = 8192


def is_url(target: str) -> bool:
    return urlparse(target).scheme in {"http", "https"}


class Inputs(Iterator[ArticleDraft | InputError]):
    """Every draft (or per-input error) from files, folders and URLs, in a stable order.

    An iterator like a generator, plus :meth:`estimate_total` for a progress bar's ETA.
    """

    def __init__(
        self,
        targets: Iterable[str | Path],
        fields: Mapping[str, str] | None = None,
        encoding: str | None = None,
        max_file_mb: float | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.targets = list(targets)
        limits = limits or DEFAULT
        if max_file_mb is not None:
            limits = dataclasses.replace(limits, max_file_mb=max_file_mb)
        self._it = _iter_inputs(self.targets, fields, encoding, limits)

    def __next__(self) -> ArticleDraft | InputError:
        return next(self._it)

    def estimate_total(self) -> int | None:
        """How many inputs (records or files) the targets hold, counted cheaply; None for URLs."""
        total = 0
        for target in self.targets:
            if isinstance(target, str) and is_url(target):
                return None
            path = Path(target)
            try:
                files = list(_files_under(path)) if path.is_dir() else [path]
                total += sum(_count_records(f) for f in files if f.exists())
            except OSError:
                total += 1
        return total


def _count_records(path: Path) -> int:
    """Lines of a JSONL file, rows of a CSV/TSV, else one (feeds and JSON count as one)."""
    ext = path.suffix.lower()
    try:
        if ext in JSONL_EXT:
            with path.open("rb") as fh:
                return sum(1 for line in fh if line.strip())
        if ext in CSV_EXT | TSV_EXT:
            import csv

            csv.field_size_limit(64 * 1024 * 1024)
            with path.open(encoding="utf-8", errors="replace", newline="") as fh:
                return max(
                    0, sum(1 for _ in csv.reader(fh, delimiter="\t" if ext in TSV_EXT else ",")) - 1
                )
    except (OSError, ValueError):
        return 1
    return 1


def iter_inputs(
    targets: Iterable[str | Path],
    fields: Mapping[str, str] | None = None,
    encoding: str | None = None,
    max_file_mb: float | None = None,
    limits: Limits | None = None,
) -> Inputs:
    """Every draft (or per-input error) from files, folders and URLs, in a stable order."""
    return Inputs(targets, fields, encoding, max_file_mb, limits)


def _iter_inputs(
    targets: Iterable[str | Path],
    fields: Mapping[str, str] | None,
    encoding: str | None,
    limits: Limits,
) -> Iterator[ArticleDraft | InputError]:
    fields = fields or {}
    for target in targets:
        if isinstance(target, str) and "://" in target:
            yield from _guard(str(target), lambda t=target: read_url(t, fields, limits))
            continue
        path = Path(target)
        try:
            is_dir, exists = path.is_dir(), path.exists()
        except OSError as exc:  # a name too long, a symlink loop, no permission
            yield InputError(str(path), f"cannot read: {exc.strerror or exc}")
            continue
        if is_dir:
            try:
                files = sorted(_files_under(path))
            except OSError as exc:
                yield InputError(str(path), f"cannot read folder: {exc.strerror or exc}")
                continue
            if not files:
                yield InputError(str(path), "folder holds no files")
            for file in files:
                yield from _guard(
                    str(file), lambda f=file: read_file(f, fields, encoding, limits=limits)
                )
        elif exists:
            yield from _guard(
                str(path), lambda p=path: read_file(p, fields, encoding, limits=limits)
            )
        elif path.is_symlink():
            yield InputError(str(path), BROKEN_LINK)
        else:
            yield InputError(str(path), "no such file or folder")


BROKEN_LINK = "cannot read: broken or looping symbolic link"


def _files_under(root: Path) -> Iterator[Path]:
    """Visible files under ``root``; symlinked folders are not followed (no loops)."""
    for path in root.rglob("*"):
        if _hidden(path, root):
            continue
        try:
            if path.is_file() or (path.is_symlink() and not path.exists()):
                yield path  # a broken or looping link is reported when read
        except OSError:  # a name too long: reported when read
            yield path


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _guard(origin: str, produce) -> Iterator[ArticleDraft | InputError]:
    """Turn an exception while reading one input into an error result for that input."""
    try:
        yield from produce()
    except InputError as exc:
        yield exc
    except (OSError, ValueError, UnicodeError) as exc:
        yield InputError(origin, f"cannot read: {getattr(exc, 'strerror', None) or exc}")
    except RecursionError:
        yield InputError(origin, "cannot read: input nests too deeply")


def read_file(
    path: Path,
    fields: Mapping[str, str],
    encoding: str | None = None,
    max_file_mb: float | None = None,
    limits: Limits | None = None,
) -> Iterator[ArticleDraft | InputError]:
    """Parse one file by its extension (or, without a known one, by sniffing its content).

    JSONL/CSV/TSV are streamed record by record (each under ``max_record_mb``); every other
    file is read whole, so it must be under ``max_file_mb``.
    """
    limits = limits or DEFAULT
    if max_file_mb is not None:
        limits = dataclasses.replace(limits, max_file_mb=max_file_mb)
    origin = str(path)
    if path.is_symlink() and not path.exists():
        raise InputError(origin, BROKEN_LINK)
    if not path.is_file():
        raise InputError(origin, "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(origin, "empty file")
    ext = path.suffix.lower()
    if ext in STREAM_EXT:
        yield from _stream_records(path, origin, ext, fields, encoding, size, limits)
        return
    if size > limits.file_bytes:
        raise InputError(
            origin,
            f"file is {size / 1048576:.1f} MB, over the {limits.max_file_mb:g} MB limit for a file "
            "read whole (raise it with --max-file-mb or WORKBENCH_MAX_FILE_MB)",
        )
    data = path.read_bytes()
    if ext in FEED_EXT or (ext not in KNOWN_EXT and _looks_like_feed(data)):
        yield from _checked(formats.parse_feed(data, origin), limits)
        return
    text = decode(data, origin, encoding)
    if not text.strip():
        raise InputError(origin, "file holds only white space")
    yield from parse_by_kind(text, origin, _kind(ext, text), fields, limits=limits)


def _checked(
    items: Iterable[ArticleDraft | InputError], limits: Limits
) -> Iterator[ArticleDraft | InputError]:
    """Each draft checked against the text and field limits; one over them fails alone."""
    for item in items:
        if isinstance(item, ArticleDraft):
            try:
                check_draft(item, limits)
            except InputError as exc:
                yield exc
                continue
        yield item


def check_draft(draft: ArticleDraft, limits: Limits = DEFAULT) -> None:
    """Refuse a draft whose text or metadata is over the limits, or whose URL is not http(s)."""
    origin = draft.origin or "input"
    limits_mod.check_text(draft.text or "", origin, limits)
    for name in ("title", "outlet", "date", "url", "language"):
        limits_mod.check_field(name, getattr(draft, name), origin, limits)
    for n, src in enumerate(draft.sources, 1):
        limits_mod.check_field(f"sources[{n}].outlet", src.outlet, origin, limits)
        limits_mod.check_field(f"sources[{n}].url", src.url, origin, limits)
    if draft.url and not is_url(draft.url):
        raise InputError(
            origin, f"field 'url' must be an http or https URL, not {draft.url[:80]!r}"
        )


def _stream_records(
    path: Path,
    origin: str,
    ext: str,
    fields: Mapping[str, str],
    encoding: str | None,
    size: int,
    limits: Limits = DEFAULT,
) -> Iterator[ArticleDraft | InputError]:
    """JSONL/CSV/TSV from the open file, so a file of any size never sits in memory.

    The head is checked as :func:`decode` checks a whole file (UTF-16, binary, UTF-8); a bad
    byte further on fails the rest of the file with its line, after the good records before it.
    """
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
    complete = size <= len(head)
    if not complete and b"\n" in head:
        head = head[: head.rfind(b"\n") + 1]  # never cut a multi-byte character
    if not decode(head, origin, encoding).strip() and complete:
        raise InputError(origin, "file holds only white space")
    is_csv = ext in CSV_EXT | TSV_EXT
    with path.open("r", encoding=encoding or "utf-8-sig", newline="" if is_csv else None) as fh:
        lines = _checked_lines(fh, origin, encoding, limits)
        if is_csv:
            found = formats.parse_csv(
                lines, origin, fields, delimiter="\t" if ext in TSV_EXT else ",", limits=limits
            )
        else:
            found = formats.parse_jsonl(lines, origin, fields, limits=limits)
        yield from _checked(found, limits)


def _checked_lines(
    fh: Any, origin: str, encoding: str | None, limits: Limits = DEFAULT
) -> Iterator[str]:
    """Lines of an open text file, none longer than ``max_record_mb``.

    A longer line is read in bounded pieces and skipped (an empty line stands in for it, so
    line numbers stay right), and reported once the good records before it are through.
    """
    n = 0
    cap = limits.record_bytes  # characters, at most as many as bytes
    try:
        while True:
            line = fh.readline(cap + 1)
            if not line:
                return
            n += 1
            if len(line) > cap and not line.endswith("\n"):
                while True:  # drain the rest of the long line without keeping it
                    more = fh.readline(1 << 20)
                    if not more or more.endswith("\n"):
                        break
                yield OversizeLine(n)
                continue
            yield line
    except UnicodeDecodeError as exc:
        name = encoding or "UTF-8"
        raise InputError(
            origin,
            f"text is not {name} (invalid byte 0x{exc.object[exc.start]:02x} at or after line {n + 1}); "
            "re-save as UTF-8 or pass --encoding (e.g. cp1252)",
        ) from exc


class OversizeLine(str):
    """Stands in for a line over the record limit: empty, carrying its line number."""

    line: int

    def __new__(cls, line: int) -> OversizeLine:
        obj = super().__new__(cls, "")
        obj.line = line
        return obj


def parse_by_kind(
    text: str,
    origin: str,
    kind: str,
    fields: Mapping[str, str],
    url: str | None = None,
    limits: Limits = DEFAULT,
) -> Iterator[ArticleDraft | InputError]:
    if kind == "html":
        found = formats.parse_html(text, origin, url=url)
    elif kind == "json":
        found = formats.parse_json(text, origin, fields, limits=limits)
    elif kind == "jsonl":
        found = formats.parse_jsonl(text, origin, fields, limits=limits)
    elif kind == "csv":
        found = formats.parse_csv(text, origin, fields, limits=limits)
    elif kind == "tsv":
        found = formats.parse_csv(text, origin, fields, delimiter="\t", limits=limits)
    else:
        found = formats.parse_text(text, origin, markdown=kind == "markdown")
    yield from _checked(found, limits)


def _kind(ext: str, text: str) -> str:
    for kind, exts in (
        ("text", TEXT_EXT),
        ("markdown", MARKDOWN_EXT),
        ("html", HTML_EXT),
        ("json", JSON_EXT),
        ("jsonl", JSONL_EXT),
        ("csv", CSV_EXT),
        ("tsv", TSV_EXT),
    ):
        if ext in exts:
            return kind
    head = text.lstrip()[:500].lower()
    if head.startswith(("<!doctype html", "<html")) or "<body" in head:
        return "html"
    if head.startswith(("{", "[")):
        return "jsonl" if "\n{" in text[:100_000] else "json"
    return "text"


def _looks_like_feed(data: bytes) -> bool:
    head = data[:1000].lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def decode(data: bytes, origin: str, encoding: str | None = None) -> str:
    """UTF-8 text (a UTF-8 BOM is fine); anything else is refused unless the user names it."""
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(origin, f"cannot decode as {encoding}: {exc}") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            origin,
            "text is UTF-16 (byte-order mark), not UTF-8; re-save as UTF-8 or pass --encoding utf-16",
        )
    if b"\x00" in data[:8192] or _binary_ratio(data[:8192]) > 0.1:
        raise InputError(origin, "binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            origin,
            f"text is not UTF-8 (invalid byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save as UTF-8 or pass --encoding (e.g. cp1252)",
        ) from exc
    return text


def _binary_ratio(chunk: bytes) -> float:
    if not chunk:
        return 0.0
    control = sum(1 for b in chunk if b < 32 and b not in (9, 10, 12, 13))
    return control / len(chunk)


def read_url(
    url: str, fields: Mapping[str, str], limits: Limits | None = None
) -> Iterator[ArticleDraft | InputError]:
    """Fetch one http(s) URL under the limits (see :mod:`workbench.ingest.fetch`) and parse it
    as a page, feed, records or text."""
    from workbench.ingest.fetch import fetch

    limits = limits or DEFAULT
    got = fetch(url, limits)
    data, ctype, charset = got.data, got.content_type, got.charset
    if not data:
        raise InputError(url, "empty response")
    if ("xml" in ctype and _looks_like_feed(data)) or ctype in {
        "application/rss+xml",
        "application/atom+xml",
    }:
        yield from _checked(formats.parse_feed(data, url), limits)
        return
    text = decode(
        data, url, charset if charset and charset.lower() not in {"utf-8", "utf8"} else None
    )
    kind = {
        "text/html": "html",
        "application/xhtml+xml": "html",
        "application/json": "json",
        "text/csv": "csv",
        "application/x-ndjson": "jsonl",
    }.get(ctype) or _kind(Path(urlparse(url).path).suffix.lower(), text)
    for item in parse_by_kind(text, url, kind, fields, url=url, limits=limits):
        if isinstance(item, ArticleDraft) and not item.url:
            item.url = url
        yield item
