"""Transcripts: each turn credited to its labelled speaker, the label kept out of the words."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.model import PassageDate, SourceSpec
from corpus.parse import parse_source
from corpus.parse.transcript import label_candidate

DEBATE = """\
Transcript of a fictional debate.

MODERATOR: Good evening. Our first question.
Jane Roe: Thank you. The plan is simple: we build.

It will take time.
John Doe: That's not true.
[crosstalk]
Jane Roe: Let me finish.
(APPLAUSE)
Dr. Ann Example: Note the hour: 10:30 already.
John Doe: Fine.
Note: this line is prose, not a speaker.
MODERATOR: We stop at 10:30 tonight.
"""


def parse(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    path = tmp_path / "debate.txt"
    path.write_text(text, "utf-8")
    parsed = parse_source(
        SourceSpec(path, "transcript", "The Publisher", date=PassageDate(2020, 9, 29))
    )
    for p in parsed.passages:
        assert parsed.text[p.start : p.end] == p.text and p.record is None
        assert p.date == PassageDate(2020, 9, 29)
    return [(p.speaker, p.text) for p in parsed.passages]


def test_turns_are_credited_to_their_speakers(tmp_path: Path) -> None:
    assert parse(tmp_path, DEBATE) == [
        ("The Publisher", "Transcript of a fictional debate."),
        ("MODERATOR", "Good evening. Our first question."),
        ("Jane Roe", "Thank you. The plan is simple: we build."),
        ("Jane Roe", "It will take time."),
        ("John Doe", "That's not true."),
        ("Jane Roe", "Let me finish."),
        ("Dr. Ann Example", "Note the hour: 10:30 already."),
        ("John Doe", "Fine.\nNote: this line is prose, not a speaker."),
        ("MODERATOR", "We stop at 10:30 tonight."),
    ]


def test_label_alone_on_its_line_and_speaker_numbers(tmp_path: Path) -> None:
    text = "SPEAKER 1:\nHello there.\n\nSPEAKER 2: Hi.\nSPEAKER 1: Bye.\n"
    assert parse(tmp_path, text) == [
        ("SPEAKER 1", "Hello there."),
        ("SPEAKER 2", "Hi."),
        ("SPEAKER 1", "Bye."),
    ]


def test_false_labels_are_not_speakers() -> None:
    for line in (
        "The plan was simple: we go.",
        "10:30: the meeting",
        "Note: prose",
        "Here's what I think: yes",
        "See https://example.org",
        "[crosstalk]: no",
    ):
        assert label_candidate(line, 0) is None, line


def test_a_single_unrepeated_label_is_prose(tmp_path: Path) -> None:
    text = "Bottom Line: we won.\nAnd then we left.\n"
    assert [s for s, _ in parse(tmp_path, text)] == ["The Publisher"]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Ann Roe: ", "BOB:", "[crosstalk]", "", "words here", " x: y ", "\r"])
        | st.text(max_size=20),
        max_size=12,
    )
)
def test_any_transcript_keeps_the_verbatim_promise(lines: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.txt"
        text = "\n".join(lines)
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            parsed = parse_source(SourceSpec(path, "transcript", "Pub"))
        except Exception as err:  # only a decoding refusal is allowed
            assert type(err).__name__ == "SourceError"
            return
        for p in parsed.passages:
            assert parsed.text[p.start : p.end] == p.text
            assert p.text and p.text == p.text.strip()
            assert not p.text.startswith(f"{p.speaker}:")
