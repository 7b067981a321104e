"""Language analysis measurements (issue 12): `python -m benchmarks.languages [--quick]`.

1. Inflection recall/precision per language on benchmarks/langsets.py: for each lexeme,
   recall = its forms' occurrences whose term equals the query's term, precision = of all
   word occurrences with the query's term, those that are its forms (micro-averaged).
   Ukrainian candidates are compared (simplemma, pymorphy3 when installed, Russian Snowball).
2. Folding speed (ns/word, ASCII and not) and analysis speed with the per-process cache over a
   Zipf-distributed vocabulary (the index's case), and cold (µs/word, first sight).
3. Stop-word lists: content words wrongly stopped and function words caught, per package.
4. Detection accuracy and speed on the generated short paragraphs (py3langid; langdetect
   when installed).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable

from benchmarks.langsets import DETECT_SAMPLES, SETS, LangSet, make_passages
from corpus.analysis.fold import fold_word
from corpus.analysis.stemmers import Analyser

# A word with its combining marks (Latin accents, Arabic harakat: Mn, which \w misses).
_LETTER = "(?:[^\\W_]|[\u0300-\u036f\u064b-\u065f\u0670\u06d6-\u06ed])"
_WORD = re.compile(rf"{_LETTER}+(?:['’ʼ]{_LETTER}+)*")


def measure_inflections(langset: LangSet, term: Callable[[str], str]) -> dict[str, object]:
    """Micro recall/precision over the set and the lexemes that miss."""
    words = [fold_word(w) for p in make_passages(langset) for w in _WORD.findall(p)]
    terms = [term(w) for w in words]
    hits = occurrences = matched = 0
    misses: list[str] = []
    for lexeme in langset.lexemes:
        query = term(fold_word(lexeme.query))
        forms = {fold_word(f) for f in lexeme.forms}
        occ = [i for i, w in enumerate(words) if w in forms]
        hit = sum(1 for i in occ if terms[i] == query)
        found = sum(1 for t in terms if t == query)
        hits, occurrences, matched = hits + hit, occurrences + len(occ), matched + found
        if hit < len(occ) or found > hit:
            misses.append(f"{lexeme.query} {hit}/{len(occ)} (matched {found})")
    return {
        "recall": hits / occurrences,
        "precision": hits / matched if matched else 0.0,
        "lexemes": len(langset.lexemes),
        "misses": misses,
    }


def _ukrainian_candidates() -> dict[str, Callable[[str], str]]:
    import Stemmer

    analyser = Analyser()
    candidates: dict[str, Callable[[str], str]] = {
        "simplemma (chosen)": lambda w: analyser.analyse(w, "uk")
    }
    try:
        pymorphy3 = importlib.import_module("pymorphy3")
        morph = pymorphy3.MorphAnalyzer(lang="uk")
        candidates["pymorphy3+dicts-uk"] = lambda w: fold_word(morph.parse(w)[0].normal_form)
    except (ImportError, ValueError):
        print("  (pymorphy3 / pymorphy3-dicts-uk not installed: skipped)")
    candidates["snowball-russian on uk"] = Stemmer.Stemmer("russian").stemWord
    return candidates


def _analyse_with(analyser: Analyser, lang: str, word: str) -> str:
    return analyser.analyse(word, lang)


def report_inflections() -> None:
    print("== inflections: recall / precision (target >= 0.90 / 0.90)")
    for lang, langset in SETS.items():
        analyser = Analyser()
        candidates = (
            _ukrainian_candidates()
            if lang == "uk"
            else {"analyser": functools.partial(_analyse_with, analyser, lang)}
        )
        for name, term in candidates.items():
            r = measure_inflections(langset, term)
            print(
                f"  {lang} {name:24} recall {r['recall']:.3f} precision {r['precision']:.3f}"
                f" over {r['lexemes']} words; misses: {r['misses'] or 'none'}"
            )


def _zipf_stream(vocabulary: list[str], count: int, seed: int = 1) -> list[str]:
    weights = [1.0 / (rank + 1) for rank in range(len(vocabulary))]
    return random.Random(seed).choices(vocabulary, weights=weights, k=count)


def _vocabulary(lang: str, size: int) -> list[str]:
    """Distinct plausible words: the set's forms and template words crossed with endings."""
    langset = SETS[lang]
    base = sorted({w for p in make_passages(langset) for w in _WORD.findall(p)})
    endings = {"uk": ("", "ам", "ами", "ові", "ою", "ів"), "en": ("", "s", "ed", "ing", "er")}
    words = [b + e for b in base for e in endings.get(lang, ("",))]
    words += [f"{b}{i}" for i in range(size // max(len(base), 1) + 1) for b in base]
    return words[:size]


def report_speed(words_count: int) -> None:
    print("== speed")
    for sample in ("government", "Шольцом", "Borodinó", "عَلَى"):
        n = 100_000
        start = time.perf_counter()
        for _ in range(n):
            fold_word(sample)
        print(f"  fold_word({sample!r}): {1e9 * (time.perf_counter() - start) / n:.0f} ns/word")
    for lang in ("en", "uk", "ru"):
        vocabulary = _vocabulary(lang, 50_000)
        stream = [fold_word(w) for w in _zipf_stream(vocabulary, words_count)]
        analyser = Analyser()
        start = time.perf_counter()
        analyser.analyse_all(stream, lang)  # cold: first sight of every distinct word
        cold = time.perf_counter() - start
        start = time.perf_counter()
        analyser.analyse_all(stream, lang)  # warm: the index's steady state
        warm = time.perf_counter() - start
        distinct = len(set(stream))
        print(
            f"  {lang}: {words_count} Zipf words ({distinct} distinct): first pass"
            f" {1e6 * cold / words_count:.2f} µs/word, cached {1e9 * warm / words_count:.0f}"
            f" ns/word = {words_count / warm / 1e6:.1f} M terms/s"
        )
    for lang in ("en", "uk"):
        code = (
            "import resource, time; t = time.perf_counter(); "
            "from corpus.analysis.stemmers import Analyser; "
            f"Analyser().analyse('word', {lang!r}); "
            "print(round(1e3 * (time.perf_counter() - t)), "
            "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        ms, mb = out.stdout.split()
        print(f"  {lang}: import + first analysis in a new process {ms} ms, max RSS {mb} MB")


_CONTENT = {
    "en": "news new war president people year peace work help country world government state "
    "time day great first last long important sanctions missiles talks",
    "uk": "мир народ люди рік день світ держава важливий новий перший робота допомога країна "
    "час війна місто президент",
    "ru": "мир народ люди год день государство важный новый первый работа помощь страна "
    "время война город президент",
}
_FUNCTION = {
    "en": "the of and to in a is that for it as with was on be by we this at from have not",
    "uk": "і в на з що не до та як це він вона ми ви вони але або для про від у за його так",
    "ru": "и в на с что не до как это он она мы вы они но или для про от у за его их так",
}


def report_stop_words() -> None:
    import stop_words
    import stopwordsiso

    from corpus.analysis.stopwords import stop_word_list

    print("== stop words: content words wrongly stopped / function words caught")
    for lang in ("en", "uk", "ru"):
        lists = {
            "chosen": stop_word_list(lang),
            "stopwordsiso": frozenset(stopwordsiso.stopwords(lang)),
            "stop-words": frozenset(stop_words.get_stop_words(lang)),
        }
        content, function = _CONTENT[lang].split(), _FUNCTION[lang].split()
        for name, words in lists.items():
            wrong = [w for w in content if w in words]
            caught = sum(w in words for w in function)
            print(
                f"  {lang} {name:13} {len(words):5} words: stops {len(wrong)}/{len(content)}"
                f" content {wrong[:6]}, catches {caught}/{len(function)} function words"
            )


def report_detection() -> None:
    from corpus.analysis.detect import detect_source, detect_text

    print("== detection (generated short paragraphs)")
    samples = [(lang, text) for lang, texts in DETECT_SAMPLES.items() for text in texts]
    detect_text("warm up")
    start = time.perf_counter()
    right = sum(detect_text(text).lang == lang for lang, text in samples)
    spent = time.perf_counter() - start
    print(
        f"  py3langid per paragraph: {right}/{len(samples)} right,"
        f" {1e3 * spent / len(samples):.2f} ms each"
    )
    right = sum(detect_source(texts).lang == lang for lang, texts in DETECT_SAMPLES.items())
    print(f"  py3langid per source (sample joined): {right}/{len(DETECT_SAMPLES)} right")
    try:
        langdetect = importlib.import_module("langdetect")
    except ImportError:
        print("  (langdetect not installed: skipped)")
        return
    langdetect.DetectorFactory.seed = 0
    start = time.perf_counter()
    right = sum(langdetect.detect(text) == lang for lang, text in samples)
    spent = time.perf_counter() - start
    print(
        f"  langdetect per paragraph: {right}/{len(samples)} right,"
        f" {1e3 * spent / len(samples):.2f} ms each"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a smaller speed stream")
    args = parser.parse_args(argv)
    report_inflections()
    report_speed(200_000 if args.quick else 2_000_000)
    report_stop_words()
    report_detection()
    return 0


if __name__ == "__main__":
    sys.exit(main())
