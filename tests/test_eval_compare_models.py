"""Same-claim (MRPC) and stance (FNC-1) evaluation: readers, split, model fitting and scores
on small synthetic files; the shipped models on the shared data (slow, skipped when absent)."""

from __future__ import annotations

import csv
import json
import os

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.conftest import shared_path
from workbench.cli import app
from workbench.compare.article_stance import STANCE_WEIGHTS, STANCES, StanceWeights
from workbench.errors import InputError
from workbench.evaluation import same_claim as sc
from workbench.evaluation import stance as st

slow = pytest.mark.skipif(
    os.environ.get("WORKBENCH_SLOW_TESTS") != "1", reason="set WORKBENCH_SLOW_TESTS=1"
)
runner = CliRunner()

MRPC_ROWS = [
    (
        "1",
        "Militants killed 12 soldiers in Kabul on Monday.",
        "On Monday militants killed 12 soldiers in Kabul.",
    ),
    (
        "0",
        "Militants killed 12 soldiers in Kabul on Monday.",
        "Militants killed 5 soldiers in Herat on Friday.",
    ),
    (
        "1",
        "The talks in Istanbul collapsed, officials said.",
        "Officials said the Istanbul talks collapsed.",
    ),
]


def _mrpc(path, rows=MRPC_ROWS):
    lines = ["\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String"]
    lines += [f"{q}\t{i}\t{i + 100}\t{a}\t{b}" for i, (q, a, b) in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_read_mrpc(tmp_path) -> None:
    pairs = sc.read_mrpc(_mrpc(tmp_path / "m.tsv"))
    assert [p.label for p in pairs] == [1, 0, 1]
    assert pairs[0].a.startswith("Militants")
    bad = tmp_path / "bad.tsv"
    bad.write_text("Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\nx\t1\t2\ta\tb\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.tsv: line 2"):
        sc.read_mrpc(bad)
    with pytest.raises(InputError, match="no such MRPC file"):
        sc.read_mrpc(tmp_path / "missing.tsv")


def test_logistic_fit_and_thresholds() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3))
    y = (x[:, 0] - 0.5 * x[:, 1] + 0.1 * rng.normal(size=400) > 0).astype(int)
    params = sc.fit_logistic(x, y)
    p = sc.predict(x, *params)
    assert sc.scores(p, y, 0.5)["accuracy"] > 0.95
    oof = sc.cross_val_probs(x, y)
    assert sc.scores(oof, y, sc.best_accuracy_threshold(oof, y))["accuracy"] > 0.9
    t = sc.precision_threshold(oof, y, 0.97)
    assert sc.scores(oof, y, t)["precision"] >= 0.97
    floor = sc.balanced_floor(np.array([0.6, 0.7, 0.8]), np.array([0.1, 0.2, 0.65]))
    assert 0.2 < floor <= 0.7


def test_disk_vectors_cache(tmp_path) -> None:
    calls = []

    def encode(texts):
        calls.append(list(texts))
        return np.ones((len(texts), 4), dtype=np.float32)

    cache = sc.DiskVectors(encode, tmp_path / "v.npz")
    assert cache(["a", "b"]).shape == (2, 4)
    again = sc.DiskVectors(encode, tmp_path / "v.npz")
    assert again(["b", "a"]).shape == (2, 4) and len(calls) == 1


def _fnc(folder, n_bodies=5):
    folder.mkdir()
    with (folder / "train_bodies.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Body ID", "articleBody"])
        for b in range(n_bodies):
            w.writerow(
                [
                    b,
                    f"Officials in city {b} said the bridge collapsed on Monday.\n\n"
                    "The report is a hoax, the mayor said. Nobody was hurt in the incident.",
                ]
            )
    with (folder / "train_stances.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Headline", "Body ID", "Stance"])
        for b in range(n_bodies):
            w.writerow([f"Bridge collapses in city {b}", b, "disagree"])
            w.writerow(["Apple unveils a new phone", b, "unrelated"])
    return folder


def test_read_and_split_fnc(tmp_path) -> None:
    bodies, pairs = st.read_fnc(_fnc(tmp_path / "fnc", n_bodies=10))
    assert len(bodies) == 10 and len(pairs) == 20
    train, dev = st.split_bodies(pairs)
    assert {p.body_id for p in train}.isdisjoint({p.body_id for p in dev})
    assert len({p.body_id for p in dev}) == 2
    assert st.split_bodies(pairs) == (train, dev)  # fixed seed
    with pytest.raises(InputError, match=r"train_bodies\.csv: missing"):
        st.read_fnc(tmp_path)


def test_fnc_scores() -> None:
    gold = ["agree", "disagree", "discuss", "unrelated"]
    assert st.fnc_score(gold, gold) == 1.0
    # all "discuss": 0.25 for each related pair, +0.75 for the discuss one, 0 for unrelated
    assert st.fnc_score(gold, ["discuss"] * 4) == pytest.approx((0.25 + 0.25 + 1.0) / 3.25)
    s = st.stance_scores(gold, gold)
    assert s["macro_f1"] == 1.0 and s["confusion"]["agree"]["agree"] == 1


def test_softmax_fit() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 4, size=600)
    x = np.eye(4)[y] * 3 + rng.normal(size=(600, 4))
    params = st.fit_softmax(x, y, 4)
    assert (st.predict_softmax(x, *params).argmax(axis=1) == y).mean() > 0.9
    w = StanceWeights(("rel_max", "head_cover", "top_same", "refute_top"), *params, 0.2)
    labels = st.predict_labels(
        np.c_[x, np.zeros(600)], ("rel_max", "head_cover", "top_same", "refute_top", "x"), w
    )
    assert set(labels) <= set(STANCES)


def test_cli_eval_same_claim(tmp_path) -> None:
    mrpc = _mrpc(tmp_path / "m.tsv")
    out = runner.invoke(app, ["eval", "same-claim", "--mrpc", str(mrpc), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["pairs"] == 3 and 0.0 <= data["decision"]["accuracy"] <= 1.0


@pytest.mark.skipif(not STANCE_WEIGHTS.exists(), reason="no fitted stance weights yet")
def test_cli_eval_stance(tmp_path) -> None:
    fnc = _fnc(tmp_path / "fnc")
    out = runner.invoke(app, ["eval", "stance", "--fnc", str(fnc), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["split"] == "dev" and data["pairs"] == 2 and "fnc_score" in data


@slow
def test_mrpc_dev_numbers() -> None:
    """The shipped same-claim model on MRPC dev (see docs/comparison.md for the numbers)."""
    dev = shared_path("mrpc", "dev.tsv")
    out = runner.invoke(app, ["eval", "same-claim", "--mrpc", str(dev), "--json"])
    data = json.loads(out.output)
    assert data["decision"]["accuracy"] >= 0.745  # 0.750 on dev
    assert data["cluster_point"]["precision"] >= 0.90
    assert data["cluster_point"]["recall"] >= 0.53  # 0.560 with the lexical features


@slow
def test_fnc_dev_numbers() -> None:
    """The shipped article-stance model on the FNC-1 dev split."""
    fnc = shared_path("fnc1")
    out = runner.invoke(app, ["eval", "stance", "--fnc", str(fnc), "--json"])
    data = json.loads(out.output)
    assert data["macro_f1"] >= 0.5
