"""Rules for text fields: one line or a paragraph, no control characters where they do not belong."""

import re

_LINE_UNSAFE = re.compile(r"[\x00-\x1f]")


def single_line(value: str, max_length: int) -> str:
    """A one-line field: trimmed, not empty, no control characters."""
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    bad = _LINE_UNSAFE.search(value)
    if bad:
        raise ValueError(f"must be one line without control characters (found {describe_char(bad.group())})")
    if len(value) > max_length:
        raise ValueError(f"is {len(value):,} characters long; at most {max_length:,} are allowed")
    return value


def paragraph(value: str, max_length: int, strip: bool = True) -> str:
    """A free-text field: may span lines, not empty, no NUL bytes."""
    if strip:
        value = value.strip()
    if not value.strip():
        raise ValueError("must not be empty")
    if "\x00" in value:
        raise ValueError("must not contain NUL bytes")
    if len(value) > max_length:
        raise ValueError(f"is {len(value):,} characters long; at most {max_length:,} are allowed")
    return value


def describe_char(char: str) -> str:
    return f"U+{ord(char):04X}"
