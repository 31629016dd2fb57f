"""Generated records: whatever the model accepts, the database accepts; whatever it refuses is never written."""

import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import copy_db

from facts.db import open_db
from facts.entry import FieldProblems, add_fact


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
    st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(1900, 2100), st.integers(1, 12), st.integers(0, 32)),
    st.builds(lambda a, b: f"2022-02-{a:02d}/2022-02-{b:02d}", st.integers(1, 29), st.integers(1, 29)),
)
confidences = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(["likely", "very likely", "nope", "70%", "150%"]))
texts = st.text(min_size=0, max_size=40)


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
