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
    assert {line["type"] for line in lines} == {"actor", "source", "fact", "annotation"}

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
