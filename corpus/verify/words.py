"""Comparison units: the words of a text as the verifier compares them.

A unit is one word's comparison key and the index of the token it came from. Keys are
`corpus.normalize` norms, stemmed (plurals, British spellings), number words as digits and
contractions expanded (`don't` gives `do` `not`, `we're` gives `we` `are`), so the harmless
differences compare equal and the alignment sees the words that carry meaning.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.normalize import Token, fold, stem, tokenize

APOSTROPHES = "'`\u2019\u02bc\u2018\u02bb\u00b4\uff07"

_NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
NUMBER_WORDS: dict[str, str] = {w: str(i) for i, w in enumerate(_NUMBER_WORDS)}
NUMBER_WORDS.update(
    {
        "thirty": "30",
        "forty": "40",
        "fifty": "50",
        "sixty": "60",
        "seventy": "70",
        "eighty": "80",
        "ninety": "90",
        "hundred": "100",
        "thousand": "1000",
        "million": "1000000",
        "billion": "1000000000",
        "dozen": "12",
    }
)


def _folded(words: str) -> frozenset[str]:
    return frozenset(fold(w) for w in words.split())


# Negations in English and, where easy, Ukrainian, Russian, German, French, Spanish.
NEGATIONS = _folded(
    "not no never none nobody nothing neither nor without nowhere cannot "
    "не ні нет ни ніколи никогда ніхто никто нічого ничего без "
    "nicht kein keine keinen keinem keiner keines nie niemals niemand nichts ohne weder "
    "ne pas jamais rien aucun aucune personne sans ni "
    "nunca nada nadie ningún ninguno ninguna tampoco sin"
)
QUANTIFIERS = _folded(
    "all some every any most few many each several both either much more least "
    "alle einige jeder viele tous toutes tout chaque quelques todos todas cada algunos "
    "все всі кожен деякі многие багато"
)
# Words whose swap inverts a comparison or an order in time.
COMPARISONS = _folded(
    "more less stronger weaker better worse before after higher lower greater fewer larger "
    "smaller bigger increase decrease increased decreased rise fall above below earlier later "
    "faster slower longer shorter"
)
# Words whose addition or removal leaves the meaning: articles and fillers.
FILLERS = _folded(
    "the a an that just really so very quite indeed actually also too well then now even "
    "and der die das ein eine le la les un une el los las"
)

# `n't` contractions whose stem is not the verb as written.
_NT_STEMS = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is", "don": "do"}
_CLITICS = {"re": "are", "m": "am", "ll": "will", "ve": "have", "d": "would"}
_SENTENCE_MARKS = '.!?:;\n“"«•…'
_S_IS = _folded("it that he she there what here who where how")


@dataclass(frozen=True, slots=True)
class Unit:
    """One comparison key and the index of the token it belongs to."""

    key: str
    token: int


@functools.lru_cache(maxsize=65536)
def key_of(norm: str) -> str:
    """The comparison key of one folded word: stemmed, number words as digits."""
    if norm in NUMBER_WORDS:
        return NUMBER_WORDS[norm]
    return stem(norm)


@functools.lru_cache(maxsize=16384)
def expand(word: str) -> tuple[str, ...]:
    """The folded words a written word stands for (`don't` gives `do`, `not`)."""
    norm = fold(word)
    if not any(a in word for a in APOSTROPHES):
        if norm == "cannot":
            return ("can", "not")
        return (norm,)
    parts = [fold(p) for p in word.translate({ord(a): "'" for a in APOSTROPHES}).split("'")]
    head, tail = "".join(parts[:-1]), parts[-1]
    if tail == "t" and head.endswith("n") and len(head) > 1:
        base = head[:-1]
        return (_NT_STEMS.get(base, base), "not")
    if tail in _CLITICS and head:
        return (head, _CLITICS[tail])
    if tail == "s" and head in _S_IS:
        return (head, "is")
    if tail == "s" and head == "let":
        return ("let", "us")
    return (norm,)


def units_of(text: str, tokens: Sequence[Token]) -> list[Unit]:
    """The comparison units of `tokens` (words of `text`)."""
    out: list[Unit] = []
    for i, tok in enumerate(tokens):
        for norm in expand(text[tok.start : tok.end]):
            out.append(Unit(key_of(norm), i))
    return out


def is_number(key: str) -> bool:
    return key[:1].isdigit()


def proper_nouns(text: str) -> frozenset[str]:
    """Folded words written with a capital letter where no sentence starts: names, places."""
    found: set[str] = set()
    previous_end = -1
    for tok in tokenize(text):
        word = text[tok.start : tok.end]
        between = text[previous_end : tok.start] if previous_end >= 0 else "."
        starts = any(mark in between for mark in _SENTENCE_MARKS)
        if word[:1].isupper() and not starts and not word.isupper():
            found.add(tok.norm)
        previous_end = tok.end
    return frozenset(found)
