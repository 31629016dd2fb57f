"""Dates with a precision: "2022", "2022-02", "2022-02-19", "2022-02-10/2022-02-20"."""

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date
    precision: str  # day, month, year


@lru_cache(maxsize=4096)  # the same few thousand dates recur across a large import
def parse_point(text: str) -> Span:
    """One date at its precision, as the span of days it covers."""
    t = text.strip()
    if m := _YEAR.match(t):
        year = int(m.group(1))
        _check_year(year, t)
        return Span(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    if m := _MONTH.match(t):
        year, month = int(m.group(1)), int(m.group(2))
        _check_year(year, t)
        if not 1 <= month <= 12:
            raise ValueError(f"'{t}' has no month {month}")
        last = calendar.monthrange(year, month)[1]
        return Span(dt.date(year, month, 1), dt.date(year, month, last), "month")
    if m := _DAY.match(t):
        _check_year(int(m.group(1)), t)
        try:
            day = dt.date.fromisoformat(t)
        except ValueError:
            raise ValueError(f"'{t}' is not a date in the calendar") from None
        return Span(day, day, "day")
    raise ValueError(f"'{t}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")


def _check_year(year: int, text: str) -> None:
    if year < 1:
        raise ValueError(f"'{text}' has no year 0")


def parse_span(value: object) -> Span:
    """A date or a range of dates "START/END" (both ends at the same precision)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Span(value, value, "day")
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:04d}"
    if not isinstance(value, str):
        raise ValueError("must be a date written as text, e.g. 2022-02-19")
    text = value.strip()
    for sep in ("/", ".."):
        if sep in text:
            a, _, b = text.partition(sep)
            first, last = parse_point(a), parse_point(b)
            if first.precision != last.precision:
                raise ValueError(f"'{text}': both ends of a range need the same precision "
                                 f"({a.strip()} is a {first.precision}, {b.strip()} a {last.precision})")
            if first.start > last.end:
                raise ValueError(f"'{text}' ends before it starts")
            return Span(first.start, last.end, first.precision)
    try:
        return parse_point(text)
    except ValueError as e:
        if "is not a date:" in str(e):  # a span may also be a range
            raise ValueError(f"'{text}' is not a date: write YYYY, YYYY-MM, YYYY-MM-DD or START/END") from None
        raise


def check_span(start: dt.date, end: dt.date, precision: str) -> None:
    """The rules schema.sql holds for date_start, date_end and date_precision."""
    if start > end:
        raise ValueError(f"ends ({end}) before it starts ({start})")
    if precision == "year" and (start.month, start.day, end.month, end.day) != (1, 1, 12, 31):
        raise ValueError("a year-precision span runs from 1 January to 31 December")
    if precision == "month" and (start.day != 1 or end.day != calendar.monthrange(end.year, end.month)[1]):
        raise ValueError("a month-precision span runs from the first to the last day of a month")


def span_text(start: dt.date | str, end: dt.date | str, precision: str) -> str:
    """The input form of a span: the inverse of parse_span."""
    start, end = as_date(start), as_date(end)
    cut = {"year": 4, "month": 7, "day": 10}[precision]
    a, b = start.isoformat()[:cut], end.isoformat()[:cut]
    return a if a == b else f"{a}/{b}"


def parse_partial(value: object) -> str:
    """'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', checked against the calendar."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:04d}"
    if not isinstance(value, str):
        raise ValueError("must be a date written as text, e.g. 2022-02-19")
    text = value.strip()
    parse_point(text)
    return text


def as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
