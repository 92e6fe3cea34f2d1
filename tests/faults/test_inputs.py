"""Bad files: empty, binary, cp1252, UTF-16 and malformed records fail alone with one line."""

from __future__ import annotations

from pathlib import Path

from tests.faults.conftest import GOOD, Data, errors


def test_bad_files_fail_alone_and_the_good_one_goes_in(data: Data, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a_empty.txt").write_bytes(b"")
    (src / "b_binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    (src / "c_cp1252.txt").write_bytes(
        "Caf\u00e9 owners said prices rose by 12 per cent.".encode("cp1252")
    )
    (src / "d_utf16.txt").write_bytes("Officials said twelve people died.".encode("utf-16"))
    (src / "e_bad.jsonl").write_text('{"text": "no end\n{"text": 5}\n', encoding="utf-8")
    (src / "f_bad.json").write_text('{"articles": [', encoding="utf-8")
    (src / "g_good.txt").write_text(GOOD, encoding="utf-8")
    result = data.cli("ingest", "--no-progress", str(src))
    assert result.exit_code == 0, result.output
    assert errors(result) == [
        f"error: {src / 'a_empty.txt'}: empty file",
        f"error: {src / 'b_binary.txt'}: binary file, not text",
        f"error: {src / 'c_cp1252.txt'}: text is not UTF-8 (invalid byte 0xe9 at offset 3);"
        " re-save as UTF-8 or pass --encoding (e.g. cp1252)",
        f"error: {src / 'd_utf16.txt'}: text is UTF-16 (byte-order mark), not UTF-8;"
        " re-save as UTF-8 or pass --encoding utf-16",
        f"error: {src / 'e_bad.jsonl'}:1: malformed JSON: Invalid control character at at column 17",
        f"error: {src / 'e_bad.jsonl'}:2: record has no text (map the text column with --field text=COLUMN)",
        f"error: {src / 'f_bad.json'}: malformed JSON at line 1 column 15: Expecting value",
    ]
    assert "ingested 1 article(s)" in result.stdout
    data.check_intact()
