"""The documented features of a claim pair, for the same-statement model.

Why a module of its own: training (``workbench.evaluation.same_claim``) and the shipped judge
(``workbench.compare.same_claim``) must compute exactly the same numbers. Every feature is
described in ``FEATURES`` and in docs/comparison.md. Features are symmetric in the two claims
where that makes sense, so "a vs b" and "b vs a" get the same probability.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping

import numpy as np

from workbench.compare.slot_conflicts import slot_conflicts
from workbench.compare.slots import FactSlots
from workbench.text.keyterms import extract_key_terms, key_term_conflict, stem
from workbench.text.lexicons import word_set

FEATURES: dict[str, str] = {
    "cos_whole": "cosine (all-MiniLM-L6-v2) of the two claims as written",
    "cos_content": "cosine of the content spans (attribution such as 'X said' removed)",
    "cos_bare": "cosine of the content spans without hedge words",
    "cos_max": "largest cosine over the three views",
    "cos_gap": "cos_whole minus cos_bare: how much of the likeness is framing",
    "word_jaccard": "Jaccard overlap of content-word stems",
    "word_cover_min": "shared content stems over the larger side's count (the smaller cover)",
    "word_cover_max": "shared content stems over the smaller side's count",
    "bigram_jaccard": "Jaccard overlap of word bigrams (lower-cased)",
    "char_jaccard": "Jaccard overlap of character 4-grams",
    "len_ratio": "shorter over longer length in words",
    "len_diff_log": "absolute log ratio of lengths in words",
    "num_conflict": "1 if a figure of one kind differs on both sides (key terms)",
    "num_unmatched": "figures on one side only (count, capped at 3)",
    "num_matched": "figures found on both sides (count, capped at 3)",
    "date_conflict": "1 if comparable dates differ",
    "date_unmatched": "dates on one side only (count, capped at 3)",
    "ent_jaccard": "Jaccard overlap of capitalised-name entities (key terms)",
    "ent_unmatched": "entities on one side only (count, capped at 5)",
    "ent_conflict": "1 if an entity is swapped (sibling names or substitution)",
    "keyterm_penalty": "the key-term conflict penalty used by search re-ranking",
    "negation_mismatch": "1 if one side is negated or denied and the other not",
    "hedge_mismatch": "1 if one side is hedged and the other not",
    "attributed_both": "1 if both name a source",
    "attributed_one": "1 if exactly one names a source",
    "actor_conflict": "1 if both name actors and none match",
    "action_conflict": "1 if the main actions are opposites ('rose'/'fell')",
    "action_shared": "1 if the claims share a main action lemma",
    "object_conflict": "1 if both name objects and none match",
    "cause_conflict": "1 if both give causes and none match",
    "cause_one": "1 if only one side gives a cause",
    "place_conflict": "1 if both name places and none match",
    "place_unmatched": "places named on one side only (count, capped at 3)",
    "n_conflicts": "number of slot conflicts (capped at 4)",
}

# Text-only features (no parse, no vectors): MT-metric-style overlaps and what is left
# unmatched on each side. Candidates are measured in docs/comparison.md; the fitted model
# uses those its weights file names.
LEXICAL_FEATURES: dict[str, str] = {
    "fz_set": "rapidfuzz token_set_ratio of the two texts (0-1)",
    "fz_sort": "rapidfuzz token_sort_ratio of the two texts (0-1)",
    "fz_partial": "rapidfuzz partial_ratio: best-matching substring of the longer text (0-1)",
    "lcs_min": "longest common word subsequence over the longer side's length",
    "lcs_max": "longest common word subsequence over the shorter side's length",
    "word_edit": "1 minus the word-level edit distance over the longer length",
    "ng1_min": "share of one side's words found in the other, the smaller of both directions",
    "ng2_min": "the same for word bigrams",
    "ng3_min": "the same for word trigrams",
    "ng3_max": "word trigram precision, the larger of both directions",
    "unm_min": "content words found on one side only: the smaller of the two counts",
    "unm_max": "content words found on one side only: the larger of the two counts",
    "unm_chars": "characters (/10) of the content words found on one side only",
    "len_absdiff": "absolute difference of the lengths in words",
}
FEATURES.update(LEXICAL_FEATURES)

_WORD = re.compile(r"[\w']+")
_STOP = word_set("""
    the a an of to in on at for by with and or but is are was were be been being has have had
    it its this that these those as from he she they his her their them we our you i not
    will would said says say told also than then there which who whom what when where while
    """)


def view_texts(s: FactSlots) -> tuple[str, str, str]:
    """The three views of a claim that get embedded: whole, content span, bare."""
    return (s.text, s.content or s.text, s.bare or s.content or s.text)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _stems(text: str) -> set[str]:
    return {stem(w) for w in _words(text) if w not in _STOP}


def _jaccard(x: set, y: set) -> float:
    return len(x & y) / len(x | y) if x or y else 0.0


def _grams(text: str, n: int = 4) -> set[str]:
    t = " ".join(_words(text))
    return {t[i : i + n] for i in range(max(0, len(t) - n + 1))}


def _cos(vecs: Mapping[str, np.ndarray], x: str, y: str) -> float:
    return float(np.dot(vecs[x], vecs[y]))


def _ngram_precision(wa: list[str], wb: list[str], n: int) -> float:
    ga = list(zip(*(wa[i:] for i in range(n)), strict=False))
    gb = set(zip(*(wb[i:] for i in range(n)), strict=False))
    return sum(g in gb for g in ga) / len(ga) if ga else 0.0


def lexical_features(a: str, b: str) -> dict[str, float]:
    """``LEXICAL_FEATURES`` of two texts (symmetric)."""
    from rapidfuzz import fuzz
    from rapidfuzz.distance import LCSseq, Levenshtein

    wa, wb = _words(a), _words(b)
    lcs = LCSseq.similarity(wa, wb)
    ca = {w for w in wa if w not in _STOP}
    cb = {w for w in wb if w not in _STOP}
    ua, ub = len(ca - cb), len(cb - ca)
    ng = {n: (_ngram_precision(wa, wb, n), _ngram_precision(wb, wa, n)) for n in (1, 2, 3)}
    return {
        "fz_set": fuzz.token_set_ratio(a, b) / 100,
        "fz_sort": fuzz.token_sort_ratio(a, b) / 100,
        "fz_partial": fuzz.partial_ratio(a, b) / 100,
        "lcs_min": lcs / max(1, len(wa), len(wb)),
        "lcs_max": lcs / max(1, min(len(wa), len(wb))),
        "word_edit": float(Levenshtein.normalized_similarity(wa, wb)),
        "ng1_min": min(ng[1]),
        "ng2_min": min(ng[2]),
        "ng3_min": min(ng[3]),
        "ng3_max": max(ng[3]),
        "unm_min": float(min(ua, ub)),
        "unm_max": float(max(ua, ub)),
        "unm_chars": sum(len(w) for w in ca ^ cb) / 10,
        "len_absdiff": float(abs(len(wa) - len(wb))),
    }


def pair_features(
    a: FactSlots,
    b: FactSlots,
    vecs: Mapping[str, np.ndarray],
    cosine: float | None = None,
) -> dict[str, float]:
    """Every feature of ``FEATURES`` for claims ``a`` and ``b``; ``vecs`` holds the vectors
    of their ``view_texts``; ``cosine`` (when the caller has it) replaces ``cos_whole``."""
    va, vb = view_texts(a), view_texts(b)
    cw = _cos(vecs, va[0], vb[0]) if cosine is None else float(cosine)
    cc = _cos(vecs, va[1], vb[1])
    cb = _cos(vecs, va[2], vb[2])
    sa, sb = _stems(a.content or a.text), _stems(b.content or b.text)
    shared = len(sa & sb)
    wa, wb = _words(a.text), _words(b.text)
    ba = set(itertools.pairwise(wa))
    bb = set(itertools.pairwise(wb))
    la, lb = max(1, len(wa)), max(1, len(wb))
    ka, kb = extract_key_terms(a.text), extract_key_terms(b.text)
    kc = key_term_conflict(ka, kb)
    ea, eb = set(ka.entities), set(kb.entities)
    num_matched = sum(1 for x in ka.numbers if any(x.overlaps(y) for y in kb.numbers))
    num_unmatched = sum(1 for x in ka.numbers if not any(x.overlaps(y) for y in kb.numbers)) + sum(
        1 for y in kb.numbers if not any(y.overlaps(x) for x in ka.numbers)
    )
    date_matched = sum(1 for x in ka.dates if any(x.compatible(y) for y in kb.dates))
    date_unmatched = len(ka.dates) + len(kb.dates) - 2 * date_matched
    conflicts = slot_conflicts(a, b)
    slots = {c.slot for c in conflicts}
    pa = {p.lower() for p in a.places}
    pb = {p.lower() for p in b.places}
    return {
        "cos_whole": cw,
        "cos_content": cc,
        "cos_bare": cb,
        "cos_max": max(cw, cc, cb),
        "cos_gap": cw - cb,
        "word_jaccard": _jaccard(sa, sb),
        "word_cover_min": shared / max(1, len(sa), len(sb)),
        "word_cover_max": shared / max(1, min(len(sa), len(sb))),
        "bigram_jaccard": _jaccard(ba, bb),
        "char_jaccard": _jaccard(_grams(a.text), _grams(b.text)),
        "len_ratio": min(la, lb) / max(la, lb),
        "len_diff_log": abs(math.log(la / lb)),
        "num_conflict": float(bool(kc.numbers)),
        "num_unmatched": float(min(3, num_unmatched)),
        "num_matched": float(min(3, num_matched)),
        "date_conflict": float(bool(kc.dates)),
        "date_unmatched": float(min(3, max(0, date_unmatched))),
        "ent_jaccard": _jaccard(ea, eb),
        "ent_unmatched": float(min(5, len(ea ^ eb))),
        "ent_conflict": float(bool(kc.entities)),
        "keyterm_penalty": float(kc.penalty),
        "negation_mismatch": float(a.negated != b.negated),
        "hedge_mismatch": float(a.hedged != b.hedged),
        "attributed_both": float(bool(a.attributed_to) and bool(b.attributed_to)),
        "attributed_one": float(bool(a.attributed_to) != bool(b.attributed_to)),
        "actor_conflict": float("actor" in slots),
        "action_conflict": float("action" in slots),
        "action_shared": float(bool(set(a.action) & set(b.action))),
        "object_conflict": float("object" in slots),
        "cause_conflict": float("cause" in slots),
        "cause_one": float(bool(a.cause) != bool(b.cause)),
        "place_conflict": float("place" in slots),
        "place_unmatched": float(min(3, len(pa ^ pb))),
        "n_conflicts": float(min(4, len(conflicts))),
        **lexical_features(a.text, b.text),
    }


def relatedness(feats: Mapping[str, float]) -> float:
    """How strongly two claims speak of one event (tier "event" vs "unrelated"): the best
    view cosine, raised a little by shared names and content words."""
    return feats["cos_max"] + 0.1 * feats["ent_jaccard"] + 0.1 * feats["word_cover_max"]
