"""Reading the files a person names: regular files only, of bounded size, and inside a folder where asked.

A device (/dev/zero), a pipe (which would wait forever), a folder or an oversized file is refused in one
line before anything is read or written.
"""

import os
import stat
from pathlib import Path

from .errors import FactsError

MAX_FILE_MB = 50
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024


def read_file(path: str | Path, *, inside: Path | None = None) -> bytes:
    """A regular file's bytes. With `inside`, the file (links followed) must lie within that folder."""
    given = Path(path)
    if inside is not None and not given.resolve().is_relative_to(inside.resolve()):
        raise FactsError(f"{path} is outside {inside}, the folder text files are read from")
    try:
        fd = os.open(given, os.O_RDONLY | os.O_NONBLOCK)  # a pipe opens at once instead of waiting for a writer
    except OSError as e:
        raise FactsError(f"cannot read {path} ({e.strerror})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(mode) else "a pipe" if stat.S_ISFIFO(mode) else "a device or socket"
        raise FactsError(f"{path} is {kind}, not a regular file")
    with os.fdopen(fd, "rb") as f:
        data = f.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise FactsError(f"{path} is larger than {MAX_FILE_MB} MB, the most a text file may be")
    return data


def read_stream(stream, name: str = "standard input") -> bytes:
    """At most MAX_FILE_BYTES from a stream, refused beyond."""
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise FactsError(f"{name} is larger than {MAX_FILE_MB} MB, the most a text file may be")
    return data
