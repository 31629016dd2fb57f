"""Large imports: JSONL facts read as the import reaches them, facts written in batches.

The results are those of writing one fact at a time: the same rows, ids, refusals and FILE:LINE
problems. Small batches (a few facts) make a handful of records cross several batch boundaries.
"""

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from support import (
    BASE_COLLECTION,
    GOOD,
    MEMO_TEXT,
    assert_clean_failure,
    by_claim,
    problem_lines,
    run,
    snapshot,
    write,
)

import facts.importer
import facts.writing
from facts.db import open_db
from facts.fact_files import read_files
from facts.import_workers import SMALLEST, check_range, held_names, workers_for
from facts.importer import import_records
from facts.writing import PreparedFact, key_digest

TABLES = ("facts", "fact_about", "annotations", "fact_tags", "fact_history", "facts_fts_data", "facts_fts_docsize")
WHEN = "2024-01-02T03:04:05.000Z"  # every record's created_at, so two imports give the same rows


def jsonl(folder, name: str, records: list) -> object:
    return write(folder, name, "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))


def fact(claim: str, **fields) -> dict:
    return {"claim": claim, **GOOD, "created_at": WHEN, **fields}


def rows(path, table: str) -> list:
    """Every row, but its global id: each import makes its own."""
    conn = sqlite3.connect(path)
    try:
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")') if r[1] != "uid"]
        return conn.execute(f"SELECT rowid, {', '.join(columns)} FROM {table} ORDER BY rowid").fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A database with the actors and the source of tests/test_import.py."""
    folder = tmp_path_factory.mktemp("batches-base")
    (folder / "texts").mkdir()
    (folder / "texts" / "memo.txt").write_text(MEMO_TEXT, encoding="utf-8")
    (folder / "base.yaml").write_text(BASE_COLLECTION, encoding="utf-8")
    path = folder / "template.db"
    db = open_db(path, create=True)
    import_records(db, read_files([folder / "base.yaml"]), "fixture")
    db.conn.close()
    return path


@pytest.fixture
def db_path(template, tmp_path) -> Path:
    path = tmp_path / "facts.db"
    shutil.copyfile(template, path)
    return path


@pytest.fixture
def batch_of(monkeypatch):
    def set_batch(n: int) -> None:
        monkeypatch.setattr(facts.writing, "BATCH", n)
    return set_batch


COLLECTION = [
    fact("One.", about=["Belarus"], tags=["a", "b"], note="A note."),
    fact("Two.", quantity="about 30,000 troops", about=["NATO", "Belarus"]),
    fact("Three.", quote="Some say 5,000 tanks.", quote_start=MEMO_TEXT.rindex("Some say")),
    fact("One."),  # the same claim again: already stored, in the batch or in the database
    fact("Four.", tags=["c"]),
    fact("Five.", status="superseded", superseded_by=2, status_reason="Two says it better."),
    fact("Six.", status="superseded", superseded_by=5, status_reason="Four, just before it."),
    fact("Two.", quantity="about 30,000 troops", about=["NATO", "Belarus"]),
    fact("Seven.", date="2023-03-12"),
]


def test_batches_write_what_one_fact_at_a_time_writes(template, tmp_path, batch_of):
    path = jsonl(tmp_path, "facts.jsonl", COLLECTION)
    results = {}
    for size in (1, 3):
        batch_of(size)
        db = tmp_path / f"batch-{size}.db"
        shutil.copyfile(template, db)
        result = run(db, "import", str(path))
        assert result.exit_code == 0, result.output
        assert "Added 7 facts (2 already stored)" in result.stdout
        results[size] = {table: rows(db, table) for table in TABLES}
    assert results[1] == results[3]
    facts = by_claim(tmp_path / "batch-3.db")
    assert [facts[c]["id"] for c in ("One.", "Two.", "Three.", "Four.", "Five.", "Six.", "Seven.")] == list(range(1, 8))
    assert (facts["Six."]["status"], facts["Six."]["superseded_by"]) == ("superseded", 5)
    assert facts["One."]["tags"] == ["a", "b"] and facts["Four."]["tags"] == ["c"]
    assert [f["claim"] for f in json.loads(run(tmp_path / "batch-3.db", "list", "--json", "-q", "Seven").stdout)] == [
        "Seven."]


def test_reimport_across_batches_adds_nothing(db_path, tmp_path, batch_of):
    batch_of(2)
    path = jsonl(tmp_path, "facts.jsonl", COLLECTION)
    assert run(db_path, "import", str(path)).exit_code == 0
    before = snapshot(db_path)
    again = run(db_path, "import", str(path))
    assert again.exit_code == 0, again.output
    assert "Added 0 facts (9 already stored)" in again.stdout
    assert snapshot(db_path) == before


def test_a_changed_claim_is_refused_naming_its_earlier_line_in_any_batch(db_path, tmp_path, batch_of):
    batch_of(3)
    path = jsonl(tmp_path, "facts.jsonl", [
        fact("One."), fact("Two."), fact("Three."),
        fact("Four."), fact("Four.", confidence=0.9),  # the first Four. still waits in the batch
        fact("One.", confidence=0.9),  # One. was written with the first batch
    ])
    before = snapshot(db_path)
    result = run(db_path, "import", str(path))
    assert_clean_failure(result)
    lines = problem_lines(result, path)
    assert [line.split(":")[1] for line in lines] == ["5", "6"]
    # nothing of this import is stored: the refusal names the line the claim came on first, not a fact id
    assert f"earlier in this import, at {path}:4," in lines[0] and "confidence 0.9 here, 0.5 there" in lines[0]
    assert f"earlier in this import, at {path}:1," in lines[1]
    assert snapshot(db_path) == before


def test_a_changed_claim_already_stored_is_refused_naming_the_fact(db_path, tmp_path):
    path = jsonl(tmp_path, "facts.jsonl", [fact("One.")])
    assert run(db_path, "import", str(path)).exit_code == 0
    again = jsonl(tmp_path, "again.jsonl", [fact("One.", confidence=0.9)])
    result = run(db_path, "import", str(again))
    assert_clean_failure(result)
    assert "already stored as fact #" in problem_lines(result, again)[0]


def test_a_fact_the_database_refuses_is_named_by_its_line(db_path, tmp_path, batch_of):
    batch_of(3)
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TRIGGER refuse BEFORE INSERT ON facts WHEN new.claim = 'Refused.' "
                 "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END")
    conn.commit()
    conn.close()
    path = jsonl(tmp_path, "facts.jsonl", [fact("One."), fact("Two."), fact("Three."),
                                           fact("Four.", tags=["x"]), fact("Refused."), fact("Six.", about=["NATO"])])
    before = snapshot(db_path)
    result = run(db_path, "import", str(path))
    assert_clean_failure(result)
    assert problem_lines(result, path) == [f"{path}:5: record: refused by the database: refused for the test"]
    assert snapshot(db_path) == before


def test_jsonl_actors_sources_and_annotations_may_come_in_any_order(db_path, tmp_path):
    path = jsonl(tmp_path, "collection.jsonl", [
        {"type": "annotation", "fact": 1, "kind": "tag", "tag": "late", "author": "ann"},
        {"type": "fact", "ref": 1, **fact("Named later.", actor="Jane Later", source="later-doc")},
        fact("Plain line."),
        {"type": "source", "key": "later-doc", "title": "Given after the facts"},
        {"type": "actor", "name": "Jane Later", "kind": "person"},
    ])
    result = run(db_path, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Added 2 facts (0 already stored), 1 actor, 1 source, 1 annotation" in result.stdout
    later = by_claim(db_path)["Named later."]
    assert (later["claimant"], later["source"], later["tags"]) == ("Jane Later", "later-doc", ["late"])


def test_unreadable_jsonl_lines_are_named_with_the_other_problems(db_path, tmp_path):
    path = jsonl(tmp_path, "facts.jsonl", [
        fact("Good."), '{"claim": "Broken.",', fact("Also good."), fact("Bad.", confidence=1.5), "[1, 2]",
        '{"a": 1, "a": 2}', fact("Last good."),
    ])
    before = snapshot(db_path)
    result = run(db_path, "import", str(path))
    assert_clean_failure(result)
    lines = problem_lines(result, path)
    assert [line.split(":")[1] for line in lines] == ["2", "4", "5", "6"]
    assert "not valid JSON" in lines[0] and "1.5 is outside 0..1" in lines[1]
    assert "record: must be a mapping" in lines[2] and "duplicate key 'a'" in lines[3]
    assert "4 problems; nothing was written" in result.stderr
    assert snapshot(db_path) == before


def test_problems_past_the_listed_ones_are_counted(db_path, tmp_path, monkeypatch):
    monkeypatch.setattr(facts.importer, "LISTED", 2)
    path = jsonl(tmp_path, "facts.jsonl", [fact(f"Bad {i}.", confidence=2) for i in range(5)])
    result = run(db_path, "import", str(path))
    assert_clean_failure(result)
    assert [line.split(":")[1] for line in problem_lines(result, path)] == ["1", "2"]
    assert "Error: 5 problems (3 not listed); nothing was written" in result.stderr


def test_a_jsonl_file_of_facts_is_read_as_the_import_goes(db_path, tmp_path):
    path = jsonl(tmp_path, "facts.jsonl", COLLECTION)
    records = read_files([path])
    assert len(records) == len(COLLECTION)
    assert [f.held for f in records.files] == [[]]  # no fact is read before the import reaches it
    advanced = []
    db = open_db(db_path)
    try:
        result = import_records(db, records, "lib-author", progress=advanced.append)
    finally:
        db.conn.close()
    assert (result.facts_added, result.facts_unchanged, sum(advanced)) == (7, 2, len(COLLECTION))
    assert list(result.fact_ids) == [1, 2, 3, 1, 4, 5, 6, 2, 7]


def schema_rows(path) -> set:
    conn = sqlite3.connect(path)
    try:
        return set(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    finally:
        conn.close()


def test_a_bulk_import_builds_the_indexes_at_the_end_with_the_same_result(template, tmp_path, batch_of,
                                                                          monkeypatch):
    batch_of(3)
    path = jsonl(tmp_path, "facts.jsonl", COLLECTION)
    results = {}
    for bulk in (10**9, 1):  # row by row, then dropped and built at the end
        monkeypatch.setattr(facts.importer, "BULK", bulk)
        db = tmp_path / f"bulk-{bulk}.db"
        shutil.copyfile(template, db)
        result = run(db, "import", str(path))
        assert result.exit_code == 0, result.output
        assert schema_rows(db) == schema_rows(template)  # every index and trigger is back
        conn = sqlite3.connect(db)
        conn.execute("INSERT INTO facts_fts(facts_fts, rank) VALUES ('integrity-check', 1)")  # index = facts
        results[bulk] = {table: rows(db, table) for table in TABLES if table != "facts_fts_data"}
        results[bulk]["search"] = conn.execute(
            "SELECT rowid FROM facts_fts WHERE facts_fts MATCH 'Seven OR Two' ORDER BY rowid").fetchall()
        conn.close()
    assert results[1] == results[10**9]
    assert len(results[1]["search"]) == 2


def test_a_failed_bulk_import_leaves_the_indexes_and_rows_as_they_were(db_path, tmp_path, monkeypatch):
    monkeypatch.setattr(facts.importer, "BULK", 1)
    before = snapshot(db_path)  # rows, tables, indexes and triggers
    path = jsonl(tmp_path, "facts.jsonl", [*COLLECTION, fact("Eight.", date="2022-02-30")])
    result = run(db_path, "import", str(path))
    assert_clean_failure(result)
    assert snapshot(db_path) == before


# --- a bulk import, its facts checked by worker processes -----------------------------------------

UID = "0123456789abcdef0123456789abcdef"
SCENARIOS = {
    "duplicates and supersessions": COLLECTION,
    "a changed claim": [fact("One."), fact("Two."), fact("Three."), fact("Four."), fact("Four.", confidence=0.9),
                        fact("One.", confidence=0.9)],
    "unreadable lines and problems": [fact("Good."), '{"claim": "Broken.",', fact("Bad.", confidence=1.5), "[1, 2]",
                                      fact("Unknown.", actor="Nobody Known"), fact("Gone.", status="superseded",
                                      superseded_by=99, status_reason="By a fact not there."), fact("Last good.")],
    "typed lines, refs and names given later": [
        {"type": "annotation", "fact": 1, "kind": "tag", "tag": "late", "author": "ann", "created_at": WHEN},
        {"type": "fact", "ref": 1, **fact("Named later.", actor="Jane Later", source="later-doc")},
        fact("Plain line.", actor="nato officials"), fact("By an alias.", actor="LUKASHENKA", about=["belarus"]),
        {"type": "source", "key": "later-doc", "title": "Given after the facts"},
        {"type": "actor", "name": "Jane Later", "kind": "person"},
        fact("Names the later actor.", actor="Jane Later"),
    ],
    "one global id twice": [fact("One.", uid=UID), fact("Two."), fact("Three.", uid=UID)],
}
MODES = {  # BULK, --workers
    "row by row": (10**9, "0"),
    "bulk, in this process": (1, "0"),
    "bulk, two workers": (1, "2"),
}


def import_in_mode(template, tmp_path, monkeypatch, records: list, mode: str) -> tuple:
    bulk, workers = MODES[mode]
    monkeypatch.setattr(facts.importer, "BULK", bulk)
    monkeypatch.setattr(facts.fact_files, "RANGE", 2)  # many ranges, taken in turn by the workers
    monkeypatch.setattr(facts.writing, "BATCH", 3)
    folder = tmp_path / mode.replace(" ", "-").replace(",", "")
    folder.mkdir()
    db = folder / "facts.db"
    shutil.copyfile(template, db)
    path = jsonl(tmp_path, "facts.jsonl", records)
    result = run(db, "import", str(path), "--workers", workers)
    return result.exit_code, result.stdout, result.stderr, {table: rows(db, table) for table in TABLES
                                                            if table != "facts_fts_data"}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_bulk_import_with_workers_writes_and_says_what_one_fact_at_a_time_does(template, tmp_path, monkeypatch,
                                                                               scenario):
    results = {mode: import_in_mode(template, tmp_path, monkeypatch, SCENARIOS[scenario], mode) for mode in MODES}
    assert results["bulk, two workers"] == results["row by row"]
    assert results["bulk, in this process"] == results["row by row"]


def test_the_scenarios_succeed_and_fail_as_they_should(template, tmp_path, monkeypatch):
    outcomes = {name: import_in_mode(template, tmp_path / str(i), monkeypatch, records, "bulk, two workers")
                for i, (name, records) in enumerate(SCENARIOS.items()) if (tmp_path / str(i)).mkdir() is None}
    assert {name: code for name, (code, *_) in outcomes.items()} == {
        "duplicates and supersessions": 0, "a changed claim": 1, "unreadable lines and problems": 1,
        "typed lines, refs and names given later": 0, "one global id twice": 1}
    assert "UNIQUE constraint failed: facts.uid" in outcomes["one global id twice"][2]
    assert "superseded_by: no fact #99" in outcomes["unreadable lines and problems"][2]
    assert "Added 4 facts (0 already stored)" in outcomes["typed lines, refs and names given later"][1]


def test_a_bulk_import_checks_the_rules_of_the_database_once_at_the_end(template, tmp_path, monkeypatch):
    """The facts' CHECKs are not evaluated row by row in a bulk import: a fact the models let through
    and the database does not is still refused, named by its line, and nothing is written."""
    monkeypatch.setattr(facts.importer, "BULK", 1)
    passed = facts.importer.validate_fact

    def lenient(data, resolver):  # models that miss a rule of the database: a claim ending in a space
        prepared = passed(data, resolver)
        if prepared.row["claim"] == "Two.":
            prepared.values = ("Two. ", *prepared.values[1:])
        return prepared
    monkeypatch.setattr(facts.importer, "validate_fact", lenient)
    db = tmp_path / "facts.db"
    shutil.copyfile(template, db)
    before = snapshot(db)
    path = jsonl(tmp_path, "facts.jsonl", [fact("One."), fact("Two."), fact("Three.")])
    result = run(db, "import", str(path), "--workers", "0")
    assert_clean_failure(result)
    lines = problem_lines(result, path)
    assert len(lines) == 1 and lines[0].startswith(f"{path}:2: record: refused by the database: ")
    assert "trim(claim)" in lines[0]  # the rule it broke
    assert snapshot(db) == before


def test_a_worker_settles_the_lines_it_can_and_hands_back_the_rest(template, tmp_path):
    db = tmp_path / "facts.db"
    shutil.copyfile(template, db)
    actors = write(tmp_path, "actors.yaml", "actors:\n  - name: Ołeksandr Łukaszenka\n    kind: person\n")
    assert run(db, "import", str(actors)).exit_code == 0
    path = jsonl(tmp_path, "facts.jsonl", [
        fact("By an alias in capitals.", actor="LUKASHENKA", about=["belarus"]),  # NOCASE
        fact("Folded beyond ASCII.", actor="OŁEKSANDR ŁUKASZENKA"),  # casefold; json.dumps writes \\u escapes
        fact("Quoted.", quote="Some say 5,000 tanks.", quote_start=MEMO_TEXT.rindex("Some say")),  # anchored
        fact("Unknown claimant.", actor="Nobody Known"),
        fact("Unknown source.", source="nowhere"),
        {"ref": 1, **fact("A ref.")},
        {"type": "fact", **fact("Typed.")},  # a line any record may be on: read to see that it is a fact
        fact("Repeats.", repeats=1),
        fact("Bad.", confidence=2),
        '{"claim": "Broken.",',
        "",
    ])
    conn = sqlite3.connect(db)
    names = held_names(conn)
    conn.close()
    results = check_range(str(path), 0, 1, 100, names)
    assert [(number, digest is not None) for number, digest, *_ in results] == [
        (1, True), (2, True), (3, True), (4, False), (5, False), (6, False), (7, True), (8, False), (9, False),
        (10, False)]
    assert results[3][2] == path.read_text().splitlines()[3]  # handed back as its text
    settled = [PreparedFact(*rest) for _, digest, *rest in results[:3]]
    assert [f.row["actor_id"] for f in settled[:2]] == [1, 5] and settled[0].about == [4]
    assert settled[2].row["quote_end"] == MEMO_TEXT.rindex("Some say") + len("Some say 5,000 tanks.")
    assert results[0][1] == key_digest(settled[0].key)


def test_workers_start_for_large_files_on_two_cores_or_more(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 4, 5})
    assert (workers_for(SMALLEST - 1, None), workers_for(SMALLEST, None), workers_for(10, 3)) == (0, 4, 3)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert workers_for(10**6, None) == 0
