"""Server paths for the app: files inside one allowed tree only (``server_paths``).

A browser user must not read ``/etc/passwd`` through the Ingest page, nor learn which paths
exist: every target and every file found under a folder is resolved (symlinks followed) and
must lie inside the tree, and anything outside gets one reply whether it exists or not.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from workbench.errors import InputError
from workbench.ingest.limits import DEFAULT, Limits
from workbench.ingest.readers import _files_under, _guard, _iter_inputs, read_file
from workbench.records import ArticleDraft

OUTSIDE = "not inside the folder the app may read (WORKBENCH_SERVER_PATHS)"


def confined(
    targets: Iterable[str], root: str | Path, limits: Limits = DEFAULT
) -> Iterator[ArticleDraft | InputError]:
    """Inputs from server paths, but only inside the one tree ``root`` (the app's rule).

    Each target (relative to ``root``, or absolute) and every file found under a folder is
    resolved, symlinks followed, and must lie inside ``root``; anything else gets the same
    reply whether or not it exists, so the errors never tell what lies outside. URLs go through
    the URL guard as usual.
    """
    base = Path(root).expanduser().resolve()
    for target in targets:
        if "://" in target:
            yield from _iter_inputs([target], None, None, limits)
            continue
        inside = _inside(base / target, base)
        if inside is None:
            yield InputError(target, OUTSIDE)
            continue
        if inside.is_dir():
            try:
                files = sorted(_files_under(inside))
            except OSError:
                yield InputError(target, "cannot read folder")
                continue
            if not files:
                yield InputError(target, "folder holds no files")
            for file in files:
                shown = str(file.relative_to(base)) if file.is_relative_to(base) else str(file)
                real = _inside(file, base)
                if real is None:
                    yield InputError(shown, OUTSIDE)
                    continue
                yield from _guard(
                    shown, lambda f=real, o=shown: _renamed(read_file(f, {}, limits=limits), o, f)
                )
        elif inside.exists():
            yield from _guard(
                target, lambda f=inside, o=target: _renamed(read_file(f, {}, limits=limits), o, f)
            )
        else:
            yield InputError(target, "no such file or folder")


def _inside(path: Path, base: Path) -> Path | None:
    """``path`` resolved (symlinks followed), when it lies inside ``base``; else None."""
    try:
        real = path.resolve(strict=False)
    except (OSError, RuntimeError):  # a symlink loop
        return None
    return real if real == base or real.is_relative_to(base) else None


def _renamed(
    items: Iterable[ArticleDraft | InputError], shown: str, real: Path
) -> Iterator[ArticleDraft | InputError]:
    """Origins relative to the allowed tree, so the server's layout stays private."""
    prefix = str(real)
    for item in items:
        origin = item.origin or ""
        if origin.startswith(prefix):
            origin = shown + origin[len(prefix) :]
        if isinstance(item, InputError):
            item = InputError(origin, item.reason)
        else:
            item.origin = origin
        yield item
