"""Source classification and resolution.

Turns a source mention (a spaCy span such as "he", "Haqqani", "the acting interior minister",
"Afghan media outlet Ariana News") into a canonical name, a source type and a role. A
``SourceTracker`` walks the article in order and remembers the people and bodies already
named, so pronouns, surnames and role descriptions resolve to the last matching full name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workbench.attribution.cues import (
    ANONYMITY_PHRASES,
    GROUP_PRONOUNS,
    ORG_DESCRIPTORS,
    OUTLET_DESCRIPTORS,
    PERSON_PRONOUNS,
    PERSON_ROLE_HEADS,
    RELATIVE_PRONOUNS,
    UNNAMED_HEADS,
)
from workbench.attribution.spans import doc_ents, span_ents

OutletMatcher = Callable[[str], "str | None"]

_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those"}
_ROLE_STOP = {"'s", "’s", "of", "the", "a", "an", ","}


@dataclass(slots=True)
class Resolved:
    """A resolved source: canonical name, type and (for people) role."""

    source: str
    source_type: str
    role: str | None = None


@dataclass
class _Person:
    name: str
    role: str | None
    position: int


@dataclass
class SourceTracker:
    """Remembers the named sources of one article, in reading order."""

    outlet_matcher: OutletMatcher | None = None
    people: list[_Person] = field(default_factory=list)
    last_speaker: Resolved | None = None
    last_group: Resolved | None = None
    # entities of ``_doc`` before this index are already looked at (taken or not for good)
    _doc: Any = None
    _cursor: int = 0

    # -- learning from entities -------------------------------------------------------------
    def observe_entities(self, doc: Any, upto: int) -> None:
        """Register PERSON entities (with their role) that end before character ``upto``.
        Each entity is looked at once per article (a cursor, not a rescan per mention)."""
        if doc is not self._doc:
            self._doc, self._cursor = doc, 0
        seen = {p.position for p in self.people}
        ents = doc_ents(doc)
        while self._cursor < len(ents) and ents[self._cursor].end_char <= upto:
            ent = ents[self._cursor]
            self._cursor += 1
            if ent.label_ != "PERSON" or ent.start_char in seen or _in_headline(ent):
                continue
            name = _clean_name(ent.text)
            if not name:
                continue
            full = self._full_name(name)
            role = _role_before(ent) or self._role_of(full)
            self.people.append(_Person(full, role, ent.start_char))

    def _full_name(self, name: str) -> str:
        """Expand a surname-only mention to the last full name ending with it."""
        if " " in name:
            return name
        for person in reversed(self.people):
            parts = person.name.split()
            if len(parts) > 1 and parts[-1] == name:
                return person.name
        return name

    def _role_of(self, name: str) -> str | None:
        for person in reversed(self.people):
            if person.name == name and person.role:
                return person.role
        return None

    # -- resolving a mention ----------------------------------------------------------------
    def resolve(self, span: Any) -> Resolved:
        """Classify and resolve a source mention span (must be non-empty)."""
        self.observe_entities(span.doc, span.end_char)
        text = span.text.strip()
        low = text.lower()
        head = span.root
        head_low = head.text.lower()
        if len(span) == 1 and head_low in PERSON_PRONOUNS:
            return self._pronoun_person()
        if len(span) == 1 and head_low in GROUP_PRONOUNS:
            return self.last_group or Resolved("", "unnamed")
        if len(span) == 1 and head_low in RELATIVE_PRONOUNS and head.head is not None:
            antecedent = head.head.head if head.head.dep_ == "relcl" else None
            if antecedent is not None and antecedent.i != head.i:
                return self.resolve(_np_span(antecedent))
        outlet = self._outlet(span)
        if outlet:
            return self._remember(Resolved(outlet, "outlet"))
        known = self._known_surname(span)
        if known is not None:
            return self._remember(known)
        persons = [e for e in span_ents(span) if e.label_ == "PERSON"]
        if persons:
            ent = persons[0]
            name = self._full_name(_clean_name(ent.text))
            role = _role_before(ent) or _appos_role(span, ent) or self._role_of(name)
            return self._remember(Resolved(name, "person", role))
        anonymous = _anonymous_role(span)
        if anonymous is not None:
            return Resolved("", "unnamed", anonymous)
        described = self._by_description(span)
        if described is not None:
            return self._remember(described)
        words = set(low.replace(",", " ").split())
        orgs = [e for e in span_ents(span) if e.label_ in ("ORG", "NORP", "GPE")]
        if words & ORG_DESCRIPTORS or orgs:
            name = _strip_det(text)
            return self._remember(Resolved(name, "organization"))
        if head_low in UNNAMED_HEADS or head.lemma_.lower() in UNNAMED_HEADS:
            return Resolved("", "unnamed")
        if head.pos_ == "PROPN":
            propn = [t for t in span if t.pos_ == "PROPN"]
            name = " ".join(t.text for t in propn) if propn else text
            kind = "person" if len(propn) >= 2 or head.ent_type_ == "" else "organization"
            name = self._full_name(name) if kind == "person" else name
            return self._remember(Resolved(name, kind, self._role_of(name)))
        return Resolved("", "unnamed")

    def _known_surname(self, span: Any) -> Resolved | None:
        """A bare name matching a person already named ("Haqqani" after "Sirajuddin Haqqani")."""
        words = [t for t in span if t.pos_ == "PROPN" or t.is_title]
        if not words or len(words) != len([t for t in span if not t.is_punct]):
            return None
        name = _clean_name(" ".join(t.text for t in words))
        for person in reversed(self.people):
            if person.name == name or person.name.split()[-1] == name:
                return Resolved(person.name, "person", person.role)
        return None

    def _remember(self, res: Resolved) -> Resolved:
        if res.source_type == "person":
            self.last_speaker = res
        elif res.source_type in ("organization", "outlet"):
            self.last_group = res
        return res

    def _pronoun_person(self) -> Resolved:
        if self.last_speaker is not None:
            return self.last_speaker
        if self.people:
            p = self.people[-1]
            return Resolved(p.name, "person", p.role)
        return Resolved("", "unnamed")

    def _by_description(self, span: Any) -> Resolved | None:
        """ "the acting interior minister" → the last person whose role shares its head noun."""
        first = span[0].text.lower()
        if first not in ("the", "this", "that") or any(t.pos_ == "PROPN" for t in span[1:2]):
            return None
        head = span.root.text.lower()
        for person in reversed(self.people):
            if person.role and head in person.role.lower().split():
                return Resolved(person.name, "person", person.role)
        return None

    def _outlet(self, span: Any) -> str | None:
        text = _strip_det(span.text.strip())
        candidates = [text]
        head = span.root
        candidates += [
            e.text
            for e in span_ents(span)
            if e.label_ not in ("NORP", "GPE", "DATE")
            # "CBS affiliate WAFB": the name that heads the mention is the source, not a
            # network named in its modifier (a "Reuters reporter", headed by a noun, keeps it)
            and not (head.pos_ == "PROPN" and e.end <= head.i and _descriptor_between(e, head))
        ]
        name = _trailing_proper(span)
        if name:
            candidates.append(name)
        if self.outlet_matcher is not None:
            for cand in candidates:
                hit = self.outlet_matcher(cand)
                if hit:
                    return hit
        low = " " + span.text.lower() + " "
        if any(f" {d} " in low for d in OUTLET_DESCRIPTORS) and name:
            if self._names_person(span, name):
                return None
            return name
        return None

    def _names_person(self, span: Any, name: str) -> bool:
        """Whether a mention that merely *contains* an outlet word ("show", "network") names a
        person: it holds a PERSON entity ("said Brent Montgomery, ... about the Trump show's
        cast"), or its proper-noun run is a person already named in the article. Such a
        mention is resolved as a person, never typed as an outlet called by a person's name."""
        if any(e.label_ == "PERSON" for e in span_ents(span)):
            return True
        return any(p.name == name or p.name.split()[-1] == name for p in self.people)


ANONYMITY_WINDOW = 80  # characters after the mention searched for "…, speaking on condition …"


def _anonymous_role(span: Any) -> str | None:
    """The role of "a Pakistani customs official, speaking on condition of anonymity": a person
    role with an anonymity phrase in or right after the mention is an unnamed person source
    (even when a nationality or a ministry name makes it look like an organization)."""
    head = span.root
    if head.text.lower() not in PERSON_ROLE_HEADS and head.lemma_.lower() not in PERSON_ROLE_HEADS:
        return None
    doc = span.doc
    around = doc.text[span.start_char : span.end_char + ANONYMITY_WINDOW].lower()
    if not any(p in around for p in ANONYMITY_PHRASES):
        return None
    words = [t.text for t in doc[span.start : head.i + 1] if t.lower_ not in _DETERMINERS]
    return " ".join(words) or None


def _descriptor_between(ent: Any, head: Any) -> bool:
    """An outlet word ("affiliate", "station") between an entity and the name heading the
    mention: the entity only describes the named outlet."""
    words = " " + " ".join(t.lower_ for t in ent.doc[ent.end : head.i]) + " "
    return any(f" {d} " in words for d in OUTLET_DESCRIPTORS)


def _strip_det(text: str) -> str:
    parts = text.split(" ", 1)
    if len(parts) == 2 and parts[0].lower() in _DETERMINERS:
        return parts[1]
    return text


def _clean_name(text: str) -> str:
    text = text.strip().rstrip(",.;:")
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text.strip()


def _trailing_proper(span: Any) -> str:
    """The run of proper nouns that names an entity inside a descriptive NP."""
    best: list[Any] = []
    run: list[Any] = []
    for tok in span:
        if tok.pos_ == "PROPN" and tok.ent_type_ not in ("NORP", "GPE"):
            run.append(tok)
        else:
            if run:
                best = run
            run = []
    if run:
        best = run
    return " ".join(t.text for t in best)


def _role_before(ent: Any) -> str | None:
    """Title words right before a name: "Pakistan's Defence Minister Khawaja Asif"."""
    doc = ent.doc
    i = ent.start - 1
    words: list[str] = []
    while i >= 0:
        tok = doc[i]
        if tok.text in _ROLE_STOP or tok.ent_type_ in ("GPE", "NORP", "PERSON"):
            break
        if not (tok.is_title or tok.is_upper) or tok.is_punct or tok.like_num:
            break
        words.insert(0, tok.text)
        i -= 1
    role = " ".join(words).strip()
    return role or None


def _appos_role(span: Any, ent: Any) -> str | None:
    """Appositive role after a name: "Dan Gerstein, director of Gotham Ghostwriters"."""
    for tok in span:
        if tok.dep_ == "appos" and tok.head.i >= ent.start and tok.head.i < ent.end:
            sub = list(tok.subtree)
            return span.doc[sub[0].i : sub[-1].i + 1].text.strip(" ,") or None
    return None


def _np_span(token: Any) -> Any:
    """The noun phrase headed by ``token`` without relative clauses."""
    keep = [t for t in token.subtree if not _inside_relcl(t, token)]
    return token.doc[keep[0].i : keep[-1].i + 1]


def _inside_relcl(tok: Any, root: Any) -> bool:
    while tok.i != root.i:
        if tok.dep_ in ("relcl", "acl"):
            return True
        tok = tok.head
    return False


def _in_headline(ent: Any) -> bool:
    """Whether ``ent`` sits in a title-case headline, whose capitalised runs are not names
    ("Haqqani Warns Pakistan, Says Any Act Of …"): title case capitalises function words too."""
    try:
        sent = ent.sent
    except ValueError:  # no sentence boundaries on this doc
        return False
    stops = [t for t in sent if t.is_alpha and t.is_stop and t.i > sent.start]
    return len(stops) >= 2 and sum(t.is_title for t in stops) >= 0.8 * len(stops)
