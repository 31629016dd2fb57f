"""The full-fidelity export: importing it into an empty database gives the same collection back."""

import json
import sqlite3

from click.testing import CliRunner
from support import copy_db, snapshot

from facts.cli import cli

TABLES = ("sources", "actors", "aliases", "facts", "fact_about", "annotations", "fact_tags", "fact_history")


def run(db, *args, author="alice"):
    result = CliRunner().invoke(cli, ["--db", str(db), *args], env={"FACTS_AUTHOR": author})
    assert result.exit_code == 0, result.output
    return result


def rows(path, table):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
    finally:
        conn.close()


def test_round_trip_gives_the_same_collection_back(seed_template, tmp_path):
    first = tmp_path / "first.db"
    copy_db(seed_template, first)
    # A collection that has lived: re-ratings, status changes, tags added and removed, notes, by two people.
    run(first, "rate", "5", "likely", "--reason", "rail counts")
    run(first, "rate", "5", "0.6", "--reason", "second look", author="bob")
    run(first, "status", "2", "superseded", "--reason", "same figure later", "--superseded-by", "4")
    run(first, "status", "1", "active", author="bob")
    run(first, "tag", "3", "checked", "wanted")
    run(first, "tag", "1", "troop-estimate", "--remove")
    run(first, "annotate", "4", "A note with \"quotes\" and a\nsecond line")
    # Withdraw the second re-rating and the 'wanted' tag: retractions refer to annotations.
    conn = sqlite3.connect(first)
    second_rate = conn.execute("SELECT max(id) FROM annotations WHERE kind = 'rate' AND fact_id = 5").fetchone()[0]
    wanted = conn.execute("SELECT id FROM annotations WHERE tag = 'wanted'").fetchone()[0]
    conn.close()
    run(first, "retract", str(second_rate), "--reason", "too quick")
    run(first, "retract", str(wanted))
    exported = tmp_path / "collection.jsonl"
    run(first, "export", "--format", "facts-jsonl", "-o", str(exported))
    lines = [json.loads(line) for line in exported.read_text().splitlines()]
    assert {line["type"] for line in lines} == {"actor", "source", "fact", "annotation", "link"}

    second = tmp_path / "second.db"
    run(second, "init")
    result = run(second, "import", str(exported), author="carol")
    assert "Added 58 facts" in result.stdout
    for table in TABLES:
        assert rows(second, table) == rows(first, table), table

    # Importing it again adds nothing.
    before = snapshot(second)
    again = run(second, "import", str(exported), author="carol")
    assert "Added 0 facts (58 already stored)" in again.stdout
    assert snapshot(second) == before


def test_facts_jsonl_takes_no_table_or_filter(seed_template, tmp_path):
    db = tmp_path / "facts.db"
    copy_db(seed_template, db)
    for args in (["export", "facts", "--format", "facts-jsonl"], ["export", "--format", "facts-jsonl", "--unit", "km"]):
        result = CliRunner().invoke(cli, ["--db", str(db), *args])
        assert result.exit_code == 1 and "whole collection" in result.output


def test_an_annotation_on_an_unknown_ref_is_refused(seed_template, tmp_path):
    db = tmp_path / "facts.db"
    copy_db(seed_template, db)
    path = tmp_path / "bad.jsonl"
    path.write_text('{"type": "annotation", "fact": 999, "kind": "note", "body": "x", "author": "a"}\n'
                    '{"type": "wibble"}\n')
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(path)])
    assert result.exit_code == 1 and "bad.jsonl:2: type: 'wibble'" in result.output
    path.write_text('{"type": "annotation", "fact": 999, "kind": "note", "body": "x", "author": "a"}\n')
    before = snapshot(db)
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(path)])
    assert result.exit_code == 1 and "bad.jsonl:1: fact: no fact with ref 999" in result.output
    assert snapshot(db) == before


LIVED = ("sources", "source_versions", "source_history", "actors", "aliases", "facts", "fact_about", "annotations",
         "fact_tags", "fact_history", "fact_repeats", "speaks_for", "link_history", "unit_synonyms")


def test_every_edit_travels_form_edits_source_versions_metadata_links_and_units(seed_template, tmp_path):
    """What the form, facts sources update/edit, facts link and facts units change is replayed with its own
    time and author, so the copy has the same facts, history and links."""
    from facts.db import open_db
    from facts.sources import get_source
    from facts.writing import edit_fact, fact_record

    first = tmp_path / "first.db"
    copy_db(seed_template, first)
    db = open_db(first)
    edit_fact(db, 5, {**fact_record(db, 5), "quantity": "about 12,000", "claim": "Porotnikov: about 12,000"}, "dora")
    run(first, "rate", "5", "likely", "--reason", "rail counts", author="bob")
    edit_fact(db, 5, {**fact_record(db, 5), "confidence": 0.7}, "dora")  # an edit after a re-rating
    text = get_source(db, "odr-2022-02-09")["text"]
    newer = tmp_path / "odr-v2.txt"
    newer.write_text(text.replace("Experts are more reserved", "Some experts are more reserved")
                     .replace("he estimates the number of Russian troops in Belarus at 30,000",
                              "he estimated the number of Russian troops in Belarus at 30,000"), encoding="utf-8")
    run(first, "sources", "update", "odr-2022-02-09", str(newer), "--reason", "corrected by the outlet")
    run(first, "sources", "edit", "blp-joint-exercises", "--reliability", "E", "--reason", "a partisan outlet")
    run(first, "link", "3", "--repeats", "1", author="erin")
    run(first, "link", "3", "--repeats", "none", author="erin")
    run(first, "actors", "link", "Reznikov", "--speaks-for", "Ukraine", "--from", "2021-11")
    run(first, "units", "same", "troops", "soldiers")
    exported = tmp_path / "collection.jsonl"
    run(first, "export", "--format", "facts-jsonl", "-o", str(exported))
    kinds = {json.loads(line)["type"] for line in exported.read_text().splitlines()}
    assert {"edit", "source_version", "source_edit", "link", "unit"} <= kinds

    second = tmp_path / "second.db"
    run(second, "init")
    run(second, "import", str(exported), author="carol")
    for table in LIVED:
        assert rows(second, table) == rows(first, table), table
    assert open_db(second).execute("SELECT claim, confidence FROM facts WHERE id = 5").fetchone() == (
        "Porotnikov: about 12,000", 0.7)

    before = snapshot(second)
    run(second, "import", str(exported), author="carol")  # again: nothing changes
    assert snapshot(second) == before
