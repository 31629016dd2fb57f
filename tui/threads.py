"""Reading (or writing) before a screen opens, off the main thread: no key waits on SQLite."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.dom import DOMNode

from facts.display import printable_line
from facts.errors import FactsError

T = TypeVar("T")


def run_then(node: DOMNode, task: Callable[[], T], then: Callable[[T], object]) -> None:
    """Run `task` in a worker of `node`, then `then(result)` on the main thread; a FactsError is a notification."""
    app = node.app

    def run() -> None:
        try:
            result = task()
        except FactsError as e:
            app.call_from_thread(app.notify, printable_line(str(e)), severity="error", markup=False)
            return
        app.call_from_thread(then, result)
    node.run_worker(run, thread=True, group="prepare")
