"""The one text normaliser, used at index time and at query time alike.

`tokenize` cuts text into words and folds each one (NFKC, casefold, no diacritics, no
apostrophes inside words) while keeping the word's exact offsets into the original string,
so a highlight or a quoted span is always `text[start:end]`. `words` gives just the folded
words, `written_words` the words as written, `index_terms` the stems the index holds: each
cuts text with the same tables and has a fast path for ASCII text. `stem` is a light English
stemmer (plurals and British/American spelling variants), identical on both sides.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

# A word: letters/digits (no underscore) with combining marks, joined across apostrophes.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_APOSTROPHES = "'`\u2019\u02bc\u2018\u02bb\u00b4\uff07"
WORD_RE = re.compile(rf"(?:[^\W_]|[{_MARKS}])+(?:[{_APOSTROPHES}](?:[^\W_]|[{_MARKS}])+)*")
_APOSTROPHE_TABLE = str.maketrans("", "", _APOSTROPHES)

# British spellings folded to American ones (prefixes of the singular form).
_VARIANTS: dict[str, str] = {
    "defence": "defense",
    "offence": "offense",
    "licence": "license",
    "pretence": "pretense",
    "labour": "labor",
    "honour": "honor",
    "favour": "favor",
    "colour": "color",
    "behaviour": "behavior",
    "neighbour": "neighbor",
    "harbour": "harbor",
    "rumour": "rumor",
    "endeavour": "endeavor",
    "armour": "armor",
    "vigour": "vigor",
    "centre": "center",
    "theatre": "theater",
    "metre": "meter",
    "programme": "program",
    "catalogue": "catalog",
    "dialogue": "dialog",
    "organis": "organiz",
    "recognis": "recogniz",
    "realis": "realiz",
    "criticis": "criticiz",
    "mobilis": "mobiliz",
    "stabilis": "stabiliz",
    "prioritis": "prioritiz",
    "apologis": "apologiz",
    "emphasis": "emphasiz",
    "legitimis": "legitimiz",
    "normalis": "normaliz",
    "militaris": "militariz",
    "analys": "analyz",
    "paralys": "paralyz",
    "travell": "travel",
    "cancell": "cancel",
    "grey": "gray",
}
_VARIANT_RE = re.compile("^(" + "|".join(sorted(_VARIANTS, key=len, reverse=True)) + ")")


@dataclass(frozen=True, slots=True)
class Token:
    """One word: its folded form and its exact offsets in the original text."""

    norm: str
    start: int
    end: int


@functools.lru_cache(maxsize=65536)
def _fold_char(char: str) -> str:
    if char in _APOSTROPHES:
        return ""  # U+02BC and U+02BB count as letters; they are apostrophes here
    folded = unicodedata.normalize("NFKC", char).casefold()
    decomposed = unicodedata.normalize("NFD", folded)
    return "".join(c for c in decomposed if c.isalnum())


@functools.lru_cache(maxsize=262144)
def fold(word: str) -> str:
    """A word folded for matching: NFKC, casefold, no diacritics, no apostrophes."""
    if word.isascii():
        return word.translate(_APOSTROPHE_TABLE).lower()
    return "".join(_fold_char(c) for c in word)


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


@functools.lru_cache(maxsize=262144)
def stem(word: str) -> str:
    """A light stem of a folded word: plurals dropped, British spellings made American."""
    if len(word) > 3 and not word.isdigit():
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith(("sses", "ches", "shes", "xes", "zzes")):
            word = word[:-2]
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
    match = _VARIANT_RE.match(word)
    if match:
        word = _VARIANTS[match.group(1)] + word[match.end() :]
    return word


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


class _Stems(dict[str, str]):
    """word -> stem, filled on demand (a plain dict lookup per word, from C)."""

    def __missing__(self, word: str) -> str:
        self[word] = found = stem(word)
        return found


_STEMS = _Stems()


def index_terms(text: str) -> str:
    """The space-joined stems of `text`: what the search engine indexes for a passage (the
    stems of `words`, each looked up in a dict: this runs for every passage of a build)."""
    return " ".join(map(_STEMS.__getitem__, words(text)))


_STOP_WORDS = """a about above after again against all am an and any are as at be because
    been before being below between both but by can could did do does doing down during each
    few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS.split())
