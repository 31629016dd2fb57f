"""`facts import` end to end: every format, atomicity, FILE:LINE errors, idempotency, safe parsing.

Each test works on its own copy of a small database (a few actors and one
source whose text is known here), made once per session.
"""

import hashlib
import json
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
    facts_of,
    problem_lines,
    run,
    snapshot,
    write,
)

from facts.db import open_db
from facts.errors import RecordErrors
from facts.fact_files import read_files
from facts.importer import import_records

# --- fixtures and helpers ------------------------------------------------------------

@pytest.fixture(scope="session")
def base_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("import-base")
    (folder / "texts").mkdir()
    (folder / "texts" / "memo.txt").write_text(MEMO_TEXT, encoding="utf-8")
    (folder / "base.yaml").write_text(BASE_COLLECTION, encoding="utf-8")
    path = folder / "template.db"
    db = open_db(path, create=True)
    result = import_records(db, read_files([folder / "base.yaml"]), "fixture")
    assert (result.actors_added, result.sources_added, result.facts_added) == (4, 1, 0)
    db.conn.close()
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    return path


@pytest.fixture
def db_path(base_template, tmp_path) -> Path:
    path = tmp_path / "facts.db"
    shutil.copyfile(base_template, path)
    return path


def fact_yaml(claim: str, **fields) -> str:
    """One YAML list item with sensible defaults."""
    data = {"claim": claim, "subject": "Test subject", "date": "2023", "actor": "NATO", "source": "memo",
            "confidence": "0.5", **fields}
    lines = []
    for i, (key, value) in enumerate(data.items()):
        lines.append(("- " if i == 0 else "  ") + f"{key}: {json.dumps(value)}")
    return "\n".join(lines) + "\n"


# --- each format ---------------------------------------------------------------------

def test_yaml_list(db_path, tmp_path):
    path = write(tmp_path, "facts.yaml", """\
- claim: NATO officials say about 30,000 troops are in Belarus.
  subject: Russian troops in Belarus
  quantity: about 30,000 troops
  date: "2023-03"
  actor: NATO officials
  about: [Belarus]
  source: memo
  quote: NATO officials say about 30,000 troops are in Belarus.
  confidence: likely
  credibility: 2
  tags: [troop-estimate, nato]
- claim: Between 40 and 50 km of the border is fortified.
  subject: Fortified border
  quantity: 40-50
  unit: km
  date: 2023-03-01/2023-03-10
  stated_on: "2023-03-12"
  actor: Lukashenka
  source: MEMO
  confidence: 0.4
""")
    result = run(db_path, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Added 2 facts (0 already stored)" in result.stdout

    facts = by_claim(db_path)
    assert len(facts) == 2
    nato = facts["NATO officials say about 30,000 troops are in Belarus."]
    assert (nato["value"], nato["low"], nato["high"], nato["qualifier"], nato["unit"], nato["as_stated"]) == (
        30000, None, None, "approx", "troops", "about 30,000")
    assert (nato["date_start"], nato["date_end"], nato["date_precision"]) == ("2023-03-01", "2023-03-31", "month")
    assert nato["confidence"] == pytest.approx(0.675)
    assert nato["credibility"] == 2
    assert nato["claimant"] == "NATO"
    assert nato["about"] == ["Belarus"]
    assert nato["source"] == "memo"
    assert nato["tags"] == ["nato", "troop-estimate"]
    assert MEMO_TEXT[nato["quote_start"]:nato["quote_end"]] == nato["quote"]

    border = facts["Between 40 and 50 km of the border is fortified."]
    assert (border["value"], border["low"], border["high"], border["qualifier"], border["unit"]) == (
        None, 40, 50, "range", "km")
    assert (border["date_start"], border["date_end"], border["date_precision"]) == ("2023-03-01", "2023-03-10", "day")
    assert border["stated_on"] == "2023-03-12"
    assert border["claimant"] == "Alexander Lukashenko"
    assert border["source"] == "memo"
    assert border["confidence"] == pytest.approx(0.4)
    assert border["tags"] == []
    assert border["quote"] is None


def test_yaml_collection_with_actors_sources_and_text_file(tmp_path):
    db = tmp_path / "empty.db"
    assert run(db, "init").exit_code == 0
    (tmp_path / "docs").mkdir()
    text = "Intro line.\nThe Ministry of Truth counts 77 drones over Minsk.\nEnd.\n"
    write(tmp_path / "docs", "report.txt", text)
    # Facts come first in the file: the actors and sources they name are stored before them.
    path = write(tmp_path, "collection.yaml", """\
facts:
  - claim: The Ministry of Truth counts 77 drones over Minsk.
    subject: Drones over Minsk
    quantity: 77
    unit: drones
    date: "2024-05-06"
    actor: MoT
    about: [Minsk City]
    source: report-1
    quote: counts 77 drones
    confidence: very likely
    tags: [drones]
actors:
  - name: Ministry of Truth
    kind: organization
    aliases: [MoT]
  - name: Minsk City
    kind: other
sources:
  - key: report-1
    title: A report
    publisher: Someone
    url: https://example.org/report
    published: "2024-05"
    reliability: c
    text_file: docs/report.txt
""")
    result = run(db, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Added 1 fact (0 already stored), 2 actors, 1 source" in result.stdout

    [fact] = facts_of(db)
    assert fact["claim"] == "The Ministry of Truth counts 77 drones over Minsk."
    assert (fact["value"], fact["low"], fact["high"], fact["qualifier"], fact["unit"]) == \
        (77, 77, 77, "exact", "drones")
    assert (fact["date_start"], fact["date_end"], fact["date_precision"]) == ("2024-05-06", "2024-05-06", "day")
    assert fact["claimant"] == "Ministry of Truth"
    assert fact["about"] == ["Minsk City"]
    assert fact["source"] == "report-1"
    assert fact["source_reliability"] == "C"
    assert fact["confidence"] == pytest.approx(0.875)
    assert fact["tags"] == ["drones"]
    assert (fact["quote_start"], fact["quote_end"]) == (text.index("counts 77"), text.index("counts 77") + 16)

    sources = json.loads(run(db, "sources", "list", "--json").stdout)
    assert [(s["key"], s["characters"], s["published"], s["facts"]) for s in sources] == \
        [("report-1", len(text), "2024-05", 1)]
    stored = sqlite3.connect(db).execute("SELECT text, sha256 FROM sources").fetchone()
    assert stored == (text, hashlib.sha256(text.encode()).hexdigest())
    actors = {a["name"]: a for a in json.loads(run(db, "actors", "list", "--json").stdout)}
    assert actors["Ministry of Truth"]["kind"] == "organization"
    assert actors["Ministry of Truth"]["aliases"] == "MoT"


def test_json_array(db_path, tmp_path):
    records = [
        {"claim": "The ministry says 12,500 soldiers arrived.", "subject": "Russian troops in Belarus",
         "quantity": {"value": 12500, "qualifier": "exact"}, "unit": "soldiers", "date": "2023-03-12",
         "actor": "lukashenko", "about": ["Belarus", "NATO"], "source": "memo",
         "quote": "The ministry says 12,500 soldiers arrived.", "confidence": 0.9, "tags": ["official"]},
        {"claim": "At least 5,000 tanks.", "subject": "Tanks", "quantity": "at least 5,000",
         "date": "2023", "actor": "Belarus", "source": "memo", "confidence": "unlikely"},
    ]
    path = write(tmp_path, "facts.json", json.dumps(records, indent=2))
    result = run(db_path, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Added 2 facts" in result.stdout

    facts = by_claim(db_path)
    ministry = facts["The ministry says 12,500 soldiers arrived."]
    assert (ministry["value"], ministry["low"], ministry["high"], ministry["qualifier"], ministry["unit"]) == (
        12500, 12500, 12500, "exact", "soldiers")
    assert (ministry["date_start"], ministry["date_end"], ministry["date_precision"]) == \
        ("2023-03-12", "2023-03-12", "day")
    assert ministry["claimant"] == "Alexander Lukashenko"
    assert ministry["about"] == ["Belarus", "NATO"]
    assert ministry["confidence"] == pytest.approx(0.9)
    assert ministry["tags"] == ["official"]
    assert ministry["quote_start"] == MEMO_TEXT.index("The ministry says")
    tanks = facts["At least 5,000 tanks."]
    assert (tanks["value"], tanks["low"], tanks["high"], tanks["qualifier"], tanks["unit"]) == (
        5000, 5000, None, "at_least", None)
    assert (tanks["date_start"], tanks["date_end"], tanks["date_precision"]) == ("2023-01-01", "2023-12-31", "year")
    assert tanks["claimant"] == "Belarus"
    assert tanks["confidence"] == pytest.approx(0.325)


def test_json_collection_object(db_path, tmp_path):
    collection = {
        "actors": [{"name": "Jane Analyst", "kind": "person", "aliases": ["J. Analyst"]}],
        "facts": [{"claim": "Jane counts at most 9 brigades.", "subject": "Brigades", "quantity": "at most 9",
                   "unit": "brigades", "date": "2023-02", "actor": "J. Analyst", "source": "memo",
                   "confidence": 0.7, "status": "disputed", "status_reason": "Nobody else counts them."}],
    }
    path = write(tmp_path, "collection.json", json.dumps(collection, indent=2))
    result = run(db_path, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Added 1 fact (0 already stored), 1 actor, 0 sources" in result.stdout
    [fact] = facts_of(db_path)
    assert (fact["value"], fact["low"], fact["high"], fact["qualifier"], fact["unit"]) == \
        (9, None, 9, "at_most", "brigades")
    assert (fact["date_start"], fact["date_end"], fact["date_precision"]) == ("2023-02-01", "2023-02-28", "month")
    assert fact["claimant"] == "Jane Analyst"
    assert (fact["status"], fact["status_reason"]) == ("disputed", "Nobody else counts them.")


def test_jsonl(db_path, tmp_path):
    lines = [
        {"claim": "About 10,000 arrivals so far.", "subject": "Russian troops in Belarus", "quantity": "about 10,000",
         "unit": "troops", "date": "2023-03", "actor": "Belarus Security Blog", "source": "memo", "confidence": 0.5},
        {"claim": "5,000 tanks.", "subject": "Tanks", "quantity": 5000, "unit": "tanks", "date": "2023-03-12",
         "actor": "NATO", "source": "memo", "confidence": "almost certain", "tags": ["armour"]},
    ]
    path = write(tmp_path, "facts.jsonl", json.dumps(lines[0]) + "\n\n" + json.dumps(lines[1]) + "\n")
    result = run(db_path, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Added 2 facts" in result.stdout
    facts = by_claim(db_path)
    blog = facts["About 10,000 arrivals so far."]
    assert (blog["value"], blog["qualifier"], blog["unit"], blog["claimant"]) == \
        (10000, "approx", "troops", "Belarus Security Blog")
    tanks = facts["5,000 tanks."]
    assert (tanks["value"], tanks["low"], tanks["high"], tanks["qualifier"], tanks["unit"]) == \
        (5000, 5000, 5000, "exact", "tanks")
    assert tanks["confidence"] == pytest.approx(0.97)
    assert tanks["tags"] == ["armour"]


def test_csv_with_quantity_column_and_list_columns(db_path, tmp_path):
    path = write(tmp_path, "facts.csv", (
        "claim,subject,quantity,unit,date,actor,about,source,confidence,tags\r\n"
        "NATO says about 30000.,Russian troops in Belarus,\"about 30,000\",troops,2023-03,NATO officials,"
        "Belarus; Alexander Lukashenko,memo,likely,troop-estimate; nato\r\n"
        "The blog counts 10000.,Russian troops in Belarus,\"10,000\",troops,2023-03-12,Belarus Security Blog,,memo,"
        "0.6,\r\n"
    ))
    result = run(db_path, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Added 2 facts" in result.stdout
    facts = by_claim(db_path)
    nato = facts["NATO says about 30000."]
    assert (nato["value"], nato["qualifier"], nato["unit"], nato["as_stated"]) == \
        (30000, "approx", "troops", "about 30,000")
    assert nato["about"] == ["Alexander Lukashenko", "Belarus"]
    assert nato["tags"] == ["nato", "troop-estimate"]
    assert nato["claimant"] == "NATO"
    assert nato["date_precision"] == "month"
    blog = facts["The blog counts 10000."]
    assert (blog["value"], blog["low"], blog["high"], blog["qualifier"]) == (10000, 10000, 10000, "exact")
    assert blog["about"] == [] and blog["tags"] == []
    assert blog["confidence"] == pytest.approx(0.6)
    assert blog["date_start"] == blog["date_end"] == "2023-03-12"


def test_csv_with_value_low_high_qualifier_columns(db_path, tmp_path):
    path = write(tmp_path, "facts.csv", (
        "claim,subject,value,low,high,qualifier,unit,date,actor,source,confidence,tags\n"
        "Border fortified over 40 to 50 km.,Fortified border,,40,50,range,km,2023-03,Belarus,memo,0.8,border;geo\n"
        "At least 5000 tanks.,Tanks,5000,,,at_least,tanks,2023,NATO,memo,0.3,\n"
        "Roughly 12500 soldiers.,Soldiers,12500,12000,13000,approx,soldiers,2023-03-12,NATO,memo,0.55,\n"
    ))
    result = run(db_path, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Added 3 facts" in result.stdout
    facts = by_claim(db_path)
    border = facts["Border fortified over 40 to 50 km."]
    assert (border["value"], border["low"], border["high"], border["qualifier"], border["unit"]) == \
        (None, 40, 50, "range", "km")
    assert border["tags"] == ["border", "geo"]
    tanks = facts["At least 5000 tanks."]
    assert (tanks["value"], tanks["low"], tanks["high"], tanks["qualifier"]) == (5000, 5000, None, "at_least")
    soldiers = facts["Roughly 12500 soldiers."]
    assert (soldiers["value"], soldiers["low"], soldiers["high"], soldiers["qualifier"]) == \
        (12500, 12000, 13000, "approx")


def test_library_read_files_and_import_records(db_path, tmp_path):
    path = write(tmp_path, "facts.yaml", fact_yaml("One.") + fact_yaml("Two.", quantity="7", unit="km"))
    records = read_files([path])
    assert [(r.line, r.section) for r in records] == [(1, "facts"), (7, "facts")]
    db = open_db(db_path)
    try:
        result = import_records(db, records, "lib-author")
        assert (result.facts_added, result.facts_unchanged, len(result.fact_ids)) == (2, 0, 2)
        again = import_records(db, read_files([path]), "lib-author")
        assert (again.facts_added, again.facts_unchanged, again.fact_ids) == (0, 2, result.fact_ids)
        rows = db.execute("SELECT claim, created_by FROM facts ORDER BY id").fetchall()
        assert rows == [("One.", "lib-author"), ("Two.", "lib-author")]
    finally:
        db.conn.close()


def test_library_import_is_atomic(db_path, tmp_path):
    path = write(tmp_path, "facts.yaml", fact_yaml("Good.") + fact_yaml("Bad.", confidence="7"))
    before = snapshot(db_path)
    db = open_db(db_path)
    try:
        with pytest.raises(RecordErrors) as info:
            import_records(db, read_files([path]), "lib-author")
    finally:
        db.conn.close()
    assert info.value.problems == [f"{path}:7: confidence: 7 is outside 0..1 (write 70% or 0.7)"]
    assert snapshot(db_path) == before


# --- atomicity and FILE:LINE errors --------------------------------------------------

YAML_BAD = """\
- claim: Good one.
  subject: Atomic
  date: "2023"
  actor: NATO
  source: memo
  confidence: 0.5
- claim: Bad confidence.
  subject: Atomic
  date: "2023"
  actor: NATO
  source: memo
  confidence: 1.5
- claim: Good two.
  subject: Atomic
  date: "2023"
  actor: NATO
  source: memo
  confidence: 0.5

# a comment and a blank line before the next record
- claim: Bad date.
  subject: Atomic
  date: "2023-13"
  actor: NATO
  source: memo
  confidence: 0.5
- {claim: Bad actor and source., subject: Atomic, date: "2023", actor: Lukashenkko, source: memox, confidence: 0.5}
"""

JSON_ARRAY_BAD = """\
[
  {"claim": "Good one.", "subject": "Atomic", "date": "2023", "actor": "NATO", "source": "memo", "confidence": 0.5},
  {
    "claim": "Bad confidence.",
    "subject": "Atomic",
    "date": "2023",
    "actor": "NATO",
    "source": "memo",
    "confidence": 1.5
  },
  {"claim": "Good two.", "subject": "Atomic", "date": "2023", "actor": "NATO", "source": "memo", "confidence": 0.5},

  {"claim": "Bad date.", "subject": "Atomic", "date": "2023-13", "actor": "NATO", "source": "memo", "confidence": 0.5},
  {"claim": "Bad actor and source.", "subject": "Atomic", "date": "2023", "actor": "Lukashenkko", "source": "memox",
   "confidence": 0.5}
]
"""

JSON_COLLECTION_BAD = """\
{
  "actors": [
    {"name": "Good Actor", "kind": "person"},
    {"name": "Bad Actor", "kind": "robot"}
  ],
  "facts": [
    {"claim":"Good one.", "subject":"Atomic", "date":"2023", "actor":"Good Actor", "source":"memo", "confidence":0.5},
    {"claim": "Bad confidence.", "subject": "Atomic", "date": "2023", "actor": "NATO", "source": "memo",
     "confidence": 1.5},
    {"claim":"Bad date.", "subject":"Atomic", "date":"2023-13", "actor":"NATO", "source":"memo", "confidence":0.5},
    {"claim": "Bad actor and source.", "subject": "Atomic", "date": "2023", "actor": "Lukashenkko",
     "source": "memox", "confidence": 0.5}
  ]
}
"""

JSONL_BAD = "\n".join([
    json.dumps({"claim": "Good one.", **GOOD}),
    json.dumps({"claim": "Bad confidence.", **GOOD, "confidence": 1.5}),
    "",
    json.dumps({"claim": "Good two.", **GOOD}),
    json.dumps({"claim": "Bad date.", **GOOD, "date": "2023-13"}),
    json.dumps({"claim": "Bad actor and source.", **GOOD, "actor": "Lukashenkko", "source": "memox"}),
]) + "\n"

CSV_BAD = (
    "claim,subject,date,actor,source,confidence,note\n"
    "Good one.,Atomic,2023,NATO,memo,0.5,\n"
    "Good with a long note.,Atomic,2023,NATO,memo,0.5,\"a note\n"
    "over two lines, with a comma\"\n"
    "Bad confidence.,Atomic,2023,NATO,memo,1.5,\n"
    "\n"
    "Good two.,Atomic,2023,NATO,memo,0.5,\"another\n"
    "\n"
    "note\"\n"
    "Bad date.,Atomic,2023-13,NATO,memo,0.5,\n"
    "Bad actor and source.,Atomic,2023,Lukashenkko,memox,0.5,\n"
)

ATOMIC_CASES = {
    "yaml": ("bad.yaml", YAML_BAD, [(7, "confidence"), (21, "date"), (27, "actor"), (27, "source")]),
    "json-array": ("bad.json", JSON_ARRAY_BAD, [(3, "confidence"), (13, "date"), (14, "actor"), (14, "source")]),
    "json-collection": ("bad.json", JSON_COLLECTION_BAD,
                        [(4, "kind"), (8, "confidence"), (10, "date"), (11, "actor"), (11, "source")]),
    "jsonl": ("bad.jsonl", JSONL_BAD, [(2, "confidence"), (5, "date"), (6, "actor"), (6, "source")]),
    "csv": ("bad.csv", CSV_BAD, [(5, "confidence"), (10, "date"), (11, "actor"), (11, "source")]),
}


@pytest.mark.parametrize("case", list(ATOMIC_CASES))
@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
def test_bad_records_write_nothing_and_are_named_by_line(db_path, tmp_path, case, dry_run):
    name, content, expected = ATOMIC_CASES[case]
    path = write(tmp_path, name, content)
    before = snapshot(db_path)
    result = run(db_path, "import", *(["--dry-run"] if dry_run else []), str(path))
    assert_clean_failure(result)
    assert snapshot(db_path) == before
    problems = problem_lines(result, path)
    assert [(int(line.split(":")[1]), line.split(":")[2].strip()) for line in problems] == expected, result.stderr
    for line in problems:
        # FILE:LINE: field: reason, the reason not empty
        _, number, field, reason = line.split(":", 3)
        assert number.isdigit() and field.strip() and reason.strip()
    text = "\n".join(problems)
    assert "1.5 is outside 0..1" in text
    assert "'2023-13' has no month 13" in text
    assert "unknown actor 'Lukashenkko'" in text
    assert "unknown source 'memox'" in text
    assert f"{len(expected)} problems; nothing was written" in result.stderr
    assert facts_of(db_path) == []


def test_bad_record_in_one_file_keeps_the_other_files_out(db_path, tmp_path):
    good = write(tmp_path, "good.yaml", fact_yaml("Fine."))
    bad = write(tmp_path, "bad.jsonl", json.dumps({"claim": "Broken.", **GOOD, "confidence": "sure"}) + "\n")
    before = snapshot(db_path)
    result = run(db_path, "import", str(good), str(bad))
    assert_clean_failure(result)
    assert problem_lines(result, bad) == [
        f"{bad}:1: confidence: 'sure' is neither a number from 0 to 1 nor a likelihood word "
        "(almost no chance, very unlikely, unlikely, roughly even chance, likely, very likely, almost certain)"]
    assert problem_lines(result, good) == []
    assert snapshot(db_path) == before


def test_bad_actor_and_source_sections_write_nothing(db_path, tmp_path):
    path = write(tmp_path, "sections.yaml", """\
actors:
  - name: New Person
    kind: person
  - name: Another
    aliases: [NATO]
sources:
  - key: Bad Key
    title: Something
  - key: missing-text
    title: Something
    text_file: no/such/file.txt
""")
    before = snapshot(db_path)
    result = run(db_path, "import", str(path))
    assert_clean_failure(result)
    lines = problem_lines(result, path)
    assert [line.split(":")[1] for line in lines] == ["4", "7", "9"]
    assert "alias 'NATO' already names NATO" in lines[0]
    assert lines[1].startswith(f"{path}:7: key: ")
    assert lines[2].startswith(f"{path}:9: text_file: cannot read")
    assert snapshot(db_path) == before


# --- idempotency ---------------------------------------------------------------------

def test_importing_the_same_file_twice_adds_nothing(db_path, tmp_path):
    path = write(tmp_path, "facts.yaml",
                 fact_yaml("One.", quote="Some say 5,000 tanks.", quote_start=MEMO_TEXT.rindex("Some say"),
                           tags=["a", "b"], note="A note.")
                 + fact_yaml("Two.", quantity="about 30,000 troops"))
    first = run(db_path, "import", str(path))
    assert first.exit_code == 0, first.output
    assert "Added 2 facts (0 already stored)" in first.stdout
    after_first = snapshot(db_path)
    count = len(facts_of(db_path))
    second = run(db_path, "import", str(path))
    assert second.exit_code == 0, second.output
    assert "Added 0 facts (2 already stored), 0 actors, 0 sources" in second.stdout
    assert len(facts_of(db_path)) == count == 2
    assert snapshot(db_path) == after_first


def test_reimporting_the_base_collection_adds_nothing(db_path, tmp_path):
    (tmp_path / "texts").mkdir()
    write(tmp_path / "texts", "memo.txt", MEMO_TEXT)
    path = write(tmp_path, "base.yaml", BASE_COLLECTION)
    before = snapshot(db_path)
    result = run(db_path, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Added 0 facts (0 already stored), 0 actors, 0 sources" in result.stdout
    assert snapshot(db_path) == before


def test_same_claim_with_changed_confidence_is_refused(db_path, tmp_path):
    path = write(tmp_path, "facts.yaml", fact_yaml("One.", confidence="0.5") + fact_yaml("Two."))
    assert run(db_path, "import", str(path)).exit_code == 0
    fact_id = by_claim(db_path)["One."]["id"]
    before = snapshot(db_path)
    changed = write(tmp_path, "changed.yaml",
                    fact_yaml("Three.") + fact_yaml("One.", confidence="0.9") + fact_yaml("Two."))
    result = run(db_path, "import", str(changed))
    assert_clean_failure(result)
    [problem] = problem_lines(result, changed)
    assert problem.startswith(f"{changed}:7: ")
    assert f"fact #{fact_id}" in problem
    assert "confidence" in problem
    assert snapshot(db_path) == before
    assert by_claim(db_path)["One."]["confidence"] == pytest.approx(0.5)


def test_seed_collection_imports_idempotently_through_the_library(tmp_path):
    from facts.fact_files import seed_files
    db = open_db(tmp_path / "seed.db", create=True)
    try:
        first = import_records(db, read_files(seed_files()), "seeder")
        assert first.facts_added >= 40
        second = import_records(db, read_files(seed_files()), "seeder")
        assert (second.facts_added, second.facts_unchanged, second.actors_added, second.sources_added) == (
            0, first.facts_added, 0, 0)
    finally:
        db.conn.close()


# --- dry run -------------------------------------------------------------------------

def test_dry_run_validates_and_writes_nothing(db_path, tmp_path):
    path = write(tmp_path, "facts.yaml", fact_yaml("One.") + fact_yaml("Two.", quantity="about 30,000 troops"))
    before = snapshot(db_path)
    result = run(db_path, "import", "--dry-run", str(path))
    assert result.exit_code == 0, result.output
    assert snapshot(db_path) == before
    assert "Would add 2 facts (0 already stored), 0 actors, 0 sources" in result.stdout
    assert "nothing written" in result.stdout
    real = run(db_path, "import", str(path))
    assert real.exit_code == 0, real.output
    assert "Added 2 facts (0 already stored)" in real.stdout
    assert len(facts_of(db_path)) == 2
    again = run(db_path, "import", "--dry-run", str(path))
    assert "Would add 0 facts (2 already stored)" in again.stdout


def test_dry_run_with_create_actors_writes_nothing_and_counts_them(db_path, tmp_path):
    path = write(tmp_path, "facts.yaml", fact_yaml("One.") + fact_yaml("Two.", actor="Jane New"))
    before = snapshot(db_path)
    result = run(db_path, "import", "--dry-run", "--create-actors", str(path))
    assert result.exit_code == 0, result.output
    assert snapshot(db_path) == before
    assert "Jane New" not in run(db_path, "actors", "list").stdout
    assert "Would add 2 facts (0 already stored), 1 actor" in result.stdout


# --- names, sources and quotes -------------------------------------------------------

def test_unknown_actor_suggests_the_nearest_name(db_path, tmp_path):
    path = write(tmp_path, "facts.yaml", fact_yaml("One.", actor="Lukashenkko"))
    before = snapshot(db_path)
    result = run(db_path, "import", str(path))
    assert_clean_failure(result)
    assert problem_lines(result, path) == [
        f"{path}:1: actor: unknown actor 'Lukashenkko' (did you mean Alexander Lukashenko?)"]
    assert snapshot(db_path) == before


def test_unknown_actor_in_about_is_named_by_position(db_path, tmp_path):
    path = write(tmp_path, "facts.yaml", fact_yaml("One.", about=["Belarus", "Belaruss"]))
    result = run(db_path, "import", str(path))
    assert_clean_failure(result)
    [problem] = problem_lines(result, path)
    assert problem.startswith(f"{path}:1: about.1: unknown actor 'Belaruss'")
    assert "did you mean Belarus" in problem


def test_create_actors_creates_the_unknown_actor(db_path, tmp_path):
    path = write(tmp_path, "facts.yaml", fact_yaml("One.", actor="Jane Newcomer", about=["Someone Else"]))
    refused = run(db_path, "import", str(path))
    assert_clean_failure(refused)
    result = run(db_path, "import", "--create-actors", str(path))
    assert result.exit_code == 0, result.output
    [fact] = facts_of(db_path)
    assert (fact["claimant"], fact["about"]) == ("Jane Newcomer", ["Someone Else"])
    names = [a["name"] for a in json.loads(run(db_path, "actors", "list", "--json").stdout)]
    assert "Jane Newcomer" in names and "Someone Else" in names
    # The summary counts the actors it created.
    assert "Added 1 fact (0 already stored), 2 actors" in result.stdout


def test_unknown_source_is_an_error(db_path, tmp_path):
    path = write(tmp_path, "facts.yaml", fact_yaml("One.", source="nosuchsource"))
    before = snapshot(db_path)
    result = run(db_path, "import", str(path))
    assert_clean_failure(result)
    [problem] = problem_lines(result, path)
    assert problem.startswith(f"{path}:1: source: unknown source 'nosuchsource'")
    assert snapshot(db_path) == before


def test_quote_not_in_the_source_is_an_error(db_path, tmp_path):
    path = write(tmp_path, "facts.yaml", fact_yaml("One.", quote="NATO officials say about 40,000 troops"))
    before = snapshot(db_path)
    result = run(db_path, "import", str(path))
    assert_clean_failure(result)
    assert problem_lines(result, path) == [f"{path}:1: quote: does not occur in the source text ('memo')"]
    assert snapshot(db_path) == before


def test_ambiguous_quote_asks_for_quote_start(db_path, tmp_path):
    path = write(tmp_path, "facts.yaml", fact_yaml("One.", quote="Some say 5,000 tanks."))
    before = snapshot(db_path)
    result = run(db_path, "import", str(path))
    assert_clean_failure(result)
    [problem] = problem_lines(result, path)
    first, second = MEMO_TEXT.index("Some say"), MEMO_TEXT.rindex("Some say")
    assert problem.startswith(f"{path}:1: quote: occurs 2 times")
    assert "quote_start" in problem and f"{first}, {second}" in problem
    assert snapshot(db_path) == before

    fixed = write(tmp_path, "fixed.yaml", fact_yaml("One.", quote="Some say 5,000 tanks.", quote_start=second))
    result = run(db_path, "import", str(fixed))
    assert result.exit_code == 0, result.output
    [fact] = facts_of(db_path)
    assert (fact["quote_start"], fact["quote_end"]) == (second, second + len("Some say 5,000 tanks."))


def test_quote_start_that_does_not_match_is_an_error(db_path, tmp_path):
    path = write(tmp_path, "facts.yaml", fact_yaml("One.", quote="Some say 5,000 tanks.", quote_start=3))
    result = run(db_path, "import", str(path))
    assert_clean_failure(result)
    [problem] = problem_lines(result, path)
    assert problem.startswith(f"{path}:1: quote: the quote is not at 3")


def test_quote_with_different_white_space_is_anchored_to_the_source_text(db_path, tmp_path):
    path = write(tmp_path, "facts.yaml", fact_yaml("One.", quote="The blog counts 10,000 arrivals"))
    result = run(db_path, "import", str(path))
    assert result.exit_code == 0, result.output
    [fact] = facts_of(db_path)
    exact = "The  blog   counts\n10,000 arrivals"
    assert fact["quote"] == exact
    assert fact["quote_start"] == MEMO_TEXT.index(exact)
    assert fact["quote_end"] == fact["quote_start"] + len(exact)
    assert MEMO_TEXT[fact["quote_start"]:fact["quote_end"]] == fact["quote"]


def test_quote_offsets_count_code_points(db_path, tmp_path):
    text = "Ünïcödé → first.\nЛукашенко said 3 000 troops.\n"
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    path = write(tmp_path, "c.yaml", """\
sources:
  - key: unicode-doc
    title: Unicode
    text_file: t.txt
facts:
  - claim: Three thousand.
    subject: Unicode
    date: "2023"
    actor: Lukashenko
    source: unicode-doc
    quote: said 3 000 troops
    confidence: 0.5
""")
    result = run(db_path, "import", str(path))
    assert result.exit_code == 0, result.output
    [fact] = facts_of(db_path)
    assert text[fact["quote_start"]:fact["quote_end"]] == "said 3 000 troops"


# --- safe parsing --------------------------------------------------------------------

def _refused(db_path, path, expected_line: int, fragment: str):
    before = snapshot(db_path)
    result = run(db_path, "import", str(path))
    assert_clean_failure(result)
    lines = problem_lines(result, path)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{path}:{expected_line}: "), lines[0]
    assert fragment in lines[0], lines[0]
    assert snapshot(db_path) == before
    return lines[0]


def test_yaml_python_tags_are_refused(db_path, tmp_path):
    marker = tmp_path / "created-by-yaml"
    path = write(tmp_path, "evil.yaml",
                 fact_yaml("One.") + f"- !!python/object/apply:os.mkdir [{json.dumps(str(marker))}]\n")
    _refused(db_path, path, 7, "python/object")
    assert not marker.exists()
    other = write(tmp_path, "evil2.yaml", "- !!python/object:facts.models.FactIn {claim: x}\n")
    _refused(db_path, other, 1, "python/object")


def test_yaml_aliases_are_refused(db_path, tmp_path):
    path = write(tmp_path, "alias.yaml", """\
- &a
  claim: One.
  subject: S
  date: "2023"
  actor: NATO
  source: memo
  confidence: 0.5
- *a
""")
    _refused(db_path, path, 8, "aliases")


def test_yaml_duplicate_keys_are_refused(db_path, tmp_path):
    path = write(tmp_path, "dupe.yaml", fact_yaml("One.") + fact_yaml("Two.") + "  confidence: 0.9\n")
    _refused(db_path, path, 13, "duplicate key 'confidence'")


def test_yaml_syntax_error_is_one_line(db_path, tmp_path):
    path = write(tmp_path, "broken.yaml", fact_yaml("One.") + "- claim: [unclosed\n  subject: x\n")
    _refused(db_path, path, 8, "not valid YAML")


def test_json_duplicate_keys_are_refused(db_path, tmp_path):
    path = write(tmp_path, "dupe.json", '[\n  {"claim": "One.", "claim": "Two.", "subject": "S"}\n]\n')
    _refused(db_path, path, 2, "duplicate key 'claim'")
    jsonl = write(tmp_path, "dupe.jsonl", json.dumps({"claim": "One.", **GOOD}) + '\n{"a": 1, "a": 2}\n')
    _refused(db_path, jsonl, 2, "duplicate key 'a'")


def test_json_nan_is_refused(db_path, tmp_path):
    record = json.dumps({"claim": "One.", **GOOD}).replace('"confidence": 0.5', '"confidence": NaN')
    path = write(tmp_path, "nan.json", "[\n" + json.dumps({"claim": "Fine.", **GOOD}) + ",\n" + record + "\n]\n")
    _refused(db_path, path, 3, "NaN")
    jsonl = write(tmp_path, "inf.jsonl", record.replace("NaN", "Infinity") + "\n")
    _refused(db_path, jsonl, 1, "Infinity")


def test_unknown_field_is_refused_by_name(db_path, tmp_path):
    path = write(tmp_path, "extra.yaml", fact_yaml("One.") + fact_yaml("Two.", colour="red"))
    _refused(db_path, path, 7, "colour: is not a field of this record")
    csv_path = write(tmp_path, "extra.csv", "claim,subject,date,actor,source,confidence,colour\n"
                                            "One.,S,2023,NATO,memo,0.5,red\n")
    _refused(db_path, csv_path, 2, "colour: is not a field of this record")
    nested = write(tmp_path, "nested.json", json.dumps(
        [{"claim": "One.", **GOOD, "quantity": {"value": 3, "colour": "red"}}]))
    _refused(db_path, nested, 1, "quantity.colour: is not a field of this record")


def test_invalid_utf8_is_refused(db_path, tmp_path):
    content = fact_yaml("One.").encode() + b"- claim: Caf\xe9\n"
    path = write(tmp_path, "latin1.yaml", content)
    _refused(db_path, path, 7, "not valid UTF-8")
    csv_path = write(tmp_path, "latin1.csv",
                     b"claim,subject,date,actor,source,confidence\nCaf\xe9.,S,2023,NATO,memo,0.5\n")
    _refused(db_path, csv_path, 2, "not valid UTF-8")


def test_utf8_bom_is_accepted(db_path, tmp_path):
    yaml_path = write(tmp_path, "bom.yaml", b"\xef\xbb\xbf" + fact_yaml("From YAML.").encode())
    csv_path = write(tmp_path, "bom.csv", b"\xef\xbb\xbfclaim,subject,date,actor,source,confidence\n"
                                          b"From CSV.,S,2023,NATO,memo,0.5\n")
    json_path = write(tmp_path, "bom.json", b"\xef\xbb\xbf" + json.dumps([{"claim": "From JSON.", **GOOD}]).encode())
    result = run(db_path, "import", str(yaml_path), str(csv_path), str(json_path))
    assert result.exit_code == 0, result.output
    assert set(by_claim(db_path)) == {"From YAML.", "From CSV.", "From JSON."}


def test_unknown_extension_is_refused(db_path, tmp_path):
    path = write(tmp_path, "facts.txt", fact_yaml("One."))
    before = snapshot(db_path)
    result = run(db_path, "import", str(path))
    assert_clean_failure(result)
    assert result.stderr.count("\n") == 1
    assert str(path) in result.stderr and "unknown file type '.txt'" in result.stderr
    assert snapshot(db_path) == before
    # --format says how to read it instead.
    result = run(db_path, "import", "--format", "yaml", str(path))
    assert result.exit_code == 0, result.output
    assert [f["claim"] for f in facts_of(db_path)] == ["One."]


def test_missing_file_is_one_line(db_path, tmp_path):
    result = run(db_path, "import", str(tmp_path / "nope.yaml"))
    assert_clean_failure(result)
    assert result.stderr.count("\n") == 1
    assert "nope.yaml: cannot read" in result.stderr


def test_record_that_is_not_a_mapping_is_refused(db_path, tmp_path):
    path = write(tmp_path, "scalar.yaml", fact_yaml("One.") + "- just a string\n")
    _refused(db_path, path, 7, "record: must be a mapping of fields")


def test_import_into_missing_database_says_to_run_init(tmp_path):
    path = write(tmp_path, "facts.yaml", fact_yaml("One."))
    db = tmp_path / "missing.db"
    result = run(db, "import", str(path))
    assert_clean_failure(result)
    assert "facts init" in result.stderr
    assert not db.exists()


# --- standard input ------------------------------------------------------------------

def test_standard_input_is_read_in_each_format_told_by_its_first_line(db_path):
    facts = [{**GOOD, "claim": f"Claim {i}.", "subject": f"Subject {i}", "quantity": f"{i},000 troops"}
             for i in range(1, 4)]
    as_jsonl = json.dumps(facts[0]) + "\n"
    as_json = json.dumps([facts[1]], indent=2)
    as_yaml = fact_yaml("Claim 3.", subject="Subject 3", quantity="3,000 troops", actor="NATO")
    for text in (as_jsonl, as_json, as_yaml):
        result = run(db_path, "import", "-", input=text)
        assert result.exit_code == 0, result.output
        assert "Added 1 fact (0 already stored)" in result.stdout
    assert sorted(f["subject"] for f in facts_of(db_path)) == ["Subject 1", "Subject 2", "Subject 3"]
    csv = run(db_path, "import", "--format", "csv", "-",
              input="claim,subject,quantity,date,actor,source,confidence\nFour.,Subject 4,40,2023,NATO,memo,0.5\n")
    assert csv.exit_code == 0, csv.output
    assert "Subject 4" in {f["subject"] for f in facts_of(db_path)}


def test_standard_input_problems_are_named_as_stdin_and_write_nothing(db_path):
    before = snapshot(db_path)
    bad = json.dumps(GOOD | {"claim": "Fine."}) + "\n" + json.dumps(GOOD | {"claim": "Bad.", "quantity": "lots"}) + "\n"
    result = run(db_path, "import", "-", input=bad)
    assert_clean_failure(result)
    problems = [line for line in result.stderr.splitlines() if line.startswith("stdin:")]
    assert [p.split(":")[1] for p in problems] == ["2"], result.stderr
    assert "facts-stdin-" not in result.stderr  # the spooled copy's path is never shown
    assert snapshot(db_path) == before
    twice = run(db_path, "import", "-", "-", input=bad)
    assert_clean_failure(twice)
    assert "once" in twice.stderr


def test_a_full_fidelity_export_piped_into_another_database(seeded_path, tmp_path):
    other = tmp_path / "other.db"
    assert run(other, "init").exit_code == 0
    exported = run(seeded_path, "export", "--format", "facts-jsonl")
    assert exported.exit_code == 0, exported.output
    result = run(other, "import", "-", input=exported.stdout)
    assert result.exit_code == 0, result.output
    assert [f["claim"] for f in facts_of(other)] == [f["claim"] for f in facts_of(seeded_path)]
