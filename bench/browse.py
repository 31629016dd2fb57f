#!/usr/bin/env python3
"""How the browser behaves at 10k, 100k and 1M facts, beside VisiData on the same facts.

    python bench/browse.py                      # 10k, 100k, 1M; writes bench/RESULTS.md
    python bench/browse.py --sizes 10000 --no-write

For each size it makes (once, cached in bench/data/) a database with bench/generate.py and a CSV
of facts_flat, then runs the browser headless through Textual's Pilot in a fresh process (so that
peak memory is its own) and measures, with the app's own workers doing the reading:

- first rows: from creating the app to the first rows painted (times are taken when the table
  draws a loaded row, not when a poll notices it);
- all ids: until the whole result's id list is read (the count is known);
- jump end / jump middle: from the move to the cursor's row painted with its data (median of 7
  places around the middle), and the time to redraw the whole table once it is there;
- filter: from a changed filter to its first rows, and to its full count;
- facets: from a changed filter to the facet counts;
- sorting by claimant: first rows and the whole id list;
- compare on the subject with the most claims: its first screen, and the longest the keyboard waited;
- the source reader on the source with the most facts;
- peak memory (max RSS) of the process over all of it: a session, not only start-up.

Beside it, VisiData (`vd -b`, batch mode) loads the same facts as CSV and writes them out: wall
time and peak memory (`/usr/bin/time -v`). Install it with `pip install visidata` in the project's
virtual environment; without it that column says so.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import platform
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
FILTER = "unit:troops conf>=likely"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


# --- the probe: runs in its own process ------------------------------------------------------

async def probe(db: Path) -> dict:
    from facts_tui.app import FactsApp
    from facts_tui.fact_table import FactTable
    from facts_tui.panes import FacetPanel, FilterBar

    # Times are read off the screen: when the table paints a loaded row (render_line is what
    # the compositor calls to draw), not when a poll notices it.
    painted: dict[tuple[int, int], float] = {}  # (load generation, row index) -> first paint
    draw = FactTable.render_line

    def render_line(self, y):
        strip = draw(self, y)
        index = int(self.scroll_y) + y - 1
        if y > 0 and self.row(index) is not None:
            painted.setdefault((self.generation, index), time.perf_counter())
        return strip
    FactTable.render_line = render_line
    # When each result's ids arrived (its count is then on screen), and each time facet counts were shown.
    ids_shown: dict[int, float] = {}
    show_ids = FactTable._show_ids

    def _show_ids(self, generation, ids):
        show_ids(self, generation, ids)
        if generation == self.generation:
            ids_shown.setdefault(generation, time.perf_counter())
    FactTable._show_ids = _show_ids
    facets_shown: list[float] = []
    show_counts = FacetPanel.show_counts

    def _show_counts(self, counts, selected):
        show_counts(self, counts, selected)
        facets_shown.append(time.perf_counter())
    FacetPanel.show_counts = _show_counts

    async def until(pilot, condition, timeout=300.0) -> None:
        start = time.perf_counter()
        while not condition():
            if time.perf_counter() - start > timeout:
                raise TimeoutError
            await pilot.pause(0.005)

    def redraw(table) -> float:
        start = time.perf_counter()
        for y in range(table.size.height):
            draw(table, y)
        return time.perf_counter() - start

    out: dict = {}
    peaks: dict[str, tuple] = {}  # the peak memory reached by the end of each step, and memory then
    out["peaks"] = peaks
    started = time.perf_counter()
    app = FactsApp(db)
    async with app.run_test(size=(160, 40)) as pilot:  # wide enough for the facets
        table = app.query_one(FactTable)
        await until(pilot, lambda: any(g >= 1 for g, _ in painted))
        out["first_rows"] = min(t for (g, _), t in painted.items() if g >= 1) - started
        await until(pilot, lambda: table.total is not None)
        out["all_ids"] = time.perf_counter() - started
        peaks["all_ids"] = (round(peak_mb()), round(now_mb()))
        out["facts"] = table.total
        await pilot.pause(0.5)
        rng = random.Random(7)
        middle = table.total // 2
        for name, targets in (("jump_end", [table.total - 1]),
                              ("jump_middle", [middle + rng.randint(-5000, 5000) for _ in range(7)])):
            waits, draws = [], []
            for target in targets:
                table._move_to(0)
                await pilot.pause(0.1)
                key = (table.generation, target)
                painted.pop(key, None)
                t0 = time.perf_counter()
                table._move_to(target)
                await until(pilot, lambda key=key: key in painted)
                waits.append(painted[key] - t0)
                draws.append(redraw(table))
            out[name] = statistics.median(waits)
            out[name + "_redraw"] = statistics.median(draws)
        facets = app.query_one(FacetPanel)
        generation = table.generation
        t0 = time.perf_counter()
        app.query_one(FilterBar).set_value(FILTER)
        await until(pilot, lambda: any(g > generation for g, _ in painted))
        out["filter_rows"] = min(t for (g, _), t in painted.items() if g > generation) - t0
        await until(pilot, lambda: table.generation > generation and table.ids is not None)
        out["filter_count"] = time.perf_counter() - t0
        out["filtered"] = table.total
        await until(pilot, lambda: facets.option_count > 0
                    and "counting" not in str(facets.get_option_at_index(0).prompt))
        out["facets"] = time.perf_counter() - t0
        peaks["facets"] = (round(peak_mb()), round(now_mb()))

        # The same filter typed, a key every 60 ms as a person types, from an empty one: from the last
        # key to the full count, and to the facet counts, of what was typed.
        def counted() -> bool:
            return facets.option_count > 0 and "counting" not in str(facets.get_option_at_index(0).prompt)
        generation = table.generation
        app.query_one(FilterBar).set_value("")
        await until(pilot, lambda: table.generation > generation and table.ids is not None and counted())
        app.query_one("#filter-input").focus()
        for char in FILTER:
            last_key = time.perf_counter()  # the key is sent as press begins
            await pilot.press(char)
            await asyncio.sleep(0.06)
        final = table.generation
        await until(pilot, lambda: final in ids_shown)
        out["typed_count"] = ids_shown[final] - last_key
        assert table.total == out["filtered"], (table.total, out["filtered"])
        await until(pilot, counted)
        out["typed_facets"] = facets_shown[-1] - last_key
        peaks["typed_facets"] = (round(peak_mb()), round(now_mb()))

        # Sorting the whole collection by claimant (a name the facts table does not hold): first rows, all ids.
        generation = table.generation
        app.query_one(FilterBar).set_value("")
        await until(pilot, lambda: table.generation > generation and table.ids is not None and counted())
        generation = table.generation
        t0 = time.perf_counter()
        table.sort_by("claimant")
        await until(pilot, lambda: any(g > generation for g, _ in painted))
        out["sort_rows"] = min(t for (g, _), t in painted.items() if g > generation) - t0
        await until(pilot, lambda: table.generation > generation and table.ids is not None)
        out["sort_ids"] = time.perf_counter() - t0
        peaks["sort_ids"] = (round(peak_mb()), round(now_mb()))

        # Compare on the subject with the most claims: its first screen, and the longest the keyboard waited
        # (the gap between ticks of a 20 ms timer) meanwhile.
        from facts_tui.screens import CompareScreen, SourceReaderScreen
        with sqlite3.connect(db) as conn:
            subject, unit, claims = conn.execute("SELECT subject, unit, count(*) FROM facts GROUP BY subject, unit "
                                                 "ORDER BY 3 DESC LIMIT 1").fetchone()
            source = conn.execute("SELECT s.key FROM sources s JOIN facts f ON f.source_id = s.id "
                                  "GROUP BY s.id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        ticks = [time.perf_counter()]
        timer = app.set_interval(0.02, lambda: ticks.append(time.perf_counter()))
        t0 = time.perf_counter()
        screen = CompareScreen(app.collection, subject, unit)
        await app.push_screen(screen)
        await until(pilot, lambda: screen.comparison is not None and screen.query_one("#compare-table").row_count > 0)
        out["compare_first"] = time.perf_counter() - t0
        out["compare_claims"] = claims
        await pilot.pause(0.3)
        timer.stop()
        out["compare_stall"] = max(b - a for a, b in itertools.pairwise(ticks))
        peaks["compare_stall"] = (round(peak_mb()), round(now_mb()))
        await pilot.press("escape")

        # The source reader on the source with the most facts.
        t0 = time.perf_counter()
        reader = SourceReaderScreen(app.collection, source, "bench")
        await app.push_screen(reader)
        await pilot.pause(0.5)
        out["reader_open"] = time.perf_counter() - t0
        peaks["reader_open"] = (round(peak_mb()), round(now_mb()))
        await pilot.press("escape")
        await pilot.press("q")
    out["peak_mb"] = peak_mb()
    return out


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def now_mb() -> float:
    """Resident memory at this moment (Linux), beside the peak."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


# --- the driver -------------------------------------------------------------------------------

def make_data(n: int) -> tuple[Path, Path]:
    DATA.mkdir(exist_ok=True)
    db, csv_path = DATA / f"facts-{n}.db", DATA / f"facts-{n}.csv"
    if not db.exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--facts", str(n), "--out", str(db)], check=True)
    if not csv_path.exists():
        # The same rows a user would hand VisiData: facts_flat as CSV.
        import csv
        conn = sqlite3.connect(db)
        cursor = conn.execute("SELECT * FROM facts_flat")
        with open(csv_path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow([d[0] for d in cursor.description])
            while rows := cursor.fetchmany(10_000):
                writer.writerows(rows)
        conn.close()
    return db, csv_path


def run_probe(db: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--probe", str(db)], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_visidata(csv_path: Path) -> dict:
    vd = shutil.which("vd") or str(Path(sys.executable).parent / "vd")
    if not Path(vd).exists():
        return {"error": "VisiData not installed (pip install visidata)"}
    timer = shutil.which("time") or "/usr/bin/time"
    out_file = csv_path.with_suffix(".vd.tsv")
    start = time.perf_counter()
    result = subprocess.run([timer, "-v", vd, "-b", str(csv_path), "-o", str(out_file)],
                            capture_output=True, text=True, env={**os.environ, "HOME": str(DATA)})
    seconds = time.perf_counter() - start
    out_file.unlink(missing_ok=True)
    peak = next((int(line.split(":")[1]) / 1024 for line in result.stderr.splitlines()
                 if "Maximum resident set size" in line), None)
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "failed"}
    return {"seconds": seconds, "peak_mb": peak}


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    import textual
    parts = [f"Python {platform.python_version()}", f"SQLite {sqlite3.sqlite_version}",
             f"textual {textual.__version__}"]
    with contextlib.suppress(PackageNotFoundError):
        parts.append(f"visidata {version('visidata')}")
    return ", ".join(parts)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, {platform.system()} {platform.release()}"


def table(results: list[tuple[int, dict, dict]]) -> str:
    rows = [
        ("first rows on screen", lambda b, v: ms(b["first_rows"])),
        ("whole result's ids read (count known)", lambda b, v: ms(b["all_ids"])),
        ("jump to the end: row painted", lambda b, v: ms(b["jump_end"])),
        ("… a redraw of the whole table there", lambda b, v: ms(b["jump_end_redraw"])),
        ("jump to the middle: row painted (median of 7 places)", lambda b, v: ms(b["jump_middle"])),
        ("… a redraw of the whole table there", lambda b, v: ms(b["jump_middle_redraw"])),
        (f"filter `{FILTER}`: first rows", lambda b, v: ms(b["filter_rows"])),
        ("… its full count", lambda b, v: f"{ms(b['filter_count'])} ({b['filtered']:,} facts)"),
        ("… facet counts", lambda b, v: ms(b["facets"])),
        ("the same filter typed (a key every 60 ms): last key to full count", lambda b, v: ms(b["typed_count"])),
        ("… last key to facet counts", lambda b, v: ms(b["typed_facets"])),
        ("sort all by claimant: first rows", lambda b, v: ms(b["sort_rows"])),
        ("… its whole id list", lambda b, v: ms(b["sort_ids"])),
        ("compare the largest subject: first screen", lambda b, v: f"{ms(b['compare_first'])} "
                                                                  f"({b['compare_claims']:,} claims)"),
        ("… the longest the keyboard waited meanwhile", lambda b, v: ms(b["compare_stall"])),
        ("peak memory (max RSS)", lambda b, v: f"{b['peak_mb']:.0f} MB"),
        ("VisiData `vd -b` on the same CSV: load + save", lambda b, v: f"{v['seconds']:.1f} s" if "seconds" in v
         else v.get("error", "")),
        ("VisiData peak memory", lambda b, v: f"{v['peak_mb']:.0f} MB" if v.get("peak_mb") else ""),
    ]
    head = "| | " + " | ".join(f"{n:,} facts" for n, _, _ in results) + " |"
    sep = "|---|" + "---|" * len(results)
    body = ["| " + label + " | " + " | ".join(fn(b, v) for _, b, v in results) + " |" for label, fn in rows]
    return "\n".join([head, sep, *body])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--no-visidata", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="Print the table; leave RESULTS.md alone.")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        print(json.dumps(asyncio.run(probe(Path(args.probe)))))
        return 0
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        db, csv_path = make_data(n)
        browser = run_probe(db)
        vd = {"error": "not run"} if args.no_visidata else run_visidata(csv_path)
        print(f"{n:,}: {json.dumps(browser)} | visidata {json.dumps(vd)}", file=sys.stderr)
        results.append((n, browser, vd))
    section = (f"## Browser\n\nCommand: `python bench/browse.py --sizes {args.sizes}`  \n"
               f"Machine: {machine()}  \nVersions: {versions()}  \n"
               f"Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n\n{table(results)}\n")
    print(section)
    if not args.no_write:
        write_section(HERE / "RESULTS.md", "Browser", section)
    return 0


def write_section(path: Path, title: str, section: str) -> None:
    """Replace one '## title' section of RESULTS.md, keeping the others."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    marker = f"## {title}\n"
    if marker in text:
        before, rest = text.split(marker, 1)
        after = rest[rest.find("\n## "):] if "\n## " in rest else ""
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
