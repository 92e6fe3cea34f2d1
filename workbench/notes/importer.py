"""Import a JSON notes export into another workbench, merging by claim content hash.

Each record is matched first by its note ``uid`` (the same note seen before), else by claim:
the claim with the same ``text_hash`` here, preferring the same article id. History is
carried verbatim, so export → import → export yields the same notes. A note already here is
fast-forwarded when the incoming history extends the local one, left alone when it is the
same or older, and reported as a conflict when both sides changed it. Nothing is written
unless the whole file validates; bad files raise InputError naming the record and field.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from workbench.errors import InputError
from workbench.notes.records import Evidence, check_url, dump_evidence, normalize_verdict
from workbench.records import SOURCE_TYPES

if TYPE_CHECKING:
    from workbench.api import Workbench
    from workbench.notes.service import Notes

Status = Literal["imported", "updated", "unchanged", "skipped", "conflict"]


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore")


class EvidenceIn(_In):
    url: str | None = None
    claim_hash: str | None = None
    article_id: str | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        try:
            return check_url(v) if v else None
        except InputError as exc:
            raise ValueError(exc.reason) from exc

    @model_validator(mode="after")
    def _url_or_claim(self) -> EvidenceIn:
        if not self.url and not self.claim_hash:
            raise ValueError("needs a url or a claim_hash")
        return self


class ClaimIn(_In):
    hash: str = Field(min_length=1)
    text: str = Field(min_length=1)
    article_id: str | None = None
    article_url: str | None = None


class AttributionIn(_In):
    source: str | None = None
    source_type: str | None = None

    @field_validator("source_type")
    @classmethod
    def _known_type(cls, v: str | None) -> str | None:
        if v is not None and v not in SOURCE_TYPES:
            raise ValueError(f"must be one of {', '.join(SOURCE_TYPES)}")
        return v


class HistoryIn(_In):
    version: int = Field(ge=1)
    action: Literal["create", "update", "delete"]
    reviewer: str = Field(min_length=1)
    at: str = Field(min_length=1)
    changes: dict[str, Any] = Field(default_factory=dict)


class NoteIn(_In):
    uid: str = Field(min_length=8)
    scope: Literal["claim", "cluster"] = "claim"
    verdict: str
    rationale: str = ""
    claim: ClaimIn
    evidence: list[EvidenceIn] = Field(default_factory=list)
    confirmed_attribution: AttributionIn | None = None
    reviewer: str = Field(min_length=1)
    updated_by: str | None = None
    created_at: str = Field(min_length=1)
    updated_at: str = Field(min_length=1)
    version: int = Field(ge=1)
    deleted_at: str | None = None
    deleted_by: str | None = None
    history: list[HistoryIn] = Field(default_factory=list)

    @field_validator("verdict")
    @classmethod
    def _verdict(cls, v: str) -> str:
        try:
            return normalize_verdict(v)
        except InputError as exc:
            raise ValueError(exc.reason) from exc


class ExportIn(_In):
    format: Literal["workbench-notes"]
    format_version: int = Field(ge=1, le=1)
    notes: list[NoteIn]


@dataclass(slots=True)
class ImportResult:
    """What happened to one record of the file."""

    index: int
    uid: str
    status: Status
    reason: str | None = None
    note_id: int | None = None
    claim_id: int | None = None


@dataclass(slots=True)
class ImportReport:
    results: list[ImportResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    def to_dict(self) -> dict[str, Any]:
        statuses = ("imported", "updated", "unchanged", "skipped", "conflict")
        return {
            **{s: self.count(s) for s in statuses},
            "results": [asdict(r) for r in self.results],
        }


def parse(text: str) -> ExportIn:
    """Validate an export file; errors name the record index and field (``notes[3].verdict``)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError("import", f"not JSON: {exc}") from exc
    try:
        return ExportIn.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
        more = f" (and {len(exc.errors()) - 1} more problem(s))" if len(exc.errors()) > 1 else ""
        raise InputError(f"import: {where or 'file'}", f"{err['msg']}{more}") from exc


def import_json(wb: Workbench, text: str) -> ImportReport:
    """Merge the notes of a JSON export into ``wb``; see the module docstring for the rules."""
    from workbench.notes.service import Notes

    doc = parse(text)
    notes = Notes(wb)
    report = ImportReport()
    with wb.store.transaction():
        for i, rec in enumerate(doc.notes):
            report.results.append(_one(notes, i, rec))
    return report


def _one(notes: Notes, index: int, rec: NoteIn) -> ImportResult:
    existing = notes.get_by_uid(rec.uid)
    incoming = {(h.version, h.at, h.reviewer) for h in rec.history}
    if existing is not None:
        local = {(h.version, h.at, h.reviewer) for h in notes.history(existing.id)}
        result = ImportResult(
            index, rec.uid, "unchanged", note_id=existing.id, claim_id=existing.claim_id
        )
        if incoming <= local:
            if rec.version < existing.version:
                result.reason = (
                    f"this workbench has a newer version ({existing.version} > {rec.version})"
                )
            return result
        if local <= incoming and rec.version > existing.version:
            _write(notes, rec, existing.id, existing.claim_id, local)
            result.status = "updated"
            return result
        result.status, result.reason = (
            "conflict",
            (
                f"note {existing.id} was edited here and in the file since they last agreed"
                f" (here version {existing.version} by {existing.updated_by}, file version {rec.version}"
                f" by {rec.updated_by or rec.reviewer}); merge by hand"
            ),
        )
        return result
    claim_id = notes.find_claim(rec.claim.hash, rec.claim.article_id)
    if claim_id is None:
        return ImportResult(index, rec.uid, "skipped",
                            f"its claim is not in this workbench (hash {rec.claim.hash[:12]}…:"
                            f" {rec.claim.text[:60]!r})")  # fmt: skip
    if rec.deleted_at is None and (live := notes.live_for(claim_id, rec.scope)) is not None:
        return ImportResult(index, rec.uid, "conflict",
                            f"claim {claim_id} already has note {live.id} ({live.verdict_label}, by"
                            f" {live.reviewer}); merge by hand", note_id=live.id, claim_id=claim_id)  # fmt: skip
    note_id = _write(notes, rec, None, claim_id, set())
    return ImportResult(index, rec.uid, "imported", note_id=note_id, claim_id=claim_id)


def _write(notes: Notes, rec: NoteIn, note_id: int | None, claim_id: int | None, have: set) -> int:
    """Insert or fast-forward one note and add the history rows this workbench lacks."""
    conn = notes.conn
    article = None
    if claim_id is not None:
        article = conn.execute(
            "SELECT a.id, a.url FROM claims c JOIN articles a ON a.id = c.article_id WHERE c.id = ?",
            (claim_id,),
        ).fetchone()
    att = rec.confirmed_attribution or AttributionIn()
    row: dict[str, Any] = {
        "verdict": rec.verdict, "rationale": rec.rationale,
        "evidence": [_evidence(notes, e) for e in rec.evidence],
        "source": att.source, "source_type": att.source_type,
        "attribution_id": _attribution_id(notes, claim_id, att),
        "reviewer": rec.reviewer, "updated_by": rec.updated_by or rec.reviewer,
        "created_at": rec.created_at, "updated_at": rec.updated_at, "version": rec.version,
        "deleted_at": rec.deleted_at, "deleted_by": rec.deleted_by,
    }  # fmt: skip
    if note_id is None:
        row.update(uid=rec.uid, claim_id=claim_id, claim_hash=rec.claim.hash, claim_text=rec.claim.text,
                   article_id=article["id"] if article else rec.claim.article_id,
                   article_url=article["url"] if article else rec.claim.article_url, scope=rec.scope)  # fmt: skip
        note_id = notes.insert_row(row)
    else:
        row["evidence"] = dump_evidence(row["evidence"])
        conn.execute(
            f"UPDATE notes SET {', '.join(f'{k} = ?' for k in row)} WHERE id = ?",
            (*row.values(), note_id),
        )
    history = rec.history or [
        {"version": rec.version, "action": "create", "reviewer": rec.reviewer, "at": rec.updated_at,
         "changes": {"verdict": {"old": None, "new": rec.verdict}}}
    ]  # fmt: skip
    for h in sorted(history, key=lambda x: x["version"] if isinstance(x, dict) else x.version):
        h = h if isinstance(h, dict) else h.model_dump()
        if (h["version"], h["at"], h["reviewer"]) not in have:
            conn.execute(
                "DELETE FROM note_history WHERE note_id = ? AND version = ?",
                (note_id, h["version"]),
            )
            notes.log(note_id, h["version"], h["action"], h["reviewer"], h["at"], h["changes"])
    return note_id


def _evidence(notes: Notes, e: EvidenceIn) -> Evidence:
    if e.url:
        return Evidence(url=e.url)
    return Evidence(claim_id=notes.find_claim(e.claim_hash, e.article_id), claim_hash=e.claim_hash,
                    article_id=e.article_id)  # fmt: skip


def _attribution_id(notes: Notes, claim_id: int | None, att: AttributionIn) -> int | None:
    """The matching stored attribution on the target claim, if any (ids are local)."""
    if claim_id is None or not att.source:
        return None
    row = notes.conn.execute(
        "SELECT id FROM attributions WHERE claim_id = ? AND source = ? AND source_type = ? ORDER BY id LIMIT 1",
        (claim_id, att.source, att.source_type),
    ).fetchone()
    return int(row[0]) if row else None
