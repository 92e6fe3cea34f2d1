"""The Python API: one open data directory (store + index) and what you can do with it.

>>> from workbench import Workbench
>>> wb = Workbench.open("index")             # or WORKBENCH_DATA, or the default
>>> wb.ingest(["seeds/"])                     # files, folders, feeds, URLs
>>> hits = wb.search("Pakistan walked out of the Istanbul negotiations", k=5)

The CLI and the Streamlit app are thin layers over this class.
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
from workbench.errors import ReadOnlyData, StorageFull, WorkbenchError
from workbench.records import Article, ArticleDraft, Attribution, Claim, IngestReport, SearchHit
from workbench.retrieval.embed import (
    EMBED_INPUT_VERSION,
    HEADLINE_MODE,
    HEADLINE_SCALE,
    TextEmbedder,
    embed_key,
    embedder_for,
    embedding_text,
)
from workbench.retrieval.index import FaissIndex
from workbench.retrieval.index_policy import choose_kind, read_manifest
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


class Workbench(Acting):
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
            self._index = index = index.converted(wanted)
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

    # --- attribution and outlets ---------------------------------------------------------------

    def attributor(self) -> Attributor:
        """The attribution engine, matching source names against this directory's outlets."""
        if self._attributor is None:
            from workbench.attribution import Attributor

            registry = self.outlets()
            self._attributor = Attributor(outlet_matcher=lambda n: _name(registry.match(n)))
        return self._attributor

    def pattern_attributor(self, language: str | None) -> Any:
        """The cue-pattern attribution engine of a language other than English, or None
        when the language has no pattern file (``workbench/attribution/lang/``)."""
        from workbench.attribution.patterns import attributor_for

        registry = self.outlets()
        return attributor_for(language, lambda n: _name(registry.match(n)))

    def outlets(self) -> OutletRegistry:
        """The outlet registry (packaged list plus this data directory's additions)."""
        if self._registry is None:
            from workbench.outlets.registry import OutletRegistry

            user = self.data_dir / "outlets.user.json"
            self._registry = OutletRegistry.load(user if user.exists() else None)
        return self._registry

    def canonical_outlet(self, name: str | None, url: str | None = None) -> str | None:
        """The registry's name for an outlet given by name (or, failing that, by URL domain).

        An unknown name is kept as given: the registry helps, it never drops data.
        """
        registry = self.outlets()
        if name:
            found = registry.match(name)
            return found.name if found is not None else name.strip()
        return self.outlet_for_url(url)

    def add_outlet(
        self,
        name: str,
        aliases: Sequence[str] = (),
        domains: Sequence[str] = (),
        country: str | None = None,
        language: str | None = None,
        kind: str | None = None,
    ) -> Any:
        """Add an outlet (or aliases/domains to a known one) and save it to this data directory."""
        self.require("outlets")
        registry = self.outlets()
        try:
            outlet = registry.add(
                name, aliases, country=country, language=language, kind=kind, domains=domains
            )
        except ValueError as exc:
            raise WorkbenchError(str(exc)) from exc
        registry.save_user(self.data_dir / "outlets.user.json")
        self._attributor = None  # its matcher must see the new names
        self.record("outlet.add", f"outlet:{name}", None,
                    {"aliases": list(aliases), "domains": list(domains)})  # fmt: skip
        return outlet

    def import_outlets(self, path: str | Path) -> int:
        """Merge a user outlet file (JSON list, same schema as the packaged one) into this directory."""
        from workbench.outlets.registry import load_user_file

        try:
            entries = load_user_file(path)
        except ValueError as exc:
            raise WorkbenchError(str(exc)) from exc
        for e in entries:
            self.add_outlet(
                e["name"],
                e.get("aliases", []),
                e.get("domains", []),
                e.get("country"),
                e.get("language"),
                e.get("kind"),
            )
        return len(entries)

    def outlet_for_url(self, url: str | None) -> str | None:
        """The publisher named by an article URL's domain, when the registry knows it."""
        if not url:
            return None
        return _name(self.outlets().by_domain(url))

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


def _disk_full(exc: BaseException, directory: Path) -> bool:
    if getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT):
        return True
    import shutil

    try:  # FAISS reports a failed write as a RuntimeError without the errno
        return shutil.disk_usage(directory).free < 1024 * 1024
    except OSError:
        return False


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _name(outlet: Any) -> str | None:
    return getattr(outlet, "name", None) if outlet is not None else None
