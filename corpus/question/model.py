"""What a question was read as: the kind of lookup and its parts, as the user gave them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# quote: did X say …; who: who said …; when: when did X say …; topic: what did X say about …;
# date: what was said on …
QuestionKind = Literal["quote", "who", "when", "topic", "date"]
QUOTE_KINDS: frozenset[str] = frozenset({"quote", "who", "when"})


@dataclass(frozen=True, slots=True)
class Question:
    """A question read into one lookup. `quote` is the words to check exactly as typed (the
    question words around them never part of it); `speaker` the corpus's name for whom it
    asks about; `filters` the `/topic` and `/date` filters (`by:"Mark Rutte"`, `since:August`)."""

    kind: QuestionKind
    language: str  # whose phrasing matched: en, uk, ru, ar
    text: str  # the question as typed
    quote: str = ""  # quote kinds: the words to check
    quoted: bool = False  # they stood in quotation marks
    speaker: str | None = None  # the one corpus speaker the name means
    speaker_asked: str = ""  # the name as typed ('' none, or a pronoun: he, він, он)
    candidates: tuple[str, ...] = ()  # the corpus speakers the name may mean (several: ambiguous)
    speakers: tuple[str, ...] = ()  # `Rutte or Zelensky`: each name's corpus speaker
    topic: str = ""  # topic: the words to look for
    date: str = ""  # date: the day, month or range
    filters: tuple[str, ...] = ()  # the filters, as query syntax (a quote's: a date after it)

    @property
    def speaker_known(self) -> bool:
        """False when a name was given that no corpus speaker has."""
        return not self.speaker_asked or bool(self.candidates)

    @property
    def claim(self) -> str | None:
        """The speaker a quote check checks the words against: the corpus's name, the typed
        name when several speakers share it, None when no known speaker was named."""
        if self.speaker is not None:
            return self.speaker
        return self.speaker_asked if len(self.candidates) > 1 else None

    @property
    def command(self) -> str:
        """The lookup that answers it: quote, topic or date."""
        return "quote" if self.kind in QUOTE_KINDS else self.kind

    @property
    def args(self) -> str:
        """The lookup's input: the quote words, or the topic or date with its filters."""
        if self.kind in QUOTE_KINDS:
            return self.quote  # its filters go to the lookup apart (never into the words)
        first = self.topic if self.kind == "topic" else self.date
        return " ".join(part for part in (first, *self.filters) if part)
