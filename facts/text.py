"""Rules for text fields, and text made safe to show on a terminal."""

import re

# C0 controls but tab/newline/carriage return, DEL, and C1 controls.
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
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


def printable(value: object) -> str:
    """Text to put on a terminal: control characters shown, never obeyed."""
    if value is None:
        return ""
    text = str(value)
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def printable_line(value: object) -> str:
    """As printable, with line breaks and tabs shown as spaces."""
    return " ".join(printable(value).split())
