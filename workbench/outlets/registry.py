"""News-outlet registry: canonical names, aliases, country, language, kind and web domains.

Why: attribution and source checks need to know that "AP", "Associated Press" and
"apnews.com" are one outlet. The packaged list lives in ``workbench/outlets/outlets.json``; a
user file (same schema, a JSON list) can extend it.

Fields: ``country`` is an ISO 3166-1 alpha-2 code of the outlet's home base, ``language`` the
ISO 639-1 code of its main language, ``kind`` one of :data:`KINDS`:

- ``wire``: news agencies that sell copy to other outlets (Reuters, AP, AFP, Xinhua, PTI)
- ``broadcaster``: TV/radio organisations and their websites (BBC, Geo News, TOLOnews)
- ``newspaper``: print titles and their websites (Dawn, The Hindu)
- ``online``: digital-native news sites (KabulNow, Middle East Eye)
- ``magazine``: periodicals (Time, The Diplomat, India Today)
- ``aggregator``: republishers of others' copy (MSN, Yahoo News, AllAfrica)
- ``organisation``: non-news bodies cited like outlets (NASA, ISW, UN News)

Matching is tiered, cheapest first: exact alias, normalised alias (case, accents,
punctuation, leading "The", possessive), suffix-stripped core ("Dawn newspaper"), then a
conservative rapidfuzz ratio. 2–3 letter all-caps aliases (AP, AFP, PTI) match only exactly.
A name in another script that no native-script alias lists is matched by its sound
(``transliterate``: "ساوث تشاينا مورنينج بوست" → South China Morning Post).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from rapidfuzz import fuzz, process

from workbench.outlets.transliterate import SkeletonIndex
from workbench.text.lexicons import word_set

KINDS: tuple[str, ...] = (
    "wire",
    "broadcaster",
    "newspaper",
    "online",
    "magazine",
    "aggregator",
    "organisation",
)
DEFAULT_THRESHOLD = 93.0  # rapidfuzz ratio (0-100) on compact normalised names


# Trailing words that name the medium rather than the outlet ("Dawn newspaper").
_SUFFIXES = (
    "news agency",
    "news network",
    "news service",
    "news channel",
    "newspaper",
    "news",
    "tv",
    "television",
    "network",
    "agency",
    "online",
    "com",
)
# Cores too generic to stand for an outlet once a suffix is stripped ("Jordan TV").
_BLOCKED_CORES = word_set(
    "arab africa jordan iraqi global sky daily national india pakistan china israel "
    "afghanistan iran world business times star"
)
# Aliases never searched for in running text: common words, places, generic titles.
_TEXT_SKIP = word_set(
    (
        "azerbaijan|people|time|space|nature|metro|tribune|fortune|variety|caliber|punch|"
        "independent|scroll|mint|oil price|news 24|nikkei|insider|business day|daily post|"
        "daily sun|daily star|daily times|the news|the star|the sun|the standard|the national|"
        "the nation|the week|the times|the hill|the peninsula|the wire|the print|the atlantic|"
        "the independent|the tribune|aa|asn|apa|vg|nos|rai|ria|rt|nv|amu"
    ),
    "|",
)  # compared against " ".join(_tokens(alias)): casefolded, "The" kept before one word
# Aliases searched for in text only when not at a sentence start ("Dawn raids began").
_TEXT_CASED = word_set("dawn guardian telegraph inquirer tempo tolo fars mehr economist axios yle")
_NO_FUZZY = frozenset(w.replace(" ", "") for w in _TEXT_SKIP)
_LANG_TAIL = re.compile(r"\s*\(?\bin [A-Z][a-z]+\)?\s*$")
_SHORT_CAPS = re.compile(r"^[A-Z0-9]{2,3}$")


def _fold(s: str) -> str:
    """Strip accents (and the Turkish dotless i) so "Anadolu Ajansı" == "Anadolu Ajansi"."""
    s = unicodedata.normalize("NFKD", s.replace("ı", "i"))
    return "".join(c for c in s if not unicodedata.combining(c))


def _tokens(s: str, casefold: bool = True) -> list[str]:
    """Words of a name: accents folded, '&' -> 'and', no apostrophes, leading "The" dropped."""
    s = _LANG_TAIL.sub("", _fold(s).strip())  # "El País in Spanish", "BBC Persian (in Persian)"
    if casefold:
        s = s.casefold()
    s = re.sub(r"['’‘`]", "", s.replace("&", " and "))
    words = re.findall(r"\w+", s)
    if len(words) > 2 and words[0].casefold() == "the":  # keep "The Hindu" != "Hindu"
        words = words[1:]
    return words


def _key(s: str) -> str:
    """Compact case-insensitive key: "The Kabul Now" -> "kabulnow"."""
    return "".join(_tokens(s))


def _strip_possessive(s: str) -> str | None:
    s2 = re.sub(r"(?:['’]s|s['’]|['’])\s*$", lambda m: "s" if m.group(0)[0] == "s" else "", s)
    return s2 if s2 != s else None


def _core(words: list[str]) -> list[str] | None:
    """Drop trailing medium words; None when nothing was dropped."""
    out = list(words)
    changed = True
    while changed and len(out) > 1:
        changed = False
        for suf in _SUFFIXES:
            n = len(suf.split())
            if len(out) > n and [w.casefold() for w in out[-n:]] == suf.split():
                out, changed = out[:-n], True
                break
    return out if len(out) < len(words) else None


def _the(s: str) -> str:
    """Leading "the " written as "The " (text mentions: "the Guardian" == "The Guardian")."""
    return "The " + s[4:] if s.startswith("the ") else s


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _fold(name).casefold()).strip("-")


def _is_short(alias: str) -> bool:
    return bool(_SHORT_CAPS.match("".join(_tokens(alias, casefold=False))))


@dataclass(slots=True)
class Outlet:
    """One news outlet (or outlet-like source) with its known names and web domains."""

    id: str
    name: str
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    language: str | None = None
    kind: str | None = None
    domains: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        """Canonical name followed by aliases."""
        return [self.name, *self.aliases]


def _validate(entry: Any, where: str) -> dict[str, Any]:
    """Check one JSON outlet entry; raise ValueError naming ``where`` and the bad field."""
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: entry must be an object, got {type(entry).__name__}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}: field 'name' must be a non-empty string")
    where = f"{where} ({name!r})"
    unknown = set(entry) - {"id", "name", "aliases", "country", "language", "kind", "domains"}
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {sorted(unknown)}")
    for f in ("aliases", "domains"):
        v = entry.get(f, [])
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            raise ValueError(f"{where}: field '{f}' must be a list of non-empty strings")
    for f in ("id", "country", "language", "kind"):
        if entry.get(f) is not None and not isinstance(entry[f], str):
            raise ValueError(f"{where}: field '{f}' must be a string or null")
    if entry.get("kind") is not None and entry["kind"] not in KINDS:
        raise ValueError(f"{where}: field 'kind' must be one of {KINDS}, got {entry['kind']!r}")
    return entry


def load_user_file(path: str | Path) -> list[dict[str, Any]]:
    """Read and validate a user outlet file (JSON list); errors name the file and entry."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise ValueError(f"{path}: cannot read outlet file: {e}") from e
    if not isinstance(data, list):
        raise ValueError(f"{path}: outlet file must hold a JSON list of outlets")
    return [_validate(e, f"{path}: entry {i}") for i, e in enumerate(data)]


def _packaged_text() -> str:
    """The packaged outlets.json via importlib.resources (file fallback for odd installs)."""
    try:
        return resources.files("workbench.outlets").joinpath("outlets.json").read_text("utf-8")
    except (OSError, NotADirectoryError, TypeError):
        return (Path(__file__).parent / "outlets.json").read_text("utf-8")


def _clean_domain(d: str) -> str:
    d = d.strip().casefold()
    host = urlparse(d).hostname if "://" in d else d.split("/", 1)[0].split(":", 1)[0]
    host = (host or "").rstrip(".")
    return host[4:] if host.startswith("www.") else host


class OutletRegistry:
    """In-memory outlet list with fast lookup by name, alias, domain and text mention."""

    def __init__(self, outlets: Iterable[Outlet] = ()) -> None:
        self._outlets: dict[str, Outlet] = {}
        self._user: dict[str, dict[str, Any]] = {}  # user additions, for save_user
        for o in outlets:
            self._outlets[o.id] = o
        self._reindex()

    # -- loading -------------------------------------------------------------------------
    @classmethod
    def load(cls, user_file: Path | None = None) -> OutletRegistry:
        """Packaged outlets, then (optionally) a user file merged on top."""
        text = _packaged_text()
        entries = [_validate(e, f"outlets.json: entry {i}") for i, e in enumerate(json.loads(text))]
        reg = cls(cls._from_entry(e) for e in entries)
        if user_file is not None:
            for e in load_user_file(user_file):
                reg.add(
                    e["name"],
                    e.get("aliases", []),
                    e.get("country"),
                    e.get("language"),
                    e.get("kind"),
                    e.get("domains", []),
                    id=e.get("id"),
                )
        return reg

    @staticmethod
    def _from_entry(e: dict[str, Any]) -> Outlet:
        return Outlet(
            id=e.get("id") or _slug(e["name"]),
            name=e["name"],
            aliases=list(e.get("aliases", [])),
            country=e.get("country"),
            language=e.get("language"),
            kind=e.get("kind"),
            domains=[_clean_domain(d) for d in e.get("domains", [])],
        )

    # -- indexes -------------------------------------------------------------------------
    def _reindex(self) -> None:
        """Build the lookup dicts once; first registration of a key wins."""
        self._exact: dict[str, Outlet] = {}  # casefolded name incl. leading "The"
        self._norm: dict[str, Outlet] = {}  # compact normalised key
        self._short: dict[str, Outlet] = {}  # case-sensitive 2-3 letter all-caps aliases
        core: dict[str, set[str]] = {}
        self._domains: dict[str, Outlet] = {}
        for o in self._outlets.values():
            for a in o.names():
                if _is_short(a):
                    self._short.setdefault("".join(_tokens(a, casefold=False)), o)
                    continue
                self._exact.setdefault(" ".join(_fold(a).casefold().split()), o)
                k = _key(a)
                if k:
                    self._norm.setdefault(k, o)
                    words = _tokens(a)
                    for c in (words, _core(words)):
                        ck = "".join(c) if c else ""
                        if len(ck) > 3 and ck not in _BLOCKED_CORES:
                            core.setdefault(ck, set()).add(o.id)
            for d in o.domains:
                self._domains.setdefault(d, o)
        self._core = {k: self._outlets[next(iter(v))] for k, v in core.items() if len(v) == 1}
        # Generic words ("Nation", "Azerbaijan") are matched exactly but never fuzzily.
        self._fuzzy_keys = [
            k
            for k, o in self._norm.items()
            if len(k) >= 9 and k not in _TEXT_CASED and k not in _NO_FUZZY
        ]
        self._cache: dict[tuple[str, float], Outlet | None] = {}
        self._text_re: re.Pattern[str] | None = None
        self._sounds: SkeletonIndex | None = None  # built on the first non-Latin name

    # -- lookup --------------------------------------------------------------------------
    def match(self, name: str, threshold: float = DEFAULT_THRESHOLD) -> Outlet | None:
        """Outlet for a name or alias variant, or None; fuzzy only if exact tiers fail."""
        ck = (name, threshold)
        if ck not in self._cache:
            self._cache[ck] = self._match(name, threshold)
        return self._cache[ck]

    def _match(self, name: str, threshold: float) -> Outlet | None:
        name = name.strip()
        if not name:
            return None
        if name.islower() and name in _TEXT_SKIP | _TEXT_CASED:
            return None  # "people can call", "the guardian of": a common word, not the outlet
        hit = self._exact.get(" ".join(_fold(name).casefold().split()))
        if hit:
            return hit
        for cand in (name, _strip_possessive(name)):
            if not cand:
                continue
            raw = _tokens(cand, casefold=False)
            if "".join(raw) in self._short:
                return self._short["".join(raw)]
            k = _key(cand)
            if k in self._norm:
                return self._norm[k]
            c = _core(raw)
            if c:
                if "".join(c) in self._short:
                    return self._short["".join(c)]
                hit = self._core.get("".join(c).casefold())
                if hit:
                    return hit
        if not name.isascii():
            return self._by_sound(name)
        k = _key(name)
        if len(k) < 9:
            return None
        best = process.extractOne(k, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=threshold)
        return self._norm[best[0]] if best else None

    def _by_sound(self, name: str) -> Outlet | None:
        """A name in another script matched by its consonant skeleton (``transliterate``)."""
        if self._sounds is None:
            self._sounds = SkeletonIndex(
                (o.id, n) for o in self._outlets.values() for n in o.names()
            )
        hit = self._sounds.match(name)
        return self._outlets.get(hit) if hit else None

    def by_domain(self, url_or_domain: str) -> Outlet | None:
        """Outlet owning a URL or host; subdomains fall back to the registered parent."""
        host = _clean_domain(url_or_domain)
        parts = host.split(".")
        for i in range(len(parts) - 1):
            hit = self._domains.get(".".join(parts[i:]))
            if hit:
                return hit
        return None

    def find_in_text(self, text: str) -> list[tuple[int, int, Outlet]]:
        """Exact alias mentions as (start, end, outlet): word-bounded, longest first, disjoint."""
        if self._text_re is None:
            self._build_text_re()
        assert self._text_re is not None
        out: list[tuple[int, int, Outlet]] = []
        pos = 0
        while m := self._text_re.search(text, pos):
            s, e, found = m.start(), m.end(), m.group(0)
            o = self._text.get(_the(found))
            if _key(found) in _TEXT_CASED:
                before = text[:s].rstrip()
                if not before or before[-1] in '.!?\n"“':
                    o = None
            if o is None:
                pos = s + 1
                continue
            out.append((s, e, o))
            pos = e
        return out

    def _build_text_re(self) -> None:
        """One alternation of all text-safe aliases, longest first, case-sensitive."""
        self._text: dict[str, Outlet] = {}
        for o in self._outlets.values():
            for a in o.names():
                k = " ".join(_tokens(a))
                if k and k not in _TEXT_SKIP:
                    self._text.setdefault(_the(a), o)
        alts = sorted(self._text, key=len, reverse=True)
        body = "|".join(
            "[Tt]" + re.escape(a[1:]) if a.startswith("The ") else re.escape(a) for a in alts
        )
        self._text_re = re.compile(rf"(?<!\w)(?:{body})(?!\w)")

    # -- editing -------------------------------------------------------------------------
    def add(
        self,
        name: str,
        aliases: Iterable[str] = (),
        country: str | None = None,
        language: str | None = None,
        kind: str | None = None,
        domains: Iterable[str] = (),
        *,
        id: str | None = None,
    ) -> Outlet:
        """Add an outlet, or extend the one with the same id/name with new aliases/domains."""
        aliases, domains = list(aliases), [_clean_domain(d) for d in domains]
        _validate({"name": name, "aliases": aliases, "kind": kind, "domains": domains}, "add()")
        oid = id or _slug(name)
        existing = self._outlets.get(oid) or self._exact.get(
            " ".join(_fold(name).casefold().split())
        )
        if existing is None:
            o = Outlet(oid, name, aliases, country, language, kind, domains)
            self._outlets[oid] = o
            self._user[oid] = asdict(o)
        else:
            o = existing
            rec = self._user.setdefault(
                o.id, {"id": o.id, "name": o.name, "aliases": [], "domains": []}
            )
            for a in aliases:
                if a not in o.names():
                    o.aliases.append(a)
                    if a not in rec["aliases"]:
                        rec["aliases"].append(a)
            for d in domains:
                if d not in o.domains:
                    o.domains.append(d)
                    if d not in rec["domains"]:
                        rec["domains"].append(d)
            for f, v in (("country", country), ("language", language), ("kind", kind)):
                if v is not None:
                    setattr(o, f, v)
                    rec[f] = v
        self._reindex()
        return o

    def save_user(self, path: Path) -> None:
        """Write only user additions/extensions, atomically (temp file + os.replace)."""
        path = Path(path)
        data = json.dumps(list(self._user.values()), ensure_ascii=False, indent=2) + "\n"
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def all(self) -> list[Outlet]:
        """Every outlet, in registration order."""
        return list(self._outlets.values())

    def __len__(self) -> int:
        return len(self._outlets)

    def __iter__(self) -> Iterator[Outlet]:
        return iter(list(self._outlets.values()))
