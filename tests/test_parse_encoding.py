"""Bytes a self-hoster really has: BOMs, UTF-16, CESU-8 emoji, gzip, zip, huge files, and
structured content given as a text format."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from corpus.errors import SourceError
from corpus.model import SourceSpec, TableColumns
from corpus.parse import parse_source
from corpus.parse.encoding import MAX_STRUCTURED_BYTES, MAX_TEXT_BYTES

EMOJI = "\U0001f600"
CESU = b"\xed\xa0\xbd\xed\xb8\x80"  # U+1F600 as two 3-byte surrogate halves


def spec(path: Path, fmt: str = "plain", **extra: object) -> SourceSpec:
    return SourceSpec(path=path, format=fmt, speaker="Pub", **extra)  # type: ignore[arg-type]


def test_cesu8_emoji_are_read_as_the_characters(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(b"text\nsmile " + CESU + b" now\nplain row\n")
    parsed = parse_source(spec(path, "table", columns=TableColumns(text="text")))
    assert [p.text for p in parsed.passages] == [f"smile {EMOJI} now", "plain row"]
    assert any("CESU-8" in w.message for w in parsed.warnings)
    text = tmp_path / "plain.txt"
    text.write_bytes(b"a " + CESU + b" b\n")
    assert parse_source(spec(text)).passages[0].text == f"a {EMOJI} b"


def test_a_lone_surrogate_half_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "half.txt"
    path.write_bytes(b"ok\nok " + CESU + b"\nbad \xed\xa0\xbd end\n")
    with pytest.raises(SourceError, match=r"half\.txt:3: not valid UTF-8"):
        parse_source(spec(path))


@pytest.mark.parametrize("codec,bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_utf16_with_a_bom_is_read(tmp_path: Path, codec: str, bom: bytes) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes(bom + f"First line {EMOJI}\n\nSecond.\n".encode(codec))
    parsed = parse_source(spec(path))
    assert [p.text for p in parsed.passages] == [f"First line {EMOJI}", "Second."]
    assert parsed.passages[1].line == 3
    table = tmp_path / "u16.json"
    table.write_bytes(bom + json.dumps([{"text": "x"}]).encode(codec))
    assert [p.text for p in parse_source(spec(table, "table")).passages] == ["x"]


def test_utf16_without_a_bom_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nobom.txt"
    path.write_bytes("Some words in UTF-16, no BOM.\n".encode("utf-16-le"))
    with pytest.raises(SourceError, match="UTF-16 \\(little-endian\\) without a byte-order mark"):
        parse_source(spec(path))
    path.write_bytes("Some words in UTF-16, no BOM.\n".encode("utf-16-be"))
    with pytest.raises(SourceError, match="big-endian"):
        parse_source(spec(path))


def test_gzip_and_zip_are_named(tmp_path: Path) -> None:
    path = tmp_path / "result.json.gz"
    path.write_bytes(gzip.compress(b'{"messages": []}' * 50))
    with pytest.raises(SourceError, match="gzip"):
        parse_source(spec(path, "telegram"))
    zipped = tmp_path / "archive.zip"
    zipped.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00\xff\xfe")
    with pytest.raises(SourceError, match="zip archive"):
        parse_source(spec(zipped, "x_archive"))


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as out:  # sparse: no disk or memory is used
        out.truncate(MAX_STRUCTURED_BYTES + 1)
    with pytest.raises(SourceError, match="at most 256 MB"):
        parse_source(spec(path, "telegram"))
    big = tmp_path / "huge.txt"
    with big.open("wb") as out:
        out.truncate(MAX_TEXT_BYTES + 1)
    with pytest.raises(SourceError, match="split it"):
        parse_source(spec(big))
    assert os.path.getsize(big) > 1 << 30


@pytest.mark.parametrize(
    "name,content,looks",
    [
        ("result.json", '{\n "name": "C",\n "messages": [\n', "Telegram"),
        ("tweets.js", "window.YTD.tweets.part0 = [\n", "x_archive"),
        ("rows.csv", "id,date,text\n1,2020-01-01,a\n2,2020-01-02,b\n", "CSV"),
        ("rows.json", '[{"text": "a"}]', "JSON"),
    ],
)
def test_structured_content_given_as_text_is_warned(
    tmp_path: Path, name: str, content: str, looks: str
) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    for fmt in ("plain", "article", "thread_dump"):
        warnings = [w.message for w in parse_source(spec(path, fmt)).warnings]
        assert any("looks like" in w and looks in w for w in warnings), (fmt, warnings)


def test_prose_is_not_warned(tmp_path: Path) -> None:
    path = tmp_path / "prose.txt"
    path.write_text("A sentence, with commas, here.\nAnother one.\n[Not JSON] at all.\n", "utf-8")
    assert not any("looks like" in w.message for w in parse_source(spec(path)).warnings)
