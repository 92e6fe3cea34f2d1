"""Verification notes: a checker's verdict, rationale, evidence and confirmed attribution.

A note belongs to one claim (``scope="claim"``) or to the cluster of claims that state the
same thing (``scope="cluster"``, anchored on one member; see ``Workbench.cluster_members``).
Notes are never overwritten silently: every save bumps ``version`` and writes a history row
with a field-level diff, and a save against a stale version raises
:class:`~workbench.errors.ConflictError` describing the other edit. Deletion is soft (the row
stays, with ``deleted_at``/``deleted_by``) and recorded in history too.

Each note stores its claim's content hash, text and article id/URL, so it survives the
claim being re-ingested under a new id (:meth:`Notes.relink`) and can move between
workbenches (:func:`workbench.notes.export.import_json`).

>>> from workbench.notes.service import Notes
>>> notes = Notes(wb)
>>> n = notes.add(23, "mostly_false", rationale="…", evidence=["https://…"], reviewer="Ana")
>>> n = notes.update(n.id, n.version, reviewer="Ben", add_evidence=["claim:31"])
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from workbench.errors import ConflictError, InputError, NotFound, WorkbenchError
from workbench.notes.records import (
    SCOPES,
    UNSET,
    VERDICTS,
    Evidence,
    HistoryEntry,
    Note,
    NoteFilters,
    check_url,
    dedupe,
    dump_evidence,
    normalize_verdict,
    now,
    plain,
)
from workbench.records import SOURCE_TYPES

if TYPE_CHECKING:
    from workbench.api import Workbench

__all__ = [
    "VERDICTS",
    "Evidence",
    "HistoryEntry",
    "Note",
    "NoteFilters",
    "Notes",
    "normalize_verdict",
]


class Notes:
    """Note operations on one open :class:`~workbench.api.Workbench` (its store and settings)."""

    def __init__(self, wb: Workbench, relink: bool = True) -> None:
        self.wb = wb
        self.store = wb.store
        if relink:
            self.relink()

    # --- writes ------------------------------------------------------------------------------

    def add(
        self,
        claim_id: int,
        verdict: str,
        rationale: str = "",
        evidence: Iterable[str | int | dict[str, Any] | Evidence] = (),
        reviewer: str | None = None,
        source: str | None = None,
        source_type: str | None = None,
        attribution_id: int | None = None,
        scope: str = "claim",
    ) -> Note:
        """Create the note on a claim (one live note per claim and scope).

        A second ``add`` for the same claim raises ConflictError carrying the existing note,
        so two tabs creating a note at once cannot both win: the loser updates instead.
        """
        reviewer = self._reviewer(reviewer)
        if scope not in SCOPES:
            raise InputError("scope", f"{scope!r} is not one of: {', '.join(SCOPES)}")
        claim = self.store.claim(int(claim_id))
        article = self.store.article(claim.article_id)
        values = {
            "verdict": normalize_verdict(verdict),
            "rationale": rationale or "",
            "evidence": self.parse_evidence(evidence),
            **self._attribution(claim.id, source, source_type, attribution_id),
        }
        at = now()
        with self.store.transaction():
            existing = self.live_for(claim.id, scope)
            if existing is not None:
                raise ConflictError(
                    f"claim {claim.id} already has note {existing.id} (version {existing.version}, "
                    f"{existing.verdict_label}, by {existing.reviewer} at {existing.updated_at}); "
                    "update that note instead",
                    current=existing,
                )
            row = {"uid": uuid.uuid4().hex, "claim_id": claim.id, "claim_hash": self._hash_of(claim.id),
                   "claim_text": claim.text, "article_id": article.id, "article_url": article.url,
                   "scope": scope, **values, "reviewer": reviewer, "updated_by": reviewer, "created_at": at, "updated_at": at,
                   "version": 1}  # fmt: skip
            note_id = self.insert_row(row)
            changes = {
                k: {"old": None, "new": plain(v)}
                for k, v in values.items()
                if v not in (None, "", [])
            }
            self.log(note_id, 1, "create", reviewer, at, changes)
        return self.get(note_id)

    def update(
        self,
        note_id: int,
        expected_version: int,
        *,
        reviewer: str | None = None,
        verdict: str = UNSET,
        rationale: str = UNSET,
        evidence: Iterable[Any] = UNSET,
        add_evidence: Iterable[Any] = (),
        remove_evidence: Iterable[Any] = (),
        source: str | None = UNSET,
        source_type: str | None = UNSET,
        attribution_id: int | None = UNSET,
    ) -> Note:
        """Change fields of a note last seen at ``expected_version``.

        Raises ConflictError (``.current`` = the stored note) when someone saved since, with a
        message listing their edits; re-read, re-apply and retry. A save that changes nothing
        returns the note unchanged (no new version).
        """
        reviewer = self._reviewer(reviewer)
        wanted: dict[str, Any] = {}
        if verdict is not UNSET:
            wanted["verdict"] = normalize_verdict(verdict)
        if rationale is not UNSET:
            wanted["rationale"] = rationale or ""
        parsed_add = self.parse_evidence(add_evidence)
        parsed_remove = self.parse_evidence(remove_evidence)
        parsed_all = self.parse_evidence(evidence) if evidence is not UNSET else None
        with self.store.transaction():
            current = self._current(note_id, expected_version)
            if any(v is not UNSET for v in (source, source_type, attribution_id)):
                if source is None and source_type is UNSET and attribution_id is UNSET:
                    src, typ, att = None, None, None  # source=None clears the confirmed attribution
                else:
                    src = current.source if source is UNSET else source
                    typ = current.source_type if source_type is UNSET else source_type
                    att = current.attribution_id if attribution_id is UNSET else attribution_id
                wanted.update(self._attribution(current.claim_id, src, typ, att))
            if parsed_all is not None or parsed_add or parsed_remove:
                items = list(current.evidence if parsed_all is None else parsed_all)
                drop = {e.key() for e in parsed_remove}
                items = dedupe([e for e in items + parsed_add if e.key() not in drop])
                wanted["evidence"] = items
            changes = {
                k: {"old": plain(getattr(current, k)), "new": plain(v)}
                for k, v in wanted.items()
                if plain(getattr(current, k)) != plain(v)
            }
            if not changes:
                return current
            version, at = current.version + 1, now()
            sets = {
                k: (dump_evidence(v) if k == "evidence" else v)
                for k, v in wanted.items()
                if k in changes
            }
            if current.state == "approved":  # the approval was of the old content
                sets["state"] = "in_progress"
                changes["state"] = {"old": "approved", "new": "in_progress"}
            self.store.update_note(current, sets, reviewer, at, version)
            self.log(current.id, version, "update", reviewer, at, changes)
        return self.get(note_id)

    def delete(
        self, note_id: int, expected_version: int | None = None, reviewer: str | None = None
    ) -> Note:
        """Soft-delete: the note leaves lists and exports but stays, with a history row."""
        reviewer = self._reviewer(reviewer)
        with self.store.transaction():
            current = self._current(note_id, expected_version)
            version, at = current.version + 1, now()
            self.store.soft_delete_note(current.id, reviewer, at, version)
            self.log(
                current.id,
                version,
                "delete",
                reviewer,
                at,
                {"deleted_at": {"old": None, "new": at}},
            )
        return self.get(note_id)

    def relink(self) -> int:
        """Reattach notes whose claim vanished (article deleted, then re-ingested) by content hash.

        Prefers a claim in the same article; leaves the note unattached when there is none or
        when that claim already has a live note. Returns how many notes were reattached.
        """
        fixed = 0
        for note_id, claim_hash, article_id, scope in self.store.orphan_notes():
            claim_id = self.find_claim(claim_hash, article_id)
            if claim_id is None:
                continue
            with self.store.transaction():
                if self.live_for(claim_id, scope) is not None:
                    continue
                self.store.attach_note(note_id, claim_id)
            fixed += 1
        return fixed

    # --- reads -------------------------------------------------------------------------------

    def get(self, note_id: int) -> Note:
        """A note by id (deleted ones too: check ``note.deleted``)."""
        note = self.store.note(note_id)
        if note is None:
            raise NotFound(f"no note {note_id}")
        return note

    def get_by_uid(self, uid: str) -> Note | None:
        return self.store.note_by_uid(uid)

    def list(self, filters: NoteFilters | None = None, **kw: Any) -> list[Note]:
        """Notes passing ``filters`` (or the same fields as keywords), oldest first."""
        return self.store.notes_matching(filters or NoteFilters(**kw))

    def for_claim(self, claim_id: int, include_deleted: bool = False) -> list[Note]:
        """Notes on the claim itself plus cluster notes anchored on any member of its cluster."""
        members = [int(m) for m in self.wb.cluster_members(int(claim_id))] or [int(claim_id)]
        return self.store.notes_on(int(claim_id), members, include_deleted)

    def history(self, note_id: int) -> list[HistoryEntry]:
        """Every change to a note, oldest first."""
        self.get(note_id)
        return self.store.note_history(note_id)

    # --- helpers (also used by import) ----------------------------------------------------------

    def parse_evidence(self, items: Iterable[Any]) -> list[Evidence]:
        """Evidence from URLs, claim ids (``12`` or ``"claim:12"``), dicts or Evidence objects."""
        out: list[Evidence] = []
        for item in items or ():
            if isinstance(item, Evidence):
                out.append(item)
            elif isinstance(item, dict):
                if item.get("url"):
                    out.append(Evidence(url=check_url(str(item["url"]))))
                elif item.get("claim_id") is not None and not item.get("claim_hash"):
                    out.append(self._claim_evidence(int(item["claim_id"])))
                elif item.get("claim_hash"):
                    out.append(
                        Evidence(
                            claim_id=item.get("claim_id"),
                            claim_hash=item["claim_hash"],
                            article_id=item.get("article_id"),
                        )
                    )
                else:
                    raise InputError("evidence", f"{item!r} has neither a url nor a claim")
            else:
                text = str(item).strip()
                ref = text[6:] if text.lower().startswith("claim:") else text
                if ref.isdigit():
                    out.append(self._claim_evidence(int(ref)))
                else:
                    out.append(Evidence(url=check_url(text)))
        return dedupe(out)

    def find_claim(self, claim_hash: str, article_id: str | None = None) -> int | None:
        """The claim with this text hash here, preferring the same article; lowest id otherwise."""
        return self.store.claim_with_hash(claim_hash, article_id)

    def _claim_evidence(self, claim_id: int) -> Evidence:
        try:
            claim = self.store.claim(claim_id)
        except NotFound as exc:
            raise InputError("evidence", f"claim {claim_id} is not in this workbench") from exc
        return Evidence(
            claim_id=claim.id, claim_hash=self._hash_of(claim.id), article_id=claim.article_id
        )

    def _hash_of(self, claim_id: int) -> str:
        return self.store.claim_text_hash(claim_id)

    def _attribution(
        self,
        claim_id: int | None,
        source: str | None,
        source_type: str | None,
        attribution_id: int | None,
    ) -> dict[str, Any]:
        """The confirmed attribution; an attribution id fills in missing source name/type."""
        if attribution_id is not None:
            found = self.store.attribution_source(attribution_id)
            if found is None or (claim_id is not None and found[0] != int(claim_id)):
                raise InputError(
                    "attribution_id",
                    f"attribution {attribution_id} does not belong to claim {claim_id}",
                )
            source = source or found[1] or None
            source_type = source_type or found[2]
        source = (source or "").strip() or None
        if source_type is not None and source_type not in SOURCE_TYPES:
            raise InputError(
                "source_type", f"{source_type!r} is not one of: {', '.join(SOURCE_TYPES)}"
            )
        if source and source_type is None:
            raise InputError(
                "source_type", f"say what kind of source {source!r} is ({', '.join(SOURCE_TYPES)})"
            )
        return {
            "source": source,
            "source_type": source_type,
            "attribution_id": int(attribution_id) if attribution_id is not None else None,
        }

    def _reviewer(self, reviewer: str | None, action: str = "note.write") -> str:
        """Who the change is recorded as: in team mode always the signed-in user (never a
        typed name), after checking the role; else the given or configured reviewer."""
        if self.wb.team_mode:
            return self.wb.require(action)
        name = (reviewer or self.wb.settings.reviewer or "").strip()
        if not name:
            raise WorkbenchError("name a reviewer (reviewer=…, --reviewer or WORKBENCH_REVIEWER)")
        return name

    def live_for(self, claim_id: int, scope: str) -> Note | None:
        return self.store.live_note(claim_id, scope)

    def _current(self, note_id: int, expected_version: int | None) -> Note:
        """The stored note, checked against the version the caller last saw (in a transaction)."""
        current = self.get(note_id)
        if current.deleted:
            raise ConflictError(
                f"note {current.id} was deleted by {current.deleted_by} at {current.deleted_at}",
                current=current,
            )
        if expected_version is not None and int(expected_version) != current.version:
            newer = [h for h in self.history(current.id) if h.version > int(expected_version)]
            edits = "\n  ".join(h.describe() for h in newer) or "(no history rows)"
            raise ConflictError(
                f"note {current.id} changed since version {expected_version} (now version {current.version});"
                f" the other edit(s):\n  {edits}\nreload the note, re-apply your change and save again",
                current=current,
            )
        return current

    def insert_row(self, row: dict[str, Any]) -> int:
        """Insert a ``notes`` row from column values (inside a transaction); returns its id."""
        return self.store.insert_note(row)

    def log(
        self,
        note_id: int,
        version: int,
        action: str,
        reviewer: str,
        at: str,
        changes: dict[str, Any],
    ) -> None:
        self.store.log_note(note_id, version, action, reviewer, at, changes)
        before = {k: c.get("old") for k, c in changes.items()} if action != "create" else None
        after = {k: c.get("new") for k, c in changes.items()}
        # Who did it: the signed-in user in team mode (an import replays others' versions)
        who = self.wb.actor_name if self.wb.team_mode else reviewer
        self.wb.record(f"note.{action}", f"note:{note_id}", before, after, actor=who)
