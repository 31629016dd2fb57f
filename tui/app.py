"""The terminal browser: the app holds what every screen shares (the collection, the author, the
watch for changes by other programs, the command palette) and opens the main screen."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.screen import Screen

from facts.collection import Collection
from facts.db import current_author

from .fact_table import COLUMNS
from .form import FactForm, SaveFact
from .main_screen import MainScreen
from .messages import JumpToFact, NewFactRequested
from .screens import HelpScreen
from .threads import run_then

REFRESH_SECONDS = 1.0


class FactsApp(App[None]):
    """Browse, filter, sort and inspect facts."""

    TITLE = "facts"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, db_path: str | Path, initial_filter: str = "") -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.collection = Collection(self.db_path)
        self.watcher = Collection(self.db_path)  # main thread only: PRAGMA data_version is per connection
        self.author = current_author()
        self.main_screen = MainScreen(self.collection, self.author, self.db_path.name, initial_filter)
        self.seen_version: int | None = None

    def get_default_screen(self) -> MainScreen:
        return self.main_screen

    def on_mount(self) -> None:
        self.seen_version = self.watcher.version()
        self.set_interval(REFRESH_SECONDS, self.check_for_changes)

    def check_for_changes(self) -> None:
        """Another program (facts import, facts rate ...) changed the database: show it."""
        version = self.watcher.version()
        if version != self.seen_version:
            self.seen_version = version
            with suppress(NoMatches):  # the timer fired as the app closed: its table is gone
                self.main_screen.action_refresh()

    # --- what screens ask for --------------------------------------------------------------

    @on(JumpToFact)
    def _jump_to_fact(self, message: JumpToFact) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.main_screen.show_fact(message.fact_id)

    @on(NewFactRequested)
    def _new_fact(self, request: NewFactRequested) -> None:
        collection, author = self.collection, self.author

        def add(data: dict, allow_duplicate: bool, create_actors: bool) -> int:
            return collection.add(data, author, allow_duplicate, create_actors)
        save: SaveFact = request.save or add

        def saved(fact_id: int | None) -> None:
            if fact_id is not None:
                self.notify(f"Added fact #{fact_id}", markup=False)
                request.added(fact_id)
        run_then(self, lambda: (request.read_start(), collection.vocabulary()),
                 lambda got: self.push_screen(FactForm(request.title, got[0], save, got[1], collection.add_actor,
                                                       collection.repeat_suggestions), saved))

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        main = self.main_screen
        yield SystemCommand("Filter", "Type a filter (/)", main.action_focus_filter)
        yield SystemCommand("Compare", "Every claim on the highlighted fact's subject (c)", main.action_compare)
        yield SystemCommand("Sources", "Sources and their full text (o)", main.action_sources)
        yield SystemCommand("Actors", "Actors with their kinds, other names and claims; correct one (A)",
                            main.action_actors)
        yield SystemCommand("Conflicts", "What analysts did apart: take a side (K)", main.action_conflicts)
        yield SystemCommand("Facets", "Show or hide the facets (f)", main.action_toggle_facets)
        yield SystemCommand("Refresh", "Read the database again (ctrl+r)", main.action_refresh)
        yield SystemCommand("New fact", "A new fact through the form (n)", main.action_new_fact)
        yield SystemCommand("Edit fact", "Change the highlighted fact (e)", main.action_edit_fact)
        yield SystemCommand("Note", "A note on the highlighted fact (a)", lambda: main.action_annotate("note"))
        yield SystemCommand("Tag", "Tag the highlighted fact; -tag removes (t)", lambda: main.action_annotate("tag"))
        yield SystemCommand("Re-rate", "Change the confidence, with a reason (r)", lambda: main.action_annotate("rate"))
        yield SystemCommand("Status", "Mark disputed, retracted or superseded (d)",
                            lambda: main.action_annotate("status"))
        yield SystemCommand("History", "The fact's changes; revert one (h)", main.action_history)
        yield SystemCommand("Undo", "Retract the last annotation made in this session (u)", main.action_undo)
        yield SystemCommand("Export", "Write what the table shows to a file (x)", main.action_export)
        yield SystemCommand("Help", "Keys and the filter language (?)", self.action_help)
        yield SystemCommand("Reverse sort", "Sort the other way (S)", main.action_reverse)
        for column in COLUMNS:
            if column.sort:
                yield SystemCommand(f"Sort by {column.title}", f"Order the table by {column.title}",
                                    lambda sort=column.sort: main.action_sort(sort))


def run(db_path: str | Path, initial_filter: str = "") -> None:
    FactsApp(db_path, initial_filter).run()
