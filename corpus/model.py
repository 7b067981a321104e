"""The corpus vocabulary: sources, passages, dates and lookup results (frozen dataclasses).

Every `Passage.text` equals `source_text[start:end]` where `source_text` is the source file
decoded (UTF-8, or UTF-16 by its BOM) with no newline translation; for a structured source
(`record` set) it equals `ParsedSource.records[record][start:end]`, a slice of the record's
decoded text field. Nothing here knows about Telegram.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

SourceFormat = Literal[
    "thread_dump", "article", "plain", "telegram", "x_archive", "table", "transcript",
    "telegram_html",
]  # fmt: skip
SOURCE_FORMATS: tuple[str, ...] = ("thread_dump", "article", "plain")
# Read by corpus/parse (phase A of issue 10); the config accepts them once the index stores
# `url`/`record` and checks structured passages against their records (phase B).
READER_FORMATS: tuple[str, ...] = ("telegram", "x_archive", "table", "transcript")
READER_FORMATS += ("telegram_html",)
STRUCTURED_FORMATS: tuple[str, ...] = ("telegram", "x_archive", "table")
STRUCTURED_FORMATS += ("telegram_html",)
# formats whose `path:` may be a folder of files (`corpus.parse.source_files`)
FOLDER_FORMATS: tuple[str, ...] = ("telegram_html", "x_archive")
TABLE_FORMATS: tuple[str, ...] = ("csv", "tsv", "jsonl", "json", "xlsx", "ods")

# tweet: one line of a thread dump; paragraph: article/plain narration in the source's voice;
# statement: a paragraph the config marks as a named person's embedded statement;
# quote: an explicit quotation inside a paragraph, attributed to the person it names;
# post: a paragraph of one record of a structured source (message, tweet, table row).
PassageKind = Literal["tweet", "paragraph", "statement", "quote", "post"]

DatePrecision = Literal["day", "month", "year"]

# How an article or plain source is cut into paragraphs: `auto` (by blank lines when the file
# has any, else by lines), `lines` (each non-blank line), `blank_lines` (blocks between blank
# lines). The config's older spellings `line` and `blank` map to these (`PARAGRAPH_ALIASES`).
ParagraphMode = Literal["auto", "lines", "blank_lines"]
PARAGRAPH_MODES: tuple[str, ...] = ("auto", "lines", "blank_lines")
PARAGRAPH_ALIASES: dict[str, ParagraphMode] = {"line": "lines", "blank": "blank_lines"}

# A passage id: 10 letters of the lower-case RFC 4648 base32 alphabet (`corpus.parse.common.
# passage_id` makes them); short enough for callback data and deep links. The one definition.
PASSAGE_ID_RE = re.compile(r"[a-z2-7]{10}")

MONTH_NAMES: tuple[str, ...] = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MONTH_ABBR: tuple[str, ...] = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


@dataclass(frozen=True, slots=True)
class EmbeddedSpec:
    """Config: 1-based source lines that hold a named person's statement (article format)."""

    lines: tuple[int, ...]
    speaker: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class TableColumns:
    """Config `columns:` of a table source: the field that holds each piece (only text)."""

    text: str
    date: str | None = None
    id: str | None = None
    speaker: str | None = None
    url: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One configured source file, as validated from the YAML config."""

    path: Path
    format: SourceFormat
    speaker: str
    year: int | None = None  # thread_dump: year of the newest (first) header
    title: str | None = None
    url: str | None = None
    date: PassageDate | None = None  # plain/article: a known date for the whole source
    embedded: tuple[EmbeddedSpec, ...] = ()
    paragraphs: ParagraphMode = "auto"  # plain/article: the paragraph rule
    link: str | None = None  # per-record link template with `{id}` (telegram, x_archive, table)
    columns: TableColumns | None = None  # table: which field is which
    table_format: str | None = None  # table: one of TABLE_FORMATS (else by the extension)
    date_format: str | None = None  # table: strptime format for dates not in a common form
    language: str | None = None  # ISO 639-1 (`language:`); None: detected when indexing
    sheet: str | None = None  # table (xlsx): the sheet's name or 1-based number; None: the first

    @property
    def name(self) -> str:
        """The file name, which identifies the source in results and ids."""
        return self.path.name


@dataclass(frozen=True, slots=True, order=True)
class PassageDate:
    """A date with its real precision. `year_inferred` marks a year the parser deduced."""

    year: int
    month: int | None = None
    day: int | None = None
    year_inferred: bool = False
    # The wall-clock time, when the source gives one (day precision only), and its offset
    # from UTC in minutes (None: the source does not say which zone). Equality and order
    # stay by calendar date, so a dated lookup and the date columns do not change.
    time: dt.time | None = field(default=None, compare=False)
    utc_offset: int | None = field(default=None, compare=False)

    @property
    def precision(self) -> DatePrecision:
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    def as_date(self) -> dt.date | None:
        """The calendar day, only when the precision is a day."""
        if self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day)

    def iso(self) -> str | None:
        """`YYYY-MM-DD` for day precision, else None (never pretend to a precision we lack)."""
        day = self.as_date()
        return day.isoformat() if day else None

    def human(self) -> str:
        """`4 Sep 2025`, `Sep 2025`, `2025`; the caller adds `year inferred` when flagged."""
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{MONTH_ABBR[self.month - 1]} {self.year}"
        return f"{self.day} {MONTH_ABBR[self.month - 1]} {self.year}"

    def human_time(self) -> str | None:
        """`20:19 UTC`, `10:30 UTC+02:00`, `10:30` (zone unknown), or None without a time."""
        if self.time is None:
            return None
        clock = self.time.strftime("%H:%M")
        if self.utc_offset is None:
            return clock
        if self.utc_offset == 0:
            return f"{clock} UTC"
        sign = "+" if self.utc_offset > 0 else "-"
        hours, minutes = divmod(abs(self.utc_offset), 60)
        return f"{clock} UTC{sign}{hours:02d}:{minutes:02d}"

    def iso_datetime(self) -> str | None:
        """`2018-10-10T20:19:24+00:00` (no offset when the zone is unknown), else None."""
        day = self.as_date()
        if day is None or self.time is None:
            return None
        zone = None
        if self.utc_offset is not None:
            zone = dt.timezone(dt.timedelta(minutes=self.utc_offset))
        return dt.datetime.combine(day, self.time, zone).isoformat()


@dataclass(frozen=True, slots=True)
class ThreadRef:
    """Where a tweet sits: its thread (by header) and its place among the tweets shown."""

    number: int  # 1-based thread number in the source, in file order
    header_line: int  # 1-based line of the `Mon D • N tweets • M min read` header
    tweet_count: int  # N from the header
    read_minutes: int  # M from the header
    position: int  # 1-based place of this tweet in the thread
    shown: int  # how many of the thread's tweets the dump holds

    def human(self) -> str:
        return f"tweet {self.position} of {self.tweet_count}; {self.shown} shown"


@dataclass(frozen=True, slots=True)
class Passage:
    """An exact slice of a source with its attribution."""

    id: str  # stable short id matching PASSAGE_ID_RE (fits callback_data and deep links)
    source: str  # the source file name
    start: int  # offsets into source_text, in str (code point) units
    end: int
    text: str  # == source_text[start:end]
    line: int  # 1-based line of `start`
    speaker: str
    kind: PassageKind
    date: PassageDate | None = None  # None: unknown
    thread: ThreadRef | None = None
    paragraph: int | None = None  # 1-based paragraph number (article/plain)
    parent_id: str | None = None  # quote spans: the paragraph that holds them
    note: str | None = None  # e.g. "statement on X", "above the first thread header"
    seq: int = 0  # corpus order (0-based, over all sources in config order)
    url: str | None = None  # the post's permalink (telegram, x_archive, table), when known
    # structured sources: the record's key in `ParsedSource.records` (message id, tweet id,
    # row number); `start`/`end` are then offsets into that record's decoded text and `line`
    # is the line where the record begins. None for the text formats.
    record: str | None = None
    # an article quote credited to the person its sentence is about (no speech verb next to
    # it), or a paragraph named for the person it mostly quotes by inference: flagged
    speaker_inferred: bool = False


@dataclass(frozen=True, slots=True)
class ParseWarning:
    source: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class ParsedSource:
    """A source file decoded and cut into passages (seq is 0 here; the index renumbers)."""

    spec: SourceSpec
    text: str
    sha256: str
    passages: tuple[Passage, ...]
    warnings: tuple[ParseWarning, ...] = ()
    # structured sources: record key -> the record's decoded text field (see Passage.record)
    records: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What /sources shows and `corpusbot index` prints for one source."""

    name: str
    title: str | None
    url: str | None
    format: SourceFormat
    speaker: str
    sha256: str
    passages: int
    threads: int
    dated: int
    undated: int
    quote_spans: int
    speakers: tuple[str, ...]
    first_date: PassageDate | None
    last_date: PassageDate | None
    warnings: tuple[str, ...] = ()
    language: str | None = None  # ISO 639-1 the source is analysed in; None: words only
    # the detector's confidence when `language:` was not configured (None when it was)
    language_confidence: float | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked result. Offsets are absolute offsets into the source text."""

    passage: Passage
    score: float  # 0..100
    match_start: int | None = None  # /quote: the matched span
    match_end: int | None = None
    highlights: tuple[tuple[int, int], ...] = ()  # /topic: spans of matched words
    matched_terms: tuple[str, ...] = ()  # /topic: the query words that matched


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One step of a word diff from the asked words to the source's words."""

    op: Literal["equal", "replace", "insert", "delete"]  # insert: source has words not asked
    asked: str  # the user's words ("" for insert)
    source: str  # the source's words, a verbatim slice ("" for delete)


QuoteVerdict = Literal["verbatim", "close", "altered", "spliced", "not_found"]
ChangeKind = Literal["negation", "number", "name", "quantifier", "word", "other"]
Attribution = Literal["matches", "differs"]


@dataclass(frozen=True, slots=True)
class QuoteChange:
    """A difference that carries meaning: the asked words and the source's (verbatim)."""

    kind: ChangeKind
    query: str
    source: str


@dataclass(frozen=True, slots=True)
class QuotePart:
    """A part of the query (character offsets into `QuoteResult.query`) and the hit
    (index into `QuoteResult.hits`) that holds it."""

    query_start: int
    query_end: int
    result: int


@dataclass(frozen=True, slots=True)
class QuoteResult:
    query: str
    verdict: QuoteVerdict
    hits: tuple[Hit, ...]  # best first; for not_found the closest, offered only as a hint
    diff: tuple[DiffOp, ...] = ()  # for the best hit, when verdict is close or altered
    # altered: what changed; spliced (or verbatim across passages/ellipsis): the parts
    changes: tuple[QuoteChange, ...] = ()
    parts: tuple[QuotePart, ...] = ()
    claimed_speaker: str | None = None  # the speaker the query names, as the corpus knows them
    attribution: Attribution | None = None  # whether the source's speaker is the claimed one
    skipped: tuple[str, ...] = ()  # ellipsis: the source's words the query left out
    # the time budget ran out: only the closest candidates were checked (the verdict is about
    # them; a better place may stand elsewhere)
    partial: bool = False
    # the narration around the words says this known speaker said them, in its own words
    # (`Mark Rutte said that …`): reported speech, not a quotation of them
    reported_speaker: str | None = None

    @property
    def matches(self) -> tuple[Hit, ...]:
        """The hits that count as finding the quote: none when it was not found. An altered
        quote's place (shown as what the source really says) and each part of a spliced
        quote are matches: they are where the words stand."""
        return () if self.verdict == "not_found" else self.hits

    @property
    def hint(self) -> Hit | None:
        """For `not_found`, the closest passage: shown as a hint only, never as a match."""
        return self.hits[0] if self.verdict == "not_found" and self.hits else None


@dataclass(frozen=True, slots=True)
class TopicResult:
    query: str
    terms: tuple[str, ...]  # the query words searched for
    hits: tuple[Hit, ...]
    total: int = 0  # how many passages match in all (the hits are the first of them)
    suggestions: tuple[str, ...] = ()  # no hits: the nearest words the corpus has
    said: tuple[str, ...] = ()  # the filters, as the reply restates them (`by Mark Rutte`)
    partial: bool = False  # the time budget ran out: the hits are those ranked in time


@dataclass(frozen=True, slots=True)
class DateQuery:
    """A parsed date expression: an inclusive range of days, a month, or a single day.

    When the user gave no year (`Aug 28`, `Aug 9 - Aug 17`, `Aug`), `year_given` is False,
    `first`/`last` carry the placeholder year 2000 (a leap year) and the lookup matches the
    month/day range in every year (wrapping at the year's end, `Dec 30 - Jan 2`).
    """

    text: str
    first: dt.date
    last: dt.date
    year_given: bool
    precision: DatePrecision  # what the user named: a day, a month (or month range), a year
    label: str  # how the bot restates what it understood: `28 Aug`, `Aug 2025`, `9-17 Aug 2025`
    # Open ranges (`since Aug 20 2025`, `before July 2025`): the open end is `date.min` or
    # `date.max`; without a year it is 1 Jan or 31 Dec of the placeholder year (every year).
    open_start: bool = False  # `before X`, `until X`: no first day
    open_end: bool = False  # `since X`, `after X`: no last day
    relative: bool = False  # resolved against the clock (`today`, `last week`, `since yesterday`)
    # A numeric `03/07/2025`: True month first, False day first, None when there is no such form.
    month_first: bool | None = None
    ambiguous: bool = False  # the numbers also read the other way round (both <= 12)
    other_reading: str | None = None  # that other reading as a query text, e.g. `2025-03-07`


@dataclass(frozen=True, slots=True)
class DateResult:
    query: DateQuery
    hits: tuple[Hit, ...]  # corpus order
    nearest: tuple[dt.date, ...] = ()  # when there are no hits: the closest dates with passages
    total: int = 0  # how many passages match in all (the hits are the first of them)
    said: tuple[str, ...] = ()  # the other filters and words, as the reply restates them


@dataclass(frozen=True, slots=True)
class PassageContext:
    passage: Passage
    before: tuple[Passage, ...]
    after: tuple[Passage, ...]
    thread: tuple[Passage, ...] = ()  # the whole thread (tweets) or parent paragraph's quotes


@dataclass(frozen=True, slots=True)
class SourceFailure:
    """A configured source the index could not read (it is left out; the others are served)."""

    source: str  # the source file name
    line: int | None
    message: str  # what is wrong, without the file name and line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What an index (re)build did."""

    rebuilt: bool
    seconds: float
    sources: tuple[SourceInfo, ...] = field(default_factory=tuple)
    failed: tuple[SourceFailure, ...] = ()  # sources left out, in config order
