"""The second stage of the English ranking: top candidates re-scored with claim + headline
encoded together (workbench/retrieval/joint.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from workbench.errors import InvalidOption
from workbench.ingest.drafts import ArticleDraft
from workbench.retrieval.joint import JointVectors, joint_cosines, joint_vectors, rescore_top
from workbench.settings import Settings


class CountingEmbedder:
    """A tiny deterministic embedder that records what it was asked to encode."""

    model_name = "counting-test"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.array([[len(t), t.count(" ") + 1, 1.0] for t in texts], dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_joint_vectors_encode_only_what_they_do_not_hold_and_stay_bounded() -> None:
    emb, cache = CountingEmbedder(), JointVectors(size=3)
    first = cache.get(emb, ["a b", "c d e"])
    again = cache.get(emb, ["c d e", "f"])
    assert emb.calls == [["a b", "c d e"], ["f"]]
    assert np.allclose(first[1], again[0])
    cache.get(emb, ["g", "h"])
    assert len(cache) == 3  # least recently used dropped first


def test_joint_cosines_read_claim_and_headline_together_and_skip_untitled() -> None:
    emb = CountingEmbedder()
    q = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    cos = joint_cosines(
        emb,
        q,
        [
            ("Pakistan walked out of the talks in Istanbul on Friday.", "Talks collapse"),
            ("A claim without a headline that counts.", None),
            ("Talks collapse", "Talks collapse"),  # the headline is the claim
        ],
    )
    assert not np.isnan(cos[0]) and np.isnan(cos[1]) and np.isnan(cos[2])
    (encoded,) = emb.calls
    assert len(encoded) == 1 and "Talks collapse" in encoded[0] and "Istanbul" in encoded[0]
    assert joint_vectors("counting-test") is joint_vectors("counting-test")


def test_rescore_top_takes_the_candidates_that_reach_the_floor() -> None:
    final = np.array([0.9, 0.1, 0.8, 0.5])
    cos = np.array([0.9, 0.1, 0.8, 0.5])
    seen: list[list[int]] = []

    def joint(top: np.ndarray) -> np.ndarray:
        seen.append(top.tolist())
        return np.array([0.2, np.nan, 0.6])  # the best drops; the second keeps its cosine

    def rescore(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return c * 1.0, np.zeros_like(c)

    out = rescore_top(final, cos, 0.5, 10, joint, rescore)
    assert out is not None
    new_final, _, new_cos = out
    assert seen == [[0, 2, 3]]  # by their own score, best first; 0.1 is below the floor
    assert new_cos.tolist() == [0.2, 0.1, 0.8, 0.6] and cos[0] == 0.9  # input untouched
    assert int(np.argmax(new_final)) == 2
    assert rescore_top(final, cos, 0.5, 0, joint, rescore) is None  # depth 0: off
    assert rescore_top(final, cos, 0.95, 10, joint, rescore) is None  # nothing reaches it
    assert rescore_top(final, cos, 0.5, 10, lambda t: np.full(len(t), np.nan), rescore) is None


def test_rerank_depth_is_checked() -> None:
    assert Settings.from_env({}).rerank_depth == 64
    assert Settings.from_env({}).rerank_floor == 0.5
    assert Settings.from_env({"WORKBENCH_RERANK_DEPTH": "0"}).rerank_depth == 0
    with pytest.raises(InvalidOption, match="rerank_depth"):
        Settings.from_env({"WORKBENCH_RERANK_DEPTH": "-1"})
    with pytest.raises(InvalidOption, match="rerank_floor"):
        Settings.from_env({"WORKBENCH_RERANK_FLOOR": "1.5"})


def _titled_corpus(wb) -> None:  # type: ignore[no-untyped-def]
    wb.ingest_drafts(
        [
            ArticleDraft(
                text=f"Officials said {n} people were hurt when the bridge in Karach collapsed.",
                title=f"Bridge collapse report {n}",
                outlet=f"Outlet {n}",
                date=f"2024-03-0{n + 1}",
                origin="paste",
            )
            for n in range(4)
        ]
    )


def test_lookup_encodes_the_top_titled_candidates_once_and_depth_zero_turns_it_off(
    tmp_path: Path,
) -> None:
    from workbench.api import Workbench
    from workbench.retrieval import joint

    with Workbench.open(tmp_path / "d", model="hash-384") as wb:
        _titled_corpus(wb)
        joint._caches.clear()
        wb.settings.rerank_floor = 0.0  # every candidate: all four are titled
        hits = wb.search("bridge collapsed in Karach", k=3)
        assert hits and len(joint_vectors(wb.embedder.model_name)) == 4
        wb.settings.rerank_depth = 0
        joint._caches.clear()
        plain = wb.search("bridge collapsed in Karach", k=3)
        assert plain and not joint._caches.get(wb.embedder.model_name)
