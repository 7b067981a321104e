"""The words of a topic query and which written words match them.

A topic query keeps its words without stop words (`topic_terms`); each `Term` matches an
indexed stem equal to its own or, for a word longer than three letters and without digits,
one edit from it, the way tantivy's fuzzy query decides. `Matcher` answers that question for
the words of passages, memoised (ranking and highlighting both ask it for every word).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from corpus.normalize import STOP_WORDS, fold, stem, words

MAX_TERMS = 8


@dataclass(frozen=True, slots=True)
class Term:
    """One query word: as folded (shown to the user) and as indexed (stemmed)."""

    word: str
    stem: str

    @property
    def distance(self) -> int:
        return 0 if len(self.stem) <= 3 or any(c.isdigit() for c in self.stem) else 1

    def matches(self, indexed: str) -> bool:
        """Whether an indexed stem is this term, the way the fuzzy query decides."""
        if indexed == self.stem:
            return True
        return self.distance > 0 and OSA.distance(indexed, self.stem, score_cutoff=1) <= 1


_INDEXED: dict[str, str] = {}
_INDEXED_MAX = 500_000


def indexed_form(raw: str) -> str:
    """A written word as the index holds it (folded, stemmed; "" for none), remembered
    across queries: the words of passages repeat a lot."""
    found = _INDEXED.get(raw)
    if found is None:
        if len(_INDEXED) >= _INDEXED_MAX:
            _INDEXED.clear()
        norm = fold(raw)
        found = _INDEXED[raw] = stem(norm) if norm else ""
    return found


class Matcher:
    """Which terms an indexed stem matches, memoised for one query (words repeat a lot)."""

    def __init__(self, terms: Sequence[Term]) -> None:
        self._terms = [(t, t.distance, len(t.stem)) for t in terms]
        self._memo: dict[str, tuple[str, ...]] = {}
        self.surfaces: dict[str, tuple[str, ...]] = {}
        self._indexed: dict[str, str | None] = {}
        self._table: dict[str, tuple[str, ...]] | None = None

    def table(self) -> dict[str, tuple[str, ...]]:
        """The terms each matching plain stem matches: a term's stem and, for a fuzzy term,
        every string one edit from it. A stem of only `ALPHABET` characters that is one
        edit from a term is among that term's `neighbours`, so for such a stem a lookup
        here answers exactly what `__call__` would."""
        if self._table is None:
            table: dict[str, tuple[str, ...]] = {}
            for t, distance, _ in self._terms:
                keys = near(t.stem) if distance else frozenset((t.stem,))
                part: dict[str, tuple[str, ...]] = dict.fromkeys(keys, (t.word,))
                for shared in keys & table.keys():  # a stem near two terms matches both
                    part[shared] = table[shared] + (t.word,)
                table.update(part)
            self._table = table
        return self._table

    def __call__(self, indexed: str) -> tuple[str, ...]:
        found = self._memo.get(indexed)
        if found is None:
            size = len(indexed)
            found = self._memo[indexed] = tuple(
                t.word
                for t, distance, length in self._terms
                if indexed == t.stem
                or (
                    distance
                    and -1 <= size - length <= 1
                    and OSA.distance(indexed, t.stem, score_cutoff=1) <= 1
                )
            )
        return found

    def surface(self, raw: str) -> tuple[str, ...]:
        """The terms a word as written in a passage matches (folded and stemmed once)."""
        found = self.surfaces.get(raw)
        if found is None:
            indexed = _INDEXED.get(raw)
            if indexed is None:
                indexed = indexed_form(raw)
            if is_plain(indexed):
                found = self.table().get(indexed, ())
            else:
                found = self(indexed) if indexed else ()
            self.surfaces[raw] = found
        return found

    def indexed(self, raw: str) -> str | None:
        """The indexed form of a written word when it matches a term, else None."""
        if raw not in self._indexed:
            norm = fold(raw)
            indexed = stem(norm) if norm else ""
            self._indexed[raw] = indexed if indexed and self(indexed) else None
        return self._indexed[raw]


def topic_terms(text: str) -> list[Term]:
    """The query's words without stop words (unless it holds nothing else), deduplicated."""
    folded = words(text)
    content = [w for w in folded if w not in STOP_WORDS] or folded
    terms: dict[str, Term] = {}
    for word in content:
        term = Term(word, stem(word))
        terms.setdefault(term.stem, term)
    return list(terms.values())[:MAX_TERMS]


ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def neighbours(word: str) -> set[str]:
    """Every string one edit from `word` (delete, swap two neighbours, replace, insert)."""
    letters = sorted(set(ALPHABET) | set(word))
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1:] for a, b in cuts if b}
    found |= {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
    found |= {a + c + b[1:] for a, b in cuts if b for c in letters}
    found |= {a + c + b for a, b in cuts for c in letters}
    found.discard(word)
    return found


is_plain = re.compile(f"[{ALPHABET}]+").fullmatch
_NEAR: dict[str, frozenset[str]] = {}
_NEAR_MAX = 4096


def near(word: str) -> frozenset[str]:
    """`word` and its `neighbours`, remembered across queries (150 us for 6 letters)."""
    found = _NEAR.get(word)
    if found is None:
        if len(_NEAR) >= _NEAR_MAX:
            _NEAR.clear()
        found = _NEAR[word] = frozenset(neighbours(word) | {word})
    return found
