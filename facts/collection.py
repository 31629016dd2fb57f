"""One database from any thread, for the browser: what it reads (in windows, never a whole table)
and what it writes, each through the library function that does the job.

A result is the ordered list of fact ids that pass a filter (8 bytes a fact,
read from an index) plus pages of rows fetched by id when they come into
view. Jumping anywhere is then one primary-key lookup of a page, however
long the result. Worker threads borrow connections from a small pool: one
connection is never used by two threads at once, and a new worker does not
pay for opening one.
"""

import queue
import sqlite3
import threading
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sqlite_utils

from .actors import add_actor, edit_actor, list_actors, resolve_actor
from .annotations import annotate, retract
from .candidates import Document, Draft, decide, draft_from_passage, inbox, load_document
from .columns import READ_AHEAD, WAIT_FOR_KEYS, FactColumns, Held, integers, needs
from .comparison import Comparison, compare
from .conflicts import Conflict, list_conflicts, resolve_conflict, side_text
from .db import open_db, transaction, utc_now
from .display import format_confidence, format_date, format_quantity_unit, format_status
from .errors import DuplicateFact, FactsError, Superseded
from .export import export, output
from .extract import Candidate
from .facets import FacetValue, data_version, facet_counts_many, named
from .fact_dir import write_log
from .models import Actor, validated
from .numbers import parse_quantity
from .provenance import describe_suggestion, link_speaker, suggest_repeats, unlink_speaker
from .query import FactDetail, Filter, get_fact, order_by
from .sources import cited_quotes, edit_source, get_source, list_sources
from .writing import (
    Resolver,
    add_fact,
    edit_fact,
    fact_record,
    find_duplicate,
    insert_fact,
    revert_change,
    validate_fact,
)

# The columns of a page row, as the browser shows them.
# SQLite's page cache per connection (its default is 2 MiB): the browser holds several connections, and
# those reading the columns scan each once, which a cache does not help.
CACHE_KIB = 1024
COLUMNS_CACHE_KIB = 256
PAGE_COLUMNS = ("id", "claim", "subject", "value", "low", "high", "unit", "qualifier", "date_start", "date_end",
                "date_precision", "claimant", "source", "confidence", "status", "annotation_count", "tags",
                "anchored_by", "conflicted")


@dataclass
class Query:
    """A filter and an order: what the table shows."""

    filter: Filter = field(default_factory=Filter)
    sort: str = "id"
    descending: bool = False


class Collection:
    """Read access to one database from any thread."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._idle: queue.SimpleQueue[sqlite_utils.Database] = queue.SimpleQueue()
        self._running: dict[str, sqlite_utils.Database] = {}  # job -> the connection doing it now
        self._latest: dict[str, Query | None] = {}  # job -> the query it was last asked for
        # job -> queries it was asked for before that (kept, so that no new query takes their id)
        self._superseded: dict[str, deque] = defaultdict(lambda: deque(maxlen=64))
        self._lock = threading.Lock()
        self.columns = FactColumns(lambda: self._connect(COLUMNS_CACHE_KIB, quiet=True))
        self._last_kept: tuple[tuple, np.ndarray] | None = None
        self._kept_lock = threading.Lock()

    def _connect(self, cache_kib: int, quiet: bool = False) -> sqlite_utils.Database:
        db = open_db(self.path, quiet=quiet)
        db.execute(f"PRAGMA cache_size = -{cache_kib}")
        return db

    @contextmanager
    def _db(self, job: str | None = None, query: "Query | None" = None) -> Iterator[sqlite_utils.Database]:
        """A connection of the pool. For a `job` (the table's result, the facets ...), asking it for another
        query stops the one still running: its read is interrupted, and it raises Superseded, as does any
        later step of it (a thread cannot be stopped between steps: the first rows, then the ids)."""
        if job is not None:
            with self._lock:
                if any(q is query for q in self._superseded[job]):
                    raise Superseded(job)
                latest = self._latest.get(job)
                if latest is not None and latest is not query:
                    self._superseded[job].append(latest)
                self._latest[job] = query
        try:
            db = self._idle.get_nowait()
        except queue.Empty:
            db = self._connect(CACHE_KIB)
        if job is not None:
            with self._lock:
                if (previous := self._running.get(job)) is not None:
                    previous.conn.interrupt()
                self._running[job] = db
        try:
            yield db
        except sqlite3.OperationalError as e:
            if job is not None and e.sqlite_errorcode == sqlite3.SQLITE_INTERRUPT:
                raise Superseded(job) from None
            raise
        finally:
            if job is not None:
                with self._lock:
                    if self._running.get(job) is db:
                        del self._running[job]
            self._idle.put(db)

    def first_rows(self, query: Query, limit: int) -> list[dict]:
        """The first rows of a result, before its id list is known."""
        with self._db("result", query) as db:
            wait = WAIT_FOR_KEYS.get(query.sort, 0.0)
            if (held := self.columns.ready(needs(query.filter, query.sort), wait)) is not None:
                first = held.ordered(self._kept(db, held, query.filter), query.sort, query.descending)[:limit]
                found = self._rows(db, first.tolist())
                return [found[i] for i in first.tolist() if i in found]
            where, params = query.filter.where(db)
            sql = (f"SELECT {', '.join(PAGE_COLUMNS)} FROM facts_flat WHERE {where} "
                   f"ORDER BY {order_by(query.sort, query.descending)} LIMIT ?")
            return [_display(dict(r)) for r in db.query(sql, params + [limit])]

    def ordered_ids(self, query: Query) -> np.ndarray:
        """Every id of the result, in order: from the columns in memory when they are held, else from SQLite."""
        with self._db("result", query) as db:
            wait = WAIT_FOR_KEYS.get(query.sort, 0.0)
            if (held := self.columns.ready(needs(query.filter, query.sort), wait)) is not None:
                self.columns.ready(READ_AHEAD)
                return held.ordered(self._kept(db, held, query.filter), query.sort, query.descending)
            # Names (claimant, source) and annotation counts live in the view; the rest in `facts`,
            # whose indexes serve the order without joining anything.
            table = "facts_flat" if query.sort in ("claimant", "source", "annotations") else "facts"
            where, params = query.filter.where(db)
            # One string of ids, read as numbers by numpy: a million Python ints would cost seconds and keep memory.
            sql = f"SELECT id FROM {table} WHERE {where} ORDER BY {order_by(query.sort, query.descending)}"
            return integers(db, f"SELECT group_concat(id) FROM ({sql})", params)

    def _kept(self, db: sqlite_utils.Database, held: Held, flt: Filter) -> np.ndarray:
        """Which facts a filter keeps, as a mask over the held columns. One filter's mask is worked out once
        for the result and the facets alike (one waits for the other rather than asking SQLite twice, which at
        a million facts would also hold twice the memory), and the last one is kept."""
        key = (held.version, id(held), repr(flt))
        with self._kept_lock:
            last = self._last_kept
            if last is not None and last[0] == key:
                return last[1]
            mask = held.kept(db, flt)
            self._last_kept = (key, mask)
            return mask

    def largest_id(self) -> int:
        """The largest fact id (0 when there are none): how wide the id column must be for any result."""
        with self._db() as db:
            return db.execute("SELECT coalesce(max(id), 0) FROM facts").fetchone()[0]

    def rows(self, ids: list[int]) -> dict[int, dict]:
        """Rows by id, ready to show."""
        with self._db() as db:
            return self._rows(db, ids)

    @staticmethod
    def _rows(db: sqlite_utils.Database, ids: list[int]) -> dict[int, dict]:
        if not ids:
            return {}
        marks = ", ".join("?" * len(ids))
        sql = f"SELECT {', '.join(PAGE_COLUMNS)} FROM facts_flat WHERE id IN ({marks})"
        return {r["id"]: _display(dict(r)) for r in db.query(sql, list(ids))}

    def facets(self, query: Query, names: tuple[str, ...], limit: int = 20) -> dict[str, list[FacetValue]]:
        with self._db("facets", query) as db:
            if (held := self.columns.ready(needs(query.filter, "id", names))) is not None:
                counted = held.facets(self._kept(db, held, query.filter), names, limit)
                return {name: named(db, name, top) for name, top in counted.items()}
            return facet_counts_many(db, query.filter, names, limit)

    def fact(self, fact_id: int) -> FactDetail:
        with self._db() as db:
            return get_fact(db, fact_id)

    def compare(self, subject: str, unit: str | None, weighted: bool = False) -> Comparison:
        with self._db() as db:
            return compare(db, subject, unit, weighted)

    def sources(self) -> list[dict]:
        with self._db() as db:
            return list_sources(db)

    def source(self, key: str) -> tuple[dict, list[dict]]:
        """A source with its text, and the facts that quote it."""
        with self._db() as db:
            source = get_source(db, key)
            return source, cited_quotes(db, source["id"])

    def inbox(self, key: str) -> tuple[Document, list[Candidate], dict[str, int]]:
        """A source's pending quantity candidates (with the dates and claimants they need) and progress."""
        with self._db() as db:
            doc = load_document(db, key)
            pending, counts = inbox(db, doc)
            return doc, pending, counts

    def reject(self, doc: Document, candidate: Candidate, author: str) -> None:
        with self._db() as db, transaction(db):
            decide(db, doc, candidate, "rejected", author)

    def accept(self, doc: Document, candidate: Candidate, data: dict, author: str,
               allow_duplicate: bool = False, create_actors: bool = False) -> int:
        """Write the fact a person made of a candidate, and record the decision, together."""
        with self._db() as db, transaction(db):
            if not allow_duplicate:
                same = find_duplicate(db, data)
                if same is not None:
                    raise DuplicateFact(same)
            fact_id, _ = insert_fact(db, validate_fact(data, Resolver(db, create_actors)), author)
            decide(db, doc, candidate, "accepted", author, fact_id)
            return fact_id

    def add(self, data: dict, author: str, allow_duplicate: bool = False, create_actors: bool = False) -> int:
        """Write a new fact; one like an existing fact (source, quote, value, claimant) only when allowed."""
        with self._db() as db:
            if not allow_duplicate:
                same = find_duplicate(db, data)
                if same is not None:
                    raise DuplicateFact(same)
            return add_fact(db, data, author, create_actors=create_actors)[0]

    def export_view(self, query: Query, shape: str, path: str) -> int:
        """What the table shows, written as facts export would (facts-jsonl: the whole collection)."""
        with self._db() as db, output(path) as out:
            if shape == "facts-jsonl":
                return write_log(db, out).get("fact", 0)
            return export(db, "facts_flat", out, shape=shape, flt=query.filter)

    def record(self, fact_id: int) -> dict:
        with self._db() as db:
            return fact_record(db, fact_id)

    def edit(self, fact_id: int, data: dict, author: str) -> list[str]:
        with self._db() as db:
            return edit_fact(db, fact_id, data, author)

    def revert(self, history_id: int, author: str) -> int:
        with self._db() as db:
            return revert_change(db, history_id, author)

    def annotate(self, **fields) -> int:
        with self._db() as db:
            return annotate(db, **fields)

    def retract(self, annotation_id: int, author: str) -> int:
        with self._db() as db:
            return retract(db, annotation_id, author, "undone in the browser")

    def passage_draft(self, key: str, start: int, end: int) -> Draft:
        with self._db() as db:
            return draft_from_passage(db, key, start, end)

    def conflicts(self) -> list[tuple[Conflict, list[str]]]:
        """Every conflict with its sides' values in words."""
        with self._db() as db:
            return [(c, [side_text(db, c.field, s.value) for s in c.sides]) for c in list_conflicts(db)]

    def fact_id_of(self, uid: str) -> int | None:
        with self._db() as db:
            row = db.execute("SELECT id FROM facts WHERE uid = ?", [uid]).fetchone()
            return row[0] if row else None

    def source_key_of(self, uid: str) -> str | None:
        with self._db() as db:
            row = db.execute("SELECT key FROM sources WHERE uid = ?", [uid]).fetchone()
            return row[0] if row else None

    def resolve(self, conflict_id: int, take: str, author: str) -> str:
        """Settle a conflict (facts resolve): what was done, in words."""
        with self._db() as db, transaction(db):
            return resolve_conflict(db, conflict_id, take, author, utc_now())

    def actors(self) -> list[dict]:
        """Every actor: id, name, kind, aliases, claims."""
        with self._db() as db:
            return list_actors(db)

    def add_actor(self, name: str, kind: str, allow_similar: bool = False) -> int:
        """A new actor named in the browser; one that reads like a stored actor only when allowed."""
        with self._db() as db, transaction(db):
            return add_actor(db, validated(Actor, {"name": name, "kind": kind}), allow_similar=allow_similar)[0]

    def edit_actor(self, actor_id: int, name: str, kind: str, author: str,
                   speaks_for: tuple[str, str | None, str | None] | None = None) -> list[str]:
        """Correct an actor's name and kind, and link the organisation it speaks for (name, from, to); what
        changed."""
        with self._db() as db, transaction(db):
            checked = validated(Actor, {"name": name, "kind": kind})
            changed = edit_actor(db, actor_id, author, utc_now(), name=checked.name, kind=checked.kind)
            if speaks_for is not None and speaks_for[0].startswith("-"):  # "-NATO": no longer speaks for it
                unlink_speaker(db, checked.name, speaks_for[0][1:].strip(), author, utc_now())
                changed.append("speaks for")
            elif speaks_for is not None and link_speaker(db, checked.name, *speaks_for, author, utc_now()):
                changed.append("speaks for")
            return changed

    def repeat_suggestions(self, subject: str, quantity: str, actor: str, exclude: int | None = None) -> list[str]:
        """The stored facts a fact being typed may repeat (same subject, value and claimant or its
        organisation), each in words; none while the fields do not read yet."""
        try:
            value = parse_quantity(quantity).value
        except ValueError:
            return []
        with self._db() as db:
            try:
                actor_id = resolve_actor(db, actor.strip())
            except FactsError:
                return []
            return [describe_suggestion(s) for s in suggest_repeats(db, subject.strip(), value, actor_id, exclude)]

    def edit_source(self, key: str, changes: dict[str, object], reason: str, author: str) -> list[str]:
        """Change a source's metadata (None clears a field), with the reason kept; what changed."""
        with self._db() as db, transaction(db):
            return edit_source(db, key, changes, reason, author, utc_now())

    def vocabulary(self) -> dict[str, list[str]]:
        """What the fact form completes from: actor names and aliases, subjects, source keys, tags."""
        with self._db() as db:
            return {
                "actor": [r[0] for r in db.execute("SELECT alias FROM aliases ORDER BY alias COLLATE NOCASE")],
                "subject": [r[0] for r in db.execute("SELECT DISTINCT subject FROM facts ORDER BY subject LIMIT 5000")],
                "source": [r[0] for r in db.execute("SELECT key FROM sources ORDER BY key")],
                "tags": [r[0] for r in db.execute("SELECT DISTINCT tag FROM fact_tags ORDER BY tag LIMIT 5000")],
            }

    def version(self) -> int:
        """PRAGMA data_version: call it from one thread only (it is per connection)."""
        with self._db() as db:
            return data_version(db)


def _display(row: dict) -> dict:
    """A row with the texts the table shows beside the raw values."""
    row["date_text"] = format_date(row)
    row["quantity_text"] = format_quantity_unit(row)
    row["confidence_text"] = format_confidence(row["confidence"])
    row["status_text"] = format_status(row)
    return row
