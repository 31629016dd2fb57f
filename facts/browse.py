"""What the browser reads, in windows: never a whole table.

A result is the ordered list of fact ids that pass a filter (8 bytes a fact,
read from an index) plus pages of rows fetched by id when they come into
view. Jumping anywhere is then one primary-key lookup of a page, however
long the result. Each thread gets its own connection (SQLite connections
are not shared across threads).
"""

import threading
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from .db import open_db
from .confidence import likelihood_word
from .display import format_date, format_quantity_unit
from .errors import FactsError
from .facets import Comparison, FacetValue, compare_subject, data_version, facet_counts
from .query import FactDetail, Filter, count_facts, get_fact
from .sources import cited_quotes, get_source, list_sources

# Sort name -> facts_flat columns, in an order that an index can serve where one exists.
SORT_COLUMNS = {
    "id": ("id",),
    "date": ("date_start", "date_end", "id"),
    "claimant": ("claimant", "id"),
    "subject": ("subject", "id"),
    "quantity": ("value", "id"),
    "confidence": ("confidence", "id"),
    "source": ("source", "id"),
    "status": ("status", "id"),
    "annotations": ("annotation_count", "id"),
}

# The columns of a page row, as the browser shows them.
PAGE_COLUMNS = ("id", "claim", "subject", "value", "low", "high", "unit", "qualifier", "date_start", "date_end",
                "date_precision", "claimant", "source", "confidence", "status", "annotation_count", "tags")


def order_by(sort: str, descending: bool) -> str:
    if sort not in SORT_COLUMNS:
        raise FactsError(f"cannot sort by '{sort}' (one of: {', '.join(SORT_COLUMNS)})")
    direction = " DESC" if descending else ""
    return ", ".join(f"{c}{direction}" for c in SORT_COLUMNS[sort])


@dataclass
class Query:
    """A filter and an order: what the table shows."""

    filter: Filter = field(default_factory=Filter)
    sort: str = "id"
    descending: bool = False


class Reader:
    """Read access to one database from any thread."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._local = threading.local()

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = open_db(self.path)
        return db

    def first_rows(self, query: Query, limit: int) -> list[dict]:
        """The first rows of a result, before its id list is known."""
        where, params = query.filter.where(self.db)
        sql = (f"SELECT {', '.join(PAGE_COLUMNS)} FROM facts_flat WHERE {where} "
               f"ORDER BY {order_by(query.sort, query.descending)} LIMIT ?")
        return [_display(dict(r)) for r in self.db.query(sql, params + [limit])]

    def ordered_ids(self, query: Query) -> array:
        """Every id of the result, in order."""
        where, params = query.filter.where(self.db)
        sql = f"SELECT id FROM facts_flat WHERE {where} ORDER BY {order_by(query.sort, query.descending)}"
        ids = array("q")
        cursor = self.db.execute(sql, params)
        while batch := cursor.fetchmany(50_000):
            ids.extend(r[0] for r in batch)
        return ids

    def rows(self, ids: list[int]) -> dict[int, dict]:
        """Rows by id, ready to show."""
        if not ids:
            return {}
        marks = ", ".join("?" * len(ids))
        sql = f"SELECT {', '.join(PAGE_COLUMNS)} FROM facts_flat WHERE id IN ({marks})"
        return {r["id"]: _display(dict(r)) for r in self.db.query(sql, list(ids))}

    def count(self, query: Query) -> int:
        return count_facts(self.db, query.filter)

    def facets(self, query: Query, names: tuple[str, ...], limit: int = 20) -> dict[str, list[FacetValue]]:
        return {name: facet_counts(self.db, query.filter, name, limit) for name in names}

    def fact(self, fact_id: int) -> FactDetail:
        return get_fact(self.db, fact_id)

    def compare(self, subject: str, unit: str | None) -> Comparison:
        return compare_subject(self.db, subject, unit)

    def sources(self) -> list[dict]:
        return list_sources(self.db)

    def source(self, key: str) -> tuple[dict, list[dict]]:
        """A source with its text, and the facts that quote it."""
        source = get_source(self.db, key)
        return source, cited_quotes(self.db, source["id"])

    def version(self) -> int:
        return data_version(self.db)

    def check(self, query: Query) -> None:
        """Raise FactsError if the query cannot run (an unknown actor, say)."""
        query.filter.where(self.db)
        order_by(query.sort, query.descending)


def _display(row: dict) -> dict:
    """A row with the texts the table shows beside the raw values."""
    row["date_text"] = format_date(row)
    row["quantity_text"] = format_quantity_unit(row)
    row["confidence_text"] = f"{row['confidence']:.2f} {likelihood_word(row['confidence'])}"
    return row
