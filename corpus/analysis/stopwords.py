"""Stop words per language, as terms: a query of only these is "too common" to answer.

Sources, chosen by measurement (benchmarks/languages.py, "stop words"): the packaged lists
are long and stop content words (`stopwordsiso` and `stop-words` English both stop `new`,
`year`, `world`, `state`; `stopwordsiso` Russian stops `война`, `город`), so each language
takes the list that stopped none or fewest of a content vocabulary:
- en: corpus.analysis.english.STOP_WORDS (Snowball-style, 126 words, 0 content words stopped);
- uk: stopwordsiso (73 words, 0 content words stopped; `stop-words` stops `рік`, `день`);
- any other: `stop-words` when it has the language (ru: 6 content words stopped against
  stopwordsiso's 13), else stopwordsiso, else none.
The lists are folded and analysed like any word, so `is_stop` takes a term.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from corpus.analysis.english import STOP_WORDS as ENGLISH_STOP_WORDS
from corpus.analysis.fold import fold_word
from corpus.analysis.stemmers import Analyser, default_analyser

# Function words stopwordsiso's Ukrainian list lacks (prepositions, conjunctions, particles,
# pronouns): `і`, `в`, `у`, `на` are the commonest words of Ukrainian text.
_UKRAINIAN_EXTRA = """а і в у на о об зі ж же не ні бо щоб його йому їй їм ним нею нього неї
    мене мені мною нас тебе тобі себе собі свій своя своє свої що ще вже лише тільки або чи також"""
UKRAINIAN_EXTRA: frozenset[str] = frozenset(_UKRAINIAN_EXTRA.split())


def stop_word_list(lang: str | None) -> frozenset[str]:
    """The surface stop words of `lang` from the source chosen for it (empty when none)."""
    if lang is None:
        return frozenset()
    if lang == "en":
        return ENGLISH_STOP_WORDS
    # imported here: ~90 ms that an English corpus never needs
    import stop_words
    import stopwordsiso

    if lang == "uk":
        return frozenset(stopwordsiso.stopwords("uk")) | UKRAINIAN_EXTRA
    if lang in stop_words.LANGUAGE_MAPPING:
        return frozenset(w for w in stop_words.get_stop_words(lang) if " " not in w)
    if stopwordsiso.has_lang(lang):
        return frozenset(stopwordsiso.stopwords(lang))
    return frozenset()


@functools.cache
def stop_terms(lang: str | None) -> frozenset[str]:
    """The terms of `lang`'s stop words (folded, then analysed in `lang`)."""
    analyser = default_analyser()
    return frozenset(analyser.analyse(fold_word(w), lang) for w in stop_word_list(lang))


def is_stop(term: str, lang: str | None) -> bool:
    """True when `term` (an analysed word in `lang`) is one of `lang`'s stop words."""
    return term in stop_terms(lang)


def is_stop_query(
    words_folded: Iterable[str], langs: Iterable[str | None], analyser: Analyser | None = None
) -> bool:
    """True when every query word is a stop word in at least one of `langs` (the corpus's
    languages): the query is too common to rank on. An empty query is not "only stop words"."""
    analyser = analyser or default_analyser()
    langs = list(langs)
    words = list(words_folded)
    return bool(words) and all(
        any(is_stop(analyser.analyse(w, lang), lang) for lang in langs) for w in words
    )


@functools.cache
def stop_surfaces(lang: str | None) -> frozenset[str]:
    """`lang`'s stop words as folded words (not analysed)."""
    return frozenset(fold_word(w) for w in stop_word_list(lang))


def is_stop_word(word_folded: str, lang: str | None) -> bool:
    """True when a folded word as written is one of `lang`'s stop words. Stricter than
    `is_stop` on its term: `beings` and `wills` are content words though `being`, `will`
    are stop words."""
    return word_folded in stop_surfaces(lang)
