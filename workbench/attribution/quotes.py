"""Quotation span detection over a whole article.

Quotes are found on the raw text rather than per sentence because a quote often spans
several sentences, and spaCy's sentence splitter may cut inside it. Spans include the quote
marks, as PolNeAR-style content spans do.
"""

from __future__ import annotations

import re

_OPEN = "“«"
_CLOSE = "”»"
_PARA = re.compile(r"\n\s*\n")


def find_quotes(text: str, max_len: int = 3000) -> list[tuple[int, int]]:
    """(start, end) of each quotation, end exclusive, marks included, in text order.

    Curly quotes pair an opening mark with the next closing mark; straight double quotes
    alternate open/close within a paragraph. An opening mark left unclosed at the end of a
    paragraph runs to the paragraph end (news style for quotes continued next paragraph).
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in [*_PARA.split(text)]:
        start = text.find(para, pos) if para else pos
        pos = start + len(para)
        spans.extend(_para_quotes(para, start, max_len))
    spans.sort()
    return spans


def _para_quotes(para: str, offset: int, max_len: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    open_at: int | None = None
    straight_at: int | None = None
    for i, ch in enumerate(para):
        if ch in _OPEN:
            if open_at is None:
                open_at = i
        elif ch in _CLOSE:
            if open_at is not None:
                if i + 1 - open_at <= max_len:
                    out.append((offset + open_at, offset + i + 1))
                open_at = None
        elif ch == '"':
            if straight_at is None:
                straight_at = i
            else:
                if i + 1 - straight_at <= max_len:
                    out.append((offset + straight_at, offset + i + 1))
                straight_at = None
    for dangling in (open_at, straight_at):
        if dangling is not None and len(para) - dangling > 1:
            end = len(para.rstrip())
            out.append((offset + dangling, offset + end))
    return out
