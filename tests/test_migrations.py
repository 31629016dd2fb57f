"""Schema upgrades: databases made by earlier versions of facts (tests/fixtures/facts-vN.sql, dumps of what
facts at schemas 1 to 7 wrote, with a row of every kind) open in the current program with every row
kept, a backup written first, and the result identical in shape to a database made new."""

import sqlite3
import subprocess
from pathlib import Path

import pytest
from support import facts_command, make_old

from facts import migrations
from facts.db import SCHEMA_VERSION, open_db
from facts.errors import FactsError
from facts.writing import edit_fact, fact_record

OLD_VERSIONS = (1, 2, 3, 4, 5, 6, 7)  # tests/fixtures/facts-vN.sql: a database as facts at schema N wrote it
# schema 4's adds facts quoting a PDF and a source of two versions; schema 6's a fact two analysts entered
FACT_COUNTS = {1: 58, 2: 58, 3: 58, 4: 62, 5: 62, 6: 64, 7: 64}


def columns_of(path: Path, tables: list[str]) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        return {t: [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')] for t in tables}
    finally:
        conn.close()


def rows_of_every_table(path: Path, columns: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """Every row of the given tables, by the given columns (those the old file had)."""
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f'SELECT {", ".join(f"{c!r}" for c in cols)} FROM "{t}" ORDER BY rowid').fetchall()
                for t, cols in columns.items()}
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
    """Everything by its SQL, but the tables an upgrade adds columns to by their columns (an added column
    reads otherwise in sqlite_master than the same table made new)."""
    altered = ("actors", "sources", "facts", "aliases", "annotations", "source_versions", "fact_history",
               "actor_history", "source_history", "link_history")
    conn = sqlite3.connect(path)
    try:
        shape = set(conn.execute(f"SELECT type, name, tbl_name, sql FROM sqlite_master "
                                 f"WHERE NOT (type = 'table' AND name IN ({', '.join('?' * len(altered))}))", altered))
        for table in altered:
            shape.add(("table", table, tuple(conn.execute(f'PRAGMA table_xinfo("{table}")'))))
        return shape
    finally:
        conn.close()


@pytest.fixture(scope="module", params=OLD_VERSIONS, ids=[f"from-schema-{v}" for v in OLD_VERSIONS])
def old_template(request, tmp_path_factory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp(f"v{request.param}") / "old.db"
    make_old(path, request.param)
    return path, request.param


@pytest.fixture
def old(old_template, tmp_path) -> tuple[Path, int]:
    path = tmp_path / "old.db"
    path.write_bytes(old_template[0].read_bytes())
    return path, old_template[1]


def test_the_fixture_is_an_old_database_with_history_and_annotations(old):
    path, version = old
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version < SCHEMA_VERSION
    assert conn.execute("SELECT count(*) FROM facts").fetchone()[0] == FACT_COUNTS[version]
    assert conn.execute("SELECT count(*) FROM fact_history").fetchone()[0] >= 1
    kinds = {k for (k,) in conn.execute("SELECT kind FROM annotations")}
    assert {"note", "rate", "tag", "retraction", "status"} <= kinds
    assert conn.execute("SELECT count(*) FROM candidate_decisions").fetchone()[0] == 1


def test_upgrade_keeps_every_row_and_writes_a_backup_first(old, capsys):
    path, version = old
    columns = columns_of(path, user_tables(path))
    before = rows_of_every_table(path, columns)

    db = open_db(path)

    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 8
    after = rows_of_every_table(path, columns)
    if "schema_log" in after:  # the upgrade adds its own line to the log
        after["schema_log"] = after["schema_log"][:-1]
    assert after == before
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM facts_fts WHERE facts_fts MATCH 'Belarus'").fetchone()[0] > 0
    db.execute("INSERT INTO facts_fts(facts_fts, rank) VALUES ('integrity-check', 1)")  # the index is its facts
    assert 'content="facts"' in db.execute("SELECT sql FROM sqlite_master WHERE name = 'facts_fts'").fetchone()[0]
    log = db.execute("SELECT version, from_version, backup FROM schema_log WHERE from_version IS NOT NULL "
                     "AND version = ?", [SCHEMA_VERSION]).fetchall()
    assert len(log) == 1 and log[0][:2] == (SCHEMA_VERSION, version)
    backup = Path(log[0][2])
    assert backup == path.with_name(f"old.db.schema-{version}.bak")
    assert sqlite3.connect(backup).execute("PRAGMA user_version").fetchone()[0] == version
    assert rows_of_every_table(backup, columns) == before
    assert f"Upgraded {path} from schema {version} to {SCHEMA_VERSION}" in capsys.readouterr().err
    # every source has the original of its current version; a text source's original is its text
    originals = db.execute("SELECT sources.media_type, bytes = CAST(text AS BLOB), "
                           "source_originals.sha256 = sources.sha256 FROM sources JOIN source_originals "
                           "ON source_id = sources.id AND source_originals.version = sources.version").fetchall()
    assert len(originals) == db.execute("SELECT count(*) FROM sources").fetchone()[0] >= 5
    assert all(same_text and same_sha for kind, same_text, same_sha in originals if kind == "text/plain")
    # the upgraded file works: a write lands with its history, and so does an actor's correction
    edit_fact(db, 2, {**fact_record(db, 2), "confidence": 0.5}, "editor")
    assert db.execute("SELECT count(*) FROM fact_history WHERE fact_id = 2").fetchone()[0] >= 1
    db.execute("UPDATE actors SET kind = 'person', updated_at = '2026-12-01T00:00:00.000Z', updated_by = 'editor' "
               "WHERE name = 'NATO'")
    assert db.execute("SELECT changed_by, old, new FROM actor_history").fetchall() == [
        ("editor", '{"kind":"organization"}', '{"kind":"person"}')]


def test_an_upgraded_database_has_the_shape_of_a_new_one(old, tmp_path):
    path, _ = old
    open_db(path).conn.close()
    new = tmp_path / "new.db"
    open_db(new, create=True).conn.close()
    assert schema_of(path) == schema_of(new)


def test_schema_4_sources_keep_their_pdf_pages_versions_and_orphans(tmp_path):
    """What schema 4 added survives, and the views schema 5 brings read it: the quote's PDF page."""
    path = tmp_path / "old.db"
    make_old(path, 4)
    db = open_db(path)
    pages = dict(db.execute("SELECT claim, quote_page FROM facts_flat WHERE source = 'border-report'").fetchall())
    assert pages == {"About 8,000 Russian troops remained near Brest": 1, "More than 40 trains arrived in March": 2}
    assert dict(db.execute("SELECT anchored_by, count(*) FROM facts WHERE anchored_by IS NOT NULL GROUP BY 1")
                .fetchall()) == {"fuzzy": 1, "orphan": 1}
    assert db.execute("SELECT count(*) FROM source_versions").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM facts_flat WHERE quote_page IS NOT NULL").fetchone()[0] == 2


def test_a_second_open_does_not_upgrade_again(old, capsys):
    path, version = old
    open_db(path).conn.close()
    capsys.readouterr()
    open_db(path).conn.close()
    assert capsys.readouterr().err == ""
    assert sorted(p.name for p in path.parent.glob("*.bak")) == [f"old.db.schema-{version}.bak"]


def test_an_earlier_backup_is_never_overwritten(old):
    path, version = old
    earlier = path.with_name(f"old.db.schema-{version}.bak")
    earlier.write_bytes(b"an analyst's own file")
    open_db(path).conn.close()
    assert earlier.read_bytes() == b"an analyst's own file"
    second = path.with_name(f"old.db.schema-{version}.2.bak")
    assert sqlite3.connect(second).execute("SELECT count(*) FROM facts").fetchone()[0] == FACT_COUNTS[version]


def test_a_failing_upgrade_rolls_back_and_leaves_the_old_schema(old, monkeypatch):
    path, version = old
    columns = columns_of(path, user_tables(path))
    before = rows_of_every_table(path, columns)
    tables = user_tables(path)

    def half_done(conn):
        conn.execute("UPDATE facts SET claim = 'changed' WHERE id = 1")
        conn.execute("SELECT * FROM no_such_table")

    monkeypatch.setitem(migrations.STEPS, version, half_done)
    unchanged = rf"could not upgrade from schema {version} to {SCHEMA_VERSION} .*the database is unchanged"
    with pytest.raises(FactsError, match=unchanged):
        open_db(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == version
    assert rows_of_every_table(path, columns) == before
    assert user_tables(path) == tables
    assert list(path.parent.glob("*.bak")) == []  # no copy left of a file that did not change


def test_a_table_of_another_shape_stops_the_upgrade(old):
    """Only user_version would say it is old; the tables are checked against schema.sql."""
    v1_path, version = old
    conn = sqlite3.connect(v1_path)
    conn.execute("ALTER TABLE sources ADD COLUMN extra TEXT")
    conn.commit()
    conn.close()
    for _ in range(2):
        with pytest.raises(FactsError, match="table sources has other columns"):
            open_db(v1_path)
    assert list(v1_path.parent.glob("*.bak")) == []
    assert sqlite3.connect(v1_path).execute("PRAGMA user_version").fetchone()[0] == version


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


def test_a_read_only_command_upgrades_then_reads(old):
    v1_path, version = old
    done = run("query", "SELECT count(*) AS n FROM facts", "--csv", db=v1_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["n", str(FACT_COUNTS[version])]
    assert f"from schema {version} to {SCHEMA_VERSION}" in done.stderr
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


UID_TABLES = ("sources", "source_versions", "actors", "aliases", "facts", "annotations")


def test_an_upgrade_gives_every_record_a_global_id(old):
    path, _ = old
    db = open_db(path)
    for table in UID_TABLES:
        rows, ids = db.execute(f"SELECT count(*), count(DISTINCT uid) FROM {table}").fetchone()
        assert rows == ids and db.execute(f"SELECT count(*) FROM {table} WHERE uid IS NULL").fetchone()[0] == 0, table
    uids = [u for t in UID_TABLES for (u,) in db.execute(f"SELECT uid FROM {t}")]
    assert len(set(uids)) == len(uids)


HISTORIES = {"fact_history": ("fact_id", "facts"), "actor_history": ("actor_id", "actors"),
             "source_history": ("source_id", "sources")}


# Schema 6 made every change an event: the upgrades from before it are the ones that do.
@pytest.mark.parametrize("old_template", [v for v in OLD_VERSIONS if v < 6], indirect=True,
                         ids=[f"from-schema-{v}" for v in OLD_VERSIONS if v < 6])
def test_an_upgrade_makes_every_change_an_event_on_its_parent(old):
    """Each change gets a uid, and its parent is the change before it on the same record (the record's own uid
    for the first): the history the file had reads as one line of changes per record."""
    path, _ = old
    db = open_db(path)
    for table, (record, records) in HISTORIES.items():
        rows = db.execute(f"SELECT id, {record}, uid, parents FROM {table} ORDER BY id").fetchall()
        assert all(uid and len(uid) == 32 for _, _, uid, _ in rows), table
        last: dict[int, str] = {}
        for _, record_id, uid, parents in rows:
            first = db.execute(f"SELECT uid FROM {records} WHERE id = ?", [record_id]).fetchone()
            assert parents == last.get(record_id, first[0] if first else ""), (table, record_id)
            last[record_id] = uid
    assert db.execute("SELECT count(*) FROM fact_history").fetchone()[0] >= 1
    # a change made after the upgrade is made on the last one
    heads = db.execute("SELECT group_concat(uid, ' ') FROM fact_history WHERE fact_id = 2 AND id = "
                       "(SELECT max(id) FROM fact_history WHERE fact_id = 2)").fetchone()[0]
    edit_fact(db, 2, {**fact_record(db, 2), "claim": "A claim said again"}, "editor")
    expected = heads or db.execute("SELECT uid FROM facts WHERE id = 2").fetchone()[0]
    assert db.execute("SELECT parents FROM fact_history ORDER BY id DESC LIMIT 1").fetchone()[0] == expected
