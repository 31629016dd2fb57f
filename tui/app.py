"""The terminal browser: a table of facts, a filter bar, facets, and the highlighted fact in full."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer, Header, Input

from facts.collection import Collection, Query
from facts.display import printable_line
from facts.errors import FactsError, WhereError
from facts.where import parse_where, toggle_term

from .curate import AnnotateScreen, ExportScreen, HistoryScreen
from .fact_table import COLUMNS, FactTable
from .form import FactForm
from .panes import FACET_NAMES, DetailPane, FacetPanel, FilterBar, facet_term
from .screens import CompareScreen, HelpScreen, SourcesScreen

REFRESH_SECONDS = 1.0
DETAIL_DELAY = 0.06


class FactsApp(App):
    """Browse, filter, sort and inspect facts."""

    TITLE = "facts"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("question_mark", "help", "Help"),
        Binding("slash", "focus_filter", "Filter"),
        Binding("escape", "focus_table", "Table", show=False),
        Binding("c", "compare", "Compare"),
        Binding("o", "sources", "Sources"),
        Binding("f", "toggle_facets", "Facets"),
        Binding("n", "new_fact", "New"),
        Binding("e", "edit_fact", "Edit"),
        Binding("a", "annotate('note')", "Note"),
        Binding("t", "annotate('tag')", "Tag"),
        Binding("r", "annotate('rate')", "Rate"),
        Binding("d", "annotate('status')", "Status"),
        Binding("h", "history", "History", show=False),
        Binding("u", "undo", "Undo", show=False),
        Binding("x", "export", "Export", show=False),
        Binding("ctrl+r", "refresh", "Refresh", show=False),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, db_path: str | Path, initial_filter: str = "") -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.collection = Collection(self.db_path)
        self.watcher = Collection(self.db_path)  # main thread only: PRAGMA data_version is per connection
        self.initial_filter = initial_filter
        self.query_state = Query()
        self.seen_version: int | None = None
        self.total: int | None = None
        self._detail_timer = None
        self.session_annotations: list[int] = []  # what u can undo, newest last
        from facts.db import current_author
        self.author = current_author()

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterBar(id="filter-bar")
        with Horizontal(id="body"):
            yield FacetPanel(id="facets")
            with Vertical(id="main"):
                yield FactTable(self.collection, id="table")
                yield DetailPane(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = printable_line(self.db_path.name)
        self.query_one("#facets").display = self.size.width >= 150  # the table needs the room below that
        table = self.query_one(FactTable)
        table.focus()
        if self.initial_filter:
            self.query_one(FilterBar).set_value(self.initial_filter)
        self.apply_filter(self.initial_filter)
        self.seen_version = self.watcher.version()
        self.set_interval(REFRESH_SECONDS, self.check_for_changes)

    # --- the query ------------------------------------------------------------------

    def apply_filter(self, text: str) -> None:
        bar = self.query_one(FilterBar)
        try:
            flt = parse_where(text)
        except WhereError as e:
            bar.show_error(str(e))
            return
        bar.show_error(None)
        self.query_state = Query(flt, self.query_state.sort, self.query_state.descending)
        self.reload()

    def reload(self, keep_id: int | None = None) -> None:
        self.total = None
        self._update_title()
        self.query_one(FactTable).load(self.query_state, keep_id=keep_id)
        self.query_one(FacetPanel).show_pending()
        self._load_facets(self.query_state)

    @work(thread=True, exclusive=True, group="facets")
    def _load_facets(self, query: Query) -> None:
        try:
            counts = self.collection.facets(query, FACET_NAMES)
        except FactsError:
            return  # the table reports it
        self.call_from_thread(self._show_facets, query, counts)

    def _show_facets(self, query: Query, counts) -> None:
        if query is self.query_state:
            self.query_one(FacetPanel).show_counts(counts, self.query_one(FilterBar).value)

    def _update_title(self) -> None:
        count = "counting…" if self.total is None else f"{self.total:,} facts"
        self.sub_title = f"{printable_line(self.db_path.name)} · {count}"

    @on(Input.Changed, "#filter-input")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.apply_filter(event.value)

    @on(Input.Submitted, "#filter-input")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.query_one(FactTable).focus()

    @on(FactTable.Counted)
    def _counted(self, event: FactTable.Counted) -> None:
        if event.error:
            self.query_one(FilterBar).show_error(event.error)
            return
        self.total = event.total
        self._update_title()

    @on(FactTable.SortChanged)
    def _sort_changed(self, event: FactTable.SortChanged) -> None:
        keep = self.query_one(FactTable).highlighted_id()
        self.query_state = Query(self.query_state.filter, event.sort, event.descending)
        self.query_one(FactTable).load(self.query_state, keep_id=keep)

    @on(FacetPanel.Toggled)
    def _facet_toggled(self, event: FacetPanel.Toggled) -> None:
        bar = self.query_one(FilterBar)
        bar.set_value(toggle_term(bar.value, facet_term(event.facet, event.value)))  # Input.Changed applies it

    # --- the detail pane ------------------------------------------------------------

    @on(FactTable.Highlighted)
    def _highlighted(self, event: FactTable.Highlighted) -> None:
        if event.fact_id is None:
            return
        # Wait for the cursor to rest: holding a key down reads no detail for each row passed.
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_DELAY, lambda: self._load_detail(event.fact_id))

    @work(thread=True, exclusive=True, group="detail")
    def _load_detail(self, fact_id: int) -> None:
        try:
            detail = self.collection.fact(fact_id)
        except FactsError:
            detail = None
        self.call_from_thread(self.query_one(DetailPane).show, detail)

    # --- live refresh ------------------------------------------------------------------

    def check_for_changes(self) -> None:
        version = self.watcher.version()
        if version != self.seen_version:
            self.seen_version = version
            try:
                self.action_refresh()
            except NoMatches:  # the timer fired as the app closed: its table is gone
                pass

    def action_refresh(self) -> None:
        table = self.query_one(FactTable)
        keep = table.highlighted_id()
        self.reload(keep_id=keep)
        if keep is not None:
            self._load_detail(keep)

    # --- actions ------------------------------------------------------------------------

    MAIN_ONLY = {"focus_filter", "focus_table", "compare", "sources", "toggle_facets", "refresh", "sort",
                 "new_fact", "edit_fact", "annotate", "history", "export", "undo"}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The table's keys mean nothing over another screen (and are not shown there).
        if action in self.MAIN_ONLY and len(self.screen_stack) > 1:
            return False
        return True

    def action_focus_filter(self) -> None:
        self.query_one("#filter-input", Input).focus()

    def action_focus_table(self) -> None:
        if isinstance(self.screen, Screen) and self.screen is self.screen_stack[0]:
            self.query_one(FactTable).focus()

    def action_toggle_facets(self) -> None:
        facets = self.query_one("#facets")
        facets.display = not facets.display

    def action_compare(self) -> None:
        row = self.query_one(FactTable).highlighted_row()
        if row is None:
            self.notify("No fact highlighted", severity="warning", markup=False)
            return
        self.push_screen(CompareScreen(self.collection, row["subject"], row["unit"]))

    # --- curating ---------------------------------------------------------------------

    @work(thread=True, group="prepare")
    def prepare(self, fetch: Callable[[], object], show: Callable[[object], None]) -> None:
        """Read what a screen needs in a thread, then open it: no key waits on SQLite."""
        try:
            value = fetch()
        except FactsError as e:
            message = printable_line(str(e))
            self.call_from_thread(lambda: self.notify(message, severity="error", markup=False))
            return
        self.call_from_thread(show, value)

    def _written(self, result) -> None:
        """After a write: read the database again, keeping the cursor on the same fact."""
        if result is not None:
            self.action_refresh()

    def new_fact_form(self, title: str, fetch_values: Callable[[], dict], added: Callable[[int], None]) -> None:
        """Open the form for a new fact, filled with what fetch_values reads (in a worker)."""
        collection, author = self.collection, self.author

        def save(data: dict, allow_duplicate: bool, create_actors: bool) -> int:
            return collection.add(data, author, allow_duplicate, create_actors)

        def done(fact_id) -> None:
            if fact_id is not None:
                self.notify(f"Added fact #{fact_id}", markup=False)
                added(fact_id)
        self.prepare(lambda: (fetch_values(), collection.vocabulary()),
                     lambda got: self.push_screen(FactForm(title, got[0], save, got[1]), done))

    def action_new_fact(self) -> None:
        def added(fact_id: int) -> None:
            self.action_refresh()
            self.query_one(FactTable).select_fact(fact_id)
        self.new_fact_form("New fact", dict, added)

    def action_edit_fact(self) -> None:
        fact_id = self.query_one(FactTable).highlighted_id()
        if fact_id is None:
            return
        collection, author = self.collection, self.author

        def save(data: dict, allow_duplicate: bool, create_actors: bool) -> int:
            collection.edit(fact_id, data, author)
            return fact_id
        self.prepare(lambda: (collection.record(fact_id), collection.vocabulary()),
                     lambda got: self.push_screen(FactForm(f"Edit fact #{fact_id}", got[0], save, got[1]), self._written))

    def action_annotate(self, kind: str) -> None:
        fact_id = self.query_one(FactTable).highlighted_id()
        if fact_id is None:
            return
        collection, author = self.collection, self.author

        def save(fields: dict) -> int:
            if kind == "tag" and fields.get("tag", "").startswith("-"):
                number = collection.annotate(fact_id=fact_id, kind="untag", tag=fields["tag"][1:].strip(), author=author)
            else:
                number = collection.annotate(fact_id=fact_id, kind=kind, author=author, **fields)
            self.session_annotations.append(number)
            return number
        self.prepare(lambda: collection.vocabulary()["tags"] if kind == "tag" else [],
                     lambda tags: self.push_screen(AnnotateScreen(kind, fact_id, save, tags), self._written))

    def action_undo(self) -> None:
        """Withdraw the last annotation made in this session by appending a retraction; nothing is deleted."""
        if not self.session_annotations:
            self.notify("Nothing to undo in this session", severity="warning", markup=False)
            return
        number = self.session_annotations.pop()
        collection, author = self.collection, self.author

        def undone(retraction) -> None:
            self.notify(f"Retracted annotation #{number}", markup=False)
            self.action_refresh()
        self.prepare(lambda: collection.retract(number, author), undone)

    def action_history(self) -> None:
        fact_id = self.query_one(FactTable).highlighted_id()
        if fact_id is None:
            return
        collection, author = self.collection, self.author
        self.prepare(lambda: collection.fact(fact_id).history,
                     lambda history: self.push_screen(HistoryScreen(fact_id, history, lambda history_id: collection.revert(
                         history_id, author)), self._written))

    def action_export(self) -> None:
        query, collection = self.query_state, self.collection

        def done(result) -> None:
            if result:
                self.notify(f"Wrote {result[1]:,} facts to {result[0]}", markup=False)
        self.push_screen(ExportScreen(lambda shape, path: collection.export_view(query, shape, path)), done)

    def action_sources(self) -> None:
        self.push_screen(SourcesScreen(self.collection))

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_sort(self, sort: str) -> None:
        self.query_one(FactTable)._sort_by(sort)

    def jump_to_fact(self, fact_id: int) -> None:
        """Back to the table with the cursor on a fact; the filter is cleared if it hides the fact."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        table = self.query_one(FactTable)
        table.focus()
        if not table.select_fact(fact_id):
            self.query_one(FilterBar).set_value("")
            self.query_state = Query(parse_where(""), self.query_state.sort, self.query_state.descending)
            self.reload(keep_id=fact_id)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Filter", "Type a filter (/)", self.action_focus_filter)
        yield SystemCommand("Compare", "Every claim on the highlighted fact's subject (c)", self.action_compare)
        yield SystemCommand("Sources", "Sources and their full text (o)", self.action_sources)
        yield SystemCommand("Facets", "Show or hide the facets (f)", self.action_toggle_facets)
        yield SystemCommand("Refresh", "Read the database again (ctrl+r)", self.action_refresh)
        yield SystemCommand("New fact", "A new fact through the form (n)", self.action_new_fact)
        yield SystemCommand("Edit fact", "Change the highlighted fact (e)", self.action_edit_fact)
        yield SystemCommand("Note", "A note on the highlighted fact (a)", lambda: self.action_annotate("note"))
        yield SystemCommand("Tag", "Tag the highlighted fact; -tag removes (t)", lambda: self.action_annotate("tag"))
        yield SystemCommand("Re-rate", "Change the confidence, with a reason (r)", lambda: self.action_annotate("rate"))
        yield SystemCommand("Status", "Mark disputed, retracted or superseded (d)", lambda: self.action_annotate("status"))
        yield SystemCommand("History", "The fact's changes; revert one (h)", self.action_history)
        yield SystemCommand("Undo", "Retract the last annotation made in this session (u)", self.action_undo)
        yield SystemCommand("Export", "Write what the table shows to a file (x)", self.action_export)
        yield SystemCommand("Help", "Keys and the filter language (?)", self.action_help)
        yield SystemCommand("Reverse sort", "Sort the other way (S)", self.query_one(FactTable).action_reverse)
        for column in COLUMNS:
            if column.sort:
                yield SystemCommand(f"Sort by {column.title}", f"Order the table by {column.title}",
                                    lambda sort=column.sort: self.action_sort(sort))


def run(db_path: str | Path, initial_filter: str = "") -> None:
    FactsApp(db_path, initial_filter).run()
