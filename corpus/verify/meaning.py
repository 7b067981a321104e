"""Does the best source span say what was asked? verbatim, close or altered.

Each non-equal alignment step is looked at on its own: a negation, number, quantifier or
comparison word that one side has and the other lacks, or a name replaced by another, is a
change of meaning (`altered`); spelling, case, punctuation, contractions, British/American
spelling, number words for digits and dropped or added articles and fillers are not (`close`).
A negation moved to another place shows as one removed and one added. A content word
replaced by another word (`accepts` for `rejects`, `war` for `peace`) is a change too
(`word`): not a misspelling, another form of the same word (`rejected`, `said`/`says`, by
stem, English lemma or a shared stem of inflected languages) nor a stop word; a synonym is
flagged with the rest, since nothing short of the source's word is the source's meaning.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz.distance import OSA

from corpus.analysis.stopwords import is_stop_word
from corpus.normalize import Token
from corpus.verify.align import Step
from corpus.verify.words import COMPARISONS, NEGATIONS, QUANTIFIERS, Unit, is_number

ChangeKind = Literal["negation", "number", "name", "quantifier", "word", "other"]
MeaningVerdict = Literal["verbatim", "close", "altered"]

SPELLING_SIMILARITY = 0.75  # normalised Levenshtein similarity of a misspelt word
SPELLING_MIN_LEN = 4
_ARABIC = re.compile("[\u0600-\u06ff]")
SHARED_STEM = 0.6  # inflected forms share this much of the shorter word's start (or end)
STOP_LANGUAGES = ("en", "uk", "ru", "ar", "de", "fr", "es")  # stop words never count as content


@dataclass(frozen=True, slots=True)
class Change:
    """A point where the source says something different: the words on each side."""

    kind: ChangeKind
    query: str  # the asked words ("" when the query dropped the source's words)
    source: str  # the source's words, a verbatim slice ("" when the query added words)


@dataclass(frozen=True, slots=True)
class Meaning:
    verdict: MeaningVerdict
    changes: tuple[Change, ...] = ()


def _counts(keys: Sequence[str], vocabulary: frozenset[str]) -> list[str]:
    """The keys of `vocabulary` among `keys`, as a sorted multiset (few words: no Counter)."""
    return sorted(k for k in keys if k in vocabulary)


def _spelling_only(a: Sequence[str], s: Sequence[str]) -> bool:
    """Word for word the same but for spelling (no numbers, long enough words)."""
    if len(a) != len(s):
        return False
    for x, y in zip(a, s, strict=True):
        if x == y:
            continue
        if is_number(x) or is_number(y) or min(len(x), len(y)) < SPELLING_MIN_LEN:
            return False
        if OSA.normalized_similarity(x, y) < SPELLING_SIMILARITY:
            return False
    return True


def _content(keys: Sequence[str]) -> list[str]:
    return [
        k
        for k in keys
        if not is_number(k) and not any(is_stop_word(k, lang) for lang in STOP_LANGUAGES)
    ]


@functools.lru_cache(maxsize=65536)
def _english_lemma(word: str) -> str:
    # simplemma's English data (~29 MB, ~0.2 s) loads the first time a quote has a word swapped
    import simplemma

    return simplemma.lemmatize(word, lang="en").lower()


def same_word(x: str, y: str) -> bool:
    """Two folded words (stems) that are one word: equal, misspelt, inflected (a shared start
    of most of the shorter), one English lemma (`said`/`say`, `told`/`tell`), or in Arabic one
    with a clitic (`ال`, `و`, `ب`) before it. A shared end is no proof in English or Slavic
    languages (`increase`/`decrease`, `можливо`/`неможливо`)."""
    if x == y or OSA.normalized_similarity(x, y) >= SPELLING_SIMILARITY:
        return True
    shorter = min(len(x), len(y))
    start = 0
    while start < shorter and x[start] == y[start]:
        start += 1
    if start >= max(3, SHARED_STEM * shorter):
        return True
    if _ARABIC.search(x) and shorter >= 3 and (x.endswith(y) or y.endswith(x)):
        return abs(len(x) - len(y)) <= 3
    return x.isascii() and y.isascii() and _english_lemma(x) == _english_lemma(y)


def _word_swapped(a_keys: Sequence[str], s_keys: Sequence[str]) -> bool:
    """A content word on one side with no form of it on the other, both sides saying some."""
    asked, source = _content(a_keys), _content(s_keys)
    if not asked or not source:
        return False
    return any(not any(same_word(a, s) for s in source) for a in asked) or any(
        not any(same_word(s, a) for a in asked) for s in source
    )


def _is_name(text: str, token: Token, key: str, names: frozenset[str], first: bool) -> bool:
    """A proper noun: a known name, or a capitalised word where no sentence starts."""
    if token.norm in names or key in names:
        return True
    word = text[token.start : token.end]
    return not first and word[:1].isupper() and not word.isupper()


def _names(
    text: str, tokens: Sequence[Token], units: Sequence[Unit], names: frozenset[str]
) -> list[str]:
    return [
        u.key
        for u in units
        if _is_name(text, tokens[u.token], u.key, names, _starts_sentence(text, tokens, u.token))
    ]


def _starts_sentence(text: str, tokens: Sequence[Token], index: int) -> bool:
    if index == 0:
        return True
    between = text[tokens[index - 1].end : tokens[index].start]
    return any(mark in between for mark in '.!?:;\n“"«…')


def step_kind(
    a_keys: Sequence[str],
    s_keys: Sequence[str],
    a_names: Sequence[str],
    s_names: Sequence[str],
) -> ChangeKind | None:
    """What kind of meaning one differing step changes, or None when it is harmless."""
    if _counts(a_keys, NEGATIONS) != _counts(s_keys, NEGATIONS):
        return "negation"
    if sorted(k for k in a_keys if is_number(k)) != sorted(k for k in s_keys if is_number(k)):
        return "number"
    if _counts(a_keys, QUANTIFIERS) != _counts(s_keys, QUANTIFIERS):
        return "quantifier"
    if _counts(a_keys, COMPARISONS) != _counts(s_keys, COMPARISONS):
        return "other"
    if _spelling_only(a_keys, s_keys):
        return None
    if a_keys and s_keys and (a_names or s_names):
        return "name"
    if _word_swapped(a_keys, s_keys):
        return "word"
    return None


def classify_meaning(
    query: str,
    asked_tokens: Sequence[Token],
    asked_units: Sequence[Unit],
    source_text: str,
    span_tokens: Sequence[Token],
    span_units: Sequence[Unit],
    steps: Sequence[Step],
    *,
    names: frozenset[str] = frozenset(),
) -> Meaning:
    """verbatim (the same folded words), close (only harmless differences) or altered,
    with the changes in source order. `names`: folded words known to be names."""
    if [t.norm for t in asked_tokens] == [t.norm for t in span_tokens]:
        return Meaning("verbatim")
    changes: list[Change] = []
    for step in steps:
        if step.tag == "equal":
            continue
        a_units = asked_units[step.a0 : step.a1]
        s_units = span_units[step.s0 : step.s1]
        a_keys = [u.key for u in a_units]
        s_keys = [u.key for u in s_units]
        a_names = _names(query, asked_tokens, a_units, names)
        s_names = _names(source_text, span_tokens, s_units, names)
        kind = step_kind(a_keys, s_keys, a_names, s_names)
        if kind is not None:
            said = _words(query, asked_tokens, a_units)
            source = _words(source_text, span_tokens, s_units)
            changes.append(Change(kind, said, source))
    return Meaning("altered", tuple(changes)) if changes else Meaning("close")


def _words(text: str, tokens: Sequence[Token], units: Sequence[Unit]) -> str:
    if not units:
        return ""
    return text[tokens[units[0].token].start : tokens[units[-1].token].end]
