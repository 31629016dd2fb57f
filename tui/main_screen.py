"""The main screen: the filter bar, facets, the table of facts and the highlighted fact in full,
with the keys that act on them."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input

from facts.collection import Collection, Query
from facts.display import format_confidence, printable_line
from facts.errors import FactsError, WhereError
from facts.facets import FacetValue
from facts.query import FactDetail
from facts.where import parse_where, toggle_term

from .curate import AnnotateScreen, ExportScreen, HistoryScreen
from .fact_table import FactTable
from .form import FactForm, FormStart, Passage
from .messages import NewFactRequested
from .panes import FACET_NAMES, DetailPane, FacetPanel, FilterBar, facet_term
from .screens import ActorsScreen, CompareScreen, ConflictsScreen, SourcesScreen
from .threads import background, run_then

DETAIL_DELAY = 0.06


def edit_start(record: dict, detail: FactDetail) -> FormStart:
    """The form for editing a fact: its record, beside its quote in the source when it has one."""
    fact = detail.fact
    passage = None
    if detail.source_text and fact.get("quote_start") is not None and fact.get("quote_end") is not None:
        passage = Passage(fact["source"], detail.source_text, fact["quote_start"], fact["quote_end"])
    return FormStart(record, passage)


def current_value(fact: dict, kind: str) -> str:
    """What a re-rating or status change replaces, as it reads: '0.68 likely', 'disputed: ...'."""
    if kind == "rate":
        return format_confidence(fact["confidence"])
    if kind == "status":
        return fact["status"] + (f": {fact['status_reason']}" if fact.get("status_reason") else "")
    return ""


class MainScreen(Screen[None]):
    """Browse, filter, sort and inspect facts; curate the highlighted one."""

    CSS_PATH = "main_screen.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "app.help", "Help"),  # the app's key; here so that the footer lists it first
        Binding("slash", "focus_filter", "Filter"),
        Binding("escape", "focus_table", "Table", show=False),
        Binding("c", "compare", "Compare"),
        Binding("o", "sources", "Sources"),
        Binding("A", "actors", "Actors", show=False),
        Binding("K", "conflicts", "Conflicts", show=False),
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
    ]

    def __init__(self, collection: Collection, author: str, db_name: str, initial_filter: str = "") -> None:
        super().__init__()
        self.collection, self.author = collection, author
        self.db_name = printable_line(db_name)
        self.initial_filter = initial_filter
        self.query_state = Query()
        self.total: int | None = None
        self._facets_of: Query | None = None  # the result whose facets the panel shows or is counting
        self._detail_timer: Timer | None = None
        self.session_annotations: list[int] = []  # what u can undo, newest last

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
        self.query_one(FacetPanel).display = self.app.size.width >= 150  # the table needs the room below that
        self.table.focus()
        if self.initial_filter:
            self.query_one(FilterBar).set_value(self.initial_filter)
        self.apply_filter(self.initial_filter)

    @property
    def table(self) -> FactTable:
        return self.query_one(FactTable)

    # --- the query ------------------------------------------------------------------

    def apply_filter(self, text: str) -> None:
        bar = self.query_one(FilterBar)
        try:
            flt = parse_where(text)
        except WhereError as e:  # the table keeps the last filter that could be read, and says so
            bar.show_error(f"{e} · still showing the last good filter")
            return
        bar.show_error(None)
        self.query_state = Query(flt, self.query_state.sort, self.query_state.descending)
        self.reload()

    def reload(self, keep_id: int | None = None) -> None:
        self.total = None
        self._update_title()
        self.table.load(self.query_state, keep_id=keep_id)
        self._facets_of = None
        self._facets_again()

    def _facets_again(self) -> None:
        """Count the facets of the current result, if the panel shows them (else when it is shown)."""
        facets = self.query_one(FacetPanel)
        if facets.display and self._facets_of is not self.query_state:
            self._facets_of = self.query_state
            facets.show_pending()
            self._load_facets(self.query_state)

    @background(exclusive=True, group="facets")
    def _load_facets(self, query: Query) -> None:
        try:
            counts = self.collection.facets(query, FACET_NAMES)
        except FactsError:
            return  # the table reports it
        self.app.call_from_thread(self._show_facets, query, counts)

    def _show_facets(self, query: Query, counts: dict[str, list[FacetValue]]) -> None:
        if query is self.query_state:
            self.query_one(FacetPanel).show_counts(counts, self.query_one(FilterBar).value)

    def _update_title(self) -> None:
        count = "counting…" if self.total is None else f"{self.total:,} facts"
        self.app.sub_title = f"{self.db_name} · {count}"  # the app's: the screens over this one show it too

    @on(Input.Changed, "#filter-input")
    def _filter_changed(self, event: Input.Changed) -> None:
        # Read at every key, not after a pause: a read the next key makes stale is interrupted (Collection._db),
        # and from the columns in memory a count takes milliseconds, which a pause would only delay.
        self.apply_filter(event.value)

    @on(Input.Submitted, "#filter-input")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.table.focus()

    @on(FactTable.Counted)
    def _counted(self, event: FactTable.Counted) -> None:
        if event.error:
            self.query_one(FilterBar).show_error(event.error)
            return
        self.total = event.total
        self._update_title()

    @on(FactTable.SortChanged)
    def _sort_changed(self, event: FactTable.SortChanged) -> None:
        keep = self.table.highlighted_id()
        self.query_state = Query(self.query_state.filter, event.sort, event.descending)
        self.table.load(self.query_state, keep_id=keep)

    @on(FacetPanel.Toggled)
    def _facet_toggled(self, event: FacetPanel.Toggled) -> None:
        bar = self.query_one(FilterBar)
        bar.set_value(toggle_term(bar.value, facet_term(event.facet, event.value)))  # Input.Changed applies it

    def show_fact(self, fact_id: int) -> None:
        """The cursor on a fact; the filter is cleared if it hides the fact."""
        table = self.table
        table.focus()
        if not table.select_fact(fact_id):
            self.query_one(FilterBar).set_value("")
            self.query_state = Query(parse_where(""), self.query_state.sort, self.query_state.descending)
            self.reload(keep_id=fact_id)

    # --- the detail pane ------------------------------------------------------------

    @on(FactTable.Highlighted)
    def _highlighted(self, event: FactTable.Highlighted) -> None:
        fact_id = event.fact_id
        if fact_id is None:
            return
        # Wait for the cursor to rest: holding a key down reads no detail for each row passed.
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_DELAY, lambda: self._load_detail(fact_id))

    @background(exclusive=True, group="detail")
    def _load_detail(self, fact_id: int) -> None:
        detail: FactDetail | None
        try:
            detail = self.collection.fact(fact_id)
        except FactsError:
            detail = None
        self.app.call_from_thread(self._show_detail, detail)

    def _show_detail(self, detail: FactDetail | None) -> None:
        self.query_one(DetailPane).show(detail)

    # --- actions ------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Read the database again, keeping the cursor on the same fact."""
        keep = self.table.highlighted_id()
        self.reload(keep_id=keep)
        if keep is not None:
            self._load_detail(keep)

    def action_focus_filter(self) -> None:
        self.query_one("#filter-input", Input).focus()

    def action_focus_table(self) -> None:
        self.table.focus()

    def action_toggle_facets(self) -> None:
        facets = self.query_one(FacetPanel)
        facets.display = not facets.display
        self._facets_again()

    def action_compare(self) -> None:
        row = self.table.highlighted_row()
        if row is None:
            self.notify("No fact highlighted", severity="warning", markup=False)
            return
        self.app.push_screen(CompareScreen(self.collection, row["subject"], row["unit"], row["id"]))

    def action_sources(self) -> None:
        self.app.push_screen(SourcesScreen(self.collection, self.author))

    def action_actors(self) -> None:
        self.app.push_screen(ActorsScreen(self.collection, self.author))

    def action_conflicts(self) -> None:
        self.app.push_screen(ConflictsScreen(self.collection, self.author))

    def action_sort(self, sort: str) -> None:
        self.table.sort_by(sort)

    def action_reverse(self) -> None:
        self.table.action_reverse()

    # --- curating ---------------------------------------------------------------------

    def _written(self, result: object | None) -> None:
        """After a dialog saved: read the database again (a cancelled dialog returns None)."""
        if result is not None:
            self.action_refresh()

    def action_new_fact(self) -> None:
        def added(fact_id: int) -> None:
            self.action_refresh()
            self.table.select_fact(fact_id)
        self.post_message(NewFactRequested("New fact", FormStart, added))

    def action_edit_fact(self) -> None:
        fact_id = self.table.highlighted_id()
        if fact_id is None:
            return
        collection, author = self.collection, self.author

        def save(data: dict, allow_duplicate: bool, create_actors: bool) -> int:
            collection.edit(fact_id, data, author)
            return fact_id

        def read() -> tuple[FormStart, dict[str, list[str]]]:
            return edit_start(collection.record(fact_id), collection.fact(fact_id)), collection.vocabulary()
        run_then(self, read, lambda got: self.app.push_screen(
            FactForm(f"Edit fact #{fact_id}", got[0], save, got[1], collection.add_actor,
                     lambda subject, quantity, actor: collection.repeat_suggestions(subject, quantity, actor,
                                                                                    fact_id)), self._written))

    def action_annotate(self, kind: str) -> None:
        fact_id = self.table.highlighted_id()
        if fact_id is None:
            return
        collection, author = self.collection, self.author

        def save(fields: dict) -> int:
            tag = str(fields.get("tag", ""))
            if kind == "tag" and tag.startswith("-"):
                return collection.annotate(fact_id=fact_id, kind="untag", tag=tag[1:].strip(), author=author)
            return collection.annotate(fact_id=fact_id, kind=kind, author=author, **fields)

        def annotated(number: int | None) -> None:
            if number is not None:
                self.session_annotations.append(number)
                self.action_refresh()

        def read() -> tuple[list[str], str]:
            tags = collection.vocabulary()["tags"] if kind == "tag" else []
            return tags, current_value(collection.fact(fact_id).fact, kind)
        run_then(self, read, lambda got: self.app.push_screen(AnnotateScreen(kind, fact_id, save, *got), annotated))

    def action_undo(self) -> None:
        """Withdraw the last annotation made in this session by appending a retraction; nothing is deleted."""
        if not self.session_annotations:
            self.notify("Nothing to undo in this session", severity="warning", markup=False)
            return
        number = self.session_annotations.pop()
        collection, author = self.collection, self.author

        def undone(_retraction: int) -> None:
            self.notify(f"Retracted annotation #{number}", markup=False)
            self.action_refresh()
        run_then(self, lambda: collection.retract(number, author), undone)

    def action_history(self) -> None:
        fact_id = self.table.highlighted_id()
        if fact_id is None:
            return
        collection, author = self.collection, self.author

        def revert(history_id: int) -> object:
            return collection.revert(history_id, author)
        run_then(self, lambda: collection.fact(fact_id).history,
                 lambda history: self.app.push_screen(HistoryScreen(fact_id, history, revert), self._written))

    def action_export(self) -> None:
        query, collection = self.query_state, self.collection

        def done(result: tuple[str, int] | None) -> None:
            if result:
                self.notify(f"Wrote {result[1]:,} facts to {result[0]}", markup=False)
        self.app.push_screen(ExportScreen(lambda shape, path: collection.export_view(query, shape, path)), done)
