"""A dateline near the top of an article ("KABUL, 14 November 2025 —", "Published Nov. 14,
2025") gives its date when the input names none.

Used by every ingest path (the pipeline calls :func:`fill_date` for each article), so a pasted
text, an uploaded file and a record without a date field are treated alike. Only the first
``HEAD_CHARS`` characters are read: a date further down is an event in the story, not the
publication date.
"""

from __future__ import annotations

import re

from workbench.ingest.drafts import normalise_date

HEAD_CHARS = 300
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATELINE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"  # 14 November 2025
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # November 14, 2025
    r"|\d{4}-\d{2}-\d{2})\b",  # 2025-11-14
    re.IGNORECASE,
)


def find_dateline(text: str, head: int = HEAD_CHARS) -> str | None:
    """The ISO date of the first full date (day, month, year) in the first ``head``
    characters of ``text``, else None."""
    for match in _DATELINE.finditer(text[:head]):
        raw = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", match.group(0), flags=re.IGNORECASE)
        iso = normalise_date(raw.replace(".", ""))
        if iso:
            return iso[:10]
    return None


def fill_date(date: str | None, text: str) -> str | None:
    """``date`` when given, else the text's dateline (None when it has none)."""
    return date or find_dateline(text)
