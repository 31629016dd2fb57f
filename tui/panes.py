"""The filter bar, the facets beside the table, and the detail pane."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from facts.display import printable_line
from facts.facets import FacetValue
from facts.query import FactDetail
from facts.showing import render_fact
from facts.where import has_term

# facet -> (heading, how a value becomes a term of the filter language)
FACET_TERMS = {
    "claimant": ("Claimants", "actor"),
    "subject": ("Subjects", "subject="),
    "unit": ("Units", "unit"),
    "source": ("Sources", "source"),
    "status": ("Status", "status"),
    "tag": ("Tags", "tag"),
}
FACET_NAMES = tuple(FACET_TERMS)


def facet_term(facet: str, value: str) -> str:
    """The filter-language term that selects one facet value."""
    key = FACET_TERMS[facet][1]
    quoted = f'"{value}"' if any(ch.isspace() for ch in value) or '"' in value else value
    return f"{key}{quoted}" if key.endswith("=") else f"{key}:{quoted}"


def _fit(text: str, width: int) -> str:
    """One line of at most `width` cells."""
    width = max(width, 4)
    return text if cell_len(text) <= width else set_cell_size(text, width - 1) + "…"


class FilterBar(Vertical):
    """One line to type a filter in, and one under it saying what is wrong with it."""

    DEFAULT_CSS = """
    FilterBar { height: auto; }
    FilterBar Input, FilterBar Input:focus { border: none; height: 1; padding: 0 1; }
    FilterBar Input:focus { background: $boost; }
    FilterBar #filter-error { color: $error; padding: 0 1; height: auto; display: none; }
    FilterBar.-error #filter-error { display: block; }
    """

    def compose(self) -> ComposeResult:
        yield Input(placeholder='/ filter: actor:nato subject:"troops in belarus" date:2022-02..2022-03 conf>=0.6 '
                                'status:disputed tag:x value>10000 words', id="filter-input")
        yield Static(id="filter-error")

    def show_error(self, message: str | None) -> None:
        self.set_class(bool(message), "-error")
        self.query_one("#filter-error", Static).update(Text(printable_line(message or "")))

    @property
    def value(self) -> str:
        return self.query_one(Input).value

    def set_value(self, text: str) -> None:
        self.query_one(Input).value = text


FACET_WIDTH = 34


class FacetPanel(OptionList):
    """Counts of claimants, subjects, units, sources, status and tags for the current filter."""

    DEFAULT_CSS = f"""
    FacetPanel {{ width: {FACET_WIDTH}; border: none; border-right: solid $panel; height: 1fr; }}
    """

    class Toggled(Message):
        def __init__(self, facet: str, value: str) -> None:
            super().__init__()
            self.facet = facet
            self.value = value

    def show_pending(self) -> None:
        self.clear_options()
        for facet in FACET_NAMES:
            self.add_option(Option(Text(f"{FACET_TERMS[facet][0]}  counting…", style="bold dim"), disabled=True))

    def show_counts(self, counts: dict[str, list[FacetValue]], selected: str) -> None:
        # Keep the reader's place only while they are using the panel.
        highlighted = self.highlighted if self.has_focus else None
        self.clear_options()
        for facet in FACET_NAMES:
            self.add_option(Option(Text(FACET_TERMS[facet][0], style="bold"), disabled=True))
            values = [(v.value, v.count) for v in counts.get(facet, []) if v.value is not None]
            if not values:
                self.add_option(Option(Text("  (none)", style="dim"), disabled=True))
            for value, count in values:
                mark = "●" if has_term(selected, facet_term(facet, value)) else " "
                line = Text(f"{mark}{count:>6,} ")
                # The set width, not the laid-out one: counts can arrive before the first layout.
                line.append(_fit(printable_line(value), FACET_WIDTH - len(line) - 9))  # border, scrollbar, padding
                self.add_option(Option(line, id=f"{facet}\x1f{value}"))
        if highlighted is not None and highlighted < self.option_count:
            self.highlighted = highlighted
        else:
            self.scroll_home(animate=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            facet, value = event.option.id.split("\x1f", 1)
            self.post_message(self.Toggled(facet, value))


class DetailPane(VerticalScroll):
    """Every field of the highlighted fact, its quote in context, annotations and history."""

    DEFAULT_CSS = """
    DetailPane { height: 45%; border-top: solid $panel; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(Text("No fact highlighted.", style="dim"), id="detail-body")

    def show(self, detail: FactDetail | None) -> None:
        body = self.query_one("#detail-body", Static)
        if detail is None:
            body.update(Text("No fact highlighted.", style="dim"))
        else:
            body.update(render_fact(detail))
        self.scroll_home(animate=False)
