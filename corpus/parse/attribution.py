"""Explicit quotations in a paragraph, attributed only when a speech verb ties them to a name.

`“…,” Rutte said`, `Rutte said: “…”`, `according to Rutte, “…”` give a span for Rutte; a
following quote with no tie of its own continues his words. Pronoun ties (`he said`) and
scare quotes give no span: a wrong attribution is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text`, as a set."""
    return frozenset(text.split())


SPEECH_VERBS = (
    "said|says|told|tells|wrote|writes|added|adds|stated|states|declared|declares|"
    "announced|announces|explained|explains|noted|notes|stressed|stresses|insisted|insists|"
    "warned|warns|replied|replies|asked|asks|argued|argues|remarked|continued|posted|"
    "tweeted|claimed|claims|commented|emphasized|emphasised|urged|urges|concluded|recalled"
)
NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w’'\-]*"
LOWER_TITLES = (
    "chief|president|minister|secretary|spokesman|spokeswoman|spokesperson|leader|envoy|"
    "general|ambassador|chancellor|premier|senator|governor|mayor|commander|director"
)
# a person's name, maybe after titles: `Mark Rutte`, `NATO chief Mark Rutte`
NAME_PART = rf"(?:{NAME_WORD}|(?:{LOWER_TITLES})\b)"
NAME = rf"{NAME_PART}(?:[ \t]+{NAME_PART}){{0,5}}"

# after the closing mark: `, Rutte said`, `said Rutte`, `according to Rutte`
TIE_AFTER = re.compile(
    rf"\s*,?\s*(?:(?P<name>{NAME})\s+(?:{SPEECH_VERBS})\b"
    rf"|(?:{SPEECH_VERBS})\s+(?P<name2>{NAME})|[Aa]ccording\s+to\s+(?P<name3>{NAME}))"
)
# before the opening mark: `Rutte said: `, `Rutte told reporters, `, `according to Rutte, `
TIE_BEFORE = re.compile(
    rf"(?:(?P<name>{NAME})\s+(?:{SPEECH_VERBS})\b(?:\s*[:,]?|[^“”\".!?:,]{{1,60}}[:,])"
    rf"|[Aa]ccording\s+to\s+(?P<name2>{NAME})\s*,?)\s*\Z"
)
PRONOUN_AFTER = re.compile(
    rf"\s*,?\s*(?:(?:he|she|they|it|we|I)\s+(?:{SPEECH_VERBS})\b|(?:{SPEECH_VERBS})\s+"
    r"(?:he|she|they)\b)",
    re.IGNORECASE,
)
QUOTE_MARKS = re.compile(r"“(?P<curly>[^“”]*)”|\"(?P<straight>[^\"]*)\"")

PRONOUNS = word_set("I He She They It We You This That These Those There Who")
TITLES = word_set(
    "Mr Mrs Ms Dr Prof Sir Dame Lord Lady President Prime Minister Secretary Chancellor "
    "Chief Chairman Chair Director General Generals Gen Admiral Colonel Captain Commander "
    "Senator Sen Rep Representative Governor Mayor Ambassador Envoy Special Spokesman "
    "Spokeswoman Spokesperson King Queen Prince Princess Pope Dictator Leader Foreign "
    "Defense Defence Deputy Vice State War Treasury CEO Former Acting Judge Justice "
    "Officer Premier Minister Mister Madam Saint St"
)
STOP_WORDS = word_set(
    "The A An And But Or So Then Today Yesterday Tomorrow Later Earlier Also On In At As "
    "After Before When While Since Meanwhile However Still Now Last Next This That Monday "
    "Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May "
    "June July August September October November December"
)
DETERMINERS = word_set("the a an his her their its our my your this that these those")
MIN_CONTINUATION_WORDS = 3


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """A quotation's inner words (absolute offsets) and who said them."""

    start: int
    end: int
    speaker: str


def name_tokens(text: str, match_start: int, name: str) -> tuple[str, ...]:
    """The person-name part of a capitalised run: trailing words after titles and stopwords."""
    words = name.split()
    kept: list[str] = []
    for word in reversed(words):
        bare = word.rstrip(".")
        if not is_name_word(bare):
            break
        kept.append(word)
    kept.reverse()
    if not kept or len(kept) > 3:
        return ()
    if len(kept) == len(words):
        before = text[max(0, match_start - 40) : match_start].split()
        if before and before[-1].lower() in DETERMINERS:
            return ()  # "the Kremlin said": a body, not a named person
    return tuple(kept)


def is_name_word(word: str) -> bool:
    """A word that can be part of a person's name: no title, stopword, pronoun or acronym."""
    if word.capitalize() in TITLES or word in STOP_WORDS or word in PRONOUNS:
        return False
    return not is_acronym(word)


def is_acronym(word: str) -> bool:
    letters = [char for char in word if char.isalpha()]
    return len(letters) > 1 and all(char.isupper() for char in letters)


class SpeakerResolver:
    """Turns a quoted name into a full name: a configured speaker with that surname, else a
    full name used earlier in the document, else the name as written."""

    def __init__(self, text: str, known_speakers: Iterable[str]) -> None:
        self._text = text
        self._by_surname: dict[str, list[str]] = {}  # lower-case surname -> speakers
        for speaker in known_speakers:
            if speaker.split():
                self._by_surname.setdefault(speaker.split()[-1].lower(), []).append(speaker)
        self._full_names: dict[str, list[tuple[int, str]]] = {}

    def resolve(self, tokens: tuple[str, ...], position: int) -> str:
        surname = tokens[-1]
        known = self._by_surname.get(surname.lower(), [])
        if len(tokens) > 1:
            known = [s for s in known if s.split()[0][:1].lower() == tokens[0][:1].lower()]
        if len(known) == 1:
            return known[0]
        if len(tokens) > 1:
            return " ".join(tokens)
        earlier = [first for at, first in self.full_names(surname) if at < position]
        return f"{earlier[-1]} {surname}" if earlier else surname

    def full_names(self, surname: str) -> list[tuple[int, str]]:
        """Every `First Surname` in the document, as (offset, first name)."""
        if surname not in self._full_names:
            pattern = re.compile(rf"(?P<first>{NAME_WORD})[ \t]+{re.escape(surname)}\b")
            self._full_names[surname] = [
                (found.start(), found["first"])
                for found in pattern.finditer(self._text)
                if name_tokens(self._text, found.start(), found["first"])
            ]
        return self._full_names[surname]


def inner_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The quoted words without surrounding spaces or a trailing comma."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


def tie_after(text: str, close: int, limit: int, quoted: str) -> tuple[int, str] | None:
    """A name tied after the closing mark, when the quote ends a clause (`,` `?` `!`)."""
    if not (quoted.rstrip().endswith((",", "?", "!")) or text.startswith(",", close, limit)):
        return None
    found = TIE_AFTER.match(text, close, limit)
    if found is None:
        return None
    group = next(g for g in ("name", "name2", "name3") if found[g])
    return found.start(group), found[group]


def tie_before(text: str, base: int, opening: int) -> tuple[int, str] | None:
    """A name tied before the opening mark (`Rutte said: “`), searched near the mark."""
    window_start = max(base, opening - 160)
    found = TIE_BEFORE.search(text, window_start, opening)
    if found is None:
        return None
    group = "name" if found["name"] else "name2"
    return found.start(group), found[group]


def find_quotes(text: str, start: int, end: int, *, resolver: SpeakerResolver) -> list[QuoteSpan]:
    """The attributed quotations inside the paragraph `text[start:end]`, in order."""
    spans: list[QuoteSpan] = []
    previous_speaker: str | None = None
    previous_close = start
    for found in QUOTE_MARKS.finditer(text, start, end):
        group = "curly" if found["curly"] is not None else "straight"
        quoted = found[group]
        inner_start, inner_end = inner_span(text, found.start(group), found.end(group))
        close = found.end()
        speaker: str | None = None
        pronoun_tied = False
        tie = tie_after(text, close, end, quoted) or tie_before(text, start, found.start())
        if tie is not None:
            tokens = name_tokens(text, tie[0], tie[1])
            if tokens:
                speaker = resolver.resolve(tokens, found.start())
        elif PRONOUN_AFTER.match(text, close, end):
            pronoun_tied = True
        if speaker is None and tie is None and not pronoun_tied and previous_speaker:
            between = text[previous_close : found.start()].strip()
            words = quoted.split()
            ends_sentence = quoted.rstrip().endswith((".", "!", "?"))
            full_sentence = quoted.strip()[:1].isupper() or ends_sentence
            if (
                (not between or between.endswith((".", "!", "?", ":", ",")))
                and len(words) >= MIN_CONTINUATION_WORDS
                and full_sentence
            ):
                speaker = previous_speaker
        if speaker is not None and inner_end > inner_start:
            spans.append(QuoteSpan(inner_start, inner_end, speaker))
        previous_speaker = speaker
        previous_close = close
    return spans
