"""schema.sql holds the rules by itself: rows written with the stock sqlite3 shell are refused too."""

import json
import re
import shutil
import sqlite3
import subprocess

import pytest

from facts import vocab
from facts.db import SCHEMA_VERSION, open_db, schema_sql
from facts.errors import FactsError

SQLITE3 = shutil.which("sqlite3")


@pytest.fixture
def seeded(seeded_path):
    return seeded_path


def shell(path, sql):
    assert SQLITE3, "the sqlite3 shell is needed: .ci/setup installs it"
    return subprocess.run([SQLITE3, str(path)], input=sql, capture_output=True, text=True)


def dump(path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def allowed_in_schema(column: str) -> set[tuple[str, ...]]:
    """The list of every `CHECK (column IN (...))` in schema.sql."""
    found = set()
    for m in re.finditer(rf"CHECK \((?:{column} IS NULL OR )?{column} IN \(([^)]*)\)\)", schema_sql()):
        found.add(tuple(v.strip().strip("'") for v in m.group(1).split(",")))
    return found


@pytest.mark.parametrize("column, values", [
    ("qualifier", vocab.QUALIFIERS), ("date_precision", vocab.PRECISIONS), ("status", vocab.STATUSES),
    ("reliability", vocab.RELIABILITIES),
])
def test_schema_and_models_allow_the_same_values(column, values):
    assert allowed_in_schema(column) == {tuple(values)}


def test_kinds_agree():
    assert allowed_in_schema("kind") == {vocab.ACTOR_KINDS, vocab.ANNOTATION_KINDS, vocab.CANDIDATE_KINDS,
                                         vocab.LINK_KINDS, vocab.CONFLICT_KINDS, vocab.MERGED_KINDS,
                                         vocab.SET_ASIDE_KINDS, vocab.DECISION_KINDS}
    assert allowed_in_schema("decision") == {vocab.DECISIONS}


def test_literal_types_of_the_models_agree_with_vocab():
    from typing import get_args

    from facts import models
    assert get_args(models.Qualifier) == vocab.QUALIFIERS
    assert get_args(models.Precision) == vocab.PRECISIONS
    assert get_args(models.Status) == vocab.STATUSES
    assert get_args(models.ActorKind) == vocab.ACTOR_KINDS
    assert get_args(models.Reliability) == vocab.RELIABILITIES
    assert get_args(models.AnnotationKind) == vocab.ANNOTATION_KINDS


GOOD_ROW = ("INSERT INTO facts (claim, subject, value, low, high, unit, qualifier, date_start, date_end, "
            "date_precision, actor_id, source_id, confidence) VALUES ({claim}, 'Shell subject', {value}, {low}, "
            "{high}, 'troops', {qualifier}, {start}, {end}, {precision}, {actor}, 1, {confidence});")


def row(**overrides):
    values = {"claim": "'A claim typed in the shell.'", "value": 100, "low": 100, "high": 100, "qualifier": "'exact'",
                  "start": "'2022-02-01'", "end": "'2022-02-28'", "precision": "'month'", "actor": 1, "confidence": 0.5}
    values.update(overrides)
    return GOOD_ROW.format(**values)


def test_shell_accepts_a_good_row(seeded):
    result = shell(seeded, row() + "SELECT claimant FROM facts_flat WHERE subject = 'Shell subject';"
                   "SELECT count(*) FROM facts_fts WHERE facts_fts MATCH 'typed';")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split()
    assert lines[-1] == "1"


@pytest.mark.parametrize("overrides, words", [
    ({"confidence": 1.5}, "CHECK constraint failed"),
    ({"confidence": "'high'"}, "cannot store TEXT value in REAL column"),
    ({"qualifier": "'roughly'"}, "CHECK constraint failed"),
    ({"low": 200}, "CHECK constraint failed"),  # exact with low != value
    ({"qualifier": "'range'", "value": 300, "low": 100, "high": 200}, "CHECK constraint failed"),
    ({"start": "'2022-02-30'", "end": "'2022-02-30'", "precision": "'day'"}, "CHECK constraint failed"),
    ({"start": "'2022-02-03'"}, "CHECK constraint failed"),  # month precision not starting on the 1st
    ({"start": "'2022-03-01'", "end": "'2022-02-28'", "precision": "'day'"}, "CHECK constraint failed"),
    ({"precision": "'week'"}, "CHECK constraint failed"),
    ({"claim": "''"}, "CHECK constraint failed"),
    ({"claim": "'two' || char(10) || 'lines'"}, "CHECK constraint failed"),
    ({"actor": 9999}, "no such actor"),
    ({"value": "9e999", "low": "9e999", "high": "9e999"}, "CHECK constraint failed"),
])
def test_shell_refuses_bad_rows(seeded, overrides, words):
    before = dump(seeded)
    result = shell(seeded, row(**overrides))
    assert result.returncode != 0
    assert words in result.stderr
    assert dump(seeded) == before


def test_shell_refuses_a_quote_not_in_the_source(seeded):
    before = dump(seeded)
    bad = ("INSERT INTO facts (claim, subject, date_start, date_end, date_precision, actor_id, source_id, confidence, "
           "quote, quote_start, quote_end) VALUES ('c', 's', '2022-02-01', '2022-02-01', 'day', 1, 1, 0.5, "
           "'words nowhere in it', 0, 19);")
    result = shell(seeded, bad)
    assert result.returncode != 0 and "does not occur in the source text" in result.stderr
    no_offsets = bad.replace(", quote_start, quote_end", "").replace(", 0, 19);", ");")
    result = shell(seeded, no_offsets)
    assert result.returncode != 0 and "needs quote_start" in result.stderr
    assert dump(seeded) == before


def test_shell_cannot_change_or_delete_annotations_or_history(seeded):
    shell(seeded, "INSERT INTO annotations (fact_id, kind, confidence, body, author) "
                  "VALUES (1, 'rate', 0.9, 'r', 'x');")
    before = dump(seeded)
    for sql in ("UPDATE annotations SET body = 'changed' WHERE id = 1;", "DELETE FROM annotations;",
                "UPDATE fact_history SET changed_by = 'me';", "DELETE FROM fact_history;"):
        result = shell(seeded, sql)
        assert result.returncode != 0 and "append-only" in result.stderr, sql
    assert dump(seeded) == before


def test_rate_annotation_updates_fact_and_history(seeded):
    conn = sqlite3.connect(seeded)
    old = conn.execute("SELECT confidence FROM facts WHERE id = 1").fetchone()[0]
    conn.execute("INSERT INTO annotations (fact_id, kind, confidence, body, author) "
                 "VALUES (1, 'rate', 0.9, 'why', 'ann')")
    conn.commit()
    assert conn.execute("SELECT confidence, updated_by FROM facts WHERE id = 1").fetchone() == (0.9, "ann")
    changed_by, old_json, new_json = conn.execute(
        "SELECT changed_by, old, new FROM fact_history WHERE fact_id = 1").fetchone()
    assert changed_by == "ann"
    assert json.loads(old_json) == {"confidence": old} and json.loads(new_json) == {"confidence": 0.9}


def test_status_annotation_sets_status_and_reason(seeded):
    conn = sqlite3.connect(seeded)
    conn.execute("INSERT INTO annotations (fact_id, kind, status, superseded_by, body, author) "
                 "VALUES (2, 'status', 'superseded', 4, 'newer', 'ann')")
    conn.commit()
    assert conn.execute("SELECT status, status_reason, superseded_by FROM facts WHERE id = 2").fetchone() \
        == ("superseded", "newer", 4)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO annotations (fact_id, kind, status, author) VALUES (2, 'status', 'disputed', 'a')")


def test_tags_follow_tag_and_untag_annotations(seeded):
    conn = sqlite3.connect(seeded)
    conn.execute("INSERT INTO annotations (fact_id, kind, tag, author) VALUES (3, 'tag', 'checked', 'a')")
    assert conn.execute("SELECT tags FROM facts_flat WHERE id = 3").fetchone()[0].count("checked") == 1
    conn.execute("INSERT INTO annotations (fact_id, kind, tag, author) VALUES (3, 'untag', 'checked', 'a')")
    assert "checked" not in (conn.execute("SELECT tags FROM facts_flat WHERE id = 3").fetchone()[0] or "")


def test_full_text_index_follows_updates(seeded):
    conn = sqlite3.connect(seeded)
    conn.execute("UPDATE facts SET claim = 'Zanzibar estimate' WHERE id = 1")
    hits = [r[0] for r in conn.execute("SELECT rowid FROM facts_fts WHERE facts_fts MATCH 'zanzibar'")]
    assert hits == [1]
    conn.execute("INSERT INTO facts_fts(facts_fts) VALUES ('integrity-check')")


def test_deleted_fact_is_kept_whole_in_history(seeded):
    conn = sqlite3.connect(seeded)
    conn.execute("PRAGMA foreign_keys = ON")
    # Seed facts carry tag annotations, which hold on to them.
    with pytest.raises(sqlite3.IntegrityError, match="annotations cannot be deleted"):
        conn.execute("DELETE FROM facts WHERE id = 1")
    conn.execute(row().replace("'A claim typed in the shell.'", "'Doomed claim.'"))
    fact_id = conn.execute("SELECT id FROM facts WHERE claim = 'Doomed claim.'").fetchone()[0]
    conn.execute("DELETE FROM facts WHERE id = ?", [fact_id])
    action, old = conn.execute("SELECT action, old FROM fact_history WHERE fact_id = ?", [fact_id]).fetchone()
    assert action == "delete" and json.loads(old)["claim"] == "Doomed claim."


def test_the_same_claim_entered_twice_apart_is_kept_twice_with_its_own_uid(seeded):
    """Two analysts may type one claim apart: the database keeps both (facts sync lists them as likely
    duplicates); importing it again adds nothing (tests/test_import.py)."""
    conn = sqlite3.connect(seeded)
    conn.execute(row())
    conn.execute(row())
    uids = conn.execute("SELECT uid FROM facts WHERE subject = 'Shell subject'").fetchall()
    assert len(uids) == len(set(uids)) == 2


def test_schema_version_and_wal(tmp_path):
    db = open_db(tmp_path / "new.db", create=True)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.db"
    open_db(path, create=True).conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(FactsError, match="newer version of facts"):
        open_db(path)


def test_other_files_are_refused(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (y)")
    with pytest.raises(FactsError, match="not a facts database"):
        open_db(other)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(FactsError, match="not a facts database"):
        open_db(garbage)
    with pytest.raises(FactsError, match="no such database"):
        open_db(tmp_path / "missing.db")


def test_a_retraction_in_the_shell_undoes_a_re_rating_and_a_tag(seeded):
    result = shell(seeded, "INSERT INTO annotations (fact_id, kind, confidence, body, author, created_at) "
                           "VALUES (5, 'rate', 0.9, 'why', 'ann', '2026-01-01T00:00:00.000Z');"
                           "INSERT INTO annotations (fact_id, kind, tag, author) VALUES (5, 'tag', 'extra', 'ann');"
                           "INSERT INTO annotations (fact_id, kind, retracts, author) "
                           "  SELECT 5, 'retraction', id, 'ann' FROM annotations WHERE kind = 'rate' AND fact_id = 5;"
                           "INSERT INTO annotations (fact_id, kind, retracts, author) "
                           "  SELECT 5, 'retraction', id, 'ann' FROM annotations WHERE tag = 'extra';"
                           "SELECT confidence FROM facts WHERE id = 5;"
                           "SELECT count(*) FROM fact_tags WHERE fact_id = 5 AND tag = 'extra';")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0.5", "0"]
    again = shell(seeded, "INSERT INTO annotations (fact_id, kind, retracts, author) "
                          "SELECT 5, 'retraction', id, 'ann' FROM annotations WHERE tag = 'extra';")
    assert again.returncode != 0 and "already retracted" in again.stderr
    wrong_fact = shell(seeded, "INSERT INTO annotations (fact_id, kind, retracts, author) "
                               "SELECT 6, 'retraction', id, 'ann' FROM annotations "
                               "WHERE kind = 'note' AND fact_id = 5;")
    assert wrong_fact.returncode != 0 and "no such annotation on this fact" in wrong_fact.stderr


def test_every_record_gets_a_global_id_that_never_changes(tmp_path):
    """Written by facts or typed in the sqlite3 shell, a record has a uid; nobody changes it afterwards."""
    import sqlite3

    from facts.importer import import_seed_collection
    db = open_db(tmp_path / "facts.db", create=True)
    import_seed_collection(db, "analyst")
    db.execute("INSERT INTO actors (name) VALUES ('Typed In The Shell')")
    db.execute("INSERT INTO annotations (fact_id, kind, body, author) VALUES (1, 'note', 'typed', 'shell')")
    for table in ("sources", "actors", "aliases", "facts", "annotations"):
        missing = db.execute(f"SELECT count(*) FROM {table} WHERE uid IS NULL OR length(uid) <> 32").fetchone()[0]
        assert missing == 0, table
    with pytest.raises(sqlite3.IntegrityError, match="a global id never changes"):
        db.execute("UPDATE facts SET uid = 'someoneelse0000000000000000000000' WHERE id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE annotations SET body = 'changed' WHERE id = 1")
