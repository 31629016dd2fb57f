"""Writing rows out: a table for people, JSON / newline-delimited JSON / CSV for programs."""

import csv
import json
import sys
from collections.abc import Callable, Iterable
from typing import TextIO

from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text

from .display import printable_line


def console(stream: TextIO | None = None) -> Console:
    # Console honours NO_COLOR and only colours a terminal.
    return Console(file=stream or sys.stdout, highlight=False, emoji=False, markup=False, soft_wrap=False)


# A table column: header, justification, how to get the cell from a row, and
# whether the cell may wrap (long text) or must stay on one line (numbers, dates).
Column = tuple[str, JustifyMethod, Callable[[dict], object], bool]


def write_rows(rows: Iterable[dict], fmt: str, *, columns: list[Column] | None = None,
               stream: TextIO | None = None) -> int:
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
        rows = list(rows)
        count = len(rows)
        if columns is None:
            keys = list(rows[0]) if rows else []
            columns = [(k, "left", (lambda key: lambda r: r[key])(k), True) for k in keys]
        table = Table(show_edge=False, pad_edge=False, header_style="bold", expand=False)
        for header, justify, _, wrap in columns:
            table.add_column(header, justify=justify, no_wrap=not wrap, overflow="fold" if wrap else "ellipsis",
                             min_width=len(header))
        for row in rows:
            table.add_row(*[Text(printable_line(get(row))) for _, _, get, _ in columns])
        console(out).print(table)
    return count
