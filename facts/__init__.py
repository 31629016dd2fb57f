"""facts: a structured fact database for analysts."""

__version__ = "0.1.0"
