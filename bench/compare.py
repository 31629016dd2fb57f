#!/usr/bin/env python3
"""How long `facts compare` takes on the largest subject, and fact_origins lookups, at 100k and 1M facts.

    python bench/compare.py                      # 100k and 1M, 5 repetitions
    python bench/compare.py --sizes 100000 --repeat 3

Data: bench/generate.py's database at each size, cached in bench/data/facts-N.db (as views.py and
browse.py use it), copied to a scratch file, where the link tables of the current schema.sql are made if
the cached file predates them, every tenth fact is made to repeat the one before it (so origins follow
chains) and fact_origins is created from schema.sql. Times are wall (perf_counter) and CPU (process_time);
medians of --repeat runs. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlite_utils

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from views import make_data  # noqa: E402

from facts.comparison import compare  # noqa: E402
from facts.db import schema_sql  # noqa: E402

LINK_TABLES = ("fact_repeats", "speaks_for", "link_history", "unit_synonyms")


def prepare(source: Path, scratch: Path) -> None:
    shutil.copyfile(source, scratch)
    schema = schema_sql()
    conn = sqlite3.connect(scratch)
    have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in LINK_TABLES:
        if table not in have:
            conn.execute(re.search(rf"CREATE TABLE {table} \(.*?\) STRICT;", schema, re.S).group(0))
    conn.execute("CREATE INDEX IF NOT EXISTS fact_repeats_repeats ON fact_repeats(repeats)")
    conn.execute("DROP VIEW IF EXISTS fact_origins")
    conn.execute(re.search(r"CREATE VIEW fact_origins AS.*?;\n", schema, re.S).group(0))
    conn.execute("DELETE FROM fact_repeats")
    conn.execute("INSERT INTO fact_repeats (fact_id, repeats, linked_at) "
                 "SELECT id, id - 1, '2026-01-01T00:00:00.000Z' FROM facts WHERE id % 10 = 0")
    conn.commit()
    conn.close()


def timed(run, repeat: int) -> tuple[float, float, object]:
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def measure(size: int, repeat: int) -> tuple:
    """One size: the largest subject and the times of its lookups and comparisons."""
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder) / "compare.db"
        prepare(make_data(size, 1), scratch)
        db = sqlite_utils.Database(sqlite3.connect(scratch))
        subject, claims = db.execute("SELECT subject, count(*) FROM facts GROUP BY subject "
                                     "ORDER BY 2 DESC LIMIT 1").fetchone()
        ids = [r[0] for r in db.execute("SELECT id FROM facts WHERE subject = ? LIMIT 900", [subject])]
        marks = ",".join("?" * len(ids))
        one = timed(lambda: db.execute("SELECT * FROM fact_origins WHERE fact_id = ?", [size // 2]).fetchall(),
                    repeat)
        many = timed(lambda: db.execute(f"SELECT * FROM fact_origins WHERE fact_id IN ({marks})", ids).fetchall(),
                     repeat)
        everything = timed(lambda: db.execute("SELECT count(*) FROM fact_origins").fetchone(), 1)
        plain = timed(lambda: compare(db, subject), repeat)
        weighted = timed(lambda: compare(db, subject, weighted=True), repeat)
        comparison = plain[2]
        origins = sum(len(p.origins) for p in comparison.periods)  # type: ignore[attr-defined]
        return (size, subject, claims, len(comparison.periods), origins,  # type: ignore[attr-defined]
                one, many, everything, plain, weighted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = [measure(int(size), args.repeat) for size in args.sizes.split(",")]
    print("| | " + " | ".join(f"{r[0]:,} facts" for r in rows) + " |")
    print("|---|" + "---|" * len(rows))
    print("| largest subject | " + " | ".join(f"{r[1]} ({r[2]:,} claims, {r[3]} periods, {r[4]} origins)"
                                             for r in rows) + " |")
    for label, index in (("fact_origins, one fact", 5), ("fact_origins, 900 facts", 6),
                         ("fact_origins, count(*) of all (1 run)", 7), ("compare, median", 8),
                         ("compare --weighted", 9)):
        print(f"| {label} | " + " | ".join(f"{r[index][0] * 1000:,.1f} ms ({r[index][1] * 1000:,.1f} ms CPU)"
                                           for r in rows) + " |")


if __name__ == "__main__":
    main()
