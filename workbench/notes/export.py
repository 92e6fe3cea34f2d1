"""Exports of verification notes: CSV, JSON, a Markdown report and ClaimReview JSON-LD.

``export(wb, fmt, filters)`` returns the text; the CLI writes it to a file. All formats take
the same :class:`~workbench.notes.records.NoteFilters`. Untrusted text (article text, claims,
rationales, imported notes) is made safe for each target: formula cells are neutralised in
CSV, Markdown specials are escaped in the report. ``import_json`` reads a JSON export back
(see :mod:`workbench.notes.importer`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import TYPE_CHECKING, Any

from workbench.errors import InputError
from workbench.notes.claimreview import RATING_VALUES, claim_author
from workbench.notes.importer import ImportReport, import_json
from workbench.notes.records import Note, NoteFilters, now
from workbench.notes.service import Notes

if TYPE_CHECKING:
    from workbench.api import Workbench

__all__ = [
    "FORMATS",
    "ImportReport",
    "csv_safe",
    "export",
    "import_json",
    "md_escape",
    "note_records",
]

FORMATS = ("csv", "json", "md", "claimreview")
JSON_FORMAT = "workbench-notes"
JSON_FORMAT_VERSION = 1
SIMILAR_MIN_SCORE = 0.6
CSV_COLUMNS = (
    "note_id", "uid", "claim_id", "claim_hash", "claim_text", "article_id", "article_title",
    "outlet", "article_date", "article_url", "scope", "verdict", "verdict_label", "rating_value",
    "rationale", "evidence", "source", "source_type", "attribution_id", "claim_author",
    "reviewer", "updated_by", "created_at", "updated_at", "version", "deleted_at",
)  # fmt: skip


def export(wb: Workbench, fmt: str, filters: NoteFilters | None = None, **options: Any) -> str:
    """Notes passing ``filters`` in ``fmt`` (csv, json, md or claimreview), as text.

    Options: ``min_score`` for the Markdown report's similar claims (default 0.6);
    ``publish`` for ClaimReview (approved notes only; see :func:`_claim_reviews`).
    """
    if fmt not in FORMATS:
        raise InputError("format", f"{fmt!r} is not one of: {', '.join(FORMATS)}")
    notes = Notes(wb).list(filters or NoteFilters())
    if fmt == "csv":
        return to_csv(wb, notes)
    if fmt == "json":
        return script_safe(json.dumps(to_json(wb, notes), ensure_ascii=False, indent=2))
    if fmt == "md":
        return to_markdown(wb, notes, options.get("min_score", SIMILAR_MIN_SCORE))
    return script_safe(json.dumps(_claim_reviews(wb, notes, options), ensure_ascii=False, indent=2))


def _claim_reviews(wb: Workbench, notes: list[Note], options: dict[str, Any]) -> list[Any]:
    """ClaimReview objects. ``publish=True``: approved notes only (an editor's export, which
    stamps them published); otherwise, in team mode, every unapproved note is flagged
    ``"creativeWorkStatus": "Draft"`` so a draft cannot pass for a verdict."""
    from workbench.notes.claimreview import PUBLISHABLE, claim_review

    publish = bool(options.get("publish"))
    if publish:
        wb.require("publish")
        notes = [n for n in notes if n.state == "approved"]
    kept = [n for n in notes if n.verdict in PUBLISHABLE and not n.deleted]
    docs = []
    for note in kept:
        doc = claim_review(wb, note)
        if not publish and wb.team_mode and note.state != "approved":
            doc["creativeWorkStatus"] = "Draft"
        docs.append(doc)
    if publish:
        wb.workflow.mark_published(kept)
    return docs


# --- shared context ------------------------------------------------------------------------


def _context(wb: Workbench, note: Note) -> dict[str, Any]:
    """The note's article fields, from this workbench when its claim is here."""
    ctx: dict[str, Any] = {"article_id": note.article_id, "article_url": note.article_url,
                           "article_title": None, "outlet": None, "article_date": None}  # fmt: skip
    article_id = note.article_id
    if note.claim_id is not None:
        article_id = wb.store.article_id_of(note.claim_id) or article_id
    if article_id:
        art = wb.store.find_article(article_id)
        if art is not None:
            ctx.update(article_id=art.id, article_url=art.url, article_title=art.title,
                       outlet=art.outlet, article_date=art.date)  # fmt: skip
    ctx["article_url"] = web_url(ctx["article_url"])
    return ctx


def _evidence(wb: Workbench, note: Note) -> list[dict[str, Any]]:
    """Evidence items with claim references resolved to text here (by id, else by hash)."""
    out = []
    notes = Notes(wb, relink=False)
    for e in note.evidence:
        if e.url:
            out.append({"url": e.url})
            continue
        found = None
        if e.claim_id is not None and e.claim_hash:  # the id counts only with its hash
            found = wb.store.find_claim(e.claim_id, e.claim_hash)
        if found is None and e.claim_hash:
            cid = notes.find_claim(e.claim_hash, e.article_id)
            found = wb.store.find_claim(cid) if cid else None
        out.append({"claim_hash": e.claim_hash, "article_id": e.article_id,
                    "claim_id": found.id if found else None, "claim_text": found.text if found else None})  # fmt: skip
    return out


def note_records(wb: Workbench, notes: list[Note]) -> list[dict[str, Any]]:
    """The JSON export's note records: everything needed to rebuild the note elsewhere."""
    notes_api = Notes(wb, relink=False)
    records = []
    for n in notes:
        ctx = _context(wb, n)
        records.append({
            "uid": n.uid,
            "note_id": n.id,
            "scope": n.scope,
            "verdict": n.verdict,
            "verdict_label": n.verdict_label,
            "rationale": n.rationale,
            "claim": {"hash": n.claim_hash, "text": n.claim_text, "claim_id": n.claim_id, **ctx},
            "evidence": _evidence(wb, n),
            "confirmed_attribution": (
                {"source": n.source, "source_type": n.source_type, "attribution_id": n.attribution_id}
                if n.source or n.source_type or n.attribution_id is not None else None
            ),
            "reviewer": n.reviewer,
            "updated_by": n.updated_by,
            "created_at": n.created_at,
            "updated_at": n.updated_at,
            "version": n.version,
            "deleted_at": n.deleted_at,
            "deleted_by": n.deleted_by,
            "history": [
                {k: v for k, v in h.to_dict().items() if k != "note_id"} for h in notes_api.history(n.id)
            ],
        })  # fmt: skip
    return records


def to_json(wb: Workbench, notes: list[Note]) -> dict[str, Any]:
    """The JSON export document (re-importable with :func:`import_json`)."""
    return {
        "format": JSON_FORMAT,
        "format_version": JSON_FORMAT_VERSION,
        "exported_at": now(),
        "organization": wb.settings.organization,
        "notes": note_records(wb, notes),
    }


# --- CSV -----------------------------------------------------------------------------------

# = + - @ and their full-width (U+FF1D …) and small-form (U+FE62 …) variants, which some
# spreadsheets fold to ASCII, plus a leading tab or carriage return.
_FORMULA_START = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "＝",
    "＋",
    "－",
    "＠",
    "﹦",
    "﹢",
    "﹣",
    "﹫",
    "−",
)
# What a spreadsheet may skip before reading a formula: white space of any kind (incl. the
# no-break spaces) and the zero-width characters.
_INVISIBLE = re.compile(
    r"^[\s\u00a0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]+"
)


def csv_safe(value: Any) -> str:
    """A cell spreadsheets will not run as a formula: a risky start, also after white space,
    no-break or zero-width characters or a newline, gets a leading ``'``."""
    text = "" if value is None else str(value)
    head = _INVISIBLE.sub("", text)
    return (
        "'" + text if text.startswith(_FORMULA_START) or head.startswith(_FORMULA_START) else text
    )


def script_safe(text: str) -> str:
    """JSON text that can sit inside an HTML ``<script>`` block: ``</`` and ``<!--`` escaped
    (still the same JSON)."""
    return text.replace("</", "<\\/").replace("<!--", "<\\u0021--")


def web_url(url: str | None) -> str | None:
    """``url`` when it is http(s); anything else (``javascript:``, ``data:``) is left out."""
    return url if url and url.strip().lower().startswith(("http://", "https://")) else None


def to_csv(wb: Workbench, notes: list[Note]) -> str:
    """One row per note; evidence is one cell, one item per line."""
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for n in notes:
        ctx = _context(wb, n)
        author = claim_author(wb, n)
        evidence = [
            e.get("url") or f"claim:{e.get('claim_id') or e.get('claim_hash')}"
            for e in _evidence(wb, n)
        ]
        row = {
            **ctx, "note_id": n.id, "uid": n.uid, "claim_id": n.claim_id, "claim_hash": n.claim_hash,
            "claim_text": n.claim_text, "scope": n.scope, "verdict": n.verdict,
            "verdict_label": n.verdict_label, "rating_value": RATING_VALUES[n.verdict],
            "rationale": n.rationale, "evidence": "\n".join(evidence), "source": n.source,
            "source_type": n.source_type, "attribution_id": n.attribution_id,
            "claim_author": f"{author[0]} ({author[1]})" if author else None, "reviewer": n.reviewer,
            "updated_by": n.updated_by, "created_at": n.created_at, "updated_at": n.updated_at,
            "version": n.version, "deleted_at": n.deleted_at,
        }  # fmt: skip
        writer.writerow([csv_safe(row[c]) for c in CSV_COLUMNS])
    return buf.getvalue()


# --- Markdown ------------------------------------------------------------------------------

_MD_ALWAYS = re.compile(r"([\\`*_{}\[\]()#+!|<>~&$^])")


def md_escape(text: Any, inline: bool = True) -> str:
    """Untrusted text as literal Markdown: specials backslash-escaped, no raw HTML or links.

    ``inline`` folds whitespace to one line (for list items and headings); otherwise lines
    are kept (without indentation) and each is guarded against starting a list or rule.
    """
    text = "" if text is None else str(text)
    lines = [" ".join(text.split())] if inline else [ln.strip() for ln in text.splitlines()]
    out = []
    for line in lines:
        line = _MD_ALWAYS.sub(r"\\\1", line)
        line = re.sub(r"^([-=])", r"\\\1", line)  # bullet, setext heading or rule
        line = re.sub(r"^(\d+)\.", r"\1\\.", line)  # ordered list
        out.append(line)
    return "\n".join(out)


def md_link(url: str | None, label: Any = None) -> str:
    """A link only for clean http(s) URLs; anything else is shown as escaped text."""
    if not url:
        return md_escape(label) if label else ""
    clean = url.lower().startswith(("http://", "https://")) and not re.search(r"[\s<>\"'`\\]", url)
    if not clean:
        return md_escape(label or url)
    return f"[{md_escape(label or url)}](<{url}>)"


def to_markdown(wb: Workbench, notes: list[Note], min_score: float = SIMILAR_MIN_SCORE) -> str:
    """A readable report: claim, article, outlet, attribution, similar claims, verdict, evidence."""
    org = md_escape(wb.settings.organization)
    parts = [
        f"# Verification notes\n\n_{len(notes)} note(s) exported {now()[:16].replace('T', ' ')} UTC · {org}_\n"
    ]
    for n in notes:
        parts.append(_md_note(wb, n, min_score))
    return "\n".join(parts).rstrip() + "\n"


def _md_note(wb: Workbench, n: Note, min_score: float) -> str:
    ctx = _context(wb, n)
    claim_ref = f"claim {n.claim_id}" if n.claim_id is not None else "claim not in this workbench"
    lines = [f"## {md_escape(n.verdict_label)}: {claim_ref} (note {n.id})", ""]
    lines += [
        "> " + ln if ln else ">" for ln in md_escape(n.claim_text, inline=False).splitlines()
    ] + [""]
    article = md_link(ctx["article_url"], ctx["article_title"] or ctx["article_id"])
    lines.append(f"- **Article:** {article or 'unknown'}")
    lines.append(
        f"- **Outlet:** {md_escape(ctx['outlet'] or 'unknown')} · **Date:** {md_escape(ctx['article_date'] or 'unknown')}"
    )
    found = _found_attribution(wb, n)
    lines.append(f"- **Attribution (found):** {found}")
    if n.source:
        lines.append(
            f"- **Attribution (confirmed):** {md_escape(n.source)} ({md_escape(n.source_type)})"
        )
    lines.append(f"- **Verdict:** {md_escape(n.verdict_label)}")
    edited = f", last edited by {md_escape(n.updated_by)}" if n.updated_by != n.reviewer else ""
    lines.append(
        f"- **Reviewer:** {md_escape(n.reviewer)}{edited} · {md_escape(n.updated_at)} · version {n.version}"
    )
    lines += [
        "",
        "**Rationale**",
        "",
        "  \n".join(md_escape(n.rationale, inline=False).splitlines()) or "_none given_",
        "",
        "**Evidence**",
        "",
    ]
    evidence = _evidence(wb, n)
    for e in evidence:
        if e.get("url"):
            lines.append(f"- {md_link(e['url'])}")
        else:
            ref = f"claim {e['claim_id']}" if e.get("claim_id") else "claim not in this workbench"
            lines.append(f"- {ref}: {md_escape(e.get('claim_text') or e.get('claim_hash'))}")
    if not evidence:
        lines.append("_none_")
    lines += ["", "**Similar claims in other outlets**", ""]
    similar = _similar(wb, n, ctx, min_score)
    lines += similar or [f"_none scoring {min_score:.2f} or more_"]
    return "\n".join(lines) + "\n"


def _found_attribution(wb: Workbench, n: Note) -> str:
    if n.claim_id is None:
        return "unknown"
    atts = [a for a in wb.attributions([n.claim_id]).get(n.claim_id, []) if a.parent is None]
    return "; ".join(f"{md_escape(a.source or '(unnamed)')} ({md_escape(a.source_type)}, {md_escape(a.kind)})"
                     for a in atts) or "none stored"  # fmt: skip


def _similar(wb: Workbench, n: Note, ctx: dict[str, Any], min_score: float) -> list[str]:
    hits = wb.search(n.claim_text, k=5, exclude_article=ctx["article_id"], min_score=min_score)
    own = (ctx["outlet"] or "").lower()
    lines = []
    for h in hits:
        if own and (h.outlet or "").lower() == own:
            continue
        where = md_link(h.url, h.outlet or h.article_title or h.claim.article_id)
        lines.append(
            f"- \\[{h.score:.2f}\\] {md_escape(h.claim.text)} ({where}, {md_escape(h.date or 'no date')})"
        )
    return lines
