"""Opening the database: schema, WAL, busy timeout, transactions."""

import datetime as dt
import getpass
import json
import os
import secrets
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path

import sqlite_utils

from . import migrations
from .errors import BUSY_SECONDS, FactsError, environment_fault

SCHEMA_VERSION = 8
BUSY_TIMEOUT_MS = BUSY_SECONDS * 1000

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """schema.sql or seeds/: inside an installed package, else at the repository's top."""
    inside = resources.files("facts").joinpath(name)
    if inside.is_file() or inside.is_dir():
        return Path(str(inside))
    return _PACKAGE.parent / name


@cache
def schema_sql() -> str:
    """Read once: every open checks its tables against it."""
    return bundled("schema.sql").read_text(encoding="utf-8")


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid an INSERT just gave."""
    if cursor.lastrowid is None:
        raise RuntimeError("the statement inserted no row")
    return cursor.lastrowid


_clock = threading.Lock()
_last_time = dt.datetime.min.replace(tzinfo=dt.UTC)


def new_uid() -> str:
    """A record's global id: 32 hex digits, the milliseconds since 1970 then random ones, so that ids made
    one after another go in at the end of their index (a million facts imported stay fast)."""
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(10)}"


def new_uids(count: int) -> Iterator[str]:
    """`count` global ids made at once: one read of the system's randomness rather than one each."""
    prefix = f"{time.time_ns() // 1_000_000:012x}"
    random = secrets.token_hex(10 * count)
    return (prefix + random[i:i + 20] for i in range(0, 20 * count, 20))


def change_json(values: dict) -> str:
    """A change's old or new values as SQLite's JSON functions write them (the history triggers do), so every
    change reads alike, and one copied from another database reads as it was made."""
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def utc_now() -> str:
    """The time written on facts and annotations: one clock, so tests can hold it still. To the millisecond,
    and a millisecond later than the last time it gave: two changes made in one millisecond still read as
    two (the history triggers tell who made a change by its time)."""
    global _last_time
    with _clock:
        now = dt.datetime.now(dt.UTC)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if now <= _last_time:
            now = _last_time + dt.timedelta(milliseconds=1)
        _last_time = now
    return now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def current_author() -> str:
    """FACTS_AUTHOR, else the login name."""
    author = os.environ.get("FACTS_AUTHOR", "").strip()
    if author:
        return author
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def open_db(path: str | os.PathLike, *, create: bool = False, readonly: bool = False,
            quiet: bool = False) -> sqlite_utils.Database:
    """Open a facts database; create it (with the schema) only when asked. `quiet`: an upgrade says nothing
    (a copy made to be read)."""
    path = Path(path)
    if str(path) != ":memory:" and not path.exists():
        if not create:
            raise FactsError(f"{path}: no such database (create one with: facts init)")
        if not path.parent.exists():
            raise FactsError(f"{path}: folder {path.parent} does not exist")
    cannot_write = str(path) != ":memory:" and path.exists() and not _writable(path)
    readonly = readonly or cannot_write  # a read-only file or folder can still be read; a write says why not
    try:
        if readonly:
            # In a folder we cannot write, SQLite cannot make the WAL's shared-memory file: read the file as
            # it is (immutable), unless a WAL holds changes not yet in it.
            wal = Path(f"{path}-wal")
            frozen = not os.access(path.resolve().parent, os.W_OK) and not (wal.exists() and wal.stat().st_size)
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{'&immutable=1' if frozen else ''}",
                                   uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                                   check_same_thread=False)
        else:
            conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                                   check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as e:
        fault = environment_fault(e)
        if fault is None or "file is not a database" in str(e):
            raise FactsError(f"{path}: not a facts database ({e})") from None
        raise FactsError(f"{path}: {fault}") from None
    if version > SCHEMA_VERSION:
        conn.close()
        raise FactsError(f"{path}: made by a newer version of facts (schema {version}; this program knows "
                         f"up to {SCHEMA_VERSION}): upgrade facts to open it")
    if version == 0:
        if tables:
            conn.close()
            raise FactsError(f"{path}: an SQLite database, but not a facts database")
        if readonly:
            conn.close()
            raise FactsError(f"{path}: empty database (create one with: facts init)")
        _create_schema(conn)
    elif version < SCHEMA_VERSION:
        if cannot_write:
            conn.close()
            raise FactsError(f"{path}: made by an older facts (schema {version}); upgrading it to schema "
                             f"{SCHEMA_VERSION} needs a file and folder this user can write")
        if readonly:  # upgrade through a writing connection, then read as asked
            conn.close()
            open_db(path).conn.close()
            return open_db(path, readonly=True)
        _upgrade(conn, path, version, quiet)
    else:
        try:
            migrations.check_tables(conn, path, schema_sql())
        except FactsError:
            conn.close()
            raise
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
    return sqlite_utils.Database(conn)


def _writable(path: Path) -> bool:
    """Whether this user can change the file, and make the WAL files beside it."""
    return os.access(path, os.W_OK) and os.access(path.resolve().parent, os.W_OK)


def _upgrade(conn: sqlite3.Connection, path: Path, version: int, quiet: bool = False) -> None:
    """Migrate in place, saying so once on stderr: the user should know a backup was written."""
    try:
        backup = migrations.upgrade(conn, path, version, SCHEMA_VERSION, schema_sql(), utc_now())
    except FactsError:
        conn.close()
        raise
    if backup is not None and not quiet:
        sys.stderr.write(f"Upgraded {path} from schema {version} to {SCHEMA_VERSION}; "
                         f"the file as it was is kept in {backup}\n")


def _create_schema(conn: sqlite3.Connection) -> None:
    try:
        conn.executescript("BEGIN IMMEDIATE;\n" + schema_sql())
        conn.execute("INSERT INTO schema_log (version, changed_at) VALUES (?, ?)", [SCHEMA_VERSION, utc_now()])
        conn.execute("COMMIT")
    except sqlite3.Error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


WAIT_WORTH_SAYING = 1.0  # seconds a write waited for another before the person is told
# Told how long a write waited for another program's (the CLI says it on stderr); None: nobody is told.
wait_notice: Callable[[float], None] | None = None


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """One write transaction: everything in it lands, or nothing does.

    BEGIN IMMEDIATE takes the write lock up front, so a second writer waits
    for the busy timeout instead of failing half-way through.
    """
    conn = db.conn
    started = time.monotonic()
    conn.execute("BEGIN IMMEDIATE")
    waited = time.monotonic() - started
    if waited >= WAIT_WORTH_SAYING and wait_notice is not None:
        wait_notice(waited)
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


@contextmanager
def savepoint(db: sqlite_utils.Database) -> Iterator[None]:
    """A part of the caller's transaction that can fail alone: undone on an error, which is raised on."""
    conn = db.conn
    conn.execute("SAVEPOINT part")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK TO part")
        conn.execute("RELEASE part")
        raise
    conn.execute("RELEASE part")


@contextmanager
def triggers_aside(db: sqlite_utils.Database) -> Iterator[None]:
    """Triggers that would make a change a second time stand aside (sync writing work made elsewhere, or a
    change written by hand with more than its trigger would say)."""
    db.execute("INSERT INTO sync_applying (one) VALUES (1)")
    try:
        yield
    finally:
        db.execute("DELETE FROM sync_applying")
