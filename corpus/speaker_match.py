"""Which known speaker a researcher means by `by:rutte`, `by:Zelenskyy`, `by:зеленський`.

Tolerant of case, diacritics, surnames alone, spelling and transliteration (rapidfuzz), and
honest about doubt: no candidate, one, or several close ones for the user to choose from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

CUTOFF = 85.0  # below this similarity a name is not offered (Hryshchenko is no Hrytsenko: 80)
TIE = 5.0  # candidates within this many points of the best are offered beside it
MIN_FUZZY_CHARS = 4  # shorter queries must match a name part exactly or as a prefix
MIN_PREFIX_CHARS = 3
# Ukrainian and Russian letters to Latin (close to the Ukrainian national system), so a name
# typed in Cyrillic meets the corpus's Latin spelling; the fuzzy ratio absorbs the variants.
# Applied after NFKD has taken the marks off, so й, ї, ё arrive as и, і, е.
CYRILLIC = str.maketrans(
    {
        **dict(zip("абвгґдезиіклмнопрстуфыэ", "abvhgdezyiklmnoprstufye", strict=True)),
        **{"є": "ie", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh"},
        **{"щ": "shch", "ю": "iu", "я": "ia", "ь": "", "ъ": ""},
    }
)

# At a word's start the national system writes these with y: Єрмак -> Yermak, Юрій -> Yurii.
INITIAL = {"є": "ye", "ю": "yu", "я": "ya", "ї": "yi"}
WORD_START = re.compile(r"(?<![^\W\d_])[єюяї]")


@dataclass(frozen=True, slots=True)
class SpeakerCandidate:
    name: str  # as the corpus writes it
    score: float  # 0..100; 100 for an exact name or name part


@dataclass(frozen=True, slots=True)
class SpeakerMatch:
    """The speakers a `by:` value may mean, best first; empty when none is close."""

    query: str
    candidates: tuple[SpeakerCandidate, ...]

    @property
    def speaker(self) -> str | None:
        """The one speaker meant, when there is exactly one candidate."""
        return self.candidates[0].name if len(self.candidates) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


def fold_name(text: str) -> str:
    """Lower case, no diacritics, Cyrillic in Latin letters, punctuation as spaces."""
    text = WORD_START.sub(lambda found: INITIAL[found[0]], text.casefold())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).translate(CYRILLIC)
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def fold_names(speakers: Iterable[str]) -> dict[str, str]:
    """Each distinct name, sorted, with its `fold_name` (what `match_speaker` compares)."""
    return {name: fold_name(name) for name in sorted(set(speakers))}


def match_speaker(
    query: str,
    speakers: Iterable[str] | Mapping[str, str],
    *,
    cutoff: float = CUTOFF,
) -> SpeakerMatch:
    """The known `speakers` that `query` may name: an exact name wins; then names with a part
    equal to the query (`rutte`, `mark rutte`); then a part it begins (`zelen`); then the
    closest spellings (`zelenskiy`), the best and any within `TIE` points of it. `speakers`
    may be `fold_names`'s mapping, worked out once for many queries (a corpus's hundreds of
    names folded on every `by:` cost a millisecond)."""
    wanted = fold_name(query) if isinstance(query, str) else ""
    folded = speakers if isinstance(speakers, Mapping) else fold_names(speakers)
    names = sorted(folded)
    if not wanted or not names:
        return SpeakerMatch(query, ())
    exact = [name for name in names if folded[name] == wanted]
    if exact:
        return SpeakerMatch(query, tuple(SpeakerCandidate(n, 100.0) for n in exact))
    asked = wanted.split()
    parts = [n for n in names if set(asked) <= set(folded[n].split())]
    if parts:
        return SpeakerMatch(query, tuple(SpeakerCandidate(n, 100.0) for n in parts))
    if len(wanted) >= MIN_PREFIX_CHARS:
        begun = [n for n in names if any(p.startswith(wanted) for p in folded[n].split())]
        if begun:
            return SpeakerMatch(query, tuple(SpeakerCandidate(n, 95.0) for n in begun))
    if len(wanted) < MIN_FUZZY_CHARS:
        return SpeakerMatch(query, ())
    scored = []
    for name in names:
        full = folded[name]
        score = max(
            fuzz.ratio(wanted, full),
            fuzz.token_sort_ratio(wanted, full),
            *(fuzz.ratio(wanted, part) for part in full.split()),
        )
        if score >= cutoff:
            scored.append(SpeakerCandidate(name, round(score, 1)))
    scored.sort(key=lambda c: (-c.score, c.name))
    if not scored:
        return SpeakerMatch(query, ())
    best = scored[0].score
    return SpeakerMatch(query, tuple(c for c in scored if c.score >= best - TIE))
