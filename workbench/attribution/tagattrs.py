"""A faster stand-in for the model's ``attribute_ruler`` with the same output.

spaCy's ``AttributeRuler`` runs a ``Matcher`` of ~180 token patterns over every token (mostly
tag → POS/MORPH maps and word exceptions): about an eighth of the attribution parse. Nearly
all of them look at one token's tag, lowercase form, dependency label and whether it is
space, so this component resolves each distinct (tag, lower, dep, is_space) once, caches the
rules it matches, and only the few multi-token patterns go through a small ``Matcher``. The
rules are applied in the ruler's own order (later rules win), so POS, MORPH and LEMMA are the
same as the ruler's; ``tests/test_attribution_speed.py`` checks that token by token.
"""

from __future__ import annotations

import re
from typing import Any

NAME = "workbench_attribute_ruler"
_KEYS = frozenset(["TAG", "LOWER", "DEP", "IS_SPACE"])
_OPS = frozenset(["IN", "NOT_IN", "REGEX"])


def _value_ok(want: Any, have: Any) -> bool:
    """One pattern value (a literal or an ``IN``/``NOT_IN``/``REGEX`` dict) against a token's."""
    if not isinstance(want, dict):
        return want == have
    for op, arg in want.items():
        if op == "IN" and have not in arg:
            return False
        if op == "NOT_IN" and have in arg:
            return False
        if op == "REGEX" and not re.search(arg, str(have)):
            return False
    return True


def _literals(want: Any) -> frozenset[str] | None:
    """The values a pattern key can only take (a literal or an ``IN`` list), else None (any)."""
    if want is None:
        return None
    if not isinstance(want, dict):
        return frozenset([want])
    if set(want) == {"IN"}:
        return frozenset(want["IN"])
    return None


def _simple(pattern: list[dict[str, Any]]) -> bool:
    """Whether a one-token pattern uses only the keys and operators this module evaluates."""
    if len(pattern) != 1:
        return False
    for key, want in pattern[0].items():
        if key not in _KEYS:
            return False
        if isinstance(want, dict) and not set(want) <= _OPS:
            return False
    return True


class FastAttributeRuler:
    """Applies an ``AttributeRuler``'s rules with a per-token-shape cache (see module doc)."""

    def __init__(self, ruler: Any) -> None:
        from spacy.matcher import Matcher
        from spacy.tokens._retokenize import set_token_attrs

        self._set = set_token_attrs
        self.attrs: list[dict[int, Any]] = list(ruler.attrs)
        self.indices: list[int] = list(ruler.indices)
        self.single: list[tuple[int, list[dict[str, Any]]]] = []  # (rule id, token patterns)
        self.multi = Matcher(ruler.vocab)
        self.has_multi = False
        for rule in range(len(self.attrs)):
            patterns = ruler.matcher.get(str(rule))[1]
            simple = [p[0] for p in patterns if _simple(p)]
            other = [p for p in patterns if not _simple(p)]
            if simple:
                self.single.append((rule, simple))
            if other:
                self.multi.add(str(rule), other)
                self.has_multi = True
        # rules reachable from a token's lowercase form, or from its tag (when the rule leaves
        # the form open), so a new word is checked against a handful of rules, not all of them
        self.by_lower: dict[str, list[int]] = {}
        self.by_tag: dict[str, list[int]] = {}
        self.anywhere: list[int] = []
        for rule, pats in self.single:
            for p in pats:
                lows, tags = _literals(p.get("LOWER")), _literals(p.get("TAG"))
                for word in lows or ():
                    self.by_lower.setdefault(word, []).append(rule)
                if lows is None:
                    for tag in tags or ():
                        self.by_tag.setdefault(tag, []).append(rule)
                    if tags is None:
                        self.anywhere.append(rule)
        self.patterns = dict(self.single)
        self._cache: dict[tuple[str, str, str, bool], tuple[int, ...]] = {}

    def _rules_for(self, key: tuple[str, str, str, bool]) -> tuple[int, ...]:
        rules = self._cache.get(key)
        if rules is None:
            values = dict(zip(("TAG", "LOWER", "DEP", "IS_SPACE"), key, strict=True))
            maybe = {*self.by_lower.get(key[1], ()), *self.by_tag.get(key[0], ()), *self.anywhere}
            rules = tuple(
                rule
                for rule in sorted(maybe)
                if any(
                    all(_value_ok(v, values[k]) for k, v in p.items()) for p in self.patterns[rule]
                )
            )
            if len(self._cache) < 200_000:  # bounded: distinct word shapes, not tokens
                self._cache[key] = rules
        return rules

    def __call__(self, doc: Any) -> Any:
        per_token: list[list[tuple[int, int]]] = [[] for _ in range(len(doc))]
        for tok in doc:
            key = (tok.tag_, tok.lower_, tok.dep_, tok.is_space)
            per_token[tok.i] = [(rule, tok.i) for rule in self._rules_for(key)]
        if self.has_multi:
            strings = doc.vocab.strings
            for match_id, start, end in self.multi(doc, allow_missing=True):
                rule = int(strings[match_id])
                index = self.indices[rule]
                target = (start if index >= 0 else end) + index
                if start <= target < end:
                    per_token[target].append((rule, target))
        order = sorted(hit for hits in per_token for hit in hits)
        for rule, i in order:
            self._set(doc[i], self.attrs[rule])
        return doc

    def pipe(self, docs: Any, batch_size: int = 128) -> Any:
        for doc in docs:
            yield self(doc)


_PENDING: list[FastAttributeRuler] = []  # handed to the factory by ``install`` (one at a time)


def _factory(nlp: Any, name: str) -> FastAttributeRuler:
    return _PENDING.pop()


def install(nlp: Any) -> Any:
    """Replace ``nlp``'s ``attribute_ruler`` by the cached version: same place, name and rules.
    Callers serialise model loading (``model.load_nlp`` holds its lock)."""
    from spacy.language import Language

    if "attribute_ruler" not in nlp.pipe_names:
        return nlp
    if not Language.has_factory(NAME):
        Language.factory(NAME, func=_factory)
    _PENDING.append(FastAttributeRuler(nlp.get_pipe("attribute_ruler")))
    try:
        nlp.replace_pipe("attribute_ruler", NAME)
    finally:
        _PENDING.clear()
    return nlp
