#!/usr/bin/env python3
"""Precision and recall of `facts extract` against the hand-made gold standard in tests/extract_gold/,
and against real reporting it was not written for (--unseen DIR).

    python bench/extract_eval.py            # prints the table; --write puts it in bench/RESULTS.md
    python bench/extract_eval.py --unseen [DIR] [--code PATH] [--misses]
                                    [--part tuning|held-out|fresh|fresh2|fresh3|fresh4|both|all]

--unseen reads a gold standard of real articles (tests/unseen_gold/: Wikinews reporting, CC BY 2.5, and
Voice of America reporting, in the public domain):
DIR/**/<slug>.yaml beside <slug>.txt, each figure with its quote span, value, low,
high, unit, qualifier, claimant and the dates it holds for, and the article's actors (what an analyst's
database would hold) and publisher. The articles are split once, by a digest of their name, into a
tuning half and a held-out half. The held-out half was reported once as such and has been tuned on since;
so were the articles in fresh-*, fresh2-* and then fresh3-* folders, each added after the set before was
reported; those in fresh4-* folders were the held-out figure last, reported once. --code scores another
checkout's extractor (the figures before a change). The misses printed (--misses) are those of the sets in
TUNED_ON: a set joins it once it has been reported.

A proposed quantity is right when its span overlaps a gold span and it reads the same numbers
(value, low, high); qualifier and unit (its last word) are scored on the matched ones. A date is
right when its span overlaps a gold span and gives the same first and last day. Proposals that
overlap a gold `borderline` span are neither required nor counted against the extractor.
The five seed articles, which the extractor was written against, are reported apart from a text
it was not (own-text).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "extract_gold"
# --code PATH: score the extractor of another checkout (the figures before a change)
sys.path.insert(0, sys.argv[sys.argv.index("--code") + 1] if "--code" in sys.argv else str(ROOT))

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
        # Dates as this gold defines them: written out. A relative date ("last week"), read from the publication
        # date, is scored on the unseen reporting (--unseen), whose figures carry the dates they hold for.
        proposed = [c for c in found if c["kind"] == kind and not any(_overlap(c, b) for b in borderline)
                    and not c.get("resolved_from")]
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


def split(slug: str) -> str:
    """Each article's half, fixed before any tuning: a digest of its name, not its contents."""
    import hashlib
    return "tuning" if hashlib.sha1(slug.encode()).digest()[0] % 2 == 0 else "held-out"


def part_of(path: Path) -> str:
    """Articles in fresh-* folders were added after the held-out half was reported and tuned on, those in
    fresh2-* after the fresh ones were, and so on: the newest is the held-out figure."""
    folder = path.parent.name
    for part in ("fresh4", "fresh3", "fresh2", "fresh"):
        if folder.startswith(part + "-"):
            return part
    return split(path.stem)


# Each held-out set was reported once (bench/RESULTS.md, 2026-12-02) and has been tuned on since.
LABELS = {"tuning": "tuning", "held-out": "first held-out (reported, then tuned on)",
          "fresh": "fresh held-out (reported, then tuned on)",
          "fresh2": "second fresh held-out (reported, then tuned on)",
          "fresh3": "third fresh held-out (reported, then tuned on)",
          "fresh4": "fourth fresh held-out (reported, then tuned on)"}
TUNED_ON = ("tuning", "held-out", "fresh", "fresh2", "fresh3", "fresh4")


def drafted(text: str, gold: dict) -> tuple[list, list]:
    """What `facts extract --draft` proposes for the article: every quantity candidate, and for each its
    drafted record (unit, date, claimant), with the article's actors known."""
    import inspect

    from facts import candidates as drafting
    from facts import extract as extraction
    written = hasattr(extraction, "figure_claimant")  # before it, extract() took aliases casefolded
    aliases = {}
    for actor in gold.get("actors") or []:
        for name in [actor["name"], *(actor.get("aliases") or [])]:
            aliases[name if written else name.casefold()] = actor["name"]
    published = str(gold["published"]) if gold.get("published") else None
    found = extract(text, published=published, aliases=aliases)
    fields = inspect.signature(drafting.Document).parameters
    doc = drafting.Document(gold["source"], None, text, published,
                            **({"publisher": gold.get("publisher")} if "publisher" in fields else {}))
    quantities = [c for c in found if c.kind == "quantity"]
    return quantities, [drafting.draft_fact(doc, q, found) for q in quantities]


def _span_of(date_text: str) -> tuple[str, str] | None:
    from facts.dates import parse_span
    try:
        span = parse_span(date_text)
    except Exception:  # DECIDE, or a text the parser refuses: no date drafted
        return None
    return str(span.start), str(span.end)


def score_unseen(path: Path) -> dict:
    gold = yaml.safe_load(path.read_text(encoding="utf-8"))
    text = (path.parent / gold["text_file"]).read_text(encoding="utf-8")
    seconds = float("inf")
    for _ in range(3):  # the fastest of three: the first pays for compiling the patterns
        started = time.perf_counter()
        found, drafts = drafted(text, gold)
        seconds = min(seconds, time.perf_counter() - started)
    out = {"file": path.stem, "chars": len(text), "seconds": seconds, "gold": len(gold["quantities"]),
           "proposed": len(found), "matched": 0, "qualifier": 0, "unit": 0, "claimant_right": 0,
           "claimant_proposed": 0, "date": 0, "misses": []}
    # A proposal on a debatable span (a duration, a rank) is neither required nor counted against it.
    kept = [i for i, c in enumerate(found)
            if any(_overlap(c.as_dict(), g) for g in gold["quantities"])
            or not any(_overlap(c.as_dict(), b) for b in gold.get("borderline") or [])]
    out["proposed"] = len(kept)
    used: set[int] = set()
    for g in gold["quantities"]:
        hit = None
        for i in kept:
            c = found[i]
            if i not in used and _overlap(c.as_dict(), g) and all(
                    _same(getattr(c, f), g.get(f)) for f in ("value", "low", "high")):
                hit = i
                break
        if hit is None:
            out["misses"].append(("missed", repr(g["text"])))
            continue
        used.add(hit)
        c, record = found[hit], drafts[hit].record
        out["matched"] += 1
        out["qualifier"] += c.qualifier == g["qualifier"]
        unit = record.get("unit")
        right_unit = _head(unit if unit != "DECIDE" else None) == _head(str(g["unit"])) if g.get("unit") else True
        out["unit"] += right_unit
        claimant = record.get("actor")
        claimant = None if claimant in (None, "DECIDE") else claimant
        out["claimant_proposed"] += claimant is not None
        out["claimant_right"] += claimant is not None and claimant.casefold() == str(g["claimant"]).casefold()
        span = _span_of(str(record.get("date")))
        out["date"] += span == (str(g["date_start"]), str(g["date_end"]))
        for kind, wrong, got, want in (
                ("qualifier", c.qualifier != g["qualifier"], c.qualifier, g["qualifier"]),
                ("unit", not right_unit, unit, g.get("unit")),
                ("claimant", claimant is None or claimant.casefold() != str(g["claimant"]).casefold(),
                 claimant, g["claimant"]),
                ("date", span != (str(g["date_start"]), str(g["date_end"])), record.get("date"),
                 f"{g['date_start']}..{g['date_end']}")):
            if wrong:
                out["misses"].append((kind, f"{g['text']!r}: {got!r}, not {want!r}"))
    for i in kept:
        if i not in used:
            out["misses"].append(("extra", repr(found[i].text)))
    return out


def timed_15k(folder: Path) -> tuple[int, float]:
    """The time to extract and draft a 15,000-character article: the gold's texts joined up to that length."""
    text, actors, publisher = "", [], None
    for path in sorted(folder.rglob("*.yaml")):
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        text += (path.parent / gold["text_file"]).read_text(encoding="utf-8") + "\n\n"
        actors += gold.get("actors") or []
        publisher = publisher or gold.get("publisher")
        if len(text) >= 15_000:
            break
    article = {"source": "joined", "published": "2010-01-01", "publisher": publisher, "actors": actors}
    drafted(text, article)  # the first pays for compiling the patterns
    times = []
    for _ in range(15):  # CPU time: the machines are shared, and wall time swings with the neighbours
        started = time.process_time()
        drafted(text, article)
        times.append(time.process_time() - started)
    return len(text), statistics.median(times)


def unseen_report(folder: Path, parts: tuple[str, ...]) -> str:
    rows = {part: [] for part in parts}
    for path in sorted(folder.rglob("*.yaml")):
        part = part_of(path)
        if part in rows:
            rows[part].append(score_unseen(path))
    lines = ["| part | articles | figures | recall | precision | qualifier | unit | claimant right | claimant "
             "proposed | date right |", "|---|---|---|---|---|---|---|---|---|---|"]
    for part, found in rows.items():
        t = {k: sum(r[k] for r in found) for k in ("gold", "proposed", "matched", "qualifier", "unit",
                                                   "claimant_right", "claimant_proposed", "date")}
        m = t["matched"] or 1
        lines.append(f"| {LABELS[part]} | {len(found)} | {t['gold']} | {t['matched'] / max(t['gold'], 1):.2f} | "
                     f"{t['matched'] / max(t['proposed'], 1):.2f} | {t['qualifier'] / m:.2f} | {t['unit'] / m:.2f} | "
                     f"{t['claimant_right'] / m:.2f} | {t['claimant_proposed'] / m:.2f} | {t['date'] / m:.2f} |")
    every = [r for found in rows.values() for r in found]
    if every:
        chars, seconds = timed_15k(folder)
        lines += ["", f"Time: {chars:,} characters (the gold's articles joined, with every actor known) in "
                      f"{seconds * 1000:.1f} ms of CPU (extraction and drafting; the median of 15)."]
    if "--misses" in sys.argv:  # what to work on: the misses of the sets already reported
        for part in TUNED_ON:
            for r in rows.get(part, []):
                for kind, span in r["misses"]:
                    lines.append(f"- {r['file']}: {kind}: {span}")
    return "\n".join(lines)


def main() -> int:
    if "--unseen" in sys.argv:
        given = sys.argv[sys.argv.index("--unseen") + 1:][:1]
        folder = Path(given[0]) if given and not given[0].startswith("--") else ROOT / "tests" / "unseen_gold"
        part = sys.argv[sys.argv.index("--part") + 1] if "--part" in sys.argv else "tuning"
        parts = {"both": ("tuning", "held-out"), "all": tuple(LABELS)}.get(part, (part,))
        print(unseen_report(folder, parts))
        return 0
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
