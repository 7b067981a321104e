"""Which analysis each language gets: a Snowball stemmer, a lemmatiser, or folding only.

Snowball (PyStemmer) where it covers the language; simplemma's lemma for the languages it
lacks (notably Ukrainian: measured 96% recall / 100% precision on benchmarks/langsets.py
against 94% / 100% for pymorphy3 and 66% for Russian Snowball on Ukrainian, and 6x faster
than pymorphy3 uncached). Any other language is matched on folded words only.
"""

from __future__ import annotations

# ISO 639-1 code -> Snowball algorithm name (PyStemmer's `Stemmer.algorithms()`).
SNOWBALL: dict[str, str] = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "eo": "esperanto",
    "es": "spanish",
    "et": "estonian",
    "eu": "basque",
    "fa": "persian",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "st": "sesotho",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}

# Languages Snowball lacks and simplemma lemmatises from the data it ships.
LEMMATISED: frozenset[str] = frozenset({"uk", "bg", "mk", "sk", "sl", "hr", "bs", "lv", "is"})


def method_for(lang: str | None) -> str:
    """'snowball', 'lemma' or 'fold' (no morphology) for an ISO 639-1 code."""
    if lang in SNOWBALL:
        return "snowball"
    if lang in LEMMATISED:
        return "lemma"
    return "fold"


def normalise_code(code: str | None) -> str | None:
    """`en-GB`, `EN`, `uk_UA` -> `en`, `en`, `uk`; '' or None -> None."""
    if not code:
        return None
    return code.replace("_", "-").split("-", 1)[0].strip().lower() or None
