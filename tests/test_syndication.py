from __future__ import annotations

import random

from workbench.compare.syndication import (
    clean,
    find_syndicated_groups,
    independent_count,
    similarity,
    syndicated_pairs,
)

WIRE = (
    "Taliban officials and a Pakistani delegation ended two days of talks in Istanbul on "
    "Tuesday without agreeing on how to stop cross-border attacks, according to two people "
    "familiar with the discussions. The Pakistani side demanded written guarantees that "
    "militants would not use Afghan soil, while the Taliban said they could not control "
    "groups operating inside Pakistan. Turkish and Qatari mediators said they would try to "
    "bring the two sides back to the table next week."
)
REPRINT_1 = (
    "Afghan-Pakistan talks end without deal\nISTANBUL, Oct 28 (Reuters) - "
    + WIRE
    + ("\nReporting by Jane Doe in Istanbul; Editing by John Smith")
)
REPRINT_2 = (
    "Talks in Istanbul fail to produce agreement\nIstanbul, 28 October (AFP) - "
    + WIRE
    + " The border crossings at Torkham and Chaman remain closed to trade."
)
OTHER = (
    "Pakistan and Afghanistan agreed on Sunday to extend a ceasefire along their border "
    "after talks in Doha, Qatar's foreign ministry said, as traders called for the "
    "reopening of crossings that have been shut for weeks. The ministry said a follow-up "
    "meeting would be held in Istanbul to set up a monitoring mechanism."
)


def test_reprints_of_one_wire_story_are_one_origin() -> None:
    groups = find_syndicated_groups([REPRINT_1, REPRINT_2, OTHER])
    assert groups == [[0, 1], [2]]
    assert independent_count(groups) == 2
    assert independent_count([[0, 1]]) == 1
    assert independent_count([[0, 1]], n=3) == 2


def test_clean_drops_headline_dateline_and_credits() -> None:
    body = clean(REPRINT_1)
    assert body.startswith("Taliban officials")
    assert "Reporting by" not in body
    assert clean("WASHINGTON — The Senate voted.") == "The Senate voted."


def test_short_quote_inside_long_article_is_not_a_copy() -> None:
    quote = "militants would not use Afghan soil, while the Taliban said"
    assert find_syndicated_groups([WIRE, quote]) == [[0], [1]]


def test_similarity_is_containment_bounded_by_half_the_larger() -> None:
    a = set(range(100))
    assert similarity(a, set(range(90))) == 1.0
    assert similarity(a, set(range(40))) == 0.8
    assert similarity(a, set()) == 0.0


def test_empty_and_exact_duplicates() -> None:
    assert find_syndicated_groups([]) == []
    assert find_syndicated_groups(["", "", "x y z"]) == [[0], [1], [2]]
    assert find_syndicated_groups(["a b c d e f", "A b c, d e f."]) == [[0, 1]]
    assert syndicated_pairs(["a b c d e f", "a b c d e f"]) == [(0, 1, 1.0)]


def _story(rng: random.Random, vocab: list[str], n: int = 250) -> str:
    return " ".join(rng.choice(vocab) for _ in range(n)) + "."


def test_scales_to_thousands_with_banding() -> None:
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(5000)]
    stories = [_story(rng, vocab) for _ in range(1000)]
    texts = list(stories)
    for i in range(0, 1000, 10):  # a reprint with a new headline, dateline and credit
        texts.append(
            f"Headline {i}\nLONDON (Reuters) - {stories[i]} Extra closing sentence here.\n"
            "Reporting by A. Reporter"
        )
    import workbench.compare.syndication as syn

    checked = {"n": 0}
    exact = syn.similarity

    def counting(a, b):  # type: ignore[no-untyped-def]
        checked["n"] += 1
        return exact(a, b)

    syn.similarity = counting  # type: ignore[assignment]
    try:
        groups = find_syndicated_groups(texts)
    finally:
        syn.similarity = exact  # type: ignore[assignment]
    assert independent_count(groups) == 1000
    assert [0, 1000] in groups and [990, 1099] in groups
    # banding: exact checks stay near the true pairs, not all ~600k pairs (speed is in bench/)
    assert checked["n"] < 5_000
