"""A killed import leaves the database whole, with all of the import or none of it."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import facts_command

ROOT = Path(__file__).resolve().parent.parent
FACTS = 20_000  # above importer.BULK: the import drops the facts' indexes and builds them at the end
# Kill once the import's uncommitted writes fill this much of the WAL: 0 is as soon as it starts
# writing; the largest lands near the end, when the indexes are built again (the WAL reaches about
# 22 MB for these facts).
WAL_BYTES = (0, 64 * 1024, 2 * 1024 * 1024, 8 * 1024 * 1024, 16 * 1024 * 1024)


@pytest.fixture(scope="module")
def collection(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("crash")
    path = folder / "facts.jsonl"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--facts", str(FACTS), "--out", str(path),
                    "--format", "jsonl", "--quiet"], check=True, capture_output=True)
    return [Path(f"{path}.setup.yaml"), path]


def test_sigkill_at_points_in_the_import_leaves_all_or_nothing(collection, tmp_path):
    empty = tmp_path / "empty.db"
    subprocess.run(facts_command() + ["--db", str(empty), "init"], check=True, capture_output=True)
    killed_while_writing = []
    for i, threshold in enumerate(WAL_BYTES):
        db = tmp_path / f"facts-{i}.db"
        shutil.copyfile(empty, db)
        wal = Path(f"{db}-wal")
        process = subprocess.Popen(facts_command() + ["--db", str(db), "import", *map(str, collection)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            if wal.exists() and wal.stat().st_size > threshold:
                break
            time.sleep(0.002)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            killed_while_writing.append(threshold)
        process.wait()
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            count = conn.execute("SELECT count(*) FROM facts").fetchone()[0]
            conn.execute("INSERT INTO facts_fts(facts_fts) VALUES ('integrity-check')")
            indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'facts' "
                                                  "AND type IN ('index', 'trigger')")}
        finally:
            conn.close()
        assert count in (0, FACTS), (threshold, count)
        # The indexes dropped for a bulk import are back, whether it landed or not.
        assert {"facts_value", "facts_fts_insert"} <= indexes, (threshold, sorted(indexes))
    # Most kills landed inside the transaction (the import takes seconds; the WAL grows well past 1 MB).
    assert len(killed_while_writing) >= 3, killed_while_writing


def test_an_internal_error_says_so_and_where_the_traceback_is(seed_template, tmp_path, monkeypatch):
    from click.testing import CliRunner
    from support import copy_db

    import facts.query
    from facts.cli import cli
    db = tmp_path / "facts.db"
    copy_db(seed_template, db)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug, not the user's doing")
    monkeypatch.setattr(facts.query, "list_facts", broken)
    result = CliRunner().invoke(cli, ["--db", str(db), "list"])
    assert result.exit_code == 2
    line = result.output.strip().splitlines()[-1]
    assert "internal error" in line and "Traceback" not in result.output
    log = Path(line.rsplit("details in ", 1)[1])
    assert "a bug, not the user's doing" in log.read_text()
