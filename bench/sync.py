#!/usr/bin/env python3
"""How long `facts sync` takes between two analysts' copies of one collection, at 10k and 100k facts.

    python bench/sync.py                        # 10k and 100k, 3 repetitions
    python bench/sync.py --sizes 10000 --repeat 5

Data: bench/generate.py's database at each size, cached in bench/data/facts-N.db (as views.py uses it),
opened once so that it is upgraded to the current schema, then copied twice: analyst A and analyst B. B
re-rates 200 facts, edits 200 facts' figures in the form's way (edit_fact), notes 200 and adds 20 facts;
A re-rates 100 of the same facts the other way (100 conflicts). Measured, each on fresh copies: reading
B (read_source: a copy of the file, then every record and change by uid), taking it into A (sync_work, in
one transaction), and syncing the same again (nothing new). Times are wall (perf_counter) and CPU
(process_time); medians of --repeat runs, reading alone measured first or last by turns. Prints a Markdown
table.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from views import make_data  # noqa: E402

from facts.annotations import annotate_all  # noqa: E402
from facts.db import open_db, transaction, utc_now  # noqa: E402
from facts.sync import sync_work  # noqa: E402
from facts.sync_source import read_source  # noqa: E402
from facts.writing import add_fact, edit_fact, fact_record  # noqa: E402


def prepare(source: Path, folder: Path) -> tuple[Path, Path]:
    base = folder / "base.db"
    shutil.copy(source, base)
    open_db(base, quiet=True).conn.close()  # upgraded once, so that neither copy pays for it
    a, b = folder / "a.db", folder / "b.db"
    shutil.copy(base, a)
    shutil.copy(base, b)
    adb, bdb = open_db(a), open_db(b)
    ids = [i for (i,) in bdb.execute("SELECT id FROM facts WHERE qualifier IS NOT NULL ORDER BY id LIMIT 400")]
    annotate_all(bdb, [{"fact_id": i, "kind": "rate", "confidence": 0.8, "body": "checked", "author": "b"}
                       for i in ids[:200]])
    annotate_all(bdb, [{"fact_id": i, "kind": "note", "body": "seen", "author": "b"} for i in ids[200:400]])
    for i in ids[200:400]:
        record = fact_record(bdb, i)
        record["quantity"] = {"value": 12345, "qualifier": "approx"}
        record.setdefault("unit", "troops")
        edit_fact(bdb, i, record, "b")
    row = bdb.execute("SELECT a.name, s.key FROM facts f JOIN actors a ON a.id = f.actor_id "
                      "JOIN sources s ON s.id = f.source_id LIMIT 1").fetchone()
    for n in range(20):
        add_fact(bdb, {"claim": f"A claim added by analyst B, number {n}.", "subject": "bench subject",
                       "date": "2022-02", "actor": row[0], "source": row[1], "confidence": 0.5}, "b")
    annotate_all(adb, [{"fact_id": i, "kind": "rate", "confidence": 0.2, "body": "doubtful", "author": "a"}
                       for i in ids[:100]])
    adb.conn.close()
    bdb.conn.close()
    return a, b


def once(a: Path, b: Path, step: str) -> tuple[float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    if step == "read":
        read_source(b)
    else:
        work = read_source(b)
        started, cpu = time.perf_counter(), time.process_time()
        db = open_db(a)
        with transaction(db):
            sync_work(db, work, "a", utc_now())
        db.conn.close()
    return time.perf_counter() - started, time.process_time() - cpu


def measure(size: int, repeat: int) -> list[tuple]:
    source = make_data(size, 1)
    runs: dict[str, list[tuple[float, float]]] = {"read": [], "sync": [], "again": []}
    for r in range(repeat):
        with tempfile.TemporaryDirectory() as scratch:
            a, b = prepare(source, Path(scratch))
            # reading alone first or last, by turns; the same again always after the sync
            order = ["read", "sync", "again"] if r % 2 == 0 else ["sync", "again", "read"]
            for step in order:
                runs[step].append(once(a, b, step))
    out = []
    for step, times in runs.items():
        out.append((size, step, statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| facts | step | wall s (median) | CPU s (median) |")
    print("|---:|---|---:|---:|")
    names = {"read": "read B (copy, every record by uid)", "sync": "take B into A (one transaction)",
             "again": "the same again (nothing new)"}
    for size in (int(s) for s in args.sizes.split(",")):
        for n, step, wall, cpu in measure(size, args.repeat):
            print(f"| {n:,} | {names[step]} | {wall:.2f} | {cpu:.2f} |", flush=True)


if __name__ == "__main__":
    main()
