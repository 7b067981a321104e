"""The language of a source whose config has no `language:` key, detected from its text.

py3langid (langid.py's model, shipped inside the package: nothing is downloaded) measured
best here: see benchmarks/languages.py, "detection". A source's language is detected from a
sample of its passages joined together (short passages alone mislead a detector); a passage's
own language is given only when it is long enough and its confidence high.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from py3langid.langid import MODEL_FILE, LanguageIdentifier

SAMPLE_PASSAGES = 60  # passages spread over a source, joined for its detection
SAMPLE_CHARS = 6_000  # at most this much text is classified per source
MIN_CONFIDENCE = 0.9  # below it a passage's detection is not trusted (None)
MIN_PASSAGE_CHARS = 40  # shorter passages are not detected on their own


@dataclass(frozen=True, slots=True)
class Detection:
    lang: str  # ISO 639-1
    confidence: float  # 0..1, normalised probability


@functools.cache
def _identifier(langs: tuple[str, ...] | None) -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if langs:
        identifier.set_languages(list(langs))
    return identifier


def detect_text(text: str, langs: Sequence[str] | None = None) -> Detection:
    """The language of `text` (optionally among `langs` only) and the detector's confidence."""
    lang, confidence = _identifier(tuple(sorted(langs)) if langs else None).classify(text)
    return Detection(str(lang), float(confidence))


def detect_passage(text: str, langs: Sequence[str] | None = None) -> str | None:
    """A passage's own language when it is long enough and detected confidently, else None."""
    if len(text) < MIN_PASSAGE_CHARS:
        return None
    found = detect_text(text, langs)
    return found.lang if found.confidence >= MIN_CONFIDENCE else None


def sample_passages(passages: Sequence[str], count: int = SAMPLE_PASSAGES) -> list[str]:
    """Up to `count` passages spread evenly over the source (not only its beginning)."""
    if len(passages) <= count:
        return list(passages)
    step = len(passages) / count
    return [passages[int(i * step)] for i in range(count)]


def load_detector() -> None:
    """Load the detector's model now (an xz-compressed 4.5 MB file: ~0.7-1 s, which a build
    overlaps with parsing; lzma releases the GIL while it decompresses)."""
    _identifier(None)


def detect_source(passages: Sequence[str], langs: Sequence[str] | None = None) -> Detection:
    """A source's language from a sample of its passages joined (at most SAMPLE_CHARS)."""
    text = "\n".join(sample_passages(passages))[:SAMPLE_CHARS]
    return detect_text(text, langs)
