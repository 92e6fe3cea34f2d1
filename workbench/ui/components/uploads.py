"""Ingest-page helpers: uploads to a temp folder (names kept), path lists, readable origins."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from workbench.ingest.readers import KNOWN_EXT

# What the uploader accepts: every extension ingest reads (without the dot).
UPLOAD_TYPES: list[str] = sorted(e.lstrip(".") for e in KNOWN_EXT)
_UNSAFE = re.compile(r"[^\w.\- ]+")


class Upload(Protocol):
    """What Streamlit's UploadedFile offers (and a test double can)."""

    name: str

    def getvalue(self) -> bytes: ...


def safe_name(name: str) -> str:
    """A file name without folders or odd characters, keeping its extension."""
    base = Path(name.replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", base).strip(" .") or "upload"
    return cleaned[:150]


def save_uploads(files: Iterable[Upload], folder: Path | None = None) -> tuple[Path, list[Path]]:
    """Write uploads into ``folder`` (a new temp dir by default); returns (folder, paths).

    Names are kept (so the format is known from the extension and the result table names the
    file); two uploads with the same name get ``-2``, ``-3`` suffixes.
    """
    folder = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="workbench-upload-"))
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for f in files:
        name = safe_name(f.name)
        path = folder / name
        n = 2
        while path in paths or path.exists():
            path = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
            n += 1
        path.write_bytes(f.getvalue())
        paths.append(path)
    return folder, paths


def remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def parse_targets(text: str) -> list[str]:
    """Server-side paths or URLs, one per line (blank lines and ``#`` comments ignored)."""
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def display_origin(origin: str, folder: Path | None) -> str:
    """An upload's origin as its file name (plus ``:record`` suffix), other origins unchanged."""
    if folder is not None:
        prefix = str(folder) + "/"
        if origin.startswith(prefix):
            return origin[len(prefix) :]
    return origin


def with_defaults(
    items: Iterable[Any], outlet: str | None = None, date: str | None = None
) -> Iterator[Any]:
    """Drafts read from uploads, with ``outlet`` and ``date`` filled where a file names none
    (per-file read errors pass through unchanged, so each still gets its own result)."""
    from workbench.records import ArticleDraft

    for item in items:
        if isinstance(item, ArticleDraft):
            item.outlet = item.outlet or outlet or None
            item.date = item.date or date or None
        yield item
