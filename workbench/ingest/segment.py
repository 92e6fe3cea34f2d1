"""Split an article into claims with character offsets, leaving page noise out.

A claim is a sentence, or several when a quotation runs across them. Sentences come from
sentencex (a maintained multilingual splitter); this module adds offsets, keeps quotations
whole and drops what is not a claim: repeated headlines, navigation and form labels, datelines
and truncated fragments.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from workbench.ingest.checkworthy import score as checkworthiness
from workbench.records import ClaimSpan

# sentence stops: Latin, Arabic-script (۔ full stop, ؟ question mark, ؛ semicolon) and the
# Devanagari danda (। ॥)
# A sentence end, or a quotation closed after a comma ('… a muddled mess,"'): a quote whose
# speaker was moved elsewhere, as translations do, is a sentence, not a heading.
_TERMINAL = re.compile(r"""(?:[.!?…۔؟؛।॥]["'”’»)\]]*|[,،]["'”’»]+)$""")
_ARABIC_SEMICOLON = re.compile(r"(?<=؛)\s+")
_SPLITTER_LANGUAGE = {"prs": "fa"}  # sentencex knows Dari's rules as Persian's
_WORD = re.compile(r"\w+", re.U)
# Page chrome seen on news sites; matched only against short segments, never inside prose.
_BOILERPLATE = re.compile(
    r"^(previous|next|older|newer)( post| article| story)?( (previous|next|older|newer)( post| article| story)?)?$"
    r"|^(read|see) (more|also)\b|^related( articles| stories| posts)?\b|^share (this|on)\b"
    r"|^(follow|like) us\b|^subscribe\b|^sign (up|in)\b|^log ?in\b|^advertisement$|^sponsored\b"
    r"|^all rights reserved|^copyright\b|^©|^click here\b|^tags?:|^categor(y|ies):|^filed under\b"
    r"|^(photo|image|video|file)( credit)?:|^(leave|post) a (comment|reply)|^comments?$|^contact( us| form)?$"
    r"|^cookie|^accept( all)? cookies|^skip to (content|main)|^(home|menu|search|top)$|^print$|^email$",
    re.I,
)


@dataclass(slots=True)
class Block:
    start: int
    end: int
    paragraph: int


def paragraphs(text: str) -> list[Block]:
    """Paragraph blocks: split at blank lines, and at line breaks that end a sentence or a heading."""
    blocks: list[Block] = []
    para = 0
    for chunk in re.finditer(r"(?:[^\n]|\n(?!\s*\n))+", text):
        lines = list(re.finditer(r"[^\n]+", chunk.group()))
        cur_start: int | None = None
        cur_end = 0
        for i, line in enumerate(lines):
            s, e = chunk.start() + line.start(), chunk.start() + line.end()
            if cur_start is None:
                cur_start = s
            cur_end = e
            nxt = lines[i + 1].group().lstrip() if i + 1 < len(lines) else ""
            wrapped = nxt[:1].islower() and not _TERMINAL.search(line.group().rstrip())
            if not wrapped:
                if text[cur_start:cur_end].strip():
                    blocks.append(Block(cur_start, cur_end, para))
                    para += 1
                cur_start = None
        if cur_start is not None and text[cur_start:cur_end].strip():
            blocks.append(Block(cur_start, cur_end, para))
            para += 1
    return blocks


def sentences(text: str, start: int, end: int, language: str = "en") -> list[tuple[int, int]]:
    """Sentence offsets inside ``text[start:end]``, from sentencex, trimmed of white space."""
    from sentencex import segment as sx_segment

    chunk = text[start:end]
    spans: list[tuple[int, int]] = []
    pos = 0
    language = _SPLITTER_LANGUAGE.get(language, language)
    pieces = [
        part
        for piece in sx_segment(language or "en", chunk)
        for part in _ARABIC_SEMICOLON.split(piece)
    ]
    for piece in pieces:
        stripped = piece.strip()
        if not stripped:
            continue
        found = chunk.find(stripped, pos)
        if found < 0:  # the splitter changed the text: fall back to the whole block
            return [trim_span(text, start, end)]
        spans.append((start + found, start + found + len(stripped)))
        pos = found + len(stripped)
    return spans


def trim_span(text: str, s: int, e: int) -> tuple[int, int]:
    """``(s, e)`` narrowed so the span neither starts nor ends with white space."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _open_quotes(span: str) -> int:
    """How many quotations the span opens without closing (curly and straight quotes)."""
    depth = span.count("“") - span.count("”")
    depth += span.count("«") - span.count("»")
    straight = span.count('"')
    return max(depth, 0) + (straight % 2)


def merge_quotes(text: str, spans: list[tuple[int, int]], limit: int = 8) -> list[tuple[int, int]]:
    """Join sentences while a quotation is open, so a multi-sentence quote stays one claim."""
    merged: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        s, e = spans[i]
        j = i
        while _open_quotes(text[s:e]) and j + 1 < len(spans) and j - i < limit:
            j += 1
            e = spans[j][1]
        if _open_quotes(text[s:e]):  # never closed: keep the sentences apart
            e, j = spans[i][1], i
        merged.append((s, e))
        i = j + 1
    return merged


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(text))


def is_noise(
    segment: str, title_key: str | None, min_words: int, last_in_block: bool
) -> str | None:
    """Why a segment is not a claim, or None when it is one."""
    words = _WORD.findall(segment)
    key = _norm(segment)
    if title_key and key and (key == title_key or (len(key) > 20 and title_key.startswith(key))):
        return "headline"
    if len(words) < min_words:
        return "too short"
    if len(words) <= 12 and _BOILERPLATE.search(segment.strip()):
        return "boilerplate"
    if not _TERMINAL.search(segment.rstrip()) and last_in_block and len(words) < 40:
        return "no sentence end (heading, label or truncated fragment)"
    return None


def segment(
    text: str, title: str | None = None, language: str | None = "en", min_words: int = 4
) -> list[ClaimSpan]:
    """The claims of an article, in order, with offsets into ``text``."""
    title_key = _norm(title) if title else None
    claims: list[ClaimSpan] = []
    lang = language or "en"
    for block in paragraphs(text):
        spans = merge_quotes(text, sentences(text, block.start, block.end, lang))
        for k, (s, e) in enumerate(spans):
            piece = text[s:e]
            if is_noise(piece, title_key, min_words, last_in_block=k == len(spans) - 1):
                continue
            claims.append(
                ClaimSpan(
                    start=s,
                    end=e,
                    text=piece,
                    paragraph=block.paragraph,
                    index=len(claims),
                    checkworthiness=checkworthiness(piece, lang),
                )
            )
    return claims
