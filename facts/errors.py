"""Errors a user can cause: each is one line they can act on."""


class FactsError(Exception):
    """A user-caused error: printed as one line, exit code 1, nothing written."""


class RecordErrors(FactsError):
    """Problems with one or more records: 'FILE:LINE: field: reason' each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}")
