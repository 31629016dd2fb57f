#!/usr/bin/env python3
"""Import and export at 10k, 100k and 1M facts, each figure beside the tools users would pick instead.

    python bench/io.py                                   # 10k, 100k, 1M; writes bench/RESULTS.md
    python bench/io.py --sizes 10000,100000 --no-write
    python bench/io.py --import-sizes 10000,100000       # export at every size, import only at these

The facts come from bench/generate.py (seed 1 unless --seed), cached in bench/data/ by size and seed:
JSONL plus its setup file for the imports, and a database for the exports (bench/data/facts-N.db
when its schema is the current schema.sql, else bench/data/io-facts-N-seedS.db, made once).

- import: `facts import` of the JSONL (the setup file with the actors and sources is imported
  first, by its own timed call, so rows/s counts the facts file alone) beside `sqlite-utils insert
  --nl` of the same file into a new plain table, and beside the floor: this script's `--floor`
  child reading the same JSONL and inserting the same rows with plain sqlite3 `executemany` into a
  database that holds the same setup and the project's schema (CHECKs, triggers, FTS, indexes),
  with no validation.
- export: `facts export --csv` / `--nl`, `sqlite-utils rows --csv` / `--nl`, the sqlite3 shell's
  `-csv` / `-json` and Datasette's streamed CSV (`datasette serve`, then `TABLE.csv?_stream=on&
  _size=max` read over HTTP) of the same table or view, written to a file; the rows that come
  back are counted.
- one filtered page: `facts list` and `facts query` beside the sqlite3 shell.
- start-up: `facts --help`, `facts list` on the seed database, `sqlite-utils --help` (median).

Every command runs as a fresh process under GNU time (`time -f %M`: its peak RSS); without GNU
time, under a child of this script that reads getrusage(RUSAGE_CHILDREN), which overstates small
tools by ~20 MB. Wall time is taken here. A command still running after --timeout seconds is
stopped and reported as "> N s (stopped)".
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import shlex
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
WORK = DATA / "io-work"  # scratch databases and outputs, removed after each measurement
BIN = Path(sys.executable).parent
TITLE = "Import and export"

# One filtered page, as a user would ask for it (the browser benchmark uses the same filter).
PAGE_WHERE = "unit:troops conf>=likely"
PAGE_SQL = ("SELECT * FROM facts_flat WHERE unit = 'troops' AND confidence >= 0.55 "
            "ORDER BY date_start DESC, id DESC LIMIT 50")

csv.field_size_limit(sys.maxsize)  # source texts and quotes can be long


def tool(name: str) -> str:
    """A tool from the project's virtual environment, else from PATH."""
    path = BIN / name
    return str(path) if path.exists() else (shutil.which(name) or name)


# --- one measurement: the command in a fresh process, its wall time and peak memory ------------------

def gnu_time() -> str | None:
    """GNU time, if installed: it forks from a small C process, so %M is the tool's own peak."""
    path = shutil.which("time") or "/usr/bin/time"
    try:
        out = subprocess.run([path, "-f", "%M", "true"], capture_output=True, text=True)
        return path if out.returncode == 0 and out.stderr.strip().isdigit() else None
    except OSError:
        return None


TIME = gnu_time()


def measure_child(result: str, cmd: list[str]) -> int:
    """Without GNU time: runs as its own process (--measure) and reads the tool's peak with
    getrusage(RUSAGE_CHILDREN). That figure includes the ~20 MB this Python process had when it
    spawned the tool (Linux keeps the pre-exec high-water mark), so small tools look bigger."""
    proc = subprocess.Popen(cmd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # SIGINT to the group stops the tool, not this
    code = proc.wait()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    peak_kb = peak / 1024 if sys.platform == "darwin" else peak  # bytes on macOS, KiB on Linux
    Path(result).write_text(f"exit {code}\n{peak_kb:.0f}\n")
    return 0


def start(cmd: list[str], stdout=None, name: str = "run") -> tuple[subprocess.Popen, Path, Path, float]:
    """Start `cmd` under GNU time (or the measuring child), in a process group of its own."""
    WORK.mkdir(parents=True, exist_ok=True)
    result, err = WORK / f"{name}.time", WORK / f"{name}.stderr"
    result.unlink(missing_ok=True)
    wrapper = ([TIME, "-f", "%M", "-o", str(result)] if TIME
               else [sys.executable, __file__, "--measure", str(result), "--"])
    with open(err, "wb") as err_file:
        proc = subprocess.Popen([*wrapper, *cmd], stdout=stdout or subprocess.DEVNULL, stderr=err_file,
                                start_new_session=True)
    return proc, result, err, time.perf_counter()


def stop(proc: subprocess.Popen) -> None:
    """SIGINT to the group (GNU time and the measuring child ignore it, so they still report), then KILL."""
    try:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


def finish(proc: subprocess.Popen, result: Path, err: Path, began: float, timeout: float) -> dict:
    """Wait for the command (stopping it at `timeout`): seconds, peak_mb, or why not."""
    out: dict = {}
    # A timer stops it: Popen.wait(timeout=...) polls in sleeps of up to 50 ms, which would round every time up.
    stopped = threading.Event()
    timer = threading.Timer(max(0.0, timeout - (time.perf_counter() - began)), lambda: (stopped.set(), stop(proc)))
    timer.start()
    proc.wait()
    out["seconds"] = time.perf_counter() - began
    timer.cancel()
    if stopped.is_set():
        timer.join()
        out["stopped"] = True
    lines = result.read_text().split("\n") if result.exists() else []
    peak = [line for line in lines if line.strip().isdigit()]
    if peak:
        out["peak_mb"] = int(peak[-1]) / 1024
    if proc.returncode != 0 and not out.get("stopped"):
        out["error"] = last_line(err) or f"exit {proc.returncode}"
    return out


def last_line(path: Path) -> str:
    lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()] if path.exists() else []
    return lines[-1].strip()[:200] if lines else ""


def measure(cmd: list[str], timeout: float, out_path: Path | None = None) -> dict:
    """Run one command to completion (stdout to `out_path` or nowhere): seconds, peak_mb, or why not."""
    if out_path is None:
        return finish(*start(cmd), timeout)
    with open(out_path, "wb") as out:
        started = start(cmd, stdout=out)
    return finish(*started, timeout)


# --- the data ----------------------------------------------------------------------------------

def generate(n: int, seed: int, out: Path, fmt: str) -> None:
    print(f"generating {out.name} ...", file=sys.stderr)
    subprocess.run([sys.executable, str(HERE / "generate.py"), "--facts", str(n), "--seed", str(seed),
                    "--out", str(out), "--format", fmt, "--force", "--quiet"], check=True)


def jsonl_for(n: int, seed: int) -> tuple[Path, Path]:
    """The facts file and its setup file (actors, sources), generated once per size and seed."""
    path = DATA / f"io-facts-{n}-seed{seed}.jsonl"
    setup = Path(str(path) + ".setup.yaml")
    if not (path.exists() and setup.exists()):
        generate(n, seed, path, "jsonl")
    return path, setup


def schema(db: Path) -> list:
    # immutable: reads without creating -wal/-shm files beside a database that may be another script's cache
    conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
    try:
        return (conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
                + conn.execute("PRAGMA user_version").fetchall())
    finally:
        conn.close()


def current_schema() -> list:
    WORK.mkdir(parents=True, exist_ok=True)
    fresh = WORK / "schema.db"
    fresh.unlink(missing_ok=True)
    subprocess.run([tool("facts"), "--db", str(fresh), "init"], check=True, capture_output=True)
    try:
        return schema(fresh)
    finally:
        fresh.unlink(missing_ok=True)


def db_for(n: int, seed: int, wanted: list) -> Path:
    """A database of n facts with the current schema: browse.py's cached one if it still fits, else our own."""
    candidates = ([DATA / f"facts-{n}.db"] if seed == 1 else []) + [DATA / f"io-facts-{n}-seed{seed}.db"]
    for db in candidates:
        if db.exists() and schema(db) == wanted:
            return db
    db = candidates[-1]
    generate(n, seed, db, "db")
    return db


def count_rows(path: Path, fmt: str) -> int:
    """Rows in an export: CSV records after the header, or one JSON object a line (sqlite3 -json too)."""
    if fmt == "csv":
        with open(path, newline="", encoding="utf-8", errors="replace") as f:
            return max(0, sum(1 for _ in csv.reader(f)) - 1)
    with open(path, "rb") as f:
        return sum(1 for line in f if line.lstrip(b"[").startswith(b"{"))


def tail(path: Path) -> str:
    """The last line of a file, shortened, for a report cell."""
    with open(path, "rb") as f:
        f.seek(max(0, path.stat().st_size - 400))
        lines = f.read().decode("utf-8", "replace").strip().splitlines()
    return lines[-1][-150:] if lines else ""


def count_table(db: Path, table: str, immutable: bool = False) -> int | None:
    try:
        conn = sqlite3.connect(f"file:{db}?{'immutable=1' if immutable else 'mode=ro'}", uri=True)
        try:
            return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def warm(path: Path) -> None:
    """Read a file once so the first tool timed does not pay for the disk alone."""
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


# --- the floor: plain executemany of the same rows into the project's schema ----------------------

FLOOR_COLUMNS = ("id", "claim", "subject", "value", "low", "high", "unit", "qualifier", "as_stated",
                 "date_start", "date_end", "date_precision", "stated_on", "actor_id", "source_id",
                 "quote", "quote_start", "quote_end", "quote_prefix", "quote_suffix",
                 "confidence", "credibility", "status", "status_reason", "superseded_by")


def floor(db_path: str, jsonl_path: str) -> int:
    """Runs as its own process (--floor). No validation: names become ids through dicts made up front,
    text fields become columns as they are. The parsing of quantity strings, dates and likelihood
    words uses the project's small parsers (memoised), since the rows must be the same."""
    from facts.confidence import parse_confidence
    from facts.dates import parse_span
    from facts.numbers import parse_quantity
    from facts.quotes import CONTEXT

    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")  # as facts.db.open_db sets on every connection
    actors = {alias.lower(): actor_id for alias, actor_id in conn.execute("SELECT alias, actor_id FROM aliases")}
    sources = {key: (source_id, text) for source_id, key, text in conn.execute("SELECT id, key, text FROM sources")}
    next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM facts").fetchone()[0]
    spans: dict = {}
    quantities: dict = {}
    words: dict = {}
    insert_fact = (f"INSERT INTO facts ({', '.join(FLOOR_COLUMNS)}) "
                   f"VALUES ({', '.join('?' * len(FLOOR_COLUMNS))})")
    facts, about, notes = [], [], []

    def flush() -> None:
        conn.executemany(insert_fact, facts)
        conn.executemany("INSERT INTO fact_about (fact_id, actor_id) VALUES (?, ?)", about)
        conn.executemany("INSERT INTO annotations (fact_id, kind, tag, body, author) VALUES (?, ?, ?, ?, 'bench')",
                         notes)
        facts.clear(), about.clear(), notes.clear()

    conn.execute("BEGIN")
    with open(jsonl_path, encoding="utf-8") as f:
        for fact_id, line in enumerate(f, next_id):
            d = json.loads(line)
            q = d.get("quantity")
            if isinstance(q, str):
                if q not in quantities:
                    p = parse_quantity(q)
                    quantities[q] = {"value": p.value, "low": p.low, "high": p.high, "qualifier": p.qualifier,
                                     "as_stated": " ".join(q.split())}
                q = quantities[q]
            elif isinstance(q, (int, float)):
                q = {"value": q, "low": q, "high": q, "qualifier": "exact"}
            elif q is not None and q.get("qualifier", "exact") in ("exact", "at_least", "at_most"):
                # The bounds a qualifier implies (models.Quantity fills them the same way).
                qual, v = q.get("qualifier", "exact"), q["value"]
                q = {**q, "qualifier": qual, "low": v if qual != "at_most" else None,
                     "high": v if qual != "at_least" else None}
            q = q or {}
            date = d["date"]
            if date not in spans:
                s = parse_span(date)
                spans[date] = (s.start.isoformat(), s.end.isoformat(), s.precision)
            source_id, text = sources[d["source"]]
            quote, start = d.get("quote"), d.get("quote_start")
            end = prefix = suffix = None
            if quote is not None and text is not None:
                if start is None or text[start:start + len(quote)] != quote:
                    start = text.find(quote)
                end = start + len(quote)
                prefix, suffix = text[max(0, start - CONTEXT):start], text[end:end + CONTEXT]
            confidence = d["confidence"]
            if isinstance(confidence, str):
                confidence = words.get(confidence) or words.setdefault(confidence, parse_confidence(confidence))
            facts.append((fact_id, d["claim"], d["subject"], q.get("value"), q.get("low"), q.get("high"),
                          d.get("unit"), q.get("qualifier"), q.get("as_stated"), *spans[date], d.get("stated_on"),
                          actors[d["actor"].lower()], source_id, quote, start, end, prefix, suffix, confidence,
                          d.get("credibility"), d.get("status", "active"), d.get("status_reason"),
                          d.get("superseded_by")))
            about.extend((fact_id, a) for a in sorted({actors[name.lower()] for name in d.get("about", ())}))
            notes.extend((fact_id, "tag", tag, None) for tag in dict.fromkeys(d.get("tags", ())))
            if d.get("note"):
                notes.append((fact_id, "note", None, d["note"]))
            if len(facts) >= 10_000:
                flush()
    flush()
    conn.execute("COMMIT")
    conn.close()
    return 0


# --- the measurements --------------------------------------------------------------------------

def fresh_db(name: str) -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    db = WORK / name
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    return db


def remove_db(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)


def prepare(*cmds: list[str]) -> str | None:
    """Untimed set-up steps; the first failure's message, or None."""
    for cmd in cmds:
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 0:
            lines = (out.stderr or out.stdout).strip().splitlines()
            return f"set-up `{' '.join(cmd[1:4])} …` failed: {lines[-1] if lines else out.returncode}"
    return None


def run_import(n: int, seed: int, timeout: float) -> dict:
    facts_bin = tool("facts")
    jsonl, setup = jsonl_for(n, seed)
    warm(jsonl)
    out: dict = {}

    # facts import: init (not timed), the setup file (timed on its own), then the facts file.
    db = fresh_db("import-facts.db")
    error = prepare([facts_bin, "--db", str(db), "init"])
    if error:
        out["setup"] = out["facts"] = {"error": error}
    else:
        out["setup"] = measure([facts_bin, "--db", str(db), "import", str(setup)], timeout)
        out["facts"] = (measure([facts_bin, "--db", str(db), "import", str(jsonl)], timeout) if ok(out["setup"])
                        else {"error": "the setup import failed"})
        out["facts"]["rows"] = count_table(db, "facts")
    out["facts"]["expected"] = n
    remove_db(db)

    # sqlite-utils: the same JSONL into a new plain table (no schema, no checks). It takes its columns
    # from the first 100 rows and refuses a later row with another key unless --alter is given (in the
    # 100k file `superseded_by` first appears on line 133, and without --alter it stops there).
    db = fresh_db("import-sqlite-utils.db")
    out["sqlite_utils"] = measure([tool("sqlite-utils"), "insert", str(db), "facts", str(jsonl), "--nl", "--alter"],
                                  timeout)
    out["sqlite_utils"]["rows"] = count_table(db, "facts")
    out["sqlite_utils"]["expected"] = n
    remove_db(db)

    # The floor: the setup put in by facts (not timed), then the raw executemany child.
    db = fresh_db("import-floor.db")
    error = prepare([facts_bin, "--db", str(db), "init"], [facts_bin, "--db", str(db), "import", str(setup)])
    out["floor"] = {"error": error} if error else measure([sys.executable, __file__, "--floor", str(db), str(jsonl)],
                                                          timeout)
    out["floor"]["rows"] = count_table(db, "facts")
    out["floor"]["expected"] = n
    remove_db(db)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_datasette(db: Path, table: str, out_path: Path, timeout: float) -> dict:
    """Serve db with Datasette, stream TABLE.csv?_stream=on over HTTP into out_path, stop the server.

    The seconds are the download alone (the server is up first); the peak memory is the server's.
    max_csv_mb 0 lifts Datasette's default 100 MB cap on a streamed CSV, which the 1M export
    exceeds (with the cap the file ends early)."""
    port = free_port()
    proc, result, err, _ = start([tool("datasette"), "serve", str(db), "--port", str(port),
                                  "--setting", "max_csv_mb", "0"], name="datasette")
    base = f"http://127.0.0.1:{port}"
    up_by = time.monotonic() + 60
    while True:  # until the server answers
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=5).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > up_by:
                stop(proc)
                return {"error": last_line(err) or "datasette did not start"}
            time.sleep(0.2)
    url = f"{base}/{db.stem}/{table}.csv?_stream=on&_size=max"
    out: dict = {}
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(out_path, "wb") as f:
            while chunk := response.read(1 << 20):
                f.write(chunk)
                if time.perf_counter() - began > timeout:
                    out["stopped"] = True
                    break
        out["seconds"] = time.perf_counter() - began
    except OSError as e:
        out = {"error": f"datasette: {e}"}
    stop(proc)  # uvicorn shuts down on SIGINT; GNU time then reports the server's peak
    server = finish(proc, result, err, time.perf_counter(), 30)
    if "peak_mb" in server:
        out["peak_mb"] = server["peak_mb"]
    return out


# (label, format, command builder) for each exporter; the builder gets (db, table).
EXPORTERS = {
    "csv": [
        ("facts export --csv", lambda db, t: [tool("facts"), "--db", str(db), "export", t, "--csv"]),
        ("sqlite-utils rows --csv", lambda db, t: [tool("sqlite-utils"), "rows", str(db), t, "--csv"]),
        ("sqlite3 -csv", lambda db, t: ["sqlite3", "-readonly", "-csv", "-header", str(db), f'SELECT * FROM "{t}"']),
        ("Datasette .csv?_stream=on", None),
    ],
    "nl": [
        ("facts export --nl", lambda db, t: [tool("facts"), "--db", str(db), "export", t, "--nl"]),
        ("sqlite-utils rows --nl", lambda db, t: [tool("sqlite-utils"), "rows", str(db), t, "--nl"]),
        ("sqlite3 -json", lambda db, t: ["sqlite3", "-readonly", "-json", str(db), f'SELECT * FROM "{t}"']),
    ],
}


def run_export(db: Path, table: str, expected: int, timeout: float) -> dict:
    out: dict = {}
    for fmt, exporters in EXPORTERS.items():
        for label, build in exporters:
            path = WORK / f"export.{fmt}"
            print(f"  export {table}: {label}", file=sys.stderr)
            r = run_datasette(db, table, path, timeout) if build is None else measure(build(db, table), timeout, path)
            if path.exists():
                r["rows"] = count_rows(path, fmt)
                r["expected"] = expected
                if expected is not None and r["rows"] < expected:
                    r["tail"] = tail(path)  # Datasette, for one, appends its error text to a cut-short CSV
                path.unlink()
            out[label] = r
    return out


def run_pages(db: Path, timeout: float) -> dict:
    facts_bin = tool("facts")
    commands = {
        f"facts list --where '{PAGE_WHERE}' --sort date --desc --limit 50 (a table, as on a terminal)":
            [facts_bin, "--db", str(db), "list", "--where", PAGE_WHERE, "--sort", "date", "--desc", "--limit", "50"],
        f"facts list --where '{PAGE_WHERE}' --sort date --desc --limit 50 --csv":
            [facts_bin, "--db", str(db), "list", "--where", PAGE_WHERE, "--sort", "date", "--desc", "--limit", "50",
             "--csv"],
        "facts query --csv (the SQL below)": [facts_bin, "--db", str(db), "query", PAGE_SQL, "--csv"],
        "sqlite3 shell -csv, the same SQL": ["sqlite3", "-readonly", "-csv", str(db), PAGE_SQL],
    }
    return {label: measure(cmd, timeout, WORK / "page.txt") for label, cmd in commands.items()}


def run_startup(runs: int, timeout: float) -> dict:
    seed_db = fresh_db("seed.db")
    error = prepare([tool("facts"), "--db", str(seed_db), "init", "--seed"])  # if it fails, so does facts list
    if error:
        print(error, file=sys.stderr)
    commands = {
        "facts --help": [tool("facts"), "--help"],
        "facts list (seed database, 58 facts)": [tool("facts"), "--db", str(seed_db), "list"],
        "sqlite-utils --help": [tool("sqlite-utils"), "--help"],
        "sqlite-utils rows (seed database, facts_flat)": [tool("sqlite-utils"), "rows", str(seed_db), "facts_flat"],
    }
    samples: dict = {label: [] for label in commands}
    for _ in range(runs):  # interleaved, so a slow moment of the machine hits every command alike
        for label, cmd in commands.items():
            samples[label].append(measure(cmd, timeout))
    remove_db(seed_db)
    out = {}
    for label, rs in samples.items():
        good = [r for r in rs if "error" not in r and not r.get("stopped")]
        out[label] = ({"seconds": statistics.median(r["seconds"] for r in good),
                       "peak_mb": statistics.median(r["peak_mb"] for r in good), "runs": len(good)}
                      if good else rs[-1])
    return out


# --- the report --------------------------------------------------------------------------------

def secs(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s" if s < 10 else f"{s:,.1f} s"


def ok(r: dict | None) -> bool:
    return bool(r) and "error" not in r and not r.get("stopped") and "seconds" in r


def complete(r: dict | None) -> bool:
    """Finished, and gave back every row: only then is a ratio fair."""
    return ok(r) and (r.get("rows") is None or r.get("expected") is None or r["rows"] == r["expected"])


def cell(r: dict | None, n: int | None = None, timeout: float = 0) -> str:
    """'12.3 s · 81,000/s · 95 MB', or why there is no figure."""
    if not r:
        return "not run"
    if r.get("stopped"):
        text = f"> {timeout:g} s (stopped)"
        return text + (f" · ≥ {r['peak_mb']:.0f} MB" if r.get("peak_mb") else "")
    if "error" in r:
        return "failed: " + r["error"].replace("|", "/")
    parts = [secs(r["seconds"])]
    if n:
        parts.append(f"{n / r['seconds']:,.0f}/s")
    if r.get("peak_mb"):
        parts.append(f"{r['peak_mb']:.0f} MB")
    text = " · ".join(parts)
    if not complete(r):
        text += f" (**{r['rows']:,} of {r['expected']:,} rows**"
        if r.get("tail"):
            text += "; the output ends: “" + " ".join(r["tail"].replace("|", "/").replace("`", "'").split()) + "”"
        text += ")"
    return text


def growth(rs: list[dict | None]) -> str:
    """Peak memory at the largest size over the smallest, where both were measured."""
    peaks = [r["peak_mb"] for r in rs if ok(r) and r.get("peak_mb")]
    return f"{peaks[-1] / peaks[0]:.1f}x ({peaks[0]:.0f} → {peaks[-1]:.0f} MB)" if len(peaks) >= 2 else ""


def verdict(value: float, target: float, higher_is_better: bool = True) -> str:
    met = value >= target if higher_is_better else value <= target
    return "met" if met else "**missed**"


def md_table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---|" * (len(head) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def import_table(sizes: list[int], res: dict, timeout: float) -> str:
    def get(n, key):
        return res.get(n, {}).get("import", {}).get(key)

    head = ["import", *(f"{n:,} facts" for n in sizes), "peak memory, smallest → largest", "target"]
    rows = []
    for key, label in (("facts", "`facts import FILE.jsonl`: validation, aliases, quotes, FTS, triggers"),
                       ("sqlite_utils", "`sqlite-utils insert DB facts FILE.jsonl --nl --alter`: a new plain table"),
                       ("floor", "floor: plain sqlite3 `executemany` of the same rows into the project's schema")):
        rows.append([label, *(cell(get(n, key), n, timeout) for n in sizes), growth([get(n, key) for n in sizes]),
                     ""])

    def ratio_row(label, peer, target):
        cells = []
        for n in sizes:
            a, b = get(n, "facts"), get(n, peer)
            if complete(a) and complete(b):
                x = b["seconds"] / a["seconds"]
                cells.append(f"{x:.2f}x {verdict(x, target)}")
            else:
                cells.append("")
        return [label, *cells, "", f"≥ {target}x"]

    rows.append(ratio_row("→ facts rows/s ÷ sqlite-utils rows/s", "sqlite_utils", 1))
    rows.append(ratio_row("→ facts rows/s ÷ floor rows/s", "floor", 0.3))
    mem = []
    for n in sizes:
        r = get(n, "facts")
        mem.append(f"{r['peak_mb']:.0f} MB {verdict(r['peak_mb'], 300, False)}"
                   if ok(r) and n >= 1_000_000 and r.get("peak_mb") else "")
    rows.append(["→ facts import peak memory at 1M", *mem, "", "< 300 MB at 1M"])
    rows.append(["(not in rows/s) `facts import` of the setup file: actors and sources",
                 *(cell(get(n, "setup"), None, timeout) for n in sizes), "", ""])
    return md_table(head, rows)


def export_table(sizes: list[int], res: dict, table: str, timeout: float) -> str:
    def get(n, label):
        return res.get(n, {}).get("export", {}).get(table, {}).get(label)

    head = [f"export `{table}`", *(f"{n:,} facts" for n in sizes), "peak memory, smallest → largest", "target"]
    rows = []
    for exporters in EXPORTERS.values():
        labels = [label for label, _ in exporters]
        for label in labels:
            rows.append([f"`{label}`", *(cell(get(n, label), None, timeout) for n in sizes),
                         growth([get(n, label) for n in sizes]), ""])
        ours = labels[0]
        for peer in labels[1:]:
            cells = []
            shell = peer.startswith("sqlite3")
            for n in sizes:
                a, b = get(n, ours), get(n, peer)
                if ok(a) and ok(b) and not (complete(a) and complete(b)):
                    cells.append("— (" + ("facts" if not complete(a) else "the peer") + " gave back too few rows)")
                elif ok(a) and ok(b):
                    if shell:  # within 2x of the shell: our time over its time
                        x = a["seconds"] / b["seconds"]
                        cells.append(f"{x:.2f}x as long {verdict(x, 2, False)}")
                    else:
                        x = b["seconds"] / a["seconds"]
                        cells.append(f"{x:.2f}x faster {verdict(x, 2)}" if x >= 1
                                     else f"{1 / x:.2f}x slower {verdict(x, 2)}")
                elif ok(a) and b and b.get("stopped"):
                    cells.append(f"> {timeout / a['seconds']:.1f}x faster")
                else:
                    cells.append("")
            target = "≤ 2x the shell's time" if shell else "≥ 2x faster"
            rows.append([f"→ `{ours}` vs `{peer}`", *cells, "", target])
        rs = [get(n, ours) for n in sizes]
        peaks = [r["peak_mb"] for r in rs if ok(r) and r.get("peak_mb")]
        flat = ""
        if len(peaks) >= 2:
            x = peaks[-1] / peaks[0]
            flat = f"{x:.2f}x {verdict(x, 1.5, False)}"
        rows.append([f"→ `{ours}` memory flat", *([""] * len(sizes)), flat, "largest ≤ 1.5x smallest"])
    return md_table(head, rows)


def pages_table(sizes: list[int], res: dict, timeout: float) -> str:
    labels = list(next((res[n]["pages"] for n in sizes if "pages" in res.get(n, {})), {}))
    head = ["one filtered page (50 rows)", *(f"{n:,} facts" for n in sizes)]
    rows = [[f"`{label}`" if label.startswith("facts list") else label,
             *(cell(res.get(n, {}).get("pages", {}).get(label), None, timeout) for n in sizes)] for label in labels]
    return md_table(head, rows)


def startup_table(res: dict, runs: int) -> str:
    rows = [[f"`{label}`" if "(" not in label else label,
             (f"{secs(r['seconds'])} · {r['peak_mb']:.0f} MB" if ok(r) else cell(r))] for label, r in res.items()]
    a, b = res.get("facts --help"), res.get("sqlite-utils --help")
    if ok(a) and ok(b):
        x = a["seconds"] / b["seconds"]
        rows.append(["→ `facts --help` ÷ `sqlite-utils --help` (target < 2x)", f"{x:.2f}x {verdict(x, 2, False)}"])
    return md_table([f"start-up (median of {runs} runs)", "wall time · peak memory"], rows)


def versions() -> str:
    from importlib.metadata import version
    parts = [f"Python {platform.python_version()}", f"SQLite {sqlite3.sqlite_version} (Python's)"]
    try:
        shell = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[0]
        parts.append(f"sqlite3 shell {shell}")
    except (OSError, IndexError):
        parts.append("no sqlite3 shell")
    for package in ("facts", "sqlite-utils", "datasette", "pydantic"):
        try:
            parts.append(f"{package} {version(package)}")
        except Exception:
            parts.append(f"{package} not installed")
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip()
        # Measured code that differs from the commit is said so: the figures are for the working tree.
        changed = subprocess.run(["git", "-C", str(ROOT), "diff", "--quiet", "HEAD", "--", "facts", "schema.sql"])
        dirty = " with uncommitted changes in facts/ or schema.sql" if changed.returncode else ""
        parts.append(f"git {head}{dirty}")
    except OSError:
        pass
    return ", ".join(parts)


def report(args, sizes: list[int], res: dict, startup: dict | None, seconds: float, load: str) -> str:
    from browse import machine
    python = Path(os.path.normpath(sys.executable))  # not resolve(): the venv's python is a symlink
    python_shown = str(python.relative_to(ROOT)) if python.is_relative_to(ROOT) else "python"
    command = f"{python_shown} bench/io.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    runs = "One run" if args.repeat == 1 else f"The median of {args.repeat} runs"
    parts = [
        f"## {TITLE}\n",
        f"Command: `{command.strip()}`  \nMachine: {machine()}  \nVersions: {versions()}  \n"
        f"Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {secs(seconds)} in all; "
        f"load average at the start {load}  \n"
        f"Data: bench/generate.py, seed {args.seed}. {runs} of each import and export, each command in a "
        f"fresh process; peak memory is its max RSS "
        f"({'GNU time %M' if TIME else 'getrusage in a Python child: small tools overstated by ~20 MB'}). "
        f"A cell reads time · rows per second · peak memory.\n",
    ]
    if any("import" in res.get(n, {}) for n in sizes):
        parts.append("**Import.** Timed: the JSONL facts file alone (rows/s = facts per second). `facts import` "
                     "runs twice on a new `facts init` database: first the setup file (actors, sources; its time "
                     "is the last row), then the facts file. sqlite-utils gets the same facts file and a new "
                     "database, with `--alter`: without it, it stops at the first row with a key that its first 100 "
                     "rows lacked (in the 100k file, `superseded_by` on line 133). The floor is "
                     "`bench/io.py --floor`: it reads "
                     "the same JSONL and inserts the same "
                     "rows (facts, fact_about, tag and note annotations) with plain `executemany` in one "
                     "transaction into a database holding the same setup and the project's schema (CHECKs, "
                     "triggers, FTS, indexes, foreign_keys on as the project opens it), with no validation.\n")
        parts.append(import_table(sizes, res, args.timeout) + "\n")
    if any("export" in res.get(n, {}) for n in sizes):
        dbs = ", ".join(f"{res[n]['db']}" for n in sizes if "db" in res.get(n, {}))
        parts.append(f"**Export.** Every tool reads the same database ({dbs}, made by generate.py) and writes to "
                     "a file; the rows that came back were counted (a shortfall is shown in bold). `facts_flat` is "
                     "the view `facts export` writes by default (facts joined with claimant, source, about, tags); "
                     "`facts` is the plain table. Datasette: `datasette serve DB --setting max_csv_mb 0`, then "
                     "`/DB/TABLE.csv?_stream=on&_size=max` read over HTTP; time of the download alone, peak "
                     "memory of the server. The sqlite3 shell's `-json` is its nearest to `--nl` (a JSON array, "
                     "one row a line).\n")
        for table in args.tables.split(","):
            parts.append(export_table(sizes, res, table, args.timeout) + "\n")
        parts.append(f"**One filtered page** on the same databases. SQL: `{PAGE_SQL}`\n")
        parts.append(pages_table(sizes, res, args.timeout) + "\n")
    if startup:
        parts.append(startup_table(startup, args.startup_runs) + "\n")
    return "\n".join(parts)


# --- the driver --------------------------------------------------------------------------------

def median_of(results: list[dict]) -> dict:
    """Median seconds over the runs that finished; the highest peak memory."""
    good = [r for r in results if ok(r)]
    if not good:
        return results[-1]
    out = dict(good[-1])
    out["seconds"] = statistics.median(r["seconds"] for r in good)
    peaks = [r["peak_mb"] for r in good if r.get("peak_mb")]
    if peaks:
        out["peak_mb"] = max(peaks)
    return out


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":  # the measuring child: --measure RESULT -- CMD
        return measure_child(sys.argv[2], sys.argv[4:])
    if len(sys.argv) > 1 and sys.argv[1] == "--floor":
        return floor(sys.argv[2], sys.argv[3])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="Fact counts (default 10k,100k,1M).")
    parser.add_argument("--import-sizes", help="Run the imports only at these sizes (default: every size). "
                                               "'none' skips them.")
    parser.add_argument("--tables", default="facts_flat,facts", help="What to export (default facts_flat,facts).")
    parser.add_argument("--no-export", action="store_true", help="Skip the exports and the filtered page.")
    parser.add_argument("--timeout", type=float, default=600, help="Stop a command after this many seconds.")
    parser.add_argument("--repeat", type=int, default=1, help="Runs of each import and export (median).")
    parser.add_argument("--startup-runs", type=int, default=7, help="Runs of each start-up command (median).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true", help="Print the section; leave RESULTS.md alone.")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.import_sizes is None:
        import_sizes = set(sizes)
    elif args.import_sizes == "none":
        import_sizes = set()
    else:
        import_sizes = {int(s) for s in args.import_sizes.split(",")}
    for exe in ("facts", "sqlite-utils", "datasette", "sqlite3"):
        if not Path(tool(exe)).exists() and not shutil.which(tool(exe)):
            print(f"warning: {exe} not found; its rows will say failed", file=sys.stderr)

    began = time.perf_counter()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    shutil.rmtree(WORK, ignore_errors=True)
    res: dict = {}
    startup = None
    try:
        wanted = current_schema()
        for n in sizes:
            res[n] = {}
            if n in import_sizes:
                print(f"{n:,}: import", file=sys.stderr)
                runs = [run_import(n, args.seed, args.timeout) for _ in range(args.repeat)]
                res[n]["import"] = {k: median_of([r[k] for r in runs]) for k in runs[0]}
                print(json.dumps(res[n]["import"]), file=sys.stderr)
            if not args.no_export:
                db = db_for(n, args.seed, wanted)
                res[n]["db"] = db.relative_to(ROOT)
                print(f"{n:,}: export from {db.name}", file=sys.stderr)
                warm(db)
                res[n]["export"] = {}
                for table in args.tables.split(","):
                    expected = count_table(db, table, immutable=True)
                    runs = [run_export(db, table, expected, args.timeout) for _ in range(args.repeat)]
                    res[n]["export"][table] = {k: median_of([r[k] for r in runs]) for k in runs[0]}
                    print(json.dumps(res[n]["export"][table]), file=sys.stderr)
                res[n]["pages"] = run_pages(db, args.timeout)
                print(json.dumps(res[n]["pages"]), file=sys.stderr)
        print("start-up", file=sys.stderr)
        startup = run_startup(args.startup_runs, args.timeout) if args.startup_runs > 0 else None
        print(json.dumps(startup), file=sys.stderr)
    finally:  # scratch files go even when a step fails
        shutil.rmtree(WORK, ignore_errors=True)

    section = report(args, sizes, res, startup, time.perf_counter() - began, load)
    print(section)
    # The raw figures, for a second look without rerunning (bench/data is not committed).
    (DATA / "io-results.json").write_text(json.dumps({"argv": sys.argv[1:], "results": res, "startup": startup},
                                                     default=str, indent=1))
    if not args.no_write:
        from browse import write_section
        write_section(HERE / "RESULTS.md", TITLE, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
