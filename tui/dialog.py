"""What every dialog that saves does the same way: the fact form, the note/tag/rate/status dialog,
the history (whose save is a revert) and the export.

It opens with the first field focused; escape cancels and ctrl+s saves. The save runs in a thread,
so no key waits on SQLite. A problem the person can fix (FactsError) is shown under the field it
names; a failure of the machine (a database locked too long, a full or read-only disk) is shown as
"not saved: ..."; either way the dialog stays open with everything typed. On success it closes with
the save's result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, TypeVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from facts.display import printable, printable_line
from facts.errors import ENVIRONMENT_ERRORS, FactsError

ResultType = TypeVar("ResultType")

Problems = list[tuple[str, str]]  # (field, reason); "record" for the whole record


class Dialog(ModalScreen[ResultType]):
    """A modal that saves: subclasses compose fields and say what saving them does (`writer`).

    A field's problems go to the Static `#error-FIELD`, others to `#error-record`.
    """

    CSS_PATH = "dialog.tcss"
    AUTO_FOCUS = "Input, Select, DataTable"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def writer(self) -> Callable[[], ResultType] | None:
        """Read what was typed (here, on the main thread) and return the save to run in a thread,
        or None when there is nothing to save yet (having said why)."""
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)

    saving = False  # a save is running: another key press must not write twice

    def action_save(self) -> None:
        if self.saving:
            return
        write = self.writer()
        if write is not None:
            self.saving = True
            self._save(write)

    @work(thread=True, exclusive=True, group="save")
    def _save(self, write: Callable[[], ResultType]) -> None:
        try:
            result = write()
        except FactsError as e:
            self.app.call_from_thread(self._failed, e)
            return
        except ENVIRONMENT_ERRORS as e:
            self.app.call_from_thread(self._failed, e)
            return
        self.app.call_from_thread(self.dismiss, result)

    def _failed(self, error: Exception) -> None:
        self.saving = False
        if isinstance(error, FactsError):
            self.refused(error)
        else:
            self.show_problems([("record", f"not saved: {error}")])

    def refused(self, error: FactsError) -> None:
        """The save was refused: say why, under the fields concerned."""
        self.show_problems(getattr(error, "problems", None) or [("record", str(error))])

    def field_of(self, name: str) -> str:
        """The field whose error line shows a problem named `name` ('quantity.value' is the quantity's)."""
        return name.split(".")[0]

    def show_problems(self, problems: Problems) -> None:
        shown: dict[str, list[str]] = {}
        for name, reason in problems:
            field = self.field_of(name)
            if not self.query(f"#error-{field}"):
                field, reason = "record", reason if name == "record" else f"{name}: {reason}"
            shown.setdefault(field, []).append(reason)
        for error in self.query(".error").results(Static):
            reasons = shown.get((error.id or "").removeprefix("error-"), [])
            error.update(Text(printable_line("; ".join(reasons))))
            error.set_class(bool(reasons), "-shown")
        first = next((field for field in shown if field != "record"), None)
        for widget in self.query(f"#field-{first}") if first else []:
            widget.focus()


class ConfirmDialog(Dialog[ResultType]):
    """A question before a write: enter or y runs `write` (in a thread, as every save), escape or n cancels.

    A refusal is shown in the dialog, which stays open; on success it closes with the write's result.
    """

    AUTO_FOCUS = ""  # nothing to type: the keys are the screen's
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "save", "Yes"),
        Binding("escape,n", "cancel", "No"),
    ]

    def __init__(self, question: str, write: Callable[[], ResultType], title: str = "Confirm") -> None:
        super().__init__()
        self.question, self.write, self.title_text = question, write, title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(printable_line(self.title_text)), classes="title")
            yield Static(Text(printable(self.question)), id="question")
            yield Static(Text("enter or y confirms, escape or n cancels"), classes="keys")
            yield Static(id="error-record", classes="error")

    def writer(self) -> Callable[[], ResultType]:
        return self.write
