"""Errors a user can cause: each is one line they can act on, and nothing is written; and the faults of the
machine (a full disk, a read-only file, a damaged database), named as such."""

import errno
import sqlite3

# Failures of the machine rather than the user: a database locked past the busy timeout, a full or
# read-only disk. The browser reports them and keeps what was typed, without naming the driver itself.
ENVIRONMENT_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, OSError)


class Superseded(Exception):
    """A read stopped because a newer one of the same job began (the browser's filter typed on): not a failure."""


class FactsError(Exception):
    """A user-caused error: printed as one line, exit code 1, nothing written."""


class FieldProblems(FactsError):
    """One record's problems, each as (field, reason)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{f}: {r}" for f, r in problems))


class RecordErrors(FactsError):
    """Problems with one or more records: 'FILE:LINE: field: reason' each."""

    def __init__(self, problems: list[str], total: int | None = None):
        self.problems = problems
        self.total = len(problems) if total is None else total  # more than listed when the list was cut short
        unlisted = f" ({self.total - len(problems):,} not listed)" if self.total > len(problems) else ""
        super().__init__(f"{self.total:,} problem{'s' if self.total != 1 else ''}{unlisted}")


class UnknownActor(FactsError):
    """A name or alias that names no actor, with the nearest names."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name = name
        self.suggestions = suggestions
        hint = f" (did you mean {' or '.join(suggestions)}?)" if suggestions else ""
        super().__init__(f"unknown actor '{name}'{hint}")


class SimilarActor(FactsError):
    """A new actor whose name reads like an actor already stored: creating it needs a person's word."""

    def __init__(self, name: str, similar: list[str]):
        self.name = name
        self.similar = similar
        super().__init__(f"'{name}' looks like {' or '.join(similar)}: use that name, or confirm it is a "
                         f"different actor")


class DuplicateFact(FactsError):
    """A fact with the same source, quote, value and claimant is already stored."""

    def __init__(self, fact_id: int):
        self.fact_id = fact_id
        super().__init__(f"fact #{fact_id} already has this source, quote, value and claimant")


class WhereError(FactsError, ValueError):
    """A malformed filter: what is wrong and where (a character offset)."""

    def __init__(self, message: str, position: int):
        self.message = message
        self.position = position
        super().__init__(message, position)

    def __str__(self) -> str:
        return f"{self.message} (at character {self.position + 1})"


BUSY_SECONDS = 15  # how long a write waits for another program's write to finish (the busy timeout)

# What SQLite says, and what it means to a person.
_SQLITE_FAULTS = (
    ("database or disk is full", "the disk is full"),
    ("attempt to write a readonly database", "the database file or its folder is read-only"),
    ("readonly database", "the database file or its folder is read-only"),
    ("database is locked", f"another program kept the database busy for more than {BUSY_SECONDS} s (try again)"),
    ("database table is locked", f"another program kept the database busy for more than {BUSY_SECONDS} s"),
    ("unable to open database file", "the database file cannot be opened (is its folder readable?)"),
    ("disk I/O error", "the disk failed to read or write"),
    ("database disk image is malformed", "the database file is damaged: restore it from a copy"),
    ("file is not a database", "the database file is damaged: restore it from a copy"),
)
_OS_FAULTS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EIO: "the disk failed to read or write",
    errno.EPIPE: "the output was closed before everything was written",
}


def log_internal_error(error: BaseException) -> str:
    """Write a bug's traceback to a log of its own (unique, readable by this user only); its path."""
    import datetime as dt
    import os
    import tempfile
    import traceback
    from pathlib import Path
    text = "".join(traceback.format_exception(error))
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "facts"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f"error-{dt.datetime.now():%Y%m%d-%H%M%S}-", suffix=".log", dir=folder)
    except OSError:
        fd, name = tempfile.mkstemp(prefix="facts-error-", suffix=".log")  # 0600 in the temporary folder
    with os.fdopen(fd, "w", encoding="utf-8") as log:
        log.write(text)
    return name


def describe_failure(error: BaseException) -> str:
    """One line for any failure: the user's error as it is, a fault of the machine named, a bug with its log."""
    if isinstance(error, FactsError):
        return str(error)
    fault = environment_fault(error)
    if fault is not None:
        return f"{fault} (a fault of the machine, not of your input)"
    return f"an internal error in facts (not caused by your input); details in {log_internal_error(error)}"


def environment_fault(error: BaseException) -> str | None:
    """What a failure of the machine, not of the person, is: 'the disk is full'; None for anything else."""
    if isinstance(error, sqlite3.Error):
        message = str(error)
        for said, meaning in _SQLITE_FAULTS:
            if said in message:
                return meaning
        return None
    if isinstance(error, OSError) and error.errno in _OS_FAULTS:
        where = f" ({error.filename})" if error.filename else ""
        return _OS_FAULTS[error.errno] + where
    return None
