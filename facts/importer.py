"""Importing records into the database: all or nothing, every problem named by FILE:LINE.

Every file's actors and sources are imported before any fact, and the annotations
last (facts/fact_files.py reads the files, in that order). Facts are written in
batches inside one transaction; a failure anywhere rolls back everything.
"""

import sqlite3
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from . import db as db_module
from .actors import add_actor
from .annotations import insert_annotation
from .db import transaction
from .errors import FactsError, FieldProblems, RecordErrors
from .fact_files import CHANGES, SECTIONS, HeldFile, JsonlFile, Record, Records, read_files, seed_files
from .files import read_file
from .import_workers import checked_lines, held_names, workers_for
from .models import Actor, Annotation, FactPointer, Source, SpeaksFor, validated
from .provenance import link_repeats, link_speaker, resolve_pointer
from .replay import expect_change, replay_change
from .sources import add_source
from .writing import FACT_COLUMNS, FactWriter, PreparedFact, Resolver, superseding_problems, validate_fact

SUPERSEDED_BY = FACT_COLUMNS.index("superseded_by")
LISTED = 1000  # problems listed by line; the rest are counted
CACHE_MIB = 64  # SQLite page cache during an import
SORT_MIB = 16  # and while the indexes are built at its end
BULK = 10_000  # records in one import from which the facts' indexes are built once, at the end


@dataclass
class ImportResult:
    facts_added: int = 0
    facts_unchanged: int = 0
    annotations_added: int = 0
    actors_added: int = 0
    sources_added: int = 0
    fact_ids: array = field(default_factory=lambda: array("q"))  # 8 bytes each: a million are 8 MB


def import_records(db: sqlite_utils.Database, records: Iterable[Record], author: str, *, dry_run: bool = False,
                   create_actors: bool = False, progress: Callable[[int], None] | None = None,
                   text_folder: Path | None = None, workers: int | None = None) -> ImportResult:
    """Write all records in one transaction, or none of them if any is bad (or on a dry run).

    A source's text_file is read from its import file's folder, or from `text_folder` when given.
    `workers`: processes that check a large JSONL file's facts (default: one per core, up to 4)."""
    if not isinstance(records, Records):
        records = Records([HeldFile(list(records))])  # actors and sources before the facts that name them
    job = _Import(db, records, author, create_actors, progress, text_folder, workers)
    try:
        return job.run(dry_run, bulk=True)
    except _Unverified:
        # The database's final check found what the models let through: the import runs again with every
        # check made row by row, so that each refused record is named.
        job = _Import(db, records, author, create_actors, progress, text_folder, workers)
        return job.run(dry_run, bulk=False)


class _DryRun(Exception):
    pass


class _Unverified(Exception):
    """A bulk import's check at the end failed."""


class _Import:
    """One try at an import, in one transaction."""

    def __init__(self, db: sqlite_utils.Database, records: Records, author: str, create_actors: bool,
                 progress: Callable[[int], None] | None, text_folder: Path | None, workers: int | None):
        self.db, self.records, self.author = db, records, author
        self.create_actors, self.progress = create_actors, progress
        self.text_folder, self.workers = text_folder, workers
        self.result = ImportResult()
        self.problems = _Problems()
        self.links = _Links()

    def run(self, dry_run: bool, bulk: bool) -> ImportResult:
        db, problems = self.db, self.problems
        try:
            with _page_cache(db, CACHE_MIB), transaction(db):
                deferred = _Deferred(db, len(self.records) if bulk else 0)
                self.writer = FactWriter(db, self.author, refused=lambda where, e: problems.add(where, e.problems),
                                         relaxed=deferred.active, index_key=deferred.natural_key())
                self.resolver = Resolver(db, create_actors=self.create_actors, writer=self.writer)
                for section in SECTIONS:
                    for file in self.records.files:
                        workers = self._workers(file, section, bulk)
                        if workers:
                            self._checked_facts(file, workers)  # type: ignore[arg-type]
                        else:
                            for record in file.records(section):
                                self._record(record)
                self.writer.flush()
                _link(db, self.links, self.author, problems)
                self.result.actors_added += self.resolver.actors_created
                if problems.total:
                    raise RecordErrors(problems.listed, problems.total)
                deferred.finish()
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        else:
            if len(self.records) >= BULK:  # the file alone then holds the data: a copy of facts.db is whole
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return self.result

    def _workers(self, file: object, section: str, bulk: bool) -> int:
        if section != "facts" or not bulk or not isinstance(file, JsonlFile):
            return 0
        return workers_for(file.counts["facts"], self.workers)

    def _record(self, record: Record) -> None:
        if record.problem:
            self.problems.lines([record.problem])
        else:
            try:
                _import_one(self.db, record, self.author, self.resolver, self.writer, self.result, self.text_folder,
                            self.links)
            except FieldProblems as e:
                self.problems.add(record.where(), e.problems)
            except FactsError as e:
                self.problems.add(record.where(), [(record.section[:-1], str(e))])
        if self.progress:
            self.progress(1)

    def _checked_facts(self, file: JsonlFile, workers: int) -> None:
        """A JSONL file's facts, checked by worker processes; what they could not settle is read here."""
        self.writer.flush()
        path = file.path
        for number, digest, *checked in checked_lines(path, file.ranges, held_names(self.db.conn), workers):
            if digest is None:
                record = file.fact_record(number, checked[0])
                if record is not None:
                    self._record(record)
                continue
            where = f"{path}:{number}"
            try:
                self._checked_fact(PreparedFact(*checked), where, digest)
            except FieldProblems as e:
                self.problems.add(where, e.problems)
            if self.progress:
                self.progress(1)

    def _checked_fact(self, fact: PreparedFact, where: str, digest: int) -> None:
        superseded_by = fact.values[SUPERSEDED_BY]
        if superseded_by is not None:
            problems = superseding_problems(self.resolver, superseded_by)
            if problems:
                raise FieldProblems(problems)
        fact_id, created = self.writer.add(fact, where, digest)
        self.result.fact_ids.append(fact_id)
        if created:
            self.result.facts_added += 1
        else:
            self.result.facts_unchanged += 1


class _Problems:
    """FILE:LINE: field: reason lines; past the first LISTED only counted, so that a million bad
    records do not fill the memory."""

    def __init__(self):
        self.listed: list[str] = []
        self.total = 0

    def add(self, where: str | None, problems: list[tuple[str, str]]) -> None:
        self.lines([f"{where}: {f}: {r}" for f, r in problems])

    def lines(self, lines: list[str]) -> None:
        self.total += len(lines)
        self.listed += lines[:max(0, LISTED - len(self.listed))]


class _Deferred:
    """What a large import into a database no larger than it leaves until the end.

    The secondary indexes of facts and the trigger that feeds its full-text index are dropped inside the
    import's transaction and built once at the end (sorted, and an FTS rebuild): about twice as fast as
    keeping them row by row. The facts' CHECKs are not evaluated row by row (every fact passed the
    models, which hold the same rules) but once over the table at the end. Into an empty table, the
    natural-key and global-id indexes wait too: the writer knows the keys it added by their digest, and
    a duplicate global id fails the unique index built at the end. A check that fails at the end raises
    _Unverified; if the import fails, the rollback restores everything."""

    def __init__(self, db: sqlite_utils.Database, incoming: int):
        self.db = db
        self.dropped: dict[str, str] = {}  # name -> the SQL that makes it again
        stored = db.execute("SELECT count(*) FROM facts").fetchone()[0] if incoming >= BULK else incoming
        self.active = incoming >= BULK and stored <= incoming
        if not self.active:
            return
        kept = "" if stored == 0 else "AND sql NOT LIKE 'CREATE UNIQUE%' AND name <> 'facts_natural_key'"
        for kind, name, sql in db.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'facts' AND sql IS NOT NULL AND "
                f"((type = 'index' {kept}) OR (type = 'trigger' AND name = 'facts_fts_insert'))").fetchall():
            db.execute(f'DROP {kind.upper()} "{name}"')
            self.dropped[name] = sql

    def natural_key(self) -> Callable[[], None] | None:
        """What builds the natural-key index now, if it waits."""
        if "facts_natural_key" not in self.dropped:
            return None
        return lambda: self._build("facts_natural_key")

    def _build(self, name: str) -> None:
        self.db.execute(self.dropped.pop(name))

    def finish(self) -> None:
        if not self.active:
            return
        if self.db.execute("PRAGMA quick_check(facts)").fetchall() != [("ok",)]:
            raise _Unverified
        # An index build sorts in memory up to the page cache's size, then in temporary files: a smaller
        # cache keeps a million facts' natural keys from filling the memory.
        self.db.execute(f"PRAGMA cache_size = -{SORT_MIB * 1024}")
        try:
            for name in list(self.dropped):
                self._build(name)
        except sqlite3.IntegrityError:
            raise _Unverified from None
        self.db.execute("INSERT INTO facts_fts(facts_fts) VALUES ('rebuild')")


@contextmanager
def _page_cache(db: sqlite_utils.Database, mib: int) -> Iterator[None]:
    """A larger page cache for the length of an import: index pages stay in memory between batches."""
    before = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA cache_size = -{mib * 1024}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {before}")


@dataclass
class _Links:
    """Links an import makes once every record is written, so that a fact may repeat one given after it
    and an actor speak for one listed after it: (where, fact id or actor name, what it points to)."""

    repeats: list[tuple[str | None, int, int | FactPointer, bool]] = field(default_factory=list)
    speaks_for: list[tuple[str | None, str, SpeaksFor]] = field(default_factory=list)
    refs: dict = field(default_factory=dict)  # file-local ref -> fact id (full-fidelity files)


def _link(db: sqlite_utils.Database, links: _Links, author: str, problems: "_Problems") -> None:
    for where, fact_id, target, by_ref in links.repeats:
        now = db_module.utc_now()
        try:
            if by_ref:
                if target not in links.refs:
                    raise FieldProblems([("repeats", f"no fact with ref {target!r} in the import")])
                target = links.refs[target]
            link_repeats(db, fact_id, resolve_pointer(db, target), author, now)
        except FieldProblems as e:
            problems.add(where, e.problems)
        except FactsError as e:
            problems.add(where, [("repeats", str(e))])
    for where, name, speaks in links.speaks_for:
        now = db_module.utc_now()
        try:
            link_speaker(db, name, speaks.actor, speaks.from_, speaks.to, author, now)
        except FieldProblems as e:
            problems.add(where, [(f"speaks_for.{f}", r) for f, r in e.problems])
        except FactsError as e:
            problems.add(where, [("speaks_for", str(e))])


def _import_one(db: sqlite_utils.Database, record: Record, author: str, resolver: Resolver, writer: FactWriter,
                result: ImportResult, text_folder: Path | None, links: _Links) -> None:
    data = record.data
    if not isinstance(data, dict):
        raise FieldProblems([("record", f"must be a mapping of fields, not {type(data).__name__}")])
    if record.section != "facts":
        writer.flush()  # what comes after the facts reads them back
    if data.get("type") in CHANGES:
        replay_change(db, data, resolver.refs, resolver.annotation_refs)
        return
    if record.section == "actors":
        actor = validated(Actor, data)
        _, created = add_actor(db, actor)
        result.actors_added += created
        links.speaks_for += [(record.where(), actor.name, speaks) for speaks in actor.speaks_for]
    elif record.section == "sources":
        _, created = add_source(db, validated(Source, _source_text(record, data, text_folder)), author)
        result.sources_added += created
    elif record.section == "annotations":
        _import_annotation(db, data, author, resolver, result)
    else:
        _import_fact(record, data, resolver, writer, result, links)


def _import_annotation(db: sqlite_utils.Database, data: dict, author: str, resolver: Resolver,
                       result: ImportResult) -> None:
    data = dict(data)
    ref = data.pop("ref", None)
    if data.get("retracts") is not None:
        if data["retracts"] not in resolver.annotation_refs:
            raise FieldProblems([("retracts", f"no annotation with ref {data['retracts']!r} earlier in the import")])
        data["retracts"] = resolver.annotation_refs[data["retracts"]]
    change = data.pop("change", None)
    annotation = _annotation(data, resolver, author)
    try:
        expect_change(db, "fact_history", annotation.fact_id, change)
        annotation_id, created = insert_annotation(db, annotation)
    finally:
        db.execute("DELETE FROM pending_change")
    if ref is not None:
        resolver.annotation_refs[ref] = annotation_id
    result.annotations_added += created


def _import_fact(record: Record, data: dict, resolver: Resolver, writer: FactWriter, result: ImportResult,
                 links: _Links) -> None:
    data = dict(data)
    ref = data.pop("ref", None)
    if ref is not None:
        data["superseded_by"] = _by_ref(resolver, data.get("superseded_by"), "superseded_by")
    resolver.as_entered = ref is not None
    prepared = validate_fact(data, resolver)
    prepared.as_entered = ref is not None
    fact_id, created = writer.add(prepared, record.where())
    if ref is not None:
        if not isinstance(ref, int) or isinstance(ref, bool):
            raise FieldProblems([("ref", "must be a whole number")])
        resolver.refs[ref] = fact_id
        links.refs[ref] = fact_id
    if prepared.repeats is not None:  # a full-fidelity file names facts by their file-local ref
        links.repeats.append((record.where(), fact_id, prepared.repeats, ref is not None))
    result.fact_ids.append(fact_id)
    if created:
        result.facts_added += 1
    else:
        result.facts_unchanged += 1


def _by_ref(resolver: Resolver, ref: object, field: str) -> int | None:
    """The fact a file-local ref names (facts given earlier in the same import)."""
    if ref is None:
        return None
    if ref not in resolver.refs:
        raise FieldProblems([(field, f"no fact with ref {ref!r} earlier in the import")])
    return resolver.refs[ref]


def _annotation(data: dict, resolver: Resolver, author: str) -> Annotation:
    data = dict(data)
    if "fact" not in data:
        raise FieldProblems([("fact", "is required (the ref of a fact in the same import)")])
    data["fact_id"] = _by_ref(resolver, data.pop("fact"), "fact")
    data["superseded_by"] = _by_ref(resolver, data.get("superseded_by"), "superseded_by")
    data.setdefault("author", author)
    return validated(Annotation, data)


def _source_text(record: Record, data: dict, text_folder: Path | None) -> dict:
    """A source record with the text its text_file names: a regular file of bounded size, inside the import
    file's folder (or the folder the person named for text files)."""
    data = dict(data)
    text_file = data.pop("text_file", None)
    if text_file is not None:
        if "text" in data:
            raise FieldProblems([("text_file", "give text or text_file, not both")])
        if not isinstance(text_file, str):
            raise FieldProblems([("text_file", "must be a path")])
        folder = text_folder or Path(record.path).parent
        path = folder / text_file
        try:
            data["text"] = read_file(path, inside=folder).decode("utf-8").removeprefix("\ufeff")
        except FactsError as e:
            raise FieldProblems([("text_file", str(e))]) from None
        except UnicodeDecodeError as e:
            raise FieldProblems([("text_file", f"{path} is not valid UTF-8 (byte {e.start})")]) from None
    return data


def import_seed_collection(db: sqlite_utils.Database, author: str) -> ImportResult:
    """The seed collection (five articles on Russian troops in Belarus); again, it adds nothing."""
    return import_records(db, read_files(seed_files()), author)
