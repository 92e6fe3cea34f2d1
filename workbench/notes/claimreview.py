"""schema.org ClaimReview JSON-LD for verification notes, and a validator for it.

Follows Google's ClaimReview structured-data documentation: required ``claimReviewed``,
``reviewRating`` (``alternateName``, or ``ratingValue`` + ``bestRating`` + ``worstRating``) and
``url``; recommended ``author``, ``datePublished`` and ``itemReviewed`` (a ``Claim`` with
``author`` and ``appearance``/``firstAppearance``). See ``docs/notes.md`` for the rating scale.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from workbench.errors import NotFound
from workbench.notes.records import VERDICTS, Note

if TYPE_CHECKING:
    from workbench.api import Workbench

# 1 (false) … 5 (true). "misleading" sits with "mostly false": the claim leaves a false
# impression. "unverifiable" has no place on a truth scale, so it carries only alternateName.
# "in_progress" is not a finished review and is never exported as ClaimReview.
RATING_VALUES: dict[str, int | None] = {
    "false": 1,
    "mostly_false": 2,
    "misleading": 2,
    "mixed": 3,
    "mostly_true": 4,
    "true": 5,
    "unverifiable": None,
    "in_progress": None,
}
BEST_RATING, WORST_RATING = 5, 1
PUBLISHABLE = tuple(v for v in VERDICTS if v != "in_progress")
PERSON_TYPES = {"person"}
NAMED_TYPES = {"outlet", "person", "organization"}


def rating(verdict: str) -> dict[str, Any]:
    """The ``reviewRating`` object for a verdict key."""
    out: dict[str, Any] = {"@type": "Rating", "alternateName": VERDICTS[verdict]}
    value = RATING_VALUES[verdict]
    if value is not None:
        out.update(ratingValue=value, bestRating=BEST_RATING, worstRating=WORST_RATING)
    return out


def claim_author(wb: Workbench, note: Note) -> tuple[str, str] | None:
    """(name, source type) of who made the claim.

    The checker's confirmed attribution wins; else the claim's top-level stored attribution
    when it names someone; else the article's publisher (outlet, or the URL's outlet).
    """
    if note.source and note.source_type in NAMED_TYPES:
        return note.source, note.source_type
    if note.claim_id is not None:
        for att in wb.attributions([note.claim_id]).get(note.claim_id, []):
            if att.parent is None and att.source and att.source_type in NAMED_TYPES:
                return att.source, att.source_type
    outlet = None
    if note.article_id:
        article = wb.store.find_article(note.article_id)
        if article is not None:
            outlet = article.outlet or wb.outlet_for_url(article.url)
    outlet = outlet or wb.outlet_for_url(note.article_url)
    return (outlet, "publisher") if outlet else None


def appearances(wb: Workbench, note: Note) -> list[dict[str, Any]]:
    """One CreativeWork per article carrying the claim (its whole cluster), oldest first.

    Articles without a URL get ``name`` = title and an ``urn:workbench:article:<id>``
    identifier, so a pasted or file-ingested article still appears.
    """
    members = (
        [int(m) for m in wb.cluster_members(note.claim_id)] if note.claim_id is not None else []
    )
    rows = wb.store.claims_by_ids(members)
    articles: dict[str, dict[str, Any]] = {}
    for cid in members:
        if cid in rows:
            row = rows[cid]
            articles.setdefault(
                row.claim.article_id,
                {"id": row.claim.article_id, "url": row.url, "title": row.title,
                 "date": row.date, "outlet": row.outlet},
            )  # fmt: skip
    if not articles and note.article_id:
        articles[note.article_id] = {"id": note.article_id, "url": note.article_url, "title": None,
                                     "date": None, "outlet": None}  # fmt: skip
    works = [_creative_work(a) for a in articles.values()]
    return sorted(
        works, key=lambda w: (w.get("datePublished") is None, w.get("datePublished") or "")
    )


def _creative_work(a: dict[str, Any]) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork"}
    if a["url"] and not str(a["url"]).strip().lower().startswith(("http://", "https://")):
        a = {**a, "url": None}  # a javascript: or data: URL stored before ingest refused them
    if a["url"]:
        work["url"] = a["url"]
    else:
        work["identifier"] = f"urn:workbench:article:{a['id']}"
    if a["title"]:
        work["name"] = a["title"]
    elif not a["url"]:
        work["name"] = f"Article {a['id']}"
    if a["date"]:
        work["datePublished"] = a["date"]
    if a["outlet"]:
        work["publisher"] = {"@type": "Organization", "name": a["outlet"]}
    return work


def claim_review(wb: Workbench, note: Note) -> dict[str, Any]:
    """The ClaimReview object for one note (``in_progress`` notes are not publishable)."""
    settings = wb.settings
    base = settings.organization_url.rstrip("/")
    item: dict[str, Any] = {"@type": "Claim"}
    author = claim_author(wb, note)
    if author is not None:
        name, kind = author
        item["author"] = {
            "@type": "Person" if kind in PERSON_TYPES else "Organization",
            "name": name,
        }
    works = appearances(wb, note)
    if works:
        item["appearance"] = works
        dated = [w for w in works if w.get("datePublished")]
        first = dated[0] if dated else (works[0] if len(works) == 1 else None)
        if first is not None:
            item["firstAppearance"] = first
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{base}#review-{note.uid}",
        "claimReviewed": note.claim_text,
        "datePublished": note.created_at[:10],
        "dateModified": note.updated_at[:10],
        "author": {
            "@type": "Organization",
            "name": settings.organization,
            "url": settings.organization_url,
        },
        "reviewRating": rating(note.verdict),
        "itemReviewed": item,
        **({"reviewBody": note.rationale} if note.rationale.strip() else {}),
        **({"citation": citations} if (citations := _citations(wb, note)) else {}),
    }


def _citations(wb: Workbench, note: Note) -> list[dict[str, Any]]:
    """The note's evidence: web pages by URL, claims in this workbench by text and hash."""
    out: list[dict[str, Any]] = []
    for e in note.evidence:
        if e.url:
            out.append({"@type": "CreativeWork", "url": e.url})
            continue
        work: dict[str, Any] = {
            "@type": "Claim",
            "identifier": f"urn:workbench:claim:{e.claim_hash}",
        }
        if e.claim_id is not None:
            with contextlib.suppress(NotFound):  # the claim may have gone; the hash stays
                work["text"] = wb.claim(e.claim_id).text
        out.append(work)
    return out


EXAMPLE_ORGANIZATION = "Claim Workbench"
EXAMPLE_URL = "https://example.org/fact-checks"


def config_warnings(settings: Any) -> list[str]:
    """Why a ClaimReview export is not ready to publish: the built-in example organization."""
    out = []
    if settings.organization_url.rstrip("/") == EXAMPLE_URL:
        out.append(
            f"the publisher URL is still the built-in example ({EXAMPLE_URL});"
            " set WORKBENCH_ORGANIZATION_URL before publishing"
        )
    if settings.organization == EXAMPLE_ORGANIZATION:
        out.append(
            f"the organization is still the built-in example ({EXAMPLE_ORGANIZATION!r});"
            " set WORKBENCH_ORGANIZATION before publishing"
        )
    return out


def claim_reviews(wb: Workbench, notes: list[Note]) -> list[dict[str, Any]]:
    """ClaimReview objects for the publishable notes (skips ``in_progress`` and deleted ones)."""
    return [claim_review(wb, n) for n in notes if n.verdict in PUBLISHABLE and not n.deleted]


def missing_fields(doc: dict[str, Any]) -> dict[str, list[str]]:
    """Fields Google's ClaimReview documentation requires or recommends that ``doc`` lacks.

    Returns ``{"required": [...], "recommended": [...]}``; both empty means the review is
    complete. Also flags a wrong ``@type`` or an out-of-range rating as required problems.
    """
    required: list[str] = []
    recommended: list[str] = []
    if doc.get("@type") != "ClaimReview":
        required.append("@type (must be ClaimReview)")
    if not str(doc.get("claimReviewed") or "").strip():
        required.append("claimReviewed")
    url = str(doc.get("url") or "")
    if not url.startswith(("http://", "https://")):
        required.append("url")
    required += _rating_problems(doc.get("reviewRating"))
    author = doc.get("author")
    if not isinstance(author, dict) or not author.get("name"):
        recommended.append("author")
    if not doc.get("datePublished"):
        recommended.append("datePublished")
    item = doc.get("itemReviewed")
    if not isinstance(item, dict):
        recommended.append("itemReviewed")
    else:
        claim_author_ = item.get("author")
        if not isinstance(claim_author_, dict) or not claim_author_.get("name"):
            recommended.append("itemReviewed.author")
        elif claim_author_.get("@type") not in ("Person", "Organization"):
            recommended.append("itemReviewed.author.@type (Person or Organization)")
        if not item.get("appearance") and not item.get("firstAppearance"):
            recommended.append("itemReviewed.appearance or itemReviewed.firstAppearance")
    return {"required": required, "recommended": recommended}


def _rating_problems(r: Any) -> list[str]:
    if not isinstance(r, dict):
        return ["reviewRating"]
    if r.get("alternateName"):
        numeric = [k for k in ("ratingValue", "bestRating", "worstRating") if k in r]
        if not numeric:
            return []
    missing = [
        f"reviewRating.{k}"
        for k in ("ratingValue", "bestRating", "worstRating")
        if r.get(k) is None
    ]
    if missing:
        return (
            missing
            if not r.get("alternateName")
            else [f"{m} (partly numeric rating)" for m in missing]
        )
    if not (r["worstRating"] <= r["ratingValue"] <= r["bestRating"]):
        return ["reviewRating.ratingValue (outside worstRating..bestRating)"]
    return []
