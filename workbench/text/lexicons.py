"""Word lists that more than one stage reads, kept in one place so they cannot drift apart.

``TITLES`` are the words of a person's title or office ("President", "Gen.", "former"): the
attribution parser treats a name chunk that starts with one as a person
(``attribution.fastparse``), and key terms drop them from the front of an entity's name
("President X" and "X" are one entity, ``text.keyterms_scan``). ``word_set`` writes a
lexicon compactly as one string.
"""

from __future__ import annotations


def word_set(text: str, sep: str | None = None) -> frozenset[str]:
    """A lexicon written as one string of words separated by whitespace (or ``sep``)."""
    return frozenset(text.split(sep))


TITLES: frozenset[str] = word_set(
    """
    president prime minister senator sen secretary governor gov chairman chairwoman
    director spokesman spokeswoman spokesperson rep representative mayor judge general gen
    deputy chief leader ambassador commander colonel col lt sgt capt captain mr mrs ms dr rev
    sir lord former acting foreign defence defense interior finance vice speaker chancellor
    king queen prince princess pope
    """
)
