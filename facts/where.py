"""The filter language of `facts list --where` and the browser's filter bar.

    actor:nato subject:"troops in belarus" unit:troops date:2022-02..2022-03
    conf>=0.6 status:disputed tag:x value>10000 free words

Field terms narrow by field (subject: contains the text, subject="..." is
exactly it); other words are full-text search. Values never
reach SQL as text: the result is a Filter, which builds parameterised SQL.
"""

import re

from .confidence import confidence_conditions
from .dates import parse_point
from .errors import WhereError
from .numbers import parse_number
from .query import Filter
from .vocab import STATUSES

FIELDS = {
    "actor": "actors", "claimant": "actors", "subject": "subjects", "unit": "units", "source": "sources",
    "status": "statuses", "tag": "tags",
}
COMPARED = {"conf": "confidence", "confidence": "confidence", "value": "value"}
OPERATORS = (">=", "<=", ">", "<", "=")

_TOKEN = re.compile(r'\s*(?P<word>(?:[^\s"]+|"[^"]*")*)(?P<open>"[^"]*$)?')


def _unquote(text: str) -> str:
    return text.replace('"', "")


def parse_where(text: str) -> Filter:
    """Read a filter; raises WhereError on anything malformed."""
    flt = Filter()
    words: list[str] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m.group("open") is not None:
            raise WhereError("a quote is not closed", m.start("open"))
        if m.end() == pos or not m.group("word"):
            break
        token, start = m.group("word"), m.start("word")
        pos = m.end()
        _apply(flt, token, start, words)
    if words:
        flt.search = " ".join(words)
    return flt


def _apply(flt: Filter, token: str, start: int, words: list[str]) -> None:
    for name in sorted(COMPARED, key=len, reverse=True):
        if token.lower().startswith(name) and token[len(name):len(name) + 1] in "<>=" and len(token) > len(name):
            rest = token[len(name):]
            op = next((o for o in OPERATORS if rest.startswith(o)), None)
            value = _unquote(rest[len(op):]) if op else ""
            if not value:
                raise WhereError(f"'{token}' needs a value after {op}", start)
            _compare(flt, COMPARED[name], op, value, token, start)
            return
    if token.lower().startswith("subject="):
        value = _unquote(token[len("subject="):]).strip()
        if not value:
            raise WhereError("'subject=' needs a value", start)
        flt.exact_subjects.append(value)
        return
    field, sep, value = token.partition(":")
    if not sep or '"' in field:
        words.append(_unquote(token))
        return
    key = field.lower()
    value = _unquote(value).strip()
    if key == "date":
        _date(flt, value, token, start)
        return
    if key not in FIELDS:
        raise WhereError(f"unknown field '{field}' (fields: {', '.join(sorted(set(FIELDS) | {'date'}))}; "
                         f"compare with conf, value)", start)
    if not value:
        raise WhereError(f"'{field}:' needs a value", start)
    if key == "status":
        value = value.lower()
        if value not in STATUSES:
            raise WhereError(f"unknown status '{value}' (one of: {', '.join(STATUSES)})", start + len(field) + 1)
    getattr(flt, FIELDS[key]).append(value)


def _compare(flt: Filter, column: str, op: str, value: str, token: str, start: int) -> None:
    try:
        if column == "confidence":
            flt.comparisons += [(column, o, n) for o, n in confidence_conditions(op, value)]
        else:
            flt.comparisons.append((column, op, parse_number(value)))
    except ValueError as e:
        raise WhereError(f"'{token}': {e}", start) from None


def _date(flt: Filter, value: str, token: str, start: int) -> None:
    first, dots, last = value.partition("..")
    try:
        if first:
            flt.since = parse_point(first).start.isoformat()
        if dots and last:
            flt.until = parse_point(last).end.isoformat()
        if not dots and first:
            flt.until = parse_point(first).end.isoformat()
    except ValueError as e:
        raise WhereError(f"'{token}': {e}", start) from None
    if not first and not last:
        raise WhereError("'date:' needs a date or a range FROM..TO", start)
