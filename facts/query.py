"""Reading facts: filters turned into SQL with parameters only, and one fact in full."""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast

import sqlite_utils

from .actors import resolve_actor
from .dates import parse_point
from .errors import FactsError
from .provenance import link_history, origin_of, repeated_fact
from .vocab import ANCHORINGS, FACT_MARKS, SORTS, STATUSES

# Each sort (vocab.SORTS) as columns of facts_flat, in an order an index serves where one exists;
# facts and facts_flat share every name but claimant, source and annotation_count.
SORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "date": ("date_start", "date_end", "id"),
    "claimant": ("claimant", "id"),
    "subject": ("subject", "id"),
    "value": ("value", "id"),
    "unit": ("unit", "id"),
    "confidence": ("confidence", "id"),
    "source": ("source", "id"),
    "status": ("status", "id"),
    "annotations": ("annotation_count", "id"),
}
assert tuple(SORT_COLUMNS) == SORTS


def order_by(sort: str, descending: bool = False) -> str:
    """An ORDER BY list for a sort name."""
    if sort not in SORT_COLUMNS:
        raise FactsError(f"cannot sort by '{sort}' (one of: {', '.join(SORTS)})")
    direction = " DESC" if descending else ""
    return ", ".join(f"{c}{direction}" for c in SORT_COLUMNS[sort])


# --- a filter's expression: terms joined by AND, OR and NOT (facts/where.py reads it from text) ---------

@dataclass(frozen=True)
class Term:
    """One term: a field condition (field as Filter names it: actors, units, ...; 'words' and 'phrase' for
    full-text search, 'dates' for a span, 'comparisons' for value and confidence) and where it was typed."""

    field: str
    value: object
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Not:
    part: "Expression"


@dataclass(frozen=True)
class AllOf:
    parts: tuple["Expression", ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple["Expression", ...]


Expression = Term | Not | AllOf | AnyOf


def expression_sql(db: sqlite_utils.Database, node: Expression) -> tuple[str, list]:
    """An expression as SQL with parameters. A negated condition holds where the condition does not,
    empty fields included (-unit:troops keeps facts without a unit)."""
    if isinstance(node, Term):
        return term_sql(db, node)
    if isinstance(node, Not):
        sql, params = expression_sql(db, node.part)
        return f"(({sql}) IS NOT 1)", params
    joined: list[tuple[str, list]] = []
    parts = list(node.parts)
    if isinstance(node, AllOf):  # words side by side are one full-text search: one pass over the index
        words = [p for p in parts if isinstance(p, Term) and p.field == "words"]
        if len(words) > 1:
            parts = [p for p in parts if p not in words]
            joined.append(search_sql([w.value[0] for w in words], prefix=words[-1].value[1]))  # type: ignore[index]
    joined += [expression_sql(db, p) for p in parts]
    glue = " AND " if isinstance(node, AllOf) else " OR "
    return "(" + glue.join(sql for sql, _ in joined) + ")", [p for _, params in joined for p in params]


def term_sql(db: sqlite_utils.Database, term: Term) -> tuple[str, list]:
    if term.field == "words":  # (word, whether it is being typed: its start is enough)
        word, prefix = cast(tuple[str, bool], term.value)
        return search_sql([word], prefix)
    if term.field == "phrase":
        words = re.findall(r"\w+", str(term.value))
        return "id IN (SELECT rowid FROM facts_fts WHERE facts_fts MATCH ?)", [f'"{" ".join(words)}"']
    if term.field == "dates":
        since, until = cast(tuple[str | None, str | None], term.value)
        clauses = (["date_end >= ?"] if since else []) + (["date_start <= ?"] if until else [])
        return "(" + " AND ".join(clauses) + ")", [d for d in (since, until) if d]
    if term.field == "comparisons":
        return _compare_sql(list(cast(tuple, term.value)))
    return _condition(db, term.field, [term.value])


def search_sql(words: list[str], prefix: bool = True) -> tuple[str, list]:
    return "id IN (SELECT rowid FROM facts_fts WHERE facts_fts MATCH ?)", [fts_query(" ".join(words), prefix)]


def _compare_sql(comparisons: list[tuple[str, str, float]]) -> tuple[str, list]:
    clauses, params = [], []
    for column, op, number in comparisons:
        if column not in ("value", "confidence") or op not in (">=", "<=", ">", "<", "="):
            raise FactsError(f"cannot compare {column} with {op}")
        clauses.append(f"{column} {op} ?")
        params.append(number)
    return "(" + " AND ".join(clauses) + ")", params


# The stored units, each read through the unit index once (a skip scan): few, whatever the facts.
_UNITS = ("WITH RECURSIVE u(unit) AS (SELECT min(unit) FROM facts UNION ALL "
          "SELECT (SELECT min(unit) FROM facts WHERE unit > u.unit) FROM u WHERE u.unit IS NOT NULL) ")


def _condition(db: sqlite_utils.Database, name: str, values: list) -> tuple[str, list]:
    """The condition of a field holding any of `values` (every one of them, for tags)."""
    marks = ", ".join("?" * len(values))
    if name == "actors":
        ids = sorted({resolve_actor(db, v) for v in values})
        return f"actor_id IN ({', '.join('?' * len(ids))})", ids
    if name == "subjects":
        return "(" + " OR ".join("subject LIKE ? ESCAPE '\\'" for _ in values) + ")", [f"%{_like(v)}%" for v in values]
    if name == "exact_subjects":
        return f"subject IN ({marks})", values
    if name == "units":  # as stored in any case: unit:Troops finds troops
        return (f"unit IN ({_UNITS}SELECT unit FROM u WHERE unit IS NOT NULL AND unit COLLATE NOCASE IN ({marks}))",
                values)
    if name == "sources":
        return f"source_id IN (SELECT id FROM sources WHERE key IN ({marks}))", [v.lower() for v in values]
    if name == "statuses":
        bad = [v for v in values if v not in STATUSES]
        if bad:
            raise FactsError(f"unknown status '{bad[0]}' (one of: {', '.join(STATUSES)})")
        return f"status IN ({marks})", values
    if name == "anchorings":
        bad = [v for v in values if v not in ANCHORINGS]
        if bad:
            raise FactsError(f"unknown anchoring '{bad[0]}' (one of: {', '.join(ANCHORINGS)})")
        return f"id IN (SELECT id FROM facts WHERE anchored_by IN ({marks}))", values
    if name == "marks":
        bad = [v for v in values if v.casefold() not in FACT_MARKS]
        if bad:
            raise FactsError(f"unknown mark 'is:{bad[0]}' (one of: {', '.join(f'is:{m}' for m in FACT_MARKS)})")
        return ("uid IN (SELECT subject FROM conflicts WHERE kind IN ('field', 'duplicate') "
                "UNION ALL SELECT field FROM conflicts WHERE kind = 'duplicate')"), []
    if name == "tags":  # has every one
        return ("(" + " AND ".join("id IN (SELECT fact_id FROM fact_tags WHERE tag = ?)" for _ in values) + ")",
                values)
    raise FactsError(f"no field '{name}'")


@dataclass
class Filter:
    """What `facts list` and the browser's filter bar narrow facts by: the terms given one by one (every
    one must hold; a list holds if any of its values does) and an expression read from a filter's text."""

    actors: list[str] = field(default_factory=list)  # claimant: any of these names or aliases
    subjects: list[str] = field(default_factory=list)  # subject contains this text
    exact_subjects: list[str] = field(default_factory=list)  # subject is one of these
    units: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # source keys
    statuses: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # has every one of these tags
    since: str | None = None  # holds on or after: YYYY, YYYY-MM or YYYY-MM-DD
    until: str | None = None  # holds on or before
    min_confidence: float | None = None
    search: str | None = None  # full-text words
    expression: Expression | None = None  # read from text (facts/where.py)

    def merge(self, other: "Filter") -> "Filter":
        """Both filters at once: every term of each must hold."""
        out = Filter()
        for name in ("actors", "subjects", "exact_subjects", "units", "sources", "statuses", "tags"):
            setattr(out, name, getattr(self, name) + getattr(other, name))
        out.since = max(filter(None, (self.since, other.since)), default=None, key=lambda d: _point(d, "since").start)
        out.until = min(filter(None, (self.until, other.until)), default=None, key=lambda d: _point(d, "until").end)
        minimums = [m for m in (self.min_confidence, other.min_confidence) if m is not None]
        out.min_confidence = max(minimums) if minimums else None
        out.search = " ".join(s for s in (self.search, other.search) if s) or None
        both = [e for e in (self.expression, other.expression) if e is not None]
        out.expression = both[0] if len(both) == 1 else AllOf(tuple(both)) if both else None
        return out

    def where(self, db: sqlite_utils.Database) -> tuple[str, list]:
        """A WHERE clause and its parameters, over columns that `facts` and facts_flat share."""
        conditions: list[tuple[str, list]] = []
        for name in ("actors", "exact_subjects", "units", "sources", "statuses", "tags"):
            if getattr(self, name):
                conditions.append(_condition(db, name, getattr(self, name)))
        for subject in self.subjects:  # each must hold
            conditions.append(_condition(db, "subjects", [subject]))
        if self.since or self.until:
            conditions.append(term_sql(db, Term("dates", (
                self.since and _point(self.since, "since").start.isoformat(),
                self.until and _point(self.until, "until").end.isoformat()))))
        if self.min_confidence is not None:
            conditions.append(_compare_sql([("confidence", ">=", self.min_confidence)]))
        if self.search and self.search.strip():
            conditions.append(search_sql([self.search]))
        if self.expression is not None:
            conditions.append(expression_sql(db, self.expression))
        sql = " AND ".join(c for c, _ in conditions) or "1"
        return sql, [p for _, params in conditions for p in params]


def _point(text: str, name: str):
    try:
        return parse_point(text)
    except ValueError as e:
        raise FactsError(f"--{name}: {e}") from None


def _like(text: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", text)


def fts_query(text: str, prefix: bool = True) -> str:
    """Words as an FTS5 query: every word must appear (the last one's start is enough, with `prefix`);
    nothing is read as FTS syntax."""
    words = re.findall(r"\w+", text)
    last = len(words) - 1 if prefix else -1
    return " ".join(f'"{w}"*' if i == last else f'"{w}"' for i, w in enumerate(words)) or '""'


# The columns of facts_flat that hold lists, as JSON arrays (NULL when empty).
LIST_COLUMNS = ("about", "tags")


def listed(value: str | None) -> list[str]:
    """A list column's names or tags."""
    return json.loads(value) if value else []


def with_lists(row: dict) -> dict:
    """A row of facts_flat with its list columns as lists: for JSON, where a list should read as one."""
    return {**row, **{c: listed(row[c]) for c in LIST_COLUMNS if c in row}}


def list_facts(db: sqlite_utils.Database, flt: Filter | None = None, *, sort: str = "id", descending: bool = False,
               limit: int | None = None, offset: int = 0) -> Iterator[dict]:
    """Rows of facts_flat that pass the filter, in order."""
    where, params = (flt or Filter()).where(db)
    sql = f"SELECT * FROM facts_flat WHERE {where} ORDER BY {order_by(sort, descending)}"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params = params + [limit, offset]
    yield from db.query(sql, params)


def count_facts(db: sqlite_utils.Database, flt: Filter | None = None) -> int:
    """How many facts pass the filter (counted on `facts`, whose indexes serve it, not the view)."""
    where, params = (flt or Filter()).where(db)
    return db.execute(f"SELECT count(*) FROM facts WHERE {where}", params).fetchone()[0]


@dataclass
class FactDetail:
    fact: dict
    source_text: str | None
    annotations: list[dict]
    history: list[dict]
    links: list[dict] = field(default_factory=list)  # what it repeats, as linked and unlinked (link_history)
    conflicts: list[dict] = field(default_factory=list)  # what analysts did to it apart (facts conflicts)


def get_fact(db: sqlite_utils.Database, fact_id: int) -> FactDetail:
    """One fact with everything about it."""
    rows = list(db.query("SELECT * FROM facts_flat WHERE id = ?", [fact_id]))
    if not rows:
        raise FactsError(f"no fact #{fact_id}")
    fact = with_lists(rows[0])
    # Where the claim comes from: what it repeats, and the actor it counts as (facts compare groups by it).
    fact["repeats"] = repeated_fact(db, fact_id)
    fact["origin_fact"], fact["origin"] = origin_of(db, fact_id)
    text = db.execute("SELECT text FROM sources WHERE id = ?", [fact["source_id"]]).fetchone()[0]
    annotations = list(db.query("SELECT * FROM annotations WHERE fact_id = ? ORDER BY created_at, id", [fact_id]))
    history = []
    for row in db.query("SELECT * FROM fact_history WHERE fact_id = ? ORDER BY id", [fact_id]):
        row = dict(row)
        row["old"] = json.loads(row["old"])
        row["new"] = json.loads(row["new"]) if row["new"] else None
        if row["new"] is not None:  # a change records its columns' whole group; a reader wants what changed
            changed = [k for k in row["new"] if row["old"].get(k) != row["new"][k]]
            row["kept"] = not changed  # a conflict settled on the value shown: nothing changed, a side was taken
            if changed:
                row["old"], row["new"] = {k: row["old"].get(k) for k in changed}, {k: row["new"][k] for k in changed}
        row["names"] = _names_in_change(db, row["old"], row["new"] or {})
        history.append(row)
    conflicts = [dict(r) for r in db.query(
        "SELECT id, kind, field FROM conflicts WHERE (kind IN ('field', 'duplicate') AND subject = ?) "
        "OR (kind = 'duplicate' AND field = ?) ORDER BY id", [fact["uid"], fact["uid"]])]
    return FactDetail(fact, text, annotations, history, link_history(db, "repeats", fact_id), conflicts)


def _names_in_change(db: sqlite_utils.Database, *values: dict) -> dict[str, dict[int, str]]:
    """The names behind the ids a change holds: {'actor_id': {4: 'NATO'}, 'source_id': {1: 'odr-2022-02-09'}}."""
    names: dict[str, dict[int, str]] = {}
    for column, sql in (("actor_id", "SELECT id, name FROM actors WHERE id = ?"),
                        ("source_id", "SELECT id, key FROM sources WHERE id = ?")):
        for v in values:
            ids = v.get(column), *(v.get("about") or [] if column == "actor_id" else [])
            for i in ids:
                if isinstance(i, int):
                    found = db.execute(sql, [i]).fetchone()
                    if found:
                        names.setdefault(column, {})[found[0]] = found[1]
    return names
