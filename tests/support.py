"""Helpers shared by the tests: database checksums and copies, the CLI as a user runs it, the
small collection the import tests start from, and driving the browser through Textual's Pilot."""

import asyncio
import hashlib
import json
import os
import pty
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from textual.geometry import Region

from facts.cli import cli
from facts_tui.app import FactsApp
from facts_tui.fact_table import FactTable
from facts_tui.panes import FilterBar


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


FIXTURES = Path(__file__).parent / "fixtures"


def make_old(path: Path, version: int) -> None:
    """A database of an earlier schema with a row of every kind (the seeds: actors, aliases, sources, facts,
    about; an edit, so history; annotations of every kind, a retraction, a candidate decision; from schema 4 a
    PDF, a web page and a source of two versions with an orphan), loaded from a dump of what facts of that
    version wrote (tests/fixtures/facts-vN.sql)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript((FIXTURES / f"facts-v{version}.sql").read_text(encoding="utf-8"))
    conn.close()


def facts_command() -> list[str]:
    """The CLI as a separate process, as a user runs it."""
    return [sys.executable, "-c", "from facts.cli import main; main()"]


def on_a_terminal(*args: str, db, columns: int = 200, lines: int = 50) -> tuple[int, str]:
    """Run facts on a pseudo-terminal of that size: (exit code, everything it wrote to stdout and stderr)."""
    main, secondary = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(lines),
           "FACTS_AUTHOR": "analyst"}
    process = subprocess.Popen([*facts_command(), "--db", str(db), *args], stdin=subprocess.DEVNULL,
                               stdout=secondary, stderr=secondary, env=env)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    out = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    # Our own styling (bold table headers) is the only escape allowed: a colour or weight, nothing else.
    return process.wait(timeout=60), STYLE.sub("", out)


STYLE = re.compile(r"\x1b\[[0-9;]*m")


# --- the import tests' collection ------------------------------------------------------

# The source every test cites. Line breaks and runs of spaces are part of it on purpose.
MEMO_TEXT = (
    "Troop report, 12 March 2023.\n"
    "\n"
    "NATO officials say about 30,000 troops are in Belarus.\n"
    "The ministry says 12,500 soldiers arrived.\n"
    "Some say 5,000 tanks. Some say 5,000 tanks.\n"
    "The  blog   counts\n"
    "10,000 arrivals so far.\n"
    "Between 40 and 50 km of the border is fortified.\n"
)

BASE_COLLECTION = """\
actors:
  - name: Alexander Lukashenko
    kind: person
    aliases: [Lukashenko, Lukashenka]
  - name: NATO
    kind: organization
    aliases: [NATO officials]
  - name: Belarus Security Blog
    kind: organization
  - name: Belarus
    kind: state
sources:
  - key: memo
    title: Troop report
    publisher: Test Desk
    published: "2023-03-12"
    reliability: B
    text_file: texts/memo.txt
"""

ENV = {"COLUMNS": "4000", "FACTS_AUTHOR": "import-tester", "FACTS_DB": None, "FORCE_COLOR": None}

GOOD = {"subject": "Atomic", "date": "2023", "actor": "NATO", "source": "memo", "confidence": 0.5}


def run(db: Path, *args: str, input: str | None = None, env: dict | None = None):
    return CliRunner().invoke(cli, ["--db", str(db), *args], input=input, env={**ENV, **(env or {})})


def facts_of(db: Path) -> list[dict]:
    result = run(db, "list", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_claim(db: Path) -> dict[str, dict]:
    return {f["claim"]: f for f in facts_of(db)}


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def assert_clean_failure(result) -> None:
    """A user error: exit code 1, no traceback, no internal error."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert "internal error" not in result.output


def problem_lines(result, path: Path) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith(f"{path}:")]


# --- the browser, through Pilot ---------------------------------------------------------

def text_of(widget) -> str:
    """What a widget shows, as plain text (padding and border included)."""
    width, height = widget.region.size
    return "\n".join(s.text for s in widget.render_lines(Region(0, 0, width, height)))


def shown_in(app, widget) -> str:
    """The text the top screen shows inside a widget's content region, lines joined by spaces."""
    strips = app.screen._compositor.render_strips()
    x, y, width, height = widget.content_region
    return " ".join(strip.crop(x, x + width).text for strip in strips[y:y + height])


def browse(path, scenario, size=(120, 40)):
    """Run the app on a database and a scenario(app, pilot) coroutine."""
    async def main():
        app = FactsApp(path)
        async with app.run_test(size=size) as pilot:
            await settle(pilot, app)
            await scenario(app, pilot)
    asyncio.run(main())


async def settle(pilot, app, rounds: int = 60):
    """Wait until the workers are done and the screen is up to date.

    Idle three times in a row (0.15 s): longer than the detail pane's wait for the cursor to rest.
    """
    idle = 0
    for _ in range(rounds):
        await pilot.pause(0.05)
        idle = idle + 1 if not any(w.is_running for w in app.workers) else 0
        if idle >= 3:
            return


async def until(pilot, condition, timeout: float = 10.0) -> None:
    """Wait for a condition the app reaches through its workers; fail after `timeout` seconds."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()


async def type_filter(pilot, app, text: str):
    await pilot.press("slash")
    app.query_one(FilterBar).set_value(text)
    await settle(pilot, app)


def table(app) -> FactTable:
    """The main screen's table, whichever screen is on top."""
    return app.main_screen.query_one(FactTable)
