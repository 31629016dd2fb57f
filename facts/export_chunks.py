"""Rows into export text: in this process, or for a large export on every core.

Python's csv and json modules, not SQLite, set the pace of an export; so for a large one, ranges of
rowids are formatted by worker processes and written by the exporting process in order. One snapshot: the exporting
connection takes the write lock (BEGIN IMMEDIATE, writing nothing) while the workers open their
read transactions, so no commit can fall between them; it lets go as soon as they have.
"""

import base64
import csv
import io
import json
import multiprocessing
import os
import queue
import sqlite3
from typing import Callable, Iterator

CHUNK = 5_000  # rowids a task: small enough that the chunks in flight stay a few MB
SMALLEST = 50_000  # rows below which starting workers costs more than it gives
READY_SECONDS = 30.0


def workers_available() -> int:
    try:
        return min(len(os.sched_getaffinity(0)), 4)
    except AttributeError:  # not on Linux
        return min(os.cpu_count() or 1, 4)


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


def _worker(uri: str, sql: str, params: list, shape: str, columns: list[str], ranges: list[tuple[int, int, int]],
            ready, results) -> None:
    """Open a read transaction, say so, then format this worker's ranges in turn."""
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts at the first read
        ready.put(True)
        for index, low, high in ranges:
            rows = conn.execute(sql, [*params, low, high]).fetchall()
            results.put((index, len(rows), format_rows(shape, columns, rows)))
        conn.execute("COMMIT")
        conn.close()
    except BaseException as e:  # reported to the exporting process, which raises it
        ready.put(False)
        results.put((-1, 0, f"{type(e).__name__}: {e}"))


def start(conn: sqlite3.Connection, uri: str, sql: str, params: list, shape: str, columns: list[str], table: str,
          workers: int, while_locked: Callable[[], None] | None = None) -> Iterator[tuple[int, str]] | None:
    """Start the workers on one snapshot; then (row count, text) of each range of `table`'s rowids, in order.

    `sql` ends with `rowid >= ? AND rowid < ?`. `while_locked` reads whatever else must come from the same
    snapshot. None when the table is empty or the write lock cannot be had (a read-only file)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return None
    processes = []
    try:
        bounds = rowid_bounds(conn, table)
        if bounds is None:
            return None
        low, high = bounds
        ranges = [(i, start, min(start + CHUNK, high + 1)) for i, start in enumerate(range(low, high + 1, CHUNK))]
        context = multiprocessing.get_context("spawn")  # no SQLite connection may cross a fork
        ready = context.Queue()
        results = [context.Queue(maxsize=2) for _ in range(workers)]
        processes = [context.Process(target=_worker, daemon=True,
                                     args=(uri, sql, params, shape, columns, ranges[w::workers], ready, results[w]))
                     for w in range(workers)]
        for p in processes:
            p.start()
        for _ in processes:
            if not ready.get(timeout=READY_SECONDS):
                break
        if while_locked:
            while_locked()
    except BaseException:
        _stop(processes)
        raise
    finally:
        conn.execute("ROLLBACK")
    return _in_order(ranges, results, processes)


def _in_order(ranges, results, processes) -> Iterator[tuple[int, str]]:
    workers = len(processes)
    try:
        for index, _, _ in ranges:
            got, count, text = _next(results[index % workers], processes[index % workers])
            if got != index:
                raise RuntimeError(f"export worker failed: {text}")
            yield count, text
    finally:
        _stop(processes)


def _stop(processes) -> None:
    for p in processes:
        if p.is_alive():
            p.kill()
        p.join()


def _next(results, process) -> tuple[int, int, str]:
    while True:
        try:
            return results.get(timeout=1.0)
        except queue.Empty:
            if not process.is_alive():
                raise RuntimeError("an export worker stopped without a word") from None


def rowid_bounds(conn: sqlite3.Connection, table: str) -> tuple[int, int] | None:
    row = conn.execute(f'SELECT min(rowid), max(rowid) FROM "{table}"').fetchone()
    return None if row[0] is None else (row[0], row[1])


def worth_it(conn: sqlite3.Connection, table: str) -> bool:
    bounds = rowid_bounds(conn, table)
    return bounds is not None and bounds[1] - bounds[0] + 1 >= SMALLEST
