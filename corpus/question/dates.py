"""A date at a question's end, read into a filter: `since August` -> `since:August`,
`у серпні` -> `date:серпня`, `between Aug 1 and Aug 20` -> `date:"Aug 1 and Aug 20"`.

Only what `corpus.lookup.date_query` reads is taken; anything else stays topic words.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from corpus.errors import QueryError
from corpus.lookup.date_query import DateOrder, parse_date_query

# The word before a date -> the filter it becomes (`date` is the whole day, month or range).
PREPOSITIONS: dict[str, str] = {
    **dict.fromkeys(["since", "from", "starting", "з", "із", "від", "с", "со", "от"], "since"),
    **dict.fromkeys(["after", "після", "после"], "after"),
    **dict.fromkeys(["before", "перед"], "before"),
    **dict.fromkeys(["until", "till", "through", "до", "по"], "until"),
    **dict.fromkeys(["in", "on", "during", "у", "в", "во", "за"], "date"),
    **dict.fromkeys(["between", "між", "между"], "date"),
}
PREPOSITION_RE = re.compile(
    r"(?<![\w-])(?:" + "|".join(sorted(PREPOSITIONS, key=len, reverse=True)) + r")(?=\s)", re.I
)
# Month names after `у`/`в` (locative) read as the genitive the date parser knows.
LOCATIVE_MONTHS: dict[str, str] = {
    **dict(
        zip(
            [
                "січні",
                "лютому",
                "березні",
                "квітні",
                "травні",
                "червні",
                "липні",
                "серпні",
                "вересні",
                "жовтні",
                "листопаді",
                "грудні",
            ],
            [
                "січня",
                "лютого",
                "березня",
                "квітня",
                "травня",
                "червня",
                "липня",
                "серпня",
                "вересня",
                "жовтня",
                "листопада",
                "грудня",
            ],
            strict=True,
        )
    ),
    **dict(
        zip(
            [
                "январе",
                "феврале",
                "марте",
                "апреле",
                "мае",
                "июне",
                "июле",
                "августе",
                "сентябре",
                "октябре",
                "ноябре",
                "декабре",
            ],
            [
                "января",
                "февраля",
                "марта",
                "апреля",
                "мая",
                "июня",
                "июля",
                "августа",
                "сентября",
                "октября",
                "ноября",
                "декабря",
            ],
            strict=True,
        )
    ),
}
# A date standing alone at the end (no preposition) must hold a digit or one of these.
RELATIVE_RE = re.compile(
    r"(?i)\b(?:today|yesterday|this|last|сьогодні|вчора|учора|цього|минулого|минулий|"
    r"сегодня|вчера|прошлой|прошлом|этой|этом)\b"
)
MAX_DATE_WORDS = 6


@dataclass(frozen=True, slots=True)
class DateTail:
    """A filter read from the end of a question: `key:value`, and where it began."""

    key: str  # since, after, before, until, date
    value: str  # the date words as the parser reads them
    start: int  # where the date words (with their preposition) begin in the text

    @property
    def filter(self) -> str:
        value = self.value.replace('"', "")
        return f'{self.key}:"{value}"' if " " in value else f"{self.key}:{value}"


def read_date(text: str, *, today: dt.date | None, date_order: DateOrder) -> DateTail | None:
    """`text` whole as a date (`on Aug 28`, `у серпні`, `last week`), or None."""
    words = text.split()
    if not words or len(words) > MAX_DATE_WORDS + 1:
        return None
    words = [LOCATIVE_MONTHS.get(w.lower(), w) for w in words]
    first = words[0].lower()
    key = PREPOSITIONS.get(first)
    if key is not None and len(words) > 1:
        value = " ".join(words[1:])
        if first in ("between", "між", "между"):
            value = " ".join(words)
        if _reads(key, value, today, date_order):
            return DateTail(key, value, 0)
        if key != "date" and _reads("date", " ".join(words), today, date_order):
            return DateTail("date", " ".join(words), 0)  # `from Aug 1 to Aug 20`
    dated = any(c.isdigit() for c in text) or RELATIVE_RE.search(text)
    if key is None and dated and _reads("date", " ".join(words), today, date_order):
        return DateTail("date", " ".join(words), 0)
    return None


def split_date_tail(
    text: str, *, today: dt.date | None, date_order: DateOrder
) -> tuple[str, DateTail | None]:
    """`drones since August` -> (`drones`, since:August): the words before a date that ends
    the text, and that date; the text unchanged and None when it ends in no date (or is only
    one: the caller reads that)."""
    starts = [m.start() for m in PREPOSITION_RE.finditer(text)]
    # a bare date (`drones last week`, `drones 28.08.2025`): its last few words
    words = list(re.finditer(r"\S+", text))
    starts += [w.start() for w in words[-4:]]
    for start in sorted(set(starts)):
        head = text[:start].strip(" ,")
        if not head:
            continue
        tail = read_date(text[start:], today=today, date_order=date_order)
        if tail is not None:
            return head, DateTail(tail.key, tail.value, start)
    return text, None


def _reads(key: str, value: str, today: dt.date | None, date_order: DateOrder) -> bool:
    phrase = value if key == "date" else f"{key} {value}"
    try:
        parse_date_query(phrase, today=today, date_order=date_order)
    except QueryError:
        return False
    return True
