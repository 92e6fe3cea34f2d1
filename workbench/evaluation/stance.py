"""Article stance on FNC-1: split by Body ID, features, fitting and the official scores.

Why: "does this article agree with the claim?" is measured on public data (FNC-1: stance of a
news article body toward a headline). The bodies are split into train and dev **by Body ID**
(``split_bodies``: sorted ids shuffled with a fixed seed, 20 % to dev; no body on both sides).
Each body is segmented into claims with ``workbench.ingest.segment`` and judged with
``workbench.compare.article_stance``, exactly as Compare does with an outlet's article.
``workbench eval stance --fnc DIR`` scores the dev split; ``bench/fit_stance.py`` refits.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from workbench.compare.article_stance import (
    ARTICLE_FEATURES,
    STANCES,
    StanceWeights,
    article_features,
)
from workbench.compare.same_claim import SameClaimJudge
from workbench.errors import InputError, InvalidOption

DEV_FRACTION = 0.2
SPLIT_SEED = 12


@dataclass(frozen=True)
class StancePair:
    headline: str
    body_id: int
    label: str


def read_fnc(folder: Path) -> tuple[dict[int, str], list[StancePair]]:
    """Bodies (Body ID -> text) and labelled pairs of an FNC-1 folder
    (train_bodies.csv, train_stances.csv)."""
    folder = Path(folder)
    bodies_path, stances_path = folder / "train_bodies.csv", folder / "train_stances.csv"
    for p in (bodies_path, stances_path):
        if not p.is_file():
            raise InputError(
                str(p), "missing (an FNC-1 folder holds train_bodies.csv and train_stances.csv)"
            )
    bodies: dict[int, str] = {}
    with bodies_path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            try:
                bodies[int(row["Body ID"])] = row["articleBody"]
            except (KeyError, ValueError) as exc:
                raise InputError(
                    str(bodies_path), f"row {n}: bad Body ID or articleBody ({exc})"
                ) from exc
    pairs: list[StancePair] = []
    with stances_path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            label = (row.get("Stance") or "").strip()
            if label not in STANCES:
                raise InputError(str(stances_path), f"row {n}: stance {label!r} not in {STANCES}")
            try:
                body = int(row["Body ID"])
            except (KeyError, ValueError) as exc:
                raise InputError(str(stances_path), f"row {n}: bad Body ID ({exc})") from exc
            if body not in bodies:
                raise InputError(str(stances_path), f"row {n}: Body ID {body} has no body")
            pairs.append(StancePair(row["Headline"], body, label))
    return bodies, pairs


def split_bodies(
    pairs: Sequence[StancePair], fraction: float = DEV_FRACTION, seed: int = SPLIT_SEED
) -> tuple[list[StancePair], list[StancePair]]:
    """Train and dev pairs, split by Body ID (sorted ids shuffled with ``seed``)."""
    ids = sorted({p.body_id for p in pairs})
    random.Random(seed).shuffle(ids)
    dev_ids = set(ids[: round(len(ids) * fraction)])
    train = [p for p in pairs if p.body_id not in dev_ids]
    dev = [p for p in pairs if p.body_id in dev_ids]
    return train, dev


class Corpus:
    """Bodies segmented into claims, and the vectors of claims and headlines."""

    def __init__(self, bodies: dict[int, str], encode: Callable[[Sequence[str]], np.ndarray]):
        from workbench.ingest.segment import segment

        self.encode = encode
        self.claims: dict[int, list[str]] = {}
        for bid, text in bodies.items():
            claims = [c.text for c in segment(text)]
            self.claims[bid] = claims or [text.strip()[:1000] or "(empty)"]
        self.vecs: dict[int, np.ndarray] = {}

    def prepare(self, body_ids: Sequence[int], headlines: Sequence[str]) -> None:
        """Encode the claims of ``body_ids`` and the ``headlines`` (one batch each)."""
        todo = [b for b in dict.fromkeys(body_ids) if b not in self.vecs]
        texts = [t for b in todo for t in self.claims[b]]
        if texts:
            vecs = self.encode(texts)
            at = 0
            for b in todo:
                n = len(self.claims[b])
                self.vecs[b] = vecs[at : at + n]
                at += n
        heads = list(dict.fromkeys(headlines))
        self.head_vecs = dict(zip(heads, self.encode(heads), strict=True)) if heads else {}

    def cosines(self, headline: str, body_id: int) -> np.ndarray:
        return self.vecs[body_id] @ self.head_vecs[headline]


def feature_rows(
    judge: SameClaimJudge,
    corpus: Corpus,
    pairs: Sequence[StancePair],
    names: Sequence[str] = tuple(ARTICLE_FEATURES),
    related_floor: float | None = None,
) -> np.ndarray:
    """Features of every pair. Pairs whose best cosine is under ``related_floor`` get only
    their relatedness features (the rest zero): they are "unrelated" outright, so judging
    their claims would cost time for nothing."""
    corpus.prepare([p.body_id for p in pairs], [p.headline for p in pairs])
    rows = []
    for p in pairs:
        cos = corpus.cosines(p.headline, p.body_id)
        if related_floor is not None and float(cos.max()) < related_floor:
            feats = dict.fromkeys(ARTICLE_FEATURES, 0.0) | {"rel_max": float(cos.max())}
        else:
            feats, _ = article_features(judge, p.headline, corpus.claims[p.body_id], cos)
        rows.append([feats[n] for n in names])
    return np.array(rows, dtype=np.float64)


# ---------------------------------------------------------------------------- model


def fit_softmax(
    x: np.ndarray,
    y: np.ndarray,
    classes: int,
    l2: float = 1.0,
    class_weight: np.ndarray | None = None,
    iters: int = 400,
    lr: float = 0.5,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Multinomial logistic regression on standardised features (full-batch gradient descent
    with L2); ``class_weight`` re-weights examples by class. Returns mean, scale, coef, bias."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    n, d = z.shape
    onehot = np.eye(classes)[y]
    sw = np.ones(n) if class_weight is None else class_weight[y]
    sw = sw / sw.sum()
    coef = np.zeros((classes, d))
    bias = np.zeros(classes)
    for _ in range(iters):
        logits = z @ coef.T + bias
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * sw[:, None]
        coef -= lr * (g.T @ z + l2 / n * coef)
        bias -= lr * g.sum(axis=0)
    return mean, scale, coef, bias


def predict_softmax(x: np.ndarray, mean, scale, coef, bias) -> np.ndarray:
    logits = ((x - mean) / scale) @ coef.T + bias
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


def predict_labels(x: np.ndarray, names: Sequence[str], w: StanceWeights) -> list[str]:
    """Stance labels of feature rows under weights ``w`` (relatedness floor first)."""
    rel = x[:, list(names).index("rel_max")]
    idx = [list(names).index(n) for n in w.names]
    probs = predict_softmax(x[:, idx], w.mean, w.scale, w.coef, w.bias)
    out = [STANCES[int(i)] for i in probs.argmax(axis=1)]
    return ["unrelated" if r < w.related_floor else lab for r, lab in zip(rel, out, strict=True)]


# ---------------------------------------------------------------------------- scores


def fnc_score(gold: Sequence[str], pred: Sequence[str]) -> float:
    """The official FNC-1 score relative to the best possible: 0.25 for related/unrelated
    right, +0.75 for the exact label of a related pair."""
    got = best = 0.0
    for g, p in zip(gold, pred, strict=True):
        if g == p:
            got += 0.25
            if g != "unrelated":
                got += 0.5
        if g != "unrelated" and p != "unrelated":
            got += 0.25
        best += 0.25 if g == "unrelated" else 1.0
    return got / best if best else 0.0


def stance_scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """Per-class F1, macro-F1, accuracy, the FNC score and the confusion matrix."""
    f1 = {}
    for c in STANCES:
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1[c] = round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0
    confusion = {g: {p: 0 for p in STANCES} for g in STANCES}
    for g, p in zip(gold, pred, strict=True):
        confusion[g][p] += 1
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / max(1, len(gold))
    return {
        "pairs": len(gold),
        "macro_f1": round(sum(f1.values()) / len(f1), 4),
        "f1": f1,
        "accuracy": round(acc, 4),
        "fnc_score": round(fnc_score(gold, pred), 4),
        "confusion": confusion,
    }


def evaluate_stance(
    folder: Path,
    judge: SameClaimJudge,
    weights: StanceWeights,
    encode: Callable[[Sequence[str]], np.ndarray],
    split: str = "dev",
    limit: int | None = None,
) -> dict[str, Any]:
    """The shipped article-stance model on one split ("dev" or "train") of FNC-1."""
    if split not in ("dev", "train"):
        raise InvalidOption(f"split {split!r}: choose dev or train")
    bodies, pairs = read_fnc(folder)
    train, dev = split_bodies(pairs)
    chosen = dev if split == "dev" else train
    if limit:
        chosen = chosen[:limit]
    ids = {p.body_id for p in chosen}
    corpus = Corpus({b: bodies[b] for b in ids}, encode)
    names = tuple(ARTICLE_FEATURES)
    x = feature_rows(judge, corpus, chosen, names, weights.related_floor)
    pred = predict_labels(x, names, weights)
    result = stance_scores([p.label for p in chosen], pred)
    result.update(
        {
            "folder": str(folder),
            "split": split,
            "bodies": len(ids),
            "split_rule": f"Body IDs sorted, shuffled with seed {SPLIT_SEED}, "
            f"{DEV_FRACTION:.0%} to dev",
        }
    )
    return result


def format_report(result: dict[str, Any]) -> str:
    f1 = result["f1"]
    return "\n".join(
        [
            f"{result['folder']} ({result['split']} split: {result['pairs']} pairs, "
            f"{result['bodies']} bodies; {result['split_rule']})",
            f"  macro-F1 {result['macro_f1']:.3f}  agree {f1['agree']:.3f}  disagree "
            f"{f1['disagree']:.3f}  discuss {f1['discuss']:.3f}  unrelated {f1['unrelated']:.3f}",
            f"  accuracy {result['accuracy']:.3f}  official FNC score {result['fnc_score']:.3f}",
        ]
    )
