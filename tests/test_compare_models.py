"""The comparison models' interface: fact slots, slot conflicts, the same-claim judge and
agreement reasons, on small synthetic pairs (a bag-of-words stub stands in for the encoder)."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from workbench.compare.agreement import AgreementResult, judge_agreement
from workbench.compare.pair_features import (
    FEATURES,
    LEXICAL_FEATURES,
    lexical_features,
    pair_features,
    view_texts,
)
from workbench.compare.same_claim import (
    PairDecision,
    SameClaimJudge,
    Weights,
    get_judge,
)
from workbench.compare.slots import FactSlots, Quantity, SlotConflict, extract_slots, slot_conflicts

ARIANA = "The Istanbul talks collapsed over Pakistan's demands, Ariana News reported."
NDTV = "The Istanbul talks collapsed because of Pakistan's drone agreement with the United States."


def _stub_encode(texts):
    """Hashed bag of lower-cased words, L2-normalised: similar wording, similar vector."""
    out = np.zeros((len(texts), 256), dtype=np.float32)
    for i, t in enumerate(texts):
        for w in t.lower().replace(",", " ").replace(".", " ").split():
            out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % 256] += 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1, norms)


@pytest.fixture(scope="module")
def judge() -> SameClaimJudge:
    return SameClaimJudge(encode=_stub_encode)


def test_slots_numbers_places_dates() -> None:
    s = extract_slots("Militants killed 12 soldiers in Kabul on Monday.")
    assert isinstance(s, FactSlots)
    assert Quantity(12.0, "soldier", "12 soldiers") in s.numbers
    assert "Kabul" in s.places
    assert s.dates == ("Monday",)
    assert "kill" in s.action
    assert not s.negated and not s.hedged
    assert extract_slots("Militants killed 12 soldiers in Kabul on Monday.") is s  # cached


def test_slots_attribution_hedge_negation_cause() -> None:
    a = extract_slots(ARIANA)
    assert a.attributed_to == ("Ariana News",)
    assert "Pakistan's demands" in a.cause
    assert "Ariana" not in a.content
    h = extract_slots("The talks reportedly collapsed.")
    assert h.hedged and "reportedly" not in h.bare
    d = extract_slots("The Taliban denied that the talks collapsed.")
    assert d.negated
    assert extract_slots("").numbers == ()


def test_slot_conflicts_named_per_slot() -> None:
    c = slot_conflicts(
        extract_slots("Militants killed 12 soldiers in Kabul."),
        extract_slots("Militants killed 5 soldiers in Kabul."),
    )
    assert SlotConflict("number", "12 soldiers", "5 soldiers") in c
    c = slot_conflicts(extract_slots(ARIANA), extract_slots(NDTV))
    assert any(x.slot == "cause" for x in c)
    c = slot_conflicts(
        extract_slots("The talks collapsed."),
        extract_slots("The Taliban denied that the talks collapsed."),
    )
    assert any(x.slot == "negation" for x in c)
    same = extract_slots("The talks collapsed on Friday.")
    assert slot_conflicts(same, same) == ()


def test_features_are_documented_and_bounded(judge: SameClaimJudge) -> None:
    feats = judge.features(ARIANA, NDTV)
    assert set(feats) == set(FEATURES) and len(FEATURES) <= 50
    assert all(np.isfinite(v) for v in feats.values())
    a, b = extract_slots(ARIANA), extract_slots(NDTV)
    vecs = judge.vectors([*view_texts(a), *view_texts(b)])
    assert pair_features(a, b, vecs, cosine=0.5)["cos_whole"] == 0.5


def test_lexical_features_symmetric_and_bounded() -> None:
    """Text-only features: documented, symmetric, 1 for identical texts, lower for a
    reworded pair, and the unmatched-word counts name what one side adds."""
    same = lexical_features(ARIANA, ARIANA)
    assert set(same) == set(LEXICAL_FEATURES) <= set(FEATURES)
    for name in ("fz_set", "fz_sort", "lcs_min", "lcs_max", "word_edit", "ng1_min", "ng3_max"):
        assert same[name] == pytest.approx(1.0)
    assert same["unm_max"] == same["len_absdiff"] == 0.0
    ab, ba = lexical_features(ARIANA, NDTV), lexical_features(NDTV, ARIANA)
    assert ab == pytest.approx(ba)
    assert all(0.0 <= ab[n] <= 1.0 for n in ("fz_set", "fz_partial", "lcs_min", "ng2_min"))
    assert ab["lcs_min"] < 1.0 and ab["unm_max"] >= 3
    assert lexical_features("", "")["ng1_min"] == 0.0


def test_shipped_model_uses_the_lexical_features() -> None:
    """The shipped weights (refitted on MRPC train with them) read every lexical feature."""
    assert set(LEXICAL_FEATURES) <= set(Weights.load().names)


def test_judge_tiers(judge: SameClaimJudge) -> None:
    same = judge.decide(
        "Militants killed 12 soldiers in Kabul on Monday.",
        "On Monday militants killed 12 soldiers in Kabul.",
    )
    assert isinstance(same, PairDecision) and same.tier == "same"
    assert 0.0 <= same.p_same <= 1.0
    other = judge.decide(
        "Militants killed 12 soldiers in Kabul on Monday.", "Apple released a new phone."
    )
    assert other.tier == "unrelated" and other.p_same < same.p_same
    many = judge.decide_many(ARIANA, [NDTV, "Apple released a new phone."], cosines=[0.8, 0.0])
    assert len(many) == 2 and many[1].tier == "unrelated"
    assert judge.decide_many(ARIANA, []) == []
    with pytest.raises(ValueError, match="cosines"):
        judge.decide_many(ARIANA, [NDTV], cosines=[])


def test_shipped_weights_load() -> None:
    w = Weights.load()
    assert set(w.names) <= set(FEATURES)
    assert 0.0 < w.threshold <= w.cluster_threshold < 1.0
    assert len(w.names) == len(w.coef) == len(w.mean) == len(w.scale)
    assert get_judge() is get_judge()


def test_agreement_reasons(judge: SameClaimJudge) -> None:
    d = judge.decide(ARIANA, NDTV)
    r = judge_agreement(ARIANA, NDTV, d, other_source="NDTV")
    assert isinstance(r, AgreementResult)
    assert r.label == "disagrees"
    assert "gives another cause: Pakistan's drone agreement with the United States" in r.reason

    a, b = "Militants killed 12 soldiers in Kabul.", "Militants killed 5 soldiers in Kabul."
    r = judge_agreement(a, b, judge.decide(a, b))
    assert r.label == "disagrees" and "5 soldiers vs 12 soldiers" in r.reason

    a, b = "The talks collapsed.", "The Taliban denied that the talks collapsed."
    r = judge_agreement(a, b, judge.decide(a, b, cosine=0.8))
    assert r.label == "disagrees" and r.reason == "denies that the talks collapsed"

    a = "The talks collapsed on Friday."
    b = "The talks collapsed on Friday, according to Ariana News."
    r = judge_agreement(a, b, judge.decide(a, b, cosine=0.9), other_source="Reuters")
    assert r.label == "discusses" and r.reason == "reports it as a claim by Ariana News"
    r = judge_agreement(a, b, judge.decide(a, b, cosine=0.9), other_source="Ariana News")
    assert r.label == "agrees"

    unrelated = PairDecision("unrelated", 0.01, ())
    assert judge_agreement(a, "Apple released a phone.", unrelated).label == "unrelated"


SEED_ARIANA = (
    "Reports from Afghan media outlet Ariana News indicate that Pakistan abruptly withdrew from "
    "the Istanbul negotiations after presenting what the Afghan delegation described as "
    "“unreasonable and unacceptable” demands."
)
SEED_NDTV = (
    "According to the Indian news network NDTV, the immediate catalyst for the breakdown of "
    "talks was Pakistan’s unprecedented public admission that it has an agreement with the "
    "United States allowing drone operations from its territory."
)


def test_seed_accounts_name_their_sources_and_causes(judge: SameClaimJudge) -> None:
    a, n = extract_slots(SEED_ARIANA), extract_slots(SEED_NDTV)
    assert any("Ariana News" in s for s in a.attributed_to)
    assert any("NDTV" in s for s in n.attributed_to)
    assert not a.content.startswith("Reports") and not n.content.startswith("According")
    assert any("drone" in c for c in n.cause)
    d = judge.decide(SEED_ARIANA, SEED_NDTV, cosine=0.47)  # all-MiniLM-L6-v2 cosine
    assert d.tier != "same"
    r = judge_agreement(SEED_ARIANA, SEED_NDTV, d, other_source="NDTV")
    assert r.reason.startswith("gives another cause: Pakistan’s unprecedented public admission")
    assert "drone" in r.reason


def test_neighbourhood_features_read_the_closest_claim_and_the_refutations() -> None:
    """The stance cues around the article's closest claim: refutations in its window, how close
    the refuting and negated claims come to the claim, where the closest claim sits."""
    from workbench.compare.article_stance import (
        ARTICLE_FEATURES,
        NEIGHBOURHOOD_FEATURES,
        neighbourhood_features,
    )

    article = [
        "Officials met in Istanbul on Monday.",
        "The talks collapsed over Pakistan's demands, a report said.",
        "The Taliban denied the report and called it a hoax.",
        "Weather was fine.",
    ]
    f = neighbourhood_features(article, [0.2, 0.9, 0.6, 0.1])
    assert set(f) == set(NEIGHBOURHOOD_FEATURES) <= set(ARTICLE_FEATURES)
    assert f["best_pos"] == pytest.approx(1 / 3)
    assert f["cos_refute"] == pytest.approx(0.6) and f["gap_refute"] == pytest.approx(0.3)
    assert f["refute_win"] > 0 and f["refute_best"] == 0.0 and f["debunk_win"] == 1.0
    assert f["refute_share"] == pytest.approx(0.25) and f["cos_neg"] == 0.0
    assert f["gap_neg"] == pytest.approx(0.9) and f["discuss_win"] > 0
    assert neighbourhood_features([], []) == dict.fromkeys(NEIGHBOURHOOD_FEATURES, 0.0)


def test_shipped_stance_weights_use_the_neighbourhood_cues() -> None:
    from workbench.compare.article_stance import NEIGHBOURHOOD_FEATURES, StanceWeights

    w = StanceWeights.load()
    assert set(NEIGHBOURHOOD_FEATURES) <= set(w.names) and "top_same" not in w.names
