"""The bot's own words in its user's language: gettext catalogs, Babel dates and plurals.

Catalogs live in `bot/locale/<lang>/LC_MESSAGES/corpusbot.mo` (compiled from the `.po` next to
it, both committed; `tests/test_i18n_catalogs.py` checks they are current). English is the
source language: its translator returns the msgids unchanged, so English replies are exactly
the strings in the code. A user's language comes from Telegram's `language_code` (`uk`,
`uk-UA`, `en-GB`); a language with no catalog gets English. The quoted words are never passed
through here: only the bot's own texts are.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import re
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date

from corpus.analysis.languages import normalise_code
from corpus.model import MONTH_ABBR, DateQuery, PassageDate

DOMAIN = "corpusbot"
LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"
LANG_RE = re.compile(r"[a-z]{2,3}")  # what may name a catalog directory


def N_(message: str) -> str:
    """Marks a constant for extraction (`pybabel extract` keyword); translated where used."""
    return message


@dataclass(frozen=True, slots=True)
class Translator:
    """One language's `gettext`/`ngettext` and dates. `lang` is the catalog's code."""

    lang: str
    catalog: gettext.NullTranslations

    def _(self, message: str) -> str:
        """The message in this language (the English msgid when not translated)."""
        return self.catalog.gettext(message) if message else message

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The form for `count` (Ukrainian has three); `{n}` in it is left to the caller."""
        return self.catalog.ngettext(singular, plural, count)

    def count(self, singular: str, plural: str, count: int) -> str:
        """`ngettext` with `{n}` filled: `tr.count("{n} passage", "{n} passages", 3)`."""
        return self.catalog.ngettext(singular, plural, count).format(n=count)

    def day(self, day: dt.date) -> str:
        """A calendar day: `28 Aug 2025` in English (as always), `28 серпня 2025` in Ukrainian."""
        return self.date(PassageDate(day.year, day.month, day.day))

    def day_month(self, day: dt.date) -> str:
        """A day without its year: `18 Aug` in English, `18 серпня` in Ukrainian."""
        if self.lang == SOURCE_LANGUAGE:
            return f"{day.day} {MONTH_ABBR[day.month - 1]}"
        return babel_format_date(day, "d MMMM", locale=self.lang)

    def date(self, date: PassageDate) -> str:
        """A date at its precision: `28 Aug 2025`, `Aug 2025`, `2025` in English;
        through Babel (CLDR) elsewhere: `28 серпня 2025`, `серп. 2025`, `2025`."""
        if self.lang == SOURCE_LANGUAGE or date.month is None:
            return date.human()
        day = dt.date(date.year, date.month, date.day or 1)
        pattern = "d MMMM y" if date.day is not None else "LLL y"
        return babel_format_date(day, pattern, locale=self.lang)

    def date_label(self, query: DateQuery) -> str:
        """How the bot restates a /date query: the core's English label (`28 Aug`,
        `9-17 Aug 2025`), or the same days through Babel (`28 серпня`, `9 серпня – 17 серпня
        2025`). Open ranges keep the core's words, which name their bound in English."""
        if self.lang == SOURCE_LANGUAGE or query.open_start or query.open_end:
            return query.label
        year = " y" if query.year_given else ""
        if query.precision == "year":
            return str(query.first.year)
        if query.precision == "month" and query.first.month == query.last.month:
            return babel_format_date(query.first, f"LLLL{year}", locale=self.lang)
        day = f"d MMMM{year}"
        first = babel_format_date(query.first, day, locale=self.lang)
        if query.first == query.last:
            return first
        last = babel_format_date(query.last, day, locale=self.lang)
        return f"{first} – {last}"


ENGLISH = Translator(SOURCE_LANGUAGE, gettext.NullTranslations())


def languages() -> tuple[str, ...]:
    """The languages the bot speaks: English and every compiled catalog."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return (SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE))


@functools.lru_cache(maxsize=64)
def translator(language_code: str | None) -> Translator:
    """The translator for a Telegram `language_code`; English when there is no catalog."""
    lang = normalise_code(language_code)
    if not lang or lang == SOURCE_LANGUAGE or not LANG_RE.fullmatch(lang):
        return ENGLISH
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not path.is_file():
        return ENGLISH
    try:
        Locale.parse(lang)
    except (ValueError, UnknownLocaleError):
        return ENGLISH  # a catalog Babel has no CLDR data for: its dates would fail
    with path.open("rb") as f:
        return Translator(lang, gettext.GNUTranslations(f))
