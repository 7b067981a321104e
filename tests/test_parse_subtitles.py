"""WebVTT and SRT files read as transcripts, on files generated here (fictional people)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.model import ParsedSource, PassageDate, SourceSpec
from corpus.parse import parse_source
from corpus.parse.records import verbatim_failures

VTT = """\ufeffWEBVTT - a council meeting

STYLE
::cue(.loud) { color: red }

NOTE this block is a comment
over two lines

intro
00:00:01.000 --> 00:00:03.500 align:start line:0
<v Mayor Ann Example>Good evening, and welcome
to the <i>harbour</i> session,

00:00:03.600 --> 00:00:06.000
<v Mayor Ann Example>where we start with the <c.loud>ferry</c> report.

00:12:31.000 --> 00:12:34.000
<v.loud Councillor Ben Sample>Fares &amp; timetables <00:12:32.500>first, please.

00:12:35.000 --> 00:12:36.000
Applause from the floor.
"""

SRT = """1
00:00:01,000 --> 00:00:02,500
>> MODERATOR: Welcome back to the debate.

2
00:00:02,600 --> 00:00:05,000
Our first question is on housing.

3
00:00:06,000 --> 00:00:08,000
>> Thank you. Housing costs too much.

4
00:00:09,000 --> 00:00:11,000
JANE ROE: We will build
<i>ten thousand</i> homes.

5
00:00:11,200 --> 00:00:13,000
- Where?
- On the old rail yards.

6
00:00:14,000 --> 00:00:15,000
{\\an8}JANE ROE: By next spring.
"""


def read(path: Path, speaker: str = "unknown") -> ParsedSource:
    spec = SourceSpec(path, "transcript", speaker, date=PassageDate(2024, 5, 2))
    parsed = parse_source(spec)
    assert verbatim_failures(parsed) == []
    return parsed


def test_webvtt_voices_cues_and_markup(tmp_path: Path) -> None:
    path = tmp_path / "meeting.vtt"
    path.write_text(VTT, "utf-8")
    parsed = read(path)
    got = [(p.speaker, p.text, p.note) for p in parsed.passages]
    assert got == [
        (
            "Mayor Ann Example",
            "Good evening, and welcome\nto the harbour session,\n"
            "where we start with the ferry report.",
            "at 00:00:01",
        ),
        ("Councillor Ben Sample", "Fares & timetables first, please.", "at 00:12:31"),
        ("unknown", "Applause from the floor.", "at 00:12:35; speaker not named in the file"),
    ]
    first = parsed.passages[0]
    assert first.line == 10 and first.date == PassageDate(2024, 5, 2)
    assert parsed.records[first.record or ""] == first.text


def test_srt_labels_markers_and_dialogue_dashes(tmp_path: Path) -> None:
    path = tmp_path / "debate.srt"
    path.write_text(SRT.replace("\n", "\r\n"), "utf-8")
    got = [(p.speaker, p.text) for p in read(path).passages]
    assert got == [
        ("MODERATOR", "Welcome back to the debate.\nOur first question is on housing."),
        ("unknown", "Thank you. Housing costs too much."),
        ("JANE ROE", "We will build\nten thousand homes."),
        ("unknown", "Where?"),
        ("unknown", "On the old rail yards."),
        ("JANE ROE", "By next spring."),
    ]


def test_subtitles_naming_no_one_are_the_sources_speaker(tmp_path: Path) -> None:
    path = tmp_path / "speech.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:02,000\nFriends, the tide is turning.\n\n"
        "2\n00:00:02,100 --> 00:00:04,000\nAnd so are we.\n",
        "utf-8",
    )
    parsed = read(path, "Ann Example")
    assert [(p.speaker, p.text, p.kind) for p in parsed.passages] == [
        ("Ann Example", "Friends, the tide is turning.\nAnd so are we.", "paragraph")
    ]
    assert any("name no speaker" in w.message for w in parsed.warnings)


def test_a_long_monologue_is_cut_where_a_sentence_ends(tmp_path: Path) -> None:
    cues = []
    for n in range(40):
        start = n * 2
        cues.append(
            f"{n + 1}\n00:00:{start:02d},000 --> 00:00:{start + 1:02d},900\n"
            f"{'ANN: ' if n == 0 else ''}Sentence number {n} of the long speech about ports.\n"
        )
    path = tmp_path / "long.srt"
    path.write_text("\n".join(cues), "utf-8")
    passages = read(path).passages
    assert len(passages) > 1
    assert {p.speaker for p in passages} == {"ANN"}
    assert all(p.text.endswith(".") for p in passages)
    assert all(len(p.text) < 800 for p in passages)


def test_a_subtitle_file_is_known_by_its_content(tmp_path: Path) -> None:
    path = tmp_path / "captions.txt"
    path.write_text(SRT, "utf-8")
    assert read(path).passages[0].speaker == "MODERATOR"


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(
        st.text(
            st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=40
        ),
        min_size=1,
        max_size=8,
    ),
    vtt=st.booleans(),
)
def test_every_passage_is_its_record(tmp_path_factory: object, lines: list[str], vtt: bool) -> None:
    folder = tmp_path_factory.mktemp("subs")  # type: ignore[attr-defined]
    dot = "." if vtt else ","
    blocks = [
        f"{n + 1}\n00:00:{n:02d}{dot}000 --> 00:00:{n:02d}{dot}900\n{t}\n"
        for n, t in enumerate(lines)
    ]
    path = folder / ("x.vtt" if vtt else "x.srt")
    path.write_text(("WEBVTT\n\n" if vtt else "") + "\n".join(blocks), "utf-8")
    parsed = read(path)
    for p in parsed.passages:
        assert p.text and p.text == p.text.strip()
