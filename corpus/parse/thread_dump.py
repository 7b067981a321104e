"""Thread Reader dumps: `Mon D • N tweets • M min read` headers, each over its thread's tweets.

Headers carry no year. The first (newest) header is in `spec.year`; going down the file,
whenever the month/day moves forward the year steps back by one, and such years are flagged
`year_inferred`. Lines above the first header have no known date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from corpus.dates import MONTH_NAMES
from corpus.model import ParseWarning, Passage, PassageDate, SourceSpec, ThreadRef
from corpus.parse.common import Line, PassageIds, iter_lines, trim_span

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


@dataclass(frozen=True, slots=True)
class Header:
    """A parsed thread header line."""

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
    tweets: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, line)


def match_header(text: str, line: Line) -> Header | None:
    """The header on this line, if the whole (trimmed) line is one."""
    start, end = trim_span(text, line.start, line.end)
    found = HEADER.fullmatch(text, start, end)
    if found is None:
        return None
    month = MONTHS.get(found["month"].lower())
    if month is None:
        return None
    return Header(
        line=line.number,
        month=month,
        day=int(found["day"]),
        tweets=int(found["tweets"]),
        minutes=int(found["minutes"]),
    )


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
    for thread in threads:
        key = (thread.header.month, thread.header.day)
        if previous is not None and key > previous:
            year -= 1
        previous = key
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
    return warnings


def parse_thread_dump(
    spec: SourceSpec, text: str
) -> tuple[tuple[Passage, ...], tuple[ParseWarning, ...]]:
    """Tweets (one per non-empty line) under their thread headers, dated and numbered."""
    above: list[tuple[int, int, int]] = []
    threads: list[Thread] = []
    for line in iter_lines(text):
        header = match_header(text, line)
        if header is not None:
            threads.append(Thread(number=len(threads) + 1, header=header))
            continue
        start, end = trim_span(text, line.start, line.end)
        if start == end:
            continue
        (threads[-1].tweets if threads else above).append((start, end, line.number))

    warnings = date_threads(spec, threads)
    ids = PassageIds(spec.name)
    passages: list[Passage] = []

    def add(
        span: tuple[int, int, int],
        *,
        date: PassageDate | None = None,
        thread: ThreadRef | None = None,
        note: str | None = None,
    ) -> None:
        start, end, line_number = span
        body = text[start:end]
        passages.append(
            Passage(
                id=ids.next_id(body),
                source=spec.name,
                start=start,
                end=end,
                text=body,
                line=line_number,
                speaker=spec.speaker,
                kind="tweet",
                date=date,
                thread=thread,
                note=note,
            )
        )

    for span in above:
        add(span, note=NOTE_ABOVE)
    for thread in threads:
        head = thread.header
        if not thread.tweets:
            warnings.append(ParseWarning(spec.name, head.line, "thread header with no tweets"))
        for position, span in enumerate(thread.tweets, start=1):
            ref = ThreadRef(
                number=thread.number,
                header_line=head.line,
                tweet_count=head.tweets,
                read_minutes=head.minutes,
                position=position,
                shown=len(thread.tweets),
            )
            add(span, date=thread.date, thread=ref, note=thread.note)
    if text and not threads:
        warnings.append(ParseWarning(spec.name, 1, "no thread headers found; every date unknown"))
    return tuple(passages), tuple(warnings)
