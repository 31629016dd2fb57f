"""One fact in full, for reading on a terminal (`facts show`)."""

from rich.console import Group
from rich.table import Table
from rich.text import Text

from .charts import estimate_text, quantity_text
from .comparison import Comparison, Origin
from .display import (
    format_confidence,
    format_date,
    format_number,
    format_partial,
    format_period,
    format_quantity,
    format_status,
    format_timestamp,
    plural,
    printable,
    printable_line,
)
from .query import FactDetail
from .quotes import paragraph_around
from .vocab import CREDIBILITY_MEANINGS, RELIABILITY_MEANINGS


def _fields(rows: list[tuple[str, object]]) -> Table:
    """Label and value side by side; a long value wraps under itself."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for label, value in rows:
        grid.add_row(label, Text(printable_line(value)))
    return grid


def quote_in_context(text: str, start: int, end: int) -> Text:
    """The paragraph holding the quote, the quote highlighted; nothing read as markup."""
    paragraph, a, b = paragraph_around(text, start, end)
    out = Text(printable(paragraph[:a]))
    out.append(printable(paragraph[a:b]), style="reverse bold")
    out.append(printable(paragraph[b:]))
    return out


def render_fact(detail: FactDetail) -> Group:
    f = detail.fact
    parts: list = []
    title = Text(f"Fact #{f['id']}", style="bold")
    title.append(f"  [{format_status(f)}]", style="yellow" if f["status"] != "active" or f.get("conflicted")
                 else "green")
    parts.append(title)
    if detail.conflicts:
        said = [f"#{c['id']} {c['field']} changed apart" if c["kind"] == "field" else f"#{c['id']} likely entered twice"
                for c in detail.conflicts]
        parts.append(Text(f"Conflicted: {'; '.join(said)} (facts conflicts, facts resolve)", style="bold red"))
    fields: list[tuple[str, object]] = [("Claim", f["claim"])]
    fields.append(("Subject", f["subject"]))
    if f["qualifier"]:
        quantity = f"{format_quantity(f)} {f['unit'] or ''}".strip()
        if f["as_stated"]:
            quantity += f'   (as stated: "{f["as_stated"]}")'
        fields.append(("Quantity", quantity))
        fields.append(("", f"value {format_number(f['value']) or '–'}, low {format_number(f['low']) or '–'}, "
                                f"high {format_number(f['high']) or '–'}, {f['qualifier']}"))
    fields.append(("Date", f"{format_date(f)}  ({f['date_precision']} precision)"))
    if f["stated_on"]:
        fields.append(("Stated on", format_partial(f["stated_on"])))
    fields.append(("Claimant", f"{f['claimant']} ({f['claimant_kind']})"))
    if f.get("repeats"):
        fields.append(("Repeats", f"fact #{f['repeats']}; the claim comes from fact #{f['origin_fact']} "
                                  f"({f['origin']})"))
    elif f.get("origin") and f["origin"] != f["claimant"]:
        fields.append(("Counts as", f"{f['origin']} (the claimant speaks for it)"))
    if f["about"]:
        fields.append(("About", "; ".join(f["about"])))
    published = f", {format_partial(f['source_published'])}" if f["source_published"] else ""
    fields.append(("Source", f"{f['source']}: {f['source_title']} ({f['source_publisher'] or 'publisher unknown'}"
                                  f"{published})"))
    if f["source_reliability"]:
        fields.append(("Reliability", f"{f['source_reliability']} ({RELIABILITY_MEANINGS[f['source_reliability']]})"))
    fields.append(("Confidence", format_confidence(f["confidence"])))
    if f["credibility"]:
        fields.append(("Credibility", f"{f['credibility']} ({CREDIBILITY_MEANINGS[f['credibility']]})"))
    if f["status"] != "active" or f["status_reason"]:
        reason = f["status_reason"] or ""
        if f["superseded_by"]:
            reason += f" (superseded by fact #{f['superseded_by']})"
        fields.append(("Status", f"{f['status']}: {reason}"))
    if f["tags"]:
        fields.append(("Tags", "; ".join(f["tags"])))
    parts.append(_fields(fields))
    if f["quote"]:
        parts.append(Text(""))
        if f.get("anchored_by") == "orphan":
            parts.append(Text("Quote (an orphan: not in the source's current version; kept as it was):",
                              style="bold yellow"))
            parts.append(Text(printable(f["quote"])))
        elif f["quote_start"] is not None and detail.source_text:
            page = f"page {f['quote_page']}, " if f.get("quote_page") else ""
            parts.append(Text(f"Quote ({page}characters {f['quote_start']}–{f['quote_end']} of the source):",
                              style="bold"))
            parts.append(quote_in_context(detail.source_text, f["quote_start"], f["quote_end"]))
        else:
            parts.append(Text("Quote:", style="bold"))
            parts.append(Text(printable(f["quote"])))
    parts.append(Text(""))
    parts.append(Text(f"Annotations ({len(detail.annotations)})", style="bold"))
    retracted = {a["retracts"] for a in detail.annotations if a["kind"] == "retraction"}
    for a in detail.annotations:
        line = Text(f"  #{a['id']} {format_timestamp(a['created_at'])}  {printable_line(a['author'])}  "
                    f"{describe_annotation(a)}")
        if a["id"] in retracted:
            line.stylize("strike dim")
            line.append(" (retracted)", style="dim")
        parts.append(line)
    parts.append(Text(f"History ({len(detail.history)})", style="bold"))
    for h in detail.history:
        who = printable_line(h["changed_by"] or "someone")
        parts.append(Text(f"  {format_timestamp(h['changed_at'])}  {who}  {describe_change(h)}"))
    if detail.links:
        parts.append(Text(f"Links ({len(detail.links)})", style="bold"))
    for link in detail.links:
        who = printable_line(link["changed_by"] or "someone")
        before = f"fact #{link['old']['repeats']}" if link["old"] else "none"
        after = f"fact #{link['new']['repeats']}" if link["new"] else "none"
        parts.append(Text(f"  {format_timestamp(link['changed_at'])}  {who}  repeats {before} → {after}"))
    parts.append(_fields([("Entered", f"{format_timestamp(f['created_at'])} by {f['created_by'] or 'unknown'}")]))
    return Group(*parts)


def describe_annotation(a: dict) -> str:
    kind = a["kind"]
    if kind == "retraction":
        return printable_line(f"retracted annotation #{a['retracts']}" + (f": {a['body']}" if a["body"] else ""))
    if kind in ("note", "flag"):
        return printable_line(f"{kind}: {a['body']}")
    if kind in ("tag", "untag"):
        return printable_line(f"{kind} {a['tag']}")
    if kind == "rate":
        return printable_line(f"re-rated {format_confidence(a['confidence'])}: {a['body']}")
    text = f"status {a['status']}"
    if a["superseded_by"]:
        text += f" (by fact #{a['superseded_by']})"
    return printable_line(f"{text}: {a['body']}" if a["body"] else text)


# How a changed column is named in a history line.
_CHANGED = {"actor_id": "claimant", "source_id": "source", "date_start": "date from", "date_end": "date to",
            "superseded_by": "superseded by", "status_reason": "reason", "as_stated": "as stated"}


def describe_change(h: dict) -> str:
    """A history row in words: 'confidence 0.50 roughly even chance → 0.68 likely; claimant NATO → …'."""
    if h["action"] == "delete":
        return "deleted"
    if h.get("kept"):
        return "kept " + "; ".join(f"{_CHANGED.get(name, name)} {_value(h, name, h['new'].get(name))}"
                                   for name in h["new"] if h["new"].get(name) is not None) + " (a conflict settled)"
    return "; ".join(f"{_CHANGED.get(name, name)} {_value(h, name, h['old'].get(name))} → "
                     f"{_value(h, name, h['new'].get(name))}" for name in h["new"])


def describe_revert(h: dict) -> str:
    """What reverting a history row puts back: 'confidence 0.68 likely → 0.50 roughly even chance'."""
    if h["action"] == "delete":
        return "a deleted fact cannot be put back here"
    return "; ".join(f"{_CHANGED.get(name, name)} {_value(h, name, h['new'].get(name))} → "
                     f"{_value(h, name, h['old'].get(name))}" for name in h["new"])


def _value(h: dict, column: str, v: object) -> str:
    if v is None:
        return "∅"
    if column == "confidence" and isinstance(v, (int, float)):
        return format_confidence(float(v))
    if column in ("actor_id", "source_id") and isinstance(v, int):
        return printable_line(h.get("names", {}).get(column, {}).get(v, f"#{v}"))
    if column == "about" and isinstance(v, list):
        names = h.get("names", {}).get("actor_id", {})
        return printable_line(", ".join(names.get(a, f"#{a}") for a in v) or "no one")
    if column == "superseded_by":
        return f"fact #{v}"
    if isinstance(v, float):
        return format_number(v) if v.is_integer() else f"{v:g}"
    return printable_line(v)


def render_comparison(comparison: Comparison) -> Group:
    """A comparison for reading: per period, each independent origin with what reports it, and the estimate
    with its rule (`facts compare`)."""
    c = comparison
    parts: list = [Text(printable_line(f"{c.subject} — {c.unit or 'no unit'}"), style="bold")]
    parts += comparison_notes(c)
    if not c.periods:
        parts.append(Text("No claims with a figure to compare."))
    for period in c.periods:
        parts.append(Text(""))
        heading = Text(format_period(period.start, period.end), style="bold")
        heading.append(f"  {plural(len(period.origins), 'independent origin')} from "
                       f"{plural(len(period.claims), 'claim')}", style="")
        parts.append(heading)
        grid = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
        for name, justify in (("origin", "left"), ("figure", "right"), ("reports", "right"), ("rel.", "left"),
                              ("earliest", "left"), ("facts", "left"), ("counts as", "left")):
            grid.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
        gives = dict(period.estimate.contributions)
        for o in period.origins:
            who = Text(printable_line(o.origin))
            if voices := origin_voices(o):
                who.append(f" ({voices})", style="dim")
            figure = format_origin_figure(o)
            facts = " ".join(f"#{f}" for f in o.facts)
            if o.differing:
                facts += f" (other figures: {' '.join(f'#{f}' for f in o.differing)})"
            grid.add_row(who, figure, plural(o.reports, "source"), o.reliability or "",
                         format_partial(o.earliest) if o.earliest else "", facts, Text(printable_line(gives[o.origin])))
        parts.append(grid)
        parts.append(Text(f"Estimate: {estimate_text(period.estimate) or 'none'}", style="bold"))
        parts.append(Text(printable_line(f"Rule: {period.estimate.rule}."), style="dim"))
    return Group(*parts)


def comparison_notes(c: Comparison) -> list[Text]:
    """What a comparison leaves out or merges, said before it: periods, merged units, other units, claims
    with no figure."""
    notes = []
    if len(c.periods) > 1:
        notes.append(f"{plural(len(c.periods), 'period')}: claims are compared only within one (dates that "
                     "overlap, of a like span); nothing here is compared across periods.")
    if c.merged_units:
        notes.append(f"Read as {c.unit}: {', '.join(c.merged_units)}.")
    if c.other_units:
        others = ", ".join(f"{u or 'no unit'} ({n})" for u, n in c.other_units.items())
        notes.append(f"Claims in other units, compared apart (--unit): {others}.")
    if c.unnumbered:
        notes.append(f"{plural(len(c.unnumbered), 'claim')} with no figure: "
                     f"{' '.join(f'#{x.id}' for x in c.unnumbered)}.")
    return [Text(printable_line(n), style="dim") for n in notes]


def origin_voices(o: Origin) -> str:
    """Who voiced an origin besides itself ('Jens Stoltenberg' for NATO), printable; '' when nobody."""
    return printable_line(", ".join(n for n in o.claimants if n != o.origin))


def format_origin_figure(o: Origin) -> str:
    """'≈10,000', '≤30,000 (a bound)'."""
    figure = quantity_text(o)
    return figure + " (a bound)" if o.central is None else figure


def render_conflicts(conflicts: list, value_text) -> Group:
    """Each conflict with its sides for reading (`facts conflicts`): '#1 fact #2: confidence changed apart', then
    one line a side with its number, value, author and time."""
    from .conflicts import KIND_NAMES
    parts: list = []
    for c in conflicts:
        what = f"{c.field} {KIND_NAMES[c.kind]}" if c.kind == "field" else KIND_NAMES[c.kind]
        parts.append(Text(printable_line(f"#{c.id} {c.about}: {what}"), style="bold"))
        table = Table(box=None, show_header=False, padding=(0, 1), pad_edge=False)
        for number, side in enumerate(c.sides, 1):
            when = side.at.replace("T", " ")[:16] if side.at else ""
            table.add_row(f"  {number}", printable_line(value_text(c, side)), printable_line(side.by or ""), when)
        parts.append(table)
    return Group(*parts)
