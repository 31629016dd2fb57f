#!/usr/bin/env python3
"""`facts list` at scale: how soon the first rows of a pipe arrive (`facts list | head -3`) and the
memory of listing every fact (`facts list > /dev/null`, `--fmt tsv`, `--nl`), each run as its own process.

    python bench/generate.py --facts 1000000 --out bench/data/facts-1000000.db
    python bench/list.py bench/data/facts-1000000.db --runs 5

Runs alternate between the measurements; medians are quoted, with CPU time (user + system) beside
wall time, and the peak memory (max RSS) of the facts process itself (os.wait4).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time


def facts(db: str, *args: str) -> list[str]:
    return [sys.executable, "-c", "from facts.cli import main; main()", "--db", db, *args]


def first_lines(db: str, n: int = 3) -> tuple[float, float, float]:
    """Until `n` lines have arrived through a pipe, then the pipe closes (as head does):
    (seconds to the lines, CPU seconds, peak MB)."""
    start = time.perf_counter()
    process = subprocess.Popen(facts(db, "list"), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    for _ in range(n):
        process.stdout.readline()
    took = time.perf_counter() - start
    process.stdout.close()  # head exits: the writer gets SIGPIPE / EPIPE
    _, _, usage = os.wait4(process.pid, 0)
    return took, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def everything(db: str, *args: str) -> tuple[float, float, float]:
    start = time.perf_counter()
    process = subprocess.Popen(facts(db, "list", *args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    assert status == 0, status
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    count = subprocess.run(["sqlite3", args.db, "SELECT count(*) FROM facts"], capture_output=True,
                           text=True).stdout.strip()
    print(f"{args.db}: {count} facts")
    cases = {"list | head -3": lambda: first_lines(args.db), "list > /dev/null": lambda: everything(args.db),
             "list --fmt tsv > /dev/null": lambda: everything(args.db, "--fmt", "tsv"),
             "list --nl > /dev/null": lambda: everything(args.db, "--nl")}
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in cases}
    names = list(cases)
    for run in range(args.runs):
        for name in (names if run % 2 == 0 else reversed(names)):
            results[name].append(cases[name]())
    print(f"| command | wall s (median of {args.runs}) | CPU s | peak MB (max) |")
    print("|---|---|---|---|")
    for name, runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        peak = max(r[2] for r in runs)
        print(f"| `facts {name}` | {wall:.2f} | {cpu:.2f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
