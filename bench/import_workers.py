#!/usr/bin/env python3
"""`facts import` of a JSONL file with 0, 1, 2 (and 4) worker processes, beside `sqlite-utils insert --nl`.

    python bench/import_workers.py                       # 100k facts, 3 rounds; writes bench/RESULTS.md
    python bench/import_workers.py --sizes 100000,1000000 --rounds 3 --no-write

Every command runs in a fresh process under GNU time (wall, user and system CPU of it and its children,
peak RSS) with its database on tmpfs (/dev/shm), because sqlite-utils commits every 58 rows and its
wall time on a disk swings with the flushes (3.4-28 s at 100k) while its CPU time does not. Each round
runs every command once, in an order that turns by one each round; the figures are medians. facts gets
a new database with the setup file (actors, sources) imported untimed; sqlite-utils a new empty file.
The data is bench/generate.py's, seed 1 (cached in bench/data/).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
BIN = Path(sys.executable).parent
TITLE = "Import on every core"


def tool(name: str) -> str:
    path = BIN / name
    return str(path) if path.exists() else (shutil.which(name) or name)


def jsonl_for(n: int) -> tuple[Path, Path]:
    path = DATA / f"import-{n}.jsonl"
    setup = Path(f"{path}.setup.yaml")
    if not (path.exists() and setup.exists()):
        DATA.mkdir(exist_ok=True)
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--facts", str(n), "--seed", "1", "--out",
                        str(path), "--format", "jsonl", "--force", "--quiet"], check=True)
    return path, setup


def timed(cmd: list[str]) -> dict:
    """Wall seconds, CPU seconds (user + system, children included) and peak MB of one command."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        began = time.perf_counter()
        out = subprocess.run(["/usr/bin/time", "-o", report.name, "-f", "%U %S %M", *cmd], capture_output=True,
                             text=True)
        wall = time.perf_counter() - began
        if out.returncode != 0:
            raise SystemExit(f"{' '.join(cmd[:4])} … failed: {(out.stderr or out.stdout).strip()[-300:]}")
        user, system, peak = report.read().split()[-3:]
    return {"wall": wall, "cpu": float(user) + float(system), "peak_mb": int(peak) / 1024}


def commands(n: int, workers: list[int], work: Path) -> dict:
    jsonl, setup = jsonl_for(n)
    facts = tool("facts")

    def facts_import(w: int):
        def run() -> dict:
            db = work / f"facts-{w}.db"
            remove(db)
            subprocess.run([facts, "--db", str(db), "init"], check=True, capture_output=True)
            subprocess.run([facts, "--db", str(db), "import", str(setup)], check=True, capture_output=True)
            result = timed([facts, "--db", str(db), "import", str(jsonl), "--workers", str(w)])
            result["rows"] = count(db)
            remove(db)
            return result
        return run

    def sqlite_utils() -> dict:
        db = work / "sqlite-utils.db"
        remove(db)
        result = timed([tool("sqlite-utils"), "insert", str(db), "facts", str(jsonl), "--nl", "--alter"])
        result["rows"] = count(db)
        remove(db)
        return result

    runs = {"sqlite-utils insert --nl --alter": sqlite_utils}
    for w in workers:
        runs[f"facts import --workers {w}"] = facts_import(w)
    return runs


def count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM facts").fetchone()[0]
    finally:
        conn.close()


def remove(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def measure(n: int, workers: list[int], rounds: int, work: Path) -> dict[str, list[dict]]:
    runs = commands(n, workers, work)
    names = list(runs)
    results: dict[str, list[dict]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            result = runs[name]()
            if result["rows"] != n:
                raise SystemExit(f"{name}: {result['rows']} rows, not {n}")
            results[name].append(result)
            print(f"  {n:,} {name}: {result['wall']:.2f} s wall, {result['cpu']:.2f} s CPU", file=sys.stderr)
    return results


def median(results: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in results)


def section(sizes: list[int], all_results: dict, rounds: int, command: str, workers: list[int]) -> str:
    cores = len(os.sched_getaffinity(0))
    lines = [f"## {TITLE}", "", f"Command: `{command}`  ",
             f"Machine: {platform.processor() or platform.machine()}, {cores} cores (`nproc`), Linux "
             f"{platform.release()} (shared); Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}  ",
             f"Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {rounds} rounds, the order turning "
             "each round; medians. Databases on tmpfs (/dev/shm); CPU is user + system of the command and its "
             "worker processes (GNU time).", ""]
    head = ["command", *(f"{n:,} facts: wall · CPU · peak" for n in sizes)]
    lines += ["| " + " | ".join(head) + " |", "|---|" + "---|" * len(sizes)]
    for name in all_results[sizes[0]]:
        cells = [f"{median(all_results[n][name], 'wall'):.2f} s · {median(all_results[n][name], 'cpu'):.2f} s · "
                 f"{median(all_results[n][name], 'peak_mb'):.0f} MB" for n in sizes]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    base = "sqlite-utils insert --nl --alter"
    for w in workers:
        name = f"facts import --workers {w}"
        cells = []
        for n in sizes:
            x = median(all_results[n][base], "wall") / median(all_results[n][name], "wall")
            cells.append(f"{x:.2f}x {'met' if x >= 0.6 else '**missed**'} (target ≥ 0.6x)")
        lines.append(f"| → sqlite-utils wall ÷ `{name}` wall | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    results = HERE / "RESULTS.md"
    current = results.read_text(encoding="utf-8")
    start = current.find(f"## {TITLE}\n")
    if start < 0:
        current = current.rstrip("\n") + "\n\n" + text
    else:
        end = current.find("\n## ", start + 1)
        current = current[:start] + text + ("" if end < 0 else current[end:])
    results.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000", help="Fact counts (default 100k).")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", default=None, help="Worker counts (default 0,1,2, and 4 on 4 cores or more).")
    parser.add_argument("--no-write", action="store_true", help="Print the section; leave RESULTS.md alone.")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    cores = len(os.sched_getaffinity(0))
    workers = ([int(w) for w in args.workers.split(",")] if args.workers
               else [0, 1, 2] + ([4] if cores >= 4 else []))
    work = Path(tempfile.mkdtemp(dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    try:
        all_results = {n: measure(n, workers, args.rounds, work) for n in sizes}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = section(sizes, all_results, args.rounds, "python " + " ".join(["bench/import_workers.py", *sys.argv[1:]]),
                   workers)
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
