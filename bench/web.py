#!/usr/bin/env python3
"""The published pages at 100k and 1M facts: the plugin's pages and table pages beside Datasette's own.

    python bench/web.py                          # 100k and 1M; prints a markdown table
    python bench/web.py --sizes 100000 --runs 5

Each page is asked of one Datasette instance through its in-process client (no network), `--runs` times;
the table gives the median and the slowest. Datasette runs as `facts serve` runs it: the metadata of
`facts export --metadata` (facts_flat's facets among it), suggested facets off, Datasette's own time
limits; a facet that times out is named beside the time. The first request of each page is not counted (it warms
SQLite's cache and Datasette's). The databases are bench/generate.py's (bench/data/facts-N.db, made if
missing, upgraded to the current schema when opened). Datasette's own pages are the same URLs with the
plugin unregistered.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import re
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from views import make_data  # noqa: E402  (generate.py's database at a size, cached, at the current schema)


def paths(path: Path) -> dict[str, str]:
    name = path.stem
    conn = sqlite3.connect(path)
    middle = conn.execute("SELECT id FROM facts ORDER BY id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM facts)"
                          ).fetchone()[0]
    source = conn.execute("SELECT s.key FROM sources s JOIN facts f ON f.source_id = s.id GROUP BY s.id "
                          "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    actor = conn.execute("SELECT actor_id FROM facts GROUP BY actor_id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    subject, unit = conn.execute("SELECT subject, unit FROM facts GROUP BY subject, unit ORDER BY count(*) DESC "
                                 "LIMIT 1").fetchone()
    conn.close()
    from facts.web import DEFAULT_COLUMNS
    columns = "&".join(f"_col={c}" for c in DEFAULT_COLUMNS)
    return {
        "facts_flat as it opens: its columns and facets": f"/{name}/facts_flat?{columns}",
        "facts_flat, every column": f"/{name}/facts_flat?_size=100",
        "facts_flat?_facet_array=tags (Datasette's array facet)": f"/{name}/facts_flat?{columns}&_facet_array=tags",
        "facts_flat?_facet_tag=tags (the plugin's tag facet)": f"/{name}/facts_flat?{columns}&_facet_tag=tags",
        "facts_flat?_search=troops": f"/{name}/facts_flat?{columns}&_search=troops",
        "facts (the table)": f"/{name}/facts",
        "subject_spread": f"/{name}/subject_spread",
        "a fact's page": f"/-/facts/{name}/fact/{middle}",
        "the source with the most facts": f"/-/facts/{name}/source/{source}",
        "the actor with the most claims": f"/-/facts/{name}/actor/{actor}",
        "compare, the largest subject": f"/-/facts/{name}/compare?subject={quote_plus(subject)}"
                                        + (f"&unit={quote_plus(unit)}" if unit else ""),
    }


async def timed(db: Path, urls: dict[str, str], runs: int, plugin: bool) -> dict[str, list[float]]:
    from datasette.app import Datasette
    from datasette.plugins import pm

    import facts.web
    if plugin and not pm.is_registered(facts.web):
        pm.register(facts.web, "facts")
    if not plugin and pm.is_registered(facts.web):
        pm.unregister(facts.web)
    from facts.db import open_db
    from facts.metadata import build_metadata
    metadata = build_metadata(open_db(db, readonly=True), db.stem, title="facts")
    ds = Datasette([str(db)], metadata=metadata, settings={"suggest_facets": False})
    await ds.invoke_startup()
    out: dict[str, list[float]] = {}
    for label, url in urls.items():
        if not plugin and (url.startswith("/-/facts/") or "_facet_tag=" in url):
            continue
        times = []
        for i in range(runs + 1):
            t0 = time.perf_counter()
            response = await ds.client.get(url)
            elapsed = time.perf_counter() - t0
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}: {response.text[:300]}")
            if i:
                times.append(elapsed)
                if timed_out := re.search(r"These facets timed out: ([^<]*)", response.text):
                    out.setdefault(f"{label} (facets timed out)", []).append(timed_out.group(1))  # type: ignore[arg-type]
        out[label] = times
        print(f"  {db.name} {'plugin' if plugin else 'plain'} {label}: {statistics.median(times) * 1000:.0f} ms",
              file=sys.stderr)
    return out


def cell(times: list[float] | None, timed_out: list | None = None) -> str:
    if not times:
        return "–"
    text = f"{statistics.median(times) * 1000:,.0f} ms (slowest {max(times) * 1000:,.0f})"
    if timed_out:
        facets = sorted({f for run in timed_out for f in run.split(", ")})
        text += f"; facets timed out in {len(timed_out)} of {len(times)} runs: {', '.join(facets)}"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    for n in sizes:
        db = make_data(n, 1)
        urls = paths(db)
        results[n] = (urls, asyncio.run(timed(db, urls, args.runs, True)), asyncio.run(timed(db, urls, args.runs,
                                                                                              False)))
    import datasette
    print(f"Command: `python bench/web.py {' '.join(sys.argv[1:])}`  ")
    print(f"Machine: {platform.machine()}, Linux {platform.release()}; Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}, Datasette {datasette.__version__}  ")
    print(f"Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, median of {args.runs} after one unmeasured\n")
    head = ["page", *(f"{n:,} facts: with the plugin" for n in sizes), *(f"{n:,}: Datasette alone" for n in sizes)]
    print("| " + " | ".join(head) + " |")
    print("|---|" + "---|" * (len(head) - 1))
    for label in results[sizes[0]][0]:
        late = f"{label} (facets timed out)"
        row = [label, *(cell(results[n][1].get(label), results[n][1].get(late)) for n in sizes),
               *(cell(results[n][2].get(label), results[n][2].get(late)) for n in sizes)]
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
