"""Quotation span detection over a whole article.

Quotes are found on the raw text rather than per sentence because a quote often spans
several sentences, and spaCy's sentence splitter may cut inside it. Spans include the quote
marks, as PolNeAR-style content spans do.
"""

from __future__ import annotations

import re

_OPEN = "“«"
_CLOSE = "”»"
_MARKS = '“”«»"'
_PARA = re.compile(r"\n\s*\n")
_OPEN_BEFORE = " \t\n([{—–-/"
_CLOSE_AFTER = " \t\n)]},.;:!?—–-/…"


def find_quotes(text: str, max_len: int = 3000) -> list[tuple[int, int]]:
    """(start, end) of each quotation, end exclusive, marks included, in text order.

    A mark's role comes from its context when that is clear (after a space and before a
    word it opens, after a word and before a space or punctuation it closes), so mixed or
    misused marks (“…," / “…“) still pair; otherwise curly quotes keep their glyph's role and
    straight double quotes, like doubled apostrophes (''…'', NYT archive style), alternate.
    An opening mark left unclosed at the end of a paragraph runs to the paragraph end (news
    style for quotes continued next paragraph).
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in [*_PARA.split(text)]:
        start = text.find(para, pos) if para else pos
        pos = start + len(para)
        spans.extend(_para_quotes(para, start, max_len))
    spans.sort()
    return spans


def _role(para: str, i: int, width: int, glyph: str, open_now: bool) -> str:
    """ "open" or "close" for the mark at ``para[i : i + width]``."""
    before = para[i - 1] if i > 0 else " "
    after = para[i + width] if i + width < len(para) else " "
    opens = before in _OPEN_BEFORE and after not in " \t\n"
    closes = before not in " \t\n" and after in _CLOSE_AFTER
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    if glyph in _OPEN:
        return "open"
    if glyph in _CLOSE:
        return "close"
    return "close" if open_now else "open"


def _para_quotes(para: str, offset: int, max_len: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    open_at: int | None = None
    i = 0
    while i < len(para):
        ch = para[i]
        width = 2 if para.startswith("''", i) else 1 if ch in _MARKS else 0
        if not width:
            i += 1
            continue
        role = _role(para, i, width, ch, open_at is not None)
        if role == "open" and open_at is None:
            open_at = i
        elif role == "close" and open_at is not None:
            if i + width - open_at <= max_len:
                out.append((offset + open_at, offset + i + width))
            open_at = None
        i += width
    if open_at is not None and len(para) - open_at > 1:
        out.append((offset + open_at, offset + len(para.rstrip())))
    return out
