"""Upgrading a database made by an older facts, in place: a backup first, then one transaction.

The current schema.sql is the target. Each version step may move data (STEPS); afterwards the
tables the target has and the file lacks are created from schema.sql, every view and trigger is
replaced by the target's, and missing indexes are added. Then the file is compared with a database
built from schema.sql, table by table and column by column; any difference rolls everything back.
"""

import re
import sqlite3
from collections.abc import Callable
from functools import cache
from pathlib import Path

from .errors import FactsError


def _nothing_to_move(conn: sqlite3.Connection) -> None:
    """Schema 2 adds schema_log only: no data changes shape."""


def _actors_keep_who_corrected_them(conn: sqlite3.Connection) -> None:
    """Schema 3: actors gain updated_at and updated_by (actor_history, a new table, is made from schema.sql)."""
    conn.execute("ALTER TABLE actors ADD COLUMN updated_at TEXT")
    conn.execute("ALTER TABLE actors ADD COLUMN updated_by TEXT")


def _sources_keep_versions_and_originals(conn: sqlite3.Connection) -> None:
    """Schema 4: sources gain what they were read from, versions and a history; facts say how their quote
    was found again. A text source's original is its text (source_originals is made from schema.sql first)."""
    for column in (
        "media_type TEXT NOT NULL DEFAULT 'text/plain' "
        "CHECK (media_type IN ('text/plain', 'text/markdown', 'text/html', 'application/pdf'))",
        "language TEXT CHECK (language IS NULL OR (length(language) <= 35 AND language NOT GLOB '*[^A-Za-z0-9-]*'))",
        "archive_url TEXT CHECK (archive_url IS NULL OR ((archive_url GLOB 'http://?*' OR archive_url GLOB "
        "'https://?*') AND archive_url NOT GLOB '*[ ' || char(1) || '-' || char(31) || ']*' "
        "AND length(archive_url) <= 2000))",
        "page_starts TEXT CHECK (page_starts IS NULL OR json_valid(page_starts))",
        "version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)",
        "updated_at TEXT",
        "updated_by TEXT",
        "change_reason TEXT CHECK (change_reason IS NULL OR (length(change_reason) <= 10000 "
        "AND instr(CAST(change_reason AS BLOB), x'00') = 0))",
    ):
        conn.execute(f"ALTER TABLE sources ADD COLUMN {column}")
    conn.execute("ALTER TABLE facts ADD COLUMN anchored_by TEXT "
                 "CHECK (anchored_by IS NULL OR anchored_by IN ('exact', 'context', 'fuzzy', 'orphan'))")
    conn.execute("""CREATE TABLE source_originals (
    source_id  INTEGER NOT NULL REFERENCES sources(id),
    version    INTEGER NOT NULL CHECK (version >= 1),
    media_type TEXT NOT NULL,
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    bytes      BLOB NOT NULL,
    PRIMARY KEY (source_id, version)
) STRICT""")
    conn.execute("INSERT INTO source_originals (source_id, version, media_type, sha256, bytes) "
                 "SELECT id, 1, 'text/plain', sha256, CAST(text AS BLOB) FROM sources WHERE text IS NOT NULL")


def _records_get_global_ids(conn: sqlite3.Connection) -> None:
    """Schema 5: every record gets a global id (uid), made here for the rows there are. The triggers of
    the tables it touches go first (the upgrade puts the target's back): an append-only table refuses
    updates, and the facts' checks need not run for an id."""
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    touched = [t for t in ("sources", "source_versions", "actors", "aliases", "facts", "annotations") if t in tables]
    marks = ", ".join("?" * len(touched))
    for (trigger,) in conn.execute(f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",
                                   touched).fetchall():
        conn.execute(f'DROP TRIGGER "{trigger}"')
    for table in touched:
        conn.execute(f"ALTER TABLE {table} ADD COLUMN uid TEXT")
        conn.execute(f"UPDATE {table} SET uid = lower(hex(randomblob(16)))")


def _changes_become_events(conn: sqlite3.Connection) -> None:
    """Schema 6: every change gets a global id and its parent (the change before it on the same record; the
    record itself for the first), so that changes made apart can be told from changes made one on another.
    Two analysts may now enter one claim apart, so the natural key is an index, not a constraint; an alias
    says when and by whom it was given."""
    histories = {"fact_history": ("fact_id", "(SELECT uid FROM facts WHERE id = t.fact_id)"),
                 "actor_history": ("actor_id", "(SELECT uid FROM actors WHERE id = t.actor_id)"),
                 "source_history": ("source_id", "(SELECT uid FROM sources WHERE id = t.source_id)"),
                 "link_history": ("kind, subject_id",
                                  "CASE t.kind WHEN 'repeats' THEN (SELECT uid FROM facts WHERE id = t.subject_id) "
                                  "ELSE (SELECT uid FROM actors WHERE id = t.subject_id) END")}
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table, (record, record_uid) in histories.items():
        if table not in tables:
            continue
        for (trigger,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                                       [table]).fetchall():
            conn.execute(f'DROP TRIGGER "{trigger}"')
        conn.execute(f"ALTER TABLE {table} ADD COLUMN uid TEXT")
        conn.execute(f"ALTER TABLE {table} ADD COLUMN parents TEXT")
        conn.execute(f"UPDATE {table} SET uid = lower(hex(randomblob(16)))")
        same = " AND ".join(f"p.{c} = t.{c}" for c in record.split(", "))
        conn.execute(f"""UPDATE {table} AS t SET parents = coalesce(
                             (SELECT p.uid FROM {table} p WHERE {same} AND p.id < t.id ORDER BY p.id DESC LIMIT 1),
                             {record_uid}, '')""")
    conn.execute("DROP INDEX IF EXISTS facts_natural_key")
    if "aliases" in tables:  # an alias now says when and by whom it was given: a name since its actor was added
        for (trigger,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'aliases'"
                                       ).fetchall():
            conn.execute(f'DROP TRIGGER "{trigger}"')
        conn.execute("ALTER TABLE aliases ADD COLUMN added_at TEXT")
        conn.execute("ALTER TABLE aliases ADD COLUMN added_by TEXT")
        conn.execute("UPDATE aliases SET added_at = (SELECT added_at FROM actors WHERE actors.id = aliases.actor_id) "
                     "WHERE alias = (SELECT name FROM actors WHERE actors.id = aliases.actor_id)")


def _full_text_found_by_other_tools(conn: sqlite3.Connection) -> None:
    """Schema 7 declares the full-text index content="facts", as sqlite-utils and Datasette look for it:
    the index is made again from schema.sql (and rebuilt from the facts) once the step is done."""
    conn.execute("DROP TABLE IF EXISTS facts_fts")


def _spread_within_periods(conn: sqlite3.Connection) -> None:
    """Schema 8 compares figures within periods in subject_spread, read through a new index: both come from
    schema.sql once the step is done; no data moves."""


# STEPS[n] turns a schema-n database's data into schema n+1's, inside the upgrade's transaction.
STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _nothing_to_move,
    2: _actors_keep_who_corrected_them,
    3: _sources_keep_versions_and_originals,
    4: _records_get_global_ids,
    5: _changes_become_events,
    6: _full_text_found_by_other_tools,
    7: _spread_within_periods,
}

_NAME = re.compile(r"^CREATE (?:VIRTUAL )?TABLE (\w+)", re.MULTILINE)


@cache
def required_tables(schema: str) -> frozenset[str]:
    """The tables schema.sql creates (cheap: read on every open)."""
    return frozenset(_NAME.findall(schema))


def check_tables(conn: sqlite3.Connection, path: object, schema: str) -> None:
    """Refuse a file whose user_version is current but whose tables are not all there."""
    present = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = sorted(required_tables(schema) - present)
    if missing:
        raise FactsError(f"{path}: not a complete facts database (missing table {', '.join(missing)})")


def upgrade(conn: sqlite3.Connection, path: Path, version: int, target: int, schema: str, now: str) -> Path | None:
    """Bring a schema-`version` database to `target`. Returns the backup written (None if another
    process upgraded it first). Nothing changes in the file unless every step succeeds."""
    conn.execute("BEGIN IMMEDIATE")
    backup = None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]  # re-read under the write lock
        if version >= target:
            conn.execute("ROLLBACK")
            return None
        backup = _backup(path, version)
        for step in range(version, target):
            if step not in STEPS:
                raise FactsError(f"no upgrade from schema {step}")
            STEPS[step](conn)
        target_schema = _target(schema)
        for name in _reconcile(conn, target_schema):
            if name in target_schema.full_text:  # an index made new is filled from its table
                conn.execute(f'INSERT INTO "{name}"("{name}") VALUES (\'rebuild\')')
        _compare(conn, target_schema)
        conn.execute("INSERT INTO schema_log (version, from_version, changed_at, backup) VALUES (?, ?, ?, ?)",
                     [target, version, now, str(backup)])
        conn.execute(f"PRAGMA user_version = {int(target)}")
    except BaseException as e:
        conn.execute("ROLLBACK")
        if backup is not None:
            backup.unlink()  # the file is as it was: a copy of it is no use, and it may be large
        if isinstance(e, (FactsError, sqlite3.Error)):
            raise FactsError(f"{path}: could not upgrade from schema {version} to {target} ({e}); "
                             f"the database is unchanged") from None
        raise
    conn.execute("COMMIT")
    return backup


def _backup(path: Path, version: int) -> Path:
    """A whole copy of the file as it is, next to it, never over an earlier backup.

    Read through a second connection: the upgrading one holds the write lock, so the copy is exactly
    what the upgrade starts from (SQLite's backup of a connection inside its own write transaction
    waits forever)."""
    backup = path.with_name(f"{path.name}.schema-{version}.bak")
    n = 1
    while backup.exists():
        n += 1
        backup = path.with_name(f"{path.name}.schema-{version}.{n}.bak")
    source = sqlite3.connect(str(path))
    target = sqlite3.connect(str(backup))
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return backup


class Target:
    """What schema.sql builds: its sqlite_master rows and each table's columns."""

    def __init__(self, schema: str):
        conn = sqlite3.connect(":memory:")
        conn.executescript(schema)
        self.rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
        self.columns = {name: _columns(conn, name) for kind, name, _ in self.rows if kind == "table"}
        self.full_text = {name for kind, name, sql in self.rows if kind == "table" and "USING fts5" in sql}
        conn.close()


@cache
def _target(schema: str) -> Target:
    return Target(schema)


def _columns(conn: sqlite3.Connection, table: str) -> list[tuple]:
    """Name, type, not-null, default and key of each column."""
    return [tuple(row[1:6]) for row in conn.execute(f'PRAGMA table_xinfo("{table}")')]


def _shadow(name: str, virtual: set[str]) -> bool:
    """FTS5 keeps its index in tables named after the virtual table; they come with it."""
    return any(name.startswith(v + "_") for v in virtual)


def _reconcile(conn: sqlite3.Connection, target: Target) -> list[str]:
    """Make the file's tables, indexes, views and triggers the target's; the tables it made."""
    made = []
    present = {(kind, name) for kind, name in conn.execute("SELECT type, name FROM sqlite_master")}
    virtual = {name for kind, name, sql in target.rows if kind == "table" and sql.startswith("CREATE VIRTUAL")}
    for kind, name in sorted(present):
        if kind in ("view", "trigger"):
            conn.execute(f'DROP {kind.upper()} "{name}"')
    for kind, name, sql in target.rows:
        if kind == "table" and ("table", name) not in present and not _shadow(name, virtual):
            conn.execute(sql)
            made.append(name)
    for kind, name, sql in target.rows:
        if kind == "index" and ("index", name) not in present:
            conn.execute(sql)
    for kind, _, sql in target.rows:
        if kind in ("view", "trigger"):
            conn.execute(sql)
    return made


def _compare(conn: sqlite3.Connection, target: Target) -> None:
    present = {(kind, name) for kind, name in conn.execute("SELECT type, name FROM sqlite_master")}
    for kind, name, _ in target.rows:
        if (kind, name) not in present:
            raise FactsError(f"{kind} {name} missing after the upgrade")
        if kind == "table" and _columns(conn, name) != target.columns[name]:
            raise FactsError(f"table {name} has other columns than schema.sql's")
