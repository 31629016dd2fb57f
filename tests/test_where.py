"""The filter language shared by `facts list --where` and the browser."""

import pytest

from facts.errors import WhereError
from facts.query import list_facts
from facts.where import has_term, parse_where, terms, toggle_term


@pytest.fixture
def db(seeded_db):
    return seeded_db


def ids(db, text):
    return [row["id"] for row in list_facts(db, parse_where(text))]


def test_terms_become_a_filter():
    from facts.query import AllOf, Term
    flt = parse_where('actor:nato subject:"troops in belarus" unit:troops date:2022-02..2022-03 conf>=0.6 '
                      'status:disputed tag:x value>10000 free words')
    assert isinstance(flt.expression, AllOf)
    meant = [(t.field, t.value) for t in flt.expression.parts if isinstance(t, Term)]
    assert meant == [("actors", "nato"), ("subjects", "troops in belarus"), ("units", "troops"),
                     ("dates", ("2022-02-01", "2022-03-31")), ("comparisons", (("confidence", ">=", 0.6),)),
                     ("statuses", "disputed"), ("tags", "x"), ("comparisons", (("value", ">", 10000),)),
                     ("words", ("free", False)), ("words", ("words", True))]  # the last word is being typed


def everything(db):
    return {r["id"]: r for r in list_facts(db)}


def test_or_is_either(db):
    rows = everything(db)
    either = ids(db, "status:disputed OR status:active")
    assert sorted(either) == sorted(i for i, r in rows.items() if r["status"] in ("disputed", "active"))
    assert len(either) > len(ids(db, "status:active")) > 0


def test_not_and_minus_leave_out(db):
    rows = everything(db)
    with_troops = set(ids(db, "troops"))
    assert 0 < len(with_troops) < len(rows)
    assert set(ids(db, "NOT troops")) == set(rows) - with_troops == set(ids(db, "-troops"))
    not_disputed = ids(db, "-status:disputed")
    assert sorted(not_disputed) == sorted(i for i, r in rows.items() if r["status"] != "disputed")


def test_leaving_out_keeps_facts_without_the_field(db):
    rows = everything(db)
    no_unit = {i for i, r in rows.items() if r["unit"] is None}
    assert no_unit and no_unit <= set(ids(db, "-unit:troops"))
    assert set(ids(db, "-unit:troops")) == {i for i, r in rows.items() if r["unit"] != "troops"}


def test_parentheses_group_and_or_binds_looser_than_and(db):
    rows = everything(db)
    grouped = ids(db, "(status:disputed OR status:active) unit:troops")
    assert sorted(grouped) == sorted(i for i, r in rows.items()
                                     if r["status"] in ("disputed", "active") and r["unit"] == "troops")
    loose = ids(db, "status:disputed OR status:active unit:troops")  # disputed, or (active and troops)
    assert sorted(loose) == sorted(i for i, r in rows.items() if r["status"] == "disputed"
                                   or (r["status"] == "active" and r["unit"] == "troops"))
    assert ids(db, "unit:troops AND status:active") == ids(db, "unit:troops status:active")
    assert sorted(ids(db, "NOT (status:disputed OR unit:troops)")) == sorted(
        i for i, r in rows.items() if r["status"] != "disputed" and r["unit"] != "troops")


def test_a_quoted_phrase_is_those_words_in_that_order(db):
    phrase = ids(db, '"russian troops"')
    apart = ids(db, "troops russian")
    assert 0 < len(phrase) < len(apart)
    assert all("russian troops" in " ".join((r["claim"], r["subject"], r["quote"] or "")).lower()
               for r in list_facts(db, parse_where('"russian troops"')))


def test_the_word_being_typed_is_a_start_the_others_whole(db):
    assert ids(db, "porotnik") == ids(db, "porotnikov") != []  # still typing
    assert ids(db, "porotnik -zzzz") == []  # a word that is finished is whole


def test_field_values_ignore_case_where_the_column_does(db):
    assert ids(db, "unit:Troops") == ids(db, "unit:troops") != []
    assert ids(db, "tag:X") == ids(db, "tag:x")
    assert ids(db, "status:DISPUTED") == ids(db, "status:disputed") != []


@pytest.mark.parametrize("text, words, position", [
    ("status:disputed OR", "OR needs a term on each side", 16),
    ("OR status:active", "OR needs a term on each side", 0),
    ("a AND OR b", "AND needs a term on each side", 2),
    ("(status:disputed", "parenthesis is not closed", 0),
    ("status:disputed)", "closes that was not opened", 15),
    ("()", "holds nothing", 0),
    ("tag:x NOT", "NOT needs a term after it", 6),
    ("- tag:x", "right before", 0),
    ("(tag:x OR actr:nato)", "unknown field 'actr'", 10),
])
def test_malformed_structure_says_what_and_where(text, words, position):
    with pytest.raises(WhereError) as info:
        parse_where(text)
    assert words in info.value.message and info.value.position == position


def test_competing_troop_estimates(db):
    rows = list(list_facts(db, parse_where('subject:"russian troops in belarus" unit:troops value>=10000')))
    assert {r["claimant"] for r in rows} >= {"NATO", "Jens Stoltenberg", "Andrey Porotnikov", "The National Interest"}
    assert all(r["value"] >= 10000 and r["unit"] == "troops" for r in rows)


def test_actor_through_alias_and_words(db):
    lukashenko = ids(db, "actor:lukashenka")
    assert lukashenko and lukashenko == ids(db, 'claimant:"Alexander Lukashenko"')
    found = list(list_facts(db, parse_where("porotnikov")))
    assert [r["claimant"] for r in found] == ["Andrey Porotnikov"]


def test_date_overlap_and_confidence_word(db):
    rows = list(list_facts(db, parse_where("date:2020 conf>=likely")))
    assert rows and all(r["date_start"] <= "2020-12-31" and r["date_end"] >= "2020-01-01" for r in rows)
    assert all(r["confidence"] >= 0.675 for r in rows)


@pytest.mark.parametrize("text, words, position", [
    ("actr:nato", "unknown field 'actr'", 0),
    ("unit:troops conf>=banana", "neither a number", 12),
    ('subject:"open', "not closed", 8),
    ("status:lost", "unknown status", 7),
    ("date:2022-13", "no month 13", 0),
    ("value>", "needs a value", 0),
    ("tag:", "needs a value", 0),
])
def test_malformed_filters_say_what_and_where(text, words, position):
    with pytest.raises(WhereError) as info:
        parse_where(text)
    assert words in info.value.message and info.value.position == position


def test_hostile_text_stays_a_parameter(db):
    before = db.execute("SELECT count(*) FROM facts").fetchone()[0]
    assert ids(db, "subject:\"'; DROP TABLE facts; --\"") == []
    assert ids(db, 'NEAR "x" ^ * : col') == []  # FTS syntax is searched for as words
    with pytest.raises(WhereError):
        ids(db, 'NEAR( "x" OR')
    assert db.execute("SELECT count(*) FROM facts").fetchone()[0] == before


@pytest.mark.parametrize("text, inside, outside", [
    ("conf>=likely", [0.55, 0.6, 0.9], [0.54]),
    ("conf=likely", [0.55, 0.79], [0.8, 0.5]),
    ("conf>likely", [0.8, 0.97], [0.79]),
    ("conf<likely", [0.54], [0.55]),
    ("conf<=likely", [0.79], [0.8]),
    ('conf="almost certain"', [0.95, 1.0], [0.94]),
    ("conf>=0.6", [0.6], [0.59]),
])
def test_confidence_words_stand_for_their_band(text, inside, outside):
    flt = parse_where(text)
    assert flt.expression.field == "comparisons"
    conditions = [(op, n) for col, op, n in flt.expression.value if col == "confidence"]
    ops = {">=": float.__ge__, ">": float.__gt__, "<": float.__lt__, "<=": float.__le__, "=": float.__eq__}
    for value in inside:
        assert all(ops[op](value, n) for op, n in conditions), (text, value)
    for value in outside:
        assert not all(ops[op](value, n) for op, n in conditions), (text, value)


def test_exact_subject(db):
    contains = list(list_facts(db, parse_where('subject:"russian troops in belarus"')))
    exact = list(list_facts(db, parse_where('subject="Russian troops in Belarus"')))
    assert {r["subject"] for r in exact} == {"Russian troops in Belarus"}
    assert len(contains) > len(exact) > 0


def test_toggle_term_keeps_alternatives_together():
    assert toggle_term("status:disputed OR status:active", "unit:troops") == \
        "(status:disputed OR status:active) unit:troops"
    # A term inside an alternative or a negation is not the filter's own: the facet's term is added.
    assert not has_term("tag:x OR tag:y", "tag:x") and not has_term("-tag:x", "tag:x")
    assert toggle_term("-tag:x", "tag:x") == "-tag:x tag:x"
    assert toggle_term("(a OR b) tag:x", "tag:x") == "(a OR b)"
    assert toggle_term("(a OR b", "tag:x") == "(a OR b"  # not readable: left as typed


def test_terms_with_their_spans():
    text = 'actor:nato  subject:"troops in belarus" free'
    found = list(terms(text))
    assert [t.text for t in found] == ["actor:nato", 'subject:"troops in belarus"', "free"]
    assert all(text[t.start:t.end] == t.text for t in found)


@pytest.mark.parametrize("text, term, toggled", [
    # Tags that share a prefix are different terms.
    ("tag:troops-2022", "tag:troops", "tag:troops-2022 tag:troops"),
    ("tag:troops-2022 tag:troops", "tag:troops", "tag:troops-2022"),
    ("tag:troops tag:troops-2022", "tag:troops", "tag:troops-2022"),
    # Quoted values with spaces; the field name in any case; quotes or not.
    ('actor:"Jens Stoltenberg" unit:troops', 'actor:"Jens Stoltenberg"', "unit:troops"),
    ('Tag:"a b"', 'tag:"a b"', ""),
    ('actor:"Jens"', "actor:Jens", ""),
    ("claimant:nato", "actor:nato", ""),
    # Exact subjects, quoted or not; subject: (contains) is another term.
    ('subject=X unit:troops', 'subject="X"', "unit:troops"),
    ('subject:"Russian troops"', 'subject="Russian troops"', 'subject:"Russian troops" subject="Russian troops"'),
    # In the middle of other text, which stays as typed.
    ("conf>=likely  tag:x   value>10000 words", "tag:x", "conf>=likely   value>10000 words"),
    ("", "tag:x", "tag:x"),
    ("unit:troops  ", "tag:x", "unit:troops tag:x"),
])
def test_toggle_term(text, term, toggled):
    assert toggle_term(text, term) == toggled
    assert has_term(text, term) == (toggled != f"{text.rstrip()} {term}".strip())


def test_toggle_term_beside_a_malformed_term():
    # Another term that means nothing (an unknown field, a bad value) does not stop toggling:
    # the filter is split into terms before they are read, and the bad one stays as typed.
    assert toggle_term("wibble:3 tag:x conf>=banana", "tag:x") == "wibble:3 conf>=banana"
    assert toggle_term("wibble:3", "tag:x") == "wibble:3 tag:x"
    assert has_term("wibble:3 tag:x", "tag:x")
    # A quote that is not closed leaves no terms to read: the text is left as it is.
    assert toggle_term('tag:x subject:"open', "tag:x") == 'tag:x subject:"open'
    assert not has_term('tag:x subject:"open', "tag:x")


def test_has_term_is_not_a_substring():
    assert not has_term("tag:troops-2022", "tag:troops")
    assert not has_term('subject="Russian troops in Belarus"', "subject=Russian")
    assert has_term('subject="Russian troops in Belarus"', 'subject="Russian troops in Belarus"')
