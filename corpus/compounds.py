"""Compounds written apart or together: `cease fire` <-> `ceasefire`, `cease-fire`.

`propose_compounds` offers, for a query's words, the joined and split spellings the corpus
vocabulary knows, so a search can OR them in without any configuration.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

MIN_PART = 3  # `a lot` -> `alot` is no compound worth proposing; nor `to day` from `today`
MAX_VARIANTS = 8


@dataclass(frozen=True, slots=True)
class CompoundVariant:
    """Query words `start:end` may also be written as `words` (one word, or a phrase)."""

    start: int
    end: int
    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


def propose_compounds(
    words: Sequence[str],
    known: Callable[[str], bool],
    *,
    min_part: int = MIN_PART,
    limit: int = MAX_VARIANTS,
) -> tuple[CompoundVariant, ...]:
    """Joined and split spellings of `words` that `known` (the vocabulary test, given lower
    case) accepts: two neighbours joined (`cease fire` -> `ceasefire`), a hyphenated word
    joined or split (`cease-fire`), one word split into two known words (`ceasefire` ->
    `cease fire`, most even cut first). Joins come first; at most `limit` variants."""
    lowered = [w.lower() for w in words]
    found: list[CompoundVariant] = []
    seen: set[tuple[int, int, tuple[str, ...]]] = set()

    def offer(start: int, end: int, variant: tuple[str, ...]) -> None:
        key = (start, end, variant)
        if variant != tuple(lowered[start:end]) and key not in seen:
            seen.add(key)
            found.append(CompoundVariant(start, end, variant))

    for i in range(len(lowered) - 1):
        left, right = lowered[i], lowered[i + 1]
        plain = left.isalpha() and right.isalpha()
        if plain and min(len(left), len(right)) >= min_part and known(left + right):
            offer(i, i + 2, (left + right,))
    for i, word in enumerate(lowered):
        pieces = [p for p in word.split("-") if p]
        if len(pieces) > 1:
            if known("".join(pieces)):
                offer(i, i + 1, ("".join(pieces),))
            if all(known(p) for p in pieces):
                offer(i, i + 1, tuple(pieces))
    for i, word in enumerate(lowered):
        if not word.isalpha() or len(word) < 2 * min_part:
            continue
        cuts = sorted(
            range(min_part, len(word) - min_part + 1), key=lambda c: abs(len(word) - 2 * c)
        )
        for cut in cuts:
            if known(word[:cut]) and known(word[cut:]):
                offer(i, i + 1, (word[:cut], word[cut:]))
    return tuple(found[:limit])
