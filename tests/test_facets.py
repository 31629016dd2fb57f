"""Facet counts, the side-by-side comparison of one subject, and change detection."""

import pytest

from facts.db import open_db
from facts.facets import data_version, facet_counts
from facts.query import list_facts, listed
from facts.where import parse_where


@pytest.fixture
def db(seeded_db):
    return seeded_db


@pytest.mark.parametrize("facet, key", [("claimant", "claimant"), ("unit", "unit"), ("status", "status"),
                                        ("source", "source"), ("subject", "subject")])
def test_facet_counts_match_the_filtered_rows(db, facet, key):
    flt = parse_where("date:2022")
    rows = list(list_facts(db, flt))
    expected: dict = {}
    for row in rows:
        expected[row[key]] = expected.get(row[key], 0) + 1
    counts = {f.value: f.count for f in facet_counts(db, flt, facet, limit=1000)}
    assert counts == expected
    ordered = [f.count for f in facet_counts(db, flt, facet, limit=1000)]
    assert ordered == sorted(ordered, reverse=True)


def test_tag_facet(db):
    flt = parse_where('subject:"Russian troops in Belarus"')
    rows = list(list_facts(db, flt))
    expected: dict = {}
    for row in rows:
        for tag in listed(row["tags"]):
            expected[tag] = expected.get(tag, 0) + 1
    assert {f.value: f.count for f in facet_counts(db, flt, "tag", limit=1000)} == expected


def test_unknown_facet_is_refused(db):
    with pytest.raises(ValueError, match="no facet"):
        facet_counts(db, None, "colour")


def test_data_version_moves_when_another_connection_writes(db, tmp_path):
    path = tmp_path / "live.db"
    reader = open_db(path, create=True)
    before = data_version(reader)
    writer = open_db(path)
    writer.execute("INSERT INTO actors (name) VALUES ('Someone New')")
    assert data_version(reader) != before


@pytest.mark.parametrize("where", ["", "date:2022", "unit:troops", "status:disputed russia", "conf>=likely"])
def test_facets_counted_together_agree_with_one_by_one(db, where):
    from facts.facets import facet_counts_many
    flt = parse_where(where)
    names = ("claimant", "subject", "unit", "source", "status", "tag")
    together = facet_counts_many(db, flt, names, limit=5)
    for name in names:
        assert together[name] == facet_counts(db, flt, name, limit=5), name
