"""Two programs at once: the browser reads while `facts import` writes 10,000 facts and
`facts annotate` runs in a loop. No "database is locked" reaches anyone, every write lands,
and the browser shows the new facts."""

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from support import browse, facts_command, settle, table, type_filter, until

import facts_tui.app
from facts.db import open_db

ROOT = Path(__file__).resolve().parent.parent
FIRST = 100  # in the database before the browser opens
IMPORTED = 10_000  # imported while it is open
NOTES = 12


def facts(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*facts_command(), "--db", str(db), *args], capture_output=True, text=True)


@pytest.fixture
def started(tmp_path) -> tuple[Path, Path]:
    """A database with the generated actors, sources and first facts; the rest in a file to import."""
    path = tmp_path / "facts.jsonl"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--facts", str(FIRST + IMPORTED),
                    "--out", str(path), "--format", "jsonl", "--quiet"], check=True, capture_output=True)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "first.jsonl").write_text("".join(lines[:FIRST]), encoding="utf-8")
    (tmp_path / "rest.jsonl").write_text("".join(lines[FIRST:]), encoding="utf-8")
    db = tmp_path / "facts.db"
    assert facts(db, "init").returncode == 0
    done = facts(db, "import", f"{path}.setup.yaml", str(tmp_path / "first.jsonl"))
    assert done.returncode == 0, done.stderr
    return db, tmp_path / "rest.jsonl"


def test_browser_reads_while_import_and_annotate_write(started, monkeypatch):
    db_path, rest = started
    monkeypatch.setattr(facts_tui.app, "REFRESH_SECONDS", 0.2)
    errors: list[str] = []
    original_notify = facts_tui.app.FactsApp.notify

    def notify(app, message, *args, severity="information", **kwargs):
        if severity == "error":
            errors.append(str(message))
        return original_notify(app, message, *args, severity=severity, **kwargs)
    monkeypatch.setattr(facts_tui.app.FactsApp, "notify", notify)

    runs: list[subprocess.CompletedProcess] = []

    def importer():
        runs.append(facts(db_path, "import", str(rest)))

    def annotator():
        for i in range(NOTES):
            runs.append(facts(db_path, "annotate", "1", f"Loop note {i}"))

    async def scenario(app, pilot):
        assert table(app).total == FIRST
        writers = [threading.Thread(target=importer), threading.Thread(target=annotator)]
        for writer in writers:
            writer.start()
        # Keep reading while they write: move, filter, clear, open a fact.
        while any(w.is_alive() for w in writers):
            await pilot.press("down", "down", "up")
            await type_filter(pilot, app, "unit:troops")
            await type_filter(pilot, app, "")
            await pilot.pause(0.1)
        for writer in writers:
            writer.join()
        await until(pilot, lambda: table(app).total == FIRST + IMPORTED, timeout=30)
        await settle(pilot, app)
        await pilot.press("home")
        await until(pilot, lambda: app.collection.fact(1) is not None)
        notes = [a for a in app.collection.fact(1).annotations if (a.get("body") or "").startswith("Loop note")]
        assert len(notes) == NOTES

    browse(db_path, scenario)
    assert errors == []
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert "locked" not in run.stderr and "busy" not in run.stderr
    assert len(runs) == NOTES + 1
    db = open_db(db_path)
    assert db.execute("SELECT count(*) FROM facts").fetchone()[0] == FIRST + IMPORTED
    assert db.execute("SELECT count(*) FROM annotations WHERE body LIKE 'Loop note %'").fetchone()[0] == NOTES
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
