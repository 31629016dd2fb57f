"""Rules for text fields, and text made safe to show on a terminal."""

import re

# C0 controls but tab/newline/carriage return, DEL, and C1 controls (the single-byte CSI \x9b among them).
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Characters that change how the text around them reads: bidi overrides and isolates, zero-width
# spaces and joiners, the byte order mark. Shown by name, never obeyed.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
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
    """Text to put on a terminal: control and invisible characters shown, never obeyed.

    The one function every screen and table uses for text from the data; with rich Text objects
    (never markup strings) it keeps "[bold]" and escape sequences from doing anything.
    """
    if value is None:
        return ""
    text = _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))
    return _INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def printable_line(value: object) -> str:
    """As printable, with line breaks and tabs shown as spaces."""
    return " ".join(printable(value).split())
