"""BM25 over claim texts (bm25s), kept in ``DATA/bm25/`` and rebuilt lazily when the store changes.

Hybrid search adds this lexical side to the dense index: names, figures and rare words that
a small sentence model blurs are exact matches here. bm25s has no incremental add, so the
index is rebuilt from the store whenever its claim count or id sum differs from the saved
manifest (claim ids are AUTOINCREMENT, so that pair changes on every ingest and delete).
Rebuilding 100k short claims takes a few seconds. Also here: ``clean_query``, which strips
tweet noise (links, handles, signatures) before both the lexical and the dense lookup.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from workbench.retrieval.index_policy import write_json_atomic
from workbench.text.keyterms import STOPWORDS
from workbench.text.stem import light_stem

if TYPE_CHECKING:
    from workbench.api import Workbench

log = logging.getLogger(__name__)

BM25_DIR = "bm25"
MANIFEST = "manifest.json"
TOKENIZER_VERSION = 1

# ---------------------------------------------------------------------------- query cleaning

_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*", re.I)
# "— Center for Bio Div (@CenterForBioDiv) January 14, 2020" at the end of an embedded tweet:
# the author's name is kept (claims are often "X said ..."), the handle and date go.
_SIGNATURE = re.compile(r"\s*[—–―]\s*([^—–―\n(]{0,80}?)\s*\(@\w{1,30}\)[^—–―\n]{0,40}$")
_HASHTAG = re.compile(r"#(\w+)")
_HANDLE = re.compile(r"(?<![\w@])@(\w{1,30})")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&nbsp;": " "}
_SPACE = re.compile(r"\s+")


def split_camel(word: str) -> str:
    """``AustralianFires`` → ``Australian Fires``, ``snake_case`` → ``snake case``; digits stay."""
    return _CAMEL.sub(" ", word.replace("_", " ")).strip()


def clean_query(text: str) -> str:
    """A tweet or pasted post reduced to its wording: no links, signature, ``#``/``@`` marks.

    Hashtags and handles keep their words (split at camel case), since they often name the
    topic ("#AustralianFires") or the speaker; the trailing "— Name (@handle) date" line of
    an embedded tweet becomes "Name" (fact-checks are often about who said it); URLs and
    pic.twitter.com links go.
    """
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    text = _URL.sub(" ", text)
    text = _SIGNATURE.sub(lambda m: f" — {m.group(1)}" if m.group(1) else "", text.rstrip())
    text = _HASHTAG.sub(lambda m: f" {split_camel(m.group(1))} ", text)
    text = _HANDLE.sub(lambda m: f" {split_camel(m.group(1))} ", text)
    return _SPACE.sub(" ", text).strip()


# ---------------------------------------------------------------------------- tokenising

_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")


def tokenize(text: str) -> list[str]:
    """Lowercased word tokens without stopwords, lightly stemmed: the BM25 vocabulary."""
    text = text.lower().replace("’", "'").replace("'s ", " ")
    return [light_stem(w) for w in _WORD.findall(text) if w not in STOPWORDS]


# ---------------------------------------------------------------------------- the index


class BM25Index:
    """bm25s over a list of texts, with positions mapped back to caller ids (claim ids)."""

    def __init__(self, ids: np.ndarray, model: Any) -> None:
        self.ids = np.ascontiguousarray(ids, dtype=np.int64)
        self.model = model
        self.manifest: dict[str, Any] = {}

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, ids: Sequence[int] | np.ndarray, texts: Sequence[str]) -> BM25Index:
        import bm25s

        model = bm25s.BM25()
        tokens = [tokenize(t) for t in texts]
        if tokens:
            model.index(tokens, show_progress=False)
        return cls(np.asarray(ids, dtype=np.int64), model)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed text for ``query`` (zeros when no term is known)."""
        if not len(self.ids):
            return np.zeros(0, dtype=np.float32)
        vocab = self.model.vocab_dict
        term_ids = [vocab[t] for t in tokenize(query) if t in vocab]
        if not term_ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.model.get_scores(term_ids), dtype=np.float32)

    def top_of(
        self, scores: np.ndarray, n: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """(id, score) of the ``n`` best positive ``scores`` (from :meth:`scores`) in ``allowed``."""
        if allowed is not None:
            mask = np.zeros(len(self.ids), dtype=bool)
            want = np.asarray(allowed, dtype=np.int64)
            pos = np.searchsorted(self.ids, want)  # ids are sorted: cheaper than np.isin
            inside = pos < len(self.ids)
            pos, want = pos[inside], want[inside]
            mask[pos[self.ids[pos] == want]] = True
            scores = np.where(mask, scores, 0.0)
        n = min(n, int(np.count_nonzero(scores > 0)))
        if n <= 0:
            return []
        part = np.argpartition(-scores, n - 1)[:n]
        part = part[np.argsort(-scores[part], kind="stable")]
        return [(int(self.ids[i]), float(scores[i])) for i in part]

    def values_at(self, scores: np.ndarray, ids: Sequence[int]) -> dict[int, float]:
        """``scores`` of the given ids (0 for ids not indexed); ids are kept sorted."""
        if not ids or not len(self.ids):
            return dict.fromkeys(ids, 0.0)
        want = np.asarray(ids, dtype=np.int64)
        pos = np.clip(np.searchsorted(self.ids, want), 0, len(self.ids) - 1)
        found = self.ids[pos] == want
        return {
            int(i): float(scores[p]) if ok else 0.0
            for i, p, ok in zip(want, pos, found, strict=True)
        }

    def save(self, directory: Path, **manifest: Any) -> None:
        """bm25s files plus ids.npy and a manifest, written to a temp folder then swapped in."""
        tmp = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if len(self.ids):
            self.model.save(str(tmp))
        np.save(tmp / "ids.npy", self.ids)
        self.manifest = {"tokenizer": TOKENIZER_VERSION, "count": len(self.ids), **manifest}
        write_json_atomic(tmp / MANIFEST, self.manifest)
        old = directory.with_name(directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if directory.exists():
            directory.rename(old)
        tmp.rename(directory)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path) -> BM25Index:
        import bm25s

        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        ids = np.load(directory / "ids.npy")
        model = bm25s.BM25.load(str(directory), mmap=False) if len(ids) else bm25s.BM25()
        index = cls(ids, model)
        index.manifest = manifest
        return index


# ---------------------------------------------------------------------------- per workbench

Fingerprinted = tuple[tuple[int, int], BM25Index]


def lexical_index(wb: Workbench) -> BM25Index:
    """The workbench's BM25 index (kept on the instance: ``Workbench.lexical``)."""
    return wb.lexical()


def current_lexical(wb: Workbench, cached: Fingerprinted | None) -> Fingerprinted:
    """(store fingerprint, BM25 index): ``cached`` while the store has not changed, else
    loaded from DATA/bm25 or rebuilt when stale.

    A cheap fingerprint (SQLite data_version and this connection's change count) skips the
    store check on repeated searches; when it moves, the claim count and id sum decide.
    """
    fp = wb.store.change_fingerprint()
    if cached is not None and cached[0] == fp:
        return cached
    count, id_sum = wb.store.claim_id_summary()
    index = cached[1] if cached is not None else None
    directory = Path(wb.data_dir) / BM25_DIR
    if index is None and (directory / MANIFEST).exists():
        try:
            index = BM25Index.load(directory)
        except Exception as exc:  # a broken BM25 folder is rebuilt from the store
            log.warning("BM25 index in %s unreadable (%s); rebuilding", directory, exc)
            index = None
    if index is None or not _current(index, count, id_sum, wb.settings.embed_context):
        index = rebuild_lexical(wb)
    return wb.store.change_fingerprint(), index


def _current(index: BM25Index, count: int, id_sum: int, context: str) -> bool:
    m = index.manifest
    return (
        m.get("tokenizer") == TOKENIZER_VERSION
        and m.get("context", "none") == context
        and m.get("count") == count
        and m.get("id_sum") == id_sum
    )


def rebuild_lexical(wb: Workbench) -> BM25Index:
    """Build the BM25 index over every claim in the store and save it to DATA/bm25.

    Each claim is indexed as it is embedded (``Workbench.claim_input``: with
    ``embed_context=title`` followed by its article's headline), so both sides of the hybrid
    search see one text.
    """
    started = time.perf_counter()
    context = wb.settings.embed_context
    rows = wb.store.claim_texts()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    index = BM25Index.build(ids, [wb.claim_input(r[1], r[2]) for r in rows])
    seconds = round(time.perf_counter() - started, 3)
    index.save(
        Path(wb.data_dir) / BM25_DIR,
        context=context,
        id_sum=int(ids.sum()) if len(ids) else 0,
        build_seconds=seconds,
        build_time=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    )
    log.info("rebuilt BM25 index over %d claims in %.2f s", len(ids), seconds)
    return index
