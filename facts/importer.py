"""Importing files of facts (YAML, JSON, JSONL, CSV): all or nothing, every problem named.

A YAML or JSON file holds either a list of facts or a collection:
{actors: [...], sources: [...], facts: [...], annotations: [...]}. A source
may give its text inline (`text`) or as `text_file`, a path relative to the
file. In JSONL a line is a fact, or any record with a "type" (actor, source,
fact, annotation): the full-fidelity format of `facts export --format
facts-jsonl`, where facts carry a file-local `ref` that annotations and
`superseded_by` point to.

Every file's actors and sources are imported before any fact, and the
annotations last. The facts of a JSONL file are read as the import reaches
them and written in batches, so a million facts take little memory.
"""

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils
import yaml
from pydantic import ValidationError

from .actors import add_actor
from .annotations import insert_annotation
from .db import transaction
from .errors import FactsError, FieldProblems, RecordErrors
from .models import Actor, Annotation, Source, describe_errors
from .sources import add_source
from .writing import FactWriter, Resolver, validate_fact

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
SECTIONS = ("actors", "sources", "facts", "annotations")
TYPES = {"actor": "actors", "source": "sources", "fact": "facts", "annotation": "annotations"}
# CSV columns that hold lists, separated by ';'.
_CSV_LISTS = ("about", "tags", "aliases")
_CSV_QUANTITY = ("value", "low", "high", "qualifier", "as_stated")
LISTED = 1000  # problems listed by line; the rest are counted
CACHE_MIB = 64  # SQLite page cache during an import
BULK = 10_000  # records in one import from which the facts' indexes are built once, at the end
MAX_DEPTH = 64  # levels of nesting in a YAML file; a fact file needs four
NESTED = f"nested too deeply (more than {MAX_DEPTH} levels)"


@dataclass
class Record:
    path: str
    line: int
    section: str  # actors, sources, facts or annotations
    data: object
    problem: str | None = None  # set when the record could not be read: FILE:LINE: reason

    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class ImportResult:
    facts_added: int = 0
    facts_unchanged: int = 0
    annotations_added: int = 0
    actors_added: int = 0
    sources_added: int = 0
    fact_ids: list[int] = field(default_factory=list)


class _DryRun(Exception):
    pass


def _open_file(path: str | Path, fmt: str | None) -> "_HeldFile | _JsonlFile":
    path = Path(path)
    fmt = fmt or FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise FactsError(f"{path}: unknown file type '{path.suffix}' (use .yaml, .json, .jsonl or .csv, or --format)")
    if fmt == "jsonl":
        return _JsonlFile(str(path))
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise FactsError(f"{path}: cannot read ({e.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise RecordErrors([f"{path}:{line}: not valid UTF-8 (byte {e.start})"]) from None
    text = text.removeprefix("\ufeff")
    reader = {"yaml": _read_yaml, "json": _read_json, "csv": _read_csv}[fmt]
    return _HeldFile(reader(str(path), text))


class _HeldFile:
    """A file read whole: YAML, JSON or CSV."""

    def __init__(self, records: list[Record]):
        self.held = records

    def __len__(self) -> int:
        return len(self.held)

    def records(self, section: str) -> Iterator[Record]:
        return (r for r in self.held if r.section == section)


class Records:
    """The records of some files, in the order they are imported: every file's actors, then sources,
    facts and annotations, so that a fact can name an actor or source given later in a file.

    Facts and annotations of JSONL files stay on disk until the import reaches them.
    """

    def __init__(self, files: list["_HeldFile | _JsonlFile"]):
        self.files = files

    def __len__(self) -> int:
        return sum(len(f) for f in self.files)

    def __iter__(self) -> Iterator[Record]:
        for section in SECTIONS:
            for file in self.files:
                yield from file.records(section)


# --- YAML -------------------------------------------------------------------

class _Strict:
    """Safe loading, and stricter still: no aliases, no duplicate keys, no tags that make objects, dates
    stay text, and nesting stops at MAX_DEPTH with our own message (before any limit of the library's)."""

    depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not accepted in fact files",
                                              event.start_mark)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooDeep(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def refuse_tag(self, node):
        raise yaml.constructor.ConstructorError(None, None, f"the tag {node.tag} is not accepted in fact files",
                                                node.start_mark)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, (str, int, float)) and key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key '{key}'", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Strict.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _PythonLoader(_Strict, yaml.SafeLoader):
    pass


_LOADERS: tuple[type, ...] = (_PythonLoader,)
if yaml.__with_libyaml__:
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.cyaml import CParser
    from yaml.resolver import Resolver as YamlResolver

    class _FastLoader(_Strict, Composer, CParser, SafeConstructor, YamlResolver):
        """libyaml parses (several times faster); the nodes are still composed in Python, where the
        checks above run (libyaml's composer would crash on deep nesting)."""

        def __init__(self, stream):
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            YamlResolver.__init__(self)

    # A file libyaml refuses is read again in Python, whose messages are ours where we have one:
    # libyaml stops deep flow nesting in its own words, looking ahead past MAX_DEPTH.
    _LOADERS = (_FastLoader, _PythonLoader)
for _loader in _LOADERS:
    _loader.add_constructor(None, _Strict.refuse_tag)


class _TooDeep(Exception):
    def __init__(self, mark):
        self.mark = mark


def _load_yaml(text: str) -> tuple[yaml.Node | None, object]:
    """The document's root node and its data."""
    for cls in _LOADERS:
        loader = cls(text)
        try:
            node = loader.get_single_node()
            return node, (loader.construct_document(node) if node is not None else None)
        except yaml.YAMLError:
            if cls is _LOADERS[-1]:
                raise
        finally:
            loader.dispose()
    raise AssertionError("unreachable")


def _read_yaml(path: str, text: str) -> list[Record]:
    try:
        node, data = _load_yaml(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise RecordErrors([f"{path}:{line}: not valid YAML: {getattr(e, 'problem', None) or e}"]) from None
    except _TooDeep as e:
        raise RecordErrors([f"{path}:{e.mark.line + 1}: {NESTED}"]) from None
    except RecursionError:
        raise RecordErrors([f"{path}:1: {NESTED}"]) from None
    if data is None:
        return []

    def lines(seq_node) -> list[int]:
        return [item.start_mark.line + 1 for item in seq_node.value]

    if isinstance(data, list):
        return [Record(path, ln, "facts", item) for ln, item in zip(lines(node), data)]
    if isinstance(data, dict):
        _check_sections(path, node.start_mark.line + 1, data)
        records = []
        for key_node, value_node in node.value:
            section = key_node.value
            items = data[section] or []
            if not isinstance(items, list):
                raise RecordErrors([f"{path}:{value_node.start_mark.line + 1}: {section}: must be a list"])
            records += [Record(path, ln, section, item) for ln, item in zip(lines(value_node), items)]
        return records
    raise RecordErrors([f"{path}:1: expected a list of facts or a mapping of {', '.join(SECTIONS)}"])


def _check_sections(path: str, line: int, data: dict) -> None:
    unknown = [str(k) for k in data if k not in SECTIONS]
    if unknown:
        raise RecordErrors([f"{path}:{line}: {', '.join(unknown)}: not a section of a fact file "
                            f"(expected {', '.join(SECTIONS)})"])


# --- JSON and JSONL ----------------------------------------------------------

def _pairs(pairs: list) -> dict:
    out = dict(pairs)
    if len(out) < len(pairs):  # a key given twice: find it, to name it
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key '{key}'")
            seen.add(key)
    return out


def _constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _decode(path: str, text: str, pos: int, first_line: int = 1) -> tuple[object, int]:
    """One JSON value at text[pos]; `first_line` is the file line text starts on."""
    try:
        return _DECODER.raw_decode(text, pos)
    except json.JSONDecodeError as e:
        raise RecordErrors([f"{path}:{first_line - 1 + e.lineno}: not valid JSON: {e.msg}"]) from None
    except ValueError as e:
        raise RecordErrors([f"{path}:{first_line - 1 + _line_of(text, pos)}: {e}"]) from None
    except RecursionError:
        raise RecordErrors([f"{path}:{first_line - 1 + _line_of(text, pos)}: {NESTED}"]) from None


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _read_array(path: str, text: str, pos: int, section: str) -> tuple[list[Record], int]:
    """Items of the JSON array at text[pos] == '[', each with its line."""
    records = []
    pos = _skip(text, pos + 1)
    if pos < len(text) and text[pos] == "]":
        return records, pos + 1
    while True:
        start = _skip(text, pos)
        item, pos = _decode(path, text, start)
        records.append(Record(path, _line_of(text, start), section, item))
        pos = _skip(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        if pos < len(text) and text[pos] == "]":
            return records, pos + 1
        raise RecordErrors([f"{path}:{_line_of(text, pos)}: not valid JSON: expected ',' or ']'"])


def _read_json(path: str, text: str) -> list[Record]:
    pos = _skip(text, 0)
    if pos < len(text) and text[pos] == "[":
        records, end = _read_array(path, text, pos, "facts")
    else:
        data, end = _decode(path, text, pos)
        if not isinstance(data, dict):
            raise RecordErrors([f"{path}:1: expected a list of facts or an object of {', '.join(SECTIONS)}"])
        _check_sections(path, _line_of(text, pos), data)
        records = _collection_records(path, text, pos, data)
    if _skip(text, end) != len(text):
        raise RecordErrors([f"{path}:{_line_of(text, _skip(text, end))}: not valid JSON: extra data after the end"])
    return records


def _collection_records(path: str, text: str, pos: int, data: dict) -> list[Record]:
    # Re-read the object key by key to learn the line of every item.
    records = []
    pos = _skip(text, pos + 1)
    while pos < len(text) and text[pos] != "}":
        key, pos = _decode(path, text, pos)
        pos = _skip(text, pos)
        pos = _skip(text, pos + 1)  # the ':'
        if text[pos] == "[":
            items, pos = _read_array(path, text, pos, key)
            records += items
        else:
            value, pos = _decode(path, text, pos)
            if value is not None:
                raise RecordErrors([f"{path}:{_line_of(text, pos)}: {key}: must be a list"])
        pos = _skip(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip(text, pos + 1)
    return records


# A line that can only be a fact: it has no "type" key (which needs the text "type", or an escape),
# or "type": "fact" comes first. Such lines are parsed when the import reaches them, not before.
_TYPED_FACT = re.compile(r'\s*\{\s*"type"\s*:\s*"fact"\s*[,}]')


def _plainly_fact(line: str) -> bool:
    return ('"type"' not in line and "\\u" not in line) or _TYPED_FACT.match(line) is not None


class _JsonlFile:
    """A JSONL file, read once up front for its actors and sources and its line count; its facts and
    annotations are read again, line by line, when the import reaches them."""

    def __init__(self, path: str):
        self.path = path
        self.held: list[Record] = []  # actors and sources
        self.counts = dict.fromkeys(SECTIONS, 0)
        for number, line in self._lines():
            if _plainly_fact(line):
                self.counts["facts"] += 1
                continue
            record = _jsonl_record(path, number, line)
            self.counts[record.section] += 1
            if record.section in ("actors", "sources"):
                self.held.append(record)

    def __len__(self) -> int:
        return sum(self.counts.values())

    def records(self, section: str) -> Iterator[Record]:
        if section in ("actors", "sources"):
            yield from (r for r in self.held if r.section == section)
            return
        if not self.counts[section]:
            return
        for number, line in self._lines():
            if not _plainly_fact(line):
                record = _jsonl_record(self.path, number, line)  # read without error up front
                if record.section == section:
                    yield record
            elif section == "facts":
                yield _unless_unreadable(self.path, number, line)

    def _lines(self) -> Iterator[tuple[int, str]]:
        """(number, text) of each line that is not blank."""
        try:
            with open(self.path, "rb") as f:
                offset = 0
                for number, raw in enumerate(f, start=1):
                    try:
                        line = raw.decode("utf-8").rstrip("\r\n")
                    except UnicodeDecodeError as e:
                        raise RecordErrors([f"{self.path}:{number}: not valid UTF-8 (byte {offset + e.start})"]) from None
                    offset += len(raw)
                    if number == 1:
                        line = line.removeprefix("\ufeff")
                    if line.strip():
                        yield number, line
        except OSError as e:
            raise FactsError(f"{self.path}: cannot read ({e.strerror})") from None


def _jsonl_record(path: str, number: int, line: str) -> Record:
    item, end = _decode(path, line, _skip(line, 0), first_line=number)
    if _skip(line, end) != len(line):
        raise RecordErrors([f"{path}:{number}: not valid JSON: extra data after the record"])
    section = "facts"
    if isinstance(item, dict) and "type" in item:
        item = dict(item)
        kind = item.pop("type")
        if kind not in TYPES:
            raise RecordErrors([f"{path}:{number}: type: '{kind}' is not one of {', '.join(TYPES)}"])
        section = TYPES[kind]
    return Record(path, number, section, item)


def _unless_unreadable(path: str, number: int, line: str) -> Record:
    """The fact on a line, or a record naming why it cannot be read: the import goes on to the next."""
    try:
        return _jsonl_record(path, number, line)
    except RecordErrors as e:
        return Record(path, number, "facts", None, problem=e.problems[0])


# --- CSV -----------------------------------------------------------------------

def _read_csv(path: str, text: str) -> list[Record]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return []
    except csv.Error as e:
        raise RecordErrors([f"{path}:1: not valid CSV: {e}"]) from None
    header = [h.strip() for h in header]
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise RecordErrors([f"{path}:1: column {', '.join(dupes)} appears more than once in the header"])
    records, problems = [], []
    line = reader.line_num + 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                problems.append(f"{path}:{start}: record: has {len(cells)} fields but the header has {len(header)}")
                continue
            records.append(Record(path, start, "facts", _csv_fact(dict(zip(header, cells)))))
    except csv.Error as e:
        problems.append(f"{path}:{reader.line_num}: not valid CSV: {e}")
    if problems:
        raise RecordErrors(problems)
    return records


def _csv_fact(row: dict[str, str]) -> dict:
    fact: dict[str, object] = {k: v for k, v in row.items() if v.strip() != ""}
    for name in _CSV_LISTS:
        if name in fact:
            fact[name] = [p.strip() for p in str(fact[name]).split(";") if p.strip()]
    if any(name in fact for name in _CSV_QUANTITY):
        if "quantity" in fact:
            return fact  # both forms given: the model names the field that does not belong
        quantity = {name: fact.pop(name) for name in _CSV_QUANTITY if name in fact}
        fact["quantity"] = quantity
    return fact


# --- importing -----------------------------------------------------------------

def read_files(paths: Iterable[str | Path], fmt: str | None = None) -> Records:
    """Records from every file; reading errors of every file are reported together.

    A fact line of a JSONL file is read when the import reaches it, and a reading error there is
    reported with the problems of the other records.
    """
    files, problems = [], []
    for path in paths:
        try:
            files.append(_open_file(path, fmt))
        except RecordErrors as e:
            problems += e.problems
    if problems:
        raise RecordErrors(problems)
    return Records(files)


def import_records(db: sqlite_utils.Database, records: Iterable[Record], author: str, *, dry_run: bool = False,
                   create_actors: bool = False, progress: Callable[[int], None] | None = None) -> ImportResult:
    """Write all records in one transaction, or none of them if any is bad (or on a dry run)."""
    if not isinstance(records, Records):
        records = Records([_HeldFile(list(records))])  # actors and sources before the facts that name them
    result = ImportResult()
    problems = _Problems()
    try:
        with _page_cache(db, CACHE_MIB), transaction(db), _indexes_built_at_the_end(db, len(records)):
            writer = FactWriter(db, author, refused=lambda where, e: problems.add(where, e.problems))
            resolver = Resolver(db, create_actors=create_actors, writer=writer)
            for record in records:
                if record.problem:
                    problems.lines([record.problem])
                else:
                    try:
                        _import_one(db, record, author, resolver, writer, result)
                    except FieldProblems as e:
                        problems.add(record.where(), e.problems)
                    except FactsError as e:
                        problems.add(record.where(), [(record.section[:-1], str(e))])
                if progress:
                    progress(1)
            writer.flush()
            result.actors_added += resolver.actors_created
            if problems.total:
                raise RecordErrors(problems.listed, problems.total)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


class _Problems:
    """FILE:LINE: field: reason lines; past the first LISTED only counted, so that a million bad
    records do not fill the memory."""

    def __init__(self):
        self.listed: list[str] = []
        self.total = 0

    def add(self, where: str, problems: list[tuple[str, str]]) -> None:
        self.lines([f"{where}: {f}: {r}" for f, r in problems])

    def lines(self, lines: list[str]) -> None:
        self.total += len(lines)
        self.listed += lines[:max(0, LISTED - len(self.listed))]


@contextmanager
def _indexes_built_at_the_end(db: sqlite_utils.Database, incoming: int) -> Iterator[None]:
    """A large import into a database no larger than it drops the secondary indexes of facts and the
    trigger that feeds its full-text index, inside the import's transaction, and builds them once at
    the end (sorted, and an FTS rebuild): about twice as fast as keeping them row by row. The unique
    natural key stays, for the duplicate check. If the import fails, the rollback restores them."""
    if incoming < BULK or db.execute("SELECT count(*) FROM facts").fetchone()[0] > incoming:
        yield
        return
    deferred = db.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'facts' AND sql IS NOT NULL AND "
        "((type = 'index' AND sql NOT LIKE 'CREATE UNIQUE%') OR (type = 'trigger' AND name = 'facts_fts_insert'))"
    ).fetchall()
    for kind, name, _ in deferred:
        db.execute(f'DROP {kind.upper()} "{name}"')
    yield
    for _, _, sql in deferred:
        db.execute(sql)
    db.execute("INSERT INTO facts_fts(facts_fts) VALUES ('rebuild')")


@contextmanager
def _page_cache(db: sqlite_utils.Database, mib: int) -> Iterator[None]:
    """A larger page cache for the length of an import: index pages stay in memory between batches."""
    before = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA cache_size = -{mib * 1024}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {before}")


def _import_one(db: sqlite_utils.Database, record: Record, author: str, resolver: Resolver, writer: FactWriter,
                result: ImportResult) -> None:
    data = record.data
    if not isinstance(data, dict):
        raise FieldProblems([("record", f"must be a mapping of fields, not {type(data).__name__}")])
    if record.section != "facts":
        writer.flush()  # what comes after the facts reads them back
    try:
        if record.section == "actors":
            _, created = add_actor(db, Actor.model_validate(data))
            result.actors_added += created
        elif record.section == "sources":
            _, created = add_source(db, Source.model_validate(_source_text(record)), author)
            result.sources_added += created
        elif record.section == "annotations":
            _import_annotation(db, data, author, resolver, result)
        else:
            _import_fact(record, resolver, writer, result)
    except ValidationError as e:
        raise FieldProblems(describe_errors(e)) from None


def _import_annotation(db: sqlite_utils.Database, data: dict, author: str, resolver: Resolver,
                       result: ImportResult) -> None:
    data = dict(data)
    ref = data.pop("ref", None)
    if data.get("retracts") is not None:
        if data["retracts"] not in resolver.annotation_refs:
            raise FieldProblems([("retracts", f"no annotation with ref {data['retracts']!r} earlier in the import")])
        data["retracts"] = resolver.annotation_refs[data["retracts"]]
    annotation_id, created = insert_annotation(db, _annotation(data, resolver, author))
    if ref is not None:
        resolver.annotation_refs[ref] = annotation_id
    result.annotations_added += created


def _import_fact(record: Record, resolver: Resolver, writer: FactWriter, result: ImportResult) -> None:
    data = dict(record.data)
    ref = data.pop("ref", None)
    if ref is not None:
        data["superseded_by"] = _by_ref(resolver, data.get("superseded_by"), "superseded_by")
    prepared = validate_fact(data, resolver)
    prepared.as_entered = ref is not None
    fact_id, created = writer.add(prepared, record.where())
    if ref is not None:
        if not isinstance(ref, int) or isinstance(ref, bool):
            raise FieldProblems([("ref", "must be a whole number")])
        resolver.refs[ref] = fact_id
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
    return Annotation.model_validate(data)


def _source_text(record: Record) -> dict:
    data = dict(record.data)
    text_file = data.pop("text_file", None)
    if text_file is not None:
        if "text" in data:
            raise FieldProblems([("text_file", "give text or text_file, not both")])
        if not isinstance(text_file, str):
            raise FieldProblems([("text_file", "must be a path")])
        path = Path(record.path).parent / text_file
        try:
            data["text"] = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
        except OSError as e:
            raise FieldProblems([("text_file", f"cannot read {path} ({e.strerror})")]) from None
        except UnicodeDecodeError as e:
            raise FieldProblems([("text_file", f"{path} is not valid UTF-8 (byte {e.start})")]) from None
    return data


def seed_files() -> list[Path]:
    from .db import bundled
    folder = bundled("seeds")
    return [folder / name for name in ("actors.yaml", "sources.yaml", "facts.yaml")]
