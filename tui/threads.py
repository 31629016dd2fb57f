"""Work off the main thread, so no key waits on SQLite: `background` for a widget's own workers, `run_then`
to read what a screen needs before it opens. A worker's failure is one line in a notification, and the app
stays up: a user's error as it is, a fault of the machine named, a bug with the log that holds it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from textual import work
from textual.app import App
from textual.dom import DOMNode

from facts.display import printable_line
from facts.errors import Superseded, describe_failure

T = TypeVar("T")


def report(app: App, error: BaseException) -> None:
    """A worker's failure as one line (call on the main thread)."""
    app.notify(printable_line(describe_failure(error)), severity="error", markup=False, timeout=10)


def background(*, group: str = "default", exclusive: bool = False) -> Callable[[Callable[..., Any]], Any]:
    """@work in a thread, whose failure is reported in one line instead of stopping the app."""
    def decorate(method: Callable[..., Any]) -> Any:
        @functools.wraps(method)
        def run(self: DOMNode, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except Superseded:  # a newer read of the same job took over: nothing to say
                return None
            except Exception as e:  # the worker's last word: whatever it was, said in one line, app kept up
                self.app.call_from_thread(report, self.app, e)
                return None
        return work(thread=True, group=group, exclusive=exclusive, exit_on_error=False)(run)
    return decorate


def run_then(node: DOMNode, task: Callable[[], T], then: Callable[[T], object]) -> None:
    """Run `task` in a worker of `node`, then `then(result)` on the main thread; a failure is a notification."""
    app = node.app

    def run() -> None:
        try:
            result = task()
        except Exception as e:  # the worker's last word, as in background
            app.call_from_thread(report, app, e)
            return
        app.call_from_thread(then, result)
    node.run_worker(run, thread=True, group="prepare", exit_on_error=False)
