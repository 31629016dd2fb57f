"""Curating from the browser: annotations, history with revert, exporting what is shown, correcting an actor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Input, Label, Select, Static

from facts.display import format_source_kind, format_timestamp, plural, printable_line
from facts.showing import describe_change, describe_revert
from facts.vocab import ACTOR_KINDS, RELIABILITIES, RELIABILITY_MEANINGS, STATUSES

from .dialog import ConfirmDialog, Dialog
from .widgets import RowTable

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
    """One annotation: `save(fields)` appends it and returns its number.

    `now` says what the annotation changes as it stands (the rating, the status), beside its field.
    """

    def __init__(self, kind: str, fact_id: int, save: Callable[[dict], int], known_tags: Sequence[str] = (),
                 now: str = "") -> None:
        super().__init__()
        self.kind, self.fact_id, self.save = kind, fact_id, save
        self.known_tags = list(known_tags)
        self.now = now

    def compose(self) -> ComposeResult:
        title, fields = ANNOTATIONS[self.kind]
        with Vertical():
            yield Static(Text(title.format(id=self.fact_id) + "   (enter or ctrl+s saves, escape cancels)"),
                         classes="title")
            for i, (name, label, placeholder) in enumerate(fields):
                with Vertical(classes="field"):
                    with Horizontal(classes="heading"):
                        yield Label(label)
                        if i == 0 and self.now:
                            yield Static(Text(f"now {printable_line(self.now)}"), classes="now")
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
    """A fact's recorded changes; enter asks to revert the highlighted one, showing what it puts back (the
    revert is itself a change)."""

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
            yield RowTable(id="history-table", zebra_stripes=False)
            yield Static(id="error-record", classes="error")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("#", "when", "who", "change")
        for h in self.history:
            table.add_row(str(h["id"]), format_timestamp(h["changed_at"]), printable_line(h["changed_by"] or ""),
                          Text(describe_change(h)), key=str(h["id"]))
        if not self.history:
            self.show_problems([("record", "No changes recorded.")])

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Ask first; the confirmation runs the revert and this closes with its result."""
        table = self.query_one(DataTable)
        if not self.history:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        change = next((h for h in self.history if str(h["id"]) == key), None)
        if change is None:
            return
        history_id, revert = change["id"], self.revert

        def write() -> int:
            revert(history_id)
            return history_id

        def reverted(result: int | None) -> None:
            if result is not None:
                self.dismiss(result)
        self.app.push_screen(ConfirmDialog(f"Put back: {describe_revert(change)}?",
                                           write, title=f"Revert a change to fact #{self.fact_id}"), reverted)

    def writer(self) -> None:
        return None  # the confirmation writes


class ExportScreen(Dialog[tuple[str, int]]):
    """Write the facts the current filter keeps to a file: CSV, Datasette JSON or the full-fidelity format.

    `write(shape, path)` writes them and returns how many.
    """

    FORMATS: ClassVar[list[tuple[str, str]]] = [
        ("CSV (Datasette's)", "csv"), ("JSON, Datasette objects", "objects"), ("JSON array", "array"),
        ("Newline-delimited JSON", "nl"), ("Full fidelity (facts-jsonl, whole collection)", "facts-jsonl")]

    def __init__(self, write: Callable[[str, str], int]) -> None:
        super().__init__()
        self.write = write

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Export what the table shows (enter writes, escape cancels)"), classes="title")
            with Vertical(classes="field"):
                yield Label("Path")
                yield Input(placeholder="facts.csv", id="field-path")
            with Vertical(classes="field"):
                yield Label("Format")
                yield Select(self.FORMATS, value="csv", allow_blank=False, id="field-format")
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


# (organisation, from, to): who the actor speaks for, to link.
SpeaksFor = tuple[str, str | None, str | None]


class ActorDialog(Dialog[list[str]]):
    """Correct an actor's name or kind, or link an organisation it speaks for: `save(name, kind, speaks_for)`
    writes it and returns what changed (the old name stays an alias)."""

    def __init__(self, actor: dict, save: Callable[[str, str, SpeaksFor | None], list[str]],
                 actor_names: Sequence[str] = ()) -> None:
        super().__init__()
        self.actor, self.save = actor, save
        self.actor_names = list(actor_names)

    def compose(self) -> ComposeResult:
        a = self.actor
        claims = plural(a["claims"], "claim")
        with Vertical():
            yield Static(Text(f"Actor #{a['id']}, {claims}   (enter or ctrl+s saves, escape cancels)"),
                         classes="title")
            with Vertical(classes="field"):
                yield Label("Name")
                yield Input(value=printable_line(a["name"]), placeholder="the name the actor goes by",
                            id="field-name")
                yield Static(id="error-name", classes="error")
            with Vertical(classes="field"):
                yield Label("Kind")
                yield Select([(k, k) for k in ACTOR_KINDS], value=a["kind"], allow_blank=False, id="field-kind")
                yield Static(id="error-kind", classes="error")
            if a.get("aliases"):
                yield Static(Text(f"also known as {printable_line(a['aliases'])}"), classes="aliases")
            with Vertical(classes="field"):
                yield Label("Speaks for")
                if a.get("speaks_for"):
                    yield Static(Text(f"now: {printable_line(a['speaks_for'])}"), classes="aliases")
                with Horizontal(classes="speaks-for"):
                    yield Input(placeholder="an organisation it speaks for; prefix with - to remove a link",
                                id="field-speaks_for",
                                suggester=SuggestFromList(self.actor_names, case_sensitive=False)
                                if self.actor_names else None)
                    yield Input(placeholder="from", id="field-from")
                    yield Input(placeholder="to", id="field-to")
                yield Static(id="error-speaks_for", classes="error")
                yield Static(id="error-from", classes="error")
                yield Static(id="error-to", classes="error")
            yield Static(id="error-record", classes="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def writer(self) -> Callable[[], list[str]] | None:
        name = self.query_one("#field-name", Input).value.strip()
        kind = self.query_one("#field-kind", Select).value
        if not name:
            self.show_problems([("name", "give the actor a name")])
            return None
        if name == printable_line(self.actor["name"]):
            name = self.actor["name"]  # unchanged: the stored name, not how it was shown
        organisation = self.query_one("#field-speaks_for", Input).value.strip()
        speaks_for = (organisation, self.query_one("#field-from", Input).value.strip() or None,
                      self.query_one("#field-to", Input).value.strip() or None) if organisation else None
        save, kind_text = self.save, str(kind)
        return lambda: save(name, kind_text, speaks_for)


# A source's metadata the dialog edits: (field, label, placeholder); reliability is chosen from a list.
SOURCE_FIELDS = (
    ("title", "Title", "the document's own title"),
    ("publisher", "Publisher", "the outlet or site"),
    ("author", "Author", "who wrote it"),
    ("published", "Published", "YYYY, YYYY-MM or YYYY-MM-DD"),
    ("url", "URL", "https://..."),
    ("archive_url", "Archive URL", "a web archive's copy: https://web.archive.org/..."),
)


class SourceDialog(Dialog[list[str]]):
    """Correct a source's metadata: `save(changes, reason)` writes what was changed (an emptied field is
    cleared) with the reason, kept in the source's history, and returns what changed."""

    def __init__(self, source: dict, save: Callable[[dict[str, object], str], list[str]]) -> None:
        super().__init__()
        self.source, self.save = source, save

    def compose(self) -> ComposeResult:
        s = self.source
        about = f"{format_source_kind(s['media_type'], s['pages'] or 0)}, version {s['versions']}, " \
                f"{plural(s['facts'], 'fact')}"
        with Vertical():
            yield Static(Text(f"Source {printable_line(s['key'])} ({about})   enter saves, escape cancels"),
                         classes="title")
            for name, label, placeholder in SOURCE_FIELDS:
                with Horizontal(classes="field"):
                    yield Label(label)
                    yield Input(value=printable_line(s[name] or ""), placeholder=placeholder, id=f"field-{name}")
                yield Static(id=f"error-{name}", classes="error")
            with Horizontal(classes="field"):
                yield Label("Reliability")
                rated = {"value": s["reliability"]} if s["reliability"] else {}
                yield Select([(f"{r}  {RELIABILITY_MEANINGS[r]}", r) for r in RELIABILITIES], prompt="not rated",
                             id="field-reliability", compact=True, **rated)
            yield Static(id="error-reliability", classes="error")
            with Horizontal(classes="field"):
                yield Label("Reason")
                yield Input(placeholder="why the metadata changes (kept in its history)", id="field-reason")
            yield Static(id="error-reason", classes="error")
            yield Static(id="error-record", classes="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def on_mount(self) -> None:
        for typed in self.query(Input):
            typed.cursor_position = 0  # a long title reads from its start, as the fact form's fields do

    def changes(self) -> dict[str, object]:
        """The fields the person changed: what they typed, None for one they emptied."""
        out: dict[str, object] = {}
        for name, _, _ in SOURCE_FIELDS:
            typed = self.query_one(f"#field-{name}", Input).value.strip()
            if typed != printable_line(self.source[name] or ""):  # shown as stored: unchanged
                out[name] = typed or None
        chosen = self.query_one("#field-reliability", Select).value
        reliability = chosen if isinstance(chosen, str) else None
        if reliability != self.source["reliability"]:
            out["reliability"] = reliability
        return out

    def writer(self) -> Callable[[], list[str]] | None:
        changes = self.changes()
        if not changes:
            self.show_problems([("record", "Nothing changed.")])
            return None
        reason, save = self.query_one("#field-reason", Input).value, self.save
        return lambda: save(changes, reason)
