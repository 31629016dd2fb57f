"""Rows into export text: in this process, or for a large export on every core.

Python's csv and json modules, not SQLite, set the pace of an export; so for a large one, ranges of
rowids are formatted by worker processes and written by the exporting process in order. One snapshot: the exporting
connection takes the write lock (BEGIN IMMEDIATE, writing nothing) while the workers open their
read transactions, so no commit can fall between them; it lets go as soon as they have.

A worker is `python -m facts.export_chunks`: its job as JSON on stdin, then on stdout a line "ready",
and for each range a line "<rows> <bytes>" and that many bytes of UTF-8 text (or a line "error: ...").
Its pipe holds it one chunk ahead of the writer, so memory stays flat.
"""

import base64
import csv
import io
import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import IO

from .worker_processes import failed, pipe, stop

LOCK_WAIT_MS = 200  # for the write lock that starts the workers on one snapshot; past it, one process formats

CHUNK = 5_000  # rowids a task: small enough that the chunks in flight stay a few MB
SMALLEST = 50_000  # rows below which starting workers costs more than it gives


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


def dumps(value: object) -> str:
    return _ENCODER.encode(value)


def format_rows(shape: str, columns: list[str], rows: list[tuple]) -> str:
    """A chunk of rows in an export shape, without the list's brackets."""
    if shape == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        return out.getvalue()
    if shape == "nl":
        return "".join(dumps(dict(zip(columns, row))) + "\n" for row in rows)
    if shape == "arrays":
        return ",".join(dumps(list(row)) for row in rows)
    return ",".join(dumps(dict(zip(columns, row))) for row in rows)  # objects, array


def work(job: dict, out: IO[bytes]) -> None:
    """A worker: open a read transaction, say so, then format the job's ranges in turn."""
    conn = sqlite3.connect(f"{job['uri']}?mode=ro", uri=True, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts at the first read
    out.write(b"ready\n")
    out.flush()
    for low, high in job["ranges"]:
        rows = conn.execute(job["sql"], [*job["params"], low, high]).fetchall()
        text = format_rows(job["shape"], job["columns"], rows).encode("utf-8")
        out.write(f"{len(rows)} {len(text)}\n".encode() + text)
        out.flush()
    conn.execute("COMMIT")


def start(conn: sqlite3.Connection, uri: str, sql: str, params: list, shape: str, columns: list[str], table: str,
          workers: int, while_locked: Callable[[], None] | None = None) -> Iterator[tuple[int, str]] | None:
    """Start the workers on one snapshot; then (row count, text) of each range of `table`'s rowids, in order.

    `sql` ends with `rowid >= ? AND rowid < ?`. `while_locked` reads whatever else must come from the same
    snapshot. None when the table is empty or the write lock cannot be had at once (a read-only file, or a
    writer holding it): the caller formats the rows itself rather than wait for the writer."""
    timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return None
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")
    processes: list[subprocess.Popen[bytes]] = []
    try:
        bounds = rowid_bounds(conn, table)
        if bounds is None:
            return None
        low, high = bounds
        ranges = [(start, min(start + CHUNK, high + 1)) for start in range(low, high + 1, CHUNK)]
        for w in range(workers):
            job = {"uri": uri, "sql": sql, "params": params, "shape": shape, "columns": columns,
                   "ranges": ranges[w::workers]}
            process = subprocess.Popen([sys.executable, "-m", "facts.export_chunks"], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            processes.append(process)
            stdin = pipe(process.stdin)
            stdin.write(json.dumps(job).encode())
            stdin.close()
        for process in processes:
            if pipe(process.stdout).readline() != b"ready\n":
                failed(process, "an export worker")
        if while_locked:
            while_locked()
    except BaseException:
        stop(processes)
        raise
    finally:
        conn.execute("ROLLBACK")
    return _in_order(len(ranges), processes)


def _in_order(count: int, processes: list[subprocess.Popen[bytes]]) -> Iterator[tuple[int, str]]:
    try:
        for index in range(count):
            process = processes[index % len(processes)]
            stdout = pipe(process.stdout)
            line = stdout.readline().split()
            if len(line) != 2:
                failed(process, "an export worker")
            rows, size = int(line[0]), int(line[1])
            yield rows, stdout.read(size).decode("utf-8")
    finally:
        stop(processes)


def rowid_bounds(conn: sqlite3.Connection, table: str) -> tuple[int, int] | None:
    row = conn.execute(f'SELECT min(rowid), max(rowid) FROM "{table}"').fetchone()
    return None if row[0] is None else (row[0], row[1])


def worth_it(conn: sqlite3.Connection, table: str) -> bool:
    bounds = rowid_bounds(conn, table)
    return bounds is not None and bounds[1] - bounds[0] + 1 >= SMALLEST


if __name__ == "__main__":
    work(json.loads(sys.stdin.buffer.read()), sys.stdout.buffer)
