"""Reading fact files: YAML, JSON, JSONL and CSV, each giving records with their line numbers.

A YAML or JSON file holds either a list of facts or a collection:
{actors: [...], sources: [...], facts: [...], annotations: [...]}. A source
may give its text inline (`text`) or as `text_file`, a path relative to the
file. In JSONL a line is a fact, or any record with a "type" (actor, source,
fact, annotation): the full-fidelity format of `facts export --format
facts-jsonl`, where facts carry a file-local `ref` that annotations and
`superseded_by` point to.

Nothing here touches a database: facts/importer.py writes what these records say.
The facts of a JSONL file are read when the import reaches them, so a million
facts take little memory.
"""

import csv
import io
import json
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import yaml

from .errors import FactsError, RecordErrors

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
SECTIONS = ("actors", "sources", "facts", "annotations")
TYPES = {"actor": "actors", "source": "sources", "fact": "facts", "annotation": "annotations",
         # the changes of a full-fidelity file, replayed in their order after the facts (their type kept)
         "unit": "actors", "edit": "annotations", "source_version": "annotations", "source_edit": "annotations",
         "link": "annotations"}
CHANGES = ("unit", "edit", "source_version", "source_edit", "link")
# CSV columns that hold lists, separated by ';'.
_CSV_LISTS = ("about", "tags", "aliases")
_CSV_QUANTITY = ("value", "low", "high", "qualifier", "as_stated")
RANGE = 2_000  # lines of a JSONL file an import worker takes at a time
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


def _open_file(path: str | Path, fmt: str | None) -> "HeldFile | JsonlFile":
    path = Path(path)
    fmt = fmt or FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise FactsError(f"{path}: unknown file type '{path.suffix}' (use .yaml, .json, .jsonl or .csv, or --format)")
    if fmt == "jsonl":
        return JsonlFile(str(path))
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
    return HeldFile(reader(str(path), text))


class HeldFile:
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

    def __init__(self, files: list["HeldFile | JsonlFile"]):
        self.files = files

    def __len__(self) -> int:
        return sum(len(f) for f in self.files)

    def __iter__(self) -> Iterator[Record]:
        for section in SECTIONS:
            for file in self.files:
                yield from file.records(section)


# --- YAML -------------------------------------------------------------------

if TYPE_CHECKING:  # what the mixin is mixed into, so the checker knows the loader's methods
    _LoaderBase = yaml.SafeLoader
else:
    _LoaderBase = object


class _Strict(_LoaderBase):
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


_LOADERS: tuple[type[_Strict], ...] = (_PythonLoader,)
if yaml.__with_libyaml__:
    from yaml._yaml import CParser
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
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
    if node is None or data is None:
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
    records: list[Record] = []
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
    records: list[Record] = []
    pos = _skip(text, pos + 1)
    while pos < len(text) and text[pos] != "}":
        key, pos = _decode(path, text, pos)
        pos = _skip(text, pos)
        pos = _skip(text, pos + 1)  # the ':'
        if text[pos] == "[":
            items, pos = _read_array(path, text, pos, str(key))
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


class JsonlFile:
    """A JSONL file, read once up front for its actors and sources and its line count; its facts and
    annotations are read again, line by line, when the import reaches them."""

    def __init__(self, path: str):
        self.path = path
        self.held: list[Record] = []  # actors and sources
        self.counts = dict.fromkeys(SECTIONS, 0)
        # (byte offset, first line number, lines) of every RANGE lines, for import workers
        self.ranges: list[tuple[int, int, int]] = []
        for number, line in self._lines(self.ranges):
            if _plainly_fact(line):
                self.counts["facts"] += 1
                continue
            record = jsonl_record(path, number, line)
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
            if section == "facts":
                record = self.fact_record(number, line)
                if record is not None:
                    yield record
            elif not _plainly_fact(line):
                record = jsonl_record(self.path, number, line)  # read without error up front
                if record.section == section:
                    yield record

    def fact_record(self, number: int, line: str) -> Record | None:
        """The record a line gives the facts section; None when it belongs to another."""
        if _plainly_fact(line):
            return _unless_unreadable(self.path, number, line)
        record = jsonl_record(self.path, number, line)
        return record if record.section == "facts" else None

    def _lines(self, ranges: list[tuple[int, int, int]] | None = None) -> Iterator[tuple[int, str]]:
        """(number, text) of each line that is not blank; `ranges` gets the file in ranges of RANGE lines."""
        try:
            with open(self.path, "rb") as f:
                offset = 0
                for number, raw in enumerate(f, start=1):
                    if ranges is not None and number % RANGE == 1:
                        ranges.append((offset, number, RANGE))
                    try:
                        line = raw.decode("utf-8").rstrip("\r\n")
                    except UnicodeDecodeError as e:
                        where = f"{self.path}:{number}"
                        raise RecordErrors([f"{where}: not valid UTF-8 (byte {offset + e.start})"]) from None
                    offset += len(raw)
                    if number == 1:
                        line = line.removeprefix("\ufeff")
                    if line.strip():
                        yield number, line
        except OSError as e:
            raise FactsError(f"{self.path}: cannot read ({e.strerror})") from None


def jsonl_record(path: str, number: int, line: str) -> Record:
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
        if kind in CHANGES:
            item["type"] = kind
    return Record(path, number, section, item)


def _unless_unreadable(path: str, number: int, line: str) -> Record:
    """The fact on a line, or a record naming why it cannot be read: the import goes on to the next."""
    try:
        return jsonl_record(path, number, line)
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


# --- every file --------------------------------------------------------------

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


@contextmanager
def standard_input(stream: BinaryIO, fmt: str | None) -> Iterator[tuple[str, str]]:
    """Standard input copied to a file the readers can go over twice (a JSONL import reads its facts
    after its actors): (the file's path, its format: `fmt`, else told by the first line)."""
    with tempfile.TemporaryDirectory(prefix="facts-stdin-") as folder:
        path = Path(folder) / "stdin"
        with path.open("wb") as f:
            shutil.copyfileobj(stream, f, 1 << 20)
        yield str(path), fmt or _told_by_first_line(path)


def _told_by_first_line(path: Path) -> str:
    """JSON (an array, or a collection's object), JSONL (a record a line) or else YAML."""
    with path.open("rb") as f:
        first = next((line for line in f if line.strip()), b"").strip()
    if first.startswith(b"{"):
        try:
            record = json.loads(first)
        except ValueError:
            return "json"  # an object over several lines
        return "json" if isinstance(record, dict) and "type" not in record and set(record) <= set(SECTIONS) else "jsonl"
    return "json" if first.startswith(b"[") else "yaml"


def seed_files() -> list[Path]:
    from .db import bundled
    folder = bundled("seeds")
    return [folder / name for name in ("actors.yaml", "sources.yaml", "facts.yaml")]
