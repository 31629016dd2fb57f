"""Schema upgrades: a database made by schema 1 (tests/fixtures/schema-v1.sql, the schema as first
released) opens in the current program with every row kept, a backup written first, and the
result identical in shape to a database made new."""

import sqlite3
import subprocess
from pathlib import Path

import pytest
import sqlite_utils
from support import facts_command

from facts import migrations
from facts.annotations import annotate, retract
from facts.db import SCHEMA_VERSION, open_db
from facts.errors import FactsError
from facts.fact_files import read_files, seed_files
from facts.importer import import_records
from facts.writing import edit_fact, fact_record

V1_SCHEMA = Path(__file__).parent / "fixtures" / "schema-v1.sql"


def make_v1(path: Path) -> None:
    """A schema-1 database with the seeds, an edit (history), annotations of every kind and a retraction."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.executescript(V1_SCHEMA.read_text(encoding="utf-8"))
    db = sqlite_utils.Database(conn)
    import_records(db, read_files(seed_files()), "analyst")
    record = fact_record(db, 1)
    edit_fact(db, 1, {**record, "confidence": 0.35}, "editor")
    annotate(db, fact_id=2, kind="note", body="Checked against the original.", author="analyst")
    annotate(db, fact_id=2, kind="rate", confidence=0.9, body="Confirmed by a second source.", author="analyst")
    tag = annotate(db, fact_id=3, kind="tag", tag="disputed", author="analyst")
    retract(db, tag, "analyst", "tagged the wrong fact")
    annotate(db, fact_id=4, kind="status", status="superseded", superseded_by=5, body="A later count.",
             author="analyst")
    conn.close()


def rows_of_every_table(path: Path, tables: list[str]) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
    finally:
        conn.close()


def user_tables(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [n for (n,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'facts_fts%' ORDER BY name")]
    finally:
        conn.close()


def schema_of(path: Path) -> set[tuple]:
    conn = sqlite3.connect(path)
    try:
        return set(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    finally:
        conn.close()


@pytest.fixture(scope="module")
def v1_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("v1") / "old.db"
    make_v1(path)
    return path


@pytest.fixture
def v1_path(v1_template, tmp_path) -> Path:
    path = tmp_path / "old.db"
    path.write_bytes(v1_template.read_bytes())
    return path


def test_the_fixture_is_a_schema_1_database_with_history_and_annotations(v1_path):
    conn = sqlite3.connect(v1_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM facts").fetchone()[0] == 58
    assert conn.execute("SELECT count(*) FROM fact_history").fetchone()[0] >= 3
    kinds = {k for (k,) in conn.execute("SELECT kind FROM annotations")}
    assert {"note", "rate", "tag", "retraction", "status"} <= kinds
    assert "schema_log" not in user_tables(v1_path)


def test_upgrade_keeps_every_row_and_writes_a_backup_first(v1_path, capsys):
    tables = user_tables(v1_path)
    before = rows_of_every_table(v1_path, tables)

    db = open_db(v1_path)

    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    assert rows_of_every_table(v1_path, tables) == before
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM facts_fts WHERE facts_fts MATCH 'Belarus'").fetchone()[0] > 0
    log = db.execute("SELECT version, from_version, backup FROM schema_log").fetchall()
    assert len(log) == 1 and log[0][:2] == (2, 1)
    backup = Path(log[0][2])
    assert backup == v1_path.with_name("old.db.schema-1.bak")
    assert sqlite3.connect(backup).execute("PRAGMA user_version").fetchone()[0] == 1
    assert rows_of_every_table(backup, tables) == before
    assert f"Upgraded {v1_path} from schema 1 to 2" in capsys.readouterr().err
    # the upgraded file works: a write lands with its history
    edit_fact(db, 2, {**fact_record(db, 2), "confidence": 0.5}, "editor")
    assert db.execute("SELECT count(*) FROM fact_history WHERE fact_id = 2").fetchone()[0] >= 1


def test_an_upgraded_database_has_the_shape_of_a_new_one(v1_path, tmp_path):
    open_db(v1_path).conn.close()
    new = tmp_path / "new.db"
    open_db(new, create=True).conn.close()
    assert schema_of(v1_path) == schema_of(new)


def test_a_second_open_does_not_upgrade_again(v1_path, capsys):
    open_db(v1_path).conn.close()
    capsys.readouterr()
    open_db(v1_path).conn.close()
    assert capsys.readouterr().err == ""
    assert sorted(p.name for p in v1_path.parent.glob("*.bak")) == ["old.db.schema-1.bak"]


def test_an_earlier_backup_is_never_overwritten(v1_path, v1_template):
    earlier = v1_path.with_name("old.db.schema-1.bak")
    earlier.write_bytes(b"an analyst's own file")
    open_db(v1_path).conn.close()
    assert earlier.read_bytes() == b"an analyst's own file"
    second = v1_path.with_name("old.db.schema-1.2.bak")
    assert sqlite3.connect(second).execute("SELECT count(*) FROM facts").fetchone()[0] == 58


def test_a_failing_upgrade_rolls_back_and_leaves_schema_1(v1_path, monkeypatch):
    tables = user_tables(v1_path)
    before = rows_of_every_table(v1_path, tables)

    def half_done(conn):
        conn.execute("UPDATE facts SET claim = 'changed' WHERE id = 1")
        conn.execute("SELECT * FROM no_such_table")

    monkeypatch.setitem(migrations.STEPS, 1, half_done)
    with pytest.raises(FactsError, match=r"could not upgrade from schema 1 to 2 .*the database is unchanged"):
        open_db(v1_path)
    assert sqlite3.connect(v1_path).execute("PRAGMA user_version").fetchone()[0] == 1
    assert rows_of_every_table(v1_path, tables) == before
    assert "schema_log" not in user_tables(v1_path)
    assert list(v1_path.parent.glob("*.bak")) == []  # no copy left of a file that did not change


def test_a_table_of_another_shape_stops_the_upgrade(v1_path):
    """Only user_version would say 1 here; the tables are checked against schema.sql."""
    conn = sqlite3.connect(v1_path)
    conn.execute("ALTER TABLE sources ADD COLUMN extra TEXT")
    conn.commit()
    conn.close()
    for _ in range(2):
        with pytest.raises(FactsError, match="table sources has other columns"):
            open_db(v1_path)
    assert list(v1_path.parent.glob("*.bak")) == []
    assert sqlite3.connect(v1_path).execute("PRAGMA user_version").fetchone()[0] == 1


def test_a_current_version_with_a_table_missing_is_refused(tmp_path):
    path = tmp_path / "cut.db"
    open_db(path, create=True).conn.close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE fact_tags")
    conn.commit()
    conn.close()
    with pytest.raises(FactsError, match=r"not a complete facts database .missing table fact_tags"):
        open_db(path)


def run(*args, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*facts_command(), "--db", str(db), *args], capture_output=True, text=True)


def test_a_read_only_command_upgrades_then_reads(v1_path):
    done = run("query", "SELECT count(*) AS n FROM facts", "--csv", db=v1_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["n", "58"]
    assert "from schema 1 to 2" in done.stderr
    again = run("list", "--limit", "1", db=v1_path)
    assert again.returncode == 0 and again.stderr == ""


def test_a_newer_database_is_refused_by_the_cli_and_left_alone(tmp_path):
    path = tmp_path / "future.db"
    conn = open_db(path, create=True).conn
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    done = run("list", db=path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"Error: {path}: made by a newer version of facts (schema {SCHEMA_VERSION + 1}; this program knows up to "
        f"{SCHEMA_VERSION}): upgrade facts to open it"]
    assert path.read_bytes() == before


def test_a_new_database_records_the_version_it_was_made_at(tmp_path):
    db = open_db(tmp_path / "new.db", create=True)
    assert db.execute("SELECT version, from_version, backup FROM schema_log").fetchall() == \
        [(SCHEMA_VERSION, None, None)]
