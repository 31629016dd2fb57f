"""What `facts sync` reads: another analyst's database file, a facts-dir folder, one of its log files, or a
folder holding any of these. Nothing is written where it is read from: a database is read from a copy (an
older one upgraded in the copy)."""

import sqlite3
import tempfile
from pathlib import Path

from .db import open_db
from .errors import FactsError, RecordErrors
from .fact_dir import is_dir, is_log, read_dir, read_log
from .sync import Work, keep_one, read_work

_SQLITE = b"SQLite format 3\x00"


def read_source(path: str | Path) -> Work:
    source = Path(path)
    if not source.exists():
        raise FactsError(f"{source}: no such file or folder")
    if is_dir(source):
        return read_dir(source)
    if source.is_dir():
        work = Work()
        found = [p for p in sorted(source.iterdir()) if is_dir(p) or _is_database(p) or p.suffix == ".jsonl"]
        if not found:
            raise FactsError(f"{source}: holds no facts database, facts-dir or log file")
        for p in found:
            _add(work, read_source(p))
        return work
    if _is_database(source):
        return _read_database(source)
    if is_log(source) or source.suffix == ".jsonl":
        if not is_log(source) and _older_full_fidelity(source):
            return _read_collection(source)
        work = Work()
        read_log(source, work)
        return work
    raise FactsError(f"{source}: not a facts database, a facts-dir or a full-fidelity file")


def _older_full_fidelity(path: Path) -> bool:
    """A full-fidelity file of an earlier facts (changes to replay, not records): told by its first telling line."""
    import json
    try:
        with path.open(encoding="utf-8") as f:
            for line in f:
                try:
                    record = json.loads(line)
                except ValueError:
                    return False  # the log reader says where
                kind = record.get("type") if isinstance(record, dict) else None
                if kind in ("edit", "source_version", "source_edit", "link") or (kind == "fact" and "ref" in record):
                    return True
                if kind in ("alias", "merge", "set_aside", "decision", "version", "change", "fact"):
                    return False
    except (OSError, UnicodeDecodeError):
        return False
    return True


def _read_collection(path: Path) -> Work:
    """A full-fidelity file, imported into a database of its own (every record and change keeps its uid)."""
    from .fact_files import read_files
    from .importer import import_records
    with tempfile.TemporaryDirectory(prefix="facts-sync-") as folder:
        db = open_db(Path(folder) / "work.db", create=True)
        try:
            try:
                import_records(db, read_files([path]), "facts sync")
            except RecordErrors as e:
                more = f" (and {e.total - 1} more)" if e.total > 1 else ""
                raise FactsError(f"refused, nothing was synced: {e.problems[0]}{more}") from None
            return read_work(db)
        finally:
            db.conn.close()


def _is_database(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(16) == _SQLITE
    except OSError:
        return False


def _read_database(path: Path) -> Work:
    with tempfile.TemporaryDirectory(prefix="facts-sync-") as folder:
        copy = Path(folder) / "work.db"
        try:
            source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            target = sqlite3.connect(copy)
            try:
                source.backup(target)
            finally:
                source.close()
                target.close()
        except sqlite3.DatabaseError as e:
            raise FactsError(f"{path}: not a readable facts database ({e})") from None
        db = open_db(copy, quiet=True)
        try:
            return read_work(db)
        finally:
            db.conn.close()


def _add(work: Work, other: Work) -> None:
    for name in work.__dataclass_fields__:
        table, more = getattr(work, name), getattr(other, name)
        for key, record in more.items():
            keep_one(table, key, record)
