#!/usr/bin/env python3
"""How long the views of schema.sql take at 100k and 1M facts, and subject_spread with its index and without.

    python bench/views.py                                   # 100k and 1M, 5 repetitions
    python bench/views.py --sizes 100000 --repeat 3
    python bench/views.py --old-timeout 600 --old-runs-large 1

Data: bench/generate.py's database at each size, made once and cached in bench/data/facts-N.db (the same
file as browse.py's), upgraded to the current schema first (its backup is removed). Every view is created
as a TEMP view from the current schema.sql; subject_spread without its index (the same SQL, the facts read
NOT INDEXED and sorted into groups) is a TEMP view too, subject_spread_old.

Each query runs on a read-only connection with SQLite's defaults (2 MB page cache), as a user's
`sqlite3` shell or `facts query` would; all its rows are fetched into Python and dropped. Times are wall
(perf_counter) and CPU (process_time) of this process; a wall time well above the CPU time is time spent
waiting (for the disk, or for the other programs on a shared machine). The database file is read once
before the first query, so every query finds it in the OS's cache.

Without against with the index (old against new): both in the same run, alternating which goes first,
--repeat times each; the old one is stopped after --old-timeout seconds (a progress handler interrupts it) and runs only
--old-runs-large times at sizes of 1M and more. The two results are compared row by row.

Prints a Markdown section and keeps the raw figures in bench/data/views-results.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SCHEMA = HERE.parent / "schema.sql"

# subject_spread without its index: the same SQL with the facts read in table order (NOT INDEXED), so every
# fact is sorted into its group, as the view did until schema 8 (then with no periods).
def sorted_subject_spread(views: dict[str, str]) -> str:
    sql = views["subject_spread"].split(" AS\n", 1)[1]
    assert "    FROM facts\n" in sql
    return sql.replace("    FROM facts\n", "    FROM facts NOT INDEXED\n")


# What is asked of each view. {mid} is a fact id in the middle of the collection, {mid_annotation} an
# annotation's. facts_flat without its four per-row subqueries (about, quote_page, tags,
# annotation_count) is there to show what they cost in a full read.
QUERIES: list[tuple[str, str, str]] = [
    ("facts_flat", "first 100 rows by id", "SELECT * FROM facts_flat ORDER BY id LIMIT 100"),
    ("facts_flat", "count(*)", "SELECT count(*) FROM facts_flat"),
    ("facts_flat", "count where unit = 'troops' and confidence >= 0.55",
     "SELECT count(*) FROM facts_flat WHERE unit = 'troops' AND confidence >= 0.55"),
    ("facts_flat", "one row by id", "SELECT * FROM facts_flat WHERE id = {mid}"),
    ("facts_flat", "100 rows at offset n/2, by id (how Datasette pages)",
     "SELECT * FROM facts_flat ORDER BY id LIMIT 100 OFFSET {half}"),
    ("facts_flat", "every row (what an export reads)", "SELECT * FROM facts_flat"),
    ("(facts_flat less its per-row subqueries)", "every row",
     "SELECT f.*, a.name AS claimant, a.kind AS claimant_kind, s.key AS source, s.title AS source_title, "
     "s.publisher AS source_publisher, s.published AS source_published, s.reliability AS source_reliability "
     "FROM facts f JOIN actors a ON a.id = f.actor_id JOIN sources s ON s.id = f.source_id"),
    ("annotations_flat", "first 100 rows by id", "SELECT * FROM annotations_flat ORDER BY id LIMIT 100"),
    ("annotations_flat", "count(*)", "SELECT count(*) FROM annotations_flat"),
    ("annotations_flat", "one row by id", "SELECT * FROM annotations_flat WHERE id = {mid_annotation}"),
    ("annotations_flat", "every row", "SELECT * FROM annotations_flat"),
    ("subject_spread", "every row (new)", "SELECT * FROM subject_spread"),
]
FULL_READS = {"every row (what an export reads)", "every row"}


def views_of_schema() -> dict[str, str]:
    """Each CREATE VIEW statement of schema.sql, by name, as SQLite stores it."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(SCHEMA.read_text(encoding="utf-8"))
    views = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY name"))
    conn.close()
    return views


def make_data(n: int, seed: int) -> Path:
    DATA.mkdir(exist_ok=True)
    db = DATA / (f"facts-{n}.db" if seed == 1 else f"facts-{n}-seed{seed}.db")
    if not db.exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--facts", str(n), "--out", str(db),
                        "--seed", str(seed), "--quiet"], check=True)
    sys.path.insert(0, str(HERE.parent))
    from facts.db import open_db
    open_db(db).conn.close()  # a file made at an earlier schema gets its indexes
    for backup in db.parent.glob(f"{db.name}.schema-*.bak"):
        backup.unlink()
    return db


def warm(db: Path) -> None:
    """Read the file once, so that every query finds it in the OS's cache."""
    with open(db, "rb") as f:
        while f.read(1 << 24):
            pass


def connect(db: Path, views: dict[str, str]) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    for sql in views.values():
        conn.execute(re.sub(r"^CREATE VIEW", "CREATE TEMP VIEW", sql))
    conn.execute(f"CREATE TEMP VIEW subject_spread_old AS {sorted_subject_spread(views)}")
    return conn


class Stopped(Exception):
    pass


def timed(conn: sqlite3.Connection, sql: str, timeout: float | None = None, keep: bool = False) -> dict:
    """Run sql, fetch every row; wall and CPU seconds, the number of rows (and the rows when keep)."""
    deadline = None if timeout is None else time.perf_counter() + timeout
    if deadline is not None:
        conn.set_progress_handler(lambda: 1 if time.perf_counter() > deadline else 0, 100_000)
    kept: list = []
    n = 0
    w0, c0 = time.perf_counter(), time.process_time()
    try:
        cursor = conn.execute(sql)
        while rows := cursor.fetchmany(10_000):
            n += len(rows)
            if keep:
                kept.extend(rows)
    except sqlite3.OperationalError as e:
        if "interrupted" not in str(e):
            raise
        return {"wall": time.perf_counter() - w0, "cpu": time.process_time() - c0, "stopped": True}
    finally:
        conn.set_progress_handler(None, 0)
    out = {"wall": time.perf_counter() - w0, "cpu": time.process_time() - c0, "rows": n}
    if keep:
        out["result"] = kept
    return out


def summary(runs: list[dict]) -> dict:
    done = [r for r in runs if not r.get("stopped")]
    return {
        "runs": len(runs),
        "stopped": len(runs) - len(done),
        "wall": [r["wall"] for r in runs],
        "cpu": [r["cpu"] for r in runs],
        "median_wall": statistics.median(r["wall"] for r in done) if done else None,
        "median_cpu": statistics.median(r["cpu"] for r in done) if done else None,
        "rows": done[0]["rows"] if done else None,
    }


def bench_size(n: int, seed: int, repeat: int, old_timeout: float, old_runs_large: int, full_repeat: int,
               views: dict[str, str]) -> dict:
    db = make_data(n, seed)
    warm(db)
    conn = connect(db, views)
    facts, annotations = conn.execute("SELECT count(*) FROM facts").fetchone()[0], \
        conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
    mid = conn.execute("SELECT id FROM facts ORDER BY id LIMIT 1 OFFSET ?", [facts // 2]).fetchone()[0]
    mid_annotation = conn.execute("SELECT id FROM annotations ORDER BY id LIMIT 1 OFFSET ?",
                                  [annotations // 2]).fetchone()[0]
    out: dict = {"facts": facts, "annotations": annotations, "file_mb": db.stat().st_size / 1e6, "queries": []}
    say(f"{n:,} facts: {db.name}, {out['file_mb']:,.0f} MB, {annotations:,} annotations")

    for view, what, sql in QUERIES:
        sql = sql.format(mid=mid, mid_annotation=mid_annotation, half=facts // 2)
        times = full_repeat if what in FULL_READS else repeat
        runs = []
        for _ in range(times):
            runs.append(timed(conn, sql))
        s = summary(runs)
        out["queries"].append({"view": view, "what": what, "sql": sql, **s})
        say(f"  {view}: {what}: {s['median_wall']:.4f} s wall, {s['median_cpu']:.4f} s CPU, {s['rows']:,} rows")

    # Old against new subject_spread, alternating which goes first.
    old_runs_wanted = old_runs_large if n >= 1_000_000 else repeat
    new_runs: list[dict] = []
    old_runs: list[dict] = []
    same = None
    for i in range(repeat):
        order = ("old", "new") if i % 2 == 0 else ("new", "old")
        for which in order:
            if which == "new":
                r = timed(conn, "SELECT * FROM subject_spread", keep=(i == 0))
                new_runs.append(r)
                say(f"  subject_spread new: {r['wall']:.3f} s wall, {r['cpu']:.3f} s CPU")
            elif len(old_runs) < old_runs_wanted:
                r = timed(conn, "SELECT * FROM subject_spread_old", timeout=old_timeout, keep=not old_runs)
                old_runs.append(r)
                say(f"  subject_spread old: {r['wall']:.3f} s wall, {r['cpu']:.3f} s CPU"
                    + (" (stopped)" if r.get("stopped") else ""))
    old_result = next((r.get("result") for r in old_runs if "result" in r), None)
    new_result = new_runs[0].pop("result")
    for r in old_runs:
        r.pop("result", None)
    if old_result is not None:
        same = sorted(old_result, key=repr) == sorted(new_result, key=repr)
        same_order = old_result == new_result
    else:
        same_order = None
    out["subject_spread"] = {"new": summary(new_runs), "old": summary(old_runs), "same_rows": same,
                             "same_order": same_order, "old_timeout": old_timeout,
                             "old_runs_wanted": old_runs_wanted}
    say(f"  subject_spread: same rows and values: {same}, same order: {same_order}")
    conn.close()
    return out


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def secs(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x * 1000:.1f} ms" if x < 1 else f"{x:,.2f} s"


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu or platform.processor()}, {os.cpu_count()} cores, {mem:.0f} GiB, Linux {platform.release()}"


def section(results: dict, args: argparse.Namespace) -> str:
    sizes = list(results["sizes"])
    head = "| view | query | " + " | ".join(f"{int(n):,} facts: wall / CPU" for n in sizes) + " |"
    lines = [
        "## Views",
        "",
        f"Command: `{results['command']}`  ",
        f"Machine: {results['machine']}  ",
        f"Versions: Python {results['python']}, SQLite {results['sqlite']}  ",
        f"Run: {results['date']}",
        "",
        f"Medians of {args.repeat} runs (full reads of facts_flat and annotations_flat: {args.full_repeat}), "
        "every row fetched into Python; read-only connection, SQLite's default cache.",
        "",
        head,
        "|---|---|" + "---|" * len(sizes),
    ]
    for i, (view, what, _) in enumerate(QUERIES):
        cells = []
        for n in sizes:
            q = results["sizes"][n]["queries"][i]
            plural = "" if q["rows"] == 1 else "s"
            cells.append(f"{secs(q['median_wall'])} / {secs(q['median_cpu'])} ({q['rows']:,} row{plural})")
        lines.append(f"| {view} | {what} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "subject_spread, old (the facts sorted into groups, NOT INDEXED) against new (read in facts_spread's order), "
        "same run, "
        "alternating which goes first:",
        "",
        "| | " + " | ".join(f"{int(n):,} facts" for n in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    rows: dict[str, list[str]] = {k: [] for k in ("old: runs", "old: median wall / CPU", "old: each run (wall)",
                                                   "new: runs", "new: median wall / CPU", "new: each run (wall)",
                                                   "old / new (wall)", "old / new (CPU)", "same rows and values",
                                                   "same row order")}
    for n in sizes:
        s = results["sizes"][n]["subject_spread"]
        old, new = s["old"], s["new"]
        rows["old: runs"].append(f"{old['runs']}" + (f" ({old['stopped']} stopped at {s['old_timeout']:.0f} s)"
                                                      if old["stopped"] else ""))
        rows["old: median wall / CPU"].append(f"{secs(old['median_wall'])} / {secs(old['median_cpu'])}")
        rows["old: each run (wall)"].append(", ".join(secs(w) for w in old["wall"]))
        rows["new: runs"].append(f"{new['runs']}")
        rows["new: median wall / CPU"].append(f"{secs(new['median_wall'])} / {secs(new['median_cpu'])}")
        rows["new: each run (wall)"].append(", ".join(secs(w) for w in new["wall"]))
        if old["median_wall"] is not None:
            rows["old / new (wall)"].append(f"{old['median_wall'] / new['median_wall']:,.0f}x")
            rows["old / new (CPU)"].append(f"{old['median_cpu'] / new['median_cpu']:,.0f}x")
        else:
            rows["old / new (wall)"].append(f"> {s['old_timeout'] / new['median_wall']:,.0f}x")
            rows["old / new (CPU)"].append("–")
        rows["same rows and values"].append({True: "yes", False: "**no**", None: "not compared"}[s["same_rows"]])
        rows["same row order"].append({True: "yes", False: "no", None: "not compared"}[s["same_order"]])
    for k, v in rows.items():
        lines.append(f"| {k} | " + " | ".join(v) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query (default 5)")
    parser.add_argument("--full-repeat", type=int, default=3,
                        help="runs of the full reads of facts_flat and annotations_flat (default 3)")
    parser.add_argument("--old-timeout", type=float, default=1800,
                        help="stop subject_spread without its index after this many seconds (default 1800)")
    parser.add_argument("--old-runs-large", type=int, default=1,
                        help="runs of subject_spread without its index at 1M facts and more (default 1)")
    args = parser.parse_args()
    views = views_of_schema()
    covered = {v for v, _, _ in QUERIES}
    missing = sorted(set(views) - covered)
    if missing:
        say(f"warning: views of schema.sql not measured: {', '.join(missing)}")
    results: dict = {
        "command": " ".join(["python", "bench/views.py", *sys.argv[1:]]),
        "machine": machine(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "sizes": {},
    }
    for n in (int(x) for x in args.sizes.split(",")):
        results["sizes"][n] = bench_size(n, args.seed, args.repeat, args.old_timeout, args.old_runs_large,
                                         args.full_repeat, views)
        DATA.mkdir(exist_ok=True)
        (DATA / "views-results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    text = section(results, args)
    (DATA / "views-section.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
