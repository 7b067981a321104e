"""The query language researchers type into /topic, /quote and /date.

`parse_search_query` reads words, `"exact phrases"` (also “…”, „…“, «…»), `-word` and
`-"phrase"` exclusions, `OR` between words (also АБО, ИЛИ), and the filters `by:NAME`,
`in:SOURCE`, `since:DATE`, `until:DATE`, `after:DATE`, `before:DATE`, `date:DATE` (any form
/date reads; quote it or let it run over up to three words: `since:Aug 20`). It never raises
on user input: a query it cannot honour comes back as a `SyntaxProblem` with a polite message.
Matching the words is the lookups' business; this module only says what was asked.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Literal

from corpus.errors import QueryError
from corpus.lookup.date_query import DateOrder, parse_date_query
from corpus.model import DateQuery

MAX_QUERY_CHARS = 1000
MAX_DATE_WORDS = 3  # an unquoted date filter may run over this many words (`since:Aug 20 2025`)
OPEN_QUOTES = frozenset('"“„«”‟＂')
CLOSE_QUOTES = frozenset('"”“»‟＂')
MINUSES = frozenset("-−")
DASHES = frozenset("-−–—‒‐‑")
OR_WORDS = frozenset({"OR", "АБО", "ИЛИ"})
FilterKey = Literal["by", "in", "since", "until", "after", "before", "date"]
KEYS: dict[str, FilterKey] = {
    "by": "by",
    "speaker": "by",
    "in": "in",
    "source": "in",
    "since": "since",
    "from": "since",
    "until": "until",
    "till": "until",
    "after": "after",
    "before": "before",
    "date": "date",
    "on": "date",
}
KEY_RE = re.compile(r"(?i)(?P<key>" + "|".join(sorted(KEYS, key=len, reverse=True)) + r"):")
DATE_KEYS: frozenset[FilterKey] = frozenset({"since", "until", "after", "before", "date"})
EXAMPLE = {
    "by": 'by:Rutte or by:"Mark Rutte"',
    "in": 'in:rutte.txt or in:"Press conference"',
    "since": 'since:2025-08-20 or since:"Aug 20"',
    "until": 'until:2025-09-01 or until:"Sep 1"',
    "after": 'after:2025-08-20 or after:"Aug 20"',
    "before": 'before:2025-09-01 or before:"Sep 1"',
    "date": 'date:2025-08 or date:"Aug 9 - Aug 17"',
}


@dataclass(frozen=True, slots=True)
class SearchTerm:
    """A word, or an exact phrase (its words adjacent and in order), as the user typed it."""

    text: str
    phrase: bool = False


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """What a search asks for. Every word and phrase must match except inside an `any_of`
    group, where one is enough; no `excluded` term may; the filters narrow the passages."""

    text: str  # as typed
    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded: tuple[SearchTerm, ...] = ()
    any_of: tuple[tuple[SearchTerm, ...], ...] = ()  # `a OR b OR "c d"`: one group
    speakers: tuple[str, ...] = ()  # `by:` values as typed (any of them); see speaker_match
    sources: tuple[str, ...] = ()  # `in:` values as typed (any of them)
    dates: DateQuery | None = None  # the date filters combined into one range
    residual: str = ""  # the words and phrases without filters, exclusions and OR (for /quote)
    notes: tuple[str, ...] = ()  # what was read leniently (an unclosed quote), for the reply

    @property
    def has_filters(self) -> bool:
        return bool(self.speakers or self.sources or self.dates)

    @property
    def is_empty(self) -> bool:
        """Nothing to look for and nothing to narrow by."""
        return not (self.words or self.phrases or self.any_of or self.has_filters)


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """A query that cannot be honoured as typed; `message` is fit for the user."""

    text: str
    message: str


@dataclass(frozen=True, slots=True)
class _Token:
    kind: Literal["term", "or", "filter"]
    text: str
    phrase: bool = False
    negated: bool = False
    key: FilterKey | None = None
    following: tuple[str, ...] = ()  # a date filter: the words after it it may run over


class _Scanner:
    """Cuts the text into terms, phrases, filters and OR, leniently."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.notes: list[str] = []

    def tokens(self) -> list[_Token]:
        found: list[_Token] = []
        while (token := self.next()) is not None:
            found.append(token)
        return found

    def next(self) -> _Token | None:
        text = self.text
        while self.at < len(text) and text[self.at].isspace():
            self.at += 1
        if self.at >= len(text):
            return None
        negated = False
        if text[self.at] in MINUSES and self.at + 1 < len(text):
            after = text[self.at + 1]
            if not after.isspace() and after not in DASHES:
                negated = True
                self.at += 1
        if text[self.at] in OPEN_QUOTES:
            return _Token("term", self.quoted(), phrase=True, negated=negated)
        key = KEY_RE.match(text, self.at)
        if key:
            self.at = key.end()
            name = KEYS[key["key"].lower()]
            if self.at < len(text) and text[self.at] in OPEN_QUOTES:
                return _Token("filter", self.quoted(), phrase=True, negated=negated, key=name)
            value = self.run()
            return _Token("filter", value, negated=negated, key=name, following=self.peek_words())
        word = self.run()
        if word in OR_WORDS and not negated:
            return _Token("or", word)
        return _Token("term", word, negated=negated)

    def quoted(self) -> str:
        """The text up to the closing quote (any closing mark); to the end when unclosed."""
        start = self.at + 1
        end = start
        while end < len(self.text) and self.text[end] not in CLOSE_QUOTES:
            end += 1
        if end >= len(self.text):
            self.notes.append("A quote was left open; I closed it at the end.")
        self.at = end + 1
        return " ".join(self.text[start:end].split())

    def run(self) -> str:
        """Non-space characters up to the next space or opening quote."""
        start = self.at
        while (
            self.at < len(self.text)
            and not self.text[self.at].isspace()
            and (self.at == start or self.text[self.at] not in OPEN_QUOTES)
        ):
            self.at += 1
        return self.text[start : self.at]

    def peek_words(self) -> tuple[str, ...]:
        """The next few plain words (no filter, quote, minus or OR), not consumed."""
        words = self.text[self.at :].split(maxsplit=MAX_DATE_WORDS)[: MAX_DATE_WORDS - 1]
        kept: list[str] = []
        for word in words:
            if word[0] in OPEN_QUOTES or word[0] in MINUSES or KEY_RE.match(word):
                break
            if word in OR_WORDS or any(q in word for q in OPEN_QUOTES):
                break
            kept.append(word)
        return tuple(kept)

    def skip_words(self, count: int) -> None:
        for _ in range(count):
            while self.at < len(self.text) and self.text[self.at].isspace():
                self.at += 1
            self.run()


def parse_search_query(
    text: str, *, today: dt.date | None = None, date_order: DateOrder = "dmy"
) -> ParsedQuery | SyntaxProblem:
    """What a researcher's query asks for, or a `SyntaxProblem` saying politely why not."""
    if not isinstance(text, str):
        return SyntaxProblem("", "Sorry, I can only read text.")
    if len(text) > MAX_QUERY_CHARS:
        return SyntaxProblem(
            text, f"Sorry, that query is longer than {MAX_QUERY_CHARS} characters."
        )
    cleaned = "".join(c if c.isprintable() else " " for c in text)
    scanner = _Scanner(cleaned)
    tokens: list[_Token] = []
    while (token := scanner.next()) is not None:
        if token.kind == "filter" and token.key in DATE_KEYS and not token.phrase:
            token, used = _longest_date(token, today, date_order)
            scanner.skip_words(used)
        tokens.append(token)
    terms: list[_Token] = []
    filters: dict[FilterKey, list[str]] = {}
    excluded: list[SearchTerm] = []
    for token in tokens:
        if token.kind == "filter":
            assert token.key is not None
            if token.negated:
                return SyntaxProblem(
                    text, f"Sorry, I can't exclude a filter (-{token.key}:); drop the minus."
                )
            value = token.text.strip()
            if token.key == "by":
                value = " ".join(value.replace("_", " ").split())
            if not value:
                return SyntaxProblem(
                    text,
                    f"Sorry, {token.key}: needs something after it, e.g. {EXAMPLE[token.key]}.",
                )
            filters.setdefault(token.key, []).append(value)
        elif token.kind == "or":
            terms.append(token)
        elif not any(c.isalnum() for c in token.text):
            continue  # a lone dash or stray punctuation asks for nothing
        elif token.negated:
            excluded.append(SearchTerm(token.text, token.phrase))
        else:
            terms.append(token)
    dates = _date_filter(text, filters, today, date_order)
    if isinstance(dates, SyntaxProblem):
        return dates
    groups = _or_groups(terms)
    words = tuple(g[0].text for g in groups if len(g) == 1 and not g[0].phrase)
    phrases = tuple(g[0].text for g in groups if len(g) == 1 and g[0].phrase)
    any_of = tuple(tuple(g) for g in groups if len(g) > 1)
    residual = " ".join(t.text for t in terms if t.kind == "term")
    return ParsedQuery(
        text=text,
        words=words,
        phrases=phrases,
        excluded=tuple(excluded),
        any_of=any_of,
        speakers=tuple(filters.get("by", ())),
        sources=tuple(filters.get("in", ())),
        dates=dates,
        residual=residual,
        notes=tuple(scanner.notes),
    )


def _longest_date(token: _Token, today: dt.date | None, order: DateOrder) -> tuple[_Token, int]:
    """An unquoted date filter takes the most following words that still read as a date
    (`since:Aug 20 drones` -> `Aug 20`); returns the token and how many words it took."""
    for used in range(len(token.following), 0, -1):
        value = " ".join((token.text, *token.following[:used]))
        try:
            parse_date_query(value, today=today, date_order=order)
        except QueryError:
            continue
        return replace(token, text=value, following=()), used
    return replace(token, following=()), 0


def _or_groups(tokens: list[_Token]) -> list[list[SearchTerm]]:
    """Terms joined by OR into groups; an OR with no term on one side is a plain word."""
    groups: list[list[SearchTerm]] = []
    joined = False
    for index, token in enumerate(tokens):
        if token.kind == "or":
            between = (
                0 < index < len(tokens) - 1
                and tokens[index - 1].kind == "term"
                and tokens[index + 1].kind == "term"
            )
            if between and groups and not joined:
                joined = True
                continue
            groups.append([SearchTerm(token.text)])
            joined = False
            continue
        term = SearchTerm(token.text, token.phrase)
        if joined:
            groups[-1].append(term)
        else:
            groups.append([term])
        joined = False
    return groups


def _date_filter(
    text: str,
    filters: dict[FilterKey, list[str]],
    today: dt.date | None,
    order: DateOrder,
) -> DateQuery | SyntaxProblem | None:
    """The date filters read with their word (`since:X` as `since X`) and intersected."""
    given = [(key, value) for key in ("since", "after", "until", "before", "date")
             for value in filters.get(key, [])]  # fmt: skip
    if not given:
        return None
    for key in ("since", "after", "until", "before", "date"):
        if len(filters.get(key, [])) > 1:
            return SyntaxProblem(text, f"Sorry, give {key}: only once.")
    read: list[tuple[str, str, DateQuery]] = []
    for key, value in given:
        phrase = value if key == "date" else f"{key} {value}"
        try:
            read.append((key, value, parse_date_query(phrase, today=today, date_order=order)))
        except QueryError:
            shown = value if value.isprintable() and len(value) <= 40 else "that"
            return SyntaxProblem(
                text,
                f"Sorry, I couldn't read “{shown}” after {key}: as a date. "
                f"Try e.g. {EXAMPLE[key]}, or {key}:yesterday.",
            )
    years = {q.first.year for _, _, q in read if q.year_given and not q.open_start}
    years |= {q.last.year for _, _, q in read if q.year_given and not q.open_end}
    if any(not q.year_given for _, _, q in read) and any(q.year_given for _, _, q in read):
        if len(years) != 1:
            return SyntaxProblem(text, "Sorry, give every date filter a year, or none.")
        year = years.pop()
        try:
            read = [
                (k, v, q if q.year_given else _with_year(k, v, year, today, order))
                for k, v, q in read
            ]
        except QueryError:
            return SyntaxProblem(text, "Sorry, give every date filter a year, or none.")
    queries = [q for _, _, q in read]
    if len(queries) == 1:
        return queries[0]
    first, last = max(q.first for q in queries), min(q.last for q in queries)
    if first > last:
        labels = " and ".join(q.label for q in queries)
        return SyntaxProblem(text, f"Sorry, no day is both {labels}.")
    precision = min((q.precision for q in queries), key=("day", "month", "year").index)
    return replace(
        queries[0],
        text=" ".join(f"{k}:{v}" for k, v, _ in read),
        first=first,
        last=last,
        precision=precision,
        label=", ".join(q.label for q in queries),
        open_start=all(q.open_start for q in queries),
        open_end=all(q.open_end for q in queries),
        relative=any(q.relative for q in queries),
        ambiguous=False,
        other_reading=None,
    )


def _with_year(
    key: str, value: str, year: int, today: dt.date | None, order: DateOrder
) -> DateQuery:
    phrase = f"{value} {year}" if key == "date" else f"{key} {value} {year}"
    return parse_date_query(phrase, today=today, date_order=order)
