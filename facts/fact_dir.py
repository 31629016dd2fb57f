"""A collection as records and changes: a folder that git merges (`facts export --format facts-dir DIR`, read
back by `facts sync DIR`), or one file (`facts export --format facts-jsonl`, the full-fidelity export, read
back by `facts import` or `facts sync`).

Each record and change is one JSON line, written once and never rewritten: records as first made (a fact
with the values it was entered with, an actor as added, a source with its first text), then every change
with its uid and parents, every annotation, version, merge and decision. Lines go to the file of who made
them (`log/<author>.jsonl`), in time order, so two analysts' exports touch different files or add lines to
the same file, and the folder's .gitattributes asks git to keep both sides' lines (merge=union). A line
read twice, or two versions of a line, count once: sync matches them by uid.
"""

import json
import os
import re
from pathlib import Path
from typing import IO

import sqlite_utils

from .errors import FactsError
from .events import Event, first_values, in_order, parents_of
from .sync import FACT_FIELDS, Work, keep_one, read_work
from .vocab import ACTOR_FIELDS, SOURCE_FIELDS

FORMAT = {"format": "facts-dir", "version": 1}
# The first line of a full-fidelity file: the same lines as a facts-dir's, in one file.
HEADER = {"type": "collection", "format": "facts-log", "version": 1}
MARKER = "facts-dir.json"
GITATTRIBUTES = "# Two analysts' lines are both kept when git merges (facts sync matches them by uid).\n" \
                "*.jsonl merge=union\n"
# The record kinds of a line, and where a Work keeps them.
KINDS = {"actor": "actors", "alias": "aliases", "merge": "merged", "set_aside": "set_aside", "decision": "decisions",
         "unit": "units", "source": "sources", "version": "versions", "fact": "facts", "annotation": "annotations",
         "change": "events"}
_WHO = {"actor": None, "alias": None, "merge": "merged_by", "set_aside": None, "decision": "decided_by",
        "unit": "added_by", "source": "added_by", "version": "by", "fact": "created_by", "annotation": "author",
        "change": "by"}
_WHEN = {"actor": "added_at", "merge": "merged_at", "decision": "decided_at", "unit": "added_at",
         "source": "added_at", "version": "at", "fact": "created_at", "annotation": "created_at", "change": "at"}
MAX_LINE = 20_000_000  # a source's text is at most 5,000,000 characters


def _as_first_made(work: Work) -> None:
    """Records as first made: the values each change found (so a line never changes when a record does)."""
    by_record: dict[tuple[str, str], list[Event]] = {}
    for e in work.events.values():
        if e["table"] in ("fact", "actor", "source") and e["action"] == "update":
            by_record.setdefault((e["table"], e["record"]), []).append(
                Event(e["uid"], parents_of(e["parents"]), e["at"], e["by"], e["old"] or {}, e["new"] or {}))
    for kind, records, fields in (("fact", work.facts, (*FACT_FIELDS, "about")), ("actor", work.actors, ACTOR_FIELDS),
                                  ("source", work.sources, SOURCE_FIELDS)):
        for uid, record in records.items():
            events = by_record.get((kind, uid))
            first = first_values({f: record.get(f) for f in fields}, in_order(events)) if events else {}
            record.update(first)
            for stamp in ("updated_at", "updated_by", "change_reason", "version"):
                record.pop(stamp, None)


def _author_file(record: dict, kind: str) -> str:
    who = _WHO[kind]
    name = (record.get(who) if who else None) or "shared"
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", str(name)).strip(".-")[:80] or "shared"
    return safe


def _lines(db: sqlite_utils.Database, ids: bool) -> tuple[list[tuple[str, str, str, str]], dict[str, int]]:
    """Every record and change as (the file of who made it, when, its key, its JSON line); with their local
    ids or not (a facts-dir leaves them out: another analyst's copy numbers the same records otherwise)."""
    work = read_work(db)
    _as_first_made(work)
    lines = []
    counts: dict[str, int] = {}
    for kind, attr in KINDS.items():
        for key, record in getattr(work, attr).items():
            fields = record if ids else {k: v for k, v in record.items() if k != "id"}
            line = json.dumps({"type": kind, **fields}, ensure_ascii=False)  # a change keeps its fields in order
            when = record.get(_WHEN.get(kind, "")) or ""
            lines.append((_author_file(record, kind), when, f"{kind}:{key}", line))
            counts[kind] = counts.get(kind, 0) + 1
    return lines, counts


def write_log(db: sqlite_utils.Database, out: IO[str]) -> dict[str, int]:
    """The whole collection as one file, in time order: the full-fidelity export."""
    lines, counts = _lines(db, ids=True)
    out.write(json.dumps(HEADER) + "\n")
    for _, _, _, line in sorted(lines, key=lambda item: item[1:3]):
        out.write(line + "\n")
    return counts


def write_dir(db: sqlite_utils.Database, folder: str | os.PathLike) -> dict[str, int]:
    """Write the collection into `folder` (made if missing; an existing facts-dir is brought up to date)."""
    root = Path(folder)
    if root.exists() and (not root.is_dir() or (any(root.iterdir()) and not (root / MARKER).exists())):
        raise FactsError(f"{root}: not empty and not a facts-dir; give a new or empty folder")
    lines, counts = _lines(db, ids=False)
    files: dict[str, list[tuple[str, str, str]]] = {}
    for name, when, key, line in lines:
        files.setdefault(name, []).append((when, key, line))
    (root / "log").mkdir(parents=True, exist_ok=True)
    (root / MARKER).write_text(json.dumps(FORMAT) + "\n", encoding="utf-8")
    (root / ".gitattributes").write_text(GITATTRIBUTES, encoding="utf-8")
    for name, rows in files.items():
        path = root / "log" / f"{name}.jsonl"
        text = "".join(line + "\n" for _, _, line in sorted(rows))
        temporary = path.with_name(path.name + ".part")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)  # whole or not at all
    return counts


def is_log(path: str | os.PathLike) -> bool:
    """Whether a file is a full-fidelity export (its first line the header)."""
    try:
        with Path(path).open(encoding="utf-8") as f:
            first = f.readline(1000)
        return json.loads(first).get("type") == HEADER["type"]
    except (OSError, ValueError, UnicodeDecodeError, AttributeError, RecursionError):
        return False


def is_dir(path: Path) -> bool:
    return path.is_dir() and (path / MARKER).is_file()


def read_dir(folder: str | os.PathLike) -> Work:
    """A facts-dir's records and changes. A line that is not one is refused with where it is."""
    root = Path(folder)
    try:
        marker = json.loads((root / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        raise FactsError(f"{root}: not a facts-dir ({MARKER} is missing or unreadable)") from None
    if not isinstance(marker, dict) or marker.get("format") != "facts-dir":
        raise FactsError(f"{root}/{MARKER}: not a facts-dir marker")
    if marker.get("version") != FORMAT["version"]:
        raise FactsError(f"{root}: facts-dir version {marker.get('version')!r}; this facts reads version 1")
    work = Work()
    for path in sorted((root / "log").glob("*.jsonl")):
        read_log(path, work)
    return work


def read_log(path: Path, work: Work) -> None:
    """Add one log file's lines to `work`; of two lines for one record, the same one is kept everywhere."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            for number, line in enumerate(f, 1):
                if not line.strip() or (number == 1 and is_log(path)):
                    continue
                if len(line) > MAX_LINE:
                    raise FactsError(f"{path}:{number}: a line longer than any record")
                _take(work, _line(path, number, line))
    except UnicodeDecodeError:
        raise FactsError(f"{path}: not UTF-8 text") from None
    except OSError as e:
        raise FactsError(f"{path}: cannot be read ({e.strerror})") from None


def _line(path: Path, number: int, line: str) -> tuple[str, dict]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        raise FactsError(f"{path}:{number}: not a JSON line ({e.msg})") from None
    except RecursionError:
        raise FactsError(f"{path}:{number}: not a facts-dir record (nested too deeply)") from None
    except ValueError:  # a number too long to read
        raise FactsError(f"{path}:{number}: not a JSON line") from None
    if not isinstance(record, dict) or record.get("type") not in KINDS:
        raise FactsError(f"{path}:{number}: not a facts-dir record (its type must be one of {', '.join(KINDS)})")
    kind = record.pop("type")
    key = _key(kind, record)
    if not isinstance(key, str) or not key:
        raise FactsError(f"{path}:{number}: a {kind} without its uid")
    return kind, record | {"_key": key}


def _key(kind: str, record: dict) -> object:
    if kind == "merge":
        return f"{record.get('uid')} {record.get('into_uid')}" if record.get("uid") and record.get("into_uid") else None
    if kind == "unit":
        unit = record.get("unit")
        return unit.casefold() if isinstance(unit, str) else None
    return record.get("uid")


def _take(work: Work, item: tuple[str, dict]) -> None:
    kind, record = item
    key = record.pop("_key")
    keep_one(getattr(work, KINDS[kind]), key, record)
