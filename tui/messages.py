"""What screens ask of the app, as messages the type checker can follow (rather than calls on `self.app`)."""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message

from .form import FormStart, SaveFact


class JumpToFact(Message):
    """Back to the table with the cursor on this fact (the filter is cleared if it hides the fact)."""

    def __init__(self, fact_id: int) -> None:
        super().__init__()
        self.fact_id = fact_id


class NewFactRequested(Message):
    """Open the fact form for a new fact, filled with what `read_start` reads (in a worker).

    `save` writes it (by default the collection adds it); `added(fact_id)` follows a save.
    """

    def __init__(self, title: str, read_start: Callable[[], FormStart], added: Callable[[int], object],
                 save: SaveFact | None = None) -> None:
        super().__init__()
        self.title = title
        self.read_start = read_start
        self.added = added
        self.save = save
