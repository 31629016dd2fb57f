"""The facts' columns in memory, as numpy arrays: a filter's count, facets and order at a million facts in
milliseconds, where SQLite takes a second to read the rows again for each.

Which facts a filter keeps is still SQLite's to say, term by term, so that there is one meaning of each
term: a term on one column (unit, subject, claimant, source, status) is asked of one fact for each value
the column holds, and the answer spread to every fact with that value; dates and comparisons are read off
the column's values (a number or an ISO date compares alike in both); full-text search, tags and marks are
asked of SQLite for the ids they keep. Each column is read when first needed, in its own thread, and all
are dropped when another connection commits (PRAGMA data_version): until they are read again, the caller
asks SQLite as before (`ready` says which).

A row here is a fact's place in `ids` (every fact id, ascending); a column is its values, in SQLite's
order (NULL first), and for each row the index of its value (its code). A code's order is its value's.
"""

import contextlib
import ctypes
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import cast

import numpy as np
import sqlite_utils

from .facets import FACETS
from .query import AllOf, Expression, Filter, Not, Term, expression_sql, search_sql, term_sql

# Terms on one column, asked of one fact per value: Term.field -> the column
BY_VALUE = {"units": "unit", "subjects": "subject", "exact_subjects": "subject", "actors": "actor_id",
            "sources": "source_id", "statuses": "status"}
FACET_COLUMNS = {name: column for name, (column, _) in FACETS.items()}  # facet -> the column it counts
# Each sort (query.SORT_COLUMNS) as the keys it orders by, most significant first; 'id' is the row itself.
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "id": (), "date": ("date_start", "date_end"), "claimant": ("claimant",), "subject": ("subject",),
    "value": ("value",), "unit": ("unit",), "confidence": ("confidence",), "source": ("source",),
    "status": ("status",), "annotations": ("annotations",),
}
KEPT_ORDERS = 2  # sort orders kept at once: 4 bytes a fact each
# Sorts by what facts_flat joins (a name, a count): SQLite sorts the whole view for them, seconds at a million
# facts, where reading the key takes a fraction of one; a result in such an order waits that long for it.
WAIT_FOR_KEYS = {"claimant": 3.0, "source": 3.0, "annotations": 3.0}
# ... and are read ahead, once the columns answer, so that such a sort does not wait at all (a few MB).
READ_AHEAD = frozenset(WAIT_FOR_KEYS)


@dataclass
class Column:
    values: list  # distinct values in SQLite's order, NULL first
    codes: np.ndarray  # for each row, the index of its value
    holders: np.ndarray  # for each value, the id of one fact that holds it


class FactColumns:
    """The columns of one database, read on connections of their own (`connect` makes them): one watches
    PRAGMA data_version, one reads, in a thread, what is asked for and not yet held."""

    def __init__(self, connect: Callable[[], sqlite_utils.Database]):
        _large_blocks_apart()
        self._connect = connect
        self._watch: sqlite_utils.Database | None = None
        self._reader: sqlite_utils.Database | None = None
        self._lock = threading.Lock()  # quick: which version is held, what is being read
        self._reading = threading.Lock()  # one reading at a time
        self._held: Held | None = None
        self._loading: set[str] = set()
        self._loading_version: int | None = None  # the version what is being read belongs to
        self._failed: int | None = None  # the version whose reading failed: SQLite answers until it changes

    def ready(self, needs: Iterable[str], wait: float = 0.0) -> "Held | None":
        """The columns, if everything in `needs` (columns, 'tags', sort keys) is held for the database as it is
        now; else None, and what is missing is read in the background while the caller asks SQLite. With
        `wait`, wait up to that many seconds for the reading first (where SQLite would take longer)."""
        held = self._ready(set(needs))
        deadline = time.monotonic() + wait
        while held is None and time.monotonic() < deadline and self._loading:
            time.sleep(0.005)
            held = self._ready(set(needs))
        return held

    def _ready(self, needs: set[str]) -> "Held | None":
        with self._lock:
            if self._watch is None:
                self._watch = self._connect()
            version = self._watch.execute("PRAGMA data_version").fetchone()[0]
            if self._held is not None and self._held.version != version:
                self._held = None
            if self._loading_version != version:  # a reading still under way for this version is not started again
                self._loading, self._loading_version = set(), version
            held = self._held
            missing = needs - (held.names() if held else set()) - self._loading
            if held is None and not self._loading:
                missing.add("ids")
            if self._failed == version:
                missing = set()
            self._loading |= missing
        if missing:
            threading.Thread(target=self._load, args=(version, missing), daemon=True).start()
        return held if held is not None and needs <= held.names() else None

    def _load(self, version: int, names: set[str]) -> None:
        with self._reading:
            try:
                if self._reader is None:
                    self._reader = self._connect()
                db = self._reader
                db.execute("BEGIN")  # one snapshot for what is read together
                try:
                    if db.execute("PRAGMA data_version").fetchone()[0] != version:
                        return  # already changed: read again when next asked
                    held = self._held if self._held is not None and self._held.version == version else None
                    ids = held.ids if held is not None else _narrow(integers(
                        db, "SELECT group_concat(id) FROM (SELECT id FROM facts ORDER BY id)"))
                    known = dict(held.columns) if held is not None else {}
                    read = {n: _read(db, n, ids, known) for n in sorted(names - {"ids"})}
                finally:
                    db.execute("COMMIT")
                with self._lock:
                    if self._held is None or self._held.version != version:
                        if self._held is not None and self._held.version > version:
                            return
                        self._held = Held(version, ids)
                    self._held.add(read)
            except Exception:  # the columns are a speed-up: SQLite still answers, and nothing reaches the screen
                self._failed = version
            finally:
                with self._lock:
                    self._loading -= names
                _give_back_memory()


class Held:
    """The columns read at one version of the database. What is held only grows until the version is dropped."""

    def __init__(self, version: int, ids: np.ndarray):
        self.version, self.ids = version, ids
        # Ids rise, so 1 first and n last means every id from 1 to n: no fact was ever deleted.
        self.dense = _dense(ids)
        self.columns: dict[str, Column] = {}
        self.keys: dict[str, np.ndarray] = {}  # sort keys not stored as a column: claimant, source, annotations
        self.tags: tuple[list, np.ndarray, np.ndarray] | None = None  # tags, each pair's row and tag code
        self._orders: dict[str, np.ndarray] = {}

    def names(self) -> set[str]:
        return {"ids", *self.columns, *self.keys, *(["tags"] if self.tags is not None else [])}

    def add(self, read: dict) -> None:
        for name, value in read.items():
            if name == "tags":
                self.tags = value
            elif isinstance(value, Column):
                self.columns[name] = value
            else:
                self.keys[name] = value

    def kept(self, db: sqlite_utils.Database, flt: Filter) -> np.ndarray:
        """For each row, whether the filter keeps that fact. SQL runs on `db` (the caller's, which it may
        interrupt), with the same conditions as Filter.where."""
        rest = Filter(**{**flt.__dict__, "expression": None})
        where, params = rest.where(db)
        mask = np.ones(len(self.ids), dtype=bool) if where == "1" else self._asked(db, where, params)
        if flt.expression is not None:
            mask &= self._kept(db, flt.expression)
        return mask

    def _kept(self, db: sqlite_utils.Database, node: Expression) -> np.ndarray:
        if isinstance(node, Not):
            return ~self._kept(db, node.part)
        if isinstance(node, Term):
            return self._term(db, node)
        parts = list(node.parts)
        masks = []
        if isinstance(node, AllOf):  # words side by side: one full-text search, as expression_sql does
            words = [p for p in parts if isinstance(p, Term) and p.field == "words"]
            if len(words) > 1:
                parts = [p for p in parts if p not in words]
                masks.append(self._asked(db, *search_sql([w.value[0] for w in words],  # type: ignore[index]
                                                          prefix=words[-1].value[1])))  # type: ignore[index]
        masks += [self._kept(db, p) for p in parts]
        combine = np.logical_and if isinstance(node, AllOf) else np.logical_or
        return combine.reduce(masks) if len(masks) > 1 else masks[0]

    def _term(self, db: sqlite_utils.Database, term: Term) -> np.ndarray:
        if term.field in BY_VALUE and BY_VALUE[term.field] in self.columns:
            column = self.columns[BY_VALUE[term.field]]
            sql, params = term_sql(db, term)
            holding = integers(db, f"SELECT group_concat(id) FROM facts WHERE id IN "
                                   f"(SELECT value FROM json_each(?)) AND {sql}",
                               [_json_ids(column.holders), *params])
            hits = np.isin(column.holders, holding)
            return hits[column.codes]
        if term.field == "comparisons" and all(c in self.columns for c, _, _ in term.value):  # type: ignore[attr-defined]
            mask = np.ones(len(self.ids), dtype=bool)
            for name, op, number in term.value:  # type: ignore[attr-defined]
                column = self.columns[name]
                values = np.array([np.nan if v is None else v for v in column.values], dtype=float)
                mask &= _COMPARE[op](values, number)[column.codes]  # NULL (NaN) compares false, as in SQL
            return mask
        if term.field == "dates" and {"date_start", "date_end"} <= set(self.columns):
            since, until = cast(tuple[str | None, str | None], term.value)
            mask = np.ones(len(self.ids), dtype=bool)
            if since:  # ISO dates: SQLite's text order is the dates' order
                ends = self.columns["date_end"]
                mask &= np.array([v >= since for v in ends.values], dtype=bool)[ends.codes]
            if until:
                starts = self.columns["date_start"]
                mask &= np.array([v <= until for v in starts.values], dtype=bool)[starts.codes]
            return mask
        return self._asked(db, *expression_sql(db, term))

    def _asked(self, db: sqlite_utils.Database, where: str, params: list) -> np.ndarray:
        """The rows of the facts SQLite says a condition keeps."""
        found = integers(db, f"SELECT group_concat(id) FROM facts WHERE {where}", params)
        mask = np.zeros(len(self.ids), dtype=bool)
        if self.dense:  # ids 1..n: a fact's row is its id less one, with no array of rows made for it
            found -= 1
            mask[found[found < len(self.ids)]] = True  # a fact added since the columns were read is left out
            return mask
        rows = np.searchsorted(self.ids, found)
        inside = rows < len(self.ids)
        rows = rows[inside]
        mask[rows[self.ids[rows] == found[inside]]] = True  # a fact added since the columns were read is left out
        return mask

    def ordered(self, mask: np.ndarray, sort: str, descending: bool) -> np.ndarray:
        """The ids of the kept facts in the order of a sort (query.order_by's). Every fact by id is the ids
        themselves, not a copy."""
        order = self._order(sort)
        if order is None and mask.all():
            return self.ids[::-1] if descending else self.ids
        rows = order[mask[order]] if order is not None else np.flatnonzero(mask)
        return self.ids[rows[::-1] if descending else rows]

    def _order(self, sort: str) -> np.ndarray | None:
        if not SORT_KEYS[sort]:
            return None
        order = self._orders.get(sort)
        if order is None:
            keys = [self.columns[k].codes if k in self.columns else self.keys[k] for k in reversed(SORT_KEYS[sort])]
            # Both sorts are stable: ties stay in row order, which is id order.
            order = (np.argsort(keys[0], kind="stable") if len(keys) == 1 else np.lexsort(keys)).astype(np.int32)
            if len(self._orders) >= KEPT_ORDERS:
                self._orders = {}
            self._orders[sort] = order
        return order

    def facets(self, mask: np.ndarray, names: Iterable[str], limit: int) -> dict[str, list[tuple[object, int]]]:
        """The most common values of each facet among the kept facts, as facets.facet_counts_many orders
        them: (stored value, count), most common first, ties by value (NULL first; tags as SQLite orders them)."""
        out: dict[str, list[tuple[object, int]]] = {}
        for name in names:
            if name == "tag":
                assert self.tags is not None
                values, rows, codes = self.tags
                counts = np.bincount(codes[mask[rows]], minlength=len(values))
                top = sorted(np.flatnonzero(counts), key=lambda c: (-counts[c], c))[:limit]
            else:
                column = self.columns[FACET_COLUMNS[name]]
                values = column.values
                counts = np.bincount(column.codes[mask], minlength=len(values))
                top = sorted(np.flatnonzero(counts), key=lambda c: (-counts[c], values[c] is not None, values[c]))
            out[name] = [(values[c], int(counts[c])) for c in top[:limit]]
        return out


def needs(flt: Filter, sort: str, facets: Iterable[str] = ()) -> set[str]:
    """What must be held to answer for this filter, sort and facets."""
    names = set(SORT_KEYS[sort]) | {"tags" if f == "tag" else FACET_COLUMNS[f] for f in facets}
    for term in _terms(flt.expression):
        if term.field in BY_VALUE:
            names.add(BY_VALUE[term.field])
        elif term.field == "comparisons":
            names |= {c for c, _, _ in term.value}  # type: ignore[attr-defined]
        elif term.field == "dates":
            names |= {"date_start", "date_end"}
    return names


_COMPARE = {">=": np.greater_equal, "<=": np.less_equal, ">": np.greater, "<": np.less, "=": np.equal}


def _terms(node: Expression | None) -> Iterable[Term]:
    if node is None:
        return
    if isinstance(node, Term):
        yield node
    elif isinstance(node, Not):
        yield from _terms(node.part)
    else:
        for part in node.parts:
            yield from _terms(part)


def integers(db: sqlite_utils.Database, sql: str, params: list | None = None, dtype: type = np.int64) -> np.ndarray:
    """The integers a query's one group_concat gives, in one string: far quicker than a row each."""
    return _parsed(db.execute(sql, params or []).fetchone()[0], dtype)


def _parsed(text: str | None, dtype: type = np.int64) -> np.ndarray:
    """The numbers of a group_concat's text, read by numpy."""
    return np.fromstring(text, dtype=dtype, sep=",") if text else np.zeros(0, dtype=dtype)


def _dense(ids: np.ndarray) -> bool:
    """Ids 1..n: a fact's row is its id less one."""
    return bool(len(ids)) and ids[0] == 1 and ids[-1] == len(ids)


def _rows(ids: np.ndarray, members: str | None) -> np.ndarray:
    """The rows of `ids` holding the facts a group_concat lists (all of them held: read at one snapshot).
    In the ids' own width, and without a search when ids run from 1: a status that 900,000 facts hold
    took 15 MB more to place."""
    found = _parsed(members, ids.dtype.type)
    if _dense(ids):
        found -= 1
        return found
    return np.searchsorted(ids, found)


def _large_blocks_apart() -> None:
    """Have glibc map every block of 128 KiB or more on its own, returned to the system when freed. By
    default it raises that threshold after the first such block is freed, and then keeps the megabytes a
    column's reading frees (at a million facts, a browsing session held 240 MB instead of 165 MB)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD


def _give_back_memory() -> None:
    """Return freed memory to the system: reading a column frees strings and arrays of several MB, which
    glibc's allocator would otherwise keep for the process (tens of MB at a million facts)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _json_ids(ids: np.ndarray) -> str:
    return "[" + ",".join(map(str, ids.tolist())) + "]"


def _read(db: sqlite_utils.Database, name: str, ids: np.ndarray,
          known: dict[str, Column]) -> "Column | np.ndarray | tuple":
    """A column, the tags or a sort key, read at the snapshot of `ids` (`known`: the columns already held)."""
    if name == "tags":
        return _tags(db, ids)
    if name in ("claimant", "source", "annotations"):
        return _key(db, name, ids, known)
    return _column(db, name, ids)


def _column(db: sqlite_utils.Database, name: str, ids: np.ndarray) -> Column:
    if name in ("actor_id", "source_id"):  # small integers: the column itself, in id order
        raw = integers(db, f"SELECT group_concat({name}) FROM (SELECT {name} FROM facts ORDER BY id)", dtype=np.int32)
        if not len(raw):
            return Column([], np.zeros(0, dtype=np.uint8), np.zeros(0, dtype=np.int64))
        present = np.bincount(raw) > 0  # a table as long as the largest id, not a sort of a million
        distinct = np.flatnonzero(present)
        code_of: np.ndarray = (np.cumsum(present) - 1).astype(_smallest(len(distinct)))  # codes come out small
        first = np.zeros(len(present), dtype=np.int32)
        first[raw[::-1]] = np.arange(len(raw) - 1, -1, -1, dtype=np.int32)  # the earliest row of each wins
        return Column(distinct.tolist(), code_of[raw], ids[first[distinct]])
    # A column with an index: its values in order, each with the facts that hold it.
    codes = np.zeros(len(ids), dtype=np.int32)
    values: list = []
    holders: list[int] = []
    query = f"SELECT {name}, min(id), group_concat(id) FROM facts GROUP BY {name} ORDER BY {name}"
    for code, (value, holder, members) in enumerate(db.execute(query)):
        values.append(value)
        holders.append(holder)
        codes[_rows(ids, members)] = code
    return Column(values, _compact(codes, len(values)), np.array(holders, dtype=np.int64))


def _compact(codes: np.ndarray, distinct: int) -> np.ndarray:
    """Codes in the fewest bytes their number allows: a million facts' units in 1 MB, not 4."""
    return codes.astype(_smallest(distinct))


def _narrow(ids: np.ndarray) -> np.ndarray:
    """Fact ids in 4 bytes where they all fit (they count up from 1): half the memory of every list of them."""
    return ids.astype(np.int32) if len(ids) and ids[-1] < 2**31 else ids


def _smallest(distinct: int) -> type:
    return np.uint8 if distinct <= 256 else np.uint16 if distinct <= 65536 else np.int32


def _tags(db: sqlite_utils.Database, ids: np.ndarray) -> tuple[list, np.ndarray, np.ndarray]:
    tags: list[str] = []
    rows: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for code, (tag, members) in enumerate(db.execute(
            "SELECT tag, group_concat(fact_id) FROM fact_tags GROUP BY tag ORDER BY tag")):
        tags.append(tag)
        rows.append(_rows(ids, members).astype(np.int32, copy=False))
        codes.append(np.full(len(rows[-1]), code, dtype=np.int32))
    if not tags:
        return tags, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    return tags, np.concatenate(rows), np.concatenate(codes)


def _key(db: sqlite_utils.Database, name: str, ids: np.ndarray, known: dict[str, Column]) -> np.ndarray:
    """A sort key of facts_flat that `facts` does not hold: the claimant's name, the source's key (by rank),
    the number of annotations."""
    if name == "annotations":
        counts = np.zeros(len(ids), dtype=np.int32)
        annotated, how_many = db.execute("SELECT group_concat(fact_id), group_concat(n) FROM (SELECT fact_id, "
                                         "count(*) AS n FROM annotations GROUP BY fact_id ORDER BY fact_id)").fetchone()
        counts[_rows(ids, annotated)] = _parsed(how_many)
        return _compact(counts, int(counts.max(initial=0)) + 1)
    held = "actor_id" if name == "claimant" else "source_id"
    column = known[held] if held in known else _column(db, held, ids)
    table, label = ("actors", "name") if name == "claimant" else ("sources", "key")
    ranked = integers(db, f"SELECT group_concat(id) FROM (SELECT id FROM {table} ORDER BY {label}, id)")
    rank: np.ndarray = np.zeros(int(max(ranked.max(initial=0), max(column.values, default=0))) + 1,
                                dtype=_smallest(len(ranked)))
    rank[ranked] = np.arange(len(ranked))
    return rank[np.array(column.values, dtype=np.int64)][column.codes]
