"""What the published pages show (the Datasette plugin's and the static site's), read from a facts
database: plain data for the templates, no HTML.

A fact: every field as an analyst reads it, the quote inside its paragraph, annotations and history in
words, what it repeats and what repeats it, other claims on its subject. A source: its metadata and its
text cut into passages, each quoted one linked to its facts. A subject: the comparison of its claims. An
actor: its names, whom it speaks for, its claims. A row of the facts table: its cells as they read.
"""

import itertools
import json
from dataclasses import dataclass, field

import sqlite_utils

from .comparison import compare
from .display import (
    format_confidence,
    format_date,
    format_partial,
    format_quantity_unit,
    format_status,
    format_timestamp,
)
from .errors import FactsError
from .query import get_fact
from .quotes import paragraph_around
from .showing import describe_annotation, describe_change
from .sources import cited_quotes
from .vocab import CREDIBILITY_MEANINGS, RELIABILITY_MEANINGS


@dataclass
class Link:
    """Text with where it leads: a page of these (kind, key), or nothing."""

    text: str
    kind: str | None = None  # fact, source, actor, compare
    key: object = None
    unit: str | None = None  # for compare


@dataclass
class FactPage:
    id: int
    claim: str
    fields: list[tuple[str, list[Link]]]
    quote: tuple[str, str, str] | None  # the paragraph before the quote, the quote, after it
    quote_page: int | None
    annotations: list[tuple[str, str, str]]  # when, who, what
    history: list[tuple[str, str, str]]
    repeats: list[Link] = field(default_factory=list)
    repeated_by: list[Link] = field(default_factory=list)
    same_subject: list[tuple[Link, str, str, str]] = field(default_factory=list)  # fact, figure, date, claimant


def fact_page(db: sqlite_utils.Database, fact_id: int, others: int = 20) -> FactPage:
    """One fact as its page shows it."""
    detail = get_fact(db, fact_id)
    f = detail.fact
    fields: list[tuple[str, list[Link]]] = [("Subject", [Link(f["subject"], "compare", f["subject"], f["unit"])])]
    if f["qualifier"]:
        fields.append(("Quantity", [Link(format_quantity_unit(f))]))
        if f["as_stated"]:
            fields.append(("As stated", [Link(f["as_stated"])]))
    fields.append(("Date", [Link(f"{format_date(f)} ({f['date_precision']} precision)")]))
    if f["stated_on"]:
        fields.append(("Stated on", [Link(format_partial(f["stated_on"]))]))
    fields.append(("Claimant", [Link(f["claimant"], "actor", f["actor_id"])]))
    if f["origin"] and f["origin"] != f["claimant"]:
        fields.append(("Counts as", [Link(f["origin"])]))
    if f["about"]:
        fields.append(("About", [Link(name) for name in f["about"]]))
    fields.append(("Source", [Link(f["source_title"] or f["source"], "source", f["source"])]))
    if f["source_publisher"]:
        fields.append(("Publisher", [Link(f["source_publisher"])]))
    if f["source_published"]:
        fields.append(("Published", [Link(format_partial(f["source_published"]))]))
    if f["source_reliability"]:
        fields.append(("Reliability", [Link(f"{f['source_reliability']} "
                                            f"({RELIABILITY_MEANINGS[f['source_reliability']]})")]))
    fields.append(("Confidence", [Link(format_confidence(f["confidence"]))]))
    if f["credibility"]:
        fields.append(("Credibility", [Link(f"{f['credibility']} ({CREDIBILITY_MEANINGS[f['credibility']]})")]))
    fields.append(("Status", [Link(f"{f['status']}: {f['status_reason']}" if f["status_reason"] else f["status"])]))
    if f["superseded_by"]:
        fields.append(("Superseded by", [Link(f"fact #{f['superseded_by']}", "fact", f["superseded_by"])]))
    if f["tags"]:
        fields.append(("Tags", [Link(tag) for tag in f["tags"]]))
    fields.append(("Entered", [Link(f"{format_timestamp(f['created_at'])} by {f['created_by'] or 'unknown'}")]))
    quote = None
    if f["quote"] and f["quote_start"] is not None and detail.source_text:
        paragraph, a, b = paragraph_around(detail.source_text, f["quote_start"], f["quote_end"])
        quote = (paragraph[:a], paragraph[a:b], paragraph[b:])
    elif f["quote"]:
        quote = ("", f["quote"], "")
    repeats = [Link(f"fact #{f['repeats']}", "fact", f["repeats"])] if f.get("repeats") else []
    repeated_by = [Link(f"fact #{r} ({claimant})", "fact", r) for r, claimant in db.execute(
        "SELECT r.fact_id, a.name FROM fact_repeats r JOIN facts x ON x.id = r.fact_id "
        "JOIN actors a ON a.id = x.actor_id WHERE r.repeats = ? ORDER BY r.fact_id", [fact_id])]
    same = [(Link(f"#{r['id']}", "fact", r["id"]), format_quantity_unit(r), format_date(r), r["claimant"])
            for r in db.query("SELECT id, value, low, high, unit, qualifier, date_start, date_end, date_precision, "
                              "claimant FROM facts_flat WHERE subject = ? AND id <> ? ORDER BY date_start, id "
                              "LIMIT ?", [f["subject"], fact_id, others])]
    return FactPage(
        fact_id, f["claim"], fields, quote, f["quote_page"],
        [(format_timestamp(a["created_at"]), a["author"], describe_annotation(a)) for a in detail.annotations],
        [(format_timestamp(h["changed_at"]), h["changed_by"] or "", describe_change(h)) for h in detail.history],
        repeats, repeated_by, same)


@dataclass
class SourcePage:
    key: str
    title: str
    fields: list[tuple[str, str]]
    url: str | None
    passages: list[tuple[str, list[Link], int | None]]  # text, the facts quoting it, the PDF page it begins
    quoted: int  # facts whose quote stands in the text


def source_page(db: sqlite_utils.Database, key: str) -> SourcePage:
    """A source: its metadata, and its text with every quoted passage marked and linked to its facts."""
    row = db.execute("SELECT id, key, title, publisher, author, published, retrieved, reliability, url, "
                     "archive_url, media_type, language, text, page_starts FROM sources WHERE key = ?",
                     [key]).fetchone()
    if row is None:
        raise FactsError(f"no source '{key}'")
    (source_id, key, title, publisher, author, published, retrieved, reliability, url, archive_url, media_type,
     language, text, page_starts) = row
    fields = [(label, value) for label, value in (
        ("Publisher", publisher), ("Author", author), ("Published", format_partial(published)),
        ("Retrieved", format_partial(retrieved)),
        ("Reliability", f"{reliability} ({RELIABILITY_MEANINGS[reliability]})" if reliability else None),
        ("Read from", media_type), ("Language", language), ("Archived", archive_url)) if value]
    quotes = cited_quotes(db, source_id)
    pages = json.loads(page_starts) if page_starts else []
    return SourcePage(key, title, fields, url, _passages(text or "", quotes, pages), len(quotes))


def _passages(text: str, quotes: list[dict], pages: list[int]) -> list[tuple[str, list[Link], int | None]]:
    """The text cut where quotes and PDF pages begin and end: each piece with the facts whose quote covers
    it, and the page number where a page begins."""
    page_of = {start: n for n, start in enumerate(pages, start=1)}
    cuts = sorted({0, len(text), *pages, *(q["quote_start"] for q in quotes), *(q["quote_end"] for q in quotes)})
    pieces = []
    for a, b in itertools.pairwise(cuts):
        if a < b <= len(text):
            covering = [Link(f"#{q['id']}", "fact", q["id"]) for q in quotes
                        if q["quote_start"] <= a and b <= q["quote_end"]]
            pieces.append((text[a:b], covering, page_of.get(a)))
    return pieces


@dataclass
class ComparedPeriod:
    name: str
    summary: str  # '3 independent origins from 5 claims'
    rows: list[tuple[str, str, str, str, list[Link], str]]  # origin, figure, reports, rel., facts, counts as
    estimate: str
    rule: str


@dataclass
class ComparePage:
    subject: str
    unit: str | None
    notes: list[str]
    periods: list[ComparedPeriod]
    svg: str


def compare_page(db: sqlite_utils.Database, subject: str, unit: str | None) -> ComparePage:
    """A subject's claims compared as `facts compare` does: by period and independent origin, the combined
    estimate with its rule, and the chart as SVG."""
    from .charts import comparison_svg, estimate_text
    from .display import format_period, plural
    from .showing import comparison_notes, format_origin_figure, origin_voices
    comparison = compare(db, subject, unit)
    periods = []
    for period in comparison.periods:
        gives = dict(period.estimate.contributions)
        rows = [(o.origin + (f" ({voices})" if (voices := origin_voices(o)) else ""), format_origin_figure(o),
                 plural(o.reports, "source"), o.reliability or "", [Link(f"#{f}", "fact", f) for f in o.facts],
                 gives.get(o.origin, "")) for o in period.origins]
        periods.append(ComparedPeriod(
            format_period(period.start, period.end),
            f"{plural(len(period.origins), 'independent origin')} from {plural(len(period.claims), 'claim')}",
            rows, estimate_text(period.estimate) or "none", period.estimate.rule))
    return ComparePage(comparison.subject, comparison.unit, [n.plain for n in comparison_notes(comparison)], periods,
                       comparison_svg(comparison))


@dataclass
class ActorPage:
    id: int
    name: str
    fields: list[tuple[str, list[Link]]]
    claims: list[tuple[Link, Link, str, str]]  # fact, subject, figure, date
    total: int  # claims in all; `claims` holds the first of them


def actor_page(db: sqlite_utils.Database, actor_id: int, shown: int = 500) -> ActorPage:
    """An actor: its kind, names and whom it speaks for, and its claims, newest first."""
    row = db.execute("SELECT name, kind, description FROM actors WHERE id = ?", [actor_id]).fetchone()
    if row is None:
        raise FactsError(f"no actor #{actor_id}")
    name, kind, description = row
    fields: list[tuple[str, list[Link]]] = [("Kind", [Link(kind)])]
    if description:
        fields.append(("Description", [Link(description)]))
    aliases = [a for (a,) in db.execute("SELECT alias FROM aliases WHERE actor_id = ? AND alias <> ? ORDER BY alias",
                                        [actor_id, name])]
    if aliases:
        fields.append(("Also called", [Link(a) for a in aliases]))
    for label, sql in (("Speaks for", "SELECT o.id, o.name, sf.date_start, sf.date_end FROM speaks_for sf "
                                      "JOIN actors o ON o.id = sf.organization_id WHERE sf.actor_id = ? "
                                      "ORDER BY sf.id"),
                       ("Spoken for by", "SELECT p.id, p.name, sf.date_start, sf.date_end FROM speaks_for sf "
                                         "JOIN actors p ON p.id = sf.actor_id WHERE sf.organization_id = ? "
                                         "ORDER BY sf.id")):
        links = [Link(other + _between(start, end), "actor", other_id)
                 for other_id, other, start, end in db.execute(sql, [actor_id])]
        if links:
            fields.append((label, links))
    total = db.execute("SELECT count(*) FROM facts WHERE actor_id = ?", [actor_id]).fetchone()[0]
    claims = [(Link(f"#{r['id']}", "fact", r["id"]), Link(r["subject"], "compare", r["subject"], r["unit"]),
               format_quantity_unit(r) if r["qualifier"] else "", format_date(r))
              for r in db.query("SELECT id, subject, value, low, high, unit, qualifier, date_start, date_end, "
                                "date_precision FROM facts WHERE actor_id = ? ORDER BY date_start DESC, id DESC "
                                "LIMIT ?", [actor_id, shown])]
    return ActorPage(actor_id, name, fields, claims, total)


def _between(start: str | None, end: str | None) -> str:
    if start and end:
        return f" ({format_partial(start)} to {format_partial(end)})"
    if start:
        return f" (from {format_partial(start)})"
    return f" (until {format_partial(end)})" if end else ""


# The facts table as it opens: a fact as one reads it (Datasette's facts_flat shows these columns first too).
TABLE_COLUMNS = ("id", "claim", "subject", "value", "date_start", "claimant", "source", "confidence", "status",
                 "tags")
TABLE_HEADINGS = ("fact", "claim", "subject", "figure", "date", "claimant", "source", "confidence", "status", "tags")
TABLE_READS = ("id, claim, subject, value, low, high, unit, qualifier, date_start, date_end, date_precision, "
               "claimant, actor_id, source, confidence, status, status_reason, tags")


def table_cells(row: dict) -> list[Link]:
    """A facts_flat row (TABLE_READS) as its cells read, in TABLE_COLUMNS' order."""
    tags = json.loads(row["tags"]) if row["tags"] else []
    return [Link(str(row["id"]), "fact", row["id"]), Link(row["claim"]),
            Link(row["subject"], "compare", row["subject"], row["unit"]),
            Link(format_quantity_unit(row) if row["qualifier"] else ""), Link(format_date(row)),
            Link(row["claimant"], "actor", row["actor_id"]), Link(row["source"], "source", row["source"]),
            Link(format_confidence(row["confidence"])), Link(format_status(row)), Link("; ".join(tags))]
