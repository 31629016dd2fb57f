"""Tables, views and filtered facts written the way Datasette 0.65 serves them, and read-only SQL.

Shapes (Datasette's `_shape`): `objects` and `arrays` are the envelope
(database, table, columns, rows, ...) with rows as objects or lists; `array`
is a list of objects; `nl` is one object a line (`_shape=array&_nl=on`);
`csv` is the streamed CSV (`?_stream=on`: CRLF line ends, empty field for
NULL). Rows are streamed from the cursor, so memory stays flat.
"""

import json
import os
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import sqlite_utils

from .db import open_db
from .errors import FactsError
from .export_chunks import dumps, format_rows
from .query import Filter
from .vocab import EXPORT_SHAPES
from .worker_processes import workers_available

BATCH = 1_000


def exportable(db: sqlite_utils.Database) -> tuple[list[str], list[str]]:
    """The tables and views that can be exported: not FTS shadow tables, nor source_originals, whose bytes
    `facts sources original` gives back as the files they were."""
    tables = [t for t in db.table_names() if not t.startswith("facts_fts") and t != "source_originals"]
    return tables, db.view_names()


def _check_name(db: sqlite_utils.Database, name: str) -> bool:
    """True for a view, False for a table; an unknown name is an error that lists the known ones."""
    tables, views = exportable(db)
    if name in views:
        return True
    if name in tables:
        return False
    raise FactsError(f"no table or view '{name}' (tables: {', '.join(tables)}; views: {', '.join(views)})")


def _select(db: sqlite_utils.Database, name: str, flt: Filter | None) -> "Select":
    """The SELECT Datasette would run for a table or view (all rows)."""
    is_view = _check_name(db, name)
    columns = [c.name for c in db[name].columns]
    pks = [] if is_view else db.table(name).pks
    where, params = "", list[object]()
    if flt is not None and flt != Filter():
        if name not in ("facts", "facts_flat"):
            raise FactsError(f"filters apply to facts and facts_flat, not to '{name}'")
        where, params = flt.where(db)
    # Datasette orders a table by its primary key (rowid when it has none) and leaves a view in its own order.
    order = [] if is_view else pks or ["rowid"]
    return Select(name, columns, where, params, order, pks, is_view)


@dataclass
class Select:
    """A table or view to read whole (or as far as a filter keeps), in Datasette's order."""
    name: str
    columns: list[str]
    where: str
    params: list
    order: list[str]
    pks: list[str]
    is_view: bool

    def sql(self, extra: str = "") -> str:
        conditions = " AND ".join(f"({c})" for c in (self.where, extra) if c)
        return (f"SELECT {', '.join(_quote(c) for c in self.columns)} FROM {_quote(self.name)}"
                + (f" WHERE {conditions}" if conditions else "")
                + (" ORDER BY " + ", ".join(_quote(c) for c in self.order) if self.order else ""))

    def rowid_column(self, db: sqlite_utils.Database) -> str | None:
        """The column its rows are in order of, when that is the rowid of a table: ranges of it can be
        formatted apart and put together again in order."""
        if self.name == "facts_flat":
            return "id"  # facts.id, read in the order of facts
        if self.is_view:
            return None
        if self.order == ["rowid"]:
            return "rowid"
        if len(self.pks) == 1 and any(c.name == self.pks[0] and c.is_pk and c.type.upper() == "INTEGER"
                                      for c in db[self.name].columns):
            return self.pks[0]  # INTEGER PRIMARY KEY: the rowid itself
        return None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def export(db: sqlite_utils.Database, name: str, out: IO[str], shape: str = "objects",
           flt: Filter | None = None, database: str = "facts", parallel: bool = False,
           progress: Callable[[int, int | None], None] | None = None) -> int:
    """Write a table or view (or the facts a filter keeps) in one of Datasette's shapes; returns the row count.

    parallel: let worker processes format a large export (export_chunks), all from one snapshot.
    progress: told the rows written so far and the total (None where the shape does not count it)."""
    if shape not in EXPORT_SHAPES:
        raise FactsError(f"unknown shape '{shape}' (one of: {', '.join(EXPORT_SHAPES)})")
    select = _select(db, name, flt)
    counted: list[int] = []

    def count() -> None:
        counted.append(db.execute(f"SELECT count(*) FROM ({select.sql()})", select.params).fetchone()[0])

    wants_count = shape in ("objects", "arrays")
    chunks = _parallel_chunks(db, select, shape, count if wants_count else None) if parallel else None
    reading = chunks is None and not db.conn.in_transaction
    if reading:
        db.execute("BEGIN")  # one snapshot for the count and the rows
    try:
        if chunks is None:
            if wants_count:
                count()
            chunks = _serial_chunks(db, select, shape)
        head = _head(db, select, database, counted[0]) if wants_count else None
        if progress is not None:
            chunks = _told(chunks, progress, counted[0] if wants_count else None)
        return _write(out, shape, select.columns, head, chunks)
    finally:
        if reading:
            db.execute("COMMIT")


def _told(chunks: Iterable[tuple[int, str]], progress: Callable[[int, int | None], None],
          total: int | None) -> Iterator[tuple[int, str]]:
    done = 0
    progress(done, total)
    for n, text in chunks:
        yield n, text
        done += n
        progress(done, total)


def _head(db: sqlite_utils.Database, select: Select, database: str, total: int) -> dict:
    """What Datasette's table JSON says around its rows."""
    return {"database": database, "table": select.name, "is_view": select.is_view, "human_description_en": "",
            "rows": None, "truncated": False, "filtered_table_rows_count": total, "expanded_columns": [],
            "expandable_columns": [] if select.is_view else expandable_columns(db, select.name),
            "columns": select.columns, "primary_keys": select.pks, "units": {},
            "query": {"sql": select.sql(), "params": {str(i + 1): p for i, p in enumerate(select.params)}},
            "facet_results": {}, "suggested_facets": [], "next": None, "next_url": None, "private": False,
            "allow_execute_sql": True}


def _write(out: IO[str], shape: str, columns: list[str], head: dict | None,
           chunks: Iterable[tuple[int, str]]) -> int:
    count = 0
    if shape in ("csv", "nl"):
        if shape == "csv":
            out.write(format_rows("csv", [], [tuple(columns)]))
        for n, text in chunks:
            out.write(text)
            count += n
        return count
    before, after = dumps(head).split('"rows": null', 1) if head else ("", "")
    out.write(before + '"rows": [' if head else "[")
    for n, text in chunks:
        if n:
            out.write(("," if count else "") + text)
            count += n
    out.write("]" + after + "\n")
    return count


def _serial_chunks(db: sqlite_utils.Database, select: Select, shape: str) -> Iterator[tuple[int, str]]:
    cursor = db.execute(select.sql(), select.params)
    for batch in _batches(cursor):
        yield len(batch), format_rows(shape, select.columns, batch)


def _parallel_chunks(db: sqlite_utils.Database, select: Select, shape: str,
                     while_locked: Callable[[], None] | None) -> Iterator[tuple[int, str]] | None:
    """Chunks formatted by worker processes, or None when that would not pay or cannot be done here."""
    from . import export_chunks
    column = select.rowid_column(db)
    file = db.execute("PRAGMA database_list").fetchone()[2]
    workers = workers_available()
    if column is None or not file or db.conn.in_transaction or workers < 2:
        return None
    table = "facts" if select.name == "facts_flat" else select.name
    if not export_chunks.worth_it(db.conn, table):
        return None
    sql = select.sql(f"{_quote(column)} >= ? AND {_quote(column)} < ?")
    return export_chunks.start(db.conn, Path(file).as_uri(), sql, select.params, shape, select.columns, table,
                               workers, while_locked)


def expandable_columns(db: sqlite_utils.Database, table: str) -> list:
    """Foreign keys and the column that names their rows, as Datasette 0.65 lists them."""
    out = []
    for _, _, other, column, other_column, *_ in db.execute(f"PRAGMA foreign_key_list({_quote(table)})"):
        out.append([{"column": column, "other_table": other, "other_column": other_column}, label_column(db, other)])
    return out


def label_column(db: sqlite_utils.Database, table: str) -> str | None:
    """Datasette's guess at a table's label: a name or title column, or the other of two columns beside id."""
    columns = [c.name for c in db[table].columns]
    named = [c for c in columns if c.lower() in ("name", "title")]
    if named:
        return named[0]
    if len(columns) == 2 and ("id" in columns or "pk" in columns):
        return next(c for c in columns if c not in ("id", "pk"))
    return None


def _batches(cursor: sqlite3.Cursor) -> Iterator[list[tuple]]:
    while batch := cursor.fetchmany(BATCH):
        yield batch


def _rows(cursor: sqlite3.Cursor) -> Iterator[tuple]:
    for batch in _batches(cursor):
        yield from batch


def write_site(db: sqlite_utils.Database, db_path: Path, folder: Path, metadata: dict,
               progress: Callable[[int, int | None], None] | None = None) -> int:
    """A static copy of what Datasette serves, DIR/<db>.db, DIR/<db>/<table>.json and .csv, DIR/metadata.json,
    and the published pages in HTML (facts/site.py)."""
    from .site import FOLDERS, check_folder, write_pages
    database = db_path.stem
    if folder.exists() and not folder.is_dir():
        raise FactsError(f"{folder}: not a folder")
    copy = folder / f"{database}.db"
    if copy.resolve() == db_path.resolve() or (copy.exists() and os.path.samefile(copy, db_path)):
        raise FactsError(f"{folder}: holds the database itself ({db_path}); write the site into another folder")
    tables, views = exportable(db)
    names = [f"{database}.db", "metadata.json", *(f"{database}/{n}.{ext}" for n in tables + views
                                                   for ext in ("json", "csv"))]
    written_before = _site_files(folder)
    foreign = [n for n in names if (folder / n).exists() and n not in written_before]
    if foreign:
        raise FactsError(f"{folder}: holds {foreign[0]}, which facts export --site did not write there; "
                         f"choose an empty folder")
    check_folder(folder, written_before)
    (folder / database).mkdir(parents=True, exist_ok=True)
    _list_site_files(folder, set(names) | set(FOLDERS) | written_before)
    # The database itself, copied whole (the backup API gives a consistent copy) and renamed into place.
    fd, temp = tempfile.mkstemp(prefix=f".{copy.name}.", dir=folder)
    os.close(fd)
    try:
        target = sqlite3.connect(temp)
        db.conn.backup(target)
        target.close()
        os.chmod(temp, _mode_for(copy))
        os.replace(temp, copy)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    for name in tables + views:
        with output(str(folder / database / f"{name}.json")) as out:
            export(db, name, out, shape="objects", database=database)
        with output(str(folder / database / f"{name}.csv")) as out:
            export(db, name, out, shape="csv", database=database)
    with output(str(folder / "metadata.json")) as out:
        out.write(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n")
    pages = write_pages(db, folder, database, metadata, tables + views, progress)
    _list_site_files(folder, set(names) | set(pages) | written_before)
    return len(tables) + len(views)


SITE_LIST = ".facts-site"  # the files a site folder holds that facts wrote, so a new run may replace them


def _list_site_files(folder: Path, names: set[str]) -> None:
    (folder / SITE_LIST).write_text("\n".join(sorted(names)) + "\n", encoding="utf-8")


def _site_files(folder: Path) -> set[str]:
    try:
        return set((folder / SITE_LIST).read_text(encoding="utf-8").split())
    except FileNotFoundError:
        return set()


@contextmanager
def output(path: str | None) -> Iterator[IO[str]]:
    """stdout, or a file written whole or not at all (a temporary file renamed into place)."""
    if path in (None, "-"):
        import sys
        yield sys.stdout
        return
    with _written_whole(path, binary=False) as f:
        yield f


@contextmanager
def output_bytes(path: str) -> Iterator[IO[bytes]]:
    """A binary file written whole or not at all, as `output` writes text."""
    with _written_whole(path, binary=True) as f:
        yield f


@contextmanager
def _written_whole(path: str, binary: bool) -> Iterator[IO]:
    """A file written through a temporary file renamed into place, or a device or pipe written into."""
    options: dict = {} if binary else {"encoding": "utf-8", "newline": ""}
    mode = "wb" if binary else "w"
    target = Path(path)
    if target.exists() and not target.is_file():
        # A device or a pipe (/dev/null, /dev/stdout): write into it, never rename over it.
        with open(target, mode, **options) as f:
            yield f
        return
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise FactsError(f"{path}: folder {folder} does not exist")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as e:
        raise FactsError(f"{path}: cannot write there ({e.strerror})") from None
    try:
        with os.fdopen(fd, mode, **options) as f:
            yield f
        os.chmod(temp, _mode_for(target))
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _mode_for(target: Path) -> int:
    """The permissions a written file gets: those of the file it replaces, else what the umask allows (a
    temporary file is made 0600, and renamed into place it would keep that)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _this_database_only(action: int, *_: object) -> int:
    """An authorizer: no ATTACH (which makes the file it names) and so no VACUUM INTO, nothing outside."""
    return sqlite3.SQLITE_DENY if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH) else sqlite3.SQLITE_OK


def run_query(path: str | Path, sql: str, params: dict[str, str]) -> tuple[list[str], Iterator[tuple]]:
    """Run SQL read-only: the database is opened read-only and with PRAGMA query_only."""
    conn = open_db(path, readonly=True).conn
    conn.execute("PRAGMA query_only = 1")
    conn.set_authorizer(_this_database_only)
    try:
        cursor = conn.execute(sql, params)
    except sqlite3.OperationalError as e:
        message = str(e)
        if "readonly" in message or "query_only" in message or "read-only" in message:
            raise FactsError("facts query is read-only: this statement would change the database") from None
        raise FactsError(f"SQL: {message}") from None
    except (sqlite3.ProgrammingError, sqlite3.Warning) as e:
        raise FactsError(f"SQL: {e}") from None
    except sqlite3.DatabaseError as e:
        if str(e) in ("not authorized", "authorization denied"):  # what _this_database_only refused
            raise FactsError("facts query reads this database only: ATTACH and VACUUM INTO are refused") from None
        raise FactsError(f"SQL: {e}") from None
    columns = [d[0] for d in cursor.description] if cursor.description else []
    return columns, _rows(cursor)
