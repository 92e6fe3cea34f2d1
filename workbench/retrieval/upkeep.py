"""The index lifecycle of a :class:`~workbench.api.Workbench`: the FAISS index as a cache of
the store, loaded, saved (switching its kind when its size asks), repaired or rebuilt from the
store's embedding cache; the multilingual index beside it; the BM25 index; cached embeddings.

A mixin, so that ``wb.index``, ``wb.save_index()`` and ``wb.check_and_repair()`` stay on the
one seam while the facade module keeps to the operations users call.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from workbench.errors import ReadOnlyData, StorageFull, WorkbenchError
from workbench.retrieval.embed import (
    EMBED_INPUT_VERSION,
    HEADLINE_MODE,
    HEADLINE_SCALE,
    embed_key,
    embedding_text,
)
from workbench.retrieval.index import FaissIndex
from workbench.retrieval.index_policy import choose_kind, read_manifest

if TYPE_CHECKING:
    from workbench.compare.neighbours import NeighbourState
    from workbench.retrieval.embed import TextEmbedder
    from workbench.retrieval.lexical import BM25Index
    from workbench.settings import Settings

log = logging.getLogger("workbench.api")


class IndexUpkeep:
    """Index, multilingual index, BM25 and embedding cache of one open data directory."""

    settings: Settings
    data_dir: Path
    store: Any
    lock: Any
    readonly: bool
    embedder: TextEmbedder
    dimension: int
    last_repair: dict[str, int] | None
    _index: FaissIndex | None
    _multilingual: Any
    _generation: int | None
    _lexical: tuple[tuple[int, int], BM25Index] | None
    _neighbours: NeighbourState | None

    @property
    def index(self) -> FaissIndex:
        if self._index is None:
            self._generation = self.store.generation()
            manifest = read_manifest(self.data_dir)
            if manifest is not None and manifest.get("model") not in (
                None,
                "",
                self.embedder.model_name,
            ):
                raise WorkbenchError(
                    f"the index in {self.data_dir} was built with {manifest['model']!r}, not "
                    f"{self.embedder.model_name!r}; use another data directory or re-ingest"
                )
            try:
                self._index = FaissIndex.load(self.data_dir) if manifest else None
            except Exception as exc:
                log.warning(
                    "index in %s unreadable (%s); rebuilding from the store", self.data_dir, exc
                )
                self._index = None
            if self._index is None:
                count, _ = self.store.claim_id_summary()
                kind = choose_kind(self.settings.index_kind, count, self.settings.flat_max)
                self._index = FaissIndex(self.dimension, self.embedder.model_name, kind=kind)
        return self._index

    @property
    def neighbour_state(self) -> NeighbourState:
        """The cluster update's in-memory neighbour cache (``compare.neighbours``)."""
        if self._neighbours is None:
            from workbench.compare.neighbours import NeighbourState

            self._neighbours = NeighbourState()
        return self._neighbours

    def save_index(self) -> None:
        """Save the index, first switching its kind when the setting or its size asks for it.

        Under ``index_kind=auto`` an exact index that grew past ``flat_max`` becomes IVF here
        (rebuilt chunk by chunk from the vectors it holds, ids and deletions kept), and an IVF
        index that outgrew its training (8×) is retrained the same way; so it happens after an
        ingest or a repair, never during a search.
        """
        index = self.index
        wanted = choose_kind(
            self.settings.index_kind, len(index), self.settings.flat_max, index.kind
        )
        if wanted != index.kind or index.needs_retrain():
            log.info(
                "rebuilding the index in %s from %s as %s (%d claims)",
                self.data_dir,
                index.kind,
                wanted,
                len(index),
            )
            converted = index.converted(wanted)
            if self._neighbours is not None:  # same ids, other kind: the cache still holds
                self._neighbours.follow(index, converted)
            self._index = index = converted
        index.manifest["embed_input"] = self.embed_input
        if self.readonly:
            raise ReadOnlyData(self.data_dir)
        index.manifest["multilingual"] = self._multilingual_note()
        try:
            index.save(self.data_dir)
            if self._multilingual is not None:
                self._multilingual.save()
        except (OSError, RuntimeError) as exc:
            if _disk_full(exc, self.data_dir):
                raise StorageFull(
                    f"disk full while saving the index in {self.data_dir}: the store is intact;"
                    " free some space and run `workbench repair`"
                ) from exc
            raise
        self._generation = self.store.bump_generation()

    def _multilingual_note(self) -> dict[str, Any]:
        from workbench.retrieval.multilingual import DESIGN, FOLDER, MODEL_NAME

        return {
            "design": DESIGN,
            "active": self._multilingual is not None or (self.data_dir / FOLDER).exists(),
            "folder": FOLDER,
            "model": MODEL_NAME,
        }

    def multilingual(self, create: bool = True) -> Any:
        """The multilingual (e5) index, or None when this directory does not need one.

        It is created, and filled with every stored claim, when the first claim that is not
        English arrives (``multilingual=auto``); see ``workbench.retrieval.multilingual``.
        """
        if self._multilingual is None:
            from workbench.retrieval.multilingual import MultilingualIndex, wanted

            if not create or not wanted(self):
                return None
            self._multilingual = MultilingualIndex(self)
            self._multilingual.sync()
        return self._multilingual

    @property
    def embed_input(self) -> str:
        """What the index's vectors embed (input version and ``embed_context``), kept in its
        manifest so an index built from other inputs is rebuilt rather than mixed."""
        context = self.settings.embed_context
        if context == "title":  # the headline is combined in (retrieval.vectors), not encoded
            return f"v{EMBED_INPUT_VERSION}:{HEADLINE_MODE}{HEADLINE_SCALE:g}:{context}"
        return f"v{EMBED_INPUT_VERSION}:{context}"

    def claim_input(self, text: str, title: str | None) -> str:
        """What the search index embeds (and BM25 indexes) for a claim of an article titled
        ``title``, under this workbench's ``embed_context``."""
        return embedding_text(text, title, self.settings.embed_context)

    def lexical(self) -> BM25Index:
        """The BM25 index over this workbench's claims: kept on this instance while the store
        is unchanged, else loaded from DATA/bm25 or rebuilt when stale."""
        from workbench.retrieval.lexical import current_lexical

        self._lexical = current_lexical(self, self._lexical)
        return self._lexical[1]

    def search_vectors(self, ids: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """(ids found, the vectors the index holds for them) for stored claims, in id order:
        bare claim and headline from the embedding cache, combined (``retrieval.vectors``)."""
        from workbench.retrieval.vectors import stored_search_vectors

        return stored_search_vectors(self, ids)

    def check_and_repair(self) -> dict[str, int]:
        """Make the index hold exactly the store's claims; re-embeds only what is not cached.

        Nothing is mended in a read-only data directory, nor while another process writes."""
        if self.readonly or not self.lock.try_acquire():
            # Read-only, or another writer is at work: it saves its own index when done.
            self.last_repair = {"added": 0, "removed": 0}
            return self.last_repair
        try:
            return self._check_and_repair()
        finally:
            self.lock.release()

    def _check_and_repair(self) -> dict[str, int]:
        count, id_sum = self.store.claim_id_summary()
        manifest = read_manifest(self.data_dir) or {}
        if count and manifest and manifest.get("embed_input") != self.embed_input:
            log.warning(
                "the index in %s embeds %s, not %s; rebuilding it (%d claims)",
                self.data_dir,
                manifest.get("embed_input", "older inputs"),
                self.embed_input,
                count,
            )
            removed = int(manifest.get("count") or 0)
            self.last_repair = {"added": self._rebuild_index(), "removed": removed}
            return self.last_repair
        index_file = (self.data_dir / "claims.faiss").exists()
        kind = manifest.get("kind") or "flat"
        kind_ok = choose_kind(self.settings.index_kind, count, self.settings.flat_max, kind) == kind
        if (
            index_file
            and kind_ok
            and manifest.get("count") == count
            and manifest.get("id_sum") == id_sum
        ):
            self.last_repair = {"added": 0, "removed": 0}
            return self.last_repair
        if not index_file and count == 0:
            self.last_repair = {"added": 0, "removed": 0}
            return self.last_repair
        store_ids = self.store.all_claim_ids()
        index_ids = self.index.ids()
        stale = np.setdiff1d(index_ids, store_ids)
        missing = np.setdiff1d(store_ids, index_ids)
        removed = self.index.remove(stale.tolist()) if len(stale) else 0
        self.neighbour_state.drop()  # changed outside an ingest: its size check cannot tell
        if len(missing):
            self.index.add(*self.search_vectors(missing.tolist()))
        self.save_index()
        self.multilingual()
        self.last_repair = {"added": len(missing), "removed": int(removed)}
        if len(missing) or removed:
            log.warning("repaired index in %s: %s", self.data_dir, self.last_repair)
        return self.last_repair

    def rebuild_index(self) -> int:
        """Rebuild the whole index from the store (and the embedding cache)."""
        with self.writing():
            return self._rebuild_index()

    def _rebuild_index(self) -> int:
        ids, vectors = self.search_vectors(self.store.all_claim_ids().tolist())
        kind = choose_kind(self.settings.index_kind, len(ids), self.settings.flat_max)
        self._index = FaissIndex(self.dimension, self.embedder.model_name, kind=kind)
        self._index.build(ids, vectors)
        self.save_index()
        return len(ids)

    def vectors_for(self, texts: Sequence[str], hashes: Sequence[str] | None = None) -> np.ndarray:
        """Embeddings for ``texts``, from the cache when the same text was embedded before;
        ``hashes`` are their cache keys (``embed_key`` of each text when omitted)."""
        hashes = list(hashes) if hashes is not None else [embed_key(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        cached = self.store.get_embeddings(self.embedder.model_name, hashes)
        todo = [i for i, h in enumerate(hashes) if h not in cached]
        unique: dict[str, int] = {}
        for i in todo:
            unique.setdefault(hashes[i], i)
        if unique:
            fresh = self.embedder.encode([texts[i] for i in unique.values()])
            for h, vec in zip(unique, fresh, strict=True):
                cached[h] = vec
            if self.store.readonly:
                pass  # nothing is cached in a read-only data directory
            elif self.store.in_transaction:
                self.store.put_embeddings(self.embedder.model_name, zip(unique, fresh, strict=True))
            else:
                with self.store.transaction():
                    self.store.put_embeddings(
                        self.embedder.model_name, zip(unique, fresh, strict=True)
                    )
        return np.stack([cached[h] for h in hashes]).astype(np.float32)


def _disk_full(exc: BaseException, directory: Path) -> bool:
    if getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT):
        return True
    # FAISS reports a failed write as a RuntimeError carrying strerror's text, and has removed
    # its temporary file by then, so the free space below may look fine again.
    if any(m in str(exc) for m in (os.strerror(errno.ENOSPC), os.strerror(errno.EDQUOT))):
        return True
    import shutil

    try:  # FAISS reports a failed write as a RuntimeError without the errno
        return shutil.disk_usage(directory).free < 1024 * 1024
    except OSError:
        return False
