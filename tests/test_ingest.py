"""Reading every input format, and refusing bad input with a reason that names the file."""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from workbench.errors import InputError
from workbench.ingest import readers as ingest
from workbench.ingest.formats import parse_field_map
from workbench.ingest.limits import Limits
from workbench.records import ArticleDraft

BODY = "Officials in Kabul said on Monday that 12 people were killed in a blast near the ministry."


def drafts(*targets, **kw) -> tuple[list[ArticleDraft], list[InputError]]:
    ok, bad = [], []
    for item in ingest.iter_inputs([str(t) for t in targets], **kw):
        (bad if isinstance(item, InputError) else ok).append(item)
    return ok, bad


def test_text_with_front_matter(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_text(f"---\ntitle: Blast in Kabul\noutlet: TOLOnews\ndate: 2025-10-12\n---\n{BODY}\n")
    (d,), bad = drafts(f)
    assert not bad
    assert (d.title, d.outlet, d.date) == ("Blast in Kabul", "TOLOnews", "2025-10-12")
    assert d.text.strip() == BODY


def test_markdown_heading_is_title(tmp_path: Path) -> None:
    f = tmp_path / "b.md"
    f.write_text(f"# Blast in Kabul\n\n{BODY}\n")
    (d,), _ = drafts(f)
    assert d.title == "Blast in Kabul"


def test_html_boilerplate_removed(tmp_path: Path) -> None:
    para = " ".join([BODY] * 4)
    html = (
        "<html><head><title>Blast | Example News</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>Blast in Kabul</h1><p>{para}</p><p>{para}</p></article>"
        "<footer>Copyright Example News. All rights reserved.</footer></body></html>"
    )
    f = tmp_path / "page.html"
    f.write_text(html)
    (d,), bad = drafts(f)
    assert not bad
    assert "12 people were killed" in d.text
    assert "All rights reserved" not in d.text


def test_json_jsonl_csv_records_with_sources(tmp_path: Path) -> None:
    rec = {
        "title": "T",
        "outlet": "Wikipedia",
        "date": "2025-10-29",
        "url": "https://x.org/1",
        "text": BODY,
        "sources": [{"outlet": "Reuters", "url": "https://reuters.com/a"}, {"outlet": "DW"}],
    }
    (tmp_path / "one.json").write_text(json.dumps([rec, {**rec, "text": BODY + " Again."}]))
    (tmp_path / "many.jsonl").write_text(
        json.dumps(rec) + "\n{not json\n" + json.dumps({**rec, "text": "x y z w v"}) + "\n"
    )
    (tmp_path / "rows.csv").write_text(
        'headline,body,when\n"A",' + f'"{BODY}",2025-01-02\n"B","",2025-01-03\n"C","oops"\n'
    )
    ok, bad = drafts(tmp_path / "one.json", tmp_path / "many.jsonl")
    assert len(ok) == 4 and len(bad) == 1
    assert "many.jsonl:2" in bad[0].origin and "malformed JSON" in bad[0].reason
    assert [s.outlet for s in ok[0].sources] == ["Reuters", "DW"]
    fields = parse_field_map(["title=headline", "text=body", "date=when"])
    ok, bad = drafts(tmp_path / "rows.csv", fields=fields)
    assert [d.title for d in ok] == ["A"]
    assert {b.origin.rsplit(":", 1)[1] for b in bad} == {"3", "4"}
    assert any("no text" in b.reason for b in bad) and any("cells" in b.reason for b in bad)


def test_field_map_errors_name_the_pair() -> None:
    with pytest.raises(ValueError, match="bogus"):
        parse_field_map(["bogus=x"])
    with pytest.raises(ValueError, match="FIELD=COLUMN"):
        parse_field_map(["text"])


def test_feed(tmp_path: Path) -> None:
    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Example Wire</title>
    <item><title>Blast</title><link>https://ex.org/1</link><pubDate>Mon, 13 Oct 2025 08:00:00 GMT</pubDate>
    <description>&lt;p&gt;{BODY}&lt;/p&gt;</description></item>
    <item><title>Second</title><link>https://ex.org/2</link><description>The talks collapsed in Istanbul on Tuesday, officials said.</description></item>
    </channel></rss>"""
    (tmp_path / "feed.xml").write_text(feed)
    ok, bad = drafts(tmp_path / "feed.xml")
    assert not bad and len(ok) == 2
    assert ok[0].outlet == "Example Wire" and ok[0].url == "https://ex.org/1"
    assert "<p>" not in ok[0].text
    assert ingest.normalise_date(ok[0].date) == "2025-10-13T08:00:00"


def test_folder_in_stable_order_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text(BODY)
    (tmp_path / "a.txt").write_text(BODY + " More.")
    (tmp_path / ".hidden.txt").write_text(BODY)
    ok, _ = drafts(tmp_path)
    assert [Path(d.origin).name for d in ok] == ["a.txt", "b.txt"]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blob.txt", bytes(range(256)) * 4, "binary"),
        (
            "cp1252.txt",
            "Caf\u00e9 owners said prices rose by 12 per cent.".encode("cp1252"),
            "not UTF-8",
        ),
        ("utf16.txt", "Officials said prices rose.".encode("utf-16"), "UTF-16"),
        ("page.html", b"<html><body><nav>Home</nav></body></html>", "no article"),
        ("broken.json", b'{"text": "abc", ', "malformed JSON"),
    ],
)
def test_bad_files_get_a_reason_naming_the_file(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    ok, bad = drafts(f)
    assert not ok
    assert len(bad) == 1 and bad[0].origin == str(f) and reason in bad[0].reason


def test_explicit_encoding_reads_cp1252(tmp_path: Path) -> None:
    f = tmp_path / "cp1252.txt"
    f.write_bytes("Caf\u00e9 owners said prices rose by 12 per cent.".encode("cp1252"))
    (d,), _ = drafts(f, encoding="cp1252")
    assert "Café" in d.text


def test_huge_text_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "huge.txt"
    with f.open("wb") as fh:
        fh.write((BODY + "\n").encode() * (50 * 1024 * 1024 // len(BODY)))
    ok, bad = drafts(f)
    assert not ok and "over the 20 MB limit" in bad[0].reason


def test_missing_path() -> None:
    _, bad = drafts("/nonexistent/file.txt")
    assert bad[0].reason == "no such file or folder"


def test_url_from_local_server(tmp_path: Path) -> None:
    para = " ".join([BODY] * 3)
    (tmp_path / "story.html").write_text(
        f"<html><body><article><h1>Kabul blast</h1><p>{para}</p></article></body></html>"
    )
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/story.html"
        intranet = Limits(allow_private_urls=True)
        (d,), bad = drafts(url, limits=intranet)
        assert not bad and d.url == url and "12 people were killed" in d.text
        _, bad = drafts(
            f"http://127.0.0.1:{server.server_address[1]}/missing.html", limits=intranet
        )
        assert "cannot fetch" in bad[0].reason
        _, bad = drafts(url)  # loopback is refused unless the setting allows it
        assert "refused: 127.0.0.1 resolves to a loopback address" in bad[0].reason
    finally:
        server.shutdown()


def test_normalisation_helpers() -> None:
    assert ingest.article_id("A  b\r\nc") == ingest.article_id("a b c")
    assert ingest.normalise_date("2025-10-29") == "2025-10-29"
    assert ingest.normalise_date("October 29, 2025") == "2025-10-29"
    assert ingest.normalise_date("2025-10-29T10:00:00+02:00") == "2025-10-29T08:00:00"
    assert ingest.normalise_date("not a date at all") is None
    assert ingest.domain_of("https://www.reuters.com/world/x") == "reuters.com"
