"""Screens over the main table: compare one subject, sources and their text, help."""

from __future__ import annotations

import json
import os
import sys
from bisect import bisect_left
from itertools import pairwise
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Static

from facts.candidates import Document, draft_fact
from facts.charts import estimate_text, period_name, range_plot, timeline
from facts.collection import Collection
from facts.comparison import Comparison
from facts.conflicts import KIND_NAMES
from facts.display import (
    format_quantity_unit,
    format_source_kind,
    plural,
    printable,
    printable_line,
)
from facts.extract import Candidate, Sentence
from facts.extract import sentences as split_sentences
from facts.showing import comparison_notes, format_origin_figure, origin_voices, quote_in_context

from .curate import ActorDialog, SourceDialog, SpeaksFor
from .dialog import ConfirmDialog
from .form import FormStart, start_from_draft
from .messages import JumpToFact, NewFactRequested
from .threads import background
from .widgets import RowTable


def _cell(value: object) -> Text:
    """A table cell: what does not fit its column ends in an ellipsis, so a cut is seen as one."""
    return Text(printable_line("" if value is None else value), overflow="ellipsis", no_wrap=True)


class CompareScreen(Screen):
    """The claims on one subject by period: each independent origin once, with what reports it, the
    combined estimate and its rule; the range plot and the timeline below. Enter jumps to an origin's fact;
    w switches the best estimate between the median and the weighted median."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,c", "app.pop_screen", "Back"),
        Binding("w", "weighted", "Weighted / plain median"),
    ]
    DEFAULT_CSS = """
    CompareScreen #compare-title { padding: 0 1; text-style: bold; }
    CompareScreen #compare-notes { padding: 0 1; color: $text-muted; }
    CompareScreen #compare-table { height: auto; max-height: 50%; }
    CompareScreen #compare-rule { padding: 0 1; color: $text-muted; }
    CompareScreen #compare-charts { height: 1fr; padding: 0 1; }
    """

    def __init__(self, collection: Collection, subject: str, unit: str | None, fact_id: int | None = None) -> None:
        super().__init__()
        self.collection, self.subject, self.unit = collection, subject, unit
        self.fact_id = fact_id  # the fact compare was opened on: its origin is highlighted
        self.weighted = False
        self.comparison: Comparison | None = None
        self.rows: dict[str, tuple[int, int | None]] = {}  # row key -> (period, origin or None for the estimate)
        self.plot_lines: list[str] = []  # the range plot as drawn, to find a period's place in it

    def compose(self) -> ComposeResult:
        yield Header()
        title = f"Compare: {printable_line(self.subject)}" + (f" ({printable_line(self.unit)})" if self.unit else "")
        yield Static(Text(title), id="compare-title")
        yield Static(Text("comparing…"), id="compare-notes")
        yield RowTable(id="compare-table")
        yield Static(id="compare-rule")
        with VerticalScroll(id="compare-charts"):
            yield Static(id="compare-plot")
            yield Static(id="compare-timeline")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # The last column takes what the screen has left (the highlighted row's contribution is also said in
        # full under the table, for a narrow screen).
        widths = (("period", 10), ("origin", 28), ("figure", 22), ("reports", 9), ("rel.", 4), ("facts", 9))
        for label, width in widths:
            table.add_column(label, width=width)
        used = sum(width + 2 for _, width in widths) + 3  # each cell's padding, the last's, the scrollbar
        table.add_column("counts as", width=max(20, self.app.size.width - used))
        self._load()

    @background(exclusive=True)
    def _load(self) -> None:
        comparison = self.collection.compare(self.subject, self.unit, self.weighted)
        self.app.call_from_thread(self._show, comparison)
        # The charts of a subject with thousands of claims take a while to draw: after the table, and here, not
        # on the screen's thread.
        width = self._chart_width()
        charts = range_plot(comparison, width), timeline(comparison, width)
        self.app.call_from_thread(self._charts_drawn, comparison, charts)

    def _chart_width(self) -> int:
        return max(40, self.query_one("#compare-charts").size.width - 2)

    def _charts_drawn(self, comparison: Comparison, charts: tuple[Text, Text]) -> None:
        if comparison is self.comparison:
            self._show_charts(*charts)

    def _show(self, comparison: Comparison) -> None:
        self.comparison = comparison
        notes = [n.plain for n in comparison_notes(comparison)]
        self.query_one("#compare-notes", Static).update(Text(" ".join(notes) or " "))
        table = self.query_one(DataTable)
        table.clear()
        self.rows.clear()
        for p, period in enumerate(comparison.periods):
            gives = dict(period.estimate.contributions)
            for o, origin in enumerate(period.origins):
                key = f"{p}:{o}"
                self.rows[key] = (p, o)
                who = printable_line(origin.origin)
                if voices := origin_voices(origin):
                    who += f" ({voices})"
                table.add_row(_cell(period_name(period) if o == 0 else ""), _cell(who),
                              _cell(format_origin_figure(origin)), _cell(plural(origin.reports, "source")),
                              _cell(origin.reliability), _cell(" ".join(f"#{f}" for f in origin.facts)),
                              _cell(gives[origin.origin]), key=key)
            key = f"{p}:estimate"
            self.rows[key] = (p, None)
            table.add_row(_cell(""), Text("estimate", style="bold"),
                          Text(estimate_text(period.estimate), style="bold"), _cell(""), _cell(""), _cell(""),
                          _cell(""), key=key)
        at = next((key for key, (p, o) in self.rows.items() if o is not None
                   and self.fact_id in comparison.periods[p].origins[o].facts), None)
        if at is not None:
            table.move_cursor(row=table.get_row_index(at), animate=False)
        self._show_rule()

    def _draw_charts(self) -> None:
        if self.comparison is None:
            return
        width = self._chart_width()
        self._show_charts(range_plot(self.comparison, width), timeline(self.comparison, width))

    def _show_charts(self, plot: Text, line: Text) -> None:
        self.query_one("#compare-plot", Static).update(plot)
        self.query_one("#compare-timeline", Static).update(line)
        self.plot_lines = plot.plain.splitlines()
        self.call_after_refresh(self._scroll_to_period)

    def _scroll_to_period(self) -> None:
        """The chart follows the table: the highlighted row's period at the top."""
        at = self._highlighted()
        if self.comparison is None or at is None:
            return
        heading = f"── {period_name(self.comparison.periods[at[0]])} ·"
        line = next((i for i, text in enumerate(self.plot_lines) if text.startswith(heading)), 0)
        self.query_one("#compare-charts", VerticalScroll).scroll_to(y=line, animate=False)

    def on_resize(self) -> None:
        self.call_after_refresh(self._draw_charts)

    def _highlighted(self) -> tuple[int, int | None] | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(str(key))

    def _show_rule(self) -> None:
        at = self._highlighted()
        rule = self.query_one("#compare-rule", Static)
        if self.comparison is None or at is None:
            rule.update(Text(""))
            return
        period = self.comparison.periods[at[0]]
        said = f"{period_name(period)}"
        if at[1] is not None:
            origin = period.origins[at[1]]
            said += f" · {origin.origin}: {dict(period.estimate.contributions)[origin.origin]}"
        rule.update(Text(printable_line(f"{said}. Estimate: {period.estimate.rule}.")))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_rule()
        self._scroll_to_period()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        at = self.rows.get(str(event.row_key.value))
        if self.comparison is None or at is None or at[1] is None:
            return
        self.post_message(JumpToFact(self.comparison.periods[at[0]].origins[at[1]].facts[0]))

    def action_weighted(self) -> None:
        self.weighted = not self.weighted
        self.notify("Best estimate: the median weighted by confidence × source reliability" if self.weighted
                    else "Best estimate: the plain median of the origins' values")
        self._load()


def graphical_browser_here() -> bool:
    """Whether opening a URL reaches a browser of its own window; else Python's webbrowser would run a
    console browser (lynx, w3m) in this very terminal, under the running app."""
    if os.environ.get("BROWSER") or sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_source_url(screen: Screen, source: dict, archived: bool = False) -> None:
    """Open a source's URL (or its web archive copy) in the system's browser; where there is none, copy it."""
    url = source["archive_url"] if archived else source["url"]
    what = "archive URL" if archived else "URL"
    if not url:
        screen.notify(f"Source {printable_line(source['key'])} has no {what}.", severity="warning")
    elif graphical_browser_here():
        screen.app.open_url(url)
        screen.notify(f"Opening {printable_line(url)}")
    else:
        screen.app.copy_to_clipboard(url)
        screen.notify(f"No graphical browser here: the {what} is copied to the clipboard ({printable_line(url)})")


class SourcesScreen(Screen):
    """Each source with its kind, versions, facts and orphaned facts; enter opens its text, e corrects its
    metadata, u opens its URL."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("enter", "read", "Read"),
        Binding("i", "inbox", "Inbox"),
        Binding("e", "edit", "Edit metadata"),
        Binding("u", "open_url", "Open URL"),
        Binding("U", "open_url(True)", "Archive URL"),
    ]
    DEFAULT_CSS = "SourcesScreen DataTable { height: 1fr; }"

    def __init__(self, collection: Collection, author: str) -> None:
        super().__init__()
        self.collection, self.author = collection, author
        self.sources: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield RowTable(id="sources-table")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # The short columns first, so that a narrow terminal still shows every number.
        for label, width in (("key", 25), ("kind", 12), ("ver.", 4), ("facts", 5), ("orphans", 7), ("rel.", 4),
                             ("published", 10), ("title", 26), ("publisher", 18)):
            table.add_column(label, width=width)
        self._load()

    @background(exclusive=True)
    def _load(self, keep: str | None = None) -> None:
        sources = self.collection.sources()
        self.app.call_from_thread(self._show, sources, keep)

    def _show(self, sources: list[dict], keep: str | None = None) -> None:
        self.sources = sources
        table = self.query_one(DataTable)
        table.clear()
        for s in sources:
            orphans = Text(str(s["orphans"]), style="bold yellow") if s["orphans"] else Text("")
            table.add_row(_cell(s["key"]), _cell(format_source_kind(s["media_type"], s["pages"] or 0)),
                          _cell(s["versions"]), _cell(s["facts"]), orphans, _cell(s["reliability"]),
                          _cell(s["published"]), _cell(s["title"]), _cell(s["publisher"]), key=s["key"])
        if keep is not None:
            table.move_cursor(row=table.get_row_index(keep))
        table.focus()

    def highlighted(self) -> dict | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((s for s in self.sources if s["key"] == key), None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_read()

    def action_read(self) -> None:
        if source := self.highlighted():
            self.app.push_screen(SourceReaderScreen(self.collection, source["key"], self.author))

    def action_inbox(self) -> None:
        if source := self.highlighted():
            self.app.push_screen(InboxScreen(self.collection, source["key"], self.author))

    def action_open_url(self, archived: bool = False) -> None:
        if source := self.highlighted():
            open_source_url(self, source, archived)

    def action_edit(self) -> None:
        source = self.highlighted()
        if source is None:
            return
        collection, author, key = self.collection, self.author, source["key"]

        def save(changes: dict[str, object], reason: str) -> list[str]:
            return collection.edit_source(key, changes, reason, author)

        def saved(changed: list[str] | None) -> None:
            if changed:
                self.notify(f"Source {printable_line(key)}: {', '.join(changed)} changed")
                self._load(key)
        self.app.push_screen(SourceDialog(source, save), saved)


class SourceReaderScreen(Screen):
    """A source's full text with every cited quote highlighted; enter jumps to the quote's fact.

    ] and [ move a cursor over sentences; f starts a new fact from the sentence under it.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("n,tab", "move(1)", "Next quote"),
        Binding("p,shift+tab", "move(-1)", "Previous quote"),
        Binding("enter", "open", "Go to fact"),
        Binding("right_square_bracket", "sentence(1)", "Next sentence"),
        Binding("left_square_bracket", "sentence(-1)", "Previous sentence"),
        Binding("f", "new_fact", "Fact from sentence"),
        Binding("i", "inbox", "Inbox"),
        Binding("u", "open_url", "Open URL"),
    ]
    DEFAULT_CSS = """
    SourceReaderScreen #reader-meta { padding: 0 1; color: $text-muted; height: auto; }
    SourceReaderScreen #reader-text { height: 1fr; padding: 0 1; }
    """

    def __init__(self, collection: Collection, key: str, author: str) -> None:
        super().__init__()
        self.collection, self.key, self.author = collection, key, author
        self.quotes: list[dict] = []
        self.text = ""
        self.source: dict = {}
        self.page_starts: list[int] = []  # a PDF's: where each page's text starts
        self.current = 0
        self.sentences: list[Sentence] = []
        self.sentence: int | None = None
        self._drawn: dict[int, Text] = {}  # what each paragraph's widget shows now

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="reader-meta")
        yield VerticalScroll(id="reader-text")
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    @background(exclusive=True)
    def _load(self) -> None:
        source, quotes = self.collection.source(self.key)
        self.app.call_from_thread(self._show, source, quotes)

    def _show(self, source: dict, quotes: list[dict]) -> None:
        self.text, self.quotes, self.source = source["text"] or "", quotes, source
        self.page_starts = json.loads(source["page_starts"]) if source["page_starts"] else []
        self.sentences = split_sentences(self.text)
        meta = f"{source['key']}: {source['title']}"
        for name in ("publisher", "author", "published"):
            if source[name]:
                meta += f" · {source[name]}"
        meta += f" · {format_source_kind(source['media_type'], len(self.page_starts))}"
        if source["version"] > 1:
            meta += f", version {source['version']}"
        meta += (f" · {len(quotes)} quoted facts · n/p between quotes, enter opens the fact; "
                 "]/[ between sentences, f makes a fact of one")
        self.query_one("#reader-meta", Static).update(Text(printable_line(meta)))
        # One widget a paragraph, so that a quote can be scrolled into view (made once: the text is fixed).
        container = self.query_one("#reader-text", VerticalScroll)
        if not container.children:
            container.mount_all(Static(id=f"para-{i}") for i in range(self.text.count("\n") + 1))
        self.call_after_refresh(self._draw_text)

    def _draw_text(self) -> None:
        marks: dict[int, str] = {}  # a quote's end -> its marker
        bounds = {0, len(self.text)}
        for q in self.quotes:
            bounds |= {q["quote_start"], q["quote_end"]}
            marks.setdefault(q["quote_end"], "")
            marks[q["quote_end"]] += f"[#{q['id']}]"
        sentence = self.sentences[self.sentence] if self.sentence is not None else None
        if sentence is not None:
            bounds |= {sentence.start, sentence.end}
        cuts = sorted(b for b in bounds if 0 <= b <= len(self.text))
        out = Text()
        for a, b in pairwise(cuts):
            style = ""
            for i, q in enumerate(self.quotes):
                if q["quote_start"] <= a < q["quote_end"]:
                    style = "bold reverse" if i == self.current and self.sentence is None else "underline bold"
                    break
            if sentence is not None and sentence.start <= a < sentence.end:
                style = (style + " on dark_blue").strip()
            out.append(printable(self.text[a:b]), style=style or None)
            if b in marks:
                out.append(marks[b], style="dim")
        start = 0  # where the paragraph starts in the text (the drawn line has the quotes' markers too)
        for i, (line, paragraph) in enumerate(zip(out.split("\n", allow_blank=True), self.text.split("\n"),
                                                  strict=True)):
            end = start + len(paragraph)
            first = bisect_left(self.page_starts, start)
            if first < len(self.page_starts) and self.page_starts[first] <= end:  # a PDF page begins here
                line = Text.assemble((f"— page {first + 1} —\n", "dim"), line)
            if self._drawn.get(i) != line:  # an update lays the text out again: only where a step changed it
                self._drawn[i] = line
                self.query_one(f"#para-{i}", Static).update(line)
            start = end + 1

    def _scroll_to_offset(self, offset: int) -> None:
        """Bring the paragraph holding a character offset of the text to the top."""
        paragraph = self.text.count("\n", 0, offset)
        self.query_one(f"#para-{paragraph}", Static).scroll_visible(animate=False, top=True)

    def action_move(self, step: int) -> None:
        if not self.quotes:
            return
        self.sentence = None
        self.current = (self.current + step) % len(self.quotes)
        self._draw_text()
        self._scroll_to_offset(self.quotes[self.current]["quote_start"])

    def action_sentence(self, step: int) -> None:
        if not self.sentences:
            return
        if self.sentence is None:
            # Start from the sentence holding the current quote, if any.
            at = self.quotes[self.current]["quote_start"] if self.quotes else 0
            self.sentence = next((i for i, s in enumerate(self.sentences) if s.end > at), 0)
        else:
            self.sentence = max(0, min(len(self.sentences) - 1, self.sentence + step))
        self._draw_text()
        self._scroll_to_offset(self.sentences[self.sentence].start)

    def action_new_fact(self) -> None:
        if self.sentence is None:
            self.action_sentence(0)
        if self.sentence is None:
            return
        passage = self.sentences[self.sentence]
        collection, key = self.collection, self.key

        def read() -> FormStart:
            return start_from_draft(collection.passage_draft(key, passage.start, passage.end),
                                    collection.source(key)[0]["text"] or "")
        self.post_message(NewFactRequested(f"New fact from {key}, characters {passage.start}-{passage.end}",
                                           read, lambda fact_id: self._load()))

    def action_open(self) -> None:
        if self.quotes:
            self.post_message(JumpToFact(self.quotes[self.current]["id"]))

    def action_inbox(self) -> None:
        self.app.push_screen(InboxScreen(self.collection, self.key, self.author))

    def action_open_url(self) -> None:
        if self.source:
            open_source_url(self, self.source)


class InboxScreen(Screen):
    """A source's pending candidate figures beside their text: accept into the fact form, or reject."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("a", "accept", "Accept"),
        Binding("r", "reject", "Reject"),
    ]
    DEFAULT_CSS = """
    InboxScreen #inbox-progress { padding: 0 1; color: $accent; height: auto; }
    InboxScreen #inbox-body { height: 1fr; }
    InboxScreen DataTable { width: 3fr; max-width: 76; }
    InboxScreen #inbox-context { width: 2fr; padding: 0 1; border-left: solid $panel; }
    """

    def __init__(self, collection: Collection, key: str, author: str) -> None:
        super().__init__()
        self.collection, self.key, self.author = collection, key, author
        self.doc: Document | None = None
        self.found: list[Candidate] = []
        self.pending: list[Candidate] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("reading the source…"), id="inbox-progress")
        with Horizontal(id="inbox-body"):
            yield RowTable(id="inbox-table")
            with VerticalScroll(id="inbox-context"):
                yield Static(id="inbox-paragraph")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("figure", 24), ("reading", 32), ("span", 11)):  # what a person reads first
            table.add_column(label, width=width)
        self._load()

    @background(exclusive=True)
    def _load(self) -> None:
        doc, found, counts = self.collection.inbox(self.key)
        self.app.call_from_thread(self._show, doc, found, counts)

    def _show(self, doc: Document, found: list[Candidate], counts: dict[str, int]) -> None:
        self.doc, self.found = doc, found
        self.pending = [c for c in found if c.kind == "quantity"]
        self.query_one("#inbox-progress", Static).update(Text(
            f"{self.key}: {counts['accepted']} accepted · {counts['rejected']} rejected · {counts['pending']} pending"
            "   a accepts into the fact form, r rejects"))
        table = self.query_one(DataTable)
        row = table.cursor_row  # after a decision, the next pending candidate takes the decided one's place
        table.clear()
        for c in self.pending:
            reading = f"{format_quantity_unit(c.as_dict())} ({c.qualifier})"
            table.add_row(_cell(c.text), _cell(reading), _cell(f"{c.start}-{c.end}"), key=f"{c.start}-{c.end}")
        if self.pending:
            table.move_cursor(row=min(row, len(self.pending) - 1), animate=False)
        table.focus()
        self._show_paragraph()

    def candidate_at_cursor(self) -> Candidate | None:
        table = self.query_one(DataTable)
        if not self.pending or table.cursor_row is None or table.cursor_row >= len(self.pending):
            return None
        return self.pending[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_paragraph()

    def _show_paragraph(self) -> None:
        c = self.candidate_at_cursor()
        body = self.query_one("#inbox-paragraph", Static)
        if c is None or self.doc is None:
            body.update(Text("Nothing pending.", style="dim"))
            return
        body.update(quote_in_context(self.doc.text, c.start, c.end))

    def action_reject(self) -> None:
        c = self.candidate_at_cursor()
        if c is not None and self.doc is not None:
            self._reject(self.doc, c)

    @background(exclusive=True, group="decide")
    def _reject(self, doc: Document, candidate: Candidate) -> None:
        self.collection.reject(doc, candidate, self.author)
        self.app.call_from_thread(self._load)

    def action_accept(self) -> None:
        c, doc = self.candidate_at_cursor(), self.doc
        if c is None or doc is None:
            return
        start = start_from_draft(draft_fact(doc, c, self.found), doc.text)
        collection, author = self.collection, self.author

        def save(data: dict, allow_duplicate: bool, create_actors: bool) -> int:
            return collection.accept(doc, c, data, author, allow_duplicate, create_actors)
        self.post_message(NewFactRequested(f"New fact from {self.key}, characters {c.start}-{c.end}",
                                           lambda: start, lambda fact_id: self._load(), save))


class ActorsScreen(Screen):
    """Every actor with its kind, other names and number of claims; enter corrects one's name or kind."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "app.pop_screen", "Back")]
    DEFAULT_CSS = """
    ActorsScreen #actors-title { padding: 0 1; color: $accent; height: auto; }
    ActorsScreen DataTable { height: 1fr; }
    """

    def __init__(self, collection: Collection, author: str) -> None:
        super().__init__()
        self.collection, self.author = collection, author
        self.actors: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("reading the actors…"), id="actors-title")
        yield RowTable(id="actors-table")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("name", 30), ("kind", 12), ("claims", 6), ("speaks for", 24), ("other names", 50)):
            table.add_column(label, width=width)
        self._load()

    @background(exclusive=True)
    def _load(self, keep: int | None = None) -> None:
        actors = self.collection.actors()
        self.app.call_from_thread(self._show, actors, keep)

    def _show(self, actors: list[dict], keep: int | None) -> None:
        self.actors = actors
        self.query_one("#actors-title", Static).update(Text(
            f"{len(actors)} actors   enter corrects the highlighted actor's name or kind, or links whom it speaks for"))
        table = self.query_one(DataTable)
        table.clear()
        for a in actors:
            table.add_row(_cell(a["name"]), _cell(a["kind"]), Text(str(a["claims"]), justify="right"),
                          _cell(a["speaks_for"]), _cell(a["aliases"]), key=str(a["id"]))
        if keep is not None:
            table.move_cursor(row=next((i for i, a in enumerate(actors) if a["id"] == keep), 0), animate=False)
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        actor = next((a for a in self.actors if str(a["id"]) == event.row_key.value), None)
        if actor is None:
            return
        collection, author, actor_id = self.collection, self.author, actor["id"]

        def save(name: str, kind: str, speaks_for: SpeaksFor | None) -> list[str]:
            return collection.edit_actor(actor_id, name, kind, author, speaks_for)

        def saved(changed: list[str] | None) -> None:
            if changed is not None:
                self._load(actor_id)
        names = [a["name"] for a in self.actors if a["id"] != actor_id]
        self.app.push_screen(ActorDialog(actor, save, names), saved)


class ConflictsScreen(Screen):
    """What analysts did apart that cannot both stand (facts conflicts): each conflict, and under it the sides
    of the highlighted one; a digit takes that side, b keeps two facts entered alike as two claims, enter
    opens the fact (or the source whose texts were stored apart)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back"),
        *(Binding(str(n), f"take('{n}')", f"Take side {n}", show=n <= 2) for n in range(1, 10)),
        Binding("b", "take('both')", "Both are claims", show=False),
    ]
    DEFAULT_CSS = """
    ConflictsScreen #conflicts-title { padding: 0 1; color: $accent; height: auto; }
    ConflictsScreen DataTable { height: 1fr; }
    ConflictsScreen #conflict-sides { height: auto; max-height: 12; padding: 0 1; border-top: solid $accent; }
    """

    def __init__(self, collection: Collection, author: str) -> None:
        super().__init__()
        self.collection, self.author = collection, author
        self.conflicts: list = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("reading the conflicts…"), id="conflicts-title")
        yield RowTable(id="conflicts-table")
        yield Static(id="conflict-sides")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("#", 4), ("about", 22), ("what", 40)):
            table.add_column(label, width=width)
        self._load()

    @background(exclusive=True)
    def _load(self) -> None:
        conflicts = self.collection.conflicts()
        self.app.call_from_thread(self._show, conflicts)

    def _show(self, conflicts: list) -> None:
        self.conflicts = conflicts
        title = (f"{plural(len(conflicts), 'conflict')}   a digit takes that side, b keeps two as two claims, "
                 "enter opens its fact or source" if conflicts
                 else "No conflicts: nothing done apart waits for a decision.")
        self.query_one("#conflicts-title", Static).update(Text(title))
        table = self.query_one(DataTable)
        table.clear()
        for c, _ in conflicts:
            what = f"{c.field} {KIND_NAMES[c.kind]}" if c.kind == "field" else KIND_NAMES[c.kind]
            table.add_row(Text(f"#{c.id}"), _cell(c.about), _cell(what), key=str(c.id))
        self._sides()
        table.focus()

    def _current(self) -> tuple | None:
        table = self.query_one(DataTable)
        if not self.conflicts or table.cursor_row >= len(self.conflicts):
            return None
        return self.conflicts[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._sides()

    def _sides(self) -> None:
        current = self._current()
        out = Text()
        if current is not None:
            conflict, values = current
            what = f"{conflict.field} {KIND_NAMES[conflict.kind]}" if conflict.kind == "field" \
                else KIND_NAMES[conflict.kind]
            out.append(printable_line(f"#{conflict.id} {conflict.about}: {what}") + "\n", style="bold")
            width = max((len(printable_line(v)) for v in values), default=0)
            for number, (side, value) in enumerate(zip(conflict.sides, values, strict=True), 1):
                when = side.at.replace("T", " ")[:16] if side.at else ""
                out.append(f"{number}  ", style="bold")
                out.append(printable_line(value).ljust(width))
                if side.by or when:
                    out.append("   ")
                    out.append(printable_line(side.by or ""), style="dim")
                    out.append(f"  {when}", style="dim")
                out.append("\n")
        self.query_one("#conflict-sides", Static).update(out)

    def action_take(self, take: str) -> None:
        current = self._current()
        if current is None:
            return
        conflict, values = current
        if (take == "both" and conflict.kind != "duplicate") or (take != "both" and int(take) > len(values)):
            return
        collection, author = self.collection, self.author
        question = ("Keep these two facts as two claims?" if take == "both"
                    else f"{conflict.about}: take {values[int(take) - 1]} (side {take})?")

        def write() -> str:
            return collection.resolve(conflict.id, take, author)

        def written(done: str | None) -> None:
            if done is not None:
                self.notify(printable_line(done))
                self._load()
        self.app.push_screen(ConfirmDialog(question, write, title="Resolve"), written)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:  # enter
        current = self._current()
        if current is None:
            return
        conflict, _ = current
        if conflict.kind == "source" and conflict.field == "text":  # its current text, to read both in context
            key = self.collection.source_key_of(conflict.subject)
            if key is not None:
                self.app.push_screen(SourceReaderScreen(self.collection, key, self.author))
            return
        fact_id = self.collection.fact_id_of(conflict.subject) if conflict.kind in ("field", "duplicate") else None
        if fact_id is not None:
            self.post_message(JumpToFact(fact_id))


HELP = """\
Keys
  /            type a filter          escape     back to the table
  up/down j/k  move                   pgup/pgdn  page
  home/end g/G first / last           1-9        sort by column (again: reverse)
  s / S        next sort / reverse    click a header to sort
  c            compare the subject    o          sources and their text
  n / e        new fact / edit it     h          its history; enter reverts a change
  a t r d      note, tag (-tag removes), re-rate, status (with a reason); u undoes the last one
  x            export what the table shows (CSV, Datasette JSON, full fidelity)
  i            (on a source) the inbox of candidate figures: a accepts, r rejects
  e / u / U    (on a source) correct its metadata with a reason / open its URL / its archive copy
  ] [ and f    (reading a source) move over sentences; make a fact of one
  A            the actors; enter corrects a name or kind
  K            conflicts left by work done apart (facts sync): a digit takes a side
  ctrl+o       (in the fact form) into the source beside it, to scroll it
  f            show/hide facets       ctrl+r     refresh now
  ?            this help              ctrl+p     every action
  q            quit

The filter language (the same as `facts list --where`)
  actor:nato              claimant, by name or alias
  subject:"troops in"     subject contains;  subject="Russian troops in Belarus" is exactly it
  unit:troops  source:KEY  status:disputed  tag:x
  anchor:orphan           quotes a new version of their source lost (also exact, context, fuzzy)
  is:conflicted           changed apart by two analysts, or entered twice (K lists them)
  date:2022-02..2022-03   holds at some time in the range (date:2022 for one year)
  conf>=0.6  conf>=likely value>10000     comparisons: > >= < <= =
  other words             full-text search in claim, subject, quote; "a phrase" in that order
  a b  (or a AND b)       both hold          a OR b     either holds (looser than side by side)
  -tag:x  NOT tag:x       leaves those out   ( )        groups: (status:disputed OR tag:x) unit:troops

Selecting a facet adds its term to the filter; selecting it again removes it.
The table follows changes made by other programs (facts import, facts rate ...).
"""


class HelpScreen(ModalScreen[None]):
    """The keys and the filter language."""

    CSS_PATH = "dialog.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "app.pop_screen", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(), VerticalScroll():
            yield Static(Text(HELP))
