#!/usr/bin/env python3
"""Precision and recall of `facts extract` against the hand-made gold standard in tests/extract_gold/.

    python bench/extract_eval.py            # prints the table; --write puts it in bench/RESULTS.md

A proposed quantity is right when its span overlaps a gold span and it reads the same numbers
(value, low, high); qualifier and unit (its last word) are scored on the matched ones. A date is
right when its span overlaps a gold span and gives the same first and last day. Proposals that
overlap a gold `borderline` span are neither required nor counted against the extractor.
The five seed articles, which the extractor was written against, are reported apart from a text
it was not (own-text).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "extract_gold"
sys.path.insert(0, str(ROOT))

from facts.extract import extract  # noqa: E402


def _overlap(a, b) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _same(x, y) -> bool:
    return (x is None and y is None) or (x is not None and y is not None and abs(float(x) - float(y)) < 1e-9)


def _head(unit) -> str:
    return (unit or "").split()[-1].lower() if unit else ""


# Two seed articles give no date; an analyst who knows it passes `facts extract --published`.
ASSUMED = {"blp-joint-exercises": "2022-02-22", "capital-allied-resolve": "2022-02-10"}


def score_file(path: Path, assume: bool = False) -> dict:
    gold = yaml.safe_load(path.read_text())
    text = (path.parent / gold["text_file"]).read_text(encoding="utf-8") if gold.get("text_file") else \
        (path.with_suffix(".txt")).read_text(encoding="utf-8")
    published = str(gold["published"]) if gold.get("published") else (ASSUMED.get(path.stem) if assume else None)
    started = time.perf_counter()
    found = [c.as_dict() for c in extract(text, published=published)]
    seconds = time.perf_counter() - started
    borderline = gold.get("borderline") or []
    out = {"file": path.stem, "chars": len(text), "seconds": seconds}
    for kind, key in (("quantity", "quantities"), ("date", "dates")):
        wanted = gold.get(key) or []
        proposed = [c for c in found if c["kind"] == kind and not any(_overlap(c, b) for b in borderline)]
        matched, right_qualifier, right_unit, used = 0, 0, 0, set()
        for g in wanted:
            for i, c in enumerate(proposed):
                if i in used or not _overlap(c, g):
                    continue
                if kind == "quantity":
                    ok = all(_same(c.get(f), g.get(f)) for f in ("value", "low", "high"))
                else:
                    ok = (c.get("date_start"), c.get("date_end")) == (str(g["date_start"]), str(g["date_end"]))
                if ok:
                    used.add(i)
                    matched += 1
                    if kind == "quantity":
                        right_qualifier += c.get("qualifier") == g.get("qualifier")
                        right_unit += _head(c.get("unit")) == _head(g.get("unit")) or not g.get("unit")
                    break
        out[kind] = {"gold": len(wanted), "proposed": len(proposed), "matched": matched,
                     "qualifier": right_qualifier, "unit": right_unit}
    return out


def totals(rows: list[dict], kind: str) -> dict:
    t = {k: sum(r[kind][k] for r in rows) for k in ("gold", "proposed", "matched", "qualifier", "unit")}
    t["recall"] = t["matched"] / t["gold"] if t["gold"] else 1.0
    t["precision"] = t["matched"] / t["proposed"] if t["proposed"] else 1.0
    return t


def evaluate(assume: bool = False) -> tuple[list[dict], list[dict]]:
    rows = [score_file(p, assume) for p in sorted(GOLD.glob("*.yaml"))]
    return [r for r in rows if r["file"] != "own-text"], [r for r in rows if r["file"] == "own-text"]


def report(seeds: list[dict], own: list[dict], dated: list[dict]) -> str:
    lines = ["| | quantities: recall | precision | qualifier right | unit right | dates: recall | precision |",
             "|---|---|---|---|---|---|---|"]
    for label, rows in (("five seed articles", seeds),
                        ("… with --published for the two undated ones", dated),
                        ("own text (not written against)", own)):
        q, d = totals(rows, "quantity"), totals(rows, "date")
        lines.append(f"| {label} | {q['recall']:.2f} ({q['matched']}/{q['gold']}) | {q['precision']:.2f} "
                     f"({q['matched']}/{q['proposed']}) | {q['qualifier']}/{q['matched']} | {q['unit']}/{q['matched']} "
                     f"| {d['recall']:.2f} ({d['matched']}/{d['gold']}) | {d['precision']:.2f} "
                     f"({d['matched']}/{d['proposed']}) |")
    longest = max(seeds + own, key=lambda r: r["chars"])
    lines.append("")
    lines.append(f"Time: {longest['chars']:,} characters ({longest['file']}) in {longest['seconds'] * 1000:.1f} ms.")
    return "\n".join(lines)


def main() -> int:
    seeds, own = evaluate()
    dated, _ = evaluate(assume=True)
    table = report(seeds, own, dated)
    section = (f"## Extraction\n\nCommand: `python bench/extract_eval.py --write`  \n"
               f"Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; gold standard: tests/extract_gold/\n\n"
               f"{table}\n")
    print(section)
    if "--write" in sys.argv:
        sys.path.insert(0, str(ROOT / "bench"))
        from browse import write_section
        write_section(ROOT / "bench" / "RESULTS.md", "Extraction", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
