"""The review workflow of a note: in progress → ready for review → approved / returned.

A checker writes a note (``in_progress``) and submits it (``ready_for_review``); an editor
approves it or returns it with a reason; a returned note goes back to work and is submitted
again. Editing an approved note's content puts it back in progress (the approval was of the
old text). A note can be assigned to a user. Every step is a new note version, in the note's
history and in the audit trail, and checks the version the caller last saw (optimistic
concurrency, as for edits). Only approved notes go into a ClaimReview export for publishing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.errors import ConflictError, InputError, NotFound
from workbench.notes.records import Note, NoteFilters, now

if TYPE_CHECKING:
    from workbench.api import Workbench

STATES = ("in_progress", "ready_for_review", "approved", "returned")
STATE_LABELS = {
    "in_progress": "in progress",
    "ready_for_review": "ready for review",
    "approved": "approved",
    "returned": "returned",
}
# step → (states it starts from, state it leads to, permission it needs)
STEPS: dict[str, tuple[frozenset[str], str, str]] = {
    "submit": (frozenset({"in_progress", "returned"}), "ready_for_review", "note.submit"),
    "approve": (frozenset({"ready_for_review"}), "approved", "note.approve"),
    "return": (frozenset({"ready_for_review", "approved"}), "returned", "note.approve"),
    "reopen": (
        frozenset({"approved", "returned", "ready_for_review"}),
        "in_progress",
        "note.write",
    ),
}


@dataclass(slots=True)
class Queue:
    """The Notes page's queue for one user."""

    assigned_to_me: list[Note] = field(default_factory=list)
    waiting_for_review: list[Note] = field(default_factory=list)
    approved_unpublished: list[Note] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "assigned_to_me": [n.to_dict() for n in self.assigned_to_me],
            "waiting_for_review": [n.to_dict() for n in self.waiting_for_review],
            "approved_unpublished": [n.to_dict() for n in self.approved_unpublished],
        }


class Workflow:
    """Review steps on one workbench's notes, as its acting user."""

    def __init__(self, wb: Workbench) -> None:
        self.wb = wb
        self.store = wb.store

    def step(
        self, note_id: int, step: str, expected_version: int | None = None, reason: str = ""
    ) -> Note:
        """Move a note one step (submit, approve, return, reopen)."""
        if step not in STEPS:
            raise InputError("step", f"{step!r} is not one of: {', '.join(STEPS)}")
        starts, target, permission = STEPS[step]
        who = self.wb.require(permission)
        with self.store.transaction():
            current = self._current(note_id, expected_version)
            if current.state not in starts:
                raise ConflictError(
                    f"note {current.id} is {STATE_LABELS[current.state]}; it cannot be {step}"
                    f"{'t' if step == 'submit' else ''}ed from there",
                    current=current,
                )
            sets: dict[str, Any] = {"state": target}
            at = now()
            if step in ("approve", "return"):
                sets.update(reviewed_by=who, reviewed_at=at)
            changes = {"state": {"old": current.state, "new": target}}
            if reason.strip():
                changes["reason"] = {"old": None, "new": reason.strip()}
            self._save(current, sets, changes, who, at, f"note.{step}")
        return self.wb.notes.get(note_id)

    def submit(self, note_id: int, expected_version: int | None = None) -> Note:
        return self.step(note_id, "submit", expected_version)

    def approve(self, note_id: int, expected_version: int | None = None) -> Note:
        return self.step(note_id, "approve", expected_version)

    def return_(self, note_id: int, expected_version: int | None = None, reason: str = "") -> Note:
        return self.step(note_id, "return", expected_version, reason)

    def assign(
        self, note_id: int, assignee: str | None, expected_version: int | None = None
    ) -> Note:
        """Assign a note to a user (editors assign anyone; a checker may take a note)."""
        name = (assignee or "").strip() or None
        taking = name is not None and name.lower() == self.wb.actor_name.lower()
        who = self.wb.require("note.write" if taking else "note.approve")
        if name is not None and self.wb.team_mode:
            user = self.wb.users.get(name)  # NotFound for an unknown user
            if user.disabled:
                raise InputError("assignee", f"user {user.name!r} is disabled")
            name = user.name
        with self.store.transaction():
            current = self._current(note_id, expected_version)
            if current.assignee == name:
                return current
            changes = {"assignee": {"old": current.assignee, "new": name}}
            self._save(current, {"assignee": name}, changes, who, now(), "note.assign")
        return self.wb.notes.get(note_id)

    def queue(self, user: str | None = None) -> Queue:
        """Assigned to ``user`` (default: the acting user) and not approved; waiting for
        review; approved but not yet published."""
        me = (user or self.wb.actor_name).lower()
        out = Queue()
        for note in self.wb.notes.list(NoteFilters()):
            if note.assignee and note.assignee.lower() == me and note.state != "approved":
                out.assigned_to_me.append(note)
            if note.state == "ready_for_review":
                out.waiting_for_review.append(note)
            if note.state == "approved" and not note.published_at:
                out.approved_unpublished.append(note)
        return out

    def mark_published(self, notes: list[Note]) -> None:
        """Stamp approved notes as published (after a publishing export)."""
        if not notes:
            return
        who = self.wb.require("publish")
        with self.store.transaction():
            at = now()
            for note in notes:
                self.store.set_note_published(note.id, at)
            self.wb.record("publish", "notes", None, {"notes": [n.id for n in notes]}, actor=who)

    # --- internals --------------------------------------------------------------------

    def _current(self, note_id: int, expected_version: int | None) -> Note:
        current = self.store.note(int(note_id))
        if current is None:
            raise NotFound(f"no note {note_id}")
        return self.wb.notes._current(current.id, expected_version)

    def _save(
        self,
        current: Note,
        sets: dict[str, Any],
        changes: dict[str, Any],
        who: str,
        at: str,
        action: str,
    ) -> None:
        version = current.version + 1
        self.store.update_note(current, sets, who, at, version)
        self.store.log_note(current.id, version, "update", who, at, changes)
        before = {k: c["old"] for k, c in changes.items()}
        after = {k: c["new"] for k, c in changes.items()}
        self.wb.record(action, f"note:{current.id}", before, after, actor=who)
