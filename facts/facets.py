"""Counts beside the list, as Datasette's facets, and competing claims side by side."""

from collections import Counter
from dataclasses import dataclass

import sqlite_utils

from .query import Filter

# facet name -> the column of `facts` it groups by, and how a group is named
FACETS = {
    "claimant": ("actor_id", "SELECT name FROM actors WHERE id = g.value"),
    "subject": ("subject", None),
    "unit": ("unit", None),
    "source": ("source_id", "SELECT key FROM sources WHERE id = g.value"),
    "status": ("status", None),
}


@dataclass(frozen=True)
class FacetValue:
    value: str | None
    count: int


def facet_counts(db: sqlite_utils.Database, flt: Filter | None, facet: str, limit: int = 30) -> list[FacetValue]:
    """The most common values of one facet among the facts the filter keeps.

    Groups on the indexed columns of `facts` and names only the groups shown,
    so that counting a million facts does not join a million names.
    """
    flt = flt or Filter()
    where, params = flt.where(db)
    if facet == "tag":
        kept = "" if where == "1" else f"WHERE fact_id IN (SELECT id FROM facts WHERE {where})"
        sql = f"SELECT tag, count(*) AS n FROM fact_tags {kept} GROUP BY tag ORDER BY n DESC, tag LIMIT ?"
        return [FacetValue(value, n) for value, n in db.execute(sql, params + [limit])]
    if facet not in FACETS:
        raise ValueError(f"no facet '{facet}' (one of: {', '.join([*FACETS, 'tag'])})")
    column, name = FACETS[facet]
    label = f"({name})" if name else "g.value"
    sql = (f"SELECT {label} AS label, g.n FROM (SELECT {column} AS value, count(*) AS n FROM facts WHERE {where} "
           f"GROUP BY {column} ORDER BY n DESC, {column} LIMIT ?) AS g ORDER BY g.n DESC, label")
    return [FacetValue(value, n) for value, n in db.execute(sql, params + [limit])]


def facet_counts_many(db: sqlite_utils.Database, flt: Filter | None, names: tuple[str, ...],
                      limit: int = 30) -> dict[str, list[FacetValue]]:
    """Several facets at once; the same answers as facet_counts for each.

    Without a filter each facet is a GROUP BY over its index. With one, the
    filter runs once and every facet is counted in the same pass over the
    facts it keeps, instead of running the filter again for each facet.
    """
    flt = flt or Filter()
    where, params = flt.where(db)
    grouped = [n for n in names if n in FACETS]
    out = {n: facet_counts(db, flt, n, limit) for n in names if n not in FACETS}
    if where == "1" or not grouped:
        out.update({n: facet_counts(db, flt, n, limit) for n in grouped})
        return {n: out[n] for n in names}
    counters: dict[str, Counter] = {n: Counter() for n in grouped}
    columns = ", ".join(FACETS[n][0] for n in grouped)
    cursor = db.execute(f"SELECT {columns} FROM facts WHERE {where}", params)
    while rows := cursor.fetchmany(20_000):
        for i, n in enumerate(grouped):
            counters[n].update(r[i] for r in rows)
    for n in grouped:
        # The same top values as facet_counts: most common first, ties by the stored value.
        out[n] = named(db, n, sorted(counters[n].items(), key=lambda kv: (-kv[1], kv[0] is not None, kv[0]))[:limit])
    return {n: out[n] for n in names}


def named(db: sqlite_utils.Database, facet: str, top: list[tuple]) -> list[FacetValue]:
    """A facet's top (stored value, count) pairs as shown: claimants and sources by name, in the order of
    facet_counts (most common first, ties by name)."""
    labels = _labels(db, facet, [v for v, _ in top])
    return sorted((FacetValue(labels[v], c) for v, c in top), key=lambda f: (-f.count, f.value is not None, f.value))


def _labels(db: sqlite_utils.Database, facet: str, values: list) -> dict:
    """What facet values are called: actor names and source keys for their ids."""
    table = {"claimant": ("actors", "name"), "source": ("sources", "key")}.get(facet)
    if table is None or not values:
        return {v: v for v in values}
    marks = ", ".join("?" * len(values))
    names = dict(db.execute(f"SELECT id, {table[1]} FROM {table[0]} WHERE id IN ({marks})", values))
    return {v: names.get(v) for v in values}


def data_version(db: sqlite_utils.Database) -> int:
    """Changes when another connection commits: the browser polls it to refresh."""
    return db.execute("PRAGMA data_version").fetchone()[0]
