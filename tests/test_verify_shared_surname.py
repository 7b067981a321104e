"""A surname several known speakers share: the claim matches when one of them said it."""

from __future__ import annotations

from corpus.model import Passage
from corpus.verify.speaker import match_speaker, resolve_claim, speaker_candidates
from corpus.verify.verify import verify_quote

# Invented speakers: two share the surname Quillfeather.
SPEAKERS = ("Brana Quillfeather", "Odo Quillfeather", "Tamsin Vark")
TEXT = "The lanterns of Ostvel stay lit until the last barge is home."


def passage(speaker: str) -> Passage:
    return Passage(
        id="q1", source="gen.txt", start=0, end=len(TEXT), text=TEXT, line=1,
        speaker=speaker, kind="tweet", seq=0,
    )  # fmt: skip


def test_a_shared_surname_has_every_holder_as_candidate() -> None:
    assert speaker_candidates("Quillfeather", SPEAKERS) == SPEAKERS[:2]
    assert speaker_candidates("Odo Quillfeather", SPEAKERS) == ("Odo Quillfeather",)
    assert match_speaker("Quillfeather", SPEAKERS) == "Brana Quillfeather"  # the first, as before


def test_resolve_claim_picks_the_sources_speaker_among_the_candidates() -> None:
    assert resolve_claim("Quillfeather", SPEAKERS, "Odo Quillfeather") == (
        "Odo Quillfeather",
        "matches",
    )
    assert resolve_claim("Quillfeather", SPEAKERS, "Tamsin Vark") == (
        "Brana Quillfeather or Odo Quillfeather",
        "differs",
    )
    assert resolve_claim("Quillfeather", SPEAKERS, None) == (
        "Brana Quillfeather or Odo Quillfeather",
        None,
    )
    assert resolve_claim("Vark", SPEAKERS, "Odo Quillfeather") == ("Tamsin Vark", "differs")
    assert resolve_claim("Brana Quillfeather", SPEAKERS, "Odo Quillfeather") == (
        "Brana Quillfeather",
        "differs",
    )


def test_verify_quote_matches_a_shared_surname_on_the_second_holder() -> None:
    query = f"Quillfeather said {TEXT}"
    found = verify_quote(query, [passage("Odo Quillfeather")], known_speakers=SPEAKERS)
    assert (found.verdict, found.attribution, found.claimed_speaker) == (
        "verbatim",
        "matches",
        "Odo Quillfeather",
    )
    other = verify_quote(query, [passage("Tamsin Vark")], known_speakers=SPEAKERS)
    assert (other.attribution, other.claimed_speaker) == (
        "differs",
        "Brana Quillfeather or Odo Quillfeather",
    )
