"""The filter language of `facts list --where` and the browser's filter bar.

    actor:nato subject:"troops in belarus" unit:troops date:2022-02..2022-03
    conf>=0.6 status:disputed tag:x value>10000 free words

Field terms narrow by field (subject: contains the text, subject="..." is
exactly it); other words are full-text search. Values never
reach SQL as text: the result is a Filter, which builds parameterised SQL.
"""

import re
from collections.abc import Iterator
from typing import NamedTuple

from .confidence import confidence_conditions
from .dates import parse_point
from .errors import WhereError
from .numbers import parse_number
from .query import Filter
from .vocab import STATUSES

FIELDS = {
    "actor": "actors", "claimant": "actors", "subject": "subjects", "unit": "units", "source": "sources",
    "status": "statuses", "tag": "tags", "anchor": "anchorings", "is": "marks",
}
COMPARED = {"conf": "confidence", "confidence": "confidence", "value": "value"}
OPERATORS = (">=", "<=", ">", "<", "=")

_TOKEN = re.compile(r'\s*(?P<word>(?:[^\s"]+|"[^"]*")*)(?P<open>"[^"]*$)?')


def _unquote(text: str) -> str:
    return text.replace('"', "")


class Term(NamedTuple):
    """One term of a filter as typed, and where it stands in the text."""

    text: str
    start: int
    end: int


def terms(text: str) -> Iterator[Term]:
    """The terms of a filter in order, as typed; raises WhereError on reaching a quote that is not closed."""
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        assert m is not None  # every part of _TOKEN is optional: it always matches
        if m.group("open") is not None:
            raise WhereError("a quote is not closed", m.start("open"))
        if m.end() == pos or not m.group("word"):
            break
        yield Term(m.group("word"), m.start("word"), m.end("word"))
        pos = m.end()


def _split(token: str) -> tuple[str, str, str]:
    """A term's field as typed ('' for a word), its operator (':', '=', '>=', ... or '') and its value unquoted."""
    for name in sorted(COMPARED, key=len, reverse=True):
        if token.lower().startswith(name) and token[len(name):len(name) + 1] in "<>=" and len(token) > len(name):
            rest = token[len(name):]
            op = next(o for o in OPERATORS if rest.startswith(o))
            return token[:len(name)], op, _unquote(rest[len(op):])
    if token.lower().startswith("subject="):
        return token[:len("subject")], "=", _unquote(token[len("subject="):]).strip()
    field, sep, value = token.partition(":")
    if not sep or '"' in field:
        return "", "", _unquote(token)
    return field, ":", _unquote(value).strip()


def _meaning(token: str) -> tuple[str, str, str]:
    """What a term selects, however it is spelled: claimant:X is actor:X, Tag:"x" is tag:x."""
    field, op, value = _split(token)
    key = field.lower()
    return COMPARED.get(key, FIELDS.get(key, key)), op, value


def has_term(text: str, term: str) -> bool:
    """Whether the filter holds a term that means the same as `term` (False if the filter cannot be read)."""
    meaning = _meaning(term)
    try:
        return any(_meaning(t.text) == meaning for t in list(terms(text)))
    except WhereError:
        return False


def toggle_term(text: str, term: str) -> str:
    """Take out the terms that mean the same as `term`, or append it if there is none.

    The rest stays as typed, errors in other terms included. A filter with a quote that is not
    closed cannot be split into terms: it is returned unchanged.
    """
    try:
        same = [t for t in terms(text) if _meaning(t.text) == _meaning(term)]
    except WhereError:
        return text
    if not same:
        return f"{text.rstrip()} {term}" if text.strip() else term
    for t in reversed(same):
        before, after = text[:t.start], text[t.end:]
        # With the space that separated it: before it, or after it when it comes first.
        text = before.rstrip() + after if before.strip() else after.lstrip()
    return text


def parse_where(text: str) -> Filter:
    """Read a filter; raises WhereError on anything malformed."""
    flt = Filter()
    words: list[str] = []
    for term in terms(text):
        _apply(flt, term.text, term.start, words)
    if words:
        flt.search = " ".join(words)
    return flt


def _apply(flt: Filter, token: str, start: int, words: list[str]) -> None:
    field, op, value = _split(token)
    key = field.lower()
    if key in COMPARED and op not in (":", ""):
        if not value:
            raise WhereError(f"'{token}' needs a value after {op}", start)
        _compare(flt, COMPARED[key], op, value, token, start)
        return
    if op == "=":  # subject=
        if not value:
            raise WhereError("'subject=' needs a value", start)
        flt.exact_subjects.append(value)
        return
    if not op:
        words.append(value)
        return
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
