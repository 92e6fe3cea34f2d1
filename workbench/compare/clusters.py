"""Claim clusters: claims from different articles that state the same thing.

Why: a fact-checker looking at one claim wants every outlet's version of it, and notes or
exports can then apply to the whole cluster. Clusters are kept up to date incrementally: each
new claim looks up its nearest neighbours in the FAISS index (never a full rebuild) and

- neighbours from *other* articles with cosine >= ``threshold`` propose their cluster (or
  themselves, when not yet clustered);
- the claim joins the proposed cluster whose **average** cosine to all its members is highest,
  provided that average is >= ``threshold`` too and the cosine to every member reaches
  ``threshold - LINK_GAP`` (average-link, not single-link: one borderline neighbour cannot
  drag a claim into a cluster it does not resemble as a whole, which is what makes
  single-link chain unrelated statements together);
- when the claim qualifies for two clusters, they merge only if the same tests hold between
  their members.

Compare's same-statement judge (fitted on MRPC) is *not* used here: on the labelled
current-events pairs (``bench/clusters_eval.py``) every judge operating point tried lowered
recall without raising precision (docs/clusters.md has the table).

Only claims that matched something are stored; a claim with no cluster is its own cluster
of one. ``rebuild`` re-runs the same procedure over the whole store (after changing the
threshold), in article date order.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from workbench.compare.neighbours import day_number as _day
from workbench.text.keyterms import KeyTerms, extract_key_terms, key_term_conflict, stem

if TYPE_CHECKING:
    from workbench.api import Workbench
    from workbench.compare.neighbours import Neighbours
    from workbench.records import ClaimFact

NEIGHBOURS = 20  # nearest neighbours looked at per new claim
REBUILD_CHUNK = 512
MAX_COMPARED = 48  # members of one cluster a new claim is compared with (a spread sample)
LINK_GAP = 0.12  # every member must reach threshold - LINK_GAP (complete-link floor)
MAX_DAYS_APART = 7  # dated news claims further apart than this are not one statement


@dataclass(slots=True)
class Cluster:
    """One cluster: its id and member claim ids (ascending)."""

    id: int
    claim_ids: list[int] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.claim_ids)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "size": self.size}


@dataclass(slots=True)
class ClusterUpdate:
    """What one incremental update did (for logs and tests)."""

    claims: int = 0
    joined: int = 0
    created: int = 0
    merged: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


# --------------------------------------------------------------------------- reads


def cluster_of(wb: Workbench, claim_id: int) -> int | None:
    """The cluster id of a claim, or None when it is a cluster of one."""
    return wb.store.cluster_of(claim_id)


def cluster_claims(wb: Workbench, cluster_id: int) -> list[int]:
    """Member claim ids of a stored cluster (empty when it does not exist)."""
    return wb.store.cluster_claims(cluster_id)


def members(wb: Workbench, claim_id: int) -> list[int]:
    """Claims that state the same thing as ``claim_id``, itself included."""
    cid = cluster_of(wb, claim_id)
    return cluster_claims(wb, cid) if cid is not None else [int(claim_id)]


def clusters(wb: Workbench, min_size: int = 2) -> list[Cluster]:
    """All stored clusters with at least ``min_size`` members, largest first."""
    groups: dict[int, list[int]] = {}
    for cid, claim in wb.store.cluster_memberships():
        groups.setdefault(cid, []).append(claim)
    out = [Cluster(cid, ids) for cid, ids in groups.items() if len(ids) >= min_size]
    return sorted(out, key=lambda c: (-c.size, c.id))


# --------------------------------------------------------------------------- updates


class _Vectors:
    """Claim vectors from the embedding cache, fetched on demand and memoised.

    Clusters compare claims by their own wording: vectors of the bare claim text, not the
    search index's (which, under ``embed_context=title``, carry the headline and would pull
    every claim of two articles on one story together). A claim without a headline has one
    vector for both, so this costs an extra encode only for claims of titled articles.
    """

    def __init__(self, wb: Workbench) -> None:
        self.wb = wb
        self.cache: dict[int, np.ndarray] = {}
        self.held: Neighbours | None = None  # in-memory bare vectors, read before the store

    def get(self, ids: Sequence[int], texts: dict[int, str] | None = None) -> np.ndarray:
        """Vectors of ``ids``; ``texts`` (claim id -> text) saves a store read when known."""
        todo = [int(i) for i in ids if int(i) not in self.cache]
        if todo and self.held is not None:
            self.cache.update(self.held.vectors(todo))
            todo = [i for i in todo if i not in self.cache]
        if todo:
            if texts is None or any(i not in texts for i in todo):
                texts = {i: f.text for i, f in self.wb.store.claim_facts(todo).items()}
            got = sorted(i for i in todo if i in texts)
            vecs = self.wb.vectors_for([texts[i] for i in got])
            self.cache.update({int(i): v for i, v in zip(got, vecs, strict=True)})
        return np.stack([self.cache[int(i)] for i in ids]) if ids else np.zeros((0, 1), np.float32)


class _Updater:
    """Applies new claims to the stored clusters, one claim at a time, inside a transaction."""

    def __init__(self, wb: Workbench, threshold: float) -> None:
        self.wb = wb
        self.store = wb.store
        self.threshold = threshold
        self.vectors = _Vectors(wb)
        self.report = ClusterUpdate()
        self.texts: dict[int, str] = {}
        self.dates: dict[int, int | None] = {}
        self.articles: dict[int, str] = {}
        self.missing: set[int] = set()  # ids looked up and not in the store
        self._pairs: dict[tuple[int, int], bool] = {}  # compatible(), asked once per pair

    def _members(self, key: tuple[str, int]) -> list[int]:
        """The members a claim is compared with: all of a small cluster, an evenly spread
        sample of ``MAX_COMPARED`` of a big one, so a claim's cost does not grow with it."""
        kind, value = key
        if kind != "cluster":
            return [value]
        ids = cluster_claims(self.wb, value)
        if len(ids) <= MAX_COMPARED:
            return ids
        step = len(ids) / MAX_COMPARED
        return [ids[int(i * step)] for i in range(MAX_COMPARED)]

    def _key(self, claim_id: int) -> tuple[str, int]:
        cid = cluster_of(self.wb, claim_id)
        return ("cluster", cid) if cid is not None else ("claim", int(claim_id))

    def _info(self, ids: list[int]) -> None:
        """Read the text, date and article of claims not known yet, in one store call."""
        todo = sorted({i for i in ids if i not in self.texts and i not in self.missing})
        if not todo:
            return
        rows = self.wb.store.claim_facts(todo)
        self.missing.update(i for i in todo if i not in rows)
        self.remember(rows)

    def remember(self, rows: dict[int, ClaimFact]) -> None:
        """Keep the text, article and day of read claims."""
        for cid, row in rows.items():
            self.texts[cid] = row.text
            self.dates[cid] = _day(row.date)
            self.articles[cid] = row.article_id

    def _held_fact(self, claim_id: int) -> tuple[int, int | None] | None:
        held = self.vectors.held
        return held.article_day(claim_id) if held is not None else None

    def day_of(self, claim_id: int) -> int | None:
        """A claim's article day, from memory when the neighbour cache holds it."""
        if claim_id in self.dates:
            return self.dates[claim_id]
        fact = self._held_fact(claim_id)
        if fact is not None:
            return fact[1]
        self._info([claim_id])
        return self.dates.get(claim_id)

    def other_article(self, a: int, b: int) -> bool:
        """Whether ``b`` is a stored claim of another article than ``a`` (which is known)."""
        fa, fb = self._held_fact(a), self._held_fact(b)
        if fa is not None and fb is not None:
            return fa[0] != fb[0]
        if b not in self.articles:
            self._info([b])
        return b in self.articles and self.articles[b] != self.articles[a]

    def near_day(self, a: int, b: int) -> bool:
        """Not dated more than MAX_DAYS_APART apart (unknown dates are near)."""
        da, db = self.day_of(a), self.day_of(b)
        return da is None or db is None or abs(da - db) <= MAX_DAYS_APART

    def needs_read(self, claim_id: int) -> bool:
        """Whether comparing this claim still needs its row (text for key terms, or article)."""
        if claim_id in self.texts or claim_id in self.missing:
            return False
        held = self.vectors.held
        return held is None or held.key_terms(claim_id) is None or self._held_fact(claim_id) is None

    def key_terms(self, claim_id: int) -> KeyTerms | None:
        """A claim's key terms (None when it is not in the store), cached by claim id."""
        held = self.vectors.held
        got = held.key_terms(claim_id) if held is not None else None
        if got is not None:
            return got
        if claim_id not in self.texts:
            self._info([claim_id])
        text = self.texts.get(claim_id)
        if text is None:
            return None
        got = extract_key_terms(text)
        if held is not None:
            held.keep_terms(claim_id, got)
        return got

    def compatible(self, a: int, b: int) -> bool:
        """Not one statement: dated more than MAX_DAYS_APART apart, or naming a different
        place/party or a different date in otherwise similar wording."""
        pair = (a, b) if a <= b else (b, a)
        known = self._pairs.get(pair)
        if known is None:
            known = self._pairs[pair] = self._compatible(a, b)
        return known

    def _compatible(self, a: int, b: int) -> bool:
        if not self.near_day(a, b):
            return False
        da, db = self.day_of(a), self.day_of(b)
        ka, kb = self.key_terms(a), self.key_terms(b)
        if ka is None or kb is None:
            return True
        conflict = key_term_conflict(ka, kb)
        if conflict.entities or conflict.dates:
            return False
        if not conflict.numbers:
            return True
        # "the fifth day of strikes" / "the seventh": a different event of a series
        kinds = {n.kind for n in (*ka.numbers, *kb.numbers) if n.text in _flat(conflict.numbers)}
        if "ordinal" in kinds:
            return False
        # A different figure on a different day is another day's event ("85 killed in Gaza" /
        # "80 killed in Gaza") unless one side reports a revised figure ("toll rises to 132").
        if da is not None and db is not None and da != db:
            return bool(_REVISION & (ka.words | kb.words))
        return True

    def _score(self, claim_id: int, vec: np.ndarray, ids: list[int]) -> float | None:
        """Average cosine to the members, or None when the claim fails the complete-link
        floor or is incompatible with any member (see ``compatible``)."""
        sims = self.vectors.get(ids) @ vec
        if float(sims.min()) < self.threshold - LINK_GAP:
            return None
        self._info([m for m in ids if self.needs_read(m)])  # one read for the members
        if not all(self.compatible(claim_id, m) for m in ids):
            return None
        return float(sims.mean())

    def _joinable(self, a: list[int], b: list[int]) -> bool:
        sims = self.vectors.get(a) @ self.vectors.get(b).T
        if float(sims.mean()) < self.threshold or float(sims.min()) < self.threshold - LINK_GAP:
            return False
        self._info([m for m in (*a, *b) if self.needs_read(m)])
        return all(self.compatible(x, y) for x in a for y in b)

    def _ensure_cluster(self, key: tuple[str, int]) -> int:
        if key[0] == "cluster":
            return key[1]
        cid = self.store.create_cluster(_now())
        self.report.created += 1
        self._put(key[1], cid, 1.0)
        return cid

    def _put(self, claim_id: int, cluster_id: int, sim: float) -> None:
        self.store.put_cluster_member(claim_id, cluster_id, round(sim, 6), _now())
        self.store.touch_cluster(cluster_id, _now())

    def _merge(self, keep: int, other: tuple[str, int]) -> None:
        if other[0] == "claim":
            self._put(other[1], keep, 1.0)
            return
        self.store.merge_clusters(keep, other[1])
        self.report.merged += 1

    def add(self, claim_id: int, vec: np.ndarray, candidates: list[int]) -> None:
        """Place one claim given its above-threshold neighbours from other articles."""
        self.report.claims += 1
        groups: dict[tuple[str, int], float | None] = {}
        for n in candidates:
            key = self._key(n)
            if key not in groups:
                groups[key] = self._score(claim_id, vec, self._members(key))
        eligible = sorted(
            ((s, k) for k, s in groups.items() if s is not None and s >= self.threshold),
            reverse=True,
        )
        if not eligible:
            return
        own = self._key(claim_id)
        if own[0] == "claim":  # join the best cluster (creating it from a lone neighbour)
            score, best = eligible.pop(0)
            cid = self._ensure_cluster(best)
            self._put(claim_id, cid, score)
            self.report.joined += 1
            own = ("cluster", cid)
        for _, key in eligible:  # the claim bridges clusters: merge when they agree on average
            key = self._key(key[1]) if key[0] == "claim" else key
            if key == own:
                continue
            if self._joinable(self._members(own), self._members(key)):
                self._merge(own[1], key)


def add_claims(
    wb: Workbench,
    claim_ids: Sequence[int],
    threshold: float | None = None,
    vectors: np.ndarray | None = None,
) -> ClusterUpdate:
    """Update clusters for newly indexed claims (they must already be in the index);
    ``vectors``, their bare vectors when the caller has them, save reading them back."""
    threshold = wb.settings.cluster_threshold if threshold is None else threshold
    ids = [int(i) for i in claim_ids]
    updater = _Updater(wb, threshold)
    if vectors is not None and len(vectors) == len(ids):
        updater.vectors.cache.update({i: v for i, v in zip(ids, vectors, strict=True)})
    if not ids or not len(wb.index):
        return updater.report
    vecs = updater.vectors.get(ids)
    updater.remember(wb.store.claim_facts(ids))
    facts = [(updater.articles.get(i), updater.dates.get(i)) for i in ids]
    scores, nbrs = _neighbours(wb, updater, ids, vecs, facts)
    near = _near(updater, ids, scores, nbrs)
    updater._info([n for ns in near for n in ns if updater.needs_read(n)])
    with wb.store.transaction():
        for row, cid in enumerate(ids):
            cands = [n for n in near[row] if updater.compatible(cid, n)]
            if cands:
                updater.add(cid, vecs[row], cands)
    return updater.report


def _near(
    updater: _Updater, ids: list[int], scores: np.ndarray, nbrs: np.ndarray
) -> list[list[int]]:
    """Per new claim, its neighbours at or above the threshold from another article and
    within MAX_DAYS_APART (most one-liners' neighbours fail the date test). Decided on arrays
    from the neighbour cache's article codes and days when it holds both claims, else
    (no cache, or facts unknown) from the rows, read in one call."""
    from workbench.compare.neighbours import NO_DAY

    own = np.asarray(ids, dtype=np.int64)[:, None]
    keep = (nbrs >= 0) & (scores >= updater.threshold) & (nbrs != own)
    held = updater.vectors.held
    if held is None:
        decided = np.zeros(nbrs.shape, dtype=bool)
        updater._info([int(n) for n in nbrs[keep]])
    else:
        na, nd = held.facts(nbrs)
        oa, od = (x[:, None] for x in held.facts(own[:, 0]))
        decided = (na >= 0) & (oa >= 0)
        gap = np.abs(nd.astype(np.int64) - od.astype(np.int64))
        far = (nd != NO_DAY) & (od != NO_DAY) & (gap > MAX_DAYS_APART)
        keep &= ~(decided & ((na == oa) | far))
    out: list[list[int]] = []
    for row, cid in enumerate(ids):
        if cid not in updater.articles:
            out.append([])
            continue
        out.append(
            [
                int(n)
                for n, sure in zip(nbrs[row][keep[row]], decided[row][keep[row]], strict=True)
                if sure or (updater.other_article(cid, int(n)) and updater.near_day(cid, int(n)))
            ]
        )
    return out


def _neighbours(
    wb: Workbench,
    updater: _Updater,
    ids: list[int],
    vecs: np.ndarray,
    facts: list[tuple[str | None, int | None]],
) -> tuple[np.ndarray, np.ndarray]:
    """(bare cosines, claim ids) of each new claim's ``NEIGHBOURS + 1`` nearest claims.

    From the in-memory bare vectors (``compare.neighbours``: no scan of the store), or, above
    ``neighbour_max`` or while that cache is not worth rebuilding, from the search index, whose
    proposals are then re-scored with the bare vectors (the search index may hold headline
    vectors)."""
    from workbench.compare.neighbours import neighbour_index

    held = neighbour_index(wb, ids, vecs, facts)
    if held is not None:
        updater.vectors.held = held
        return held.search(vecs, NEIGHBOURS + 1, floor=updater.threshold)
    _, nbrs = wb.index.search(vecs, NEIGHBOURS + 1)
    proposed = {int(n) for n in nbrs.ravel() if n >= 0}
    # one read for the rows not known yet (the new claims are): their text gives the bare
    # vector, their article and day then decide `_near` without another read
    updater._info(sorted(proposed))
    found = sorted(proposed & updater.texts.keys())
    own = (
        updater.vectors.get(found, updater.texts)
        if found
        else np.zeros((0, wb.dimension), np.float32)
    )
    pos = {cid: n for n, cid in enumerate(found)}
    scores = np.full(nbrs.shape, -1.0, dtype=np.float32)
    for r, row in enumerate(nbrs):
        at = [(c, pos[int(n)]) for c, n in enumerate(row) if int(n) in pos]
        if at:
            cols, where = zip(*at, strict=True)
            scores[r, list(cols)] = own[list(where)] @ vecs[r]
    return scores, nbrs


_REVISION = {
    stem(w) for w in ["toll", "rises", "increases", "climbs", "revised", "updated", "risen"]
}


def _flat(pairs: list[tuple[str, str]]) -> set[str]:
    return {x for p in pairs for x in p}


def rebuild(wb: Workbench, threshold: float | None = None) -> ClusterUpdate:
    """Drop all clusters and re-add every claim in article date order (after a retune)."""
    with wb.store.transaction():
        wb.store.clear_clusters()
    ordered = wb.store.claim_ids_by_date()
    total = ClusterUpdate()
    for start in range(0, len(ordered), REBUILD_CHUNK):
        part = add_claims(wb, ordered[start : start + REBUILD_CHUNK], threshold)
        for name in ("claims", "joined", "created", "merged"):
            setattr(total, name, getattr(total, name) + getattr(part, name))
    return total
