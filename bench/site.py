#!/usr/bin/env python3
"""How long `facts export --site` takes, and how large the site it writes is, at each size.

    python bench/site.py                         # 10k and 100k facts
    python bench/site.py --sizes 100000 --out /dev/shm/site

The databases are bench/generate.py's (bench/data/facts-N.db, made if missing). The site is written into
--out (default: a folder in /dev/shm, so the disk's flushes do not count), replaced at each size and
removed at the end. Wall time and the command's CPU time (user + system of the child) are given; the
pages a second are every HTML page written over the wall time.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from views import make_data  # noqa: E402  (generate.py's database at a size, cached, at the current schema)


def run(db: Path, out: Path) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "facts", "--db", str(db), "export", "--site", str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    pages = sum(1 for _ in out.rglob("*.html"))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    html = sum(p.stat().st_size for p in out.rglob("*.html"))
    return {"wall": wall, "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "peak_mb": after.ru_maxrss / 1024, "pages": pages, "size_mb": size / 1e6, "html_mb": html / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--out", default="/dev/shm/facts-site-bench")
    args = parser.parse_args()
    out = Path(args.out)
    print(f"Command: `python bench/site.py {' '.join(sys.argv[1:])}`  ")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Linux {platform.release()}; "
          f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}  ")
    print(f"Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, one run a size, the site written to {out}\n")
    print("| facts | wall | CPU | pages (HTML) | pages a second | site | of it HTML | peak memory |")
    print("|---|---|---|---|---|---|---|---|")
    for n in (int(s) for s in args.sizes.split(",")):
        r = run(make_data(n, 1), out)
        print(f"| {n:,} | {r['wall']:.1f} s | {r['cpu']:.1f} s | {r['pages']:,} | {r['pages'] / r['wall']:,.0f} | "
              f"{r['size_mb']:,.0f} MB | {r['html_mb']:,.0f} MB | {r['peak_mb']:,.0f} MB |", flush=True)
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
