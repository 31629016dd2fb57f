"""Curating from the browser: annotations, history with revert, exporting what is shown."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Select, Static

from facts.display import format_timestamp, printable_line
from facts.errors import FactsError
from facts.vocab import STATUSES

# kind -> (title, fields: (name, label, placeholder))
ANNOTATIONS = {
    "note": ("Note on fact #{id}", [("body", "Note", "what you want to remember about this fact")]),
    "tag": ("Tag fact #{id}", [("tag", "Tag", "a tag; prefix with - to remove it")]),
    "rate": ("Re-rate fact #{id}", [("confidence", "Confidence", "0..1 or a word: likely, very likely, ..."),
                                    ("body", "Reason", "why the rating changes")]),
    "status": ("Status of fact #{id}", [("status", "Status", "active, disputed, retracted or superseded"),
                                        ("body", "Reason", "why"),
                                        ("superseded_by", "Superseded by", "the id of the fact that supersedes it")]),
}


class AnnotateScreen(ModalScreen):
    """One annotation: `save(fields)` appends it (in a worker); problems show under their fields."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]
    DEFAULT_CSS = """
    AnnotateScreen { align: center middle; }
    AnnotateScreen > Vertical { width: 80; max-width: 100%; height: auto; border: round $accent;
                                background: $surface; padding: 0 1; }
    AnnotateScreen .title { text-style: bold; }
    AnnotateScreen .error { color: $error; height: auto; }
    AnnotateScreen Input { border: none; height: 1; background: $boost; margin-bottom: 1; }
    """

    def __init__(self, kind: str, fact_id: int, save: Callable[[dict], object], known_tags: list[str] = ()) -> None:
        super().__init__()
        self.kind, self.fact_id, self.save = kind, fact_id, save
        self.known_tags = list(known_tags)

    def compose(self) -> ComposeResult:
        title, fields = ANNOTATIONS[self.kind]
        with Vertical():
            yield Static(Text(title.format(id=self.fact_id) + "   (enter or ctrl+s saves, escape cancels)"),
                         classes="title")
            for name, label, placeholder in fields:
                yield Label(label)
                if name == "status":
                    yield Select([(s, s) for s in STATUSES],
                                 value="disputed", allow_blank=False, id=f"field-{name}")
                else:
                    yield Input(placeholder=placeholder, id=f"field-{name}",
                                suggester=_suggester(self.known_tags) if name == "tag" else None)
                yield Static(id=f"error-{name}", classes="error")
            yield Static(id="error-record", classes="error")

    def on_mount(self) -> None:
        self.query(Input).first().focus() if self.kind != "status" else self.query_one(Select).focus()

    def fields(self) -> dict:
        out = {}
        for name, _, _ in ANNOTATIONS[self.kind][1]:
            widget = self.query_one(f"#field-{name}")
            value = widget.value if isinstance(widget, Select) else widget.value.strip()
            if value:
                out[name] = int(value) if name == "superseded_by" and str(value).isdigit() else value
        return out

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        self._save(self.fields())

    @work(thread=True, exclusive=True)
    def _save(self, fields: dict) -> None:
        try:
            result = self.save(fields)
        except FactsError as e:
            self.app.call_from_thread(self._problems, getattr(e, "problems", None) or [("record", str(e))])
            return
        except Exception as e:  # a locked or full database: say so, keep what was typed
            self.app.call_from_thread(self._problems, [("record", f"not saved: {e}")])
            return
        self.app.call_from_thread(self.dismiss, result)

    def _problems(self, problems: list[tuple[str, str]]) -> None:
        names = {name for name, _, _ in ANNOTATIONS[self.kind][1]}
        for name in names | {"record"}:
            self.query_one(f"#error-{name}", Static).update("")
        for field, reason in problems:
            name = "body" if field == "reason" else field.split(".")[0]
            target = name if name in names else "record"
            self.query_one(f"#error-{target}", Static).update(Text(printable_line(reason)))


def _suggester(words: list[str]):
    from textual.suggester import SuggestFromList
    return SuggestFromList(words, case_sensitive=False) if words else None


class HistoryScreen(ModalScreen):
    """A fact's recorded changes; enter reverts the highlighted one (the revert is itself a change)."""

    BINDINGS = [Binding("escape,q", "cancel", "Close"), Binding("enter", "revert", "Revert this change")]
    DEFAULT_CSS = """
    HistoryScreen { align: center middle; }
    HistoryScreen > Vertical { width: 110; max-width: 100%; height: 70%; border: round $accent;
                               background: $surface; }
    HistoryScreen DataTable { height: 1fr; }
    HistoryScreen .error { color: $error; height: auto; padding: 0 1; }
    """

    def __init__(self, fact_id: int, history: list[dict], revert: Callable[[int], object]) -> None:
        super().__init__()
        self.fact_id, self.history, self.revert = fact_id, history, revert

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"History of fact #{self.fact_id}: enter reverts the highlighted change, escape closes"))
            yield DataTable(id="history-table", cursor_type="row")
            yield Static(id="history-error", classes="error")

    def on_mount(self) -> None:
        from facts.showing import describe_change
        table = self.query_one(DataTable)
        table.add_columns("#", "when", "who", "change")
        for h in self.history:
            table.add_row(str(h["id"]), format_timestamp(h["changed_at"]), printable_line(h["changed_by"] or ""),
                          Text(describe_change(h)), key=str(h["id"]))
        if not self.history:
            self.query_one("#history-error", Static).update("No changes recorded.")
        table.focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._revert(int(event.row_key.value))

    def action_revert(self) -> None:
        table = self.query_one(DataTable)
        if not self.history:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self._revert(int(key))

    @work(thread=True, exclusive=True)
    def _revert(self, history_id: int) -> None:
        try:
            self.revert(history_id)
        except Exception as e:
            self.app.call_from_thread(self.query_one("#history-error", Static).update, Text(printable_line(str(e))))
            return
        self.app.call_from_thread(self.dismiss, history_id)


class ExportScreen(ModalScreen):
    """Write the facts the current filter keeps to a file: CSV, Datasette JSON or the full-fidelity format."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical { width: 80; max-width: 100%; height: auto; border: round $accent;
                              background: $surface; padding: 0 1; }
    ExportScreen Input { border: none; height: 1; background: $boost; margin-bottom: 1; }
    ExportScreen .error { color: $error; height: auto; }
    """

    FORMATS = [("CSV (Datasette's)", "csv"), ("JSON, Datasette objects", "objects"), ("JSON array", "array"),
               ("Newline-delimited JSON", "nl"), ("Full fidelity (facts-jsonl, whole collection)", "facts-jsonl")]

    def __init__(self, write: Callable[[str, str], int]) -> None:
        super().__init__()
        self.write = write

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Export what the table shows (enter writes, escape cancels)"))
            yield Label("Format")
            yield Select(self.FORMATS, value="csv", allow_blank=False, id="export-format")
            yield Label("Path")
            yield Input(placeholder="facts.csv", id="export-path")
            yield Static(id="export-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if not path:
            self.query_one("#export-error", Static).update("Give a path to write to.")
            return
        self._write(self.query_one("#export-format", Select).value, path)

    @work(thread=True, exclusive=True)
    def _write(self, shape: str, path: str) -> None:
        try:
            count = self.write(shape, path)
        except Exception as e:
            self.app.call_from_thread(self.query_one("#export-error", Static).update, Text(printable_line(str(e))))
            return
        self.app.call_from_thread(self.dismiss, (path, count))

    def action_cancel(self) -> None:
        self.dismiss(None)
