"""A killed import leaves the database whole, with all of the import or none of it."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import facts_command

ROOT = Path(__file__).resolve().parent.parent
FACTS = 100_000
KILLS = 5


@pytest.fixture(scope="module")
def collection(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("crash")
    path = folder / "facts.jsonl"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--facts", str(FACTS), "--out", str(path),
                    "--format", "jsonl", "--quiet"], check=True, capture_output=True)
    return [Path(f"{path}.setup.yaml"), path]


def test_sigkill_at_random_points_leaves_all_or_nothing(collection, tmp_path):
    rng = random.Random(7)
    db = tmp_path / "facts.db"
    subprocess.run([*facts_command(), "--db", str(db), "init"], check=True, capture_output=True)
    # How long a whole import takes here, to kill within it.
    start = time.perf_counter()
    probe = tmp_path / "probe.db"
    subprocess.run([*facts_command(), "--db", str(probe), "init"], check=True, capture_output=True)
    subprocess.run([*facts_command(), "--db", str(probe), "import", *map(str, collection)], check=True,
                   capture_output=True)
    whole = time.perf_counter() - start
    outcomes = []
    for _ in range(KILLS):
        process = subprocess.Popen([*facts_command(), "--db", str(db), "import", *map(str, collection)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, whole * 0.9))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            count = conn.execute("SELECT count(*) FROM facts").fetchone()[0]
            conn.execute("INSERT INTO facts_fts(facts_fts) VALUES ('integrity-check')")
        finally:
            conn.close()
        assert count in (0, FACTS), count
        outcomes.append(count)
        if count == FACTS:
            break
    assert 0 in outcomes  # at least one kill landed inside the transaction


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
