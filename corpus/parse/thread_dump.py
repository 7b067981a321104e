"""Thread Reader dumps: `Mon D • N tweets • M min read` headers, each over its thread's tweets.

Headers carry no year. The first (newest) header is in `spec.year`; going down the file,
whenever the month/day moves forward the year steps back by one, and such years are flagged
`year_inferred`. Lines above the first header have no known date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from corpus.model import MONTH_NAMES, ParseWarning, Passage, PassageDate, SourceSpec, ThreadRef
from corpus.parse.common import PassageIds, trimmed_lines

MONTHS: dict[str, int] = {}
for _number, _name in enumerate(MONTH_NAMES, start=1):
    MONTHS[_name] = _number
    MONTHS[_name[:3]] = _number
MONTHS["sept"] = 9

HEADER = re.compile(
    r"(?P<month>[A-Za-z]{3,9})\.?[ \t]+(?P<day>[0-9]{1,2})[ \t]*[•·][ \t]*"
    r"(?P<tweets>[0-9]{1,5})[ \t]+tweets?[ \t]*[•·][ \t]*"
    r"(?P<minutes>[0-9]{1,5})[ \t]+min(?:ute)?s?[ \t]+read",
    re.IGNORECASE,
)

NOTE_ABOVE = "above the first thread header; date unknown"
NOTE_IMPOSSIBLE = "the thread header's date does not exist; date unknown"
NOTE_NO_YEAR = "no year configured for this dump; date unknown"


# a tweet line: (start offset, its trimmed text, 1-based line number)
Tweet = tuple[int, str, int]


class Header(NamedTuple):
    """A parsed thread header line (a tuple: one is made for every thread)."""

    line: int
    month: int
    day: int
    tweets: int
    minutes: int


@dataclass(slots=True)
class Thread:
    """A header with the tweet lines found under it, and the date worked out for it."""

    number: int
    header: Header
    date: PassageDate | None = None
    note: str | None = None
    tweets: list[Tweet] = field(default_factory=list)


def match_header(words: str, number: int) -> Header | None:
    """The header that is the whole of this trimmed line `words`, if it is one."""
    if "•" not in words and "·" not in words:
        return None  # every header holds a bullet: most lines need no regex
    found = HEADER.fullmatch(words)
    if found is None:
        return None
    name, day, tweets, minutes = found.group("month", "day", "tweets", "minutes")
    month = MONTHS.get(name.lower())
    if month is None:
        return None
    return Header(number, month, int(day), int(tweets), int(minutes))


def date_threads(spec: SourceSpec, threads: list[Thread]) -> list[ParseWarning]:
    """Give each thread its date, stepping the year back when the month/day moves forward."""
    warnings: list[ParseWarning] = []
    if spec.year is None:
        if threads:
            warnings.append(
                ParseWarning(spec.name, threads[0].header.line, "no year configured: dates unknown")
            )
        for thread in threads:
            thread.note = NOTE_NO_YEAR
        return warnings
    year = spec.year
    previous: tuple[int, int] | None = None
    dates: dict[tuple[int, int, int], PassageDate] = {}  # threads of one day share its date
    for thread in threads:
        key = (thread.header.month, thread.header.day)
        if previous is not None and key > previous:
            year -= 1
        previous = key
        thread.date = dates.get((year, *key))
        if thread.date is not None:
            continue
        try:
            dt.date(year, *key)
        except ValueError:
            warnings.append(
                ParseWarning(
                    spec.name,
                    thread.header.line,
                    f"impossible date in thread header (month {key[0]}, day {key[1]}, "
                    f"year {year}); its tweets are undated",
                )
            )
            thread.note = NOTE_IMPOSSIBLE
            continue
        thread.date = PassageDate(year, key[0], key[1], year_inferred=year != spec.year)
        dates[(year, *key)] = thread.date
    return warnings


def parse_thread_dump(
    spec: SourceSpec, text: str
) -> tuple[tuple[Passage, ...], tuple[ParseWarning, ...]]:
    """Tweets (one per non-empty line) under their thread headers, dated and numbered."""
    above: list[Tweet] = []
    threads: list[Thread] = []
    for number, start, words in trimmed_lines(text):
        header = match_header(words, number)
        if header is not None:
            threads.append(Thread(number=len(threads) + 1, header=header))
        else:
            (threads[-1].tweets if threads else above).append((start, words, number))

    warnings = date_threads(spec, threads)
    make = TweetMaker(spec)
    passages = [make(tweet, None, None, NOTE_ABOVE) for tweet in above]
    for thread in threads:
        head = thread.header
        if not thread.tweets:
            warnings.append(ParseWarning(spec.name, head.line, "thread header with no tweets"))
        shown = len(thread.tweets)
        for position, tweet in enumerate(thread.tweets, start=1):
            ref = ThreadRef(thread.number, head.line, head.tweets, head.minutes, position, shown)
            passages.append(make(tweet, thread.date, ref, thread.note))
    if text and not threads:
        warnings.append(ParseWarning(spec.name, 1, "no thread headers found; every date unknown"))
    return tuple(passages), tuple(warnings)


class TweetMaker:
    """Makes the `Passage` of one tweet line of a source (ids counted across the source)."""

    def __init__(self, spec: SourceSpec) -> None:
        self._source = spec.name
        self._speaker = spec.speaker
        self._ids = PassageIds(self._source)

    def __call__(
        self, tweet: Tweet, date: PassageDate | None, thread: ThreadRef | None, note: str | None
    ) -> Passage:
        start, words, line = tweet
        return Passage(
            self._ids.next_id(words),
            self._source,
            start,
            start + len(words),
            words,
            line,
            self._speaker,
            "tweet",
            date,
            thread,
            None,  # paragraph
            None,  # parent_id
            note,
        )
