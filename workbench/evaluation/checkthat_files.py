"""CheckThat! input files: a corpus or query collection (TSV, a folder or ``.tar.gz`` of JSON
claims) and qrels, read into plain records for the retrieval evaluation."""

from __future__ import annotations

import csv
import io
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import InputError


@dataclass(slots=True)
class Collection:
    ids: list[str]
    texts: list[str]
    fields: list[dict[str, str]] = field(default_factory=list)


def read_qrels(path: Path) -> dict[str, set[str]]:
    qrels: dict[str, set[str]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4:
            raise InputError(f"{path}:{n}", "qrels line must read 'qid 0 docid relevance'")
        qid, _, doc, rel = parts
        if rel not in {"0", "1"} and not rel.isdigit():
            raise InputError(f"{path}:{n}", f"relevance {rel!r} is not a number")
        if int(rel) > 0:
            qrels.setdefault(qid, set()).add(doc)
    return qrels


def read_tsv(path: Path, known_ids: set[str] | None = None) -> Collection:
    """Rows of a TSV file; a first row whose id is a known id (or not id-like) is data, not a header."""
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    if not rows:
        raise InputError(str(path), "empty TSV file")
    header: list[str] = []
    first = rows[0]
    if known_ids is None or first[0] not in known_ids:
        header, rows = [c.strip() for c in first], rows[1:]
    ids, texts, fields = [], [], []
    for n, row in enumerate(rows, 2 if header else 1):
        if not row or not row[0].strip():
            continue
        if len(row) < 2:
            raise InputError(f"{path}:{n}", "row needs an id and at least one text column")
        ids.append(row[0].strip())
        texts.append(" ".join(c.strip() for c in row[1:] if c.strip()))
        fields.append(dict(zip(header[1:], row[1:], strict=False)) if header else {})
    return Collection(ids, texts, fields)


def read_json_claims(path: Path) -> Collection:
    """CheckThat! 2021 style claims: one JSON object per file, in a folder or a tar.gz."""
    docs: list[dict[str, Any]] = []
    if path.is_dir():
        for file in sorted(path.rglob("*.json")):
            docs.append(json.loads(file.read_text(encoding="utf-8")))
    else:
        with tarfile.open(path) as tar:
            for member in sorted(tar.getmembers(), key=lambda m: m.name):
                if member.isfile() and member.name.endswith(".json"):
                    docs.append(json.load(tar.extractfile(member)))  # type: ignore[arg-type]
    ids, texts = [], []
    for d in docs:
        doc_id = d.get("vclaim_id") or d.get("id")
        if doc_id is None:
            raise InputError(str(path), "JSON claim without 'vclaim_id' or 'id'")
        ids.append(str(doc_id))
        texts.append(
            " ".join(str(d.get(k) or "").strip() for k in ("vclaim", "title") if d.get(k)).strip()
        )
    return Collection(ids, texts, [{k: str(v) for k, v in d.items()} for d in docs])


def read_corpus(path: Path) -> Collection:
    if path.is_dir() or path.name.endswith((".tar.gz", ".tgz", ".tar")):
        return read_json_claims(path)
    return read_tsv(path)
