"""The full-fidelity export: importing it into an empty database gives the same collection back, every record
and change with its uid and its number; an older full-fidelity file (changes to replay) still imports."""

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from support import copy_db, snapshot

from facts.cli import cli
from facts.db import open_db
from facts.sync import content

FIXTURES = Path(__file__).parent / "fixtures"

TABLES = ("sources", "actors", "aliases", "facts", "fact_about", "annotations", "fact_tags", "fact_history")


def run(db, *args, author="alice"):
    result = CliRunner().invoke(cli, ["--db", str(db), *args], env={"FACTS_AUTHOR": author})
    assert result.exit_code == 0, result.output
    return result


def rows(path, table):
    """Every row of a table, ids included, in an order that does not depend on the order rows went in."""
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
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
    assert lines[0] == {"type": "collection", "format": "facts-log", "version": 1}
    assert {line["type"] for line in lines[1:]} == {"actor", "alias", "source", "fact", "annotation", "change"}

    second = tmp_path / "second.db"
    run(second, "init")
    result = run(second, "import", str(exported), author="carol")
    assert "Added 58 facts, 39 actors, 5 sources, 173 annotations, 13 changes" in result.stdout
    for table in TABLES:
        assert rows(second, table) == rows(first, table), table
    assert content(open_db(second)) == content(open_db(first))

    # Importing it again adds nothing.
    before = snapshot(second)
    again = run(second, "import", str(exported), author="carol")
    assert "Added 0 facts, 0 actors, 0 sources, 0 annotations, 0 changes" in again.stdout
    assert snapshot(second) == before


def test_an_older_full_fidelity_file_is_replayed(tmp_path):
    """A file facts wrote at schema 5 (records, then changes to make again) imports as it did."""
    db = tmp_path / "facts.db"
    run(db, "init")
    result = run(db, "import", str(FIXTURES / "collection-schema5.jsonl"))
    assert "Added 58 facts" in result.stdout
    opened = open_db(db)
    assert opened.execute("SELECT confidence FROM facts WHERE id = 5").fetchone()[0] == 0.675
    assert opened.execute("SELECT repeats FROM fact_repeats WHERE fact_id = 3").fetchone()[0] == 1
    assert opened.execute("SELECT reliability FROM sources WHERE key = 'blp-joint-exercises'").fetchone()[0] == "E"
    assert opened.execute("SELECT count(*) FROM fact_tags WHERE fact_id = 3 AND tag = 'checked'").fetchone()[0] == 1


def test_facts_jsonl_takes_no_table_or_filter(seed_template, tmp_path):
    db = tmp_path / "facts.db"
    copy_db(seed_template, db)
    for args in (["export", "facts", "--format", "facts-jsonl"], ["export", "--format", "facts-jsonl", "--unit", "km"]):
        result = CliRunner().invoke(cli, ["--db", str(db), *args])
        assert result.exit_code == 1 and "whole collection" in result.output


def test_an_annotation_on_an_unknown_ref_is_refused_in_an_older_file(seed_template, tmp_path):
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
    assert {"change", "version", "unit"} <= kinds

    second = tmp_path / "second.db"
    run(second, "init")
    run(second, "import", str(exported), author="carol")
    for table in LIVED:
        assert rows(second, table) == rows(first, table), table
    assert content(open_db(second)) == content(open_db(first))
    assert open_db(second).execute("SELECT claim, confidence FROM facts WHERE id = 5").fetchone() == (
        "Porotnikov: about 12,000", 0.7)

    before = snapshot(second)
    run(second, "import", str(exported), author="carol")  # again: nothing changes
    assert snapshot(second) == before
