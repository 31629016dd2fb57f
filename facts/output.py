"""Writing rows out: a table for people, JSON / newline-delimited JSON / CSV for programs."""

import csv
import json
import re
import shutil
import sys
from collections.abc import Callable, Iterable
from itertools import islice
from typing import TextIO

from rich.cells import cell_len, set_cell_size
from rich.console import Console, JustifyMethod

from .display import printable_line


def console(stream: TextIO | None = None) -> Console:
    # Console honours NO_COLOR and only colours a terminal.
    return Console(file=stream or sys.stdout, highlight=False, emoji=False, markup=False, soft_wrap=False)


_TRAILING = re.compile(r" +((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)


def print_trimmed(renderable: object, stream: TextIO | None = None) -> None:
    """Print something rich lays out (a grid pads each line to the width) without spaces at line ends."""
    terminal = console(stream)
    with terminal.capture() as captured:
        terminal.print(renderable)
    (stream or sys.stdout).write(_TRAILING.sub(r"\1", captured.get()))


# A table column: header, justification, how to get the cell from a row, and whether the cell may be cut
# to fit a terminal (long text) or is kept whole while another can give way (numbers, dates).
Column = tuple[str, JustifyMethod, Callable[[dict], object], bool]


def write_rows(rows: Iterable[dict], fmt: str, *, columns: list[Column] | None = None,
               stream: TextIO | None = None, style: str = "box") -> int:
    """Write rows; `columns` shapes the table only. Returns the row count."""
    out = stream or sys.stdout
    count = 0
    if fmt == "json":
        out.write("[")
        for row in rows:
            out.write(("," if count else "") + "\n  " + json.dumps(row, ensure_ascii=False))
            count += 1
        out.write("\n]\n" if count else "]\n")
    elif fmt == "nl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    elif fmt == "csv":
        writer = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\r\n")
                writer.writeheader()
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
            count += 1
    else:
        count = write_table(rows, columns, out, style=style)
    return count


# Each table style (vocab.TABLE_STYLES): between header cells, between row cells, the rule under the header
# (a rule's character and joint), at either edge; tsv has no padding and no rule.
_STYLES = {"box": (" ┃ ", " │ ", ("━", "━╇━"), ""), "plain": ("  ", "  ", None, ""),
           "markdown": (" | ", " | ", ("-", "-|-"), "|"), "tsv": ("\t", "\t", None, "")}


def write_table(rows: Iterable[dict], columns: list[Column] | None, out: TextIO, *, width: int | None = None,
                sample: int = 200, style: str = "box") -> int:
    """Rows as a table, one line each, written as they come: the columns are as wide as the first `sample`
    rows need. On a terminal (or given `width`) the table fits its width: long cells end in '…'; piped,
    nothing is cut (a longer cell makes its line longer). Returns the row count."""
    head_joint, joint, rule, edge = _STYLES[style]
    it = iter(rows)
    first = list(islice(it, sample))
    if columns is None:
        keys = list(first[0]) if first else []
        columns = [(k, "left", (lambda key: lambda r: r[key])(k), True) for k in keys]
    if not columns:
        return 0
    if width is None and out.isatty() and style != "tsv":
        width = shutil.get_terminal_size().columns - 2 * len(edge)
    cells = [[printable_line(get(row)) for _, _, get, _ in columns] for row in first]
    widths = [max([cell_len(header)] + [cell_len(r[i]) for r in cells]) for i, (header, *_) in enumerate(columns)]
    if width is not None:
        widths = _fitted(widths, [(cell_len(h), wrap) for h, _, _, wrap in columns], width)

    def line(values: list[str], between: str) -> str:
        if style == "tsv":  # a tab or a line break inside a cell would move the others: each is a space
            return "\t".join(" ".join(v.replace("\t", " ").split("\n")) for v in values)
        parts = []
        for value, w, (_, justify, _, _) in zip(values, widths, columns, strict=True):
            if width is not None and cell_len(value) > w:
                value = set_cell_size(value, w - 1) + "…"
            pad = " " * max(0, w - cell_len(value))
            parts.append(pad + value if justify == "right" else value + pad)
        text = between.join(parts)
        return f"{edge} {text} {edge}" if edge else text.rstrip()
    out.write(line([h for h, *_ in columns], head_joint) + "\n")
    if rule is not None:
        char, cross = rule
        ruled = cross.join(char * w for w in widths)
        out.write((f"{edge}{char}{ruled}{char}{edge}" if edge else ruled) + "\n")
    count = 0
    for row_cells in cells:
        out.write(line(row_cells, joint) + "\n")
        count += 1
    for row in it:
        out.write(line([printable_line(get(row)) for _, _, get, _ in columns], joint) + "\n")
        count += 1
    return count


def _fitted(widths: list[int], mins: list[tuple[int, bool]], width: int, floor: int = 8) -> list[int]:
    """Column widths that fit `width` with their separators: the widest column that may be cut gives a
    character at a time, down to `floor`; then the widest of all, down to its header."""
    widths = list(widths)
    room = width - 3 * (len(widths) - 1)
    for least in (lambda i: floor if mins[i][1] else widths[i], lambda i: max(mins[i][0], 3)):
        while sum(widths) > room:
            shrinkable = [i for i, w in enumerate(widths) if w > least(i)]
            if not shrinkable:
                break
            widths[max(shrinkable, key=lambda i: widths[i])] -= 1
    return widths
