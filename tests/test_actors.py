"""Actors: near-duplicates refused unless a person says they differ, corrections kept with who and when."""

import json

import pytest
from click.testing import CliRunner
from support import snapshot

from facts.actors import reads_as_one
from facts.cli import cli
from facts.collection import Collection
from facts.db import open_db
from facts.errors import FactsError, SimilarActor


def run(db, *args, author="corrector"):
    return CliRunner().invoke(cli, ["--db", str(db), *args], env={"FACTS_AUTHOR": author})


@pytest.mark.parametrize("a, b, same", [
    ("Trump", "Donald Trump", True),  # all of one's words within the other's
    ("Stoltenberg", "Jens Stoltenberg", True),
    ("Lukashenka", "Alexander Lukashenko", False),  # one word against two, neither within the other
    ("Alexander Lukashenka", "Alexander Lukashenko", True),  # a transliteration
    ("Łukašenka", "Lukashenka", True),
    ("Stoltenbreg", "Stoltenberg", True),  # a slip
    ("NATO", "NASA", False),
    ("Belarusian Ministry of Defence", "Russian Ministry of Defence", False),
])
def test_which_names_read_as_one_actor(a, b, same):
    assert reads_as_one(a, b) is same and reads_as_one(b, a) is same


def test_a_place_within_a_body_s_name_is_another_actor(seeded_path):
    """Minsk is an alias of Belarus, a state: the Minsk Monitoring Group is not Belarus. A surname within a
    person's name is that person."""
    from facts.actors import similar_actors
    db = open_db(seeded_path)
    assert similar_actors(db, "Minsk Monitoring Group") == []
    assert similar_actors(db, "Secretary Stoltenberg") == ["Jens Stoltenberg"]


def test_a_name_like_a_stored_actor_is_refused_unless_distinct(seeded_path):
    before = snapshot(seeded_path)
    for name in ("Stoltenburg", "Secretary Stoltenberg"):  # a slip; a name holding a stored one
        result = run(seeded_path, "actors", "add", name, "--kind", "person")
        assert result.exit_code == 1
        assert result.stderr.strip() == (f"Error: '{name}' looks like Jens Stoltenberg: use that name, or add it "
                                         "with --distinct if it is a different actor")
    assert snapshot(seeded_path) == before
    result = run(seeded_path, "actors", "add", "Stoltenburg", "--kind", "person", "--distinct")
    assert result.exit_code == 0, result.output
    assert open_db(seeded_path).execute("SELECT kind FROM actors WHERE name = 'Stoltenburg'").fetchone() == ("person",)


def test_create_actors_does_not_create_a_near_duplicate(seeded_path):
    before = snapshot(seeded_path)
    result = run(seeded_path, "add", "--claim", "Stoltenberg says 30,000.", "--subject", "Russian troops in Belarus",
                 "--quantity", "30,000", "--date", "2022-02", "--actor", "Stoltenburg", "--source", "odr-2022-02-09",
                 "--confidence", "likely", "--create-actors", "--no-interactive")
    assert result.exit_code == 1 and "looks like Jens Stoltenberg" in result.stderr
    assert snapshot(seeded_path) == before


def test_suggest_finds_a_name_within_another(seeded_path):
    # Spelled so differently that only the words tell: all of one name's words are in the other.
    added = run(seeded_path, "actors", "add", "Secretary-General Jens Stoltenberg", "--kind", "person", "--distinct")
    assert added.exit_code == 0, added.output
    pairs = json.loads(run(seeded_path, "actors", "suggest", "--json").stdout)
    assert {"actor": "Jens Stoltenberg", "looks_like": "Secretary-General Jens Stoltenberg", "score": 90.0} in pairs


def test_an_actor_is_corrected_and_the_change_kept_with_who_and_when(seeded_path):
    result = run(seeded_path, "actors", "edit", "Porotnikov", "--name", "Andrei Porotnikov", "--kind", "other")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Corrected Andrey Porotnikov: name, kind (now Andrei Porotnikov)"
    db = open_db(seeded_path)
    (changed_by, old, new), = db.execute("SELECT changed_by, old, new FROM actor_history").fetchall()
    assert changed_by == "corrector"
    assert json.loads(old) == {"name": "Andrey Porotnikov", "kind": "person"}
    assert json.loads(new) == {"name": "Andrei Porotnikov", "kind": "other"}
    # The old spelling still resolves, and the facts follow the actor.
    listed = json.loads(run(seeded_path, "list", "--actor", "Andrey Porotnikov", "--json").stdout)
    assert listed and {f["claimant"] for f in listed} == {"Andrei Porotnikov"}


def test_a_correction_to_a_name_another_actor_has_is_refused(seeded_path):
    before = snapshot(seeded_path)
    result = run(seeded_path, "actors", "edit", "Porotnikov", "--name", "NATO")
    assert result.exit_code == 1 and result.stderr.strip() == "Error: 'NATO' already names NATO"
    result = run(seeded_path, "actors", "edit", "Porotnikov")
    assert result.exit_code == 1 and "give --name or --kind" in result.stderr
    assert snapshot(seeded_path) == before


def test_the_browser_creates_and_corrects_actors_through_the_collection(seeded_path):
    collection = Collection(seeded_path)
    with pytest.raises(SimilarActor) as refused:
        collection.add_actor("Stoltenburg", "person")
    assert refused.value.similar == ["Jens Stoltenberg"]
    new = collection.add_actor("Stoltenburg", "person", allow_similar=True)
    assert collection.edit_actor(new, "J. Stoltenberg", "person", "browser") == ["name"]
    assert {a["name"] for a in collection.actors()} >= {"J. Stoltenberg", "Jens Stoltenberg"}


def test_history_reads_in_names_and_words_and_a_revert_retracts_the_annotation_that_made_it(seeded_path):
    from facts.annotations import annotate
    from facts.query import get_fact
    from facts.showing import describe_change, describe_revert
    from facts.writing import edit_fact, fact_record, revert_change
    db = open_db(seeded_path)
    edit_fact(db, 5, {**fact_record(db, 5), "actor": "NATO"}, "editor")
    annotate(db, fact_id=5, kind="status", status="active", body="Agreed after all", author="editor")
    edit, status = get_fact(db, 5).history
    assert describe_change(edit) == "claimant Andrey Porotnikov → NATO"
    assert describe_change(status).startswith("status disputed → active; reason ")
    assert describe_revert(status).startswith("status active → disputed; reason Agreed after all → ")
    revert_change(db, status["id"], "reviewer")
    detail = get_fact(db, 5)
    # The fact, its annotations and its history agree: the status annotation is withdrawn.
    assert detail.fact["status"] == "disputed"
    made = [a for a in detail.annotations if a["kind"] == "status"][-1]
    withdrawn = [a for a in detail.annotations if a["kind"] == "retraction" and a["retracts"] == made["id"]]
    assert withdrawn and withdrawn[0]["author"] == "reviewer"
    with pytest.raises(FactsError, match="already retracted"):
        revert_change(db, status["id"], "reviewer")
