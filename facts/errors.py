"""Errors a user can cause: each is one line they can act on."""


class FactsError(Exception):
    """A user-caused error: printed as one line, exit code 1, nothing written."""


class RecordErrors(FactsError):
    """Problems with one or more records: 'FILE:LINE: field: reason' each."""

    def __init__(self, problems: list[str], total: int | None = None):
        self.problems = problems
        self.total = len(problems) if total is None else total  # more than listed when the list was cut short
        unlisted = f" ({self.total - len(problems):,} not listed)" if self.total > len(problems) else ""
        super().__init__(f"{self.total:,} problem{'s' if self.total != 1 else ''}{unlisted}")
