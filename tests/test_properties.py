"""Generated records: whatever the model accepts, the database accepts; whatever it refuses is never written."""

import copy
import json
import sqlite3
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import copy_db, snapshot

from facts.db import open_db
from facts.errors import FieldProblems, RecordErrors
from facts.fact_files import read_files
from facts.importer import import_records
from facts.writing import add_fact

numbers = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True, width=32))
quantities = st.one_of(
    st.none(), numbers,
    st.builds(lambda q, n: f"{q} {n:,}", st.sampled_from(["about", "as many as", "at least", "up to", "", "roughly"]),
              st.integers(0, 10**7)),
    st.builds(lambda a, b: f"{a:,}-{b:,}", st.integers(0, 10**5), st.integers(0, 10**5)),
    st.fixed_dictionaries({"value": st.one_of(st.none(), numbers), "low": st.one_of(st.none(), numbers),
                           "high": st.one_of(st.none(), numbers),
                           "qualifier": st.sampled_from(["exact", "approx", "at_least", "at_most", "range", "other"])}),
)
dates = st.one_of(
    st.integers(0, 3000),
    st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(1, 2100), st.integers(0, 13)),
    st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
              st.integers(1900, 2100), st.integers(1, 12), st.integers(0, 32)),
    st.builds(lambda a, b: f"2022-02-{a:02d}/2022-02-{b:02d}", st.integers(1, 29), st.integers(1, 29)),
)
confidences = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                        st.sampled_from(["likely", "very likely", "nope", "70%", "150%"]))
texts = st.text(min_size=0, max_size=40)


GOOD = {"claim": "Claim", "subject": "Russian troops in Belarus", "quantity": "about 30,000", "unit": "troops",
        "date": "2022-02", "actor": "NATO officials", "about": ["Russia"], "source": "blp-joint-exercises",
        "quote": "NATO officials claim Russia has roughly 30,000 troops stationed in Belarus",
        "confidence": "likely", "tags": ["generated"]}
# One defect each: a record the import must refuse, naming it.
DEFECTS = {
    "impossible date": {"date": "2022-02-30"},
    "low above high": {"quantity": {"low": 50, "high": 10, "qualifier": "range"}},
    "unknown field": {"claimed_by": "NATO"},
    "unknown actor": {"actor": "Stoltenbreg"},
    "unknown source": {"source": "no-such-article"},
    "quote not in the source": {"quote": "Russia has 300,000 troops in Belarus"},
    "confidence out of range": {"confidence": 1.5},
    "control character": {"claim": "Claim\x1b[2J"},
    "empty subject": {"subject": "   "},
    "a list for a text": {"claim": ["Claim"]},
}


def write_collection(path: Path, fmt: str, facts: list[dict]) -> Path:
    file = path / f"facts.{fmt}"
    if fmt == "jsonl":
        file.write_text("".join(json.dumps(f) + "\n" for f in facts), encoding="utf-8")
    elif fmt == "json":
        file.write_text(json.dumps({"facts": facts}, indent=1), encoding="utf-8")
    else:
        file.write_text(yaml.safe_dump({"facts": facts}, allow_unicode=True), encoding="utf-8")
    return file


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(["jsonl", "json", "yaml"]),
       plan=st.lists(st.one_of(st.none(), st.sampled_from(sorted(DEFECTS))), min_size=1, max_size=8),
       claims=st.lists(st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"]),
                               min_size=1, max_size=30), min_size=8, max_size=8))
def test_a_whole_import_lands_or_leaves_the_database_as_it_was(seed_template, tmp_path_factory, fmt, plan, claims):
    """A file of good records and records with one defect each: all of it lands, or not one byte changes."""
    folder = tmp_path_factory.mktemp("imp")
    path = folder / "facts.db"
    copy_db(seed_template, path)
    facts = []
    for i, defect in enumerate(plan):
        # fresh copies: YAML would write a list shared by two records as an alias, which import refuses
        fact = copy.deepcopy({**GOOD, "claim": f"{claims[i].strip() or 'Claim'} #{i}"})
        facts.append({**fact, **copy.deepcopy(DEFECTS[defect])} if defect else fact)
    file = write_collection(folder, fmt, facts)
    before = snapshot(path)
    db = open_db(path)
    try:
        result = import_records(db, read_files([file]), "tester")
    except RecordErrors as e:
        db.conn.close()
        assert any(plan), "a file of good records was refused: " + "; ".join(e.problems)
        assert snapshot(path) == before
        named = {p.split(": ", 1)[0] for p in e.problems}
        assert len(named) == sum(1 for d in plan if d), e.problems  # each bad record named once, by its place
        return
    db.conn.close()
    assert not any(plan), f"imported despite {plan}"
    assert result.facts_added == len(plan)
    conn = sqlite3.connect(path)
    stored = [c for (c,) in conn.execute("SELECT claim FROM facts WHERE id > 58 ORDER BY id")]
    assert stored == [f["claim"].strip() for f in facts]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(claim=texts, subject=texts, quantity=quantities, date=dates, confidence=confidences,
       credibility=st.one_of(st.none(), st.integers(-1, 8)))
def test_model_and_database_agree(seed_template, tmp_path_factory, claim, subject, quantity, date, confidence,
                                  credibility):
    path = tmp_path_factory.mktemp("p") / "facts.db"
    copy_db(seed_template, path)
    db = open_db(path)
    before = db.execute("SELECT count(*) FROM facts").fetchone()[0]
    data = {"claim": claim, "subject": subject, "date": date, "actor": "NATO", "source": "odr-2022-02-09",
            "confidence": confidence}
    if quantity is not None:
        data["quantity"] = quantity
    if credibility is not None:
        data["credibility"] = credibility
    try:
        fact_id, created = add_fact(db, data, "tester")
    except FieldProblems as e:
        # Refused at the door, never by the database, and nothing written.
        assert all("refused by the database" not in reason for _, reason in e.problems), e.problems
        assert db.execute("SELECT count(*) FROM facts").fetchone()[0] == before
        return
    assert created
    assert db.execute("SELECT count(*) FROM facts").fetchone()[0] == before + 1
    # What the model accepted reads back the same through plain sqlite3.
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT claim FROM facts WHERE id = ?", [fact_id]).fetchone()[0] == claim.strip()
