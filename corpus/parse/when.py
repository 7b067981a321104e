"""Timestamps of structured sources: ISO 8601, `2016-08-08 15:20:44`, X's `created_at`,
RFC 2822, Unix seconds, or a configured strptime format, as a `PassageDate` with its time."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

from corpus.model import PassageDate

X_CREATED_AT = "%a %b %d %H:%M:%S %z %Y"  # Wed Oct 10 20:19:24 +0000 2018
# X's created_at read without strptime (a third of an X archive's parse time went there)
_X_CREATED = re.compile(
    r"[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d\d) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d) (\d{4})"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
# Unix seconds from 1970 to 2100 (9-10 digits; 13 digits are milliseconds)
_UNIX_DIGITS = (9, 10)


def date_of(moment: dt.datetime | dt.date) -> PassageDate:
    """A day-precision `PassageDate`, with the time and UTC offset when `moment` has them."""
    if not isinstance(moment, dt.datetime):
        return PassageDate(moment.year, moment.month, moment.day)
    offset = moment.utcoffset()
    minutes = None if offset is None else int(offset.total_seconds() // 60)
    return PassageDate(
        moment.year,
        moment.month,
        moment.day,
        time=moment.time().replace(tzinfo=None, microsecond=0),
        utc_offset=minutes,
    )


def from_unix(seconds: float) -> PassageDate:
    return date_of(dt.datetime.fromtimestamp(seconds, dt.UTC))


def parse_when(value: object, date_format: str | None = None) -> PassageDate | None:
    """The date (and time) a field holds, or None when it is empty or not a date we know."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, PassageDate):  # a workbook's date cell, read at its precision
        return value
    if isinstance(value, dt.date):
        return date_of(value)
    if isinstance(value, int | float):
        return _from_number(float(value))
    raw = str(value).strip()
    if not raw:
        return None
    if date_format:
        try:
            return date_of(dt.datetime.strptime(raw, date_format))
        except ValueError:
            return None
    fast = _X_CREATED.fullmatch(raw)
    if fast and fast.group(1) in _MONTHS:
        return _x_created(fast)
    digits = raw.lstrip("-")
    if digits.replace(".", "", 1).isdigit() and len(digits.split(".")[0]) in (*_UNIX_DIGITS, 13):
        return _from_number(float(raw))
    try:
        if len(raw) == 10:
            return date_of(dt.date.fromisoformat(raw))
        return date_of(dt.datetime.fromisoformat(raw))
    except ValueError:
        pass
    try:
        return date_of(dt.datetime.strptime(raw, X_CREATED_AT))
    except ValueError:
        pass
    try:
        return date_of(email.utils.parsedate_to_datetime(raw))
    except (TypeError, ValueError, IndexError):
        return None


def _x_created(found: re.Match[str]) -> PassageDate | None:
    month, day, hh, mm, ss, sign, oh, om, year = found.groups()
    minutes = (int(oh) * 60 + int(om)) * (-1 if sign == "-" else 1)
    try:
        clock = dt.time(int(hh), int(mm), int(ss))
        dt.date(int(year), _MONTHS[month], int(day))
    except ValueError:
        return None
    return PassageDate(
        int(year),
        _MONTHS[month],
        int(day),
        time=clock,
        utc_offset=minutes if -1440 < minutes < 1440 else None,
    )


def _from_number(number: float) -> PassageDate | None:
    if number > 1e11:  # milliseconds
        number /= 1000
    if not 0 < number < 4102444800:  # 1970..2100
        return None
    return from_unix(number)
