"""The Python API: one open data directory (store + index) and what you can do with it.

>>> from workbench import Workbench
>>> wb = Workbench.open("index")             # or WORKBENCH_DATA, or the default
>>> wb.ingest(["seeds/"])                     # files, folders, feeds, URLs
>>> hits = wb.search("Pakistan walked out of the Istanbul negotiations", k=5)

The CLI and the Streamlit app are thin layers over this class. Its index upkeep
(``workbench.retrieval.upkeep``), outlets (``workbench.outlets.service``) and acting user
(``workbench.auth.acting``) live in mixins beside their concerns.
"""

from __future__ import annotations

import errno
import logging
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from workbench.auth.acting import Acting
from workbench.errors import ReadOnlyData, WorkbenchError
from workbench.outlets.service import OutletService
from workbench.records import Article, ArticleDraft, Attribution, Claim, IngestReport, SearchHit
from workbench.retrieval.embed import TextEmbedder, embedder_for
from workbench.retrieval.index import FaissIndex
from workbench.retrieval.index_policy import read_manifest
from workbench.retrieval.upkeep import IndexUpkeep
from workbench.settings import Settings
from workbench.store.backend import open_store, writer_lock

if TYPE_CHECKING:
    from workbench.attribution import Attributor
    from workbench.compare.citations import CitationGraph
    from workbench.compare.report_records import CompareReport
    from workbench.notes.importer import ImportReport
    from workbench.notes.records import NoteFilters
    from workbench.notes.service import Notes
    from workbench.outlets.registry import OutletRegistry
    from workbench.retrieval.lexical import BM25Index

log = logging.getLogger(__name__)

EMBED_DIMENSIONS = {"all-MiniLM-L6-v2": 384}


class Workbench(Acting, IndexUpkeep, OutletService):
    """An open workbench data directory. Use :meth:`open`; close when done (or use ``with``)."""

    def __init__(self, settings: Settings, embedder: TextEmbedder | None = None) -> None:
        self.settings = settings
        self.data_dir = Path(settings.data)
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise ReadOnlyData(self.data_dir) from exc
            raise
        self.readonly = not _writable(self.data_dir)
        self.store = open_store(settings, self.data_dir, readonly=self.readonly)
        self.lock = writer_lock(settings, self.data_dir)
        # Told when a writer has to wait for another (the CLI prints it; the app logs it).
        self.on_wait: Callable[[str], None] = _to_stderr
        self._generation: int | None = None
        self.embedder: TextEmbedder = embedder or embedder_for(
            settings.model,
            settings.device,
            settings.batch_size,
            settings.torch_threads,
            backend=settings.embed_backend,
        )
        self._index: FaissIndex | None = None
        self._attributor: Attributor | None = None
        self._registry: OutletRegistry | None = None
        self._multilingual: Any = None
        self._neighbours: Any = None  # the cluster update's neighbour cache (compare.neighbours)
        self.last_repair: dict[str, int] | None = None
        # (store fingerprint, BM25 index) of this workbench, see ``lexical``
        self._lexical: tuple[tuple[int, int], BM25Index] | None = None
        self._notes: Notes | None = None

    @classmethod
    def open(
        cls,
        data: str | Path | None = None,
        settings: Settings | None = None,
        embedder: TextEmbedder | None = None,
        **overrides: Any,
    ) -> Workbench:
        """Open (creating if needed) a data directory and repair any store/index mismatch.

        ``embedder`` replaces the model the settings name (e.g. a test's
        ``workbench.retrieval.fake_embed.HashEmbedder``)."""
        settings = settings or Settings.from_env(**overrides)
        if data is not None:
            settings = settings.replace(data=Path(data))
        wb = cls(settings, embedder)
        try:
            wb._sign_in_from_settings()
        except BaseException:
            wb.close()
            raise
        wb.check_and_repair()
        return wb

    def session(self) -> Workbench:
        """A view with its own store connection, writer lock and acting user (nobody until
        signed in), sharing this workbench's model, index and caches: one per browser session
        of a team-mode app (``workbench.sessions``)."""
        from workbench.sessions import WorkbenchSession

        return WorkbenchSession(self)

    def close(self) -> None:
        self.store.close()
        if hasattr(self.lock, "close"):
            self.lock.close()

    def __enter__(self) -> Workbench:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- index lifecycle -------------------------------------------------------------------

    @property
    def dimension(self) -> int:
        known = EMBED_DIMENSIONS.get(self.embedder.model_name)
        return known if known is not None else self.embedder.dimension

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold this data directory's writer lock (waiting for another writer, and saying so),
        with the index reloaded first when another process saved a newer one."""
        if self.readonly:
            raise ReadOnlyData(self.data_dir)
        self.lock.acquire(self.on_wait)
        try:
            self.refresh()
            yield
        finally:
            self.lock.release()

    def refresh(self) -> bool:
        """Reload the index before the next lookup when another process saved a newer one
        (the store's generation moved); True when it did."""
        if self._index is None or self.store.generation() == self._generation:
            return False
        log.info("the data directory %s changed; reloading its index", self.data_dir)
        self._index = None
        self._multilingual = None  # reloaded (and brought in line) on next use
        if getattr(self.store, "backend", "sqlite") == "postgresql" and not self.lock._depth:
            # The index is a cache of a shared store: another host's ingest never reached
            # this data directory's files, so bring them in line from the embedding cache.
            self.check_and_repair()
        return True

    # --- ingest ----------------------------------------------------------------------------

    def ingest(
        self,
        targets: Iterable[str | Path],
        fields: Mapping[str, str] | None = None,
        encoding: str | None = None,
        progress: Any = None,
        status: Any = None,
    ) -> IngestReport:
        """Ingest files, folders, feeds and URLs; see :class:`IngestReport` for per-input results.
        ``progress(inputs, claims)`` and ``status(IngestStatus)`` report as it goes."""
        from workbench.ingest.limits import Limits
        from workbench.ingest.pipeline import Pipeline
        from workbench.ingest.readers import iter_inputs

        self.require("ingest")
        items = iter_inputs(targets, fields, encoding, limits=Limits.from_settings(self.settings))
        with self.writing():
            return self._finish_ingest(Pipeline(self).run(items, progress, status))

    def ingest_server_paths(
        self,
        targets: Iterable[str],
        progress: Any = None,
        root: str | None = None,
        status: Any = None,
    ) -> IngestReport:
        """Ingest files and folders on this machine for the app, inside ``server_paths`` only.

        Off (a WorkbenchError) unless the ``server_paths`` setting (or ``root``, the same
        setting read afresh by a long-running app) names a folder; see
        :func:`workbench.ingest.readers.confined` for the rules.
        """
        from workbench.ingest.confine import confined
        from workbench.ingest.limits import Limits
        from workbench.ingest.pipeline import Pipeline

        self.require("ingest")
        root = (self.settings.server_paths if root is None else root).strip()
        if not root:
            raise WorkbenchError(
                "server paths are off; an administrator can allow one folder with"
                " WORKBENCH_SERVER_PATHS"
            )
        items = confined(list(targets), root, Limits.from_settings(self.settings))
        with self.writing():
            return self._finish_ingest(Pipeline(self).run(items, progress, status))

    def ingest_drafts(
        self, drafts: Iterable[ArticleDraft], progress: Any = None, status: Any = None
    ) -> IngestReport:
        """Ingest articles given as records (the API's and the app's paste form)."""
        from workbench.ingest.pipeline import Pipeline

        self.require("ingest")
        with self.writing():
            return self._finish_ingest(Pipeline(self).run(drafts, progress, status))

    def _finish_ingest(self, report: IngestReport) -> IngestReport:
        """Refresh the BM25 index once per ingest, so the next lookup does not pay for it."""
        if report.ingested and self.settings.search_mode == "hybrid":
            self.lexical()
        return report

    def after_ingest(
        self,
        claim_ids: list[int],
        vectors: np.ndarray | None = None,
        foreign: bool | None = None,
        tick: Any = None,
    ) -> None:
        """Hook for stages that update incrementally after new claims land (e.g. clusters).

        ``vectors`` are the new claims' bare vectors when the caller has them; ``foreign``
        says whether any new claim counts as not English (``multilingual.counts_as_foreign``):
        given, only the new claims decide whether the e5 index starts now, never a scan of
        the store (issue 14: that scan grew with the store on every chunk). ``tick(stage,
        started)`` (the pipeline's stage clock) is told the clusters and multilingual seconds.
        """
        from workbench.compare.clusters import add_claims

        started = time.perf_counter()
        add_claims(self, claim_ids, vectors=vectors)
        if tick is not None:
            started = tick("clusters", started)
        if self._multilingual is not None:
            self._multilingual.add_claims(claim_ids)
        elif foreign is None:
            self.multilingual()  # the first non-English claim creates (and fills) it
        else:
            from workbench.retrieval.multilingual import wanted_after_ingest

            if wanted_after_ingest(self, foreign):
                self.multilingual()
        if tick is not None:
            tick("multilingual", started)

    def cluster_members(self, claim_id: int) -> list[int]:
        """Claim ids that state the same thing as ``claim_id`` (itself included)."""
        from workbench.compare.clusters import members

        return members(self, claim_id)

    def delete_article(self, article_id: str) -> int:
        self.require("delete")
        with self.writing():
            with self.store.transaction():
                article = self.store.article(article_id)
                ids = self.store.delete_article(article.id)
                self.record("article.delete", f"article:{article.id}",
                            {"title": article.title, "outlet": article.outlet, "claims": len(ids)})  # fmt: skip
            self.index.remove(ids)
            if self.multilingual(create=False) is not None:
                self._multilingual.index.remove(ids)
            self.save_index()
        return len(ids)

    # --- lookup ----------------------------------------------------------------------------

    def search(self, query: str, k: int | None = None, **filters: Any) -> list[SearchHit]:
        """Claims similar to ``query``; filters: outlet, date_from, date_to, exclude_article,
        source_type, cited (an outlet the article record cites), min_score."""
        from workbench.retrieval.search import Filters, search

        self.refresh()
        return search(self, query, k or self.settings.search_k, Filters(**filters))

    # --- comparison, citations, notes (delegations: the CLI and the app call these) ----------

    def compare(self, focus: int | str, **options: Any) -> CompareReport:
        """The Compare report of ``focus`` (a claim id, or a claim's text): one row per article,
        tiers, agreement, sources; options as :func:`workbench.compare.report.compare`."""
        from workbench.compare.report import compare

        return compare(self, focus, **options)

    def citations(
        self,
        claim_id: int | None = None,
        cluster_id: int | None = None,
        query: str | None = None,
        k: int = 20,
        claim_ids: Sequence[int] | None = None,
    ) -> CitationGraph:
        """Who cites whom: over ``claim_ids`` when given, else one story (a claim's cluster, a
        cluster, or a query's comparable claims), else every stored claim."""
        from workbench.compare.citations import citation_graph, citations

        if claim_ids is not None:
            return citation_graph(self, list(claim_ids))
        return citations(self, claim_id=claim_id, cluster_id=cluster_id, query=query, k=k)

    @property
    def notes(self) -> Notes:
        """Verification notes on this workbench's claims (:class:`workbench.notes.service.Notes`;
        call ``notes.relink()`` to reattach notes whose claim was re-ingested)."""
        if self._notes is None:
            from workbench.notes.service import Notes

            self._notes = Notes(self, relink=False)
        return self._notes

    def export(self, fmt: str, filters: NoteFilters | None = None, **options: Any) -> str:
        """Notes passing ``filters`` as csv, json, md or claimreview text
        (:func:`workbench.notes.export.export`)."""
        from workbench.notes.export import export

        return export(self, fmt, filters, **options)

    def import_notes(
        self, text: str, source: str = "import", user: str | None = None
    ) -> ImportReport:
        """Merge a JSON export's notes into this workbench, matching claims by content
        (:func:`workbench.notes.importer.import_json`; ``source`` names the file)."""
        from workbench.notes.importer import import_json

        who = self.require("note.write")
        return import_json(self, text, source=source, user=who if self.team_mode else user)

    # --- reads -----------------------------------------------------------------------------

    def languages(self) -> dict[str, int]:
        """Claim counts per language code (``""`` for unknown), most frequent first."""
        return self.store.languages()

    def article(self, article_id: str) -> Article:
        return self.store.article(article_id)

    def articles(self, limit: int | None = None, outlet: str | None = None) -> list[Article]:
        return self.store.articles(limit, outlet)

    def claims(self, article_id: str) -> list[Claim]:
        return self.store.claims_of(self.store.article(article_id).id)

    def claim(self, claim_id: int) -> Claim:
        return self.store.claim(claim_id)

    def attributions(self, claim_ids: Sequence[int]) -> dict[int, list[Attribution]]:
        return self.store.attributions_for(claim_ids)

    def verdicts(self, claim_ids: Sequence[int]) -> dict[int, str]:
        """The verdict key (``workbench.notes.records.VERDICTS``) of each claim with a live note."""
        return self.store.live_verdicts(claim_ids)

    def cited_outlets(self) -> list[str]:
        """Every outlet an article record cites (Reuters, AFP behind Wikipedia items)."""
        return self.store.cited_outlets()

    def similar_claims(self, claim_id: int, k: int = 10) -> Any:
        """Claims of other articles above the tier-2 floor, by tier (``workbench.compare.similar``)."""
        from workbench.compare.similar import similar_claims

        return similar_claims(self, claim_id, k=k)

    def stats(self) -> dict[str, Any]:
        counts = self.store.counts()
        manifest = read_manifest(self.data_dir) or {}
        size = sum(p.stat().st_size for p in self.data_dir.glob("claims.faiss*") if p.is_file())
        return {
            **counts,
            "data_dir": str(self.data_dir),
            "schema_version": self.store.schema_version,
            "index_count": manifest.get("count", 0),
            "index_kind": manifest.get("kind"),
            "embed_input": manifest.get("embed_input"),
            "index_bytes": size,
            "model": self.embedder.model_name,
            "index_built": manifest.get("build_time"),
        }


def _writable(directory: Path) -> bool:
    """Whether this process can create files in ``directory`` (a read-only mount, or
    permissions, say no; root passes permission checks, as it should)."""
    try:
        with tempfile.TemporaryFile(dir=directory):
            return True
    except OSError:
        return False


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
