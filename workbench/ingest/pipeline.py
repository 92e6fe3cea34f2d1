"""The ingest pipeline: drafts → segment → attribute → embed → store → index, in chunks.

Each chunk of articles is written to the store in one transaction, then added to the vector
index; the index file is saved at the end (and every few chunks). A crash between the two
leaves the store ahead of the index, which :meth:`Workbench.repair` detects and mends on the
next open. Chunking keeps memory bounded however many articles come in, and because
re-ingesting a stored article is a no-op, an interrupted ingest resumes by running it again.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from workbench.attribution.pool import AttributionPool, resolve_processes
from workbench.errors import InputError
from workbench.ingest import dateline, segment
from workbench.ingest import readers as ingest
from workbench.ingest.limits import Limits
from workbench.ingest.status import IngestStatus
from workbench.records import (
    Article,
    ArticleDraft,
    Attribution,
    ClaimSpan,
    FileResult,
    IngestReport,
)
from workbench.retrieval.embed import text_hash
from workbench.text.language import ENGLISH, claim_language

if TYPE_CHECKING:
    from workbench.api import Workbench

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (inputs done, claims stored)
StatusHook = Callable[[IngestStatus], None]
SAVE_MIN_CLAIMS = 2_000  # claims added before a mid-ingest index save is worth its write
RAMP = 3  # the first chunks hold 1/8, 1/4, 1/2 of the full characters (``Pipeline.limit``)


def _announce_total(items: object, progress: Progress | None) -> int | None:
    """The input count when the reader can estimate it (for ETAs), also given to a
    progress bar that takes it."""
    estimate = getattr(items, "estimate_total", None)
    if not callable(estimate):
        return None
    total = estimate()
    bar = getattr(progress, "__self__", None)
    if bar is not None and hasattr(bar, "set_total"):
        bar.set_total(total)
    return total


def resolve_workers(setting: int) -> int:
    """The ``ingest_workers`` setting as a count: 0 means every core of the machine."""
    if setting > 0:
        return setting
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(slots=True)
class Prepared:
    """An article ready to store: segmented and attributed, not yet embedded."""

    article: Article
    spans: list[ClaimSpan]
    attributions: list[list[Attribution]] = field(default_factory=list)


class Pipeline:
    """Runs ingest for one open :class:`Workbench`."""

    def __init__(
        self,
        wb: Workbench,
        chunk_articles: int = 256,
        chunk_chars: int = 100_000,
        save_every: int = 20,
    ) -> None:
        # A chunk ends at whichever limit comes first: short items (one claim each) still make
        # embedding batches big enough to sort by length, long articles keep memory bounded.
        self.wb = wb
        self.chunk_articles = chunk_articles
        self.chunk_chars = chunk_chars
        self.save_every = save_every
        self.timings: dict[str, float] = {}
        self.limits = Limits.from_settings(wb.settings)
        self.workers = resolve_workers(getattr(wb.settings, "ingest_workers", 0))
        self._lock = threading.Lock()
        self._began = time.perf_counter()
        self._total: int | None = None
        self._progress: Progress | None = None
        self._status: StatusHook | None = None
        self.attribution_pool: AttributionPool | None = None  # while ``Overlap`` runs one

    def _tick(self, stage: str, started: float) -> float:
        now = time.perf_counter()
        with self._lock:  # stages run on two threads when they overlap
            self.timings[stage] = self.timings.get(stage, 0.0) + now - started
        return now

    def run(
        self,
        items: Iterable[ArticleDraft | InputError],
        progress: Progress | None = None,
        status: StatusHook | None = None,
    ) -> IngestReport:
        """Ingest ``items``; ``progress(inputs done, claims)`` is called as inputs are consumed,
        and ``status`` (when given) with an :class:`IngestStatus` (claims/s, ETA per stage).

        An article already stored (or seen earlier in this run) is recognised by the hash of
        its text before any parsing, so resuming an interrupted ingest skips it cheaply. With
        ``ingest_workers`` >= 2 a worker thread segments and attributes chunk *k+1* while
        this thread embeds, stores and indexes chunk *k* (then reads chunk *k+2*); chunks are
        committed in input order, so ids and results equal a serial run's.
        """
        report = IngestReport()
        began = self._began = time.perf_counter()
        self._total = _announce_total(items, progress)
        self._progress, self._status = progress, status
        chunk: list[tuple[ArticleDraft, FileResult]] = []
        chunk_chars = 0
        seen: set[str] = set()
        done = 0
        shown = began
        ahead = Overlap(self) if self.workers >= 2 else Serial(self)
        try:
            for item in items:
                done += 1
                ahead.done = done - len(chunk)
                if time.perf_counter() - shown > 0.5:
                    self.report(done - len(chunk), ahead.claims)
                    shown = time.perf_counter()
                if isinstance(item, InputError):
                    report.results.append(FileResult(item.origin, "failed", item.reason))
                    continue
                result = FileResult(item.origin or "input", "ingested")
                report.results.append(result)
                t0 = time.perf_counter()
                if item.text and item.text.strip():
                    aid = ingest.article_id(item.text)  # equals the id of the normalised text
                    if aid in seen or self.wb.store.has_article(aid):
                        result.article_id = aid
                        result.status, result.reason = "duplicate", "already ingested"
                        self._tick("skip", t0)
                        continue
                try:
                    ingest.check_draft(item, self.limits)
                    ingest.finish_draft(item)
                except InputError as exc:
                    result.status, result.reason = "failed", exc.reason
                    continue
                aid = ingest.article_id(item.text)
                result.article_id = aid
                self._tick("parse", t0)
                if aid in seen or self.wb.store.has_article(aid):
                    result.status, result.reason = "duplicate", "already ingested"
                    continue
                seen.add(aid)
                chunk.append((item, result))
                chunk_chars += len(item.text)
                articles, chars = self.limit(ahead.submitted)
                if len(chunk) >= articles or chunk_chars >= chars:
                    ahead.done = done
                    ahead.submit(chunk)
                    chunk, chunk_chars = [], 0
                    shown = time.perf_counter()
            ahead.done = done
            if chunk:
                ahead.submit(chunk)
            ahead.finish()
        finally:
            ahead.close()
        t0 = time.perf_counter()
        self.wb.save_index()
        self._tick("save", t0)
        self.report(done, ahead.claims)
        report.seconds = time.perf_counter() - began
        return report

    def limit(self, index: int) -> tuple[int, int]:
        """(articles, characters) that end chunk ``index`` (0-based). The first ``RAMP`` chunks
        hold fewer characters (1/8, 1/4, 1/2): nothing overlaps the first chunk's attribution,
        whose cost follows the text's length, so the encoder waits for it; a small first chunk
        starts the encoder sooner. The article count is not ramped (many one-line records cost
        little to attribute). The same limits in a serial run, so chunk boundaries (and what
        the cluster update sees per chunk) do not depend on ``ingest_workers``."""
        shift = max(0, RAMP - index)
        return self.chunk_articles, max(1, self.chunk_chars >> shift)

    def report(self, done: int, claims: int) -> None:
        """Tell the progress and status hooks where the run is."""
        if self._progress:
            self._progress(done, claims)
        if self._status:
            with self._lock:
                stages = dict(self.timings)
            self._status(
                IngestStatus(
                    inputs_done=done,
                    inputs_total=self._total,
                    claims=claims,
                    elapsed_s=time.perf_counter() - self._began,
                    stages=stages,
                )
            )

    def _english(self, texts: list[str], attributor: Any) -> list[list[Any]]:
        """English attributions of ``texts``: in the attribution processes when there are
        some (``attribution_processes``), else on this thread; same results either way."""
        if self.attribution_pool is not None and texts:
            try:
                return self.attribution_pool.extract_many(texts)
            except Exception as exc:  # a worker died or could not start
                log.warning("attribution processes failed (%s); attributing on this thread", exc)
                self.close_attribution_pool()
        return attributor.extract_many(texts)

    def close_attribution_pool(self) -> None:
        """Stop the attribution processes, if any; later chunks attribute in-thread."""
        pool, self.attribution_pool = self.attribution_pool, None
        if pool is not None:
            pool.close()

    def _prepare(
        self, chunk: list[tuple[ArticleDraft, FileResult]]
    ) -> tuple[list[Prepared], list[tuple[ArticleDraft, FileResult]]]:
        """Segment and attribute a chunk; an article that fails there fails alone (its result
        says why) and the rest of the chunk goes on. Returns (prepared, their chunk items)."""
        settings = self.wb.settings
        prepared: list[Prepared] = []
        kept: list[tuple[ArticleDraft, FileResult]] = []
        t0 = time.perf_counter()
        stamp = ingest.now_iso()
        for draft, result in chunk:
            outlet = self.wb.canonical_outlet(draft.outlet, draft.url)
            art = Article(
                id=ingest.article_id(draft.text),
                text=draft.text,
                title=draft.title,
                outlet=outlet,
                date=dateline.fill_date(draft.date, draft.text),
                url=draft.url,
                language=draft.language,
                ingested_at=stamp,
                origin=draft.origin,
                sources=draft.sources,
                meta=draft.meta,
            )
            try:
                spans = segment.segment(art.text, art.title, art.language, settings.min_claim_words)
            except Exception as exc:
                result.status, result.reason = "failed", f"cannot segment: {_one_line(exc)}"
                continue
            for span in spans:
                span.language = claim_language(span.text, art.language)
            prepared.append(Prepared(art, spans))
            kept.append((draft, result))
        t0 = self._tick("segment", t0)
        from workbench.attribution.assign import assign_to_claims

        attributor = self.wb.attributor() if settings.attribution else None
        if attributor is not None:
            # English (and unknown) articles go to the English engine in one batch; the
            # others to their language's cue patterns (workbench.attribution.patterns)
            english = [n for n, p in enumerate(prepared) if p.article.language in (None, ENGLISH)]
            try:
                batch = self._english([prepared[n].article.text for n in english], attributor)
                found = dict(zip(english, batch, strict=True))
            except Exception:
                found = {}
            ok: list[Prepared] = []
            ok_items: list[tuple[ArticleDraft, FileResult]] = []
            for n, (p, item) in enumerate(zip(prepared, kept, strict=True)):
                try:
                    if p.article.language in (None, ENGLISH):
                        atts = found[n] if n in found else attributor.extract(p.article.text)
                    else:
                        patterns = self.wb.pattern_attributor(p.article.language)
                        atts = patterns.extract(p.article.text) if patterns is not None else []
                    p.attributions = assign_to_claims(atts, p.spans, publisher=p.article.outlet)
                except Exception as exc:
                    item[1].status = "failed"
                    item[1].reason = f"cannot attribute: {_one_line(exc)}"
                    continue
                ok.append(p)
                ok_items.append(item)
            prepared, kept = ok, ok_items
        else:  # no engine: every claim in the article's own voice
            for p in prepared:
                p.attributions = assign_to_claims([], p.spans, publisher=p.article.outlet)
        self._tick("attribute", t0)
        return prepared, kept

    def _flush(self, chunk: list[tuple[ArticleDraft, FileResult]]) -> int:
        """Prepare, store and index one chunk in this thread; returns how many claims it added."""
        return self._commit(*self._prepare(chunk))

    def _commit(
        self, prepared: list[Prepared], chunk: list[tuple[ArticleDraft, FileResult]]
    ) -> int:
        """Embed, store and index prepared articles; returns how many claims they added.

        Each claim is encoded once, bare; its search vector adds the headline's vector
        (``retrieval.vectors.claim_vectors``), so clusters get the bare vectors for free.
        """
        from workbench.retrieval.vectors import claim_vectors

        wb = self.wb
        if not prepared:
            return 0
        t0 = time.perf_counter()
        texts = [s.text for p in prepared for s in p.spans]
        titles = [p.article.title for p in prepared for s in p.spans]
        hashes = [text_hash(t) for t in texts]
        # vectors_for (inside) also caches new embeddings in the store, keyed by their text
        bare, search = claim_vectors(wb, texts, titles)
        t0 = self._tick("embed", t0)
        all_ids: list[int] = []
        with wb.store.transaction():
            pos = 0
            for p in prepared:
                wb.store.insert_article(p.article)
                wb.record(
                    "ingest",
                    f"article:{p.article.id}",
                    None,
                    {"title": p.article.title, "outlet": p.article.outlet, "claims": len(p.spans)},
                )
                n = len(p.spans)
                ids = wb.store.insert_claims(p.article.id, p.spans, hashes[pos : pos + n])
                for cid, atts in zip(ids, p.attributions, strict=True):
                    wb.store.insert_attributions(cid, p.article.id, atts)
                all_ids += ids
                pos += n
        t0 = self._tick("store", t0)
        if all_ids:
            wb.index.add(np.array(all_ids, dtype=np.int64), search)
        t0 = self._tick("index", t0)
        from workbench.retrieval.multilingual import counts_as_foreign

        # an article in another language starts the e5 index; a quoted foreign line inside an
        # English article does not (docs/settings.md, `multilingual`)
        foreign = any(
            p.article.language not in (None, ENGLISH)
            and any(counts_as_foreign(s.text, s.language) for s in p.spans)
            for p in prepared
        )
        wb.after_ingest(all_ids, vectors=bare, foreign=foreign, tick=self._tick)
        for (_, result), p in zip(chunk, prepared, strict=True):
            result.claims = len(p.spans)
        return len(all_ids)


class Serial:
    """Chunks prepared and committed one after the other on the calling thread."""

    def __init__(self, pipe: Pipeline) -> None:
        self.pipe = pipe
        self.claims = 0
        self.done = 0
        self.chunks = 0
        self.unsaved = 0
        self.submitted = 0  # chunks handed to ``submit`` so far

    def _committed(self, added: int) -> None:
        self.claims += added
        self.chunks += 1
        # Save every ``save_every`` chunks while the index is small, then only once the claims
        # added since the last save reach half the index: a save writes the whole index, so a
        # fixed period made saving cost grow with the store (issue 14); geometric spacing
        # keeps it a constant share. A crash loses no data either way (repair re-adds from
        # the embedding cache without encoding).
        self.unsaved += added
        if self.chunks % self.pipe.save_every == 0 and self.unsaved >= max(
            SAVE_MIN_CLAIMS, len(self.pipe.wb.index) // 2
        ):
            self.pipe.wb.save_index()
            self.unsaved = 0
        self.pipe.report(self.done, self.claims)

    def submit(self, chunk: list[tuple[ArticleDraft, FileResult]]) -> None:
        self.submitted += 1
        self._committed(self.pipe._flush(chunk))

    def finish(self) -> None:
        """Commit whatever is still being prepared."""

    def close(self) -> None:
        """Release the worker (none here)."""


class Overlap(Serial):
    """One chunk prepared (segment + attribute) on a worker thread while the previous one is
    embedded and stored here; commits keep input order."""

    def __init__(self, pipe: Pipeline) -> None:
        super().__init__(pipe)
        wb = pipe.wb
        wb.outlets()  # built once here, not raced for by two threads
        if wb.settings.attribution:
            wb.attributor()
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="workbench-prepare")
        self.pending: Future[tuple[list[Prepared], list[Any]]] | None = None
        processes = resolve_processes(wb.settings.attribution_processes, pipe.workers)
        if wb.settings.attribution and processes > 0:
            pipe.attribution_pool = AttributionPool(processes, wb.outlets())

    def submit(self, chunk: list[tuple[ArticleDraft, FileResult]]) -> None:
        self.submitted += 1
        ready = self.pool.submit(self.pipe._prepare, chunk)
        self.finish()
        self.pending = ready

    def finish(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            self._committed(self.pipe._commit(*pending.result()))

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pipe.close_attribution_pool()


def _one_line(exc: BaseException) -> str:
    """An exception as one short line (library errors can span many)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]
