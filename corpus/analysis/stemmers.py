"""The analysis of one folded word in one language: its term, the same at index and query time.

`Analyser.analyse(word, lang)` gives the term (Snowball stem, simplemma lemma folded, or the
folded word itself) from a per-language dict cache, so the index pays a dict lookup for a word
it has seen (~50 ns) and the analysis (~1-15 µs) once per distinct word. English keeps
the British->American spelling table (english.py) before the Snowball English stemmer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

import Stemmer

from corpus.analysis.english import americanise
from corpus.analysis.fold import fold_word
from corpus.analysis.languages import SNOWBALL, method_for

_CACHE_LIMIT = 500_000  # distinct words per language before the cache is dropped and refilled


def _make_term_function(lang: str | None) -> Callable[[str], str]:
    method = method_for(lang)
    if method == "snowball":
        assert lang is not None
        stem = Stemmer.Stemmer(SNOWBALL[lang], 0).stemWord  # 0: our dict cache is the cache
        if lang == "en":
            return lambda word: stem(americanise(word))
        return stem
    if method == "lemma":
        assert lang is not None
        # simplemma costs ~100 ms to import and ~400 ms / 66 MB to load a language's data:
        # paid only when a corpus holds a lemmatised language (an English corpus never does).
        import simplemma

        code = lang
        return lambda word: fold_word(simplemma.lemmatize(word, lang=code)) or word
    return lambda word: word


def _make_batch_function(lang: str | None) -> Callable[[list[str]], list[str]] | None:
    """Many words' Snowball stems in one C call (no cache), or None for other methods."""
    if method_for(lang) != "snowball":
        return None
    assert lang is not None
    stem_words = Stemmer.Stemmer(SNOWBALL[lang], 0).stemWords
    if lang == "en":
        return lambda words: stem_words([americanise(w) for w in words])
    return stem_words


class Analyser:
    """Terms for folded words per language, with one cache per language (one per process)."""

    def __init__(self) -> None:
        self._functions: dict[str | None, Callable[[str], str]] = {}
        self._caches: dict[str | None, dict[str, str]] = {}
        self._batches: dict[str | None, Callable[[list[str]], list[str]] | None] = {}

    def _function(self, lang: str | None) -> Callable[[str], str]:
        function = self._functions.get(lang)
        if function is None:
            function = self._functions[lang] = _make_term_function(lang)
            self._caches[lang] = {}
        return function

    def analyse(self, word: str, lang: str | None) -> str:
        """The term of the folded `word` in `lang` (None or unknown: the word itself)."""
        cache = self._caches.get(lang)
        if cache is not None:
            term = cache.get(word)
            if term is not None:
                return term
        function = self._function(lang)
        cache = self._caches[lang]
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        term = word if word.isdigit() or len(word) < 2 else function(word) or word
        cache[word] = term
        return term

    def analyse_all(self, words: Iterable[str], lang: str | None) -> list[str]:
        """The terms of many folded words of one language (the index's loop)."""
        self._function(lang)
        cache = self._caches[lang]
        get = cache.get
        out: list[str] = []
        for word in words:
            term = get(word)
            out.append(term if term is not None else self.analyse(word, lang))
        return out

    def analyse_batch(self, words: list[str], lang: str | None) -> list[str]:
        """The terms of many folded words seen once (a typo's one-edit spellings): one C call
        for a Snowball language, uncached; the same terms `analyse` gives."""
        if lang not in self._batches:
            self._batches[lang] = _make_batch_function(lang)
        batch = self._batches[lang]
        if batch is None:
            return [self.analyse(w, lang) for w in words]
        stems = batch(words)
        return [
            w if w.isdigit() or len(w) < 2 else t or w for w, t in zip(words, stems, strict=True)
        ]

    def terms_for_query(self, word: str, langs: Iterable[str | None]) -> dict[str | None, str]:
        """The term of a folded query word in each language the corpus holds."""
        return {lang: self.analyse(word, lang) for lang in langs}


@functools.cache
def default_analyser() -> Analyser:
    """The process's shared analyser (its caches are what make the index fast)."""
    return Analyser()


def analyse(word_folded: str, lang: str | None) -> str:
    """The term of a folded word in `lang`, from the process's shared analyser."""
    return default_analyser().analyse(word_folded, lang)


def terms_for_query(word_folded: str, langs: Iterable[str | None]) -> dict[str | None, str]:
    """The term of a folded query word in each of `langs`."""
    return default_analyser().terms_for_query(word_folded, langs)
