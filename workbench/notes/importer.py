"""Import a JSON notes export into another workbench, merging by claim content hash.

Each record is matched first by its note ``uid`` (the same note seen before), else by claim:
the claim with the same ``text_hash`` here, preferring the same article id. The rules:

- an import never deletes or rewrites a local history row;
- the file's versions this workbench lacks are appended as new versions, each recording
  where it came from (``imported_from``: file, time, importing user) in its changes;
- a record whose history disagrees with the local one at any shared version (a local edit, or
  a forged row) is reported as a conflict and changes nothing; so is a record whose history is
  not one row per version 1..N ending at its ``version``;
- the note's ``updated_by`` is the reviewer of its last history row, never the file's claim.

Nothing is written unless the whole file validates; bad files raise InputError naming the
record and field. JSON nesting is capped before parsing (``max_json_depth``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from workbench.errors import ConflictError, InputError
from workbench.ingest import limits as input_limits
from workbench.notes.records import Evidence, check_url, dump_evidence, normalize_verdict, now
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


IMPORTED = "imported_from"


def parse(text: str, limits: input_limits.Limits = input_limits.DEFAULT) -> ExportIn:
    """Validate an export file; errors name the record index and field (``notes[3].verdict``)."""
    try:
        data = input_limits.loads(text, "import", limits)
    except json.JSONDecodeError as exc:
        raise InputError("import", f"not JSON: {exc}") from exc
    try:
        return ExportIn.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
        more = f" (and {len(exc.errors()) - 1} more problem(s))" if len(exc.errors()) > 1 else ""
        raise InputError(f"import: {where or 'file'}", f"{err['msg']}{more}") from exc


def import_json(
    wb: Workbench, text: str, source: str = "import", user: str | None = None
) -> ImportReport:
    """Merge the notes of a JSON export into ``wb``; see the module docstring for the rules.

    ``source`` names the file and ``user`` the importing user in each appended version's
    ``imported_from`` (default: the ``reviewer`` setting, else the login name).
    """
    from workbench.ingest.limits import Limits
    from workbench.notes.service import Notes

    doc = parse(text, Limits.from_settings(wb.settings))
    notes = Notes(wb)
    stamp = {"file": source, "at": now(), "by": user or wb.settings.reviewer or _login()}
    report = ImportReport()
    with wb.writing(), wb.store.transaction():
        for i, rec in enumerate(doc.notes):
            report.results.append(_one(notes, i, rec, stamp))
    return report


def _login() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def _history(rec: NoteIn) -> list[dict[str, Any]]:
    """The record's history rows as dicts (a lone create row when the file has none)."""
    if rec.history:
        return sorted((h.model_dump() for h in rec.history), key=lambda h: h["version"])
    return [{"version": rec.version, "action": "create", "reviewer": rec.reviewer,
             "at": rec.updated_at, "changes": {"verdict": {"old": None, "new": rec.verdict}}}]  # fmt: skip


def _inconsistent(rec: NoteIn, rows: list[dict[str, Any]]) -> str | None:
    versions = [h["version"] for h in rows]
    if len(set(versions)) != len(versions):
        dup = next(v for v in versions if versions.count(v) > 1)
        return f"its history has two rows for version {dup}"
    if rec.history and versions != list(range(1, len(versions) + 1)):
        return f"its history versions are {versions}, not 1..{len(versions)}"
    if versions[-1] != rec.version:
        return f"its version {rec.version} is not its last history row ({versions[-1]})"
    return None


def _same(local: Any, incoming: dict[str, Any]) -> bool:
    """One history row here and in the file say the same thing (provenance aside)."""
    changes = {k: v for k, v in local.changes.items() if k != IMPORTED}
    theirs = {k: v for k, v in incoming["changes"].items() if k != IMPORTED}
    return (local.action, local.reviewer, local.at, changes) == (
        incoming["action"], incoming["reviewer"], incoming["at"], theirs
    )  # fmt: skip


def _one(notes: Notes, index: int, rec: NoteIn, stamp: dict[str, str]) -> ImportResult:
    rows = _history(rec)
    bad = _inconsistent(rec, rows)
    if bad:
        return ImportResult(index, rec.uid, "conflict", f"not imported: {bad}")
    existing = notes.get_by_uid(rec.uid)
    if existing is not None:
        result = ImportResult(
            index, rec.uid, "unchanged", note_id=existing.id, claim_id=existing.claim_id
        )
        local = {h.version: h for h in notes.history(existing.id)}
        theirs = {h["version"]: h for h in rows}
        differ = [v for v in sorted(local.keys() & theirs.keys()) if not _same(local[v], theirs[v])]
        if differ:
            v = differ[0]
            result.status, result.reason = (
                "conflict",
                (
                    f"note {existing.id} version {v} differs here ({local[v].action} by {local[v].reviewer}"
                    f" at {local[v].at}) and in the file ({theirs[v]['action']} by {theirs[v]['reviewer']}"
                    f" at {theirs[v]['at']}); nothing changed, merge by hand"
                ),
            )
            return result
        new = [h for v, h in sorted(theirs.items()) if v not in local]
        if not new:
            if rec.version < existing.version:
                result.reason = (
                    f"this workbench has a newer version ({existing.version} > {rec.version})"
                )
            return result
        if min(h["version"] for h in new) != existing.version + 1:
            result.status, result.reason = (
                "conflict",
                (
                    f"note {existing.id} is at version {existing.version} here; the file does not"
                    " continue it; merge by hand"
                ),
            )
            return result
        _fast_forward(notes, rec, existing, new, stamp)
        result.status = "updated"
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
    note_id = _insert(notes, rec, claim_id, rows, stamp)
    return ImportResult(index, rec.uid, "imported", note_id=note_id, claim_id=claim_id)


def _fields(
    notes: Notes, rec: NoteIn, claim_id: int | None, rows: list[dict[str, Any]]
) -> dict[str, Any]:
    """The note's fields as the file has them; ``updated_by``/``updated_at`` from its history."""
    att = rec.confirmed_attribution or AttributionIn()
    return {
        "verdict": rec.verdict, "rationale": rec.rationale,
        "evidence": [_evidence(notes, e) for e in rec.evidence],
        "source": att.source, "source_type": att.source_type,
        "attribution_id": _attribution_id(notes, claim_id, att),
        "updated_by": rows[-1]["reviewer"], "updated_at": rows[-1]["at"], "version": rec.version,
        "deleted_at": rec.deleted_at, "deleted_by": rec.deleted_by,
    }  # fmt: skip


def _append(notes: Notes, note_id: int, rows: list[dict[str, Any]], stamp: dict[str, str]) -> None:
    for h in rows:
        changes = {**h["changes"], IMPORTED: {"old": None, "new": dict(stamp)}}
        notes.log(note_id, h["version"], h["action"], h["reviewer"], h["at"], changes)


def _insert(notes: Notes, rec: NoteIn, claim_id: int, rows: list[dict[str, Any]],
            stamp: dict[str, str]) -> int:  # fmt: skip
    ref = notes.store.claim_article_ref(claim_id)
    row = _fields(notes, rec, claim_id, rows)
    row.update(uid=rec.uid, claim_id=claim_id, claim_hash=rec.claim.hash, claim_text=rec.claim.text,
               article_id=ref[0] if ref else rec.claim.article_id,
               article_url=ref[1] if ref else rec.claim.article_url, scope=rec.scope,
               reviewer=rows[0]["reviewer"], created_at=rec.created_at)  # fmt: skip
    note_id = notes.insert_row(row)
    _append(notes, note_id, rows, stamp)
    return note_id


def _fast_forward(notes: Notes, rec: NoteIn, existing: Any, new: list[dict[str, Any]],
                  stamp: dict[str, str]) -> None:  # fmt: skip
    """Append the file's newer versions and take its state; local rows stay as they are."""
    values = _fields(notes, rec, existing.claim_id, new)
    values["evidence"] = dump_evidence(values["evidence"])
    if not notes.store.update_note_from_import(existing.id, existing.version, values):
        raise ConflictError(f"note {existing.id} changed during the import; import again")
    _append(notes, existing.id, new, stamp)


def _evidence(notes: Notes, e: EvidenceIn) -> Evidence:
    if e.url:
        return Evidence(url=e.url)
    return Evidence(claim_id=notes.find_claim(e.claim_hash, e.article_id), claim_hash=e.claim_hash,
                    article_id=e.article_id)  # fmt: skip


def _attribution_id(notes: Notes, claim_id: int | None, att: AttributionIn) -> int | None:
    """The matching stored attribution on the target claim, if any (ids are local)."""
    if claim_id is None or not att.source:
        return None
    return notes.store.matching_attribution(claim_id, att.source, att.source_type)
