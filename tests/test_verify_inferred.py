"""Article quotes without a speech verb: credited by inference to the sentence's person."""

from __future__ import annotations

from pathlib import Path

from corpus.parse.attribution import SpeakerResolver, find_quotes
from corpus.verify.inferred import dominant_speaker, find_venue, infer_quotes

ARTICLE = (Path(__file__).resolve().parent.parent / "seeds" / "004_587f944356045ec1.txt").read_text(
    encoding="utf-8"
)
SPEAKERS = ("Volodymyr Zelensky", "Mark Rutte")


def paragraphs(text: str) -> list[tuple[int, int]]:
    out, at = [], 0
    for line in text.split("\n"):
        out.append((at, at + len(line)))
        at += len(line) + 1
    return out


def inferred_in_article() -> dict[str, str]:
    resolver = SpeakerResolver(ARTICLE, SPEAKERS)
    found: dict[str, str] = {}
    previous = 0
    for start, end in paragraphs(ARTICLE):
        spans = find_quotes(ARTICLE, start, end, resolver=resolver)
        attributed = [(s.start, s.end) for s in spans]
        for quote in infer_quotes(
            ARTICLE, start, end, speakers=SPEAKERS, attributed=attributed, before=previous
        ):
            assert quote.speaker_inferred
            found[ARTICLE[quote.start : quote.end]] = quote.speaker
        previous = start
    return found


def test_seed_article_quotes_without_speech_verb_go_to_zelensky() -> None:
    found = inferred_in_article()
    assert found["guarantee security for the vote"] == "Volodymyr Zelensky"
    assert found["fundamental document."] == "Volodymyr Zelensky"
    assert "updated" not in found  # a one-word scare quote is nobody's words


def test_quotes_with_no_named_person_stay_unattributed() -> None:
    text = "Critics called it a “fundamental mistake” and moved on."
    assert infer_quotes(text, 0, len(text), speakers=SPEAKERS) == []


def test_pronoun_means_the_last_named_speaker() -> None:
    text = "Mark Rutte spoke first. Then he warned of “a war on a scale unseen” in Europe."
    (quote,) = infer_quotes(text, 0, len(text), speakers=SPEAKERS)
    assert quote.speaker == "Mark Rutte"
    assert text[quote.start : quote.end] == "a war on a scale unseen"


def test_venue_and_dominant_speaker() -> None:
    line = next(p for p in paragraphs(ARTICLE) if "speech in Berlin" in ARTICLE[p[0] : p[1]])
    assert find_venue(ARTICLE, *line) == "speech in Berlin, Germany"
    resolver = SpeakerResolver(ARTICLE, SPEAKERS)
    spans = [(s.start, s.end, s.speaker) for s in find_quotes(ARTICLE, *line, resolver=resolver)]
    assert dominant_speaker(*line, spans) == "Mark Rutte"
    assert dominant_speaker(0, 100, []) is None
