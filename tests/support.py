"""Helpers shared by the tests."""

import hashlib
import sqlite3
import sys
from pathlib import Path


def snapshot(path: Path) -> str:
    """A checksum of every table, view, trigger and row: equal means nothing was written."""
    conn = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode("utf-8")).hexdigest()
    finally:
        conn.close()


def copy_db(src: Path, dst: Path) -> None:
    """A consistent copy of a database (WAL included)."""
    source, target = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def facts_command() -> list[str]:
    """The CLI as a separate process, as a user runs it."""
    return [sys.executable, "-c", "from facts_tui.script import main; main()"]
