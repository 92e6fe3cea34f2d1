"""Read articles from files, folders, feeds and URLs into normalised drafts.

Reading is separate from storing: this module decodes and parses input, refusing bad input
with an :class:`InputError` that names the file (or record) and the reason. The pipeline in
:mod:`workbench.api` stores what comes out.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from workbench.errors import InputError
from workbench.ingest import formats
from workbench.records import ArticleDraft
from workbench.text.language import normalise_code

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

_ISO_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)


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
        max_file_mb: float = 20.0,
        timeout: float = 20.0,
    ) -> None:
        self.targets = list(targets)
        self._it = _iter_inputs(self.targets, fields, encoding, max_file_mb, timeout)

    def __next__(self) -> ArticleDraft | InputError:
        return next(self._it)

    def estimate_total(self) -> int | None:
        """How many inputs (records or files) the targets hold, counted cheaply; None for URLs."""
        total = 0
        for target in self.targets:
            if isinstance(target, str) and is_url(target):
                return None
            path = Path(target)
            files = (
                [p for p in path.rglob("*") if p.is_file() and not _hidden(p, path)]
                if path.is_dir()
                else [path]
            )
            total += sum(_count_records(f) for f in files if f.exists())
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
    max_file_mb: float = 20.0,
    timeout: float = 20.0,
) -> Inputs:
    """Every draft (or per-input error) from files, folders and URLs, in a stable order."""
    return Inputs(targets, fields, encoding, max_file_mb, timeout)


def _iter_inputs(
    targets: Iterable[str | Path],
    fields: Mapping[str, str] | None = None,
    encoding: str | None = None,
    max_file_mb: float = 20.0,
    timeout: float = 20.0,
) -> Iterator[ArticleDraft | InputError]:
    fields = fields or {}
    for target in targets:
        if isinstance(target, str) and is_url(target):
            yield from _guard(str(target), lambda t=target: read_url(t, fields, timeout))
            continue
        path = Path(target)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
            if not files:
                yield InputError(str(path), "folder holds no files")
            for file in files:
                yield from _guard(
                    str(file), lambda f=file: read_file(f, fields, encoding, max_file_mb)
                )
        elif path.exists():
            yield from _guard(str(path), lambda p=path: read_file(p, fields, encoding, max_file_mb))
        else:
            yield InputError(str(path), "no such file or folder")


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _guard(origin: str, produce) -> Iterator[ArticleDraft | InputError]:
    """Turn an exception while reading one input into an error result for that input."""
    try:
        yield from produce()
    except InputError as exc:
        yield exc
    except (OSError, ValueError, UnicodeError) as exc:
        yield InputError(origin, f"cannot read: {exc}")


def read_file(
    path: Path, fields: Mapping[str, str], encoding: str | None = None, max_file_mb: float = 20.0
) -> Iterator[ArticleDraft | InputError]:
    """Parse one file by its extension (or, without a known one, by sniffing its content)."""
    origin = str(path)
    size = path.stat().st_size
    if size == 0:
        raise InputError(origin, "empty file")
    ext = path.suffix.lower()
    # Record files hold many articles, so the single-article size limit does not apply to them.
    if ext not in RECORD_EXT and size > max_file_mb * 1024 * 1024:
        raise InputError(
            origin,
            f"file is {size / 1048576:.1f} MB, over the {max_file_mb:g} MB limit for one article "
            "(raise it with --max-file-mb or WORKBENCH_MAX_FILE_MB)",
        )
    if ext in STREAM_EXT:
        yield from _stream_records(path, origin, ext, fields, encoding, size)
        return
    data = path.read_bytes()
    if ext in FEED_EXT or (ext not in KNOWN_EXT and _looks_like_feed(data)):
        yield from formats.parse_feed(data, origin)
        return
    text = decode(data, origin, encoding)
    if not text.strip():
        raise InputError(origin, "file holds only white space")
    yield from parse_by_kind(text, origin, _kind(ext, text), fields)


def _stream_records(
    path: Path, origin: str, ext: str, fields: Mapping[str, str], encoding: str | None, size: int
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
        lines = _checked_lines(fh, origin, encoding)
        if is_csv:
            yield from formats.parse_csv(
                lines, origin, fields, delimiter="\t" if ext in TSV_EXT else ","
            )
        else:
            yield from formats.parse_jsonl(lines, origin, fields)


def _checked_lines(fh: Iterable[str], origin: str, encoding: str | None) -> Iterator[str]:
    n = 0
    try:
        for n, line in enumerate(fh, 1):  # noqa: B007 - n names the failing line below
            yield line
    except UnicodeDecodeError as exc:
        name = encoding or "UTF-8"
        raise InputError(
            origin,
            f"text is not {name} (invalid byte 0x{exc.object[exc.start]:02x} at or after line {n + 1}); "
            "re-save as UTF-8 or pass --encoding (e.g. cp1252)",
        ) from exc


def parse_by_kind(
    text: str, origin: str, kind: str, fields: Mapping[str, str], url: str | None = None
) -> Iterator[ArticleDraft | InputError]:
    if kind == "html":
        yield from formats.parse_html(text, origin, url=url)
    elif kind == "json":
        yield from formats.parse_json(text, origin, fields)
    elif kind == "jsonl":
        yield from formats.parse_jsonl(text, origin, fields)
    elif kind == "csv":
        yield from formats.parse_csv(text, origin, fields)
    elif kind == "tsv":
        yield from formats.parse_csv(text, origin, fields, delimiter="\t")
    else:
        yield from formats.parse_text(text, origin, markdown=kind == "markdown")


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
    url: str, fields: Mapping[str, str], timeout: float = 20.0
) -> Iterator[ArticleDraft | InputError]:
    """Fetch one URL (needs a network) and parse it as a page, feed, records or text."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        url, headers={"User-Agent": "claim-workbench/0.1 (+offline-first)"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(50 * 1024 * 1024 + 1)
            ctype = response.headers.get_content_type()
            charset = response.headers.get_content_charset()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise InputError(url, f"cannot fetch: {getattr(exc, 'reason', exc)}") from exc
    if not data:
        raise InputError(url, "empty response")
    if ("xml" in ctype and _looks_like_feed(data)) or ctype in {
        "application/rss+xml",
        "application/atom+xml",
    }:
        yield from formats.parse_feed(data, url)
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
    for item in parse_by_kind(text, url, kind, fields, url=url):
        if isinstance(item, ArticleDraft) and not item.url:
            item.url = url
        yield item


# --- normalisation ---------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """NFC, unified newlines, trailing spaces trimmed: what offsets are counted against."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def article_id(text: str) -> str:
    """Stable content hash: the same text (modulo white space) always gets the same id."""
    canon = " ".join(normalise_text(text).split()).casefold()
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()[:16]


def normalise_date(raw: str | None) -> str | None:
    """ISO 8601 (``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SS``, UTC when a zone is given)."""
    if not raw:
        return None
    raw = raw.strip()
    if _ISO_DATE.match(raw):
        if len(raw) == 10:
            return raw
        try:
            return _iso(datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "T")))
        except ValueError:
            pass
    try:
        import dateparser
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    parsed = dateparser.parse(
        raw, settings={"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}
    )
    if parsed is None:
        return None
    has_time = bool(re.search(r"\d{1,2}:\d{2}", raw))
    return _iso(parsed) if has_time else parsed.date().isoformat()


def _iso(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    if value.hour == value.minute == value.second == 0:
        return value.replace(microsecond=0).isoformat()
    return value.replace(microsecond=0).isoformat()


def domain_of(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url if "//" in url else f"//{url}").hostname or ""
    return host.removeprefix("www.") or None


def detect_language(text: str) -> str | None:
    """Language code of the text (``workbench.text.language.detect``), or None when unsure."""
    from workbench.text.language import detect

    return detect(text)


def finish_draft(draft: ArticleDraft) -> ArticleDraft:
    """Normalise text, date and language in place, and fill the title when it can be seen."""
    draft.text = normalise_text(draft.text)
    if not draft.text.strip():
        raise InputError(draft.origin or "input", "article has no text")
    raw_date = draft.date
    draft.date = normalise_date(raw_date)
    if raw_date and draft.date is None:
        draft.meta.setdefault("raw_date", raw_date)
    # a record's own language field wins over detection
    draft.language = normalise_code(draft.language) or detect_language(draft.text)
    if not draft.title:
        draft.title = formats.guess_title(draft.text)
    return draft


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"
