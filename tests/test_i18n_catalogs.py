"""The translation catalogs are complete and current (issue 12).

- every msgid the code marks (re-extracted here with pybabel's keywords) is in the template
  and in every language's .po, and nothing stale is left there;
- every message has a translation, none fuzzy, with the same `{placeholders}` and HTML tags
  (a translation that dropped `{query}` or a `<b>` would break a reply);
- each committed .mo is what compiling its .po gives (so a .po edit without `pybabel
  compile` is caught), and setuptools ships the .mo files.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import re
import string
import tomllib
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from conftest import ROOT

from bot.i18n import DOMAIN, ENGLISH, LOCALE_DIR, languages, translator
from corpus.model import PassageDate

# The keywords of `pybabel extract` (README: "Adding a language").
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "count": (1, 2)}
TAG_RE = re.compile(r"</?[a-z]+[^>]*>")
PO_FILES = sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def key(msgid: str | tuple[str, ...] | list[str]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def extracted() -> set[str]:
    found = extract_from_dir(
        ROOT, method_map=[("bot/*.py", "python")], keywords=KEYWORDS, comment_tags=()
    )
    return {key(message) for _file, _line, message, _comments, _context in found}


def catalog_ids(path: Path) -> set[str]:
    with path.open("rb") as f:
        return {key(m.id) for m in read_po(f) if m.id}


def fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_there_is_a_ukrainian_catalog() -> None:
    assert "uk" in languages()
    assert [p.parent.parent.name for p in PO_FILES] == [lang for lang in languages()[1:]]


def test_the_template_holds_exactly_the_strings_the_code_marks() -> None:
    code = extracted()
    assert len(code) > 100
    template = catalog_ids(LOCALE_DIR / f"{DOMAIN}.pot")
    assert sorted(code - template) == [], "new strings: run pybabel extract and update"
    assert sorted(template - code) == [], "stale strings in the template: re-extract"


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: p.parent.parent.name)
def test_every_string_is_translated(po: Path) -> None:
    code = extracted()
    with po.open("rb") as f:
        catalog = read_po(f)
    ids = {key(m.id) for m in catalog if m.id}
    assert sorted(code - ids) == [], f"untranslated: run pybabel update and translate {po}"
    assert sorted(ids - code) == [], f"obsolete messages left in {po}"
    assert catalog.num_plurals >= 2
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, f"fuzzy: {message.id!r}"
        originals = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert len(strings) == (1 if isinstance(message.id, str) else catalog.num_plurals)
        for translated in strings:
            assert translated, f"untranslated: {message.id!r}"
            assert fields(translated) <= fields(originals[-1]), (message.id, translated)
            assert sorted(TAG_RE.findall(translated)) == sorted(TAG_RE.findall(originals[0])), (
                message.id,
                translated,
            )


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: p.parent.parent.name)
def test_the_compiled_catalog_is_current(po: Path) -> None:
    with po.open("rb") as f:
        catalog = read_po(f)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    fresh = gettext.GNUTranslations(buffer)
    with po.with_suffix(".mo").open("rb") as f:
        shipped = gettext.GNUTranslations(f)
    assert shipped._catalog == fresh._catalog, f"run pybabel compile for {po}"  # type: ignore[attr-defined]


def test_setuptools_ships_the_compiled_catalogs() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["bot"]
    shipped = {p for pattern in patterns for p in (ROOT / "bot").glob(pattern)}
    for po in PO_FILES:
        assert po.with_suffix(".mo") in shipped


def test_translator_choice_dates_and_plurals() -> None:
    for code in ("uk", "uk-UA", "UK", "uk_UA"):
        assert translator(code).lang == "uk"
    for code in (None, "", "en", "en-GB", "ja", "xx", "../../etc", "u k"):
        assert translator(code) is ENGLISH
    uk = translator("uk")
    assert uk.date(PassageDate(2025, 8, 28)) == "28 серпня 2025"
    assert uk.date(PassageDate(2025, 8)) == "серп. 2025"
    assert uk.date(PassageDate(2025)) == "2025"
    assert uk.day(dt.date(2025, 3, 1)) == "1 березня 2025"
    assert ENGLISH.date(PassageDate(2025, 8, 28)) == "28 Aug 2025"  # as before i18n
    forms = {n: uk.count("{n} passage", "{n} passages", n) for n in (1, 3, 5, 11, 21, 22)}
    assert forms == {
        1: "1 уривок",
        3: "3 уривки",
        5: "5 уривків",
        11: "11 уривків",
        21: "21 уривок",
        22: "22 уривки",
    }
    assert [ENGLISH.count("{n} passage", "{n} passages", n) for n in (1, 2)] == [
        "1 passage",
        "2 passages",
    ]


def test_date_restatements_follow_the_users_language() -> None:
    """/date restates what it understood in the asker's language; English stays the core's."""
    import datetime as dt

    from bot.i18n import ENGLISH, translator
    from corpus.lookup.date_query import parse_date_query

    today = dt.date(2026, 12, 2)
    uk = translator("uk")
    cases = {
        "Aug 28": ("28 Aug", "28 серпня"),
        "28.08.2025": ("28 Aug 2025", "28 серпня 2025"),
        "August 2025": ("Aug 2025", "серпень 2025"),
        "Aug 9 - Aug 17": ("9–17 Aug", "9 серпня – 17 серпня"),
        "28 серпня": ("28 Aug", "28 серпня"),
    }
    for text, (english, ukrainian) in cases.items():
        query = parse_date_query(text, today=today)
        assert ENGLISH.date_label(query) == english
        assert uk.date_label(query) == ukrainian
