"""/topic over a generated multilingual corpus, end to end (issue 12):

    .venv/bin/python -m benchmarks.topic_languages [--scale N]

One corpus holds a plain-text source per language of benchmarks/langsets.py (uk, ru, en, ar;
no `language:` key, so each is detected at build). Every lexeme's dictionary form is asked
through `Library.find_topic`; within its own language's source:
- recall: of the passages holding one of its inflected forms, those found;
- precision: of the passages found, those holding one of its forms (a look-alike distractor
  found, or another lexeme's form, counts against it).
Hits in the other languages' sources are counted apart (a name like `Шольц` rightly finds
Russian and Ukrainian passages alike). Then the build rate: the corpus repeated `--scale`
times, built with language analysis. Nothing here is anyone's statement (generated text).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.langsets import SETS, LangSet, make_passages
from corpus.analysis.fold import fold_word
from corpus.errors import QueryError
from corpus.library import Library
from corpus.model import SourceSpec

# A word with its combining marks (Arabic harakat are Mn, which \w misses).
_WORD = re.compile("(?:[^\\W_]|[\u0300-\u036f\u064b-\u065f\u0670\u06d6-\u06ed])+")


@dataclass(frozen=True, slots=True)
class LangScore:
    lang: str
    detected: str | None
    lexemes: int
    recall: float
    precision: float
    other_languages: int  # hits in other languages' sources (not counted either way)
    misses: tuple[str, ...]
    refused: tuple[str, ...]  # stop words: answered "too common", not scored


def write_sources(
    folder: Path, langs: tuple[str, ...] = tuple(SETS), scale: int = 1
) -> list[SourceSpec]:
    """One plain source per language set (passages as paragraphs), repeated `scale` times."""
    specs = []
    for lang in langs:
        passages = make_passages(SETS[lang]) * scale
        path = folder / f"generated-{lang}.txt"
        path.write_text("\n\n".join(passages) + "\n", encoding="utf-8")
        specs.append(SourceSpec(path=path, format="plain", speaker=f"Speaker {lang}"))
    return specs


def _holds(text: str, forms: set[str]) -> bool:
    return any(fold_word(w) in forms for w in _WORD.findall(text))


async def score_language(library: Library, langset: LangSet, source: str) -> LangScore:
    """Recall and precision of /topic for each lexeme of `langset` over its source."""
    passages = set(make_passages(langset))  # each passage once (the source holds them so)
    found_total = relevant_total = right_total = others = 0
    misses: list[str] = []
    refused: list[str] = []
    for lexeme in langset.lexemes:
        forms = {fold_word(f) for f in lexeme.forms}
        relevant = {text for text in passages if _holds(text, forms)}
        try:
            result = await library.find_topic(lexeme.query, limit=10_000)
        except QueryError:  # a stop word in a language of the corpus: refused, not scored
            refused.append(lexeme.query)
            continue
        found = {h.passage.text for h in result.hits if h.passage.source == source}
        others += sum(1 for h in result.hits if h.passage.source != source)
        right = len(found & relevant)
        found_total, relevant_total, right_total = (
            found_total + len(found),
            relevant_total + len(relevant),
            right_total + right,
        )
        if right < len(relevant) or len(found) > right:
            misses.append(f"{lexeme.query} {right}/{len(relevant)} (found {len(found)})")
    info = next(i for i in await library.sources() if i.name == source)
    return LangScore(
        langset.lang,
        info.language,
        len(langset.lexemes) - len(refused),
        right_total / relevant_total if relevant_total else 0.0,
        right_total / found_total if found_total else 0.0,
        others,
        tuple(misses),
        tuple(refused),
    )


async def measure(folder: Path, langs: tuple[str, ...] = tuple(SETS)) -> list[LangScore]:
    """Build the multilingual corpus under `folder` and score each language end to end."""
    specs = write_sources(folder, langs)
    library = await Library.open(specs, folder / "index.sqlite3", force=True)
    try:
        return [
            await score_language(library, SETS[lang], spec.name)
            for lang, spec in zip(langs, specs, strict=True)
        ]
    finally:
        await library.close()


async def build_rate(folder: Path, scale: int) -> tuple[int, float]:
    """Passages and seconds of a build of the corpus repeated `scale` times."""
    specs = write_sources(folder, scale=scale)
    started = time.perf_counter()
    library = await Library.open(specs, folder / "rate.sqlite3", force=True)
    seconds = time.perf_counter() - started
    passages = sum(i.passages for i in await library.sources())
    await library.close()
    return passages, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100, help="corpus copies for the build rate")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        scores = asyncio.run(measure(Path(tmp)))
        print("lang detected lexemes recall precision other-language-hits")
        for s in scores:
            print(
                f"{s.lang:4} {s.detected or '-':8} {s.lexemes:7} {s.recall:6.1%} "
                f"{s.precision:9.1%} {s.other_languages:6}"
            )
            if s.refused:
                print(f"     refused as too common: {' '.join(s.refused)}")
            for miss in s.misses:
                print(f"     {miss}")
        passages, seconds = asyncio.run(build_rate(Path(tmp), args.scale))
        print(f"build: {passages} passages in {seconds:.2f} s = {passages / seconds:,.0f}/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
