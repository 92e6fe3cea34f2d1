"""Parsers for each input format: text, Markdown, HTML, JSON/JSONL/CSV records, RSS/Atom feeds.

Each parser takes decoded text (or bytes, for feeds) and yields :class:`ArticleDraft` records,
or :class:`InputError` for a record that cannot be used, so one bad row fails alone while the
good rows go in.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from workbench.errors import InputError
from workbench.ingest import limits as limits_mod
from workbench.ingest.limits import DEFAULT, Limits
from workbench.records import ArticleDraft, CitedSource

# Field names tried, in order, when the user maps nothing: one article per record.
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "article_text", "full_text", "description"),
    "title": ("title", "headline", "name"),
    "outlet": ("outlet", "publisher", "source_name", "site", "sitename", "source", "media"),
    "date": ("date", "published", "published_at", "pubdate", "pub_date", "datetime", "time"),
    "url": ("url", "link", "href", "permalink", "source_url"),
    "language": ("language", "lang"),
    "sources": ("sources", "cited_sources", "citations"),
}
DRAFT_FIELDS = tuple(DEFAULT_FIELDS)

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.S)
_MD_HEADING = re.compile(r"\A\s*#{1,2}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
_TERMINAL = re.compile(r"""[.!?…:;]["'”’)\]]*\s*$""")


def parse_field_map(pairs: list[str] | None) -> dict[str, str]:
    """Turn ``["text=body", "outlet=publisher"]`` into a mapping, naming a bad pair."""
    mapping: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise ValueError(f"field mapping {pair!r} must look like FIELD=COLUMN")
        if key not in DRAFT_FIELDS:
            raise ValueError(
                f"field mapping {pair!r}: {key!r} is not one of {', '.join(DRAFT_FIELDS)}"
            )
        mapping[key] = value
    return mapping


def parse_text(text: str, origin: str, markdown: bool = False) -> Iterator[ArticleDraft]:
    """Plain text or Markdown; optional ``---`` front matter carries title/outlet/date/url."""
    meta: dict[str, str] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        for line in match.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip():
                meta[key.strip().lower()] = value.strip().strip("\"'")
        text = text[match.end() :]
    title = meta.get("title") or (_markdown_title(text) if markdown else None) or guess_title(text)
    record = dict(meta)
    record["text"] = text
    if title:
        record["title"] = title
    yield record_to_draft(record, origin, {})


def _markdown_title(text: str) -> str | None:
    match = _MD_HEADING.search(text[:2000])
    return match.group(1).strip() if match else None


def guess_title(text: str) -> str | None:
    """The first line, when it reads as a headline: short, alone, no sentence-final stop."""
    stripped = text.lstrip()
    first, _, rest = stripped.partition("\n")
    first = first.strip()
    if not first or len(first) > 200 or len(first.split()) < 2:
        return None
    if _TERMINAL.search(first) and not first.endswith(("?", "!")):
        return None
    runs_on = (
        rest and not rest.startswith(("\n", "\r\n")) and not rest.lstrip(" \t").startswith("\n")
    )
    if runs_on and len(first.split()) > 20:
        # A headline stands alone; a line that runs on into the next is body text.
        return None
    return first


def parse_html(html: str, origin: str, url: str | None = None) -> Iterator[ArticleDraft]:
    """Main article text and metadata of a web page, page boilerplate removed (trafilatura)."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    text = _get(doc, "text") if doc is not None else None
    if not text or len(text.split()) < 5:
        raise InputError(origin, "no article text found in the HTML page")
    record = {
        "text": text,
        "title": _get(doc, "title"),
        "outlet": _get(doc, "sitename"),
        "date": _get(doc, "date"),
        "url": _get(doc, "url") or url,
        "language": _get(doc, "language"),
    }
    yield record_to_draft(record, origin, {})


def _get(doc: Any, name: str) -> Any:
    if isinstance(doc, Mapping):
        return doc.get(name)
    return getattr(doc, name, None)


def html_fragment_to_text(fragment: str) -> str:
    """Visible text of a small HTML snippet (feed summaries), never interpreted as markup later."""
    if "<" not in fragment:
        return fragment
    import lxml.html

    try:
        root = lxml.html.fromstring(fragment)
    except Exception:
        return re.sub(r"<[^>]+>", " ", fragment)
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    blocks = [t.strip() for t in root.xpath("//text()")]
    return re.sub(r"[ \t]+", " ", " ".join(b for b in blocks if b)).strip()


def parse_json(
    text: str, origin: str, fields: Mapping[str, str], limits: Limits = DEFAULT
) -> Iterator[ArticleDraft | InputError]:
    """A JSON document: one record, a list of records, or ``{"articles": [...]}``."""
    try:
        data = limits_mod.loads(text, origin, limits)
    except json.JSONDecodeError as exc:
        raise InputError(
            origin, f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    if isinstance(data, dict):
        for key in ("articles", "items", "records", "data"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            data = [data]
    if not isinstance(data, list):
        raise InputError(origin, "JSON must hold an object or a list of objects")
    for n, item in enumerate(data, 1):
        yield _safe_record(item, f"{origin}[{n}]", fields)


def parse_jsonl(
    text: str | Iterable[str], origin: str, fields: Mapping[str, str], limits: Limits = DEFAULT
) -> Iterator[ArticleDraft | InputError]:
    """One JSON object per line; a malformed, too deep or too big line fails alone. ``text``
    may be an open file (any iterable of lines), which is read one line at a time."""
    lines = text.splitlines() if isinstance(text, str) else text
    for n, line in enumerate(lines, 1):
        where = f"{origin}:{n}"
        if getattr(line, "line", None) is not None:  # readers.OversizeLine
            yield _oversize(where, limits)
            continue
        if not line.strip():
            continue
        try:
            limits_mod.check_record_size(len(line), where, limits)
            item = limits_mod.loads(line, where, limits)
        except InputError as exc:
            yield exc
            continue
        except json.JSONDecodeError as exc:
            yield InputError(where, f"malformed JSON: {exc.msg} at column {exc.colno}")
            continue
        yield _safe_record(item, where, fields)


def _oversize(where: str, limits: Limits) -> InputError:
    return InputError(
        where,
        f"record is over the {limits.max_record_mb:g} MB limit for one record"
        " (WORKBENCH_MAX_RECORD_MB)",
    )


def parse_csv(
    text: str | Iterable[str],
    origin: str,
    fields: Mapping[str, str],
    delimiter: str = ",",
    limits: Limits = DEFAULT,
) -> Iterator[ArticleDraft | InputError]:
    """CSV/TSV with a header row; a row with the wrong shape, no text or over the record limit
    fails alone. ``text`` may be a file opened with ``newline=""`` (any iterable of lines),
    read row by row."""
    csv.field_size_limit(max(limits.record_bytes, 1024))
    source = io.StringIO(text, newline="") if isinstance(text, str) else text
    oversize: list[int] = []

    def lines() -> Iterator[str]:
        for line in source:
            if getattr(line, "line", None) is not None:  # readers.OversizeLine
                oversize.append(line.line)
                yield "\n"
            else:
                yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        raise InputError(origin, "CSV file has no header row") from None
    except csv.Error as exc:
        raise InputError(origin, f"malformed CSV header: {exc}") from exc
    if len(set(header)) != len(header):
        raise InputError(origin, "CSV header repeats a column name")
    while True:
        where = f"{origin}:{reader.line_num + 1}"
        try:
            row = next(reader)
        except StopIteration:
            for n in oversize:
                yield _oversize(f"{origin}:{n}", limits)
            return
        except csv.Error as exc:
            reason = str(exc)
            if "field larger than field limit" in reason:
                yield _oversize(where, limits)
            else:
                yield InputError(where, f"malformed CSV row: {reason}")
            continue
        while oversize:
            yield _oversize(f"{origin}:{oversize.pop(0)}", limits)
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield InputError(where, f"CSV row has {len(row)} cells, the header has {len(header)}")
            continue
        yield _safe_record(dict(zip(header, row, strict=True)), where, fields)


def parse_feed(data: bytes, origin: str) -> Iterator[ArticleDraft | InputError]:
    """An RSS or Atom feed: one article per entry; the feed title names the outlet."""
    import feedparser

    feed = feedparser.parse(data)
    if not feed.entries:
        reason = (
            f"not a readable feed ({feed.bozo_exception})" if feed.bozo else "feed has no entries"
        )
        raise InputError(origin, reason)
    outlet = feed.feed.get("title")
    for n, entry in enumerate(feed.entries, 1):
        where = f"{origin}#entry{n}"
        body = ""
        if entry.get("content"):
            body = " ".join(c.get("value", "") for c in entry["content"])
        body = body or entry.get("summary", "") or entry.get("description", "")
        record = {
            "text": html_fragment_to_text(body),
            "title": html_fragment_to_text(entry.get("title", "")) or None,
            "outlet": (entry.get("source") or {}).get("title") or outlet,
            "date": entry.get("published") or entry.get("updated"),
            "url": entry.get("link"),
            "language": feed.feed.get("language"),
        }
        yield _safe_record(record, where, {})


def _safe_record(item: Any, where: str, fields: Mapping[str, str]) -> ArticleDraft | InputError:
    try:
        return record_to_draft(item, where, fields)
    except InputError as exc:
        return exc


def record_to_draft(item: Any, origin: str, fields: Mapping[str, str]) -> ArticleDraft:
    """Map one record to a draft, using the user's field map first, then common names."""
    if not isinstance(item, Mapping):
        raise InputError(origin, f"record must be an object, not {type(item).__name__}")
    lowered = {str(k).lower(): k for k in item}
    values: dict[str, Any] = {}
    used: set[Any] = set()
    for name, candidates in DEFAULT_FIELDS.items():
        if name in fields:
            column = fields[name]
            if column not in item and column.lower() not in lowered:
                if name == "text":
                    raise InputError(origin, f"field {column!r} (mapped to text) is missing")
                continue
            key = column if column in item else lowered[column.lower()]
            values[name], _ = item[key], used.add(key)
            continue
        for cand in candidates:
            key = lowered.get(cand)
            if key is not None and key not in used and item[key] not in (None, "", []):
                if name == "outlet" and isinstance(item[key], (list, dict)):
                    continue
                values[name] = item[key]
                used.add(key)
                break
    text = values.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(
            origin, "record has no text (map the text column with --field text=COLUMN)"
        )
    sources = _parse_sources(values.get("sources"), origin)
    meta = {str(k): v for k, v in item.items() if k not in used and _jsonable(v)}
    return ArticleDraft(
        text=text,
        title=_str_or_none(values.get("title")),
        outlet=_str_or_none(values.get("outlet")),
        date=_str_or_none(values.get("date")),
        url=_str_or_none(values.get("url")),
        language=_str_or_none(values.get("language")),
        sources=sources,
        origin=origin,
        meta=meta,
    )


def _parse_sources(raw: Any, origin: str) -> list[CitedSource]:
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        try:
            raw = limits_mod.loads(raw, origin)
        except json.JSONDecodeError:
            raw = [s.strip() for s in raw.split(";") if s.strip()]
    if not isinstance(raw, list):
        raise InputError(origin, "field 'sources' must be a list of {outlet, url}")
    out: list[CitedSource] = []
    for n, src in enumerate(raw, 1):
        if isinstance(src, str):
            out.append(CitedSource(outlet=src))
        elif isinstance(src, Mapping) and (src.get("outlet") or src.get("name")):
            out.append(
                CitedSource(
                    outlet=str(src.get("outlet") or src.get("name")),
                    url=_str_or_none(src.get("url")),
                )
            )
        else:
            raise InputError(origin, f"sources[{n}] needs an 'outlet' name")
    return out


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True
