"""Judging competing claims on one subject: periods, independent origins and a combined estimate.

A claim's origin is the fact it repeats, followed to the end, else itself; the origin's actor is that
fact's claimant, or the organisation the claimant speaks for at the time. Claims are compared only
within a period: claims whose dates overlap and are of a like span. Within a period each origin counts
once, however many sources relay it; the estimate combines the origins by a rule stated beside it.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlite_utils

from .display import format_number, plural
from .errors import FactsError
from .vocab import RELIABILITY_WEIGHTS

# Two claims share a period when their dates overlap and neither holds for more than this many times
# as long as the other: a day and a month, a month and a year, but not a day and a year, nor a month
# and three decades.
SPAN_RATIO = 31
ONE_SIDED = ("at_least", "at_most")


class Figure:
    """How a claim's or an origin's figure reads: its lowest and highest readings and its central value."""

    __slots__ = ()  # a claim holds no dict of its own: a subject can have tens of thousands

    value: float | None
    low: float | None
    high: float | None
    qualifier: str

    @property
    def lower(self) -> float | None:
        """Its lowest reading: its low bound, else its value (an upper bound alone gives none)."""
        if self.qualifier == "at_most":
            return None
        return self.low if self.low is not None else self.value

    @property
    def upper(self) -> float | None:
        if self.qualifier == "at_least":
            return None
        return self.high if self.high is not None else self.value

    @property
    def central(self) -> float | None:
        """Its central value: none for a one-sided bound ('as many as 30,000' is a bound, not a value)."""
        if self.qualifier in ONE_SIDED:
            return None
        if self.value is not None:
            return self.value
        return (self.low + self.high) / 2 if self.low is not None and self.high is not None else None


@dataclass(slots=True)
class Claim(Figure):
    """One fact as compare reads it."""

    id: int
    claimant: str
    origin: str  # the origin actor's name
    origin_fact: int  # the fact it repeats, followed to the end; its own id when it repeats none
    source: str
    reliability: str | None
    confidence: float
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    unit: str | None
    date_start: str
    date_end: str
    date_precision: str
    stated: str | None  # when it was said: stated_on, else the source's publication date
    status: str


@dataclass
class Origin(Figure):
    """One independent claim in a period, with every fact that reports it."""

    origin: str  # the origin actor's name
    facts: list[int]
    claimants: list[str]  # who voiced it (NATO, Jens Stoltenberg)
    reports: int  # how many sources report it
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    earliest: str | None  # its earliest statement
    reliability: str | None  # the best of its sources' (A best ... F cannot be judged)
    confidence: float
    weight: float  # confidence times the reliability's weight
    differing: list[int] = field(default_factory=list)  # its facts whose figures differ from its own


@dataclass
class Estimate:
    low: float | None
    best: float | None
    high: float | None
    rule: str  # how it was made, in words
    contributions: list[tuple[str, str]]  # (origin, what it gave: 'value, low, high', 'upper bound' ...)


@dataclass
class Period:
    start: str
    end: str
    claims: list[Claim]
    origins: list[Origin]
    estimate: Estimate


@dataclass
class Comparison:
    subject: str
    unit: str | None  # the canonical unit compared
    merged_units: list[str]  # the units read as this one (soldiers, military personnel ...)
    periods: list[Period]
    unnumbered: list[Claim]  # claims on the subject with no figure, listed apart
    other_units: dict[str, int]  # canonical unit ('' for none) -> claims, compared apart
    weighted: bool = False

    def as_json(self) -> dict:
        return {
            "subject": self.subject, "unit": self.unit, "merged_units": self.merged_units,
            "periods": [{
                "start": p.start, "end": p.end,
                "origins": [{"origin": o.origin, "facts": o.facts, "claimants": o.claimants, "reports": o.reports,
                             "value": o.value, "low": o.low, "high": o.high, "qualifier": o.qualifier,
                             "earliest": o.earliest, "reliability": o.reliability, "confidence": o.confidence,
                             "weight": round(o.weight, 4), "differing_facts": o.differing} for o in p.origins],
                "estimate": {"low": p.estimate.low, "best": p.estimate.best, "high": p.estimate.high,
                             "rule": p.estimate.rule,
                             "contributions": [{"origin": n, "gives": g} for n, g in p.estimate.contributions]},
            } for p in self.periods],
            "unnumbered": [c.id for c in self.unnumbered],
            "other_units": self.other_units,
        }


def canonical_units(db: sqlite_utils.Database) -> dict[str, str]:
    """unit (lower case) -> the canonical unit the analyst declared it the same as."""
    return {u.lower(): c for u, c in db.execute("SELECT unit, canonical FROM unit_synonyms")}


def compare(db: sqlite_utils.Database, subject: str, unit: str | None = None, weighted: bool = False) -> Comparison:
    """The claims on one subject in one canonical unit (the given one, else the one most claims use), by
    period and origin, with a combined estimate per period."""
    subject, claims, actors = _subject_claims(db, subject)
    _set_origins(db, claims, actors)
    synonyms = canonical_units(db)

    def canonical(u: str | None) -> str:
        return synonyms.get(u.lower(), u).lower() if u else ""
    numbered = [c for c in claims if c.qualifier]
    counts: dict[str, int] = defaultdict(int)
    for c in numbered:
        counts[canonical(c.unit)] += 1
    wanted = canonical(unit) if unit is not None else (max(counts, key=lambda u: (counts[u], u != "")) if counts
                                                       else "")
    if unit is not None and wanted not in counts:
        known = ", ".join(sorted(u or "(no unit)" for u in counts)) or "none"
        raise FactsError(f"no claims on '{subject}' in {unit} (units: {known})")
    chosen = [c for c in numbered if canonical(c.unit) == wanted and c.status not in ("retracted", "superseded")]
    spelled = sorted({c.unit for c in chosen if c.unit and c.unit.lower() != wanted})
    periods = [_period(group, weighted) for group in _periods(chosen)]
    shown = next((c.unit for c in chosen if c.unit and c.unit.lower() == wanted), wanted or None)
    return Comparison(subject, shown, spelled, periods, [c for c in claims if not c.qualifier],
                      {u: n for u, n in sorted(counts.items()) if u != wanted}, weighted)


_CLAIMS = """SELECT f.id, f.actor_id, a.name AS claimant, s.key AS source, s.reliability, f.confidence, f.value,
                    f.low, f.high, f.qualifier, f.unit, f.date_start, f.date_end, f.date_precision,
                    coalesce(f.stated_on, s.published) AS stated, f.status
             FROM facts f JOIN actors a ON a.id = f.actor_id JOIN sources s ON s.id = f.source_id
             WHERE f.subject = ? ORDER BY f.date_start, f.date_end, f.id"""


def _subject_claims(db: sqlite_utils.Database, subject: str) -> tuple[str, list[Claim], list[int]]:
    """The subject as stored (the one given, else the same in another case), its claims, each its own origin
    under its claimant's name until _set_origins says otherwise, and their claimants' actor ids.

    Rows become claims as they are read, and the texts that repeat across claims (names, units, dates,
    statuses; SQLite gives every row its own copy) are held once: a subject can have tens of thousands."""
    def read(stored: str) -> tuple[list[Claim], list[int]]:
        shared: dict[str, str] = {}

        def one(text):
            return text if text is None else shared.setdefault(text, text)
        claims, actors = [], []
        for (fact_id, actor_id, claimant, source, reliability, confidence, value, low, high, qualifier, unit_,
             date_start, date_end, precision, stated, status) in db.conn.execute(_CLAIMS, [stored]):
            actors.append(actor_id)
            claimant = one(claimant)
            claims.append(Claim(
                id=fact_id, claimant=claimant, origin=claimant, origin_fact=fact_id, source=one(source),
                reliability=one(reliability), confidence=confidence, value=value, low=low, high=high,
                qualifier=one(qualifier), unit=one(unit_), date_start=one(date_start), date_end=one(date_end),
                date_precision=one(precision), stated=one(stated), status=one(status)))
        return claims, actors
    claims, actors = read(subject)
    if not claims:  # the subject as typed in another case
        found = db.execute("SELECT subject FROM facts WHERE subject = ? COLLATE NOCASE LIMIT 1", [subject]).fetchone()
        if found:
            subject = found[0]
            claims, actors = read(subject)
    if not claims:
        from rapidfuzz import process
        subjects = [r[0] for r in db.execute("SELECT DISTINCT subject FROM facts LIMIT 100000")]
        near = process.extract(subject, subjects, limit=3, score_cutoff=60)
        hint = f" (did you mean {' or '.join(repr(n) for n, _, _ in near)}?)" if near else ""
        raise FactsError(f"no claims on '{subject}'{hint}")
    return subject, claims, actors


def _set_origins(db: sqlite_utils.Database, claims: list[Claim], actors: list[int]) -> None:
    """Each claim's origin fact and the name of the actor the origin counts as. A fact that repeats none, by a
    claimant who speaks for no one, is its own origin under its claimant's name (what fact_origins says of
    it, without walking a chain); the others are read from fact_origins, 900 ids at a time."""
    repeating = {r[0] for r in _rows_among(db, "SELECT fact_id FROM fact_repeats WHERE fact_id IN",
                                           [c.id for c in claims])}
    speakers = {a for (a,) in db.execute("SELECT DISTINCT actor_id FROM speaks_for")}
    others = {c.id: c for c, actor in zip(claims, actors, strict=True) if c.id in repeating or actor in speakers}
    for fact_id, origin_fact, origin in _rows_among(
            db, "SELECT fact_id, origin_fact, origin FROM fact_origins WHERE fact_id IN", list(others)):
        others[fact_id].origin_fact, others[fact_id].origin = origin_fact, origin


def _rows_among(db: sqlite_utils.Database, sql: str, ids: list[int]) -> Iterator[tuple]:
    """The rows of a query that ends '... WHERE x IN', for the given ids, asked 900 at a time."""
    for i in range(0, len(ids), 900):
        batch = ids[i:i + 900]
        yield from db.execute(f"{sql} ({', '.join('?' * len(batch))})", batch)


def _periods(claims: list[Claim]) -> list[list[Claim]]:
    """Claims grouped by the time they hold for: dates that overlap, of a like span (SPAN_RATIO), joined
    in chains. Claims with the very same dates are one window, so many claims cost little."""
    windows: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for c in claims:
        windows[(c.date_start, c.date_end)].append(c)
    keys = sorted(windows)
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i
    days = [(dt.date.fromisoformat(e) - dt.date.fromisoformat(s)).days + 1 for s, e in keys]
    for i, (start_i, end_i) in enumerate(keys):
        for j in range(i + 1, len(keys)):
            start_j, end_j = keys[j]
            if start_j > end_i:
                break  # sorted by start: no later window overlaps this one
            if start_j <= end_i and start_i <= end_j and max(days[i], days[j]) <= SPAN_RATIO * min(days[i], days[j]):
                parent[root(j)] = root(i)
    groups: dict[int, list[Claim]] = defaultdict(list)
    for i, key in enumerate(keys):
        groups[root(i)] += windows[key]
    return sorted(groups.values(), key=lambda g: (min(c.date_start for c in g), max(c.date_end for c in g)))


_RELIABILITY_ORDER = {r: i for i, r in enumerate("ABCDE")}  # F and unrated rank after E


def _best_reliability(values: list[str | None]) -> str | None:
    rated = [v for v in values if v is not None]
    return min(rated, key=lambda r: _RELIABILITY_ORDER.get(r, 9)) if rated else None


def _period(claims: list[Claim], weighted: bool) -> Period:
    by_origin: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        by_origin[c.origin].append(c)
    origins = [_origin(name, group) for name, group in by_origin.items()]
    origins.sort(key=lambda o: (-(o.upper if o.upper is not None else o.lower or 0), o.origin))
    return Period(min(c.date_start for c in claims), max(c.date_end for c in claims),
                  sorted(claims, key=lambda c: (c.date_start, c.id)), origins, _estimate(origins, weighted))


def _origin(name: str, claims: list[Claim]) -> Origin:
    # The claim that speaks for the origin: the original itself if it is here, else the best-sourced, earliest.
    def rank(c: Claim) -> tuple:
        return (c.id != c.origin_fact, _RELIABILITY_ORDER.get(c.reliability or "F", 9), c.stated or "9999", c.id)
    lead = min(claims, key=rank)
    stated = [c.stated for c in claims if c.stated]
    reliability = _best_reliability([c.reliability for c in claims])
    return Origin(
        origin=name, facts=sorted(c.id for c in claims), claimants=sorted({c.claimant for c in claims}),
        reports=len({c.source for c in claims}), value=lead.value, low=lead.low, high=lead.high,
        qualifier=lead.qualifier, earliest=min(stated) if stated else None, reliability=reliability,
        confidence=lead.confidence, weight=lead.confidence * RELIABILITY_WEIGHTS[reliability],
        differing=sorted(c.id for c in claims if (c.lower, c.upper) != (lead.lower, lead.upper)))


def _estimate(origins: list[Origin], weighted: bool) -> Estimate:
    lows = [(o.lower, o) for o in origins if o.lower is not None]
    highs = [(o.upper, o) for o in origins if o.upper is not None]
    centrals = [(o.central, o.weight) for o in origins if o.central is not None]
    low = min(lows, key=lambda x: x[0]) if lows else None
    high = max(highs, key=lambda x: x[0]) if highs else None
    best: float | None = None
    if centrals:
        best = _weighted_median(centrals) if weighted else statistics.median(v for v, _ in centrals)
    bounds = [o for o in origins if o.central is None]
    rule = (f"low: the lowest lower bound of {plural(len(lows), 'origin')}; "
            f"high: the highest upper bound of {plural(len(highs), 'origin')}; best: ")
    values = f"{len(centrals)} origin's value" if len(centrals) == 1 else f"{len(centrals)} origins' values"
    if weighted:
        rule += (f"the median of {values} weighted by confidence × source reliability "
                 "(A 1.0, B 0.8, C 0.6, D 0.4, E 0.2, F or unrated 0.5)")
    else:
        rule += f"the median of {values}"
    if bounds:
        rule += f"; {plural(len(bounds), 'one-sided claim')} counted as a bound, not a value"
    if len(origins) == 1:
        rule = "one origin: its own figure and bounds"
    if low is not None and high is not None and low[0] > high[0]:
        rule += "; the bounds contradict each other (the low is above the high)"
    contributions = []
    for o in origins:
        gives = [f"value {format_number(o.central)}"] if o.central is not None else []
        if o.qualifier == "at_most":
            gives.append(f"upper bound {format_number(o.upper)} only")
        elif o.qualifier == "at_least":
            gives.append(f"lower bound {format_number(o.lower)} only")
        if low is not None and low[1] is o:
            gives.append("sets the low")
        if high is not None and high[1] is o:
            gives.append("sets the high")
        if weighted and o.central is not None:
            gives.append(f"weight {o.weight:.2f}")
        contributions.append((o.origin, ", ".join(gives)))
    return Estimate(low[0] if low else None, best, high[0] if high else None, rule, contributions)


def _weighted_median(values: list[tuple[float, float]]) -> float:
    """The value where half the weight lies on either side (between two values: their midpoint)."""
    ordered = sorted(values)
    total = sum(w for _, w in ordered)
    if total <= 0:
        return statistics.median(v for v, _ in ordered)
    running = 0.0
    for i, (value, weight) in enumerate(ordered):
        running += weight
        if running > total / 2:
            return value
        if running == total / 2 and i + 1 < len(ordered):
            return (value + ordered[i + 1][0]) / 2
    return ordered[-1][0]
