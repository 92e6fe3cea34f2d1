"""Outlet names written in other scripts are matched by sound, and common words are not."""

from __future__ import annotations

import pytest

from workbench.outlets.registry import OutletRegistry
from workbench.outlets.transliterate import SkeletonIndex, skeleton, spell_acronyms


@pytest.fixture(scope="module")
def registry() -> OutletRegistry:
    return OutletRegistry.load()


@pytest.mark.parametrize(
    ("written", "outlet"),
    [
        ("ساوث تشاينا مورنينج بوست", "South China Morning Post"),  # Arabic
        ("ساؤتھ چائنا مارننگ پوسٹ", "South China Morning Post"),  # Urdu
        ("الواشنطن بوست", "The Washington Post"),  # Arabic article on the first word
        ("واشینگتن پست", "The Washington Post"),  # Persian
        ("إن بي سي نيوز", "NBC News"),  # a spelled acronym
        ("سی بی اس نیوز", "CBS News"),
        ("بلومبيرغ", "Bloomberg"),
        ("ایندیپندنت", "The Independent"),
    ],
)
def test_names_in_other_scripts_match_by_sound(
    registry: OutletRegistry, written: str, outlet: str
) -> None:
    hit = registry.match(written)
    assert hit is not None and hit.name == outlet


@pytest.mark.parametrize(
    "word",
    ["خشونت", "منظور", "مسئولان", "وزارت", "طالبان", "پولیس", "را داشته", "قبل أن", "सोमवार"],
)
def test_common_words_do_not_match(registry: OutletRegistry, word: str) -> None:
    assert registry.match(word) is None


def test_lowercase_common_word_is_not_the_outlet(registry: OutletRegistry) -> None:
    assert registry.match("people") is None
    assert registry.match("People") is not None


def test_skeleton_folds_what_scripts_merge() -> None:
    assert skeleton("South China Morning Post") == skeleton("ساوث تشاينا مورنينج بوست")
    assert spell_acronyms("NBC News") == "en bi si News"


def test_a_skeleton_two_outlets_share_decides_nothing() -> None:
    index = SkeletonIndex([("a", "Morning Post"), ("b", "Morning Boast")])
    assert index.match("مورنينج بوست") is None
    assert SkeletonIndex([("a", "Morning Post")]).match("مورنينج بوست") == "a"
