"""Untrusted text → Markdown that Streamlit shows literally (no HTML, links, images, directives).

Article text comes from the web, so it is never passed to ``st.markdown`` as is: every ASCII
punctuation character is backslash-escaped (CommonMark allows escaping any of them), which
defuses emphasis, links, images, autolinks, raw HTML, headings, lists, tables, entities,
emoji shortcodes, Streamlit's ``:color[...]`` directives and ``$`` math alike. Whitespace is
normalised so indentation cannot start a code block. Highlights wrap already-escaped text in
``:<colour>-background[...]``, the only Markdown syntax this module emits.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_PUNCT = frozenset(string.punctuation)  # !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
_ESCAPES = {ord(c): "\\" + c for c in _PUNCT}
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_PARA = re.compile(r"\n[ \t]*\n\s*")
_WJ = "\u2060"  # word joiner: invisible, breaks GFM's autolink literals
_AUTOLINK = re.compile(r"(?i):/|www\.|@")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Colours Streamlit's Markdown knows; they adapt to the light and dark theme.
COLOURS = frozenset(
    {"blue", "green", "orange", "red", "violet", "gray", "grey", "rainbow", "primary"}
)


def escape_md(text: str) -> str:
    """Escape ``text`` for inline use: punctuation backslashed, all whitespace one space.

    GFM turns bare URLs, ``www.`` names and e-mail addresses into links after escapes are
    read, so a word joiner (U+2060, invisible) goes inside ``://``, after ``www`` and before
    ``@``: the text reads the same and no link (no clickable internal URL) is made.
    """
    flat = " ".join(text.split())
    flat = _AUTOLINK.sub(lambda m: m.group(0)[:-1] + _WJ + m.group(0)[-1], flat)
    return flat.translate(_ESCAPES)


def unescape_md(markdown: str) -> str:
    """Undo :func:`escape_md` (tests use it to read rendered values back)."""
    return _UNESCAPE.sub(r"\1", markdown).replace(_WJ, "")


def escape_block(text: str) -> str:
    """Escape multi-paragraph text: blank lines stay paragraph breaks, newlines hard breaks."""
    paras = [p for p in _PARA.split(text.replace("\r\n", "\n").replace("\r", "\n")) if p.strip()]
    return "\n\n".join(
        "  \n".join(escape_md(line) for line in p.split("\n") if line.strip()) for p in paras
    )


def coloured(escaped: str, colour: str, bold: bool = False) -> str:
    """Wrap already-escaped Markdown in a background-colour directive."""
    if colour not in COLOURS:
        raise ValueError(f"unknown colour {colour!r}")
    if not escaped:
        return ""
    inner = f"**{escaped}**" if bold else escaped
    return f":{colour}-background[{inner}]"


@dataclass(slots=True, frozen=True)
class Span:
    """A character range of the text to highlight in ``colour``; ``label`` is a short tag."""

    start: int
    end: int
    colour: str
    label: str = ""
    bold: bool = False


def highlight(text: str, spans: Sequence[Span]) -> str:
    """``text`` as safe Markdown with ``spans`` (non-overlapping, any order) highlighted.

    Paragraph breaks of the original are kept; a span crossing a line break is highlighted
    line by line. Labels are escaped like the text.
    """
    out: list[str] = []
    pos = 0
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        start, end = max(span.start, pos), min(span.end, len(text))
        if end <= start:
            continue
        out.append(_plain(text[pos:start]))
        lines = _split_keep(text[start:end])
        marked = [
            _lead(seg) + coloured(escape_md(seg), span.colour, span.bold) + _trail(seg)
            if seg.strip()
            else _plain(seg)
            for seg in lines
        ]
        if span.label:
            marked.insert(0, f":{span.colour}-badge[{escape_md(span.label)}] ")
        out.append("".join(marked))
        pos = end
    out.append(_plain(text[pos:]))
    return "".join(out).strip()


def _split_keep(text: str) -> list[str]:
    return re.split(r"(\n+)", text)


def _lead(seg: str) -> str:
    return " " if seg[:1].isspace() else ""


def _trail(seg: str) -> str:
    return " " if seg[-1:].isspace() else ""


def _plain(text: str) -> str:
    """Escape an unhighlighted stretch, keeping its paragraph and line breaks as Markdown."""
    if not text:
        return ""
    parts: list[str] = []
    for piece in re.split(r"(\n[ \t]*\n\s*|\n)", text.replace("\r\n", "\n")):
        if not piece:
            continue
        if "\n" in piece:
            parts.append("\n\n" if piece.count("\n") > 1 else "  \n")
        else:
            esc = escape_md(piece)
            parts.append(_lead(piece) + esc + _trail(piece) if esc else " ")
    return "".join(parts)


def contains_live_payload(markdown: str, payloads: Iterable[str]) -> list[str]:
    """The payloads that occur unescaped in ``markdown`` (a test helper)."""
    return [p for p in payloads if p in markdown]
