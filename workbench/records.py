"""Plain records that flow between pipeline stages.

Every stage takes text or these records and returns these records, so stages can be tested
alone and the store, CLI, UI and exports agree on one vocabulary. Offsets are character
offsets into the article's stored ``text`` (Python string indices, end exclusive).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SourceType = Literal["outlet", "person", "organization", "unnamed", "publisher"]
SOURCE_TYPES: tuple[str, ...] = ("outlet", "person", "organization", "unnamed", "publisher")

AttributionKind = Literal[
    "direct_quote",  # “…,” X said.
    "quote_continuation",  # a quote with no cue of its own: belongs to the last speaker
    "indirect",  # X said (that) …
    "according_to",  # according to X, …
    "nominal_report",  # Reports from X indicate …, a report by X, X reported …
    "hedged",  # it was reported …, reportedly, allegedly
    "told",  # X told Y …
    "described_as",  # X described … as …
    "publisher",  # no named source: the article's own voice
]


@dataclass(slots=True)
class CitedSource:
    """An outlet an article record says it draws on (``sources: [{outlet, url}]``)."""

    outlet: str
    url: str | None = None


@dataclass(slots=True)
class ArticleDraft:
    """An article as read from input, before it is stored."""

    text: str
    title: str | None = None
    outlet: str | None = None
    date: str | None = None  # ISO 8601 date or datetime, normalised by ingest
    url: str | None = None
    language: str | None = None
    sources: list[CitedSource] = field(default_factory=list)
    origin: str | None = None  # file path, URL or "file.jsonl:12" the draft came from
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Article:
    """A stored article. ``id`` is a content hash, so re-ingesting changes nothing."""

    id: str
    text: str
    title: str | None
    outlet: str | None
    date: str | None
    url: str | None
    language: str | None
    ingested_at: str
    origin: str | None = None
    sources: list[CitedSource] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class ClaimSpan:
    """A claim found by segmentation, before storage."""

    start: int
    end: int
    text: str
    paragraph: int  # 0-based paragraph number in the article
    index: int  # 0-based position of the claim in the article
    checkworthiness: float  # 0..1, see workbench.ingest.checkworthy
    language: str | None = None  # code as in workbench.text.language; None when unknown


@dataclass(slots=True)
class Claim:
    """A stored claim; ``id`` is also its int64 id in the vector index."""

    id: int
    article_id: str
    index: int
    paragraph: int
    start: int
    end: int
    text: str
    checkworthiness: float
    language: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class ClaimInArticle:
    """A stored claim with its article's title, outlet, date and URL (read in one join)."""

    claim: Claim
    title: str | None
    outlet: str | None
    date: str | None
    url: str | None


@dataclass(slots=True, frozen=True)
class ClaimFact:
    """What the cluster update needs of a stored claim: its text, article and article date
    (a slimmer read than :class:`ClaimInArticle`, done for every neighbour of a new claim)."""

    text: str
    article_id: str
    date: str | None


@dataclass(slots=True)
class Attribution:
    """Who says a claim, with which cue, over which content span.

    ``source`` is the canonical name (registry name for outlets, the full name a pronoun or
    description resolves to for people); empty for unnamed sources. ``parent`` points to the
    enclosing attribution for nested reports ("Ariana News reports that the delegation
    described … as …"): during extraction it is an index into the extractor's output list,
    once stored it is the parent's attribution id.
    """

    source_text: str
    source: str
    source_type: str  # one of SOURCE_TYPES
    cue: str
    content_start: int
    content_end: int
    kind: str = "indirect"  # one of AttributionKind
    role: str | None = None
    hedged: bool = False
    source_start: int | None = None
    source_end: int | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    parent: int | None = None
    confidence: float = 1.0
    id: int | None = None
    claim_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class SearchHit:
    """One similar claim returned by a lookup."""

    claim: Claim
    score: float
    article_title: str | None
    outlet: str | None
    date: str | None
    url: str | None
    attributions: list[Attribution] = field(default_factory=list)
    parts: dict[str, float] = field(default_factory=dict)  # e.g. cosine, bm25, penalty

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim_id": self.claim.id,
            "text": self.claim.text,
            "score": round(float(self.score), 6),
            "article_id": self.claim.article_id,
            "article_title": self.article_title,
            "outlet": self.outlet,
            "date": self.date,
            "url": self.url,
            "start": self.claim.start,
            "end": self.claim.end,
            "paragraph": self.claim.paragraph,
            "checkworthiness": self.claim.checkworthiness,
            "language": self.claim.language,
            "attributions": [a.to_dict() for a in self.attributions],
            "parts": {k: round(float(v), 6) for k, v in self.parts.items()},
        }


@dataclass(slots=True)
class FileResult:
    """What happened to one input (file, record or URL) during an ingest."""

    origin: str
    status: Literal["ingested", "duplicate", "failed"]
    reason: str | None = None
    article_id: str | None = None
    claims: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class IngestReport:
    """The outcome of one ingest call, file by file."""

    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ingested(self) -> int:
        return sum(r.status == "ingested" for r in self.results)

    @property
    def duplicates(self) -> int:
        return sum(r.status == "duplicate" for r in self.results)

    @property
    def failed(self) -> int:
        return sum(r.status == "failed" for r in self.results)

    @property
    def claims(self) -> int:
        return sum(r.claims for r in self.results)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ingested": self.ingested,
            "duplicates": self.duplicates,
            "failed": self.failed,
            "claims": self.claims,
            "seconds": round(self.seconds, 3),
            "results": [r.to_dict() for r in self.results],
        }
