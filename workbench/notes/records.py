"""Verification-note records: verdict scale, evidence, notes, history entries and filters.

Plain data shared by :mod:`workbench.notes.service` (store operations), :mod:`workbench.notes.export` and
the CLI, so formats and the app agree on one vocabulary.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from workbench.errors import InputError

VERDICTS: dict[str, str] = {
    "true": "True",
    "mostly_true": "Mostly true",
    "mixed": "Mixed",
    "mostly_false": "Mostly false",
    "false": "False",
    "misleading": "Misleading",
    "unverifiable": "Unverifiable",
    "in_progress": "In progress",
}
SCOPES = ("claim", "cluster")
# Fields a caller may change; the rest (ids, claim key, times, version) are managed here.
EDITABLE = ("verdict", "rationale", "evidence", "source", "source_type", "attribution_id")


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def normalize_verdict(value: str) -> str:
    """``"Mostly False"``, ``"mostly-false"`` and ``"mostly_false"`` all mean ``mostly_false``."""
    key = "_".join(str(value).strip().lower().replace("-", " ").replace("_", " ").split())
    if key not in VERDICTS:
        raise InputError("verdict", f"{value!r} is not one of: {', '.join(VERDICTS)}")
    return key


def now() -> str:
    """UTC timestamp with milliseconds, sortable as text."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass(slots=True, frozen=True)
class Evidence:
    """A URL, or another claim in the workbench (kept by content hash so it can move)."""

    url: str | None = None
    claim_id: int | None = None
    claim_hash: str | None = None
    article_id: str | None = None

    def key(self) -> str:
        return f"url:{self.url}" if self.url else f"claim:{self.claim_hash}:{self.article_id}"

    def to_dict(self) -> dict[str, Any]:
        if self.url:
            return {"url": self.url}
        return {
            "claim_id": self.claim_id,
            "claim_hash": self.claim_hash,
            "article_id": self.article_id,
        }

    def label(self) -> str:
        return (
            self.url or f"claim:{self.claim_id if self.claim_id is not None else self.claim_hash}"
        )


def check_url(url: str) -> str:
    url = url.strip()
    lowered = url.lower()
    if not lowered.startswith(("http://", "https://")) or len(url) < 10:
        raise InputError("evidence", f"{url!r} is not an http(s) URL or a claim id")
    if any(ch.isspace() or ch in '<>"' for ch in url):
        raise InputError(
            "evidence", f"{url!r}: URLs may not contain spaces, quotes or angle brackets"
        )
    return url


@dataclass(slots=True)
class Note:
    """One note as stored; ``claim_id`` is None while its claim is absent from this workbench."""

    id: int
    uid: str
    claim_id: int | None
    claim_hash: str
    claim_text: str
    article_id: str | None
    article_url: str | None
    scope: str
    verdict: str
    rationale: str
    evidence: list[Evidence]
    source: str | None
    source_type: str | None
    attribution_id: int | None
    reviewer: str  # who wrote the note
    updated_by: str  # who saved it last
    created_at: str
    updated_at: str
    version: int
    deleted_at: str | None = None
    deleted_by: str | None = None
    # review workflow (workbench.notes.workflow): in_progress → ready_for_review → approved/returned
    state: str = "in_progress"
    assignee: str | None = None
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    published_at: str | None = None

    @property
    def verdict_label(self) -> str:
        return VERDICTS[self.verdict]

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["evidence"] = [e.to_dict() for e in self.evidence]
        data["verdict_label"] = self.verdict_label
        return data


@dataclass(slots=True)
class HistoryEntry:
    """One change: who, when, which action, and ``{field: {"old": …, "new": …}}``."""

    note_id: int
    version: int
    action: str  # create, update or delete
    reviewer: str
    at: str
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self, width: int = 80) -> str:
        """``version 3 (update) by Ana at …: verdict "false" → "mixed"; evidence +https://…``."""
        parts = []
        for name, change in self.changes.items():
            old, new = change.get("old"), change.get("new")
            if isinstance(new, list) and isinstance(old, list | None):
                before = {_short(x, width) for x in old or []}
                after = [_short(x, width) for x in new]
                delta = [f"+{x}" for x in after if x not in before]
                delta += [f"-{x}" for x in sorted(before - set(after))]
                parts.append(f"{name}: {' '.join(delta) or 'reordered'}")
            else:
                parts.append(f"{name}: {_short(old, width)} → {_short(new, width)}")
        head = f"version {self.version} ({self.action}) by {self.reviewer} at {self.at}: "
        return head + ("; ".join(parts) or "no field changes")


def _short(value: Any, width: int) -> str:
    if isinstance(value, dict) and ("url" in value or "claim_hash" in value):
        value = value.get("url") or f"claim:{value.get('claim_id') or value.get('claim_hash')}"
    text = value if isinstance(value, str) and value.startswith(("http", "claim:")) else None
    text = text or json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(slots=True)
class NoteFilters:
    """Filters shared by :meth:`Notes.list` and every export.

    ``date_from``/``date_to`` (YYYY-MM-DD, inclusive) apply to the note's ``updated_at`` day
    when ``date_field="updated"`` (the default) and to the article's date when
    ``date_field="article"`` (notes whose article has no date are then left out). ``outlet``
    matches the article's outlet or one of the outlets it cites, case-insensitively.
    """

    verdict: Sequence[str] | str | None = None
    reviewer: str | None = None
    outlet: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    date_field: str = "updated"
    claim_id: int | None = None
    include_deleted: bool = False

    def verdicts(self) -> list[str]:
        if not self.verdict:
            return []
        items = [self.verdict] if isinstance(self.verdict, str) else list(self.verdict)
        return [normalize_verdict(v) for v in items]


def history_entry(row: sqlite3.Row) -> HistoryEntry:
    return HistoryEntry(
        note_id=int(row["note_id"]),
        version=int(row["version"]),
        action=row["action"],
        reviewer=row["reviewer"],
        at=row["at"],
        changes=json.loads(row["changes"] or "{}"),
    )


def dedupe(items: Iterable[Evidence]) -> list[Evidence]:
    seen: dict[str, Evidence] = {}
    for e in items:
        seen.setdefault(e.key(), e)
    return list(seen.values())


def plain(value: Any) -> Any:
    """JSON-ready form of a field value, for diffs and comparisons (evidence by portable key)."""
    if isinstance(value, list):
        return [e.to_dict() if isinstance(e, Evidence) else e for e in value]
    return value


def dump_evidence(items: Sequence[Evidence]) -> str:
    return json.dumps([e.to_dict() for e in items], ensure_ascii=False)


def load_evidence(text: str) -> list[Evidence]:
    out = []
    for d in json.loads(text or "[]"):
        out.append(
            Evidence(url=d["url"])
            if d.get("url")
            else Evidence(
                claim_id=d.get("claim_id"),
                claim_hash=d.get("claim_hash"),
                article_id=d.get("article_id"),
            )
        )
    return out


def note_from_row(row: sqlite3.Row) -> Note:
    """A :class:`Note` from a ``notes`` table row."""
    data = {k: row[k] for k in row.keys()}  # noqa: SIM118 - sqlite3.Row is not a mapping
    data["evidence"] = load_evidence(data["evidence"])
    return Note(**data)
