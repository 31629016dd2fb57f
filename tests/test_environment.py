"""Faults of the machine are named for what they are, in one line with exit code 1, and write nothing:
a full disk, a read-only file or folder, a damaged database, a closed pipe; a database in a read-only
folder can still be read; a bug names a log of its own."""

import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import facts_command, snapshot

import facts.db
from facts.cli import cli

MACHINE = "(a fault of the machine, not of your input)"


def run(db: Path, *args: str, as_nobody: bool = False) -> subprocess.CompletedProcess:
    # Root reads and writes whatever the permissions say: the read-only cases run as another user.
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if as_nobody and os.getuid() == 0 else []
    return subprocess.run([*prefix, *facts_command(), "--db", str(db), *args], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "HOME": str(db.parent)})


@pytest.fixture
def shared(seeded_path):
    """The seeded database in a folder anyone may enter (for the runs as another user)."""
    folder = Path(tempfile.mkdtemp(prefix="facts-ro-"))
    folder.chmod(0o755)
    path = folder / "facts.db"
    shutil.copyfile(seeded_path, path)
    path.chmod(0o644)
    yield path
    folder.chmod(0o755)
    shutil.rmtree(folder)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_database_is_read_and_a_write_says_why_not(shared, what):
    if what == "file":
        shared.chmod(0o444)
    else:
        shared.parent.chmod(0o555)
    before = snapshot(shared)
    read = run(shared, "list", "--limit", "1", "--csv", as_nobody=True)
    assert read.returncode == 0 and read.stdout.startswith("id,claim"), read.stderr
    write = run(shared, "tag", "1", "checked", as_nobody=True)
    assert write.returncode == 1
    assert write.stderr.strip() == f"Error: the database file or its folder is read-only; nothing was written {MACHINE}"
    assert snapshot(shared) == before


def test_a_full_disk_is_named(seeded_path, monkeypatch):
    opened = facts.db.open_db

    def no_room(*args, **kwargs):  # SQLite's own full-disk path: no page may be added
        db = opened(*args, **kwargs)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db
    monkeypatch.setattr(facts.db, "open_db", no_room)
    before = snapshot(seeded_path)
    long_note = "x" * 9_000  # more than the free room of the pages there are
    result = CliRunner().invoke(cli, ["--db", str(seeded_path), "annotate", "1", long_note])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: the disk is full; nothing was written {MACHINE}"
    assert snapshot(seeded_path) == before


def test_an_export_to_a_full_disk_is_named(seeded_path):
    done = run(seeded_path, "export", "facts_flat", "-o", "/dev/full")
    assert done.returncode == 1
    assert done.stderr.strip().startswith("Error: the disk is full") and done.stderr.strip().endswith(MACHINE)


def test_a_damaged_database_is_named(seeded_path):
    page = sqlite3.connect(seeded_path).execute("PRAGMA page_size").fetchone()[0]
    root = sqlite3.connect(seeded_path).execute("SELECT rootpage FROM sqlite_master WHERE name = 'facts'").fetchone()[0]
    with open(seeded_path, "r+b") as f:  # the facts table's first page overwritten; the file's header intact
        f.seek((root - 1) * page)
        f.write(b"\xff" * page)
    done = run(seeded_path, "list", "--csv")
    assert done.returncode == 1
    damaged = "the database file is damaged: restore it from a copy"
    assert done.stderr.strip() == f"Error: {damaged}; nothing was written {MACHINE}"


@pytest.mark.parametrize("args", [  # each writes more than a pipe holds (64 KiB), so the writer meets the close
    ["export", "facts_flat"], ["list", "--nl"],
    ["query", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) SELECT i FROM n"]])
def test_a_closed_pipe_ends_quietly(seeded_path, args):
    """The reader goes away, as `| head` does: no message, the status of a process stopped by SIGPIPE."""
    process = subprocess.Popen([*facts_command(), "--db", str(seeded_path), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.read(10)
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141 and err == ""


def test_every_internal_error_has_a_log_of_its_own(seeded_path, tmp_path, monkeypatch):
    import facts.query
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def broken(*args, **kwargs):
        raise RuntimeError("a bug, not the user's doing")
    monkeypatch.setattr(facts.query, "list_facts", broken)
    logs = []
    for _ in range(3):  # within one second
        result = CliRunner().invoke(cli, ["--db", str(seeded_path), "list"])
        assert result.exit_code == 2
        logs.append(Path(result.output.strip().rsplit("details in ", 1)[1]))
    assert len(set(logs)) == 3 and all("a bug, not the user's doing" in log.read_text() for log in logs)
    folder = logs[0].parent
    assert folder == tmp_path / "cache" / "facts"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in logs)


def test_the_fixture_really_is_read_only_for_the_reader(shared):
    """The read-only cases are real: the reader cannot write the file once it is 0444."""
    shared.chmod(0o444)
    done = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c",
                           f"echo x >> {shared}"] if os.getuid() == 0 else ["sh", "-c", f"echo x >> {shared}"],
                          capture_output=True)
    assert done.returncode != 0
    assert sqlite3.connect(shared).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_write_that_waits_says_how_long_and_why(seeded_path):
    holder = sqlite3.connect(seeded_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program's long write
    process = subprocess.Popen([*facts_command(), "--db", str(seeded_path), "tag", "1", "checked"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    import time
    time.sleep(4)  # long enough that the command reaches its write and waits, even on a busy machine
    holder.execute("COMMIT")
    holder.close()
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert re.match(r"Waited \d+\.\d s", err) and float(err.split()[1]) >= 1.0 and err.strip().endswith(
        "s for another program's write to finish (a write waits up to 15 s)"), err


def test_a_write_that_waits_too_long_says_so(seeded_path, monkeypatch):
    monkeypatch.setattr(facts.db, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(seeded_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = CliRunner().invoke(cli, ["--db", str(seeded_path), "tag", "1", "checked"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: another program kept the database busy for more than 15 s (try again); "
                                     f"nothing was written {MACHINE}")


def test_after_a_large_import_the_file_alone_holds_the_data(tmp_path):
    root = Path(__file__).resolve().parent.parent
    data = tmp_path / "facts.jsonl"
    subprocess.run([sys.executable, str(root / "bench" / "generate.py"), "--facts", "10000",
                    "--out", str(data), "--format", "jsonl", "--quiet"], check=True, capture_output=True)
    db = tmp_path / "big.db"
    assert run(db, "init").returncode == 0
    browser = sqlite3.connect(db)  # another program keeps it open, so closing the import checkpoints nothing
    browser.execute("SELECT count(*) FROM facts").fetchone()
    done = run(db, "import", f"{data}.setup.yaml", str(data))
    assert done.returncode == 0, done.stderr
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    copy = tmp_path / "copy.db"
    shutil.copyfile(db, copy)  # facts.db alone, as a person copies it
    assert sqlite3.connect(copy).execute("SELECT count(*) FROM facts").fetchone()[0] == 10_000
    browser.close()


def test_the_browser_says_a_worker_failure_in_one_line_and_stays_up(seeded_path):
    """The database fails under a running browser (SQLite reports a damaged page): the reads that fail become
    one notification naming the fault, and the app stays up (it used to stop with a long traceback)."""
    from support import browse, settle

    said = []

    async def scenario(app, pilot):
        original = app.notify
        app.notify = lambda message, **kw: (said.append((message, kw.get("severity"))), original(message, **kw))

        def damaged(*args, **kwargs):
            raise sqlite3.DatabaseError("database disk image is malformed")
        app.collection.first_rows = damaged  # what every read of a damaged page raises
        app.collection.facets = damaged
        await pilot.press("ctrl+r")
        await settle(pilot, app)
        assert app.is_running
        await pilot.press("question_mark")  # still answering keys
        await settle(pilot, app)
        assert type(app.screen).__name__ == "HelpScreen"
    browse(seeded_path, scenario)
    damaged = [m for m, severity in said if "the database file is damaged" in m and severity == "error"]
    assert damaged and all("\n" not in m for m, _ in said), said
