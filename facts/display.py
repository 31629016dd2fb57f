"""How values read to a person, for every face (CLI tables, `facts show`, the browser, drafts).

Text from the data goes through printable() before it reaches a terminal; numbers, quantities,
dates, confidences and timestamps each have one way to read.
"""

import datetime as dt
import re

from .confidence import likelihood_word
from .dates import as_date, parse_point
from .vocab import MEDIA_KIND_NAMES

# C0 controls but tab/newline/carriage return, DEL, and C1 controls (the single-byte CSI \x9b among them).
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Characters that change how the text around them reads: bidi overrides and isolates, zero-width
# spaces and joiners, the byte order mark. Shown by name, never obeyed.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
def printable(value: object) -> str:
    """Text to put on a terminal: control and invisible characters shown, never obeyed.

    The one function every screen and table uses for text from the data; with rich Text objects
    (never markup strings) it keeps "[bold]" and escape sequences from doing anything.
    """
    if value is None:
        return ""
    text = _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))
    return _INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def printable_line(value: object) -> str:
    """As printable, with line breaks and tabs shown as spaces."""
    return " ".join(printable(value).split())


def format_number(value: float | None) -> str:
    """30000.0 -> '30,000'; 2.5 -> '2.5'."""
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) < 1e15 else f"{value:.6g}"


def format_quantity(row: dict) -> str:
    """'≈30,000', '≥90', '≤30,000', '40–50', '30,000'."""
    qualifier = row.get("qualifier")
    if qualifier is None:
        return ""
    value, low, high = row.get("value"), row.get("low"), row.get("high")
    if qualifier == "range":
        text = f"{format_number(low)}–{format_number(high)}"
        return f"{text} (best {format_number(value)})" if value is not None else text
    if qualifier == "approx":
        text = f"≈{format_number(value)}"
        if low is not None or high is not None:
            text += f" ({format_number(low) or '…'}–{format_number(high) or '…'})"
        return text
    return {"exact": "", "at_least": "≥", "at_most": "≤"}[qualifier] + format_number(value)


def format_quantity_unit(row: dict) -> str:
    """'≈30,000 troops'."""
    return f"{format_quantity(row)} {row.get('unit') or ''}".strip()


def quantity_as_typed(quantity: dict | str | None) -> str:
    """A quantity record as a person would type it: 'about 30,000', '40-50' (words as typed stay)."""
    if not quantity:
        return ""
    if isinstance(quantity, str):
        return quantity
    if quantity.get("qualifier") == "range":
        return f"{format_number(quantity['low'])}-{format_number(quantity['high'])}"
    words = {"approx": "about ", "at_least": "at least ", "at_most": "up to ", "exact": ""}
    return words.get(quantity.get("qualifier", "exact"), "") + format_number(quantity.get("value"))


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_span(start: dt.date | str | None, end: dt.date | str | None, precision: str | None) -> str:
    """For reading: '2022', 'Feb 2022', '19 Feb 2022', '10–20 Feb 2022', 'Feb–Mar 2022'."""
    if start is None or precision is None:
        return ""
    a, b = as_date(start), as_date(end or start)
    if precision == "year":
        return str(a.year) if a.year == b.year else f"{a.year}–{b.year}"
    if precision == "month":
        if (a.year, a.month) == (b.year, b.month):
            return f"{_MONTHS[a.month - 1]} {a.year}"
        if a.year == b.year:
            return f"{_MONTHS[a.month - 1]}–{_MONTHS[b.month - 1]} {a.year}"
        return f"{_MONTHS[a.month - 1]} {a.year} – {_MONTHS[b.month - 1]} {b.year}"
    if a == b:
        return f"{a.day} {_MONTHS[a.month - 1]} {a.year}"
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {_MONTHS[a.month - 1]} {a.year}"
    if a.year == b.year:
        return f"{a.day} {_MONTHS[a.month - 1]} – {b.day} {_MONTHS[b.month - 1]} {a.year}"
    return f"{a.day} {_MONTHS[a.month - 1]} {a.year} – {b.day} {_MONTHS[b.month - 1]} {b.year}"


def format_period(start: dt.date | str, end: dt.date | str) -> str:
    """A span of days at the coarsest precision that states it exactly: '1992–2021', 'Feb 2022', '10–20 Feb 2022'."""
    a, b = as_date(start), as_date(end)
    if (a.month, a.day, b.month, b.day) == (1, 1, 12, 31):
        return format_span(a, b, "year")
    if a.day == 1 and (b + dt.timedelta(days=1)).day == 1:
        return format_span(a, b, "month")
    return format_span(a, b, "day")


def format_partial(value: str | None) -> str:
    """'2022-02' -> 'Feb 2022'."""
    if not value:
        return ""
    span = parse_point(value)
    return format_span(span.start, span.end, span.precision)


def format_date(row: dict) -> str:
    """A fact's date at its precision: 'Feb 2022'."""
    return format_span(row.get("date_start"), row.get("date_end"), row.get("date_precision"))


def format_confidence(number: float | None) -> str:
    """'0.70 likely': the number first, so a narrow column still shows it."""
    if number is None:
        return ""
    return f"{number:.2f} {likelihood_word(number)}"


def format_status(row: dict) -> str:
    """A fact's status, marked when its quote was lost by a new version of its source ('active, orphan'), and
    first of all when analysts changed it apart or entered it twice ('conflicted, disputed': a narrow column
    still shows that)."""
    marks = [row["status"]]
    if row.get("anchored_by") == "orphan":
        marks.append("orphan")
    if row.get("conflicted"):
        marks.insert(0, "conflicted")
    return ", ".join(marks)


def format_source_kind(media_type: str, pages: int = 0) -> str:
    """'web page', 'PDF, 12 pages', 'text'."""
    name = MEDIA_KIND_NAMES.get(media_type, media_type)
    return f"{name}, {plural(pages, 'page')}" if media_type == "application/pdf" else name


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """'1 quote', '2 quotes', '1,200 facts'."""
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"


def format_candidate(candidate: dict) -> str:
    """How the extraction read a candidate: '≈10,000 troops (approx)', 'Feb 2022', 'NATO (says)'."""
    c = candidate
    if c["kind"] == "quantity":
        return f"{format_quantity_unit(c)} ({c['qualifier']})"
    if c["kind"] == "date":
        assumed = " (year assumed)" if c.get("year_inferred") else \
            f" (inferred from the publication date, {c['resolved_from']})" if c.get("resolved_from") else ""
        return format_span(c["date_start"], c["date_end"], c["precision"]) + assumed
    return f"{c['actor']}" + (f" ({c['verb']})" if c.get("verb") else "")


def format_timestamp(value: str | None) -> str:
    """A stored UTC timestamp to the minute: '2026-11-22 02:40'."""
    return value[:16].replace("T", " ") if value else ""
