"""The fact form: every field of the record, checked by the same models as the command line.

Errors appear under the field that caused them; nothing is written until the whole fact is valid,
and a failed write leaves the form open with everything that was typed.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Label, Static

from facts.display import printable_line, quantity_as_typed
from facts.errors import DuplicateFact, FactsError

# name, label, placeholder
FIELDS = [
    ("claim", "Claim", "the statement in one sentence"),
    ("subject", "Subject", "what is measured; competing claims share it"),
    ("quantity", "Quantity", "30000, about 30,000, as many as 30,000, 10,000-30,000"),
    ("unit", "Unit", "troops, km, ..."),
    ("date", "Date", "when it holds: 2022, 2022-02, 2022-02-19 or 2022-02-10/2022-02-20"),
    ("stated_on", "Stated on", "when it was said (optional): YYYY, YYYY-MM or YYYY-MM-DD"),
    ("actor", "Claimant", "actor name or alias"),
    ("about", "About", "actors the claim is about, separated by ;"),
    ("source", "Source", "source key"),
    ("quote", "Quote", "the exact words in the source"),
    ("quote_start", "Quote at", "where the quote starts, if it occurs more than once"),
    ("confidence", "Confidence", "0..1 or a word: likely, very likely, almost certain ..."),
    ("credibility", "Credibility", "1 confirmed ... 6 cannot be judged (optional)"),
    ("tags", "Tags", "separated by ;"),
    ("note", "Note", "a note, kept as an annotation (optional)"),
]
class FactForm(ModalScreen):
    """A fact. `save(data, allow_duplicate, create_actors)` writes it (in a worker) and returns its id, or raises.

    A duplicate (DuplicateFact) is reported and saved only if the person saves again.
    """

    BINDINGS = [Binding("ctrl+s", "save", "Save"), Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    FactForm { align: center middle; }
    FactForm > Vertical { width: 100; max-width: 100%; height: 90%; border: round $accent; background: $surface; }
    FactForm #form-title { text-style: bold; padding: 0 1; }
    FactForm #form-error { color: $error; padding: 0 1; height: auto; }
    FactForm .field { height: auto; }
    FactForm .field Label { width: 13; padding: 0 1; }
    FactForm .field Input { width: 1fr; border: none; height: 1; }
    FactForm .field Input:focus { border: none; background: $boost; }
    FactForm .error { color: $error; padding: 0 0 0 14; height: auto; display: none; }
    FactForm .error.-shown { display: block; }
    FactForm #form-buttons { height: auto; align-horizontal: right; padding: 0 1; }
    """

    def __init__(self, title: str, values: dict, save: Callable[[dict, bool, bool], int],
                 vocabulary: dict[str, list[str]] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.values = values
        self.save = save
        self.allow_duplicate = False
        self.vocabulary = vocabulary or {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), id="form-title")
            yield Static(id="form-error")
            with VerticalScroll():
                for name, label, placeholder in FIELDS:
                    with Horizontal(classes="field"):
                        yield Label(label)
                        words = self.vocabulary.get({"about": "actor"}.get(name, name))
                        yield Input(value=self._initial(name), placeholder=placeholder, id=f"field-{name}",
                                    suggester=SuggestFromList(words, case_sensitive=False) if words else None)
                    yield Static(id=f"error-{name}", classes="error")
                yield Checkbox("Create actors that are not known yet (instead of refusing them)", id="create-actors")
            with Horizontal(id="form-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def _initial(self, name: str) -> str:
        value = self.values.get(name)
        if value in (None, "DECIDE"):
            return ""
        if name == "quantity":
            return quantity_as_typed(value)
        if isinstance(value, list):
            return "; ".join(value)
        return str(value)

    @property
    def create_actors(self) -> bool:
        return self.query_one("#create-actors", Checkbox).value

    def data(self) -> dict:
        """What the person typed, as a record (empty fields left out)."""
        out: dict = {}
        for name, _, _ in FIELDS:
            value = self.query_one(f"#field-{name}", Input).value.strip()
            if not value:
                continue
            if (name == "quote_start" and value.isdigit()) or (name == "credibility" and value.isdigit()):
                out[name] = int(value)
            else:
                out[name] = value
        return out

    def show_problems(self, problems: list[tuple[str, str]]) -> None:
        known = {name for name, _, _ in FIELDS}
        general = []
        for name, _, _ in FIELDS:
            self.query_one(f"#error-{name}", Static).remove_class("-shown")
        shown: dict[str, list[str]] = {}
        for field, reason in problems:
            name = field.split(".")[0]
            if name in ("actor", "about") and reason.startswith("unknown actor"):
                reason += " - or tick 'Create actors' below"
            if name in known:
                shown.setdefault(name, []).append(reason)
            else:
                general.append(f"{field}: {reason}" if field != "record" else reason)
        for name, reasons in shown.items():
            error = self.query_one(f"#error-{name}", Static)
            error.update(Text(printable_line("; ".join(reasons))))
            error.add_class("-shown")
        self.query_one("#form-error", Static).update(Text(printable_line(" ".join(general))))
        if shown:
            self.query_one(f"#field-{next(iter(shown))}", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        self._save(self.data())

    @work(thread=True, exclusive=True, group="save")
    def _save(self, data: dict) -> None:
        try:
            fact_id = self.save(data, self.allow_duplicate, self.create_actors)
        except DuplicateFact as e:
            self.allow_duplicate = True
            self.app.call_from_thread(self.show_problems, [("record", f"{e}: save again to add a second one, "
                                                                      "or escape to leave it")])
            return
        except FactsError as e:
            problems = getattr(e, "problems", None) or [("record", str(e))]
            self.app.call_from_thread(self.show_problems, problems)
            return
        except Exception as e:  # a locked database, a full disk: say so, keep what was typed
            self.app.call_from_thread(self.show_problems, [("record", f"not saved: {e}")])
            return
        self.app.call_from_thread(self.dismiss, fact_id)
