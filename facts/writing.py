"""Writing facts: resolve names, anchor quotes, refuse silent overwrites.

One path for every way a fact comes in (facts add, facts import, the seed
collection, the browser's form).
"""

import hashlib
import json
import operator
import sqlite3
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import sqlite_utils

from . import db as db_module
from .actors import add_actor, resolve_actor
from .annotations import retract
from .db import transaction
from .errors import FactsError, FieldProblems, UnknownActor
from .events import Event, first_values, in_order, parents_of
from .models import Actor, FactIn, FactPointer, validated
from .provenance import link_repeats, repeated_fact, resolve_pointer
from .quotes import Anchor, find_quote

# The columns a fact is written with, in schema order.
FACT_COLUMNS = (
    "claim", "subject", "value", "low", "high", "unit", "qualifier", "as_stated",
    "date_start", "date_end", "date_precision", "stated_on", "actor_id", "source_id",
    "quote", "quote_start", "quote_end", "quote_prefix", "quote_suffix",
    "confidence", "credibility", "status", "status_reason", "superseded_by",
)
# Together these name one claim: importing it again adds nothing (schema.sql: facts_natural_key).
NATURAL_KEY = ("source_id", "actor_id", "subject", "claim", "date_start", "date_end")


def key_digest(key: tuple) -> int:
    """A fact's natural key in 8 bytes, the same in every process (Python's hash() is not)."""
    return int.from_bytes(hashlib.blake2b(repr(key).encode(), digest_size=8).digest(), "little")


_INSERT = (f"INSERT INTO facts (id, {', '.join(FACT_COLUMNS)}, created_by, created_at, uid) "
           f"VALUES (?, {', '.join('?' * len(FACT_COLUMNS))}, ?, ?, ?)")
_FIND = (f"SELECT id, {', '.join(FACT_COLUMNS)} FROM facts WHERE "
         + " AND ".join(f"{c} = ?" for c in NATURAL_KEY))
_ABOUT = "INSERT INTO fact_about (fact_id, actor_id) VALUES (?, ?)"
_ANNOTATE = "INSERT INTO annotations (fact_id, kind, tag, body, author, created_at, uid) VALUES (?, ?, ?, ?, ?, ?, ?)"
BATCH = 1000  # facts written per executemany


_KEY = operator.itemgetter(*(FACT_COLUMNS.index(c) for c in NATURAL_KEY))


@dataclass
class PreparedFact:
    values: tuple  # in FACT_COLUMNS order
    about: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    note: str | None = None
    created_at: str | None = None
    created_by: str | None = None
    # A full-fidelity record carries the values a fact was entered with; later changes come as
    # annotations. Importing it again compares with those, not with the values of today.
    as_entered: bool = False
    repeats: int | FactPointer | None = None  # linked once the fact is written (facts.provenance)
    uid: str | None = None  # its global id, when the record carries one

    @property
    def row(self) -> dict:
        return dict(zip(FACT_COLUMNS, self.values))

    @property
    def key(self) -> tuple:
        """Its natural key: the values of NATURAL_KEY."""
        return _KEY(self.values)


class Resolver:
    """Looks up actors and sources once per run."""

    def __init__(self, db: sqlite_utils.Database, create_actors: bool = False, writer: "FactWriter | None" = None):
        self.db = db
        self.create_actors = create_actors
        self.writer = writer  # the facts it holds count as stored before they are written
        self._actors: dict[str, int] = {}
        self._sources: dict[tuple[str, bool], tuple[int, str | None]] = {}
        self.actors_created = 0
        self.refs: dict[object, int] = {}  # file-local fact refs -> ids, in a full-fidelity import
        self.annotation_refs: dict[object, int] = {}  # and annotation refs, for retractions
        # A full-fidelity fact is as first entered: its quote is found in its source's first text.
        self.as_entered = False

    def actor(self, name: str) -> int:
        key = name.casefold()
        if key not in self._actors:
            try:
                self._actors[key] = resolve_actor(self.db, name)
            except UnknownActor:
                if not self.create_actors:
                    raise
                self._actors[key] = add_actor(self.db, Actor(name=name), allow_similar=False)[0]
                self.actors_created += 1
        return self._actors[key]

    def source(self, key: str) -> tuple[int, str | None]:
        cached = (key, self.as_entered)
        if cached not in self._sources:
            row = self.db.execute("SELECT id, text FROM sources WHERE key = ?", [key]).fetchone()
            if row is None:
                from .sources import get_source
                get_source(self.db, key)  # raises with suggestions
            text = row[1]
            if self.as_entered:
                first = self.db.execute("SELECT text FROM source_versions WHERE source_id = ? AND version = 1",
                                        [row[0]]).fetchone()
                text = first[0] if first else text
            self._sources[cached] = (row[0], text)
        return self._sources[cached]

    def fact_exists(self, fact_id: int) -> bool:
        if self.writer is not None and fact_id in self.writer.waiting:
            return True
        return self.db.execute("SELECT 1 FROM facts WHERE id = ?", [fact_id]).fetchone() is not None


@dataclass
class References:
    actor_id: int | None = None
    about: list[int] = field(default_factory=list)
    source_id: int | None = None
    anchor: Anchor | None = None


def resolve_references(resolver: Resolver, actor: object, about: object, source: object, quote: object,
                       quote_start: object, superseded_by: object) -> tuple[References, list[tuple[str, str]]]:
    """Resolve the names a fact gives; every one that does not resolve is a problem.

    Takes raw values too, so a record that fails validation still hears about
    its unknown actor or missing quote in the same run.
    """
    refs, problems = References(), []
    if isinstance(actor, str) and actor.strip():
        try:
            refs.actor_id = resolver.actor(actor.strip())
        except FactsError as e:
            problems.append(("actor", str(e)))
    for i, name in enumerate(about if isinstance(about, list) else []):
        if isinstance(name, str) and name.strip():
            try:
                refs.about.append(resolver.actor(name.strip()))
            except FactsError as e:
                problems.append((f"about.{i}", str(e)))
    text = None
    key = source.strip().lower() if isinstance(source, str) else ""
    if key:
        try:
            refs.source_id, text = resolver.source(key)
        except FactsError as e:
            problems.append(("source", str(e)))
    if isinstance(quote, str) and quote.strip() and text is not None:
        start = quote_start if isinstance(quote_start, int) and not isinstance(quote_start, bool) else None
        try:
            refs.anchor = find_quote(text, quote, start)
        except ValueError as e:
            problems.append(("quote", f"{e} ('{key}')"))
    if isinstance(superseded_by, int) and not isinstance(superseded_by, bool):
        problems += superseding_problems(resolver, superseded_by)
    return refs, problems


def superseding_problems(resolver: "Resolver", superseded_by: int) -> list[tuple[str, str]]:
    """The problem of a fact superseded by one that is not there."""
    return [] if resolver.fact_exists(superseded_by) else [("superseded_by", f"no fact #{superseded_by}")]


def prepare_fact(fact: FactIn, resolver: Resolver) -> PreparedFact:
    """The row to write for a validated fact; every unresolvable name is reported."""
    refs, problems = resolve_references(resolver, fact.actor, fact.about, fact.source, fact.quote,
                                        fact.quote_start, fact.superseded_by)
    if problems:
        raise FieldProblems(problems)
    actor_id, source_id, anchor, about = refs.actor_id, refs.source_id, refs.anchor, refs.about
    q = fact.quantity
    row = {
        "claim": fact.claim, "subject": fact.subject,
        "value": q.value if q else None, "low": q.low if q else None, "high": q.high if q else None,
        "unit": fact.unit, "qualifier": q.qualifier if q else None, "as_stated": q.as_stated if q else None,
        "date_start": fact.date.start.isoformat(), "date_end": fact.date.end.isoformat(),
        "date_precision": fact.date.precision, "stated_on": fact.stated_on,
        "actor_id": actor_id, "source_id": source_id,
        "quote": anchor.exact if anchor else fact.quote,
        "quote_start": anchor.start if anchor else None, "quote_end": anchor.end if anchor else None,
        "quote_prefix": anchor.prefix if anchor else None, "quote_suffix": anchor.suffix if anchor else None,
        "confidence": fact.confidence, "credibility": fact.credibility, "status": fact.status,
        "status_reason": fact.status_reason, "superseded_by": fact.superseded_by,
    }
    return PreparedFact(tuple(row[c] for c in FACT_COLUMNS), sorted(set(about)), list(dict.fromkeys(fact.tags)),
                        fact.note, fact.created_at, fact.created_by, repeats=fact.repeats, uid=fact.uid)


def insert_fact(db: sqlite_utils.Database, fact: PreparedFact, author: str) -> tuple[int, bool]:
    """Write a prepared fact: (id, created). The same claim again is skipped; a changed one is refused."""
    writer = FactWriter(db, author)
    fact_id, created = writer.add(fact)
    writer.flush()
    return fact_id, created


class FactWriter:
    """Writes prepared facts inside the caller's transaction, BATCH at a time.

    A fact gets its id when it is added (one above the largest, as SQLite would give it), so that refs
    and repeated claims resolve before the batch is written. A fact the database refuses is passed to
    `refused` with where it came from, or raised as FieldProblems.
    """

    def __init__(self, db: sqlite_utils.Database, author: str,
                 refused: Callable[[str | None, FieldProblems], None] | None = None, *,
                 relaxed: bool = False, index_key: Callable[[], None] | None = None):
        """`relaxed`: the facts' CHECKs are not evaluated as they are written (each fact passed the models;
        the caller checks the table once at the end). `index_key`: the natural-key index is not there
        yet (a bulk import into an empty table); the writer knows the keys it added by their digest,
        and calls it to build the index the first time a key comes again."""
        self.db = db
        self.author = author
        self.refused = refused
        self.relaxed = relaxed
        self.index_key = index_key
        self._digests: set[int] | None = set() if index_key else None
        self.next_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM facts").fetchone()[0]
        self._batch: list[tuple[int, PreparedFact, str | None]] = []  # id, fact, where it came from
        self._keys: dict[tuple, int] = {}  # natural key -> index in the batch
        # Where each fact this writer added came from ("file:line"), compactly: a claim that comes again with
        # other values is refused naming that line, not a fact that will not be stored.
        self.first_id = self.next_id
        self._origin_lines = array("I")
        self._origin_files = array("H")
        self._files: list[str] = []

    _entered: dict[tuple, int] | None = None

    def _entered_keys(self) -> dict[tuple, int]:
        """The natural keys edited facts had when first entered (a full-fidelity file names them so), read once."""
        if self._entered is None:
            self._entered = {}
            for (fact_id,) in self.db.execute("SELECT DISTINCT fact_id FROM fact_history WHERE action = 'update'"):
                row = self.db.conn.execute(f"SELECT {', '.join(FACT_COLUMNS)} FROM facts WHERE id = ?",
                                           [fact_id]).fetchone()
                if row:
                    first = entered_values(self.db, fact_id, dict(zip(FACT_COLUMNS, row)))
                    self._entered[tuple(first[c] for c in NATURAL_KEY)] = fact_id
        return self._entered

    @property
    def waiting(self) -> range:
        """The ids of the facts added and not yet written."""
        return range(self._batch[0][0] if self._batch else self.next_id, self.next_id)

    def add(self, fact: PreparedFact, where: str | None = None, digest: int | None = None) -> tuple[int, bool]:
        """(id, created). The same claim again is skipped; a changed one is refused naming the stored fact.
        `digest` is the key's digest when the caller has it (key_digest)."""
        key = fact.key
        if key in self._keys:
            fact_id, earlier, _ = self._batch[self._keys[key]]
            _check_unchanged(fact, fact_id, earlier.row, self.origin(fact_id))
            return fact_id, False
        if self._digests is not None:
            digest = key_digest(key) if digest is None else digest
            if digest not in self._digests and not (fact.as_entered and key in self._entered_keys()):
                self._digests.add(digest)
                return self._added(key, fact, where)
            self._build_key_index()
        existing = self.db.conn.execute(_FIND, key).fetchone()
        if not existing and fact.as_entered and key in self._entered_keys():
            existing = self.db.conn.execute(f"SELECT id, {', '.join(FACT_COLUMNS)} FROM facts WHERE id = ?",
                                            [self._entered_keys()[key]]).fetchone()
        if existing:
            stored = dict(zip(FACT_COLUMNS, existing[1:]))
            if fact.as_entered:
                stored = entered_values(self.db, existing[0], stored)
            _check_unchanged(fact, existing[0], stored, self.origin(existing[0]))
            return existing[0], False
        return self._added(key, fact, where)

    def origin(self, fact_id: int) -> str | None:
        """Where a fact this writer added came from ("file:line"); None for one stored before."""
        i = fact_id - self.first_id
        if not 0 <= i < len(self._origin_lines) or not self._origin_lines[i]:
            return None
        return f"{self._files[self._origin_files[i]]}:{self._origin_lines[i]}"

    def _added(self, key: tuple, fact: PreparedFact, where: str | None) -> tuple[int, bool]:
        fact_id = self.next_id
        self.next_id += 1
        path, _, line = (where or "").rpartition(":")
        if path not in self._files:
            self._files.append(path)
        self._origin_lines.append(int(line) if line.isdigit() else 0)
        self._origin_files.append(self._files.index(path))
        self._keys[key] = len(self._batch)
        self._batch.append((fact_id, fact, where))
        if len(self._batch) >= BATCH:
            self.flush()
        return fact_id, True

    def _build_key_index(self) -> None:
        """A key came again: from here on it is looked up in the natural-key index, built now."""
        self.flush()
        if self.index_key:
            self.index_key()
        self.index_key = self._digests = None

    def flush(self) -> None:
        """Write the facts added since the last flush."""
        batch, self._batch, self._keys = self._batch, [], {}
        while batch:
            written, error = self._write(batch)
            if error is None:
                return
            refused = batch[written]
            problems = FieldProblems([("record", f"refused by the database: {error}")])
            if self.refused is None:
                raise problems
            self.refused(refused[2], problems)
            batch = batch[written + 1:]

    def _write(self, batch: list[tuple[int, PreparedFact, str | None]]) -> tuple[int, sqlite3.IntegrityError | None]:
        """Write facts in order, with their about rows, tags and notes, up to the first the database
        refuses: (how many were written, the error or None)."""
        conn = self.db.conn
        now = db_module.utc_now()
        uids = db_module.new_uids(sum(1 + len(f.tags) + (f.note is not None) for _, f, _ in batch))
        error = None
        try:
            if self.relaxed:
                conn.execute("PRAGMA ignore_check_constraints = ON")
            conn.executemany(_INSERT, [(fact_id, *f.values, f.created_by or self.author,
                                        f.created_at or now, f.uid or next(uids)) for fact_id, f, _ in batch])
        except sqlite3.IntegrityError as e:
            # The rows before the refused one stay written (a savepoint per batch would cost more than it saves).
            last = conn.execute("SELECT coalesce(max(id), 0) FROM facts").fetchone()[0]
            batch, error = [item for item in batch if item[0] <= last], e
        finally:
            if self.relaxed:
                conn.execute("PRAGMA ignore_check_constraints = OFF")
        conn.executemany(_ABOUT, [(fact_id, actor_id) for fact_id, f, _ in batch for actor_id in f.about])
        conn.executemany(_ANNOTATE, [row for fact_id, f, _ in batch
                                     for row in _annotations(fact_id, f, self.author, f.created_at or now, uids)])
        return len(batch), error


def _annotations(fact_id: int, fact: PreparedFact, author: str, now: str, uids: Iterator[str]) -> list[tuple]:
    """The tag and note annotations a new fact comes with."""
    rows: list[tuple] = [(fact_id, "tag", tag, None, author, now, next(uids)) for tag in fact.tags]
    if fact.note:
        rows.append((fact_id, "note", None, fact.note, author, now, next(uids)))
    return rows


def _check_unchanged(fact: PreparedFact, fact_id: int, stored: dict, earlier: str | None = None) -> None:
    """Refuse a claim already stored with different values, or given earlier in the same import (`earlier`:
    where) with different values."""
    row = fact.row
    differ = [c for c in FACT_COLUMNS if c not in ("quote_prefix", "quote_suffix") and stored[c] != row[c]]
    if not differ:
        return
    detail = ", ".join(f"{c} {_show(row[c])} here, {_show(stored[c])} {'there' if earlier else 'stored'}"
                       for c in differ)
    if earlier:
        raise FieldProblems([("record", f"the same claim (source, claimant, subject, claim and dates) comes "
                                        f"earlier in this import, at {earlier}, with different values ({detail}); "
                                        "give one of them its own subject or claim")])
    raise FieldProblems([("record", f"the same claim is already stored as fact #{fact_id} "
                                    f"with different values ({detail}); change that fact instead")])


def entered_values(db: sqlite_utils.Database, fact_id: int, current: dict) -> dict:
    """A fact's columns as first entered: the current values with every recorded change undone."""
    changes = [Event(uid or "", parents_of(parents), at, by, json.loads(old), json.loads(new))
               for uid, parents, at, by, old, new in db.execute(
                   "SELECT uid, parents, changed_at, changed_by, old, new FROM fact_history WHERE fact_id = ? "
                   "AND action = 'update' ORDER BY id", [fact_id])]
    return first_values(current, in_order(changes))


def _show(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)


def add_fact(db: sqlite_utils.Database, data: dict, author: str, *, create_actors: bool = False) -> tuple[int, bool]:
    """Validate, resolve and write one fact in its own transaction: (id, created)."""
    with transaction(db):
        prepared = validate_fact(data, Resolver(db, create_actors))
        fact_id, created = insert_fact(db, prepared, author)
        if prepared.repeats is not None:
            link_repeats(db, fact_id, resolve_pointer(db, prepared.repeats), author, db_module.utc_now())
        return fact_id, created


def validate_fact(data: object, resolver: Resolver) -> PreparedFact:
    """Check a fact record against the model and the database: all its problems at once."""
    if not isinstance(data, dict):
        raise FieldProblems([("record", f"must be a mapping of fields, not {type(data).__name__}")])
    try:
        fact = validated(FactIn, data)
    except FieldProblems as e:
        _, unresolved = resolve_references(resolver, *(data.get(k) for k in (
            "actor", "about", "source", "quote", "quote_start", "superseded_by")))
        named = {f for f, _ in e.problems}
        raise FieldProblems(e.problems + [p for p in unresolved if p[0] not in named]) from None
    return prepare_fact(fact, resolver)


def fact_record(db: sqlite_utils.Database, fact_id: int) -> dict:
    """A stored fact as an input record (names and keys), to fill a form for editing."""
    rows = list(db.query("SELECT * FROM facts_flat WHERE id = ?", [fact_id]))
    if not rows:
        raise FactsError(f"no fact #{fact_id}")
    f = rows[0]
    from .dates import span_text
    from .query import listed
    quantity = None
    if f["qualifier"]:
        quantity = {k: f[k] for k in ("value", "low", "high", "qualifier", "as_stated") if f[k] is not None}
    record = {
        "claim": f["claim"], "subject": f["subject"], "quantity": quantity, "unit": f["unit"],
        "date": span_text(f["date_start"], f["date_end"], f["date_precision"]), "stated_on": f["stated_on"],
        "actor": f["claimant"], "about": listed(f["about"]), "source": f["source"],
        "quote": f["quote"], "quote_start": f["quote_start"], "confidence": f["confidence"],
        "credibility": f["credibility"], "status": f["status"], "status_reason": f["status_reason"],
        "superseded_by": f["superseded_by"], "repeats": repeated_fact(db, fact_id),
    }
    return {k: v for k, v in record.items() if v not in (None, [])}


_EDITABLE = [c for c in FACT_COLUMNS if c not in ("status", "status_reason", "superseded_by")]


def edit_fact(db: sqlite_utils.Database, fact_id: int, data: dict, author: str) -> list[str]:
    """Change a fact to a validated record; every change lands in its history. Returns the columns changed.

    Status changes go through annotations (facts status), not here; tags and notes likewise.
    """
    if not db.execute("SELECT 1 FROM facts WHERE id = ?", [fact_id]).fetchone():
        raise FactsError(f"no fact #{fact_id}")
    data = {k: v for k, v in data.items() if k not in ("tags", "note", "status", "status_reason", "superseded_by")}
    with transaction(db):
        prepared = validate_fact(data, Resolver(db))
        current = dict(zip(_EDITABLE, db.execute(f"SELECT {', '.join(_EDITABLE)} FROM facts WHERE id = ?",
                                                 [fact_id]).fetchone()))
        changed = [c for c in _EDITABLE if current[c] != prepared.row[c]]
        if changed:
            key = [prepared.row[c] for c in NATURAL_KEY]
            if db.execute(_FIND.replace(" FROM facts WHERE ", " FROM facts WHERE id <> ? AND "),
                          [fact_id, *key]).fetchone():
                raise FieldProblems([("claim", "another fact already says this (same source, claimant, subject, "
                                               "claim and dates)")])
            try:
                db.execute(f"UPDATE facts SET {', '.join(f'{c} = ?' for c in changed)}, updated_at = ?, updated_by = ? "
                           "WHERE id = ?", [prepared.row[c] for c in changed] + [db_module.utc_now(), author, fact_id])
            except sqlite3.IntegrityError as e:
                raise FieldProblems([("record", f"refused by the database: {e}")]) from None
        about = sorted(set(prepared.about))
        stored = sorted(r[0] for r in db.execute("SELECT actor_id FROM fact_about WHERE fact_id = ?", [fact_id]))
        if about != stored:
            set_about(db, fact_id, about, author, db_module.utc_now())
            changed.append("about")
        repeats = resolve_pointer(db, prepared.repeats) if prepared.repeats is not None else None
        if link_repeats(db, fact_id, repeats, author, db_module.utc_now(), replace=True):
            changed.append("repeats")
        return changed


def set_about(db: sqlite_utils.Database, fact_id: int, about: list[int], author: str, now: str) -> None:
    """Change the actors a fact is about. No column holds them, so the change is written to the history here
    (a trigger gives it its uid and parents). Runs inside the caller's transaction."""
    stored = sorted(a for (a,) in db.execute("SELECT actor_id FROM fact_about WHERE fact_id = ?", [fact_id]))
    about = sorted(set(about))
    if about == stored:
        return
    db.execute("DELETE FROM fact_about WHERE fact_id = ?", [fact_id])
    db.conn.executemany(_ABOUT, [(fact_id, a) for a in about])
    db.execute("UPDATE facts SET updated_at = ?, updated_by = ? WHERE id = ?", [now, author, fact_id])
    db.execute("INSERT INTO fact_history (fact_id, action, changed_at, changed_by, old, new) VALUES (?, 'update', ?, "
               "?, ?, ?)", [fact_id, now, author, db_module.change_json({"about": stored}),
                            db_module.change_json({"about": about})])


def revert_change(db: sqlite_utils.Database, history_id: int, author: str) -> int:
    """Put back the values one recorded change replaced; the revert is itself a new change. Returns the fact id.

    A change a re-rating or status annotation made is reverted by retracting that annotation, so that the
    fact, its annotations and its history agree."""
    row = db.execute("SELECT fact_id, action, old, changed_at FROM fact_history WHERE id = ?",
                     [history_id]).fetchone()
    if row is None:
        raise FactsError(f"no change #{history_id} in the history")
    fact_id, action, old, changed_at = row
    if action != "update":
        raise FactsError(f"change #{history_id} deleted a fact; it cannot be reverted here")
    made_by = db.execute("SELECT id, EXISTS (SELECT 1 FROM annotations r WHERE r.retracts = a.id) FROM annotations a "
                         "WHERE fact_id = ? AND kind IN ('rate', 'status') AND created_at = ? ORDER BY id DESC",
                         [fact_id, changed_at]).fetchone()
    if made_by is not None:
        if made_by[1]:
            raise FactsError(f"change #{history_id} came from annotation #{made_by[0]}, which is already retracted")
        retract(db, made_by[0], author, f"reverted change #{history_id}")  # its own transaction
        return fact_id
    values = {k: v for k, v in json.loads(old).items() if k in FACT_COLUMNS}
    with transaction(db):
        if "about" in json.loads(old):
            set_about(db, fact_id, json.loads(old)["about"], author, db_module.utc_now())
        if not values:
            return fact_id
        try:
            db.execute(f"UPDATE facts SET {', '.join(f'{c} = ?' for c in values)}, updated_at = ?, updated_by = ? "
                       "WHERE id = ?", list(values.values()) + [db_module.utc_now(), author, fact_id])
        except sqlite3.IntegrityError as e:
            raise FactsError(f"cannot revert change #{history_id}: {e}") from None
    return fact_id


def find_duplicate(db: sqlite_utils.Database, data: dict) -> int | None:
    """An existing fact with the same source, quote, value and claimant as a record, if any."""
    try:
        prepared = validate_fact(data, Resolver(db))
    except FactsError:
        return None
    row = prepared.row
    found = db.execute("SELECT id FROM facts WHERE source_id = ? AND actor_id = ? AND quote IS ? AND value IS ? "
                       "AND low IS ? AND high IS ?", [row["source_id"], row["actor_id"], row["quote"], row["value"],
                                                      row["low"], row["high"]]).fetchone()
    return found[0] if found else None
