"""The columns in memory (facts/columns.py) answer as SQLite does: the same facts, in the same order, with
the same facet counts, for every kind of term, every sort and both directions."""

import time

import numpy as np
import pytest
from support import run

from facts.collection import Collection, Query
from facts.columns import SORT_KEYS, FactColumns, Held, needs
from facts.db import open_db
from facts.facets import facet_counts_many
from facts.query import SORT_COLUMNS, Filter, order_by
from facts.vocab import SORTS
from facts.where import parse_where

FACETS = ("claimant", "subject", "unit", "source", "status", "tag")
EVERYTHING = {"actor_id", "source_id", "subject", "unit", "status", "confidence", "value", "date_start",
              "date_end", "claimant", "source", "annotations", "tags"}

FILTERS = [
    "", "unit:troops", "unit:TROOPS", "-unit:troops", "NOT unit:km", "status:disputed OR status:active",
    "NOT troops", "troops", "tro", "belarus troops", '"allied resolve"', "conf>=likely", "conf=likely",
    "conf<0.5", "value>10000", "value<=5000 -status:active", "value=30000", "date:2021..2022",
    "date:2022-02", "date:..2020", "actor:nato", "claimant:nato OR source:odr-2022-02-09",
    "subject:troops", 'subject="Allied Resolve 2022 exercise period"', "tag:deployment",
    "tag:deployment tag:allied-resolve-2022", "NOT (tag:deployment OR tag:background)", "is:conflicted",
    "anchor:exact", "(unit:troops OR unit:km) conf>=0.5", "-(status:disputed conf>0.7) value>100",
    "subject:allied OR (troops -unit:troops)",
]


@pytest.fixture(scope="module")
def varied(seed_template, tmp_path_factory):
    """The seeds, and facts whose units differ only in case, re-rated ones and one with no figure."""
    from support import copy_db
    path = tmp_path_factory.mktemp("columns") / "facts.db"
    copy_db(seed_template, path)
    for i, (quantity, unit) in enumerate([("5,000 Troops", "Troops"), ("7", "KM"), ("about 12,000", "troops")]):
        result = run(path, "add", "--claim", f"Case claim {i}.", "--subject", f"Case subject {i}", "--quantity",
                     quantity, "--unit", unit, "--date", f"2021-0{i + 1}", "--actor", "NATO", "--source",
                     "odr-2022-02-09", "--confidence", "0.55")
        assert result.exit_code == 0, result.output
    assert run(path, "rate", "3", "remote", "--reason", "Checked again.").exit_code == 0
    return path


def held_for(path, names=EVERYTHING) -> Held:
    columns = FactColumns(lambda: open_db(path))
    deadline = time.monotonic() + 30
    while (held := columns.ready(names)) is None:
        assert time.monotonic() < deadline, "the columns were never read"
        time.sleep(0.01)
    return held


def sql_ids(db, flt: Filter, sort: str, descending: bool) -> list[int]:
    table = "facts_flat" if sort in ("claimant", "source", "annotations") else "facts"
    where, params = flt.where(db)
    return [r[0] for r in db.execute(f"SELECT id FROM {table} WHERE {where} ORDER BY {order_by(sort, descending)}",
                                     params)]


@pytest.mark.parametrize("text", FILTERS)
def test_a_filter_keeps_the_same_facts_in_the_same_order_by_every_sort(varied, text):
    db = open_db(varied)
    held = held_for(varied)
    flt = parse_where(text)
    mask = held.kept(db, flt)
    for sort in SORTS:
        for descending in (False, True):
            expected = sql_ids(db, flt, sort, descending)
            assert held.ordered(mask, sort, descending).tolist() == expected, (sort, descending)


@pytest.mark.parametrize("text", FILTERS)
def test_a_filter_has_the_same_facets(varied, text):
    db = open_db(varied)
    held = held_for(varied)
    flt = parse_where(text)
    from facts.facets import named
    counted = held.facets(held.kept(db, flt), FACETS, 5)
    assert {n: named(db, n, top) for n, top in counted.items()} == facet_counts_many(db, flt, FACETS, 5)


def test_the_fields_given_one_by_one_are_kept_as_sql_keeps_them(varied):
    db = open_db(varied)
    held = held_for(varied)
    flt = Filter(actors=["NATO"], units=["troops"], since="2021", min_confidence=0.5, search="troops",
                 expression=parse_where("-status:disputed").expression)
    assert held.ordered(held.kept(db, flt), "date", False).tolist() == sql_ids(db, flt, "date", False)


def test_every_sort_has_its_keys():
    assert set(SORT_KEYS) == set(SORT_COLUMNS)


def test_a_commit_elsewhere_drops_the_columns_until_read_again(varied, tmp_path):
    from support import copy_db
    path = tmp_path / "facts.db"
    copy_db(varied, path)
    columns = FactColumns(lambda: open_db(path))
    deadline = time.monotonic() + 30
    while (held := columns.ready({"unit"})) is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    before = len(held.ids)
    assert run(path, "add", "--claim", "New.", "--subject", "New subject", "--quantity", "9", "--date", "2022",
               "--actor", "NATO", "--source", "odr-2022-02-09", "--confidence", "0.5").exit_code == 0
    assert columns.ready({"unit"}) is None  # what it held is of the database before the fact
    while (held := columns.ready({"unit"})) is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert len(held.ids) == before + 1


def test_the_browser_s_result_and_facets_come_from_the_columns_once_they_are_read(varied):
    collection = Collection(varied)
    query = Query(filter=parse_where("unit:troops conf>=0.5"), sort="claimant", descending=True)
    db = open_db(varied)
    expected = sql_ids(db, query.filter, "claimant", True)
    first = collection.ordered_ids(query)  # from SQLite: nothing is held yet
    assert first.tolist() == expected
    deadline = time.monotonic() + 30
    while collection.columns.ready(needs(query.filter, query.sort, FACETS)) is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert collection.ordered_ids(query).tolist() == expected
    assert [r["id"] for r in collection.first_rows(query, 3)] == expected[:3]
    assert collection.facets(query, FACETS, 5) == facet_counts_many(db, query.filter, FACETS, 5)
    assert isinstance(collection.ordered_ids(query), np.ndarray)


def test_columns_that_cannot_be_read_leave_sqlite_to_answer_without_trying_again_and_again(varied, tmp_path, capfd):
    import threading

    from support import copy_db
    path = tmp_path / "facts.db"  # its own copy: no other connection's checkpoint counts as a change
    copy_db(varied, path)
    made = []

    def connect():
        db = open_db(path)
        made.append(db)
        if len(made) == 2:  # the reading connection: closed, so every read fails
            db.conn.close()
        return db
    tries = []

    class Counted(FactColumns):
        def _load(self, version, names):
            tries.append(names)
            time.sleep(0.05)  # a slow machine: the callers keep asking while the reading is under way
            super()._load(version, names)
    columns = Counted(connect)
    for _ in range(50):
        assert columns.ready({"unit"}) is None
        time.sleep(0.005)
    # One failed reading (two if opening the reading connection counted as a change), not one a call.
    assert len(tries) <= 2 and threading.active_count() < 5
    assert "Traceback" not in capfd.readouterr().err  # nothing written over the screen


def test_a_step_of_a_superseded_read_neither_runs_nor_stops_the_newer_one(varied):
    from facts.errors import Superseded
    collection = Collection(varied)
    older, newer = Query(filter=parse_where("unit:troops")), Query(filter=parse_where("unit:km"))
    collection.first_rows(older, 5)
    expected = collection.ordered_ids(newer).tolist()  # asked for another query: the older one is superseded
    with pytest.raises(Superseded):
        collection.ordered_ids(older)  # the older thread's next step
    assert collection.ordered_ids(newer).tolist() == expected


TERMS = ["unit:troops", "unit:KM", "status:disputed", "status:active", "troops", "belarus", "tro", '"allied resolve"',
         "conf>=likely", "conf<0.5", "value>10000", "value<=5000", "date:2021..2022", "date:2022-02",
         "actor:nato", "source:odr-2022-02-09", "subject:troops", "tag:deployment", "tag:background",
         "anchor:exact", "is:conflicted"]


def _expressions():
    from hypothesis import strategies as st
    term = st.sampled_from(TERMS)
    return st.recursive(term, lambda inner: st.one_of(
        st.builds(lambda a: f"-{a}" if not a.startswith("-") else f"NOT ({a})", inner),
        st.builds(lambda a, b: f"({a} OR {b})", inner, inner),
        st.builds(lambda a, b: f"{a} {b}", inner, inner)), max_leaves=6)


def test_random_filters_keep_what_sqlite_keeps(varied):
    """Terms nested in every way (NOT inside OR, OR inside NOT, words beside other terms): the columns'
    answer is SQLite's."""
    from hypothesis import HealthCheck, given, settings
    db = open_db(varied)
    held = held_for(varied)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_expressions())
    def check(text):
        flt = parse_where(text)
        assert held.ordered(held.kept(db, flt), "id", False).tolist() == sql_ids(db, flt, "id", False), text
    check()


@pytest.fixture(scope="module")
def gapped(varied, tmp_path_factory):
    """The same facts and one more whose id leaves a gap: rows are no longer ids less one."""
    import sqlite3

    from support import copy_db
    path = tmp_path_factory.mktemp("gapped") / "facts.db"
    copy_db(varied, path)
    columns = ("claim, subject, value, low, high, unit, qualifier, as_stated, date_start, date_end, date_precision, "
               "stated_on, actor_id, source_id, quote, quote_start, quote_end, quote_prefix, quote_suffix, "
               "confidence, credibility, status, status_reason")
    copied = columns.replace("claim,", "claim || ' Again.',", 1)
    with sqlite3.connect(path) as conn:
        conn.execute(f"INSERT INTO facts (id, {columns}) SELECT 1000, {copied} FROM facts WHERE id = 4")
    return path


@pytest.mark.parametrize("text", FILTERS)
def test_with_a_gap_in_the_ids_a_filter_keeps_what_sqlite_keeps(gapped, text):
    db = open_db(gapped)
    held = held_for(gapped)
    assert not held.dense
    flt = parse_where(text)
    for sort in ("id", "claimant", "date"):
        assert held.ordered(held.kept(db, flt), sort, False).tolist() == sql_ids(db, flt, sort, False), sort


def test_ids_from_one_up_are_read_as_rows(varied):
    assert held_for(varied).dense
