"""The fact form: every field of the record, checked by the same models as the command line.

Errors appear under the field that caused them; nothing is written until the whole fact is valid,
and a failed write leaves the form open with everything that was typed. A fact started from a source
keeps the source beside the form (above it on a narrow terminal), scrolled to the passage.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from facts.candidates import WHY_CLAIMANT_ASSUMED, WHY_DATE_ASSUMED, WHY_DATE_RESOLVED, Draft
from facts.display import format_number, format_quantity, printable, printable_line, quantity_as_typed
from facts.errors import DuplicateFact, FactsError, SimilarActor
from facts.numbers import parse_quantity
from facts.vocab import ACTOR_KINDS

from .dialog import ConfirmDialog, Dialog, Problems
from .threads import background
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
    ("repeats", "Repeats", "the id of a fact this one relays (optional)"),
    ("tags", "Tags", "separated by ;"),
    ("note", "Note", "a note, kept as an annotation (optional)"),
]
# A fact's write: (record, allow_duplicate, create_actors) -> its id; raises FactsError when refused.
SaveFact = Callable[[dict, bool, bool], int]
# Facts a fact may repeat: (subject, quantity, claimant as typed) -> each in words ("fact #4 (NATO, odr)").
SuggestRepeats = Callable[[str, str, str], list[str]]
# A new actor: (name, kind, allow_similar) -> its id; raises SimilarActor when the name reads like a stored one.
CreateActor = Callable[[str, str, bool], int]

WIDE = 140  # columns from which the source stands beside the form rather than above it


@dataclass
class Passage:
    """A span of a source's text (code points), shown beside the form."""

    key: str
    text: str
    start: int
    end: int


@dataclass
class FormStart:
    """What the form opens with: the record's fields, the source passage it comes from, and the names the
    passage offers for the claimant (known actors, and names that are no actor yet)."""

    values: dict = field(default_factory=dict)
    passage: Passage | None = None
    actors: list[str] = field(default_factory=list)
    new_actors: list[str] = field(default_factory=list)
    date_assumed: bool = False
    date_resolved: bool = False
    claimant_assumed: bool = False
    written_as: dict[str, str] = field(default_factory=dict)  # a known actor as the text writes it


def start_from_draft(draft: Draft, text: str) -> FormStart:
    """A form filled from a draft of the source whose text is `text`."""
    passage = Passage(draft.source_key, text, *draft.span) if draft.source_key else None
    return FormStart(draft.record, passage, list(draft.actors), list(draft.new_actors), draft.date_assumed,
                     draft.date_resolved, draft.claimant_assumed, dict(draft.written_as))


def quantity_text(quantity: object) -> str:
    """A stored or drafted quantity as the field shows it: its words as stated when they read as the same
    figure (so that saving keeps them), else as a person would type it."""
    if isinstance(quantity, str):
        return quantity
    if not isinstance(quantity, dict) or not quantity:
        return ""
    stated = quantity.get("as_stated")
    if stated:
        try:
            parsed = parse_quantity(stated)
        except ValueError:
            parsed = None
        if parsed is not None and not parsed.rest and parsed.qualifier == quantity.get("qualifier", "exact") and \
                all(_same(getattr(parsed, k), quantity.get(k)) for k in ("value", "low", "high")
                    if quantity.get(k) is not None):
            return str(stated)
    return quantity_as_typed(quantity)


def _same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(b))


def read_back(typed: str) -> tuple[Text, str]:
    """How the library reads a quantity as typed, as a line under the field, and the unit its words end with."""
    if not typed.strip():
        return Text(), ""
    try:
        q = parse_quantity(typed)
    except ValueError as e:
        return Text(printable_line(str(e)), style="bold"), ""
    row = {"value": q.value, "low": q.low, "high": q.high, "qualifier": q.qualifier}
    parts = [format_quantity(row) or format_number(q.value), q.qualifier.replace("_", " ")]
    if q.rest:
        parts.append(f"unit: {q.rest}")
    return Text(printable_line(" · ".join(parts))), q.rest


# The actor a refusal names, and the names it suggests: "unknown actor 'X' (did you mean A or B?)",
# "'X' looks like A or B: use that name, ...".
_UNKNOWN = re.compile(r"^unknown actor '(?P<name>.*)'(?: \(did you mean (?P<similar>.*)\?\))?$", re.S)
_SIMILAR = re.compile(r"^'(?P<name>.*)' looks like (?P<similar>.*?): use that name", re.S)


def unknown_actor(reason: str) -> tuple[str, list[str]] | None:
    """(name, nearest known names) when a problem is an actor the collection does not know."""
    m = _UNKNOWN.match(reason) or _SIMILAR.match(reason)
    if m is None:
        return None
    similar = m.group("similar")
    return m.group("name"), similar.split(" or ") if similar else []


class SourcePane(VerticalScroll):
    """A source's text, one widget a paragraph, the passage highlighted and scrolled into view."""

    def __init__(self, passage: Passage) -> None:
        super().__init__(id="source-pane")
        self.passage = passage

    def compose(self) -> ComposeResult:
        p = self.passage
        text = Text()
        text.append(printable(p.text[:p.start]))
        text.append(printable(p.text[p.start:p.end]), style="reverse bold")
        text.append(printable(p.text[p.end:]))
        self.paragraphs = text.split("\n", allow_blank=True)
        for i, paragraph in enumerate(self.paragraphs):
            yield Static(paragraph, id=f"source-para-{i}")

    def on_mount(self) -> None:
        self.call_after_refresh(self.show_passage)

    def on_resize(self) -> None:
        self.call_after_refresh(self.show_passage)

    def show_passage(self) -> None:
        """Scroll so that the passage's first line is the second line shown (one line of what leads to it)."""
        p = self.passage
        index = p.text.count("\n", 0, p.start)
        widgets = self.query(f"#source-para-{index}")
        if not widgets:
            return
        widget = widgets.first()
        into = p.start - (p.text.rfind("\n", 0, p.start) + 1)  # the passage's offset in its paragraph
        lines = self.paragraphs[index].wrap(self.app.console, max(widget.content_size.width, 1))
        self.scroll_to(y=max(widget.virtual_region.y + line_holding(lines, into) - 1, 0), animate=False)


def line_holding(lines: Iterable[Text], offset: int) -> int:
    """The index of the wrapped line that holds a character offset of the text they wrap."""
    ends = list(accumulate(len(line) for line in lines))
    return min(bisect_right(ends, offset), max(len(ends) - 1, 0))


class ActorChoice(OptionList):
    """Under a field whose actor is unknown: use one of the nearest known actors, or create the name as a
    new actor of a kind."""

    def __init__(self, field_name: str, index: int | None, name: str, similar: Sequence[str]) -> None:
        options = [Option(Text(f"use {printable_line(s)}"), id=f"use:{i}") for i, s in enumerate(similar)]
        options += [Option(Text(f"create '{printable_line(name)}' as a new {kind}"), id=f"create:{kind}")
                    for kind in ACTOR_KINDS]
        super().__init__(*options, classes="actor-choice")
        self.field_name, self.index, self.actor_name, self.similar = field_name, index, name, list(similar)


def visible(text: str) -> str:
    """Text for one input line: control and invisible characters shown (printable), line ends and tabs too."""
    return printable(text).replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


class FactForm(Dialog[int]):
    """A fact, new or edited; `save` writes it and returns its id.

    A duplicate (DuplicateFact) is reported and saved only if the person saves again. An unknown actor is
    offered its nearest known names, or to be created (`create_actor`).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "focus_source", "Source", show=False),
    ]

    def __init__(self, title: str, start: FormStart | dict, save: SaveFact,
                 vocabulary: dict[str, list[str]] | None = None, create_actor: CreateActor | None = None,
                 suggest_repeats: SuggestRepeats | None = None) -> None:
        super().__init__()
        self.suggest_repeats = suggest_repeats
        self.title_text = title
        self.start = start if isinstance(start, FormStart) else FormStart(start)
        self.values = self.start.values
        self.save = save
        self.create_actor = create_actor
        self.allow_duplicate = False
        self.vocabulary = vocabulary or {}
        self.unit_filled = ""  # what the quantity's read-back put in the unit field, so that it may update it
        # field -> (as shown, as stored) where stored text holds characters the field shows made visible
        self.stored_as_shown: dict[str, tuple[str, str]] = {}
        self._hints: dict[str | None, Text] = {}  # what each hint line shows now
        # The passage's own names complete first, then every actor's names and aliases.
        self.actor_words = list(dict.fromkeys([*self.start.actors, *self.start.new_actors,
                                               *self.vocabulary.get("actor", [])]))

    def compose(self) -> ComposeResult:
        passage = self.start.passage
        with Vertical(id="form-box", classes="-with-source" if passage else ""):
            yield Static(Text(self.title_text), classes="title")
            yield Static(id="error-record", classes="error")
            with Container(id="form-body"):
                if passage is not None:
                    yield SourcePane(passage)
                with Vertical(id="form-side"):
                    with VerticalScroll(id="form-fields"):
                        yield from self._fields()
                    with Horizontal(id="form-buttons"):
                        yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
                        yield Button("Cancel (esc)", id="cancel", compact=True)

    def _fields(self) -> ComposeResult:
        offered = [*self.start.actors, *self.start.new_actors]
        for name, label, placeholder in FIELDS:
            words = self.actor_words if name in ("actor", "about") else self.vocabulary.get(name, [])
            with Horizontal(classes="field"):
                yield Label(label)
                yield Input(value=self._initial(name), placeholder=placeholder, id=f"field-{name}",
                            suggester=SuggestFromList(words, case_sensitive=False) if words else None)
            yield Static(id=f"error-{name}", classes="error")
            if name == "quantity":
                yield Static(id="reading-quantity", classes="hint")
            elif name == "repeats":
                yield Static(id="hint-repeats", classes="hint")
            elif name == "date" and self.start.date_assumed:
                yield Static(Text(WHY_DATE_ASSUMED), id="hint-date", classes="hint inferred")
            elif name == "date" and self.start.date_resolved:
                yield Static(Text(WHY_DATE_RESOLVED), id="hint-date", classes="hint inferred")
            elif name == "actor" and self.start.claimant_assumed:
                yield Static(Text(WHY_CLAIMANT_ASSUMED), id="hint-actor", classes="hint inferred")
            elif name == "actor" and offered:
                hint = Text("in the text: ")
                hint.append(" · ".join([*(printable_line(a) + (f" (as “{printable_line(self.start.written_as[a])}”)"
                                                               if a in self.start.written_as else "")
                                          for a in self.start.actors),
                                        *(f"{printable_line(n)} (new)" for n in self.start.new_actors)]))
                yield Static(hint, id="hint-actor", classes="hint")
        yield TickBox("Create actors that are not known yet (instead of refusing them)", id="create-actors")

    def on_mount(self) -> None:
        self._fit(self.app.size.width)
        self._read_quantity(self.query_one("#field-quantity", Input).value)
        for typed in self.query_one("#form-fields").query(Input):
            typed.cursor_position = 0  # a filled field shows its start: what the draft says reads from there

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        """The source beside the form on a wide terminal, above it on a narrow one."""
        self.set_class(width >= WIDE, "-wide")

    def _initial(self, name: str) -> str:
        """A field's text as shown: what the data holds, with control and invisible characters made visible
        (never sent to the terminal). Saved unchanged unless the person edits the field (see data)."""
        value = self.values.get(name)
        if value in (None, "DECIDE"):
            return ""
        if name == "quantity":
            stored = quantity_text(value)
        elif isinstance(value, list):
            stored = "; ".join(value)
        else:
            stored = str(value)
        shown = visible(stored)
        if shown != stored:
            self.stored_as_shown[name] = (shown, stored)
        return shown

    # --- the quantity, read back as typed ---------------------------------------------------

    @on(Input.Changed, "#field-quantity")
    def _quantity_changed(self, event: Input.Changed) -> None:
        self._read_quantity(event.value)

    def _read_quantity(self, typed: str) -> None:
        reading, unit = read_back(typed)
        self._show_hint(self.query_one("#reading-quantity", Static), reading)
        unit_field = self.query_one("#field-unit", Input)
        # The unit the quantity ends with fills an empty unit field, and follows the typing while nobody
        # else has changed it.
        if unit_field.value in ("", self.unit_filled) and unit != unit_field.value:
            unit_field.value = self.unit_filled = unit

    # --- what the fact may repeat, suggested, never set ------------------------------------

    @on(Input.Changed, "#field-subject, #field-quantity, #field-actor, #field-repeats")
    def _may_repeat(self) -> None:
        if self.suggest_repeats is None:
            return
        fields = [self.query_one(f"#field-{n}", Input).value for n in ("subject", "quantity", "actor")]
        self.repeats_asked += 1  # an answer to an earlier question, arriving late, is not shown
        if self.query_one("#field-repeats", Input).value.strip() or not all(f.strip() for f in fields):
            self._show_repeats([], self.repeats_asked)
        else:
            self._find_repeats(self.repeats_asked, *fields)

    repeats_asked = 0

    @background(group="suggest-repeats")
    def _find_repeats(self, asked: int, subject: str, quantity: str, actor: str) -> None:
        assert self.suggest_repeats is not None
        found = self.suggest_repeats(subject, quantity, actor)
        self.app.call_from_thread(self._show_repeats, found, asked)

    repeats_answered = 0  # the last question answered on screen

    def _show_repeats(self, found: list[str], asked: int) -> None:
        if asked != self.repeats_asked:
            return
        self.repeats_answered = asked
        text = "" if not found else (f"Same subject, value and claimant: {'; '.join(found)}. If this fact "
                                     "relays one, give its id.")
        self._show_hint(self.query_one("#hint-repeats", Static), Text(printable_line(text)))

    def _show_hint(self, line: Static, text: Text) -> None:
        """A line under a field, shown when it says something. Changed only when its text does: each change
        lays the whole form out again, and typing asks on every key."""
        if line.id in self._hints and self._hints[line.id] == text:
            return
        self._hints[line.id] = text
        line.update(text)
        line.set_class(bool(text.plain), "-shown")

    # --- saving ---------------------------------------------------------------------------

    @property
    def create_actors(self) -> bool:
        return self.query_one("#create-actors", TickBox).value

    def data(self) -> dict:
        """What the person typed, as a record (empty fields left out)."""
        out: dict = {}
        for name, _, _ in FIELDS:
            typed = self.query_one(f"#field-{name}", Input).value
            shown, stored = self.stored_as_shown.get(name, (None, None))
            value = stored if typed == shown and stored is not None else typed.strip()
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
        for choice in self.query(ActorChoice):
            choice.remove()
        hint = " - or tick 'Create actors' below"
        shown = []
        for name, reason in problems:
            actor = unknown_actor(reason) if name.split(".")[0] in ("actor", "about") else None
            shown.append((name, reason + hint if actor else reason))
            if actor is not None and self.create_actor is not None:
                field, _, index = name.partition(".")
                choice = ActorChoice(field, int(index) if index.isdigit() else None, *actor)
                self.query_one("#form-fields", VerticalScroll).mount(choice, after=self.query_one(f"#error-{field}"))
        super().show_problems(shown)

    # --- an unknown actor: use a known one, or create it ------------------------------------------

    @on(OptionList.OptionSelected, ".actor-choice")
    def _actor_chosen(self, event: OptionList.OptionSelected) -> None:
        choice = event.option_list
        assert isinstance(choice, ActorChoice)
        action, _, what = (event.option.id or "").partition(":")
        if action == "use":
            self._put_name(choice, choice.similar[int(what)])
        elif self.create_actor is not None:
            self._create(choice, what, allow_similar=False)

    def _put_name(self, choice: ActorChoice, name: str) -> None:
        """Put a name in place of the unknown one, in the field (or its place in a list of names)."""
        field = self.query_one(f"#field-{choice.field_name}", Input)
        if choice.index is None:
            field.value = name
        else:
            names = [part.strip() for part in field.value.split(";") if part.strip()]
            if choice.index < len(names):
                names[choice.index] = name
            field.value = "; ".join(names)
        self._settled(choice)

    def _settled(self, choice: ActorChoice) -> None:
        error = self.query_one(f"#error-{choice.field_name}", Static)
        error.update("")
        error.remove_class("-shown")
        choice.remove()
        self.query_one(f"#field-{choice.field_name}", Input).focus()

    @background(group="actor")
    def _create(self, choice: ActorChoice, kind: str, allow_similar: bool) -> None:
        create = self.create_actor
        assert create is not None
        try:
            create(choice.actor_name, kind, allow_similar)
        except SimilarActor as e:
            self.app.call_from_thread(self._confirm_similar, choice, kind, e)
            return
        except FactsError as e:
            self.app.call_from_thread(self._choice_refused, choice, str(e))
            return
        self.app.call_from_thread(self._created, choice, kind)

    def _confirm_similar(self, choice: ActorChoice, kind: str, error: SimilarActor) -> None:
        """A name that reads like a stored actor: created only when the person says it is another one."""
        create, name = self.create_actor, choice.actor_name
        assert create is not None
        question = (f"'{name}' reads like {' or '.join(error.similar)}. "
                    f"Create '{name}' as a new {kind} all the same?")

        def confirmed(result: int | None) -> None:
            if result is not None:
                self._created(choice, kind)
        self.app.push_screen(ConfirmDialog(question, lambda: create(name, kind, True), title="A new actor?"),
                             confirmed)

    def _choice_refused(self, choice: ActorChoice, reason: str) -> None:
        error = self.query_one(f"#error-{choice.field_name}", Static)
        error.update(Text(printable_line(reason)))
        error.add_class("-shown")

    def _created(self, choice: ActorChoice, kind: str) -> None:
        self.notify(printable_line(f"Added actor {choice.actor_name} ({kind}); save the fact again"), markup=False)
        self.actor_words.insert(0, choice.actor_name)
        for name in ("actor", "about"):
            self.query_one(f"#field-{name}", Input).suggester = SuggestFromList(self.actor_words, case_sensitive=False)
        self._settled(choice)

    # --- keys and buttons -------------------------------------------------------------------

    def action_focus_source(self) -> None:
        for pane in self.query(SourcePane):
            pane.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()
