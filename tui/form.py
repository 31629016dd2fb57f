"""The fact form: every field of the record, checked by the same models as the command line.

Errors appear under the field that caused them; nothing is written until the whole fact is valid,
and a failed write leaves the form open with everything that was typed.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Label, Static

from facts.display import quantity_as_typed
from facts.errors import DuplicateFact, FactsError

from .dialog import Dialog, Problems
from .widgets import TickBox

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
# A fact's write: (record, allow_duplicate, create_actors) -> its id; raises FactsError when refused.
SaveFact = Callable[[dict, bool, bool], int]


class FactForm(Dialog[int]):
    """A fact, new or edited; `save` writes it and returns its id.

    A duplicate (DuplicateFact) is reported and saved only if the person saves again.
    """

    def __init__(self, title: str, values: dict, save: SaveFact,
                 vocabulary: dict[str, list[str]] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.values = values
        self.save = save
        self.allow_duplicate = False
        self.vocabulary = vocabulary or {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="title")
            yield Static(id="error-record", classes="error")
            with VerticalScroll():
                for name, label, placeholder in FIELDS:
                    with Horizontal(classes="field"):
                        yield Label(label)
                        words = self.vocabulary.get({"about": "actor"}.get(name, name))
                        yield Input(value=self._initial(name), placeholder=placeholder, id=f"field-{name}",
                                    suggester=SuggestFromList(words, case_sensitive=False) if words else None)
                    yield Static(id=f"error-{name}", classes="error")
                yield TickBox("Create actors that are not known yet (instead of refusing them)", id="create-actors")
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

    def writer(self) -> Callable[[], int]:
        data, allow_duplicate, create_actors, save = self.data(), self.allow_duplicate, self.create_actors, self.save
        return lambda: save(data, allow_duplicate, create_actors)

    def refused(self, error: FactsError) -> None:
        if isinstance(error, DuplicateFact):
            self.allow_duplicate = True  # saving again means: yes, a second one
            self.show_problems([("record", f"{error}: save again to add a second one, or escape to leave it")])
        else:
            super().refused(error)

    def show_problems(self, problems: Problems) -> None:
        super().show_problems([
            (field, reason + " - or tick 'Create actors' below"
             if field.split(".")[0] in ("actor", "about") and reason.startswith("unknown actor") else reason)
            for field, reason in problems])

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()
