"""The one text normaliser, used at index time and at query time alike.

`tokenize` cuts text into words and folds each one (`corpus.analysis.fold_word`: case,
accents, Arabic vowel marks and letter variants, `ё`, apostrophes) while keeping the word's
exact offsets into the original string, so a highlight or a quoted span is always
`text[start:end]`. `words` gives just the folded words, `written_words` the words as
written; each cuts text with the same tables and has a fast path for ASCII text.

A folded word's *term* (what the index holds) depends on its source's language: `term(word,
lang)` (Snowball, a lemma, or the folded word; `corpus.analysis`). `index_terms(text, lang)`
gives a passage's terms, `query_terms(word, langs)` a query word's terms in every language of
the corpus, and `stem(word)` is the English term (Snowball English after British spellings
are made American). Index time and query time call the same functions.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from corpus.analysis.english import STOP_WORDS as STOP_WORDS
from corpus.analysis.english import VARIANT_RE as _VARIANT_RE  # noqa: F401 (older name)
from corpus.analysis.english import VARIANTS as _VARIANTS  # noqa: F401 (older name)
from corpus.analysis.fold import fold_word
from corpus.analysis.stemmers import analyse, default_analyser

# A word: letters/digits (no underscore) with combining marks, joined across apostrophes.
# Arabic vowel marks (harakat, superscript alef, Quranic marks) are marks inside a word.
_MARKS = (
    "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\u064b-\u065f\u0670\u06d6-\u06ed"
)
_APOSTROPHES = "'`\u2019\u02bc\u2018\u02bb\u00b4\uff07"
WORD_RE = re.compile(rf"(?:[^\W_]|[{_MARKS}])+(?:[{_APOSTROPHES}](?:[^\W_]|[{_MARKS}])+)*")


@dataclass(frozen=True, slots=True)
class Token:
    """One word: its folded form and its exact offsets in the original text."""

    norm: str
    start: int
    end: int


@functools.lru_cache(maxsize=262144)
def fold(word: str) -> str:
    """A word folded for matching (`corpus.analysis.fold_word`), letters and digits only
    (`¼` -> `14`: compatibility forms may bring in other characters)."""
    folded = fold_word(word)
    return folded if folded.isalnum() or not folded else "".join(filter(str.isalnum, folded))


def tokenize(text: str) -> list[Token]:
    """The words of `text`, folded, with offsets into `text` (never empty norms)."""
    tokens: list[Token] = []
    for match in WORD_RE.finditer(text):
        norm = fold(match.group())
        if norm:
            tokens.append(Token(norm, match.start(), match.end()))
    return tokens


# ASCII characters that are never part of a word: punctuation, spaces and controls (the
# apostrophes "'" and "`" join words, so they stay). Text is cut there into words.
_ASCII_CUTS = "".join(c for c in map(chr, range(128)) if not c.isalnum() and c not in "'`")
# Cut and fold: those characters become spaces and capitals small letters; all else is kept.
_FOLD_TABLE = {ord(c): " " for c in _ASCII_CUTS} | {
    ord(c): c.lower() for c in map(chr, range(128)) if c.isalnum() and c != c.lower()
}
# The same as `bytes` tables for ASCII text (`bytes.translate` is several times faster):
# cut and fold, and cut only (for words as written).
_FOLD_BYTES = bytes(ord(_FOLD_TABLE.get(c, chr(c))) for c in range(128)) + bytes(range(128, 256))
_CUT_BYTES = bytes(ord(" ") if chr(c) in _ASCII_CUTS else c for c in range(256))
_ASCII_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['`][A-Za-z0-9]+)*")  # WORD_RE on ASCII text

# Common non-ASCII punctuation that is never part of a word (no letter, mark or apostrophe):
# replaced by spaces first, it often leaves ASCII text, which has the fast paths below.
_SEPARATORS = "“”„«»–—…•·\xa0"


def words(text: str) -> list[str]:
    """Just the folded words of `text` (the norms `tokenize` gives, faster).

    No word holds ASCII punctuation (apostrophes aside), whitespace or a `_SEPARATORS`
    character, so `text` is cut there first; a piece of ASCII letters and digits is already
    its folded self, any other piece goes through the word pattern."""
    if not text.isascii():
        for mark in _SEPARATORS:
            if mark in text:
                text = text.replace(mark, " ")
    if text.isascii():
        cut = text.encode("ascii").translate(_FOLD_BYTES).decode("ascii")
        if "'" not in cut and "`" not in cut:
            return cut.split()  # only ASCII letters and digits are left between the spaces
    else:
        cut = text.translate(_FOLD_TABLE)
    out: list[str] = []
    for piece in cut.split():
        if piece.isascii() and piece.isalnum():
            out.append(piece)
        else:
            out += [norm for norm in map(fold, WORD_RE.findall(piece)) if norm]
    return out


def stem(word: str) -> str:
    """The English term of a folded word: Snowball English (porter2) after British spellings
    are made American (`defences` -> `defens`, `labour` -> `labor`)."""
    return analyse(word, "en")


def term(word: str, lang: str | None) -> str:
    """The term of a folded word in `lang` (None: no morphology, the folded word itself)."""
    return analyse(word, lang)


def query_terms(word: str, langs: Iterable[str | None]) -> tuple[str, ...]:
    """The distinct terms of a folded query word in each of `langs` (the corpus's languages;
    a word matches a passage holding any of them)."""
    return tuple(dict.fromkeys(analyse(word, lang) for lang in langs)) or (word,)


def written_words(text: str) -> list[str]:
    """The words of `text` as written (`WORD_RE.findall(text)`: unfolded, the words
    `tokenize` finds without offsets), faster for ASCII text (cut, then split)."""
    if not text.isascii():
        return WORD_RE.findall(text)
    found: list[str] = []
    for piece in text.encode("ascii").translate(_CUT_BYTES).decode("ascii").split():
        if "'" in piece or "`" in piece:
            found += _ASCII_WORD_RE.findall(piece)
        else:
            found.append(piece)
    return found


def terms_batch(words: list[str], lang: str | None) -> list[str]:
    """`term` of many folded words seen once (uncached; one C call for Snowball)."""
    return default_analyser().analyse_batch(words, lang)


class _Terms(dict[str, str]):
    """word -> term in one language, filled on demand (a plain dict lookup per word, from C)."""

    def __init__(self, lang: str | None) -> None:
        super().__init__()
        self.lang = lang

    def __missing__(self, word: str) -> str:
        self[word] = found = analyse(word, self.lang)
        return found


_TERMS_MAX = 1_000_000  # distinct words remembered per language before starting afresh
_TERMS: dict[str | None, _Terms] = {}


def _terms(lang: str | None) -> _Terms:
    found = _TERMS.get(lang)
    if found is None or len(found) > _TERMS_MAX:
        found = _TERMS[lang] = _Terms(lang)
    return found


def index_terms(text: str, lang: str | None = "en") -> str:
    """The space-joined terms of `text` in `lang`: what the search engine indexes for a
    passage (the terms of `words`, each looked up in a dict: this runs for every passage of
    a build)."""
    return " ".join(map(_terms(lang).__getitem__, words(text)))
