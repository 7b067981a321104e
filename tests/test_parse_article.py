"""Articles: the publication's voice, embedded statements, and quotes tied to named people."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from corpus.model import EmbeddedSpec, ParsedSource, PassageDate, SourceSpec
from corpus.parse import parse_source

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ARTICLE = SEEDS / "004_587f944356045ec1.txt"
AUTHOR = "Unknown author"
ZELENSKY = "Volodymyr Zelensky"
EMBED = EmbeddedSpec(lines=(3, 5, 6, 7, 8), speaker=ZELENSKY, note="statement on X")
KNOWN = frozenset({ZELENSKY, AUTHOR})


def seed_spec(**changes: object) -> SourceSpec:
    fields: dict[str, object] = {
        "path": ARTICLE,
        "format": "article",
        "speaker": AUTHOR,
        "embedded": (EMBED,),
    }
    fields.update(changes)
    return SourceSpec(**fields)  # type: ignore[arg-type]


def parse_text(tmp_path: Path, text: str, **changes: object) -> ParsedSource:
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode("utf-8"))
    fields: dict[str, object] = {"path": path, "format": "article", "speaker": "Daily Paper"}
    fields.update(changes)
    return parse_source(SourceSpec(**fields), known_speakers=KNOWN)  # type: ignore[arg-type]


INFERRED = ("guarantee security for the vote", "fundamental document.")


def quotes(parsed: ParsedSource) -> list[tuple[str, str]]:
    return [(p.speaker, p.text) for p in parsed.passages if p.kind == "quote"]


@pytest.fixture(scope="module")
def seed() -> ParsedSource:
    return parse_source(seed_spec(), known_speakers=KNOWN)


def test_seed_counts_per_kind(seed: ParsedSource) -> None:
    assert Counter(p.kind for p in seed.passages) == {"paragraph": 13, "statement": 5, "quote": 6}
    assert seed.warnings == ()
    for passage in seed.passages:
        assert passage.text == seed.text[passage.start : passage.end]


def test_seed_statements_are_zelenskys_embedded_lines(seed: ParsedSource) -> None:
    statements = [p for p in seed.passages if p.kind == "statement"]
    assert [p.line for p in statements] == [3, 5, 6, 7, 8]
    assert {p.speaker for p in statements} == {ZELENSKY}
    assert {p.note for p in statements} == {"statement on X"}


def test_seed_quote_spans_and_speakers(seed: ParsedSource) -> None:
    assert [q for q in quotes(seed) if q[1] in INFERRED] == [
        (ZELENSKY, "guarantee security for the vote"),
        (ZELENSKY, "fundamental document."),
    ]
    assert [q for q in quotes(seed) if q[1] not in INFERRED] == [
        ("Mark Rutte", "We are Russia’s next target. And we are already in harm’s way"),
        (
            "Mark Rutte",
            "Russia has brought war back to Europe, and we must be prepared for the scale of war "
            "our grandparents and great grandparents endured.",
        ),
        (ZELENSKY, "I am ready for the elections"),
        (
            ZELENSKY,
            "Not only that, I am asking – and I am now declaring this openly – the United States "
            "of America to help me, together with our European colleagues, to ensure security "
            "for the elections.",
        ),
    ]
    by_id = {p.id: p for p in seed.passages}
    for quote in (p for p in seed.passages if p.kind == "quote"):
        parent = by_id[quote.parent_id]
        assert parent.start <= quote.start < quote.end <= parent.end
        assert (quote.line, quote.paragraph) == (parent.line, parent.paragraph)
        assert quote.line in (10, 12, 13, 17)
        assert quote.speaker_inferred == (quote.text in INFERRED)  # no speech verb: flagged


def test_seed_quote_spans_say_where_the_words_were_said(seed: ParsedSource) -> None:
    rutte = [p for p in seed.passages if p.kind == "quote" and p.speaker == "Mark Rutte"]
    assert {p.note for p in rutte} == {"speech in Berlin, Germany"}


def test_seed_paragraphs_speak_in_the_articles_voice(seed: ParsedSource) -> None:
    paragraphs = [p for p in seed.passages if p.kind == "paragraph"]
    # ... but for a paragraph made mostly of one person's quoted words: named for them
    mostly = {p.line: (p.speaker, p.note) for p in paragraphs if p.speaker != AUTHOR}
    assert mostly == {
        10: ("Mark Rutte", "quoted in the article"),
        13: (ZELENSKY, "quoted in the article"),
    }
    paragraphs = [p for p in paragraphs if p.line not in mostly]
    assert {p.speaker for p in paragraphs} == {AUTHOR}
    dictator = [p for p in paragraphs if "Dictator" in p.text]
    assert len(dictator) >= 4
    assert [p.paragraph for p in seed.passages if p.kind != "quote"] == list(range(1, 19))


def test_seed_pronoun_and_scare_quotes_give_no_span(seed: ParsedSource) -> None:
    quoted_lines = {p.line for p in seed.passages if p.kind == "quote"}
    assert quoted_lines.isdisjoint({15})
    texts = " ".join(p.text for p in seed.passages if p.kind == "quote")
    for scare in ("updated", "reflections"):  # one word in quote marks: no one's quote
        assert scare not in texts


def test_seed_without_known_speakers_uses_the_full_name_in_the_text() -> None:
    parsed = parse_source(seed_spec())
    assert [speaker for speaker, _ in quotes(parsed)] == [
        "Mark Rutte",
        "Mark Rutte",
        "Vladimir Zelensky",
        "Vladimir Zelensky",
        "Vladimir Zelensky",  # `which he called a “fundamental document.”`, inferred
    ]


def test_seed_date_is_the_configured_date_or_unknown(seed: ParsedSource) -> None:
    assert {p.date for p in seed.passages} == {None}
    dated = parse_source(seed_spec(date=PassageDate(2025, 12, 12)), known_speakers=KNOWN)
    assert {p.date for p in dated.passages} == {PassageDate(2025, 12, 12)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jane Doe spoke. Doe said: “We will win.”", [("Jane Doe", "We will win.")]),
        ("According to Rutte, “the plan holds,” and so on.", [("Rutte", "the plan holds")]),
        ("“It is over,” said Rutte.", [("Rutte", "It is over")]),
        ('"Never again," Zelensky wrote on X.', [(ZELENSKY, "Never again")]),
        (
            "“We stand firm,” NATO chief Mark Rutte told reporters.",
            [("Mark Rutte", "We stand firm")],
        ),
        ("“We stand firm,” he said.", []),
        ("He said: “We stand firm.”", []),
        ("“We stand firm,” the Kremlin said.", []),
        ("The plan was “historic” and “bold,” critics argued.", []),
        ("Rutte called the deal “a fundamental document.”", []),
    ],
)
def test_quote_attribution_rules(tmp_path: Path, text: str, expected: list) -> None:
    parsed = parse_text(tmp_path, text)
    assert quotes(parsed) == expected
    assert all(p.text == parsed.text[p.start : p.end] for p in parsed.passages)


def test_continuation_needs_a_full_sentence(tmp_path: Path) -> None:
    parsed = parse_text(
        tmp_path,
        "“We are ready,” Rutte said. “The alliance will hold together.” Critics called it “naive.”",
    )
    assert quotes(parsed) == [
        ("Rutte", "We are ready"),
        ("Rutte", "The alliance will hold together."),
    ]


def test_a_pronoun_tied_quote_breaks_the_continuation(tmp_path: Path) -> None:
    parsed = parse_text(tmp_path, "“We are ready,” Rutte said. “This is the end of it,” he added.")
    explicit = [(p.speaker, p.text) for p in parsed.passages if p.kind == "quote"]
    assert explicit[0] == ("Rutte", "We are ready")
    # the pronoun's quote is not a continuation: it is credited only by inference, flagged
    assert [p.speaker_inferred for p in parsed.passages if p.kind == "quote"] == [False, True]


def test_blank_line_paragraphs_keep_inner_newlines(tmp_path: Path) -> None:
    text = "First line\nstill first.\n\nSecond “quoted text,” Doe said.\n\n\nThird"
    parsed = parse_text(tmp_path, text, embedded=(EmbeddedSpec((7,), "Jane Doe"),))
    paragraphs = [p for p in parsed.passages if p.kind != "quote"]
    assert [(p.paragraph, p.line, p.text, p.kind) for p in paragraphs] == [
        (1, 1, "First line\nstill first.", "paragraph"),
        (2, 4, "Second “quoted text,” Doe said.", "paragraph"),
        (3, 7, "Third", "statement"),
    ]
    assert paragraphs[2].speaker == "Jane Doe"
    assert quotes(parsed) == [("Doe", "quoted text")]


def test_embedded_line_without_text_warns(tmp_path: Path) -> None:
    parsed = parse_text(tmp_path, "One\nTwo", embedded=(EmbeddedSpec((2, 9), "Jane Doe"),))
    assert [p.speaker for p in parsed.passages] == ["Daily Paper", "Jane Doe"]
    assert [w.line for w in parsed.warnings] == [9]


def test_crlf_article_matches_lf(tmp_path: Path) -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    crlf_path = tmp_path / "crlf.txt"
    crlf_path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    crlf = parse_source(seed_spec(path=crlf_path), known_speakers=KNOWN)
    lf = parse_source(seed_spec(), known_speakers=KNOWN)
    assert [(p.kind, p.text, p.line, p.speaker) for p in crlf.passages] == [
        (p.kind, p.text, p.line, p.speaker) for p in lf.passages
    ]
    for passage in crlf.passages:
        assert passage.text == crlf.text[passage.start : passage.end]
        assert passage.line == crlf.text.count("\n", 0, passage.start) + 1


def test_quote_ids_are_distinct_from_paragraph_ids(seed: ParsedSource) -> None:
    ids = [p.id for p in seed.passages]
    assert len(ids) == len(set(ids))
