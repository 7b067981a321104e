"""Who the query says spoke: `Zelensky said …`, `Rutte: …`, `"…" — Trump`, `… (Rutte)`,
`according to X, …`, `X says/told/claimed that …`; the name matched to a known speaker.

The name is not quote words: the parse returns the character range of the quote words.
A name is matched by full name, surname, case, diacritics and small spelling variants.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from corpus.normalize import fold

Attribution = Literal["matches", "differs"]

SPEECH = (
    r"(?:said|says|say|told\s+\w+|tells\s+\w+|claimed|claims|stated|states|wrote|writes|"
    r"tweeted|posted|declared|declares|argued|argues|insisted|insists|warned|warns|added)"
)
_NAME_WORD = r"[^\W\d_][\w’'.\-]*"
NAME = rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})"
QUOTES = "\"'“”„«»‘’ \t"
NAME_SIMILARITY = 85.0

# (pattern, loose): a loose pattern (`X: …`, `… — X`, `… (X)`) names a speaker only when the
# name is a known speaker or the words stand in quote marks (else `… – Putin.` is a quote).
_PATTERNS = (
    (re.compile(rf"^\s*{NAME}\s*:\s*(?P<rest>\S.*)$", re.S), True),
    (re.compile(rf"^\s*according\s+to\s+{NAME}\s*,\s*(?P<rest>\S.*)$", re.S | re.I), False),
    (re.compile(rf"^\s*{NAME}\s+{SPEECH}(?:\s+that)?\s*[:,]?\s*(?P<rest>\S.*)$", re.S), False),
    (re.compile(rf"^(?P<rest>.*\S)\s*(?:—|–|--|-|~)\s*{NAME}\s*\.?\s*$", re.S), True),
    (re.compile(rf"^(?P<rest>.*\S)\s*\(\s*{NAME}\s*\)\s*\.?\s*$", re.S), True),
    (re.compile(rf"^(?P<rest>.*[,”\"])\s*{NAME}\s+{SPEECH}\s*\.?\s*$", re.S), False),
    (re.compile(rf"^(?P<rest>.*[,”\"])\s*{SPEECH}\s+{NAME}\s*\.?\s*$", re.S), False),
)
# Capitalised or not, these never start a name (`We said …`, `This: …`).
_NOT_NAMES = frozenset(
    fold(w)
    for w in [
        "i",
        "we",
        "you",
        "he",
        "she",
        "they",
        "it",
        "this",
        "that",
        "there",
        "what",
        "who",
        "he's",
        "she's",
        "it's",
        "these",
        "those",
        "and",
        "but",
        "so",
        "then",
        "also",
        "note",
        "quote",
        "update",
        "source",
    ]
)


@dataclass(frozen=True, slots=True)
class Claim:
    """A speaker named in the query and where the quote words stand in it."""

    name: str  # as written
    start: int  # the quote words: query[start:end], quote marks trimmed
    end: int


def parse_claim(query: str, *, known: Sequence[str] = ()) -> Claim | None:
    """The claimed speaker and the quote words, or None when the query names nobody.

    A name must be capitalised, or match one of `known` when it is written in lower case."""
    for pattern, loose in _PATTERNS:
        found = pattern.match(query)
        if found is None:
            continue
        name = found["name"].strip(" .")
        words = name.split()
        if not words or fold(words[0]) in _NOT_NAMES or fold(words[-1]) in _NOT_NAMES:
            # `European Council I stated …`: the one who speaks is the pronoun, not a name
            continue
        start, end = found.start("rest"), found.end("rest")
        matched = match_speaker(name, known) is not None
        if not matched and not all(w[:1].isupper() for w in words):
            continue
        quoted = query[start] in QUOTES or query[end - 1] in QUOTES
        if loose and not matched and not quoted:
            continue
        while start < end and query[start] in QUOTES:
            start += 1
        while end > start and query[end - 1] in QUOTES + ",":
            end -= 1
        if end > start:
            return Claim(name, start, end)
    return None


@functools.lru_cache(maxsize=4096)
def _folded_name(name: str) -> tuple[str, str, str]:
    """A name folded word by word: (full name, surname, first letter of the first name)."""
    full = " ".join(fold(w) for w in name.split())
    words = full.split()
    return (full, words[-1], words[0][:1]) if words else ("", "", "")


def speaker_candidates(
    name: str, known: Sequence[str], *, cutoff: float = NAME_SIMILARITY
) -> tuple[str, ...]:
    """Every known speaker `name` may mean (full name or surname, spelling variants), in
    `known` order: those at the best score, so more than one when several known speakers
    share the surname the query gives."""
    asked, surname, initial = _folded_name(name)
    if not surname:
        return ()
    given_first = " " in asked
    best = cutoff
    found: list[str] = []
    for speaker in known:
        full, their_surname, their_initial = _folded_name(speaker)
        if not full:
            continue
        score = max(fuzz.ratio(asked, full), fuzz.ratio(surname, their_surname))
        if given_first and initial != their_initial:
            score = min(score, fuzz.ratio(asked, full))  # another first name: not the same
        if score > best:
            best, found = score, [speaker]
        elif score == best:
            found.append(speaker)
    return tuple(found)


def match_speaker(
    name: str, known: Sequence[str], *, cutoff: float = NAME_SIMILARITY
) -> str | None:
    """The known speaker `name` means (full name or surname, spelling variants), or None;
    the first of them when several share the best score (`speaker_candidates`)."""
    found = speaker_candidates(name, known, cutoff=cutoff)
    return found[0] if found else None


def resolve_claim(
    name: str, known: Sequence[str], speaker: str | None
) -> tuple[str, Attribution | None]:
    """The claimed speaker as the corpus knows them, and whether the source's `speaker` is
    them (None: no source, the words were not found). A name several known speakers share
    (a surname alone) matches when one of them is the source's speaker, and is then that
    speaker; else it names them all (`A or B`) and differs."""
    candidates = speaker_candidates(name, known)
    if len(candidates) > 1:
        if speaker is not None:
            for candidate in candidates:
                if judge_attribution(candidate, speaker) == "matches":
                    return candidate, "matches"
        return " or ".join(candidates), None if speaker is None else "differs"
    claimed = candidates[0] if candidates else name
    return claimed, judge_attribution(claimed, speaker)


def judge_attribution(claimed: str | None, speaker: str | None) -> Attribution | None:
    """`matches` when the claimed speaker is the source's, `differs` when not, None when no
    speaker was named or the words were not found."""
    if claimed is None or speaker is None:
        return None
    return "matches" if match_speaker(claimed, [speaker]) is not None else "differs"


_REPORTED = re.compile(
    r"(?P<name>(?:[A-Z][\w’'.\-]*\s+){0,3}[A-Z][\w’'.\-]*)\s+"
    r"(?:said|says|stated|states|claimed|claims|warned|warns|added|wrote|writes|noted|argued|"
    r"insisted|told\s+\w+|tells\s+\w+)(?:\s+that)?[\s,:]*$"
)
_REPORT_REACH = 120  # characters of the sentence before the words that may name a speaker


def reported_by(before: str, known: Sequence[str]) -> str | None:
    """The known speaker a narration says said the words that follow `before` in indirect
    speech (`NATO Chief Mark Rutte said that …`), or None. Only the sentence the words stand
    in is read: a name in an earlier sentence reports nothing."""
    tail = before[-_REPORT_REACH:]
    cut = max(tail.rfind(mark) for mark in (". ", "! ", "? ", "\n"))
    found = _REPORTED.search(tail[cut + 1 :] if cut >= 0 else tail)
    if found is None:
        return None
    words = found["name"].split()
    for start in range(len(words)):  # `NATO Chief Mark Rutte`: the longest tail that matches
        matched = match_speaker(" ".join(words[start:]), known)
        if matched is not None:
            return matched
    return None
