"""The filter language of `facts list --where` and the browser's filter bar.

    actor:nato subject:"troops in belarus" unit:troops date:2022-02..2022-03
    conf>=0.6 status:disputed tag:x value>10000 free words "a phrase"
    status:disputed OR status:active      -unit:troops      NOT (tag:x OR tag:y)

Terms side by side must all hold (AND may be written); OR joins alternatives and binds looser than
the terms beside each other; NOT or a leading '-' negates a term or a group in parentheses. Field terms
narrow by field (subject: contains the text, subject="..." is exactly it); other words are full-text
search, a quoted one a phrase. The grammar, read by hand in two steps (a recursive-descent reader of
the structure, then each term's meaning), so that every error says where it is and a facet can be
toggled in a filter whose other terms are still being typed:

    filter := any? END          any  := all ("OR" all)*         all := one ("AND"? one)*
    one    := ("NOT" | "-") one | "(" any ")" | term

Values never reach SQL as text: the result is a Filter, which builds parameterised SQL.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from .confidence import confidence_conditions
from .dates import parse_point
from .errors import WhereError
from .numbers import parse_number
from .query import AllOf, AnyOf, Expression, Filter, Not, Term
from .vocab import STATUSES

FIELDS = {
    "actor": "actors", "claimant": "actors", "subject": "subjects", "unit": "units", "source": "sources",
    "status": "statuses", "tag": "tags", "anchor": "anchorings", "is": "marks",
}
COMPARED = {"conf": "confidence", "confidence": "confidence", "value": "value"}
OPERATORS = (">=", "<=", ">", "<", "=")
KEYWORDS = ("AND", "OR", "NOT")  # in capitals; and, or, not in lower case are words to search


def _unquote(text: str) -> str:
    return text.replace('"', "")


class Token(NamedTuple):
    """A term, a parenthesis, a keyword or a '-' as typed, and where it stands in the text."""

    text: str
    start: int
    end: int

    @property
    def kind(self) -> str:
        if self.text in ("(", ")", "-"):
            return self.text
        return self.text if self.text in KEYWORDS else "term"


def tokens(text: str) -> Iterator[Token]:
    """The tokens of a filter in order; raises WhereError on reaching a quote that is not closed."""
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char.isspace():
            pos += 1
        elif char in "()":
            yield Token(char, pos, pos + 1)
            pos += 1
        elif char == "-":
            yield Token("-", pos, pos + 1)  # -term, -(group): NOT
            pos += 1
        else:
            start = pos
            while pos < len(text) and not text[pos].isspace() and text[pos] not in "()":
                if text[pos] == '"':
                    close = text.find('"', pos + 1)
                    if close < 0:
                        raise WhereError("a quote is not closed", pos)
                    pos = close
                pos += 1
            yield Token(text[start:pos], start, pos)


def terms(text: str) -> Iterator[Token]:
    """The terms of a filter in order, as typed (not its keywords and parentheses)."""
    return (t for t in tokens(text) if t.kind == "term")


# --- the structure ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Group:
    """A part of a filter as read, before its terms mean anything: 'all', 'any', 'not' or a 'term'."""

    kind: str
    parts: tuple["Group", ...] = ()
    token: Token | None = None


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.tokens = list(tokens(text))
        self.at = 0

    def peek(self) -> Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def any(self) -> Group:
        parts = [self.all()]
        while (t := self.peek()) is not None and t.kind == "OR":
            self.take()
            if (after := self.peek()) is None or after.kind in ("OR", "AND", ")"):
                raise WhereError("OR needs a term on each side", t.start)
            parts.append(self.all())
        return parts[0] if len(parts) == 1 else Group("any", tuple(parts))

    def all(self) -> Group:
        parts = [self.one()]
        while (t := self.peek()) is not None and t.kind not in ("OR", ")"):
            if t.kind == "AND":
                self.take()
                if (after := self.peek()) is None or after.kind in ("OR", "AND", ")"):
                    raise WhereError("AND needs a term on each side", t.start)
            parts.append(self.one())
        return parts[0] if len(parts) == 1 else Group("all", tuple(parts))

    def one(self) -> Group:
        t = self.peek()
        if t is None:
            raise WhereError("the filter ends where a term should be", len(self.text))
        if t.kind in ("NOT", "-"):
            self.take()
            if (after := self.peek()) is None or after.kind in ("OR", "AND", ")"):
                raise WhereError(f"{'NOT' if t.kind == 'NOT' else '-'} needs a term after it", t.start)
            if t.kind == "-" and after.start > t.end:
                raise WhereError("- goes right before what it leaves out: -tag:x", t.start)
            return Group("not", (self.one(),))
        if t.kind == "(":
            self.take()
            if (after := self.peek()) is not None and after.kind == ")":
                raise WhereError("() holds nothing", t.start)
            inside = self.any()
            close = self.peek()
            if close is None or close.kind != ")":
                raise WhereError("a parenthesis is not closed", t.start)
            self.take()
            return inside
        if t.kind in ("OR", "AND"):
            raise WhereError(f"{t.kind} needs a term on each side", t.start)
        if t.kind == ")":
            raise WhereError("a parenthesis closes that was not opened", t.start)
        return Group("term", token=self.take())


def read_structure(text: str) -> Group | None:
    """A filter's structure (None for an empty one); raises WhereError where it cannot be read."""
    reader = _Reader(text)
    if reader.peek() is None:
        return None
    found = reader.any()
    if (extra := reader.peek()) is not None:  # only a ')' stops the reader early
        raise WhereError("a parenthesis closes that was not opened", extra.start)
    return found


def _top_terms(structure: Group | None) -> list[Token]:
    """The terms that must hold whatever else does: the filter's own, not inside OR or NOT."""
    if structure is None:
        return []
    parts = structure.parts if structure.kind == "all" else (structure,)
    return [p.token for p in parts if p.kind == "term" and p.token is not None]


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
    if not sep or not field or '"' in field:
        return "", "", _unquote(token)
    return field, ":", _unquote(value).strip()


def _meaning(token: str) -> tuple[str, str, str]:
    """What a term selects, however it is spelled: claimant:X is actor:X, Tag:"x" is tag:x."""
    field, op, value = _split(token)
    key = field.lower()
    return COMPARED.get(key, FIELDS.get(key, key)), op, value


def has_term(text: str, term: str) -> bool:
    """Whether the filter holds a term that means the same as `term` where it must hold (not inside OR or NOT;
    False if the filter cannot be read)."""
    meaning = _meaning(term)
    try:
        return any(_meaning(t.text) == meaning for t in _top_terms(read_structure(text)))
    except WhereError:
        return False


def toggle_term(text: str, term: str) -> str:
    """Take out the filter's own terms that mean the same as `term`, or add it (after the rest in
    parentheses, if the rest is alternatives joined by OR).

    The rest stays as typed, errors in other terms included. A filter whose structure cannot be read (a
    quote or a parenthesis not closed) is returned unchanged.
    """
    try:
        structure = read_structure(text)
    except WhereError:
        return text
    same = [t for t in _top_terms(structure) if _meaning(t.text) == _meaning(term)]
    if not same:
        if structure is None:
            return term
        rest = text.strip()
        if structure.kind == "any":
            rest = f"({rest})"
        return f"{rest} {term}"
    for t in reversed(same):
        before, after = text[:t.start], text[t.end:]
        # With the space that separated it: before it, or after it when it comes first.
        text = before.rstrip() + after if before.strip() else after.lstrip()
    return text


# --- the meaning ------------------------------------------------------------------------------------

def parse_where(text: str) -> Filter:
    """Read a filter; raises WhereError on anything malformed, with where it is."""
    structure = read_structure(text)
    if structure is None:
        return Filter()
    last = max((t for t in terms(text)), key=lambda t: t.end)
    prefix = last.end == len(text.rstrip()) and '"' not in last.text  # a word being typed: its start is enough
    return Filter(expression=_expression(structure, last if prefix else None))


def _expression(group: Group, typing: Token | None) -> Expression:
    if group.kind == "term":
        assert group.token is not None
        return _term(group.token, group.token == typing)
    parts = tuple(_expression(p, typing) for p in group.parts)
    if group.kind == "not":
        return Not(parts[0])
    return AllOf(parts) if group.kind == "all" else AnyOf(parts)


def _term(token: Token, typing: bool) -> Term:
    text, start = token.text, token.start
    field, op, value = _split(text)
    key = field.lower()

    def made(name: str, meant: object) -> Term:
        return Term(name, meant, token.start, token.end)
    if key in COMPARED and op not in (":", ""):
        if not value:
            raise WhereError(f"'{text}' needs a value after {op}", start)
        return made("comparisons", tuple(_compare(COMPARED[key], op, value, text, start)))
    if op == "=":  # subject=
        if not value:
            raise WhereError("'subject=' needs a value", start)
        return made("exact_subjects", value)
    if not op:
        if text.startswith('"'):
            return made("phrase", value)
        return made("words", (value, typing))
    if key == "date":
        return made("dates", _date(value, text, start))
    if key not in FIELDS:
        raise WhereError(f"unknown field '{field}' (fields: {', '.join(sorted(set(FIELDS) | {'date'}))}; "
                         f"compare with conf, value)", start)
    if not value:
        raise WhereError(f"'{field}:' needs a value", start)
    if key == "status":
        value = value.lower()
        if value not in STATUSES:
            raise WhereError(f"unknown status '{value}' (one of: {', '.join(STATUSES)})", start + len(field) + 1)
    return made(FIELDS[key], value)


def _compare(column: str, op: str, value: str, token: str, start: int) -> list[tuple[str, str, float]]:
    try:
        if column == "confidence":
            return [(column, o, n) for o, n in confidence_conditions(op, value)]
        return [(column, op, parse_number(value))]
    except ValueError as e:
        raise WhereError(f"'{token}': {e}", start) from None


def _date(value: str, token: str, start: int) -> tuple[str | None, str | None]:
    first, dots, last = value.partition("..")
    if not first and not last:
        raise WhereError("'date:' needs a date or a range FROM..TO", start)
    try:
        since = parse_point(first).start.isoformat() if first else None
        until = parse_point(last).end.isoformat() if dots and last else None
        if not dots and first:
            until = parse_point(first).end.isoformat()
    except ValueError as e:
        raise WhereError(f"'{token}': {e}", start) from None
    return since, until
