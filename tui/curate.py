"""Curating from the browser: annotations, history with revert, exporting what is shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Input, Label, Select, Static

from facts.display import format_timestamp, printable_line
from facts.showing import describe_change
from facts.vocab import STATUSES

from .dialog import Dialog

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


class AnnotateScreen(Dialog[int]):
    """One annotation: `save(fields)` appends it and returns its number."""

    def __init__(self, kind: str, fact_id: int, save: Callable[[dict], int], known_tags: Sequence[str] = ()) -> None:
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
                    suggester = SuggestFromList(self.known_tags, case_sensitive=False) \
                        if name == "tag" and self.known_tags else None
                    yield Input(placeholder=placeholder, id=f"field-{name}", suggester=suggester)
                yield Static(id=f"error-{name}", classes="error")
            yield Static(id="error-record", classes="error")

    def fields(self) -> dict[str, str | int]:
        out: dict[str, str | int] = {}
        for name, _, _ in ANNOTATIONS[self.kind][1]:
            widget = self.query_one(f"#field-{name}")
            if isinstance(widget, Select):
                value = widget.value if isinstance(widget.value, str) else ""
            else:
                value = widget.value.strip() if isinstance(widget, Input) else ""
            if value:
                out[name] = int(value) if name == "superseded_by" and value.isdigit() else value
        return out

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def writer(self) -> Callable[[], int]:
        fields, save = self.fields(), self.save
        return lambda: save(fields)

    def field_of(self, name: str) -> str:
        return "body" if name == "reason" else super().field_of(name)


class HistoryScreen(Dialog[int]):
    """A fact's recorded changes; enter reverts the highlighted one (the revert is itself a change)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "cancel", "Close"),
        Binding("enter", "save", "Revert this change"),
    ]

    def __init__(self, fact_id: int, history: list[dict], revert: Callable[[int], object]) -> None:
        super().__init__()
        self.fact_id, self.history, self.revert = fact_id, history, revert

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"History of fact #{self.fact_id}: enter reverts the highlighted change, escape closes"))
            yield DataTable(id="history-table", cursor_type="row")
            yield Static(id="error-record", classes="error")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("#", "when", "who", "change")
        for h in self.history:
            table.add_row(str(h["id"]), format_timestamp(h["changed_at"]), printable_line(h["changed_by"] or ""),
                          Text(describe_change(h)), key=str(h["id"]))
        if not self.history:
            self.query_one("#error-record", Static).update("No changes recorded.")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_save()

    def writer(self) -> Callable[[], int] | None:
        table = self.query_one(DataTable)
        if not self.history:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is None:
            return None
        history_id, revert = int(key), self.revert

        def write() -> int:
            revert(history_id)
            return history_id
        return write


class ExportScreen(Dialog[tuple[str, int]]):
    """Write the facts the current filter keeps to a file: CSV, Datasette JSON or the full-fidelity format.

    `write(shape, path)` writes them and returns how many.
    """

    AUTO_FOCUS = "#field-path"
    FORMATS: ClassVar[list[tuple[str, str]]] = [
        ("CSV (Datasette's)", "csv"), ("JSON, Datasette objects", "objects"), ("JSON array", "array"),
        ("Newline-delimited JSON", "nl"), ("Full fidelity (facts-jsonl, whole collection)", "facts-jsonl")]

    def __init__(self, write: Callable[[str, str], int]) -> None:
        super().__init__()
        self.write = write

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Export what the table shows (enter writes, escape cancels)"))
            yield Label("Format")
            yield Select(self.FORMATS, value="csv", allow_blank=False, id="field-format")
            yield Label("Path")
            yield Input(placeholder="facts.csv", id="field-path")
            yield Static(id="error-record", classes="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def writer(self) -> Callable[[], tuple[str, int]] | None:
        path = self.query_one("#field-path", Input).value.strip()
        if not path:
            self.show_problems([("record", "Give a path to write to.")])
            return None
        shape, write = str(self.query_one("#field-format", Select).value), self.write
        return lambda: (path, write(shape, path))
