"""Issue 14: one encode per claim, overlapped stages with serial results, flat per-chunk cost."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import FAKE_MODEL, two_stores


def _records(path: Path, n: int, titled: bool = True) -> Path:
    rows = []
    for i in range(n):
        text = (
            f"Officials in district {i} said on Monday that {i + 3} families received aid. "
            f"The governor of region {i % 5} told Reuters that more help would come within "
            f"{i % 9 + 2} weeks. Witnesses said roads near town {i} were still closed."
        )
        row = {"text": text, "outlet": ["Dawn", "Reuters", "BBC"][i % 3], "date": "2025-10-28"}
        if titled:
            row["title"] = f"Aid reaches district {i} after floods"
        rows.append(json.dumps(row))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_with_headline_weights_and_normalises() -> None:
    from workbench.retrieval.embed import headline_weight, with_headline

    assert headline_weight("one two three", "four five", "title") == pytest.approx(2 / 5)
    assert headline_weight("one two three", "four five", "none") == 0.0
    assert headline_weight("one two three", None) == 0.0
    assert headline_weight("Talks end in Istanbul today", "talks end") == 0.0  # contained
    claims = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    head = np.array([0.0, 1.0], dtype=np.float32)
    out = with_headline(claims, head, np.array([1.0, 0.0]))
    assert np.allclose(out[0], [np.sqrt(0.5), np.sqrt(0.5)])
    assert np.allclose(out[1], [0.0, 1.0])  # weight 0: the bare vector unchanged
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0)


def test_each_claim_and_each_headline_is_encoded_once(tmp_path: Path) -> None:
    from workbench.api import Workbench
    from workbench.retrieval.fake_embed import HashEmbedder

    emb = HashEmbedder()
    src = _records(tmp_path / "in.jsonl", 6)
    with Workbench.open(tmp_path / "data", embedder=emb, attribution=False) as wb:
        report = wb.ingest([src])
        claims = report.claims
        assert claims >= 12
        # every claim once, every headline once (before: every claim twice)
        assert emb.calls == claims + 6
        ids = wb.store.all_claim_ids()
        found, vectors = wb.search_vectors(ids.tolist())
        assert np.allclose(wb.index.cosines(vectors[0], [int(found[0])])[int(found[0])], 1.0)
        # clusters read the bare vectors from the cache: nothing more is encoded
        from workbench.compare.clusters import rebuild

        rebuild(wb)
        assert emb.calls == claims + 6


def test_index_with_old_inputs_is_rebuilt_on_open(tmp_path: Path) -> None:
    from workbench.api import Workbench
    from workbench.retrieval.index_policy import read_manifest

    src = _records(tmp_path / "in.jsonl", 3)
    data = tmp_path / "data"
    with Workbench.open(data, model=FAKE_MODEL, attribution=False) as wb:
        wb.ingest([src])
        expected = wb.embed_input
        assert ":sum" in expected
    manifest_path = data / "claims.manifest.json"
    if not manifest_path.exists():
        manifest_path = next(data.glob("*manifest*.json"))
    manifest = json.loads(manifest_path.read_text())
    manifest["embed_input"] = "v2:title"  # an index from before issue 14
    manifest_path.write_text(json.dumps(manifest))
    with Workbench.open(data, model=FAKE_MODEL, attribution=False) as wb:
        assert wb.last_repair["added"] > 0
        assert read_manifest(data)["embed_input"] == expected


def _ingest(
    data: Path, src: Path, workers: int, attribution: bool, processes: int = 0
) -> list[tuple]:
    from workbench.api import Workbench
    from workbench.ingest.pipeline import Pipeline
    from workbench.ingest.readers import iter_inputs

    with Workbench.open(
        data,
        model=FAKE_MODEL,
        attribution=attribution,
        ingest_workers=workers,
        attribution_processes=processes,
    ) as wb:
        pipe = Pipeline(wb, chunk_articles=3)
        assert pipe.workers == workers
        with wb.writing():
            report = pipe.run(iter_inputs([src]))
        results = [(r.status, r.article_id, r.claims) for r in report.results]
        rows = wb.store.claims_by_ids(wb.store.all_claim_ids().tolist())
        claims = [(i, r.claim.article_id, r.claim.text) for i, r in sorted(rows.items())]
        atts = wb.attributions(sorted(rows))
        sources = [(i, [(a.source, a.source_type, a.cue) for a in atts[i]]) for i in sorted(atts)]
        _, vecs = wb.search_vectors(sorted(rows))
        return [results, claims, sources, np.round(vecs, 5).tolist(), wb.index.ids().tolist()]


@two_stores
@pytest.mark.parametrize("attribution", [False, True])
def test_overlapped_ingest_equals_serial(tmp_path: Path, attribution: bool) -> None:
    src = _records(tmp_path / "in.jsonl", 10)
    serial = _ingest(tmp_path / "serial", src, 1, attribution)
    overlapped = _ingest(tmp_path / "overlap", src, 2, attribution)
    assert serial == overlapped
    assert len(serial[1]) >= 20


@two_stores
def test_attribution_processes_give_the_serial_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two spawned attribution processes (``attribution_processes=2``) attribute every chunk;
    claims, sources, vectors and ids equal a serial run's."""
    from workbench.attribution import pool

    texts_sent: list[int] = []
    real = pool.AttributionPool.extract_many

    def counted(self, texts):  # type: ignore[no-untyped-def]
        out = real(self, texts)
        texts_sent.append(len(out))
        return out

    monkeypatch.setattr(pool.AttributionPool, "extract_many", counted)
    src = _records(tmp_path / "in.jsonl", 10)
    serial = _ingest(tmp_path / "serial", src, 1, True)
    pooled = _ingest(tmp_path / "pooled", src, 2, True, processes=2)
    assert serial == pooled
    assert sum(texts_sent) == 10  # every article went through the processes
    assert any(a[2] for _, atts in serial[2] for a in atts)  # cues were found: spaCy ran


@two_stores
def test_a_failing_attribution_pool_falls_back_to_the_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from workbench.attribution import pool

    def broken(self, texts):  # type: ignore[no-untyped-def]
        raise RuntimeError("worker died")

    monkeypatch.setattr(pool.AttributionPool, "extract_many", broken)
    src = _records(tmp_path / "in.jsonl", 7)
    serial = _ingest(tmp_path / "serial", src, 1, True)
    with caplog.at_level("WARNING"):
        pooled = _ingest(tmp_path / "pooled", src, 2, True, processes=1)
    assert serial == pooled
    assert (
        sum("attribution processes failed (worker died)" in r.message for r in caplog.records) == 1
    )


def test_attribution_slices_and_process_count() -> None:
    from workbench.attribution.pool import resolve_processes, slices

    texts = ["a" * n for n in (50, 10, 10, 10, 10, 10, 100, 5)]
    runs = slices(texts, 3)
    assert [t for run in runs for t in run] == texts and len(runs) == 3 and all(runs)
    assert slices(["x"], 4) == [["x"]] and slices([], 2) == []
    assert resolve_processes(-1, 2) == 0 and resolve_processes(-1, 4) == 1
    assert resolve_processes(-1, 12) == 4 and resolve_processes(0, 12) == 0
    assert resolve_processes(3, 2) == 3


@pytest.mark.parametrize("workers", [1, 2])
def test_first_chunks_ramp_up_so_the_encoder_starts_early(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """The first chunks hold 1/8, 1/4, 1/2 of the full characters, serial or overlapped alike
    (the first chunk's attribution overlaps nothing, so it is kept small); the article count
    is not ramped."""
    from workbench.api import Workbench
    from workbench.ingest.pipeline import RAMP, Pipeline
    from workbench.ingest.readers import iter_inputs

    assert RAMP == 3
    src = _records(tmp_path / "in.jsonl", 60)
    sizes: list[int] = []
    with Workbench.open(
        tmp_path / "data", model=FAKE_MODEL, attribution=False, ingest_workers=workers
    ) as wb:
        pipe = Pipeline(wb, chunk_articles=256, chunk_chars=4_000)
        assert [pipe.limit(i) for i in (0, 1, 2, 3, 9)] == [
            (256, 500),
            (256, 1_000),
            (256, 2_000),
            (256, 4_000),
            (256, 4_000),
        ]
        prepare = pipe._prepare

        def counted(chunk: list) -> tuple:
            sizes.append(len(chunk))
            return prepare(chunk)

        monkeypatch.setattr(pipe, "_prepare", counted)
        with wb.writing():
            report = pipe.run(iter_inputs([src]))
    assert report.ingested == 60 and sum(sizes) == 60
    assert sizes[0] < sizes[1] < sizes[2] < sizes[3]  # ~250 characters per record
    assert max(sizes[3:-1]) == sizes[3]


def test_failure_while_committing_leaves_no_half_written_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write failure (the disk filling up) mid-ingest: earlier chunks stay whole, the
    failing chunk leaves nothing behind, the worker thread is released, repair is clean."""
    import sqlite3

    from workbench.api import Workbench
    from workbench.ingest.pipeline import Pipeline
    from workbench.ingest.readers import iter_inputs
    from workbench.store.sqlite import Store

    src = _records(tmp_path / "in.jsonl", 9)
    data = tmp_path / "data"
    calls = {"n": 0}
    original = Store.insert_claims

    def failing(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 5:  # second chunk of three articles, its second article
            raise sqlite3.OperationalError("database or disk is full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Store, "insert_claims", failing)
    with Workbench.open(data, model=FAKE_MODEL, attribution=False, ingest_workers=2) as wb:
        with pytest.raises(Exception, match="full"), wb.writing():
            Pipeline(wb, chunk_articles=3).run(iter_inputs([src]))
        articles = wb.store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert articles == 3  # the first chunk, whole; nothing of the second
        orphans = wb.store.conn.execute(
            "SELECT count(*) FROM claims WHERE article_id NOT IN (SELECT id FROM articles)"
        ).fetchone()[0]
        assert orphans == 0
    monkeypatch.setattr(Store, "insert_claims", original)
    with Workbench.open(data, model=FAKE_MODEL, attribution=False) as wb:
        assert wb.check_and_repair() == {"added": 0, "removed": 0}
        again = wb.ingest([src])  # resume: the first three are skipped, the rest go in
        assert again.ingested == 6


def test_short_english_one_liners_do_not_start_the_e5_index() -> None:
    from workbench.retrieval.multilingual import counts_as_foreign

    # detected as German (0.56) / Italian (0.76) by lingua: not confident enough
    assert not counts_as_foreign(
        "Prosecutors denied that exports from Orrton fell to 584 tonnes (item 769).", "de"
    )
    assert not counts_as_foreign(
        "A senator estimated that prices in Sulia rose by 811 per cent (item 815).", "it"
    )
    assert not counts_as_foreign(  # Italian at confidence 0.98
        "A senator denied that prices in Orrpur rose by 70 per cent (item 2525).", "it"
    )
    assert not counts_as_foreign("Die Regierung", "de")  # too short to count
    assert not counts_as_foreign("Anything at all in English.", "en")
    assert counts_as_foreign("پولیس گفت که سه نفر در این حمله کشته شدند", "prs")
    assert counts_as_foreign(
        "Die Regierung in Berlin hat am Montag neue Hilfen für die Landwirte beschlossen.", "de"
    )


def test_chunks_do_not_scan_the_store_for_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.api import Workbench
    from workbench.store.sqlite import Store

    src = _records(tmp_path / "in.jsonl", 8)
    scans = {"n": 0}
    original = Store.claims_in_other_languages

    def counting(self, language):  # type: ignore[no-untyped-def]
        scans["n"] += 1
        return original(self, language)

    monkeypatch.setattr(Store, "claims_in_other_languages", counting)
    with Workbench.open(tmp_path / "data", model=FAKE_MODEL, attribution=False) as wb:
        before = scans["n"]
        from workbench.ingest.pipeline import Pipeline
        from workbench.ingest.readers import iter_inputs

        with wb.writing():
            Pipeline(wb, chunk_articles=2).run(iter_inputs([src]))
        assert scans["n"] == before  # four chunks, no scan
        assert not (wb.data_dir / "multilingual").exists()


def test_status_reports_rates_and_etas_per_stage(tmp_path: Path) -> None:
    from workbench.api import Workbench
    from workbench.ingest.status import IngestStatus

    now = IngestStatus(10, 40, 100, 5.0, {"embed": 2.0, "attribute": 1.0, "store": 0.1})
    assert now.claims_per_s == 20.0
    assert now.eta_s == pytest.approx(15.0)
    assert now.stage_rates()["embed"] == 50.0
    assert now.stage_etas()["embed"] == pytest.approx(300 / 50)  # 300 claims still to come
    assert "claims/s" in now.line() and "ETA 0:15" in now.line() and "embed 50/s" in now.line()
    assert IngestStatus(3, None, 9, 1.0).eta_s is None

    seen: list[IngestStatus] = []
    src = _records(tmp_path / "in.jsonl", 6)
    with Workbench.open(tmp_path / "data", model=FAKE_MODEL, attribution=False) as wb:
        wb.ingest([src], status=seen.append)
    assert seen and seen[-1].inputs_done == 6 and seen[-1].inputs_total == 6
    assert seen[-1].claims > 0 and "embed" in seen[-1].stages


def test_lookup_from_another_thread_does_not_wait_for_a_running_ingest(tmp_path: Path) -> None:
    """The app's sessions share one Workbench: a lookup never takes the writer lock."""
    import threading

    from workbench.api import Workbench

    src = _records(tmp_path / "in.jsonl", 12)
    with Workbench.open(tmp_path / "data", model=FAKE_MODEL, attribution=False) as wb:
        wb.ingest([_records(tmp_path / "first.jsonl", 2)])
        answered: list[int] = []

        def during(done: int, claims: int) -> None:
            if answered:
                return
            t = threading.Thread(target=lambda: answered.append(len(wb.search("aid district"))))
            t.start()
            t.join(timeout=30)  # the ingest holds the writer lock all along
            assert not t.is_alive(), "a lookup waited for the ingest"

        wb.ingest([src], progress=during)
        assert answered and answered[0] > 0


def test_cli_ingest_takes_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from workbench.cli import app

    monkeypatch.setenv("WORKBENCH_MODEL", FAKE_MODEL)
    src = _records(tmp_path / "in.jsonl", 4)
    data = str(tmp_path / "data")
    out = CliRunner().invoke(
        app, ["--data", data, "ingest", "--no-attribution", "--workers", "1", "--json", str(src)]
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["ingested"] == 4


class _FakeModel:
    """Records each encode call; a text's vector is (its length, 1), normalised."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], int]] = []

    def get_sentence_embedding_dimension(self) -> int:
        return 2

    def encode(self, texts, batch_size, **_):  # type: ignore[no-untyped-def]
        self.calls.append((list(texts), batch_size))
        v = np.array([[len(t), 1.0] for t in texts], dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_gpu_path_with_cuda_mocked(monkeypatch: pytest.MonkeyPatch) -> None:
    """``device=auto`` picks CUDA when torch sees it; texts are sorted by length, cut into
    large batches, and the rows come back in input order."""
    import torch

    from workbench.retrieval import embed

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(embed, "gpu_possible", lambda: True)  # a driver's files exist
    assert embed.pick_device("auto") == "cuda"
    e = embed.Embedder(device="auto", batch_size=64)
    e._model = _FakeModel()
    assert e.on_gpu
    texts = [("x" * n) for n in (5, 50, 1, 700, 30, 2, 2, 90)] * 100  # 800 texts
    out = e.encode(texts)
    calls = e._model.calls
    assert [len(c[0]) for c in calls] == [embed.GPU_BATCH, 800 - embed.GPU_BATCH]
    assert all(size == len(batch) for batch, size in calls)
    lengths = [len(t) for batch, _ in calls for t in batch]
    assert lengths == sorted(lengths, reverse=True)  # longest first, across batches
    want = np.array([[len(t), 1.0] for t in texts], dtype=np.float32)
    assert np.allclose(out, want / np.linalg.norm(want, axis=1, keepdims=True))
    # a query or two still goes the plain way, and the CPU never takes the GPU path
    e.encode(["one"])
    assert len(e._model.calls) == 3 and e._model.calls[-1][1] == 64
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert not embed.Embedder(device="auto").on_gpu


def test_attribution_workers_answer_fail_alone_and_report_death() -> None:
    """A worker answers in order, reports an error in one request and keeps serving, and a
    dead worker is an error naming it: the ingest then falls back to its own thread."""
    from workbench.attribution.extract import Attributor
    from workbench.attribution.pool import AttributionPool
    from workbench.errors import WorkbenchError
    from workbench.outlets.registry import OutletRegistry
    from workbench.outlets.service import source_matcher

    texts = ["Officials said the road was closed.", "No cue.", "Reuters reported a blast."]
    registry = OutletRegistry.load()
    here = Attributor(outlet_matcher=source_matcher(registry)).extract_many(texts)
    pool = AttributionPool(2, registry)
    try:
        got = pool.extract_many(texts)
        assert [[a.to_dict() for a in x] for x in got] == [[a.to_dict() for a in x] for x in here]
        assert any(here)
        with pytest.raises(WorkbenchError, match="attribution worker failed: "):
            pool.extract_many([b"Officials said so."])  # type: ignore[list-item]
        assert len(pool.extract_many(texts)) == 3  # still serving
        pool._workers[0].kill()
        pool._workers[0].wait()
        with pytest.raises((WorkbenchError, OSError)):
            pool.extract_many(texts)
    finally:
        pool.close()


def test_attribution_workers_do_not_rerun_an_unguarded_script(tmp_path: Path) -> None:
    """A script without a ``__main__`` guard that ingests with attribution processes runs
    once: the workers are fresh interpreters, not multiprocessing's re-import of the script."""
    import subprocess
    import sys

    src = _records(tmp_path / "in.jsonl", 4)
    script = tmp_path / "unguarded.py"
    script.write_text(
        "from workbench.api import Workbench\n"
        f"wb = Workbench.open({str(tmp_path / 'data')!r}, model={FAKE_MODEL!r},"
        " ingest_workers=2, attribution_processes=1)\n"
        f"print('RUN', wb.ingest([{str(src)!r}]).ingested)\n"
        "wb.close()\n"
    )
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.count("RUN") == 1 and "RUN 4" in out.stdout
    assert "attribution processes failed" not in out.stderr
