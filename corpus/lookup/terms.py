"""The words of a topic query and which written words match them.

A topic query keeps its words without stop words (`topic_terms`); each word is analysed in
every language the corpus holds, and each `Term` matches an indexed term equal to one of its
own or, for a term longer than three letters and without digits, one edit from it, the way
tantivy's fuzzy query decides (OR inside a word, AND across words). `Matcher` answers that
question for the words of passages, each analysed in its passage's language, memoised
(ranking and highlighting both ask it for every word).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from corpus.analysis.stopwords import is_stop_word as is_stop_in
from corpus.normalize import fold, query_terms, term, words

MAX_TERMS = 8


SHORT = 4  # a stem this long is fuzzy only when the index lacks it (a likely typo)


def settle_short(terms: Sequence[Term], indexed: Callable[[str], bool]) -> list[Term]:
    """`terms` with their short stems that `indexed` says the index holds marked exact."""
    return [
        dataclasses.replace(
            t, exact=frozenset(s for s in t.stems if len(s) == SHORT and indexed(s))
        )
        for t in terms
    ]


def edit_distance(stem: str) -> int:
    """The edits a term tolerates: none for 3 letters or fewer or with digits, else one."""
    return 0 if len(stem) <= 3 or any(c.isdigit() for c in stem) else 1


@dataclass(frozen=True, slots=True)
class Term:
    """One query word: as folded (shown to the user) and its terms as indexed, one per
    language of the corpus (deduplicated; the first is its term in the first language)."""

    word: str
    stems: tuple[str, ...]
    # Short stems (SHORT letters) the index holds: matched exactly, for a short word typed
    # as the index holds it is no typo (`news` must not find `new`, nor `series` `very`).
    exact: frozenset[str] = frozenset()

    @property
    def stem(self) -> str:
        return self.stems[0]

    def distance_of(self, stem: str) -> int:
        """The edits one of the word's terms tolerates."""
        return 0 if stem in self.exact else edit_distance(stem)

    @property
    def distance(self) -> int:
        """The edits the term tolerates (the most any of its stems does)."""
        return max(map(self.distance_of, self.stems))

    def matches(self, indexed: str) -> bool:
        """Whether an indexed term is this word, the way the fuzzy query decides."""
        return any(
            indexed == s
            or (self.distance_of(s) > 0 and OSA.distance(indexed, s, score_cutoff=1) <= 1)
            for s in self.stems
        )


_INDEXED: dict[tuple[str, str | None], str] = {}
_INDEXED_MAX = 500_000


def indexed_form(raw: str, lang: str | None = "en") -> str:
    """A written word as the index holds it in `lang` (folded, analysed; "" for none),
    remembered across queries: the words of passages repeat a lot."""
    key = (raw, lang)
    found = _INDEXED.get(key)
    if found is None:
        if len(_INDEXED) >= _INDEXED_MAX:
            _INDEXED.clear()
        norm = fold(raw)
        found = _INDEXED[key] = term(norm, lang) if norm else ""
    return found


class Matcher:
    """Which terms an indexed term matches, memoised for one query (words repeat a lot)."""

    def __init__(self, terms: Sequence[Term]) -> None:
        self._terms = [(t, [(s, t.distance_of(s), len(s)) for s in t.stems]) for t in terms]
        self._memo: dict[str, tuple[str, ...]] = {}
        self._surfaces: dict[str | None, dict[str, tuple[str, ...]]] = {}
        self._indexed: dict[tuple[str, str | None], str | None] = {}
        self._table: dict[str, tuple[str, ...]] | None = None

    @property
    def surfaces(self) -> dict[str, tuple[str, ...]]:
        """The memo of `surface` for English passages (see `surfaces_in`)."""
        return self.surfaces_in("en")

    def surfaces_in(self, lang: str | None) -> dict[str, tuple[str, ...]]:
        """written word -> the terms it matches, for passages in `lang` (filled by `surface`)."""
        found = self._surfaces.get(lang)
        if found is None:
            found = self._surfaces[lang] = {}
        return found

    def table(self) -> dict[str, tuple[str, ...]]:
        """The words each matching plain term matches: a word's terms and, for a fuzzy
        term, every string one edit from it. A term of only `ALPHABET` characters that is
        one edit from a word's term is among that term's `neighbours`, so for such a term a
        lookup here answers exactly what `__call__` would."""
        if self._table is None:
            table: dict[str, tuple[str, ...]] = {}
            for t, stems in self._terms:
                keys: set[str] = set()
                for s, distance, _ in stems:
                    keys |= near(s) if distance else {s}
                part: dict[str, tuple[str, ...]] = dict.fromkeys(keys, (t.word,))
                for shared in keys & table.keys():  # a term near two words matches both
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
                for t, stems in self._terms
                if any(
                    indexed == s
                    or (
                        distance
                        and -1 <= size - length <= 1
                        and OSA.distance(indexed, s, score_cutoff=1) <= 1
                    )
                    for s, distance, length in stems
                )
            )
        return found

    def surface(self, raw: str, lang: str | None = "en") -> tuple[str, ...]:
        """The words a word as written in a passage in `lang` matches (analysed once)."""
        memo = self.surfaces_in(lang)
        found = memo.get(raw)
        if found is None:
            indexed = _INDEXED.get((raw, lang))
            if indexed is None:
                indexed = indexed_form(raw, lang)
            if is_plain(indexed):
                found = self.table().get(indexed, ())
            else:
                found = self(indexed) if indexed else ()
            memo[raw] = found
        return found

    def indexed(self, raw: str, lang: str | None = "en") -> str | None:
        """The indexed form of a written word in `lang` when it matches a term, else None."""
        key = (raw, lang)
        if key not in self._indexed:
            indexed = indexed_form(raw, lang)
            self._indexed[key] = indexed if indexed and self(indexed) else None
        return self._indexed[key]


def is_stop_word(word: str, langs: Iterable[str | None]) -> bool:
    """Whether a folded query word is a stop word in one of the corpus's languages."""
    return any(is_stop_in(word, lang) for lang in langs)


def topic_terms(text: str, langs: Sequence[str | None] = ("en",)) -> list[Term]:
    """The query's words without stop words, deduplicated, each with its terms in `langs`
    (the corpus's languages). Only stop words: [] (`find_topic` says the query is too
    common)."""
    content = [w for w in words(text) if not is_stop_word(w, langs)]
    terms: dict[tuple[str, ...], Term] = {}
    for word in content:
        found = Term(word, query_terms(word, langs))
        terms.setdefault(found.stems, found)
    return list(terms.values())[:MAX_TERMS]


ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def letter_neighbours(word: str) -> set[str]:
    """`neighbours` made with the letters a-z and the word's own characters only (the
    spellings of a mistyped word; digits join only a word that holds some)."""
    return neighbours(word, "abcdefghijklmnopqrstuvwxyz")


def neighbours(word: str, alphabet: str = ALPHABET) -> set[str]:
    """Every string one edit from `word` (delete, swap two neighbours, replace, insert)."""
    letters = sorted(set(alphabet) | set(word))
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
