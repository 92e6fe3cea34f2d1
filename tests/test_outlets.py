"""Outlet registry: name/alias matching, domains, in-text mentions, user-file merge."""

from __future__ import annotations

import collections
import itertools
import json
import re
from pathlib import Path

import pytest

from workbench.outlets.registry import KINDS, Outlet, OutletRegistry, load_user_file

ITEMS = Path("/work/shared/data/wikipedia-current-events-2025-2026/items.jsonl")


@pytest.fixture(scope="module")
def reg() -> OutletRegistry:
    return OutletRegistry.load()


def test_packaged_data_is_well_formed(reg: OutletRegistry) -> None:
    assert len(reg) >= 300
    ids = [o.id for o in reg]
    assert len(ids) == len(set(ids))
    for o in reg:
        assert isinstance(o, Outlet)
        assert o.kind in KINDS
        assert o.country is None or re.fullmatch(r"[A-Z]{2}", o.country)
        assert o.language is None or re.fullmatch(r"[a-z]{2,3}", o.language)
        assert all("/" not in d and not d.startswith("www.") for d in o.domains)


REQUIRED = {
    "Ariana News": "Ariana News",
    "NDTV": "NDTV",
    "TOLOnews": "TOLOnews",
    "Dawn": "Dawn",
    "Geo News": "Geo News",
    "The Express Tribune": "The Express Tribune",
    "Khaama Press": "Khaama Press",
    "Pajhwok": "Pajhwok Afghan News",
    "Pajhwok Afghan News": "Pajhwok Afghan News",
    "Afghan Islamic Press": "Afghan Islamic Press",
    "Al Jazeera": "Al Jazeera",
    "Reuters": "Reuters",
    "AP": "Associated Press",
    "AFP": "Agence France-Presse",
    "BBC": "BBC",
    "VOA": "Voice of America",
    "RFE/RL": "Radio Free Europe/Radio Liberty",
    "Radio Azadi": "Radio Azadi",
    "Radio Mashaal": "Radio Mashaal",
    "Afghanistan International": "Afghanistan International",
    "Amu TV": "Amu TV",
    "KabulNow": "KabulNow",
    "Hasht-e Subh": "Hasht-e Subh",
    "Shamshad": "Shamshad News",
    "The News International": "The News International",
    "ARY News": "ARY News",
    "Dunya News": "Dunya News",
    "Samaa": "Samaa",
    "PTV": "PTV News",
    "Radio Pakistan": "Radio Pakistan",
    "APP": "Associated Press of Pakistan",
    "Anadolu": "Anadolu Agency",
    "TRT": "TRT World",
    "Xinhua": "Xinhua",
    "Al Arabiya": "Al Arabiya",
    "IRNA": "IRNA",
    "The Hindu": "The Hindu",
    "Hindustan Times": "Hindustan Times",
    "India Today": "India Today",
    "WION": "WION",
    "ANI": "ANI",
    "PTI": "Press Trust of India",
    "The Diplomat": "The Diplomat",
    "CNN": "CNN",
    "Fox News": "Fox News",
    "NYT": "The New York Times",
    "Washington Post": "The Washington Post",
    "WSJ": "The Wall Street Journal",
    "The Guardian": "The Guardian",
    "DW": "Deutsche Welle",
    "France 24": "France 24",
    "Euronews": "Euronews",
    "Bloomberg": "Bloomberg",
    "The Times of India": "The Times of India",
}


@pytest.mark.parametrize(("query", "name"), REQUIRED.items())
def test_required_outlets(reg: OutletRegistry, query: str, name: str) -> None:
    o = reg.match(query)
    assert o is not None and o.name == name


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("AP", "Associated Press"),
        ("AP", "AP News"),
        ("AP", "The Associated Press"),
        ("TOLOnews", "Tolo News"),
        ("KabulNow", "Kabul Now"),
        ("Reuters", "reuters"),
        ("Reuters", "Reuters'"),
        ("Reuters", "Reuters's"),
        ("Reuters", "Reuters news agency"),
        ("Dawn", "Dawn newspaper"),
        ("Dawn", "Dawn's"),
        ("Geo News", "Geo TV"),
        ("Khaama Press", "Khaama Press News Agency"),
        ("Xinhua", "Xinhua News Agency"),
        ("Anadolu Agency", "Anadolu Ajansı"),
        ("Anadolu Agency", "AA"),
        ("Al Arabiya", "Al-Arabiya"),
        ("El País", "El Pais in Spanish"),
        ("BBC", "BBC News"),
        ("Hindustan Times", "Hindustan Time"),  # fuzzy fallback
        ("RFE/RL", "Radio Free Europe/Radio Liberty"),
        ("RFE/RL", "RFERL"),
        ("The Times of Israel", "THE TIMES OF ISRAEL"),
    ],
)
def test_variant_pairs(reg: OutletRegistry, a: str, b: str) -> None:
    oa, ob = reg.match(a), reg.match(b)
    assert oa is not None and oa is ob


@pytest.mark.parametrize(
    "query",
    [
        "North Korea",
        "the",
        "The",
        "",
        "ap",
        "Ap",
        "Pti",
        "afp",
        "police",
        "Taliban",
        "Pakistan",
        "Afghanistan",
        "India",
        "Hindu",
        "Nations",
        "Geo",
        "democrat",
        "eyewitnesses",
        "International Federation",
        "ministry of foreign affairs",
    ],
)
def test_negative_names(reg: OutletRegistry, query: str) -> None:
    assert reg.match(query) is None


def test_business_standard_keeps_leading_the_apart(reg: OutletRegistry) -> None:
    bd, india = reg.match("The Business Standard"), reg.match("Business Standard")
    assert bd is not None and india is not None
    assert (bd.country, india.country) == ("BD", "IN")


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.reuters.com/world/asia-pacific/x-2025-01-01/", "Reuters"),
        ("edition.cnn.com", "CNN"),
        ("https://urdu.geo.tv/latest/1", "Geo News"),
        ("www.dawn.com", "Dawn"),
        ("https://tribune.com.pk/story/1", "The Express Tribune"),
        ("https://cebudailynews.inquirer.net/1", "Cebu Daily News"),
        ("https://newsinfo.inquirer.net/1", "Philippine Daily Inquirer"),
        ("https://pa.mashaalradio.com/a/1.html", "Radio Mashaal"),
        ("HTTPS://WWW.BBC.CO.UK/news", "BBC"),
        ("apnews.com:443", "Associated Press"),
    ],
)
def test_by_domain(reg: OutletRegistry, url: str, name: str) -> None:
    o = reg.by_domain(url)
    assert o is not None and o.name == name


@pytest.mark.parametrize("url", ["https://example.com/x", "com", "", "co.uk", "notreuters.com"])
def test_by_domain_unknown(reg: OutletRegistry, url: str) -> None:
    assert reg.by_domain(url) is None


def test_find_in_text_offsets(reg: OutletRegistry) -> None:
    text = (
        "Reuters and the Associated Press reported, citing AFP, that Dawn and "
        "The Express Tribune confirmed it. Dawn raids followed; Tolo News said so. "
        "The ap test, in Azerbaijan, at the time."
    )
    hits = reg.find_in_text(text)
    got = [(text[s:e], o.name) for s, e, o in hits]
    assert got == [
        ("Reuters", "Reuters"),
        ("the Associated Press", "Associated Press"),
        ("AFP", "Agence France-Presse"),
        ("Dawn", "Dawn"),
        ("The Express Tribune", "The Express Tribune"),
        ("Tolo News", "TOLOnews"),
    ]
    starts = [s for s, _, _ in hits]
    assert starts == sorted(starts)
    assert all(e1 <= s2 for (_, e1, _), (s2, _, _) in itertools.pairwise(hits))


def test_find_in_text_longest_wins(reg: OutletRegistry) -> None:
    text = "According to the BBC News website and The Times of India,"
    got = [(text[s:e], o.name) for s, e, o in reg.find_in_text(text)]
    assert got == [("BBC News", "BBC"), ("The Times of India", "The Times of India")]


def test_user_file_merge_and_round_trip(tmp_path: Path) -> None:
    user = tmp_path / "outlets.json"
    user.write_text(
        json.dumps(
            [
                {"name": "Reuters", "aliases": ["Reuters Wire Desk"]},
                {
                    "name": "Kabul Chronicle Test",
                    "aliases": ["KCT Daily"],
                    "country": "AF",
                    "language": "en",
                    "kind": "online",
                    "domains": ["kabulchronicle.example"],
                },
            ]
        ),
        encoding="utf-8",
    )
    reg = OutletRegistry.load(user)
    base = len(OutletRegistry.load())
    assert len(reg) == base + 1
    assert reg.match("Reuters Wire Desk").name == "Reuters"
    assert reg.match("KCT Daily").name == "Kabul Chronicle Test"
    assert reg.by_domain("https://news.kabulchronicle.example/a").name == "Kabul Chronicle Test"

    added = reg.add(
        "Herat Herald Test", ["HHT News"], "AF", "fa", "newspaper", ["heratherald.example"]
    )
    assert reg.match("HHT News") is added
    assert reg.add("Dawn", ["Dawn Karachi Test"]).name == "Dawn"
    assert [h[2].name for h in reg.find_in_text("as HHT News said")] == ["Herat Herald Test"]

    out = tmp_path / "saved.json"
    reg.save_user(out)
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert {e["name"] for e in saved} == {
        "Reuters",
        "Kabul Chronicle Test",
        "Herat Herald Test",
        "Dawn",
    }
    assert not list(tmp_path.glob(".saved.json.*"))  # temp file replaced, not left behind
    again = OutletRegistry.load(out)
    assert len(again) == base + 2
    assert again.match("Dawn Karachi Test").name == "Dawn"
    assert again.match("Reuters Wire Desk").name == "Reuters"
    assert again.match("Herat Herald Test").kind == "newspaper"


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{not json", "cannot read"),
        ('{"name": "x"}', "JSON list"),
        ('[{"name": "Ok"}, {"aliases": ["x"]}]', "entry 1"),
        ('[{"name": "Bad", "aliases": "AP"}]', "'aliases'"),
        ('[{"name": "Bad", "kind": "blog"}]', "'kind'"),
        ('[{"name": "Bad", "colour": "red"}]', "colour"),
    ],
)
def test_malformed_user_file(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "bad-outlets.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError) as exc:
        OutletRegistry.load(path)
    assert str(path) in str(exc.value)
    assert needle in str(exc.value)
    with pytest.raises(ValueError):
        load_user_file(path)


def test_known_names_never_reach_the_fuzzy_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names and aliases resolve through the exact and normalised tiers; only unknown names
    pay for the fuzzy scan over every key (its speed is measured in bench/, not here)."""
    import workbench.outlets.registry as registry

    reg = OutletRegistry.load()  # fresh: no warm cache
    scans = {"n": 0}
    extract = registry.process.extractOne

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        scans["n"] += 1
        return extract(*args, **kwargs)

    monkeypatch.setattr(registry.process, "extractOne", counting)
    names = [o.name for o in reg] + [a for o in reg for a in o.aliases]
    for name in names:
        reg.match(name)
    assert scans["n"] == 0
    for i in range(50):
        reg.match(names[i % len(names)])  # repeats come from the cache
    assert scans["n"] == 0


def _outlet_counts() -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    for line in ITEMS.read_text(encoding="utf-8").splitlines():
        for src in json.loads(line).get("sources", []):
            outlet = src.get("outlet") or ""
            if " via " in outlet:
                carried, carrier = outlet.split(" via ", 1)
                parts = [*re.split(r"\s*(?:,| and | & )\s*", carried), carrier]
            else:
                parts = [outlet]
            counts.update(p.strip() for p in parts if p.strip())
    return counts


@pytest.mark.shared
@pytest.mark.skipif(not ITEMS.exists(), reason="shared current-events data absent")
def test_every_outlet_cited_three_times_matches(reg: OutletRegistry) -> None:
    counts = _outlet_counts()
    groups: collections.Counter[str] = collections.Counter()
    for raw, n in counts.items():
        groups[re.sub(r"\W+", "", raw.casefold())] += n
    frequent = [raw for raw in counts if groups[re.sub(r"\W+", "", raw.casefold())] >= 3]
    assert len(frequent) > 250
    missing = sorted(raw for raw in frequent if reg.match(raw) is None)
    assert missing == []
