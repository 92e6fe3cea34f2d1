"""Same statement or not: fitting and measuring ``SameClaimJudge`` on MRPC-format pairs.

Why: the tier decision of Compare and clusters must be measured on public data nobody here
wrote. MRPC pairs are sentences from different outlets on one story, labelled 1 (same
statement) or 0 (mostly: same event, a fact added, dropped or changed). The model is fitted on
``train.tsv`` only, its thresholds chosen on cross-validated train predictions, and ``dev.tsv``
is reported (``workbench eval same-claim --mrpc FILE``; ``bench/fit_same_claim.py`` refits).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from workbench.compare.pair_features import FEATURES, relatedness, view_texts
from workbench.compare.same_claim import SameClaimJudge, Weights
from workbench.compare.slots import extract_slots_many
from workbench.errors import InputError


@dataclass(frozen=True)
class LabelledPair:
    label: int  # 1 = same statement
    a: str
    b: str


def read_mrpc(path: Path) -> list[LabelledPair]:
    """Pairs of an MRPC TSV (header: Quality, #1 ID, #2 ID, #1 String, #2 String)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "no such MRPC file")
    out = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(rows, None)
        if not header or len(header) < 5:
            raise InputError(str(path), "not an MRPC TSV (need 5 tab-separated columns)")
        for n, row in enumerate(rows, start=2):
            if len(row) < 5:
                raise InputError(str(path), f"line {n} has {len(row)} columns, expected 5")
            if row[0] not in ("0", "1"):
                raise InputError(str(path), f"line {n}: label {row[0]!r} is not 0 or 1")
            out.append(LabelledPair(int(row[0]), row[3], row[4]))
    return out


class DiskVectors:
    """An encoder memoised on disk (one .npz per model), for reruns while iterating."""

    def __init__(self, encode: Callable[[Sequence[str]], np.ndarray], path: Path | None) -> None:
        self.encode = encode
        self.path = Path(path) if path else None
        self.known: dict[str, np.ndarray] = {}
        if self.path and self.path.is_file():
            data = np.load(self.path, allow_pickle=False)
            self.known = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self.key(t) for t in texts]
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in self.known}
        if todo:
            vecs = self.encode(list(todo.values()))
            self.known.update(zip(todo, vecs, strict=True))
            self.save()
        return np.stack([self.known[k] for k in keys]) if keys else np.zeros((0, 1), np.float32)

    def save(self) -> None:
        if not self.path:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self.known)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(keys), vectors=np.stack([self.known[k] for k in keys]))
        tmp.replace(self.path)


def feature_matrix(
    judge: SameClaimJudge, pairs: Sequence[tuple[str, str]], names: Sequence[str] = tuple(FEATURES)
) -> np.ndarray:
    """One row of features (in ``names`` order) per pair; slots and vectors are batched."""
    texts = [t for p in pairs for t in p]
    slots = dict(zip(texts, extract_slots_many(texts), strict=True))
    judge.vectors([v for s in slots.values() for v in view_texts(s)])
    rows = []
    for a, b in pairs:
        feats = judge.features(a, b)
        rows.append([feats[n] for n in names])
    return np.array(rows, dtype=np.float64)


# ---------------------------------------------------------------------------- model


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 50
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """L2-regularised logistic regression on standardised features (Newton's method).

    Returns mean, scale, coefficients and bias (of the standardised features).
    """
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    n, d = z.shape
    zb = np.hstack([z, np.ones((n, 1))])
    w = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(zb @ w, -30, 30)))
        grad = zb.T @ (p - y) + reg * w
        hess = (zb * (p * (1 - p))[:, None]).T @ zb + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return mean, scale, w[:-1], float(w[-1])


def predict(
    x: np.ndarray, mean: np.ndarray, scale: np.ndarray, coef: np.ndarray, bias: float
) -> np.ndarray:
    z = ((x - mean) / scale) @ coef + bias
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def cross_val_probs(
    x: np.ndarray, y: np.ndarray, folds: int = 5, seed: int = 0, l2: float = 1.0
) -> np.ndarray:
    """Out-of-fold probabilities (fixed seed), for choosing thresholds on train only."""
    order = np.random.default_rng(seed).permutation(len(y))
    out = np.zeros(len(y))
    for k in range(folds):
        test = order[k::folds]
        train = np.setdiff1d(order, test)
        params = fit_logistic(x[train], y[train], l2)
        out[test] = predict(x[test], *params)
    return out


def scores(p: np.ndarray, y: np.ndarray, threshold: float) -> dict[str, float]:
    """Accuracy, precision, recall and F1 of ``p >= threshold`` against ``y``."""
    pred = p >= threshold
    tp = int((pred & (y == 1)).sum())
    fp = int((pred & (y == 0)).sum())
    fn = int((~pred & (y == 1)).sum())
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    acc = float((pred == (y == 1)).mean()) if len(y) else 0.0
    return {
        "threshold": round(float(threshold), 4),
        "accuracy": round(acc, 4),
        "precision": round(prec, 4),
        "recall": round(rec, 4),
        "f1": round(f1, 4),
    }


def best_accuracy_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The threshold with the highest accuracy (midpoint between neighbouring scores)."""
    cands = np.unique(np.round(p, 4))
    accs = [((p >= t) == (y == 1)).mean() for t in cands]
    return float(cands[int(np.argmax(accs))])


def precision_threshold(p: np.ndarray, y: np.ndarray, target: float) -> float:
    """The lowest threshold whose precision (and that of every higher one with at least 50
    predictions) reaches ``target``: the most recall at that precision, not a lucky dip."""
    cands = np.unique(np.round(p, 4))[::-1]
    best = float(cands[0])
    for t in cands:
        pred = p >= t
        if pred.sum() < 50:
            best = float(t)
            continue
        if (y[pred] == 1).mean() < target:
            break
        best = float(t)
    return best


def balanced_floor(related: np.ndarray, unrelated: np.ndarray) -> float:
    """The relatedness floor that best separates same-story pairs from random pairs
    (highest balanced accuracy)."""
    cands = np.unique(np.round(np.concatenate([related, unrelated]), 3))
    best, best_t = -1.0, float(cands[0])
    for t in cands:
        bal = ((related >= t).mean() + (unrelated < t).mean()) / 2
        if bal > best:
            best, best_t = bal, float(t)
    return best_t


def random_pairs(pairs: Sequence[LabelledPair], seed: int = 0) -> list[tuple[str, str]]:
    """Sentence 1 of each pair with sentence 2 of another pair (a shuffled derangement):
    pairs of different stories, the "unrelated" side of the event floor."""
    n = len(pairs)
    shift = np.random.default_rng(seed).permutation(n)
    return [(pairs[i].a, pairs[int(shift[i])].b) for i in range(n) if int(shift[i]) != i]


def weights_json(
    names: Sequence[str],
    params: tuple[np.ndarray, np.ndarray, np.ndarray, float],
    threshold: float,
    cluster_threshold: float,
    event_floor: float,
    note: str,
) -> dict[str, Any]:
    mean, scale, coef, bias = params
    return {
        "note": note,
        "features": list(names),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [round(float(v), 6) for v in coef],
        "bias": round(float(bias), 6),
        "threshold": round(float(threshold), 4),
        "cluster_threshold": round(float(cluster_threshold), 4),
        "event_floor": round(float(event_floor), 4),
    }


# ---------------------------------------------------------------------------- evaluation


def evaluate_same_claim(path: Path, judge: SameClaimJudge) -> dict[str, Any]:
    """The shipped judge on an MRPC file: accuracy at its threshold, precision/recall at the
    cluster operating point, the plain-cosine reference and the event floor's reach."""
    pairs = read_mrpc(path)
    names = judge.weights.names
    x = feature_matrix(judge, [(p.a, p.b) for p in pairs], tuple(FEATURES))
    y = np.array([p.label for p in pairs])
    w = judge.weights
    idx = [list(FEATURES).index(n) for n in names]
    prob = predict(x[:, idx], np.array(w.mean), np.array(w.scale), np.array(w.coef), w.bias)
    cos = x[:, list(FEATURES).index("cos_whole")]
    rel = np.array([relatedness(dict(zip(FEATURES, row, strict=True))) for row in x])
    return {
        "file": str(path),
        "pairs": len(pairs),
        "positive_rate": round(float(y.mean()), 4),
        "features": len(names),
        "decision": scores(prob, y, w.threshold),
        "cluster_point": scores(prob, y, w.cluster_threshold),
        "cosine_reference": scores(cos, y, best_accuracy_threshold(cos, y)),
        "event_floor": w.event_floor,
        "above_event_floor": round(float((rel >= w.event_floor).mean()), 4),
    }


def format_report(result: dict[str, Any]) -> str:
    d, c, r = result["decision"], result["cluster_point"], result["cosine_reference"]
    return "\n".join(
        [
            f"{result['file']}: {result['pairs']} pairs, {result['positive_rate']:.1%} same",
            f"  same-claim decision (p >= {d['threshold']}): accuracy {d['accuracy']:.3f}, "
            f"precision {d['precision']:.3f}, recall {d['recall']:.3f}, F1 {d['f1']:.3f}",
            f"  cluster point (p >= {c['threshold']}): precision {c['precision']:.3f}, "
            f"recall {c['recall']:.3f}",
            f"  reference, plain cosine at its best threshold on this file ({r['threshold']}): "
            f"accuracy {r['accuracy']:.3f}",
            f"  pairs above the event floor ({result['event_floor']}): "
            f"{result['above_event_floor']:.1%}",
        ]
    )


def load_weights(path: Path | None) -> Weights:
    return Weights.load(path) if path else Weights.load()
