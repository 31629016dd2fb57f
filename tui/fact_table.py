"""The facts table: a Line API widget that reads its rows in pages, in workers.

It holds the ordered ids of the current result (8 bytes a fact) and a small
cache of pages of rows; a line that is not loaded yet is drawn as pending and
fetched in a thread, so no keystroke waits on SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from facts.collection import Collection, Query
from facts.display import printable_line
from facts.errors import FactsError

from .threads import background

PAGE = 200
CACHED_PAGES = 64


@dataclass(frozen=True)
class Column:
    key: str  # the row field shown
    title: str
    width: int  # fixed width, or the least width of a flexible column
    sort: str | None  # sort name in facts.vocab.SORTS
    flex: int = 0  # share of the remaining width
    right: bool = False


COLUMNS = (
    Column("id", "id", 4, "id", right=True),  # widened to the longest id of the collection
    Column("date_text", "date", 14, "date"),
    Column("claimant", "claimant", 8, "claimant", flex=2),
    Column("subject", "subject", 12, "subject", flex=3),
    Column("quantity_text", "quantity", 15, "value"),
    Column("confidence_text", "conf.", 11, "confidence"),
    Column("source", "source", 10, "source", flex=2),
    Column("status_text", "status", 14, "status"),
    Column("annotation_count", "notes", 5, "annotations", right=True),
)
# Dropped first when the terminal is narrow.
DROP_ORDER = ("annotation_count", "source")


class FactTable(ScrollView, can_focus=True):
    """Facts in the order of the current query, paged from SQLite."""

    DEFAULT_CSS = """
    FactTable { background: $surface; overflow-x: hidden; }  /* columns fit the width: no row lost to a scrollbar */
    FactTable > .fact-table--header { text-style: bold; background: $panel; }
    FactTable > .fact-table--cursor { background: $accent 40%; text-style: bold; }
    FactTable:focus > .fact-table--cursor { background: $accent; color: $text; }
    FactTable > .fact-table--pending { color: $text-muted; }
    FactTable > .fact-table--disputed { color: $warning; }
    FactTable > .fact-table--retracted { color: $text-muted; text-style: strike; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"fact-table--header", "fact-table--cursor", "fact-table--pending",
                                             "fact-table--disputed", "fact-table--retracted"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
        Binding("s", "sort_next", "Sort", show=False),
        Binding("S", "reverse", "Reverse", show=False),
        *(Binding(str(i + 1), f"sort_column({i})", f"Sort by {c.title}", show=False) for i, c in enumerate(COLUMNS)),
    ]

    cursor_row = reactive(0, always_update=True)

    class Highlighted(Message):
        """The row under the cursor changed (fact_id is None while it loads)."""

        def __init__(self, fact_id: int | None) -> None:
            super().__init__()
            self.fact_id = fact_id

    class Counted(Message):
        """The result's size is known (or the query failed: error is set)."""

        def __init__(self, total: int | None, error: str | None = None) -> None:
            super().__init__()
            self.total = total
            self.error = error

    class SortChanged(Message):
        def __init__(self, sort: str, descending: bool) -> None:
            super().__init__()
            self.sort = sort
            self.descending = descending

    def __init__(self, collection: Collection, **kwargs) -> None:
        super().__init__(**kwargs)
        self.collection = collection
        self.query_state = Query()
        self.ids: np.ndarray | None = None
        self.first: list[dict] = []
        self.pages: LRUCache[int, dict[int, dict]] = LRUCache(CACHED_PAGES)  # page number -> rows by id
        self.pages_requested: set[int] = set()  # pages being fetched
        self.generation = 0  # which load() is on show: results of older ones are dropped
        self._keep_id: int | None = None
        self.max_id = 0
        self._last_highlight: int | None = -1

    # --- the result ---------------------------------------------------------------

    @property
    def total(self) -> int | None:
        return len(self.ids) if self.ids is not None else None

    def load(self, query: Query, keep_id: int | None = None) -> None:
        """Show the result of a query: first rows at once, then the whole id list."""
        self.query_state = query
        self.generation += 1
        self._keep_id = keep_id
        self._load(query, self.generation)

    @background(exclusive=True, group="result")
    def _load(self, query: Query, generation: int) -> None:
        try:
            largest = self.collection.largest_id()
            first = self.collection.first_rows(query, PAGE)
            self.app.call_from_thread(self._show_first, generation, first, largest)
            ids = self.collection.ordered_ids(query)
        except FactsError as e:
            self.post_message(self.Counted(None, str(e)))
            return
        self.app.call_from_thread(self._show_ids, generation, ids)

    def _show_first(self, generation: int, rows: list[dict], largest: int) -> None:
        if generation != self.generation:
            return
        self.ids = None
        self.pages.clear()
        self.pages_requested.clear()
        self.first = rows
        self.max_id = largest  # the id column is as wide as the collection's ids: the count's arrival moves nothing
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        if self._keep_id is None:
            self.cursor_row = 0
            self.scroll_to(y=0, animate=False, force=True)
        self.refresh()
        self._announce()

    def _show_ids(self, generation: int, ids: np.ndarray) -> None:
        if generation != self.generation:
            return
        self.ids = ids
        self.pages[0] = {r["id"]: r for r in self.first}
        self.virtual_size = Size(self.size.width, len(ids) + 1)
        row = 0
        if self._keep_id is not None:
            place = _place(ids, self._keep_id)
            row = place if place is not None else min(self.cursor_row, max(len(ids) - 1, 0))
            self._keep_id = None
        self.cursor_row = min(row, max(len(ids) - 1, 0))
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Counted(len(ids)))
        self._announce()

    def row(self, index: int) -> dict | None:
        """The row at a position, or None while its page loads (which this asks for)."""
        if self.ids is None:
            return self.first[index] if 0 <= index < len(self.first) else None
        if not 0 <= index < len(self.ids):
            return None
        number = index // PAGE
        page = self.pages.get(number)
        if page is None:
            self._request(number)
            return None
        return page.get(int(self.ids[index]))

    def _request(self, number: int) -> None:
        if number in self.pages_requested or self.ids is None:
            return
        self.pages_requested.add(number)
        ids = self.ids[number * PAGE:(number + 1) * PAGE].tolist()
        self._fetch(self.generation, number, ids)

    @background(group="pages")
    def _fetch(self, generation: int, number: int, ids: list[int]) -> None:
        rows = self.collection.rows(ids)
        self.app.call_from_thread(self._page_loaded, generation, number, rows)

    def _page_loaded(self, generation: int, number: int, rows: dict[int, dict]) -> None:
        if generation != self.generation:
            return
        self.pages_requested.discard(number)
        self.pages[number] = rows
        self.refresh()
        self._announce()

    def highlighted_id(self) -> int | None:
        row = self.row(self.cursor_row)
        return row["id"] if row else None

    def highlighted_row(self) -> dict | None:
        return self.row(self.cursor_row)

    def _announce(self) -> None:
        fact_id = self.highlighted_id()
        if fact_id != self._last_highlight:
            self._last_highlight = fact_id
            self.post_message(self.Highlighted(fact_id))

    def select_fact(self, fact_id: int) -> bool:
        """Move the cursor to a fact if the result holds it."""
        place = _place(self.ids, fact_id) if self.ids is not None else None
        if place is None:
            return False
        self.cursor_row = place
        self._scroll_to_cursor()
        return True

    # --- moving -----------------------------------------------------------------------

    @property
    def _row_count(self) -> int:
        return len(self.ids) if self.ids is not None else len(self.first)

    @property
    def _visible_rows(self) -> int:
        return max(self.size.height - 1, 1)

    def watch_cursor_row(self, value: int) -> None:
        self.refresh()
        self._announce()

    def _scroll_to_cursor(self) -> None:
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, force=True)
        elif self.cursor_row >= top + self._visible_rows:
            self.scroll_to(y=self.cursor_row - self._visible_rows + 1, animate=False, force=True)

    def _move_to(self, row: int) -> None:
        if self._row_count == 0:
            return
        self.cursor_row = max(0, min(row, self._row_count - 1))
        self._scroll_to_cursor()

    def action_cursor(self, delta: int) -> None:
        self._move_to(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor_row + direction * self._visible_rows)

    def action_jump(self, where: int) -> None:
        self._move_to(where if where >= 0 else self._row_count - 1)

    def action_sort_column(self, index: int) -> None:
        columns = self._layout()[0]
        if index >= len(COLUMNS):
            return
        column = COLUMNS[index]
        if column.key not in {c.key for c in columns} or column.sort is None:
            return
        self.sort_by(column.sort)

    def action_sort_next(self) -> None:
        sorts = [c.sort for c in COLUMNS if c.sort]
        current = self.query_state.sort
        self.sort_by(sorts[(sorts.index(current) + 1) % len(sorts)] if current in sorts else sorts[0], toggle=False)

    def action_reverse(self) -> None:
        self.post_message(self.SortChanged(self.query_state.sort, not self.query_state.descending))

    def sort_by(self, sort: str, toggle: bool = True) -> None:
        """Sort by a column (again: the other way)."""
        descending = (not self.query_state.descending) if (toggle and sort == self.query_state.sort) else False
        self.post_message(self.SortChanged(sort, descending))

    def on_click(self, event: events.Click) -> None:
        y = event.y
        if y == 0:
            x = 0
            for column, width in zip(*self._layout(), strict=True):
                if x <= event.x < x + width + 1 and column.sort:
                    self.sort_by(column.sort)
                    return
                x += width + 1
            return
        self._move_to(int(self.scroll_y) + y - 1)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, self._row_count + 1)

    # --- drawing ------------------------------------------------------------------------

    def _layout(self) -> tuple[list[Column], list[int]]:
        """The columns that fit the width, and their widths."""
        width = self.size.width
        columns = [Column(c.key, c.title, max(c.width, len(str(self.max_id))), c.sort, c.flex, c.right)
                   if c.key == "id" else c for c in COLUMNS]
        for key in DROP_ORDER:
            if self._flex_room(columns, width) >= 14 * sum(1 for c in columns if c.flex):
                break
            columns = [c for c in columns if c.key != key]
        room = max(self._flex_room(columns, width), 0)
        flex_total = sum(c.flex for c in columns) or 1
        widths, given = [], 0
        flexible = [c for c in columns if c.flex]
        for c in columns:
            if c.flex:
                w = max(c.width, room * c.flex // flex_total) if c is not flexible[-1] else 0
                widths.append(w)
                given += w
            else:
                widths.append(c.width)
        if flexible:
            last = columns.index(flexible[-1])
            widths[last] = max(flexible[-1].width, room - given)
        return columns, widths

    @staticmethod
    def _flex_room(columns: list[Column], width: int) -> int:
        gaps = len(columns) - 1
        return width - gaps - sum(c.width for c in columns if not c.flex)

    def _cell(self, text: str, width: int, right: bool) -> str:
        text = printable_line(text)
        if cell_len(text) > width:
            return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
        pad = " " * (width - cell_len(text))
        return pad + text if right else text + pad

    def render_line(self, y: int) -> Strip:
        columns, widths = self._layout()
        width = self.size.width
        base = self.rich_style
        if y == 0:
            style = self.get_component_rich_style("fact-table--header")
            cells = []
            for column, w in zip(columns, widths, strict=True):
                if column.sort == self.query_state.sort and w > 2:  # the arrow stays when the title is cut
                    arrow = " ▼" if self.query_state.descending else " ▲"
                    title = printable_line(column.title)
                    if cell_len(title) + 2 > w:
                        title = set_cell_size(title, w - 3) + "…"
                    cells.append(self._cell(title + arrow, w, column.right))
                else:
                    cells.append(self._cell(column.title, w, column.right))
            return Strip([Segment(" ".join(cells), style)]).crop_extend(0, width, style)
        index = int(self.scroll_y) + y - 1
        if index >= self._row_count:
            return Strip.blank(width, base)
        row = self.row(index)
        if row is None:
            style = self.get_component_rich_style("fact-table--pending")
            text = self._cell("…", widths[0], True) if widths else "…"
            return Strip([Segment(text, style)]).crop_extend(0, width, style)
        style = base
        if row["status"] == "disputed":
            style = base + self.get_component_rich_style("fact-table--disputed")
        elif row["status"] in ("retracted", "superseded"):
            style = base + self.get_component_rich_style("fact-table--retracted")
        if index == self.cursor_row:
            style = style + self.get_component_rich_style("fact-table--cursor")
        text = " ".join(self._cell("" if row.get(c.key) is None else str(row[c.key]), w, c.right)
                        for c, w in zip(columns, widths, strict=True))
        return Strip([Segment(text, style)]).crop_extend(0, width, style)


def _place(ids: np.ndarray, fact_id: int) -> int | None:
    """Where a fact stands in a result, if it is in it."""
    found = np.flatnonzero(ids == fact_id)
    return int(found[0]) if len(found) else None
