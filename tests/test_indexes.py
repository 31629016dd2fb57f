"""The queries the browser runs are served by indexes (EXPLAIN QUERY PLAN), not full scans and sorts."""

import pytest

from facts.query import order_by
from facts.where import parse_where


def plan(db, sql, params=()) -> str:
    return " / ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, list(params)))


@pytest.mark.parametrize("sort, index", [("id", None), ("date", "facts_date"), ("subject", "facts_subject"),
                                         ("value", "facts_value"), ("confidence", "facts_confidence"),
                                         ("status", "facts_status")])
@pytest.mark.parametrize("descending", [False, True])
def test_sorts_read_an_index_in_order(seeded_db, sort, index, descending):
    text = plan(seeded_db, f"SELECT id FROM facts_flat ORDER BY {order_by(sort, descending)} LIMIT 200")
    assert "TEMP B-TREE" not in text, text
    if index:
        assert f"USING INDEX {index}" in text, text


@pytest.mark.parametrize("where, index", [
    ('subject="Russian troops in Belarus"', "facts_subject (subject=?)"),
    ("unit:troops", "facts_unit (unit=?)"),
    ("status:disputed", "facts_status (status=?)"),
    ("actor:nato", "facts_actor (actor_id=?)"),
    ("source:odr-2022-02-09", "facts_natural_key (source_id=?)"),
    ("tag:troop-estimate", "fact_tags_tag (tag=?)"),
    ("porotnikov", "facts_fts VIRTUAL TABLE INDEX"),
])
def test_filter_terms_search_an_index(seeded_db, where, index):
    clause, params = parse_where(where).where(seeded_db)
    text = plan(seeded_db, f"SELECT id FROM facts_flat WHERE {clause} ORDER BY id", params)
    assert index in text, text
    assert "SCAN f" not in text or "facts_fts" in index, text
