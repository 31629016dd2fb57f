"""Reading facts: filters turned into SQL with parameters only, and one fact in full."""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

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


@dataclass
class Filter:
    """What `facts list` and the browser's filter bar narrow facts by. Every term must hold."""

    actors: list[str] = field(default_factory=list)  # claimant: any of these names or aliases
    subjects: list[str] = field(default_factory=list)  # subject contains this text
    exact_subjects: list[str] = field(default_factory=list)  # subject is one of these
    units: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # source keys
    statuses: list[str] = field(default_factory=list)
    anchorings: list[str] = field(default_factory=list)  # how quotes were found again: orphan, fuzzy ...
    marks: list[str] = field(default_factory=list)  # is:conflicted
    tags: list[str] = field(default_factory=list)  # has every one of these tags
    since: str | None = None  # holds on or after: YYYY, YYYY-MM or YYYY-MM-DD
    until: str | None = None  # holds on or before
    min_confidence: float | None = None
    max_confidence: float | None = None
    search: str | None = None  # full-text words
    comparisons: list[tuple[str, str, float]] = field(default_factory=list)  # (value|confidence, op, number)

    def merge(self, other: "Filter") -> "Filter":
        """Both filters at once: every term of each must hold."""
        out = Filter()
        for name in ("actors", "subjects", "exact_subjects", "units", "sources", "statuses", "anchorings", "marks",
                     "tags", "comparisons"):
            setattr(out, name, getattr(self, name) + getattr(other, name))
        out.since = max(filter(None, (self.since, other.since)), default=None, key=lambda d: _point(d, "since").start)
        out.until = min(filter(None, (self.until, other.until)), default=None, key=lambda d: _point(d, "until").end)
        minimums = [m for m in (self.min_confidence, other.min_confidence) if m is not None]
        out.min_confidence = max(minimums) if minimums else None
        maximums = [m for m in (self.max_confidence, other.max_confidence) if m is not None]
        out.max_confidence = min(maximums) if maximums else None
        out.search = " ".join(s for s in (self.search, other.search) if s) or None
        return out

    def where(self, db: sqlite_utils.Database) -> tuple[str, list]:
        """A WHERE clause and its parameters, over columns that `facts` and facts_flat share."""
        clauses: list[str] = []
        params: list[object] = []
        if self.actors:
            ids = sorted({resolve_actor(db, name) for name in self.actors})
            clauses.append(f"actor_id IN ({', '.join('?' * len(ids))})")
            params += ids
        for subject in self.subjects:
            clauses.append("subject LIKE ? ESCAPE '\\'")
            params.append(f"%{_like(subject)}%")
        if self.exact_subjects:
            clauses.append(f"subject IN ({', '.join('?' * len(self.exact_subjects))})")
            params += self.exact_subjects
        if self.units:
            clauses.append(f"unit IN ({', '.join('?' * len(self.units))}) COLLATE NOCASE")
            params += self.units
        if self.sources:
            clauses.append(f"source_id IN (SELECT id FROM sources WHERE key IN ({', '.join('?' * len(self.sources))}))")
            params += [s.lower() for s in self.sources]
        if self.statuses:
            bad = [s for s in self.statuses if s not in STATUSES]
            if bad:
                raise FactsError(f"unknown status '{bad[0]}' (one of: {', '.join(STATUSES)})")
            clauses.append(f"status IN ({', '.join('?' * len(self.statuses))})")
            params += self.statuses
        if self.anchorings:
            bad = [a for a in self.anchorings if a not in ANCHORINGS]
            if bad:
                raise FactsError(f"unknown anchoring '{bad[0]}' (one of: {', '.join(ANCHORINGS)})")
            marks = ", ".join("?" * len(self.anchorings))
            clauses.append(f"id IN (SELECT id FROM facts WHERE anchored_by IN ({marks}))")
            params += self.anchorings
        for mark in self.marks:
            if mark.casefold() not in FACT_MARKS:
                raise FactsError(f"unknown mark 'is:{mark}' (one of: {', '.join(f'is:{m}' for m in FACT_MARKS)})")
            clauses.append("uid IN (SELECT subject FROM conflicts WHERE kind IN ('field', 'duplicate') "
                           "UNION ALL SELECT field FROM conflicts WHERE kind = 'duplicate')")
        for tag in self.tags:
            clauses.append("id IN (SELECT fact_id FROM fact_tags WHERE tag = ?)")
            params.append(tag)
        if self.since:
            clauses.append("date_end >= ?")
            params.append(_point(self.since, "since").start.isoformat())
        if self.until:
            clauses.append("date_start <= ?")
            params.append(_point(self.until, "until").end.isoformat())
        if self.min_confidence is not None:
            clauses.append("confidence >= ?")
            params.append(self.min_confidence)
        if self.max_confidence is not None:
            clauses.append("confidence <= ?")
            params.append(self.max_confidence)
        for column, op, number in self.comparisons:
            if column not in ("value", "confidence") or op not in (">=", "<=", ">", "<", "="):
                raise FactsError(f"cannot compare {column} with {op}")
            clauses.append(f"{column} {op} ?")
            params.append(number)
        if self.search and self.search.strip():
            clauses.append("id IN (SELECT rowid FROM facts_fts WHERE facts_fts MATCH ?)")
            params.append(fts_query(self.search))
        return (" AND ".join(clauses) or "1"), params


def _point(text: str, name: str):
    try:
        return parse_point(text)
    except ValueError as e:
        raise FactsError(f"--{name}: {e}") from None


def _like(text: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", text)


def fts_query(text: str) -> str:
    """Words as an FTS5 query: every word must appear; nothing is read as FTS syntax."""
    words = re.findall(r"\w+", text)
    return " ".join(f'"{w}"*' if i == len(words) - 1 else f'"{w}"' for i, w in enumerate(words)) or '""'


def list_facts(db: sqlite_utils.Database, flt: Filter | None = None, *, sort: str = "id", descending: bool = False,
               limit: int | None = None, offset: int = 0) -> Iterator[dict]:
    """Rows of facts_flat that pass the filter, in order."""
    where, params = (flt or Filter()).where(db)
    sql = f"SELECT * FROM facts_flat WHERE {where} ORDER BY {order_by(sort, descending)}"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params = params + [limit, offset]
    yield from db.query(sql, params)


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
    fact = rows[0]
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
