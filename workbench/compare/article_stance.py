"""An article's stance toward a claim, from the stances of the article's own claims.

Why: Compare asks "does this outlet's article agree with the claim?". An article is a list of
claims; the ones closest to the focus claim are judged one by one (``same_claim`` tier +
``agreement.judge_agreement``) and their labels, the refutation and hedging cues of the
article and its relatedness to the claim are combined by a small multinomial logistic model
(``stance_weights.json`` next to this module; fitted on an FNC-1 train split by Body ID, see
docs/comparison.md). Every feature is listed in ``ARTICLE_FEATURES``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.compare.agreement import REFUTATION_WORDS, AgreementResult, judge_agreement
from workbench.compare.same_claim import SameClaimJudge
from workbench.compare.slots import HEDGE_WORDS, extract_slots_many
from workbench.text.keyterms import extract_key_terms, stem
from workbench.text.lexicons import word_set

STANCE_WEIGHTS = Path(__file__).with_name("stance_weights.json")
STANCES = ("agree", "disagree", "discuss", "unrelated")
TOP_K = 3  # claims of the article judged against the focus claim
LEDE = 3  # an article's opening claims, where a debunk is usually stated
_WORD = re.compile(r"[\w']+")
# Cues of refutation at article level (FNC-1's own baseline used a list like this one).
REFUTE_CUES = REFUTATION_WORDS | word_set(
    "fake fraud hoax false deny denies denied refute refuted debunk debunked nope doubt doubts "
    "bogus retract retracted retraction prank satire untrue misleading rumour rumor"
)
DISCUSS_CUES = HEDGE_WORDS | word_set(
    "reportedly according report reports reported claim claims claimed alleged allegedly "
    "said says unverified unconfirmed sources source purportedly appears"
)
_STOP = word_set(
    "the a an of to in on at for by with and or but is are was were be been has have had it "
    "its this that as from he she they his her their will would said says after over new"
)

ARTICLE_FEATURES: dict[str, str] = {
    "rel_max": "largest cosine between the claim and a claim of the article",
    "rel_top_mean": f"mean cosine of the {TOP_K} closest claims",
    "head_cover": "share of the claim's content stems found anywhere in the article",
    "ent_cover": "share of the claim's named entities found in the article (1 if it has none)",
    "top_same": "largest same-statement probability among the closest claims",
    "frac_agrees": "share of the closest claims judged 'agrees'",
    "frac_disagrees": "share of the closest claims judged 'disagrees'",
    "frac_discusses": "share of the closest claims judged 'discusses'",
    "frac_negated": "share of the closest claims that are negated or denied",
    "frac_hedged": "share of the closest claims that are hedged",
    "frac_attributed": "share of the closest claims attributed to a source",
    "refute_top": "refutation cues in the closest claims (log 1+count)",
    "refute_article": "refutation cues per claim in the whole article (log 1+rate*10)",
    "refute_lede": f"refutation cues in the first {LEDE} claims of the article (log 1+count)",
    "discuss_top": "hedging / attribution cues in the closest claims (log 1+count)",
    "discuss_article": "hedging / attribution cues per claim in the article (log 1+rate)",
    "head_refute": "refutation cues in the claim itself",
    "head_hedged": "1 if the claim itself is hedged or a question",
    "article_len": "log of the number of claims in the article",
}
NEAR_COVER = 0.3  # a claim of the article is "near" the focus when it has this share of its stems
NEGATORS = word_set("not n't never no none nothing nobody neither nor without")
# Phrases with which an article debunks what it reports (FNC-1 baselines' refuting words,
# plus the wording of fact-check columns).
DEBUNK_PHRASES = (
    "no evidence", "not true", "isn't true", "turned out", "in fact", "actually", "satire",
    "satirical", "parody", "myth", "misinformation", "hoax", "fake", "false", "debunk", "rumor",
    "rumour", "not real", "photoshop", "doctored", "no truth", "denied", "deny", "denies",
    "refuted", "retract", "apolog", "clarif", "contrary",
)  # fmt: skip
# Cues of disagreement measured for FNC-1's "disagree" class (issue 12); cheap, no parse.
DISAGREE_FEATURES: dict[str, str] = {
    "refute_near": "refutation cues in the article's claims near the focus (log 1+count)",
    "neg_near": "negations in the article's claims near the focus (log 1+count)",
    "near_frac": f"share of the article's claims near the focus (>= {NEAR_COVER:.0%} of its stems)",
    "neg_top": "negations in the closest claims (log 1+count)",
    "debunk_article": "debunking phrases per claim in the article (log 1+rate*10)",
    "debunk_lede": f"debunking phrases in the first {LEDE} claims (log 1+count)",
    "head_neg": "1 if the focus claim itself has a negation",
    "polarity_flip": "1 if the focus and its closest claims differ in the parity of their "
    "negation and refutation cues (FNC-1 baseline's polarity feature)",
}
ARTICLE_FEATURES.update(DISAGREE_FEATURES)
# Where the article speaks of the claim: the closest claim and its two neighbours (the
# "window"), and how close the article's refuting / negated claims come to the claim.
NEIGHBOURHOOD_FEATURES: dict[str, str] = {
    "refute_win": "refutation cues in the closest claim and its two neighbours (log 1+count)",
    "neg_win": "negations in that window (log 1+count)",
    "refute_best": "refutation cues in the closest claim alone (log 1+count)",
    "best_pos": "position of the closest claim in the article (0 first .. 1 last)",
    "cos_refute": "largest cosine to the claim among the article's claims with a refutation "
    "cue or debunking phrase (0 if none)",
    "gap_refute": "rel_max minus cos_refute: how far the refuting claims are from the closest",
    "cos_neg": "largest cosine to the claim among the article's negated claims (0 if none)",
    "gap_neg": "rel_max minus cos_neg",
    "refute_share": "share of the article's claims with a refutation cue or debunking phrase",
    "neg_share": "share of the article's claims with a negation",
    "discuss_win": "hedging / attribution cues in the window (log 1+count)",
    "debunk_win": "claims of the window with a debunking phrase (count)",
}
ARTICLE_FEATURES.update(NEIGHBOURHOOD_FEATURES)


@dataclass(frozen=True)
class ArticleStance:
    """An article's stance toward a claim: label, class probabilities, the reason (from the
    deciding claim of the article) and that claim's text."""

    label: str
    probabilities: dict[str, float]
    reason: str
    evidence: str


def _stems(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP}


def _count(words: list[str], lexicon: frozenset[str]) -> int:
    return sum(1 for w in words if w in lexicon)


def _negations(words: Sequence[str]) -> int:
    return sum(1 for w in words if w in NEGATORS or w.endswith("n't"))


def disagree_features(claim: str, article: Sequence[str], tops: Sequence[str]) -> dict[str, float]:
    """``DISAGREE_FEATURES`` of ``claim`` against ``article`` (``tops``: its closest claims)."""
    hs = _stems(claim)
    near = [t for t in article if hs and len(hs & _stems(t)) / len(hs) >= NEAR_COVER]
    near_words = [w for t in near for w in _WORD.findall(t.lower())]
    top_words = [w for t in tops for w in _WORD.findall(t.lower())]
    head_words = _WORD.findall(claim.lower())
    low = " ".join(article).lower()
    lede = " ".join(article[:LEDE]).lower()
    n = max(1, len(article))

    def parity(ws: Sequence[str]) -> int:
        return (_count(list(ws), REFUTE_CUES) + _negations(ws)) % 2

    return {
        "refute_near": math.log1p(_count(near_words, REFUTE_CUES)),
        "neg_near": math.log1p(_negations(near_words)),
        "near_frac": len(near) / n,
        "neg_top": math.log1p(_negations(top_words)),
        "debunk_article": math.log1p(10 * sum(low.count(p) for p in DEBUNK_PHRASES) / n),
        "debunk_lede": math.log1p(sum(lede.count(p) for p in DEBUNK_PHRASES)),
        "head_neg": float(_negations(head_words) > 0),
        "polarity_flip": float(parity(head_words) != parity(top_words)),
    }


def neighbourhood_features(article: Sequence[str], cosines: Sequence[float]) -> dict[str, float]:
    """``NEIGHBOURHOOD_FEATURES`` of an article's claims (``cosines``: each one's to the claim)."""
    if not article:
        return dict.fromkeys(NEIGHBOURHOOD_FEATURES, 0.0)
    cos = np.asarray(cosines, dtype=float)
    best = int(cos.argmax())
    window = article[max(0, best - 1) : best + 2]
    win_words = [w for t in window for w in _WORD.findall(t.lower())]
    lows = [t.lower() for t in article]
    words = [_WORD.findall(t) for t in lows]
    debunk = np.array([any(p in t for p in DEBUNK_PHRASES) for t in lows])
    refute = np.array([_count(ws, REFUTE_CUES) > 0 for ws in words]) | debunk
    negated = np.array([_negations(ws) > 0 for ws in words])
    top = float(cos.max())
    cos_refute = float(cos[refute].max()) if refute.any() else 0.0
    cos_neg = float(cos[negated].max()) if negated.any() else 0.0
    lo = max(0, best - 1)
    return {
        "refute_win": math.log1p(_count(win_words, REFUTE_CUES)),
        "neg_win": math.log1p(_negations(win_words)),
        "refute_best": math.log1p(_count(words[best], REFUTE_CUES)),
        "best_pos": best / max(1, len(article) - 1),
        "cos_refute": cos_refute,
        "gap_refute": top - cos_refute,
        "cos_neg": cos_neg,
        "gap_neg": top - cos_neg,
        "refute_share": float(refute.mean()),
        "neg_share": float(negated.mean()),
        "discuss_win": math.log1p(_count(win_words, DISCUSS_CUES)),
        "debunk_win": float(debunk[lo : best + 2].sum()),
    }


def article_features(
    judge: SameClaimJudge,
    claim: str,
    article: Sequence[str],
    cosines: Sequence[float],
) -> tuple[dict[str, float], list[tuple[str, AgreementResult]]]:
    """``ARTICLE_FEATURES`` for ``claim`` against the claims of one ``article`` (``cosines``:
    the claim's cosine to each of them), and the judged closest claims."""
    if len(article) != len(cosines):
        raise ValueError(f"{len(cosines)} cosines for {len(article)} article claims")
    order = sorted(range(len(article)), key=lambda i: -float(cosines[i]))[:TOP_K]
    tops = [article[i] for i in order]
    top_cos = [float(cosines[i]) for i in order]
    judged: list[tuple[str, AgreementResult]] = []
    p_same = 0.0
    if tops:
        decisions = judge.decide_many(claim, tops, top_cos)
        p_same = max(d.p_same for d in decisions)
        judged = [(t, judge_agreement(claim, t, d)) for t, d in zip(tops, decisions, strict=True)]
    slots = extract_slots_many(tops)
    k = max(1, len(tops))
    labels = [r.label for _, r in judged]
    top_words = [w for t in tops for w in _WORD.findall(t.lower())]
    all_words = [w for t in article for w in _WORD.findall(t.lower())]
    head_words = _WORD.findall(claim.lower())
    body_stems = set().union(*(_stems(t) for t in article)) if article else set()
    hs = _stems(claim)
    ents = extract_key_terms(claim).entities
    body_low = " ".join(article).lower()
    n = max(1, len(article))
    feats = {
        "rel_max": max(top_cos) if top_cos else 0.0,
        "rel_top_mean": sum(top_cos) / len(top_cos) if top_cos else 0.0,
        "head_cover": len(hs & body_stems) / len(hs) if hs else 0.0,
        "ent_cover": sum(1 for e in ents if e in body_low) / len(ents) if ents else 1.0,
        "top_same": p_same,
        "frac_agrees": labels.count("agrees") / k,
        "frac_disagrees": labels.count("disagrees") / k,
        "frac_discusses": labels.count("discusses") / k,
        "frac_negated": sum(s.negated for s in slots) / k,
        "frac_hedged": sum(s.hedged for s in slots) / k,
        "frac_attributed": sum(bool(s.attributed_to) for s in slots) / k,
        "refute_top": math.log1p(_count(top_words, REFUTE_CUES)),
        "refute_article": math.log1p(10 * _count(all_words, REFUTE_CUES) / n),
        "refute_lede": math.log1p(
            _count([w for t in article[:LEDE] for w in _WORD.findall(t.lower())], REFUTE_CUES)
        ),
        "discuss_top": math.log1p(_count(top_words, DISCUSS_CUES)),
        "discuss_article": math.log1p(_count(all_words, DISCUSS_CUES) / n),
        "head_refute": float(_count(head_words, REFUTE_CUES)),
        "head_hedged": float(bool(set(head_words) & HEDGE_WORDS) or claim.rstrip().endswith("?")),
        "article_len": math.log1p(len(article)),
        **disagree_features(claim, article, tops),
        **neighbourhood_features(article, cosines),
    }
    return feats, judged


@dataclass(frozen=True)
class StanceWeights:
    """A fitted softmax model: one row of coefficients per stance over standardised
    features, plus a relatedness floor under which the article is "unrelated" outright."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (len(STANCES), len(names))
    bias: np.ndarray  # (len(STANCES),)
    related_floor: float

    @classmethod
    def load(cls, path: Path = STANCE_WEIGHTS) -> StanceWeights:
        data = json.loads(path.read_text(encoding="utf-8"))
        names = tuple(data["features"])
        unknown = [n for n in names if n not in ARTICLE_FEATURES]
        if unknown:
            raise ValueError(f"{path}: unknown features {unknown}")
        if tuple(data["classes"]) != STANCES:
            raise ValueError(f"{path}: classes must be {STANCES}")
        return cls(
            names,
            np.array(data["mean"], dtype=float),
            np.array(data["scale"], dtype=float),
            np.array(data["coef"], dtype=float),
            np.array(data["bias"], dtype=float),
            float(data["related_floor"]),
        )

    def probabilities(self, feats: dict[str, float]) -> dict[str, float]:
        x = (np.array([feats[n] for n in self.names]) - self.mean) / self.scale
        z = self.coef @ x + self.bias
        e = np.exp(z - z.max())
        p = e / e.sum()
        return {s: float(v) for s, v in zip(STANCES, p, strict=True)}


_AS_LABEL = {"agree": "agrees", "disagree": "disagrees", "discuss": "discusses"}


def article_stance(
    judge: SameClaimJudge,
    claim: str,
    article: Sequence[str],
    cosines: Sequence[float],
    weights: StanceWeights | None = None,
) -> ArticleStance:
    """The stance of an article (its claims ``article``, their cosines to ``claim``)."""
    w = weights or get_stance_weights()
    feats, judged = article_features(judge, claim, article, cosines)
    if feats["rel_max"] < w.related_floor:
        probs = dict.fromkeys(STANCES, 0.0) | {"unrelated": 1.0}
        return ArticleStance("unrelated", probs, "no claim of the article is close", "")
    probs = w.probabilities(feats)
    label = max(probs, key=probs.__getitem__)
    reason, evidence = "no claim of the article is close", ""
    want = _AS_LABEL.get(label)
    for text, res in judged:
        if res.label == want:
            reason, evidence = res.reason, text
            break
    else:
        if judged and label != "unrelated":
            reason = f"{_AS_LABEL[label]} overall; closest claim: {judged[0][1].reason}"
            evidence = judged[0][0]
    return ArticleStance(label, {k: round(v, 4) for k, v in probs.items()}, reason, evidence)


_WEIGHTS: dict[str, StanceWeights] = {}


def get_stance_weights() -> StanceWeights:
    """The shipped article-stance weights (loaded once)."""
    if "w" not in _WEIGHTS:
        _WEIGHTS["w"] = StanceWeights.load()
    return _WEIGHTS["w"]
