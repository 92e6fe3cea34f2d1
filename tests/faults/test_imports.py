"""Note imports: a crafted export never rewrites local history or wins a conflict silently."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tests.conftest import act_as
from tests.faults.conftest import Data
from workbench.errors import InputError


def _claim(wb) -> int:
    return next(h.claim.id for h in wb.search("NDTV drone operations agreement", k=5))


@pytest.fixture()
def noted(data: Data):
    from workbench.api import Workbench
    from workbench.notes.export import export
    from workbench.notes.service import Notes

    wb = Workbench.open(data.path)
    notes = Notes(wb)
    note = notes.add(_claim(wb), "mostly false", rationale="checked", reviewer=act_as(wb, "ana"))
    note = notes.update(note.id, 1, reviewer=act_as(wb, "ana"), rationale="checked twice")
    doc = json.loads(export(wb, "json"))
    yield wb, notes, note, doc
    wb.close()


def _history(notes, note_id: int) -> list[tuple]:
    return [(h.version, h.action, h.reviewer, h.at, json.dumps(h.changes, sort_keys=True))
            for h in notes.history(note_id)]  # fmt: skip


def test_forged_history_is_refused_and_local_history_kept(noted, data: Data) -> None:
    # Issue 13, defect 4: a forged "mallory" v2 and v3 with updated_by "ana" replaced the local
    # v2 history row and flipped the verdict.
    from workbench.notes.export import import_json

    wb, notes, note, doc = noted
    before = _history(notes, note.id)
    forged = copy.deepcopy(doc)
    rec = forged["notes"][0]
    rec["history"] += [
        {"version": 2, "action": "update", "reviewer": "mallory", "at": "2030-01-01T00:00:00Z",
         "changes": {"verdict": {"old": "mostly_false", "new": "true"}}},
        {"version": 3, "action": "update", "reviewer": "mallory", "at": "2030-01-01T00:00:01Z",
         "changes": {"rationale": {"old": "x", "new": "all fine"}}},
    ]  # fmt: skip
    rec.update(verdict="true", version=3, updated_by="ana")
    (result,) = import_json(wb, json.dumps(forged), source="forged.json", user="ben").results
    assert (result.status, result.reason) == (
        "conflict",
        "not imported: its history has two rows for version 2",
    )
    # The same forgery without the genuine v2 row: the local v2 differs from the file's.
    rec["history"] = [h for h in rec["history"] if h["reviewer"] != "ana" or h["version"] == 1]
    (result,) = import_json(wb, json.dumps(forged), source="forged.json", user="ben").results
    assert result.status == "conflict"
    assert result.reason.startswith(f"note {note.id} version 2 differs here (update by ana at ")
    assert result.reason.endswith(
        "and in the file (update by mallory at 2030-01-01T00:00:00Z); nothing changed, merge by hand"
    )
    assert _history(notes, note.id) == before
    kept = notes.get(note.id)
    assert (kept.verdict, kept.version, kept.updated_by) == ("mostly_false", 2, "ana")
    data.check_intact()


def test_imported_versions_are_appended_with_their_origin(noted, tmp_path: Path) -> None:
    from workbench.api import Workbench
    from workbench.notes.export import export, import_json
    from workbench.notes.service import Notes

    wb, notes, note, doc = noted
    other = Workbench.open(
        tmp_path / "other", settings=wb.settings.replace(data=tmp_path / "other")
    )
    other.close()
    # A third party extends the note (v3) elsewhere; importing it appends v3 here.
    notes_doc = copy.deepcopy(doc)
    rec = notes_doc["notes"][0]
    rec["history"].append({"version": 3, "action": "update", "reviewer": "cy", "at": "2030-01-02T00:00:00Z",
                           "changes": {"verdict": {"old": "mostly_false", "new": "false"}}})  # fmt: skip
    rec.update(verdict="false", version=3, updated_by="someone else")
    before = _history(notes, note.id)
    (result,) = import_json(wb, json.dumps(notes_doc), source="cy.json", user="ben").results
    assert result.status == "updated"
    after = notes.history(note.id)
    assert _history(notes, note.id)[:2] == before  # local rows untouched
    assert (after[2].version, after[2].reviewer) == (3, "cy")
    origin = after[2].changes["imported_from"]["new"]
    assert origin["file"] == "cy.json" and origin["by"] == "ben" and origin["at"]
    moved = notes.get(note.id)
    assert (moved.verdict, moved.version, moved.updated_by) == ("false", 3, "cy")
    # A local edit since, then a file that edits the same version: reported, local wins nothing lost.
    notes.update(note.id, 3, reviewer=act_as(wb, "ana"), rationale="local edit")
    rec["history"].append({"version": 4, "action": "update", "reviewer": "cy", "at": "2030-01-03T00:00:00Z",
                           "changes": {"rationale": {"old": "checked twice", "new": "theirs"}}})  # fmt: skip
    rec.update(rationale="theirs", version=4)
    (result,) = import_json(wb, json.dumps(notes_doc), source="cy.json", user="ben").results
    assert result.status == "conflict" and "version 4 differs here (update by ana" in result.reason
    assert notes.get(note.id).rationale == "local edit"
    assert json.loads(export(wb, "json"))["notes"][0]["version"] == 4
    assert Notes(wb).get(note.id).updated_by == "ana"


def test_bad_import_is_one_line(noted) -> None:
    from workbench.notes.export import import_json

    wb, _, _, _ = noted
    with pytest.raises(InputError) as err:
        import_json(wb, '{"format": "workbench-notes", "format_version": 1, "notes": [{}]}')
    assert "\n" not in str(err.value) and str(err.value).startswith(
        "import: notes[0].uid: Field required"
    )
