"""Finish a draft for storing: normalised text (what offsets count against), its content id,
an ISO date, the domain of its URL, its language and a title when one can be seen.

Every ingest path (files, records, feeds, URLs, pasted text, the API) ends here, so the same
article always gets the same id and the same offsets whichever way it came in.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import UTC, datetime
from urllib.parse import urlparse

from workbench.errors import InputError
from workbench.ingest import formats
from workbench.records import ArticleDraft
from workbench.text.language import normalise_code

_ISO_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)


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
