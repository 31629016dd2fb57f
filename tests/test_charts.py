"""Charts of a comparison (facts.charts): the range plot and the timeline on a terminal, and the SVG.

The comparisons are built by hand, shaped like the seed collection's: no database."""

import dataclasses
import re
import xml.etree.ElementTree as ET

import pytest
from rich.cells import cell_len
from rich.console import Console

from facts.charts import BEST, BREAK, DOT, RIGHT_END, comparison_svg, nice_ticks, range_plot, timeline
from facts.comparison import Claim, Comparison, Estimate, Origin, Period

WIDTHS = (80, 160)
SVG = "{http://www.w3.org/2000/svg}"


def claim(id: int, origin: str, value: float | None, qualifier: str, start: str, end: str, precision: str,
          claimant: str | None = None, low: float | None = None, high: float | None = None,
          source: str = "src") -> Claim:
    return Claim(id=id, claimant=claimant or origin, origin=origin, origin_fact=id, source=source, reliability="B",
                 confidence=0.675, value=value, low=low, high=high, qualifier=qualifier, unit="troops",
                 date_start=start, date_end=end, date_precision=precision, stated=None, status="active")


def origin(name: str, claims: list[Claim], value: float | None, qualifier: str, low: float | None = None,
           high: float | None = None) -> Origin:
    return Origin(origin=name, facts=[c.id for c in claims], claimants=sorted({c.claimant for c in claims}),
                  reports=len({c.source for c in claims}), value=value, low=low, high=high, qualifier=qualifier,
                  earliest=None, reliability="B", confidence=0.675, weight=0.54)


def single(name: str, fact: int, value: float, start: str, end: str, precision: str) -> Period:
    c = claim(fact, name, value, "approx", start, end, precision)
    return Period(start, end, [c], [origin(name, [c], value, "approx")],
                  Estimate(value, value, value, "low: the lowest lower bound of 1 origin; high: the highest upper "
                           "bound of 1; best: the median of 1 origins' values", [(name, "value")]))


def seed_comparison(names: dict[str, str] | None = None) -> Comparison:
    """The seeds' Russian troops in Belarus: three periods, the last with three origins (one relayed thrice)."""
    n = {"nato": "NATO", "porotnikov": "Andrey Porotnikov", "ni": "The National Interest", "ilyash": "Igor Ilyash",
         "sep": "Unidentified publisher", **(names or {})}
    nato = [claim(1, n["nato"], 30000, "exact", "2022-02-01", "2022-02-28", "month", source="blp"),
            claim(2, n["nato"], 30000, "exact", "2022-02-01", "2022-02-28", "month", "Jens Stoltenberg", source="cap"),
            claim(4, n["nato"], 30000, "exact", "2022-02-01", "2022-02-28", "month", "Jens Stoltenberg", source="odr")]
    porotnikov = claim(5, n["porotnikov"], 10000, "approx", "2022-02-01", "2022-02-28", "month")
    ni = claim(3, n["ni"], 30000, "at_most", "2022-02-10", "2022-02-20", "day", high=30000)
    february = Period(
        "2022-02-01", "2022-02-28", sorted(nato + [porotnikov, ni], key=lambda c: (c.date_start, c.id)),
        [origin(n["nato"], nato, 30000, "exact"), origin(n["ni"], [ni], 30000, "at_most", high=30000),
         origin(n["porotnikov"], [porotnikov], 10000, "approx")],
        Estimate(10000, 20000, 30000, "low: the lowest lower bound of 2 origins; high: the highest upper bound of 3; "
                 "best: the median of 2 origins' values; 1 one-sided claim counted as a bound only",
                 [(n["nato"], "value 30000, sets the high"), (n["ni"], "upper bound 30000"),
                  (n["porotnikov"], "value 10000, sets the low")]))
    return Comparison(
        subject="Russian troops in Belarus", unit="troops", merged_units=[],
        periods=[single(n["ilyash"], 6, 2500, "1992-01-01", "2021-12-31", "year"),
                 single(n["sep"], 7, 1000, "2020-09-01", "2020-09-30", "month"),
                 february],
        unnumbered=[], other_units={})


def lines(text) -> list[str]:
    return text.plain.split("\n")


def rendered(text, width: int) -> str:
    console = Console(width=width, record=True, color_system=None, force_terminal=False)
    console.print(text)
    return console.export_text()


def block(text, heading: str) -> list[str]:
    """The lines of one period of a range plot: from its heading to the next heading (or the legend)."""
    all_lines = lines(text)
    start = next(i for i, line in enumerate(all_lines) if line.startswith(f"── {heading} "))
    end = next((i for i in range(start + 1, len(all_lines)) if all_lines[i].startswith("── ")), len(all_lines) - 1)
    return all_lines[start:end]


def row(rows: list[str], name: str) -> str:
    return next(line for line in rows if line.strip().startswith(name))


# -- the range plot ----------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_range_plot_places_each_value_on_the_periods_own_axis(width):
    rows = block(range_plot(seed_comparison(), width), "Feb 2022")
    nato, porotnikov = row(rows, "NATO"), row(rows, "Andrey Porotnikov")
    bound, estimate = row(rows, "The National"), row(rows, "estimate")
    axis, labels = rows[-2], rows[-1]
    ticks = [i for i, ch in enumerate(axis) if ch == "┬"]
    assert labels.split() == ["0", "10,000", "20,000", "30,000"]
    zero, top = ticks[0], ticks[-1]
    assert porotnikov.index(DOT) < nato.index(DOT) == top  # 10,000 left of 30,000, which is the last tick
    assert porotnikov.index(DOT) == pytest.approx(zero + (top - zero) / 3, abs=1)
    assert estimate.index(BEST) == pytest.approx(zero + (top - zero) * 2 / 3, abs=1)  # best 20,000
    # 'as many as 30,000': open from the axis start, closed by the bound mark at the 30,000 column
    assert bound.rstrip().endswith(RIGHT_END) and bound.rstrip().index(RIGHT_END) == top
    assert set(bound[zero:top]) == {"┄"}
    assert labels.rstrip().endswith("30,000") and len(labels.rstrip()) - 1 == top
    # the estimate band: shaded between 10,000 and 30,000 on the origin rows
    assert set(nato[porotnikov.index(DOT) + 1:top]) == {"░"}
    assert "░" not in nato[:porotnikov.index(DOT)]
    # name, qualifier and figure of each origin
    assert re.search(r"NATO \(3 reports\)\s+exact\s+30,000", nato)
    assert re.search(r"Andrey Porotnikov\s+≈\s+10,000", porotnikov)
    assert re.search(r"The National Interest\s+≤\s+30,000", bound) or width == 80
    assert re.search(r"estimate\s+best\s+20,000", estimate)


def test_each_period_has_its_own_axis_and_its_dates_in_words():
    text = range_plot(seed_comparison(), 80)
    headings = [line for line in lines(text) if line.startswith("── ")]
    assert [h.split(" · ")[0][3:] for h in headings] == ["1992–2021", "Sep 2020", "Feb 2022"]
    assert "estimate 20,000 (10,000–30,000)" in headings[2]
    assert block(text, "1992–2021")[-1].split() == ["0", "1,000", "2,000", "3,000"]
    assert block(text, "Sep 2020")[-1].split() == ["0", "250", "500", "750", "1,000"]
    ilyash = row(block(text, "1992–2021"), "Igor Ilyash")
    assert re.search(r"Igor Ilyash\s+≈\s+2,500", ilyash)


@pytest.mark.parametrize("width", WIDTHS)
def test_range_plot_fits_the_width(width):
    text = range_plot(seed_comparison(), width)
    assert all(cell_len(line) <= width for line in lines(text))
    assert rendered(text, width).count("\n") == len(lines(text))  # nothing wrapped
    if width == 80:  # three periods, up to three origins each: on one 80x24 screen
        assert len(lines(text)) <= 21


@pytest.mark.parametrize("width", (40, 48, 60))
def test_a_narrow_range_plot_keeps_its_axis_and_labels_apart(width):
    c = seed_comparison()
    c.periods[0].estimate = Estimate(1_000_000, 1_050_000, 1_050_000, "rule", [])
    c.periods[0].origins = [origin("Big", [], 1_050_000, "approx"), origin("Bound", [], 1_000_000, "at_most",
                                                                             high=1_000_000)]
    text = range_plot(c, width)
    assert all(cell_len(line) <= width for line in lines(text))
    for heading in ("1992–2021", "Feb 2022"):
        rows = block(text, heading)
        labels = rows[-1].split()
        assert labels and all(re.fullmatch(r"-?[\d,.]+", label) for label in labels), rows[-1]
        assert labels[-1] in ("30,000", "1,060,000", "1,050,000")
    assert row(block(text, "1992–2021"), "Bound").split()[-1].startswith("◀")  # the axis does not start at zero


def test_one_sided_and_ranged_claims():
    c = seed_comparison()
    feb = c.periods[2]
    feb.origins = [
        origin("Just over", [], 12000, "at_least", low=12000),
        origin("Range", [], 20000, "range", low=15000, high=25000),
        origin("Range without value", [], None, "range", low=5000, high=8000),
    ]
    feb.estimate = Estimate(5000, 20000, 25000, "rule", [])
    rows = block(range_plot(c, 80), "Feb 2022")
    ticks = [i for i, ch in enumerate(rows[-2]) if ch == "┬"]
    at_least, ranged, no_value = row(rows, "Just over"), row(rows, "Range "), row(rows, "Range without")
    assert at_least.rstrip().endswith("▶") and "├" in at_least and "┄" in at_least
    assert re.search(r"├─*●─*┤", ranged)
    assert "●" not in no_value and re.search(r"├─*┤", no_value)
    assert ranged.index("├") < ranged.index("●") < ranged.index("┤")
    assert ticks[0] < no_value.index("├") < ranged.index("├")
    assert re.search(r"Range without value\s+range\s+5,000–8,000", no_value)


def test_nice_ticks_are_round_and_few():
    assert nice_ticks(0, 30000) == [0, 10000, 20000, 30000]
    assert nice_ticks(0, 2500) == [0, 1000, 2000, 3000]
    assert nice_ticks(1_000_000, 1_050_000) == [1_000_000, 1_020_000, 1_040_000, 1_060_000]
    assert nice_ticks(7, 7) == [0, 2, 4, 6, 8]
    assert nice_ticks(0, 7.5, most=4) == [0, 2.5, 5, 7.5]
    assert nice_ticks(-3.2, 0.4) == [-4, -2, 0, 2]
    for lo, hi in [(0, 1), (3, 97), (0.001, 0.004), (12, 1e9), (-50, -10)]:
        ticks = nice_ticks(lo, hi)
        assert 2 <= len(ticks) <= 5 and ticks[0] <= lo and ticks[-1] >= hi


def test_a_period_is_named_at_the_precision_that_states_it():
    from facts.display import format_period
    assert format_period("1992-01-01", "2021-12-31") == "1992–2021"
    assert format_period("2020-09-01", "2020-09-30") == "Sep 2020"
    assert format_period("2024-01-01", "2024-02-29") == "Jan–Feb 2024"
    assert format_period("2022-02-10", "2022-02-20") == "10–20 Feb 2022"
    assert format_period("2022-01-01", "2022-12-30") == "1 Jan – 30 Dec 2022"


# -- the timeline ------------------------------------------------------------------------------------


def segments(line: str) -> list[str]:
    return re.split(rf" [{BREAK}≈] ", line)


@pytest.mark.parametrize("width", WIDTHS)
def test_timeline_gives_each_period_a_segment_of_its_own(width):
    text = lines(timeline(seed_comparison(), width))
    heading = next(i for i, line in enumerate(text) if "1992–2021" in line and "Feb 2022" in line)
    assert [s.strip() for s in segments(text[heading])] == ["1992–2021", "Sep 2020", "Feb 2022"]
    rows = text[heading + 1:heading + 4]
    february = [segments(line)[2] for line in rows]
    seg_w = len(february[0])
    assert seg_w >= 22  # not squeezed by the thirty years beside it
    nato, bound, porotnikov = february
    assert "30,000 NATO" in nato and "≈10,000 Andrey Poro" in porotnikov and "≤30,000" in bound
    # the whole month spans the segment; 10-20 Feb lies inside it, about a third of the way in
    assert nato.startswith("━") and nato.endswith("━") and porotnikov.startswith("━")
    first, last = bound.index("━"), bound.rindex("━")
    assert first == pytest.approx(9 / 28 * seg_w, abs=1) and last == pytest.approx(20 / 28 * seg_w, abs=1)
    assert last - first >= 6
    ilyash = segments(rows[0])[0]
    assert ilyash.startswith("━") and ilyash.endswith("━") and "≈2,500 Igor Ilyash" in ilyash


@pytest.mark.parametrize("width", WIDTHS)
def test_timeline_labels_are_real_dates(width):
    text = lines(timeline(seed_comparison(), width))
    axis = next(i for i, line in enumerate(text) if "┬" in line)
    labels = [s.strip() for s in segments(text[axis + 1])]
    date = re.compile(r"^(\d{4}|\d{1,2} [A-Z][a-z]{2}|[A-Z][a-z]{2}( \d{4})?)$")
    for segment in labels:
        words = re.split(r"\s{2,}", segment)
        assert len(words) >= 2 and all(date.match(w) for w in words), segment
    assert "2000" in labels[0] and "Sep" in labels[1] and "Feb" in labels[2]
    assert not re.search(r"\d{4}\.\d", "\n".join(text))
    # each tick stands over its label
    for ticks, words in zip(segments(text[axis]), segments(text[axis + 1])):
        for match in re.finditer(r"\S+( \S+)?", words):
            assert "┬" in ticks[max(0, match.start() - 1):match.end() + 1]


@pytest.mark.parametrize("width", (40, 48, 60, 80, 100, 160))
def test_every_timeline_row_shows_its_figure(width):
    text = "\n".join(lines(timeline(seed_comparison(), width)))
    for figure in ("≈2,500", "≈1,000", "30,000 NATO", "≤30,000", "≈10,000"):
        assert figure in text, (width, figure)


def test_timeline_month_and_year_ticks():
    c = seed_comparison()
    c.periods = [single("Half a year", 9, 5, "2022-01-01", "2022-06-30", "month"),
                 single("A decade", 10, 5, "2010-01-01", "2019-12-31", "year")]
    text = lines(timeline(c, 80))
    axis = next(i for i, line in enumerate(text) if "┬" in line)
    labels = " ".join(text[axis + 1].split())
    assert "Jan 2022" in labels and "Mar" in labels
    assert "2010" in labels and not re.search(r"\d{4}\.\d", labels)


@pytest.mark.parametrize("width", (40, 80, 160))
def test_timeline_fits_the_width_and_wraps_many_periods(width):
    c = seed_comparison()
    assert all(cell_len(line) <= width for line in lines(timeline(c, width)))
    c.periods += [single(f"Origin {y}", 100 + y, 100 * y, f"{2000 + y}-03-01", f"{2000 + y}-03-31", "month")
                  for y in range(5)]
    text = timeline(c, width)
    assert all(cell_len(line) <= width for line in lines(text))
    assert rendered(text, width).count("\n") == len(lines(text))
    shown = "\n".join(lines(text))
    assert all(f"Mar {2000 + y}" in shown for y in range(5))


# -- hostile names and empty comparisons ---------------------------------------------------------------

HOSTILE = {"nato": "[bold]x[/bold]", "porotnikov": "Evil\x1b[2J\x07 <script>alert(1)</script>",
           "ni": "A & \"B\" 'C' \u202edesrever", "ilyash": "\x9b31mred",
           "sep": "名前の長い組織名前の長い組織名前の長い組織"}


@pytest.mark.parametrize("width", WIDTHS)
def test_hostile_names_are_inert_on_a_terminal(width):
    c = seed_comparison(HOSTILE)
    c.subject = "[red]subject[/red]\x1b]0;title\x07"
    c.unit = "troops\n[blink]"
    for text in (range_plot(c, width), timeline(c, width)):
        plain = text.plain
        assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]", plain)
        assert "[bold]x" in plain and "[red]subject[/red]" in plain and "\\x1b" in plain
        assert all(cell_len(line) <= width for line in lines(text))
        assert not any("bold" in str(span.style) and plain[span.start:span.end] == "x" for span in text.spans)
        out = rendered(text, width)
        assert "\x1b" not in out and "[bold]x" in out
    assert "<U+202E>" in range_plot(c, 160).plain


def test_hostile_names_are_escaped_in_svg():
    c = seed_comparison(HOSTILE)
    c.subject = "<b>subject</b> & \x00\x1b[31m"
    svg = comparison_svg(c)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202e]", svg)
    root = ET.fromstring(svg)  # well-formed
    assert root.tag == f"{SVG}svg"
    assert not [e for e in root.iter() if e.tag.split("}")[-1] in ("script", "b", "foreignObject")]
    texts = " ".join("".join(e.itertext()) for e in root.iter(f"{SVG}text"))
    assert "<script>alert(1)</script>" in texts and "[bold]x[/bold]" in texts
    assert "A & \"B\" 'C' desrever" in texts and "<b>subject</b> & [31m" in texts and "Evil[2J <script>" in texts
    assert "&lt;script&gt;" in svg


def test_svg_is_standalone_with_both_charts():
    svg = comparison_svg(seed_comparison())
    root = ET.fromstring(svg)
    assert not re.search(r"href|url\(|@import|<image|<script", svg)
    assert root.get("font-family") == "sans-serif" and int(root.get("height")) > 300
    texts = ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]
    for words in ("Feb 2022", "1992–2021", "Sep 2020", "NATO (3 reports)", "Andrey Porotnikov", "≤", "≈",
                  "30,000", "20,000", "When each claim holds", "1 Feb", "2000"):
        assert any(words in t for t in texts), words
    assert not any(re.search(r"\d{4}\.\d", t) for t in texts)
    assert root.findall(f"{SVG}rect")  # the estimate band


def test_an_empty_comparison_is_one_sentence():
    c = dataclasses.replace(seed_comparison(), periods=[])
    for text in (range_plot(c, 80), timeline(c, 80)):
        assert lines(text) == ["No claims with a number to compare on Russian troops in Belarus in troops."]
    root = ET.fromstring(comparison_svg(c))
    assert any("No claims" in "".join(e.itertext()) for e in root.iter(f"{SVG}text"))


def test_a_period_without_estimate_or_claims_still_draws():
    c = seed_comparison()
    feb = c.periods[2]
    feb.claims = []
    feb.estimate = Estimate(None, None, None, "no figures", [])
    for width in WIDTHS:
        assert all(cell_len(line) <= width for line in lines(range_plot(c, width)))
        assert all(cell_len(line) <= width for line in lines(timeline(c, width)))
    ET.fromstring(comparison_svg(c))
