"""Tables, views and filtered facts written the way Datasette 0.65 serves them, and read-only SQL.

Shapes (Datasette's `_shape`): `objects` and `arrays` are the envelope
(database, table, columns, rows, ...) with rows as objects or lists; `array`
is a list of objects; `nl` is one object a line (`_shape=array&_nl=on`);
`csv` is the streamed CSV (`?_stream=on`: CRLF line ends, empty field for
NULL). Rows are streamed from the cursor, so memory stays flat.
"""

import base64
import csv
import json
import os
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterable, Iterator

import sqlite_utils

from .db import open_db
from .errors import FactsError
from .query import Filter

SHAPES = ("objects", "arrays", "array", "nl", "csv")
BATCH = 1_000


class _Encoder(json.JSONEncoder):
    """Datasette's CustomJSONEncoder: bytes as {"$base64": true, "encoded": ...}."""

    def default(self, obj):
        if isinstance(obj, bytes):
            try:
                return obj.decode("utf-8")
            except UnicodeDecodeError:
                return {"$base64": True, "encoded": base64.b64encode(obj).decode("latin1")}
        return super().default(obj)


_ENCODER = _Encoder()  # one instance: json.dumps(cls=...) would build an encoder per row


def _dumps(value: object) -> str:
    return _ENCODER.encode(value)


def exportable(db: sqlite_utils.Database) -> tuple[list[str], list[str]]:
    """The tables and views that can be exported (not FTS shadow tables)."""
    tables = [t for t in db.table_names() if not t.startswith("facts_fts")]
    return tables, db.view_names()


def _check_name(db: sqlite_utils.Database, name: str) -> bool:
    """True for a view, False for a table; an unknown name is an error that lists the known ones."""
    tables, views = exportable(db)
    if name in views:
        return True
    if name in tables:
        return False
    raise FactsError(f"no table or view '{name}' (tables: {', '.join(tables)}; views: {', '.join(views)})")


def _select(db: sqlite_utils.Database, name: str, flt: Filter | None) -> tuple[str, list, list[str], bool]:
    """The SELECT Datasette would run for a table or view (all rows), its parameters, pks, is_view."""
    is_view = _check_name(db, name)
    columns = [c.name for c in db[name].columns]
    pks = [] if is_view else db[name].pks
    where, params = "", []
    if flt is not None and flt != Filter():
        if name not in ("facts", "facts_flat"):
            raise FactsError(f"filters apply to facts and facts_flat, not to '{name}'")
        clause, params = flt.where(db)
        where = f" WHERE {clause}"
    # Datasette orders a table by its primary key (rowid when it has none) and leaves a view in its own order.
    order = "" if is_view else " ORDER BY " + ", ".join(_quote(pk) for pk in (pks or ["rowid"]))
    select = ", ".join(_quote(c) for c in columns)
    return f"SELECT {select} FROM {_quote(name)}{where}{order}", params, pks, is_view


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def export(db: sqlite_utils.Database, name: str, out: IO[str], shape: str = "objects",
           flt: Filter | None = None, database: str = "facts") -> int:
    """Write a table or view (or the facts a filter keeps) in one of Datasette's shapes; returns the row count."""
    if shape not in SHAPES:
        raise FactsError(f"unknown shape '{shape}' (one of: {', '.join(SHAPES)})")
    sql, params, pks, is_view = _select(db, name, flt)
    cursor = db.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    if shape == "csv":
        return write_csv(out, columns, _batches(cursor))
    rows = _rows(cursor)
    if shape == "nl":
        count = 0
        for row in rows:
            out.write(_dumps(dict(zip(columns, row))) + "\n")
            count += 1
        return count
    if shape == "array":
        return _write_list(out, (_dumps(dict(zip(columns, row))) for row in rows))
    count_sql = f"SELECT count(*) FROM ({sql})"
    total = db.execute(count_sql, params).fetchone()[0]
    head = {"database": database, "table": name, "is_view": is_view, "human_description_en": "",
            "rows": None, "truncated": False, "filtered_table_rows_count": total, "expanded_columns": [],
            "expandable_columns": [] if is_view else expandable_columns(db, name), "columns": columns, "primary_keys": pks, "units": {},
            "query": {"sql": sql, "params": {str(i + 1): p for i, p in enumerate(params)}},
            "facet_results": {}, "suggested_facets": [], "next": None, "next_url": None, "private": False,
            "allow_execute_sql": True}
    before, after = _dumps(head).split('"rows": null', 1)
    out.write(before + '"rows": ')
    if shape == "objects":
        count = _write_list(out, (_dumps(dict(zip(columns, row))) for row in rows), newline=False)
    else:
        count = _write_list(out, (_dumps(list(row)) for row in rows), newline=False)
    out.write(after + "\n")
    return count


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
        return [c for c in columns if c not in ("id", "pk")][0]
    return None


def _batches(cursor: sqlite3.Cursor) -> Iterator[list[tuple]]:
    while batch := cursor.fetchmany(BATCH):
        yield batch


def _rows(cursor: sqlite3.Cursor) -> Iterator[tuple]:
    for batch in _batches(cursor):
        yield from batch


def _write_list(out: IO[str], items: Iterable[str], newline: bool = True) -> int:
    count = 0
    out.write("[")
    for item in items:
        out.write(("," if count else "") + item)
        count += 1
    out.write("]\n" if newline else "]")
    return count


def write_csv(out: IO[str], columns: list[str], batches: Iterable[list[tuple]]) -> int:
    """Datasette's streamed CSV: a header, CRLF line ends, empty for NULL (as the csv module writes None)."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    for batch in batches:
        writer.writerows(batch)
        count += len(batch)
    return count


def write_site(db: sqlite_utils.Database, db_path: Path, folder: Path, metadata: dict) -> int:
    """A static copy of what Datasette serves: DIR/<db>.db, DIR/<db>/<table>.json and .csv, DIR/metadata.json."""
    database = db_path.stem
    if folder.exists() and not folder.is_dir():
        raise FactsError(f"{folder}: not a folder")
    (folder / database).mkdir(parents=True, exist_ok=True)
    # The database itself, copied whole (the backup API gives a consistent copy) and renamed into place.
    copy = folder / f"{database}.db"
    fd, temp = tempfile.mkstemp(prefix=f".{copy.name}.", dir=folder)
    os.close(fd)
    try:
        target = sqlite3.connect(temp)
        db.conn.backup(target)
        target.close()
        os.replace(temp, copy)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    tables, views = exportable(db)
    for name in tables + views:
        with output(str(folder / database / f"{name}.json")) as out:
            export(db, name, out, shape="objects", database=database)
        with output(str(folder / database / f"{name}.csv")) as out:
            export(db, name, out, shape="csv", database=database)
    with output(str(folder / "metadata.json")) as out:
        out.write(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n")
    return len(tables) + len(views)


@contextmanager
def output(path: str | None) -> Iterator[IO[str]]:
    """stdout, or a file written whole or not at all (a temporary file renamed into place)."""
    if path in (None, "-"):
        import sys
        yield sys.stdout
        return
    target = Path(path)
    if target.exists() and not target.is_file():
        # A device or a pipe (/dev/null, /dev/stdout): write into it, never rename over it.
        with open(target, "w", encoding="utf-8", newline="") as f:
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
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            yield f
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def run_query(path: str | Path, sql: str, params: dict[str, str]) -> tuple[list[str], Iterator[tuple]]:
    """Run SQL read-only: the database is opened read-only and with PRAGMA query_only."""
    conn = open_db(path, readonly=True).conn
    conn.execute("PRAGMA query_only = 1")
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
        raise FactsError(f"SQL: {e}") from None
    columns = [d[0] for d in cursor.description] if cursor.description else []
    return columns, _rows(cursor)
