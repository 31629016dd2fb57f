"""Charts of a comparison (facts.comparison): a range plot of each period's origins and a timeline of
when each claim holds, as rich Text for a terminal and as one standalone SVG for the web site.

Each period has its own value axis (periods can be decades apart and in other magnitudes) and its
own segment of a broken time axis, so a claim that holds for thirty years does not squeeze a month's
claims to a point. Text from the data reaches a terminal through printable_line and is only ever
appended to Text (never read as markup); in SVG it is stripped of control characters and escaped.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias
from xml.sax.saxutils import escape

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from .display import format_number, format_period, format_span, plural, printable_line

if TYPE_CHECKING:
    from .comparison import Claim, Comparison, Estimate, Origin, Period

# How each qualifier reads in the qualifier column.
QUALIFIER_MARKS = {"exact": "exact", "approx": "≈", "at_most": "≤", "at_least": "≥", "range": "range"}
_SYMBOLS = {"approx": "≈", "at_most": "≤", "at_least": "≥"}

# The glyphs of the range plot (the legend under it names them).
DOT, LEFT_END, RIGHT_END, LINE, OPEN, MORE, LESS = "●", "├", "┤", "─", "┄", "▶", "◀"
BAND, EST_BAND, BEST = "░", "▒", "◆"
BREAK = "┆"

_STYLES = {
    "heading": "bold", "title": "bold", "name": "", "qualifier": "dim", "number": "",
    "bar": "cyan", "dot": "bold cyan", "bound": "bold yellow", "open": "yellow",
    "band": "bright_black", "estimate": "magenta", "best": "bold magenta", "axis": "dim", "tick": "dim",
    "note": "dim italic", "line": "cyan", "label": "",
}


# -- shared reading of a comparison -----------------------------------------------------------------


def period_name(period: Period) -> str:
    """The period's dates in words: '1992–2021', 'Sep 2020', '10–20 Feb 2022'."""
    return format_period(period.start, period.end)


def quantity_text(origin: Origin) -> str:
    """An origin's figure in short: '≈10,000', '≤30,000', '30,000', '40–50'."""
    if origin.qualifier == "range" and origin.low is not None and origin.high is not None:
        return f"{format_number(origin.low)}–{format_number(origin.high)}"
    value = origin.value
    if value is None:
        value = origin.upper if origin.qualifier == "at_most" else origin.lower
    return _SYMBOLS.get(origin.qualifier, "") + format_number(value)


def estimate_text(estimate: Estimate) -> str:
    """'20,000 (10,000–30,000)', '10,000–30,000', '≥5,000', or '' when nothing was estimated."""
    low, best, high = estimate.low, estimate.best, estimate.high
    if low is not None and high is not None:
        spread = format_number(low) if low == high else f"{format_number(low)}–{format_number(high)}"
    elif low is not None:
        spread = f"≥{format_number(low)}"
    elif high is not None:
        spread = f"≤{format_number(high)}"
    else:
        spread = ""
    if best is None:
        return spread
    return f"{format_number(best)} ({spread})" if spread and spread != format_number(best) else format_number(best)


def _period_summary(period: Period) -> str:
    origins = plural(len(period.origins), "origin")
    claims = plural(len(period.claims), "claim")
    text = f"{period_name(period)} · {origins} from {claims}" if period.claims else f"{period_name(period)} · {origins}"
    estimate = estimate_text(period.estimate)
    return f"{text} · estimate {estimate}" if estimate else text


ClaimIndex: TypeAlias = "tuple[dict[int, int], dict[str, list[Claim]]]"  # a claim's place; the claims of each origin


def _claim_index(period: Period) -> ClaimIndex:
    """Each claim's place in a period, and its claims by origin: made once a period, not once an origin (a
    subject with 17,000 claims has hundreds of origins)."""
    by_name: dict[str, list[Claim]] = {}
    for c in period.claims:
        by_name.setdefault(c.origin, []).append(c)
    return {c.id: k for k, c in enumerate(period.claims)}, by_name


def _origin_claims(period: Period, origin: Origin, index: ClaimIndex) -> list[Claim]:
    """The period's claims of an origin (its facts, else those counted as it), in the period's order."""
    places, by_name = index
    found = sorted(places[i] for i in origin.facts if i in places)
    return [period.claims[k] for k in found] or by_name.get(origin.origin, [])


def _no_periods(comparison: Comparison) -> str:
    unit = f" in {comparison.unit}" if comparison.unit else ""
    return f"No claims with a number to compare on {comparison.subject}{unit}."


def _title(comparison: Comparison) -> str:
    unit = f" · {comparison.unit}" if comparison.unit else ""
    merged = f" (also read as {', '.join(comparison.merged_units)})" if comparison.merged_units else ""
    return f"{comparison.subject}{unit}{merged}"


# -- the value axis of one period -------------------------------------------------------------------


def nice_ticks(lo: float, hi: float, most: int = 5) -> list[float]:
    """Round tick values that cover lo..hi, at most `most` of them (1, 2, 2.5 or 5 times a power of ten)."""
    if hi < lo:
        lo, hi = hi, lo
    if lo == hi:
        lo, hi = (0.0, hi) if hi > 0 else (lo, 0.0) if lo < 0 else (0.0, 1.0)
    k0 = math.floor(math.log10(hi - lo)) - 2
    for k in range(k0, k0 + 6):
        for m in (1.0, 2.0, 2.5, 5.0):
            step = m * 10.0 ** k
            first = math.floor(lo / step + 1e-9) * step
            last = math.ceil(hi / step - 1e-9) * step
            n = round((last - first) / step) + 1
            if n <= most:
                digits = max(0, -k + (1 if m == 2.5 else 0))
                return [round(first + i * step, digits) + 0.0 for i in range(n)]
    return [lo, hi]


def _period_values(period: Period) -> list[float]:
    values: list[float] = []
    for o in period.origins:
        values += [v for v in (o.lower, o.upper, o.central, o.value) if v is not None]
    e = period.estimate
    values += [v for v in (e.low, e.best, e.high) if v is not None]
    return values


def _value_domain(period: Period) -> tuple[float, float]:
    """The values to cover: every bound and value, from zero when the values are counts well above it, and room
    beyond a one-sided bound at the edge, so its open side shows."""
    values = _period_values(period) or [0.0]
    lo, hi = min(values), max(values)
    if lo >= 0 and lo <= hi / 2:
        lo = 0.0
    room = (hi - lo) * 0.15 or abs(hi) * 0.15 or 1.0
    if any(o.qualifier == "at_least" and o.lower is not None and o.lower >= hi for o in period.origins):
        hi += room
    if lo != 0 and any(o.qualifier == "at_most" and o.upper is not None and o.upper <= lo for o in period.origins):
        lo -= room
    return lo, hi


def _place_labels(positions: Sequence[int], labels: Sequence[str], width: int, gap: int = 2,
                  size_of: Callable[[str], int] = cell_len) -> list[int] | None:
    """Where each label starts, centred on its position and kept inside the width; None if two would come closer
    than `gap` (columns, or pixels with a `size_of` in pixels)."""
    starts: list[int] = []
    end = -gap
    for pos, label in zip(positions, labels):
        size = size_of(label)
        start = min(max(pos - size // 2, 0), width - size)
        if start < 0 or start < end + gap:
            return None
        starts.append(start)
        end = start + size
    return starts


@dataclass
class _Axis:
    """A linear axis of values over `cols` columns (or pixels)."""

    ticks: list[float]
    cols: int

    @property
    def lo(self) -> float:
        return self.ticks[0]

    @property
    def hi(self) -> float:
        return self.ticks[-1]

    def at(self, value: float) -> float:
        """The position of a value, 0 .. cols - 1."""
        if self.hi == self.lo:
            return 0.0
        return min(max((value - self.lo) / (self.hi - self.lo), 0.0), 1.0) * (self.cols - 1)

    def col(self, value: float) -> int:
        return round(self.at(value))


def _value_axis(period: Period, cols: int) -> tuple[_Axis, list[int | None]]:
    """The axis of one period over `cols` columns with 3-5 round ticks, and where each tick's label starts: every
    label when they fit apart, else every other one (the last kept), else the ends, else the last (None: unlabelled).
    The ticks stay as fine as they are, so the values keep the width."""
    axis = _Axis(nice_ticks(*_value_domain(period), 5), cols)
    labels = [format_number(t) for t in axis.ticks]
    last = len(axis.ticks) - 1
    for keep in (list(range(last + 1)), list(range(last % 2, last + 1, 2)), [0, last], [last]):
        placed = _place_labels([axis.col(axis.ticks[i]) for i in keep], [labels[i] for i in keep], cols)
        if placed is not None:
            break
    starts: list[int | None] = [None] * len(axis.ticks)
    for i, start in zip(keep, placed or []):
        starts[i] = start
    return axis, starts


# -- the range plot ---------------------------------------------------------------------------------


class _Canvas:
    """One row of the plot: a character and a style per column."""

    def __init__(self, width: int) -> None:
        self.cells: list[tuple[str, str]] = [(" ", "")] * width

    def put(self, col: int, char: str, style: str) -> None:
        if 0 <= col < len(self.cells):
            self.cells[col] = (char, style)

    def fill(self, start: int, end: int, char: str, style: str) -> None:
        for col in range(max(start, 0), min(end, len(self.cells) - 1) + 1):
            self.cells[col] = (char, style)

    def text(self) -> Text:
        out = Text()
        run, style = "", None
        for char, st in self.cells:
            if st != style and run:
                out.append(run, _STYLES.get(style or "", ""))
                run = ""
            run, style = run + char, st
        if run:
            out.append(run, _STYLES.get(style or "", ""))
        return out


def _draw_origin(canvas: _Canvas, axis: _Axis, origin: Origin) -> None:
    """An origin's bar: low to high with a dot at its value; a one-sided bound drawn open on its unknown side."""
    last = axis.cols - 1
    if origin.qualifier == "at_most" and origin.upper is not None:
        bound = axis.col(origin.upper)
        canvas.fill(0, bound - 1, OPEN, "open")
        if axis.lo != 0:  # the axis does not start at zero: the bound's open side runs on past it
            canvas.put(0, LESS, "open")
        canvas.put(bound, RIGHT_END, "bound")
        return
    if origin.qualifier == "at_least" and origin.lower is not None:
        bound = axis.col(origin.lower)
        canvas.fill(bound + 1, last, OPEN, "open")
        canvas.put(last, MORE, "open")
        canvas.put(bound, LEFT_END, "bound")
        return
    low, high = origin.low, origin.high
    if low is not None or high is not None:
        a = axis.col(low if low is not None else (origin.value if origin.value is not None else high or 0.0))
        b = axis.col(high if high is not None else (origin.value if origin.value is not None else low or 0.0))
        canvas.fill(a, b, LINE, "bar")
        if low is not None:
            canvas.put(a, LEFT_END, "bar")
        if high is not None:
            canvas.put(b, RIGHT_END, "bar")
    if origin.value is not None:
        canvas.put(axis.col(origin.value), DOT, "dot")


def _band_cols(axis: _Axis, estimate: Estimate) -> tuple[int, int] | None:
    if estimate.low is None and estimate.high is None:
        return None
    low = axis.col(estimate.low) if estimate.low is not None else 0
    high = axis.col(estimate.high) if estimate.high is not None else axis.cols - 1
    return min(low, high), max(low, high)


def _fit(text: str, width: int) -> str:
    """Text cut to `width` cells with an ellipsis, then padded to exactly `width`."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        text = set_cell_size(text, width - 1).rstrip() + "…"
    return set_cell_size(text, width)


def _right(text: str, width: int) -> str:
    """Text right-aligned in `width` cells (cut with an ellipsis when longer)."""
    return _fit(text, width) if cell_len(text) >= width else " " * (width - cell_len(text)) + text


def _origin_name(origin: Origin, width: int) -> str:
    """The origin's name with how many sources report it, shortened to fit: 'NATO (3 reports)', 'NATO (3)'."""
    name = printable_line(origin.origin)
    if origin.reports <= 1:
        return _fit(name, width)
    for suffix in (f" ({origin.reports} reports)", f" ({origin.reports})"):
        if cell_len(name) + len(suffix) <= width:
            return _fit(name + suffix, width)
    suffix = f" ({origin.reports})"
    return _fit(_fit(name, max(width - len(suffix), 1)).rstrip() + suffix, width)


def _axis_lines(axis: _Axis, starts: list[int | None], indent: int) -> list[Text]:
    line = _Canvas(axis.cols)
    line.fill(0, axis.cols - 1, "─", "axis")
    for t in axis.ticks:
        line.put(axis.col(t), "┬", "axis")
    labels = Text(" " * indent)
    at = 0
    for t, start in zip(axis.ticks, starts):
        if start is None:
            continue
        labels.append(" " * (start - at))
        label = format_number(t)
        labels.append(label, _STYLES["tick"])
        at = start + cell_len(label)
    return [Text(" " * indent) + line.text(), labels]


def range_plot(comparison: Comparison, width: int = 80) -> Text:
    """Each period: a heading with its dates, one row per origin (name, qualifier, figure, bar on the period's own
    linear axis), the combined estimate as a shaded band and a row of its own, and the axis with round ticks."""
    if not comparison.periods:
        return Text(printable_line(_no_periods(comparison)))
    width = max(width, 20)
    names = [o for p in comparison.periods for o in p.origins]
    numbers = [quantity_text(o).lstrip("≈≤≥") for o in names]
    numbers += [format_number(p.estimate.best) for p in comparison.periods if p.estimate.best is not None]
    indent = 2
    qual_w = max([cell_len(QUALIFIER_MARKS.get(o.qualifier, o.qualifier)) for o in names] + [4])
    num_w = min(max([cell_len(n) for n in numbers] + [1]), 15)
    longest = max([cell_len(printable_line(o.origin)) + (len(f" ({o.reports} reports)") if o.reports > 1 else 0)
                   for o in names] + [8])
    name_w = min(longest, max(8, (width - indent) // 4))
    plot_w = width - indent - name_w - 1 - qual_w - 1 - num_w - 1
    if plot_w < 12:  # a narrow terminal: the names give way to the plot first
        name_w = max(4, name_w - (12 - plot_w))
        plot_w = width - indent - name_w - 1 - qual_w - 1 - num_w - 1
    plot_at = indent + name_w + 1 + qual_w + 1 + num_w + 1

    lines: list[Text] = [Text(printable_line(_title(comparison)), _STYLES["title"])]
    for period in comparison.periods:
        heading = _fit(f"── {printable_line(_period_summary(period))}", width - 1).rstrip() + " "
        lines.append(Text(heading + "─" * (width - cell_len(heading)), _STYLES["heading"]))
        axis, starts = _value_axis(period, max(plot_w, 2))
        band = _band_cols(axis, period.estimate)
        for origin in period.origins:
            canvas = _Canvas(axis.cols)
            if band:
                canvas.fill(band[0], band[1], BAND, "band")
            _draw_origin(canvas, axis, origin)
            row = Text(" " * indent)
            row.append(_origin_name(origin, name_w), _STYLES["name"])
            row.append(" ")
            row.append(_fit(QUALIFIER_MARKS.get(origin.qualifier, origin.qualifier), qual_w), _STYLES["qualifier"])
            row.append(" ")
            row.append(_right(quantity_text(origin).lstrip("≈≤≥"), num_w), _STYLES["number"])
            row.append(" ")
            lines.append(row + canvas.text())
        estimate = period.estimate
        canvas = _Canvas(axis.cols)
        if band:
            canvas.fill(band[0], band[1], EST_BAND, "estimate")
        if estimate.best is not None:
            canvas.put(axis.col(estimate.best), BEST, "best")
        row = Text(" " * indent)
        row.append(_fit("estimate", name_w), "italic")
        row.append(" ")
        row.append(_fit("best" if estimate.best is not None else "", qual_w), _STYLES["qualifier"])
        row.append(" ")
        row.append(_right(format_number(estimate.best), num_w), _STYLES["best"])
        row.append(" ")
        lines.append(row + canvas.text())
        lines += _axis_lines(axis, starts, plot_at)
    legend = (f"{DOT} value  {LEFT_END}{LINE}{RIGHT_END} low–high  {OPEN}{RIGHT_END} at most  {LEFT_END}{OPEN}{MORE} "
              f"at least  {BAND} estimate low–high  {BEST} best")
    lines.append(Text(_fit(legend, width).rstrip(), _STYLES["note"]))
    return _joined(lines, width)


def _joined(lines: Iterable[Text], width: int) -> Text:
    out = Text()
    for i, line in enumerate(lines):
        line.rstrip()
        line.truncate(width, overflow="ellipsis")
        if i:
            out.append("\n")
        out.append_text(line)
    return out


# -- the timeline: a broken axis of real dates ----------------------------------------------------------


def _dates(period: Period) -> tuple[dt.date, dt.date]:
    return dt.date.fromisoformat(period.start), dt.date.fromisoformat(period.end)


def _month_name(day: dt.date) -> str:
    return format_span(day, day, "month").split()[0]


def _tick_candidates(start: dt.date, end: dt.date) -> Iterable[list[tuple[dt.date, str]]]:
    """Sets of tick dates with labels, finest first: days, months, years (never fractions of a year)."""
    days = (end - start).days + 1
    for step in (1, 2, 5, 10, 15):
        if days / step > 40:
            continue
        ticks: list[tuple[dt.date, str]] = []
        for year, month in _months(start, end):
            last = calendar.monthrange(year, month)[1]
            for day in range(1, last + 1, step):
                if step > 2 and last - day < step // 2:
                    continue  # not a tick crowding the next month's first
                d = dt.date(year, month, day)
                if start <= d <= end:
                    ticks.append((d, f"{d.day} {_month_name(d)}"))
        yield ticks
    for step in (1, 2, 3, 6):
        if days / 30 / step > 40:
            continue
        ticks = []
        for year, month in _months(start, end):
            d = dt.date(year, month, 1)
            if (month - 1) % step == 0 and start <= d <= end:
                short = ticks and ticks[-1][0].year == year
                ticks.append((d, _month_name(d) if short else format_span(d, d, "month")))
        yield ticks
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if days / 365 / step > 40:
            continue
        yield [(dt.date(y, 1, 1), str(y)) for y in range(start.year, end.year + 1)
               if y % step == 0 and start <= dt.date(y, 1, 1) <= end]


def _months(start: dt.date, end: dt.date) -> Iterable[tuple[int, int]]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


@dataclass
class _TimeAxis:
    """The dates of one period over `cols` columns: day i covers [i, i + 1) × cols / days."""

    start: dt.date
    end: dt.date
    cols: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def at(self, day: dt.date) -> float:
        """The position of the start of a day, 0 .. cols."""
        return min(max((day - self.start).days, 0), self.days) / self.days * self.cols

    def span(self, first: dt.date, last: dt.date) -> tuple[int, int]:
        """The columns a span of days covers, at least one."""
        a = min(int(self.at(first)), self.cols - 1)
        b = max(math.ceil(self.at(last + dt.timedelta(days=1))) - 1, a)
        return a, min(b, self.cols - 1)

    def ticks(self, size_of: Callable[[str], int] = cell_len, gap: int = 2) -> tuple[list[int], list[str], list[int]]:
        """Tick columns, labels and where each label starts: the finest dates whose labels do not touch."""
        fallback: tuple[list[int], list[str], list[int]] | None = None
        for ticks in _tick_candidates(self.start, self.end):
            if not ticks:
                continue
            cols = [min(int(self.at(d)), self.cols - 1) for d, _ in ticks]
            labels = [label for _, label in ticks]
            starts = _place_labels(cols, labels, self.cols, gap, size_of)
            if starts is None:
                continue
            if len(ticks) >= 2:
                return cols, labels, starts
            fallback = fallback or (cols, labels, starts)
        if fallback:
            return fallback
        label = format_span(self.start, self.start, "year")
        return [0], [label], [0]


def _segments(count: int, width: int, least: int, gap: int) -> tuple[int, int]:
    """How many segments go side by side, and each one's width."""
    across = max(1, min(count, (width + gap) // (least + gap)))
    return across, (width - gap * (across - 1)) // across


def _claim_labels(origin: Origin, clean: Callable[[object], str] = printable_line) -> list[str]:
    """'figure name', then 'figure shortened-name…' ever shorter, then 'figure'."""
    figure = quantity_text(origin)
    name = clean(origin.origin)
    options = [f"{figure} {name}"]
    for keep in range(cell_len(name) - 1, 2, -1):
        options.append(f"{figure} {set_cell_size(name, keep).rstrip()}…")
    return options + [figure]


def _timeline_row(axis: _TimeAxis, period: Period, origin: Origin, index: ClaimIndex) -> Text:
    """One origin in one segment: a line over the days each of its claims holds, labelled with its figure."""
    canvas = _Canvas(axis.cols)
    claims = _origin_claims(period, origin, index)
    dates = dict.fromkeys((c.date_start, c.date_end) for c in claims)  # claims of one origin often share dates
    spans = [axis.span(dt.date.fromisoformat(a), dt.date.fromisoformat(b)) for a, b in dates] or \
        [axis.span(axis.start, axis.end)]
    for a, b in spans:
        canvas.fill(a, b, "━" if b > a else "●", "line")
    first, last = min(a for a, _ in spans), max(b for _, b in spans)
    length, right, left = last - first + 1, axis.cols - last - 1, first
    placements = [("inside", length - 4), ("right", right - 1), ("left", left - 1)]
    for label, (where, room) in ((label, p) for label in _claim_labels(origin) for p in placements):
        size = cell_len(label)
        if size > room:
            continue
        if where == "inside":
            at = first + (length - size) // 2
            canvas.put(at - 1, " ", "")
            canvas.put(at + size, " ", "")
        elif where == "right":
            at = last + 2
        else:
            at = first - 1 - size
        return _labelled(canvas, at, label)
    # no room beside the line either: the figure over it, centred, rather than a line without its figure
    label = _fit(quantity_text(origin), axis.cols).rstrip()
    at = min(max(first + (length - cell_len(label)) // 2, 0), axis.cols - cell_len(label))
    return _labelled(canvas, at, label)


def _labelled(canvas: _Canvas, at: int, label: str) -> Text:
    """The row with its label from column `at`."""
    for i, char in enumerate(label):  # one cell a character, but for wide ones (below)
        canvas.put(at + i, char, "label")
    if cell_len(label) == len(label):
        return canvas.text()
    return _wide_row(canvas, at, label)


def _wide_row(canvas: _Canvas, at: int, label: str) -> Text:
    """A row whose label holds wide characters: drawn as text around the label rather than cell by cell."""
    before = _Canvas(0)
    before.cells = canvas.cells[:at]
    after = _Canvas(0)
    after.cells = canvas.cells[at + cell_len(label):]
    return before.text() + Text(label, _STYLES["label"]) + after.text()


def timeline(comparison: Comparison, width: int = 80) -> Text:
    """When each claim holds, on a broken axis of real dates: each period its own segment of the width (its own
    scale and date labels, the segments separated by ┆), each origin a line over its claims' dates with its
    figure."""
    if not comparison.periods:
        return Text(printable_line(_no_periods(comparison)))
    width = max(width, 20)
    periods = sorted(comparison.periods, key=lambda p: (p.start, p.end))
    sep = f" {BREAK} "
    across, seg_w = _segments(len(periods), width, 22, len(sep))
    lines: list[Text] = [Text(printable_line(_title(comparison)) + " · when each claim holds", _STYLES["title"])]
    if len(periods) > 1:
        lines.append(Text(f"each period on its own scale; {BREAK} breaks the time axis", _STYLES["note"]))
    for first in range(0, len(periods), across):
        band = periods[first:first + across]
        axes = [_TimeAxis(*_dates(p), seg_w) for p in band]
        rows = max(len(p.origins) for p in band)
        block: list[list[Text]] = [[] for _ in range(rows + 3)]
        for period, axis in zip(band, axes):
            block[0].append(Text(_fit(printable_line(period_name(period)).center(seg_w), seg_w), _STYLES["heading"]))
            index = _claim_index(period)
            for r in range(rows):
                if r < len(period.origins):
                    block[1 + r].append(_timeline_row(axis, period, period.origins[r], index))
                else:
                    block[1 + r].append(Text(" " * seg_w))
            cols, labels, starts = axis.ticks()
            line = _Canvas(seg_w)
            line.fill(0, seg_w - 1, "─", "axis")
            for c in cols:
                line.put(c, "┬", "axis")
            block[rows + 1].append(line.text())
            text = Text()
            at = 0
            for label, start in zip(labels, starts):
                text.append(" " * (start - at))
                text.append(label, _STYLES["tick"])
                at = start + cell_len(label)
            text.append(" " * (seg_w - at))
            block[rows + 2].append(text)
        for r, parts in enumerate(block):
            joint = Text(" ≈ " if r == rows + 1 else sep, _STYLES["axis"])
            lines.append(joint.join(parts))
    return _joined(lines, width)


# -- SVG --------------------------------------------------------------------------------------------

# Control characters, bidi overrides and invisible characters, and what XML 1.0 cannot hold: removed.
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                         "\u2066-\u2069\ufeff\ud800-\udfff\ufffe\uffff]")


def svg_clean(value: object) -> str:
    """Text from the data for SVG: control and invisible characters stripped, whitespace collapsed."""
    return " ".join(_XML_UNSAFE.sub("", str(value if value is not None else "")).split())


def svg_text(value: object) -> str:
    """svg_clean, XML-escaped (for element text and attribute values alike)."""
    return escape(svg_clean(value), {'"': "&quot;", "'": "&apos;"})


def _short(text: str, most: int) -> str:
    """Text cut to `most` cells with an ellipsis."""
    return text if cell_len(text) <= most else set_cell_size(text, most - 1).rstrip() + "…"


def _text_px(text: str, size: float = 12) -> int:
    """A generous guess of a label's width in a sans-serif font (a wide character counts twice)."""
    return math.ceil(cell_len(text) * size * 0.58)


def _wrap(text: str, most: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > most:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line] if line else lines


_SVG_W = 960
_LEFT = 16
_PLOT_X1 = 924


@dataclass
class _Columns:
    """Where the range plot's columns go: name, qualifier, figure (right-aligned at num_x), then the plot."""

    qual_x: float
    num_x: float
    name_cells: int

    @property
    def plot_x0(self) -> float:
        return self.num_x + 16

    @classmethod
    def of(cls, comparison: Comparison) -> _Columns:
        origins = [o for p in comparison.periods for o in p.origins]
        figures = [quantity_text(o).lstrip("≈≤≥") for o in origins]
        figures += [format_number(p.estimate.best) for p in comparison.periods if p.estimate.best is not None]
        figure_px = max([_text_px(f) for f in figures] + [_text_px("30,000")])
        qual_px = max([_text_px(QUALIFIER_MARKS.get(o.qualifier, o.qualifier)) for o in origins] + [_text_px("best")])
        qual_x = 250.0  # names get the room to its left
        return cls(qual_x, min(qual_x + qual_px + 12 + figure_px, 560), int((qual_x - _LEFT - 10) / (12 * 0.58)))
_ROW = 22
_INK, _MUTED, _BAR, _BOUND, _EST, _BAND = "#222", "#666", "#1f6fb2", "#b8860b", "#8e2c8e", "#e6dcf0"


class _Svg:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, element: str) -> None:
        self.parts.append(element)

    def text(self, x: float, y: float, content: str, size: float = 12, anchor: str = "start", fill: str = _INK,
             weight: str = "normal", style: str = "normal", title: str | None = None) -> None:
        tip = f"<title>{svg_text(title)}</title>" if title else ""
        self.add(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
                 f'font-weight="{weight}" font-style="{style}">{tip}{svg_text(content)}</text>')

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = _INK, width: float = 1,
             dash: str | None = None) -> None:
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" '
                 f'stroke-width="{width}" stroke-linecap="round"{dashed}/>')


def _svg_origin(svg: _Svg, origin: Origin, x: Callable[[float], float], y: float, x0: float, x1: float,
                axis: _Axis) -> None:
    cap = 5
    if origin.qualifier == "at_most" and origin.upper is not None:
        bx = x(origin.upper)
        svg.line(x0, y, bx, y, _BOUND, 2, "4 3")
        svg.line(bx, y - cap, bx, y + cap, _BOUND, 2.5)
        svg.text(bx + 5, y + 4, "≤", 13, fill=_BOUND, weight="bold")
        if axis.lo != 0:
            svg.add(f'<path d="M{x0:.1f},{y:.1f} l7,-4 v8 z" fill="{_BOUND}"/>')
        return
    if origin.qualifier == "at_least" and origin.lower is not None:
        bx = x(origin.lower)
        svg.line(bx, y, x1, y, _BOUND, 2, "4 3")
        svg.line(bx, y - cap, bx, y + cap, _BOUND, 2.5)
        svg.text(bx - 5, y + 4, "≥", 13, anchor="end", fill=_BOUND, weight="bold")
        svg.add(f'<path d="M{x1:.1f},{y:.1f} l-7,-4 v8 z" fill="{_BOUND}"/>')
        return
    low, high = origin.low, origin.high
    if low is not None or high is not None:
        fallback = origin.value if origin.value is not None else 0.0
        a = x(low if low is not None else fallback)
        b = x(high if high is not None else fallback)
        svg.line(a, y, b, y, _BAR, 2)
        for end, present in ((a, low is not None), (b, high is not None)):
            if present:
                svg.line(end, y - cap, end, y + cap, _BAR, 2)
    if origin.value is not None:
        svg.add(f'<circle cx="{x(origin.value):.1f}" cy="{y:.1f}" r="5" fill="{_BAR}"/>')
        if origin.qualifier == "approx":
            svg.text(x(origin.value), y - 8, "≈", 12, anchor="middle", fill=_BAR)


def _svg_value_axis(svg: _Svg, axis: _Axis, x: Callable[[float], float], y: float, x0: float) -> None:
    svg.line(x0, y, _PLOT_X1, y, _MUTED, 1)
    for t in axis.ticks:
        svg.line(x(t), y, x(t), y + 5, _MUTED, 1)
        anchor = "start" if t == axis.ticks[0] else "end" if t == axis.ticks[-1] and len(axis.ticks) > 1 else "middle"
        svg.text(x(t), y + 18, format_number(t), 11, anchor=anchor, fill=_MUTED)


def _svg_range_period(svg: _Svg, period: Period, y: float, at: _Columns) -> float:
    svg.text(_LEFT, y + 14, _period_summary(period), 14, weight="bold")
    y += 20
    for line in _wrap(f"Estimate: {period.estimate.rule}", 140):
        svg.text(_LEFT, y + 11, line, 11, fill=_MUTED, style="italic")
        y += 15
    y += 6
    x0 = at.plot_x0
    axis = _Axis(nice_ticks(*_value_domain(period), 5), round(_PLOT_X1 - x0 + 1))

    def x(value: float) -> float:
        return x0 + axis.at(value)
    rows = len(period.origins) + 1
    band = period.estimate
    if band.low is not None or band.high is not None:
        a = x(band.low) if band.low is not None else x0
        b = x(band.high) if band.high is not None else _PLOT_X1
        a, b = min(a, b), max(a, b)
        svg.add(f'<rect x="{a - 3:.1f}" y="{y:.1f}" width="{b - a + 6:.1f}" height="{rows * _ROW:.1f}" '
                f'fill="{_BAND}" rx="3"/>')
    for origin in period.origins:
        cy = y + _ROW / 2
        name = svg_clean(origin.origin)
        reports = f" ({origin.reports} reports)" if origin.reports > 1 else ""
        shown = _short(name, at.name_cells - len(reports)) + reports
        svg.text(_LEFT, cy + 4, shown, 12, title=name if not shown.startswith(name) else None)
        svg.text(at.qual_x, cy + 4, QUALIFIER_MARKS.get(origin.qualifier, origin.qualifier), 12, fill=_MUTED)
        svg.text(at.num_x, cy + 4, quantity_text(origin).lstrip("≈≤≥"), 12, anchor="end")
        _svg_origin(svg, origin, x, cy, x0, _PLOT_X1, axis)
        y += _ROW
    cy = y + _ROW / 2
    svg.text(_LEFT, cy + 4, "estimate", 12, fill=_EST, style="italic")
    if band.best is not None:
        svg.text(at.qual_x, cy + 4, "best", 12, fill=_MUTED)
        svg.text(at.num_x, cy + 4, format_number(band.best), 12, anchor="end", fill=_EST)
    if band.low is not None and band.high is not None:
        svg.line(x(band.low), cy, x(band.high), cy, _EST, 3)
    if band.best is not None:
        bx = x(band.best)
        svg.add(f'<path d="M{bx:.1f},{cy - 6:.1f} l6,6 l-6,6 l-6,-6 z" fill="{_EST}"/>')
    y += _ROW + 4
    _svg_value_axis(svg, axis, x, y, x0)
    return y + 34


def _svg_legend(svg: _Svg, y: float) -> None:
    """What the marks mean, each drawn as in the plot."""
    x = float(_LEFT)
    cy = y + 4

    def say(words: str) -> None:
        nonlocal x
        svg.text(x, cy + 4, words, 11, fill=_MUTED)
        x += _text_px(words, 11) + 18
    svg.add(f'<circle cx="{x + 5:.1f}" cy="{cy:.1f}" r="4.5" fill="{_BAR}"/>')
    x += 14
    say("value")
    svg.line(x, cy, x + 22, cy, _BAR, 2)
    svg.line(x, cy - 4, x, cy + 4, _BAR, 2)
    svg.line(x + 22, cy - 4, x + 22, cy + 4, _BAR, 2)
    x += 28
    say("low–high")
    svg.line(x, cy, x + 22, cy, _BOUND, 2, "4 3")
    svg.line(x + 22, cy - 4, x + 22, cy + 4, _BOUND, 2.5)
    x += 28
    say("≤ at most")
    svg.line(x, cy - 4, x, cy + 4, _BOUND, 2.5)
    svg.line(x, cy, x + 22, cy, _BOUND, 2, "4 3")
    x += 28
    say("≥ at least")
    svg.add(f'<rect x="{x:.1f}" y="{cy - 6:.1f}" width="22" height="12" fill="{_BAND}" rx="2"/>')
    x += 28
    say("estimate, low to high")
    svg.add(f'<path d="M{x + 5:.1f},{cy - 5:.1f} l5,5 l-5,5 l-5,-5 z" fill="{_EST}"/>')
    x += 14
    say("best estimate")


def _svg_timeline(svg: _Svg, comparison: Comparison, y: float) -> float:
    periods = sorted(comparison.periods, key=lambda p: (p.start, p.end))
    svg.text(_LEFT, y + 16, "When each claim holds", 15, weight="bold")
    y += 22
    if len(periods) > 1:
        svg.text(_LEFT, y + 11, "Each period on its own time scale; the axis is broken between periods.", 11,
                 fill=_MUTED, style="italic")
        y += 18
    gap = 28
    across, seg_w = _segments(len(periods), _SVG_W - 2 * _LEFT, 200, gap)
    for first in range(0, len(periods), across):
        band = periods[first:first + across]
        rows = max(len(p.origins) for p in band)
        top = y
        axis_y = top + 24 + rows * 30 + 6
        for i, period in enumerate(band):
            x0 = _LEFT + i * (seg_w + gap)
            axis = _TimeAxis(*_dates(period), seg_w)
            svg.text(x0 + seg_w / 2, top + 14, period_name(period), 13, anchor="middle", weight="bold")
            index = _claim_index(period)
            for r, origin in enumerate(period.origins):
                ly = top + 24 + r * 30 + 20
                claims = _origin_claims(period, origin, index)
                spans = [(dt.date.fromisoformat(c.date_start), dt.date.fromisoformat(c.date_end)) for c in claims] \
                    or [(axis.start, axis.end)]
                xs = []
                for s, e in spans:
                    a, b = x0 + axis.at(s), x0 + axis.at(e + dt.timedelta(days=1))
                    xs += [a, b]
                    if b - a < 3:
                        svg.add(f'<circle cx="{(a + b) / 2:.1f}" cy="{ly:.1f}" r="3.5" fill="{_BAR}"/>')
                    else:
                        svg.line(a + 1.5, ly, b - 1.5, ly, _BAR, 5)
                name = svg_clean(origin.origin)
                label = next((s for s in _claim_labels(origin, svg_clean) if _text_px(s, 11) <= seg_w),
                             quantity_text(origin))
                lx = min(max(min(xs), x0), x0 + seg_w - _text_px(label, 11))
                svg.text(max(lx, x0), ly - 6, label, 11, title=name if name not in label else None)
            svg.line(x0, axis_y, x0 + seg_w, axis_y, _MUTED, 1)
            cols, labels, starts = axis.ticks(lambda s: _text_px(s, 11), gap=12)
            for c, label, start in zip(cols, labels, starts):
                svg.line(x0 + c, axis_y, x0 + c, axis_y + 5, _MUTED, 1)
                svg.text(x0 + start, axis_y + 18, label, 11, fill=_MUTED)
            if i:  # the break between this segment and the one before
                bx = x0 - gap / 2
                svg.line(bx, top + 20, bx, axis_y + 8, "#bbb", 1, "2 4")
                svg.line(bx - 6, axis_y + 5, bx - 2, axis_y - 5, _MUTED, 1.2)
                svg.line(bx + 2, axis_y + 5, bx + 6, axis_y - 5, _MUTED, 1.2)
        y = axis_y + 34
    return y


def comparison_svg(comparison: Comparison) -> str:
    """One standalone SVG (no external files; generic font family) with each period's range plot and the
    timeline, for the published web site."""
    svg = _Svg()
    y = 12.0
    svg.text(_LEFT, y + 18, _title(comparison), 18, weight="bold")
    y += 30
    if not comparison.periods:
        svg.text(_LEFT, y + 14, _no_periods(comparison), 13, fill=_MUTED)
        y += 26
    else:
        columns = _Columns.of(comparison)
        for period in comparison.periods:
            y = _svg_range_period(svg, period, y, columns)
        _svg_legend(svg, y)
        y += 22
        y = _svg_timeline(svg, comparison, y)
    height = math.ceil(y + 8)
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_SVG_W}" height="{height}" '
            f'viewBox="0 0 {_SVG_W} {height}" font-family="sans-serif">'
            f'<title>{svg_text(_title(comparison))}</title>'
            f'<rect width="100%" height="100%" fill="#fff"/>')
    return "\n".join([head, *svg.parts, "</svg>"]) + "\n"
