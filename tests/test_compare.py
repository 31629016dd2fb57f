"""Judging competing claims: origins (repeats, speaks-for), periods, unit synonyms and the combined estimate,
through the library, the command line and imports."""

import json
import sqlite3

import pytest
from support import assert_clean_failure, run, snapshot, write

from facts.comparison import compare
from facts.db import open_db, transaction
from facts.errors import FactsError, FieldProblems
from facts.provenance import declare_units, link_repeats, link_speaker
from facts.writing import add_fact

SUBJECT = "Russian troops in Belarus"


def period_of(comparison, start: str):
    return next(p for p in comparison.periods if p.start == start)


def test_the_seed_comparison_counts_natos_30000_once_against_porotnikovs_10000_and_a_bound(seeded_db):
    c = compare(seeded_db, SUBJECT)
    assert c.unit == "troops"
    # The 1992-2021 span and the 2020 figure are periods of their own, never set against February 2022.
    assert [(p.start, p.end) for p in c.periods] == [
        ("1992-01-01", "2021-12-31"), ("2020-09-01", "2020-09-30"), ("2022-02-01", "2022-02-28")]
    assert [[f for o in p.origins for f in o.facts] for p in c.periods[:2]] == [[6], [7]]
    feb = c.periods[2]
    origins = {o.origin: o for o in feb.origins}
    assert set(origins) == {"NATO", "Belarus Security Blog", "The National Interest"}
    nato = origins["NATO"]
    assert (nato.facts, nato.reports, nato.value, nato.qualifier) == ([1, 2, 4], 3, 30000, "exact")
    assert nato.claimants == ["Jens Stoltenberg", "NATO"]  # voiced by its Secretary General in two outlets
    assert origins["Belarus Security Blog"].facts == [5] and origins["Belarus Security Blog"].central == 10000
    bound = origins["The National Interest"]
    assert (bound.qualifier, bound.upper, bound.central) == ("at_most", 30000, None)
    e = feb.estimate
    assert (e.low, e.best, e.high) == (10000, 20000, 30000)
    assert "the median of 2 origins' values" in e.rule and "counted as a bound, not a value" in e.rule
    assert dict(e.contributions)["The National Interest"] == "upper bound 30,000 only"


def test_the_json_has_the_documented_keys(seeded_path):
    result = run(seeded_path, "compare", SUBJECT, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"subject", "unit", "periods"} <= set(data)
    feb = data["periods"][-1]
    assert {"start", "end", "origins", "estimate"} <= set(feb)
    assert {"origin", "facts", "reports", "value", "low", "high", "qualifier"} <= set(feb["origins"][0])
    assert {"low", "best", "high", "rule"} <= set(feb["estimate"])
    assert [o["origin"] for o in feb["origins"] if o["reports"] == 3] == ["NATO"]


def test_the_command_says_what_it_compares_and_how(seeded_path):
    shown = run(seeded_path, "compare", SUBJECT).stdout
    assert "3 periods: claims are compared only within one" in shown
    assert "NATO (Jens Stoltenberg)" in shown and "3 sources" in shown
    assert "Estimate: 20,000 (10,000–30,000)" in shown
    assert "≤30,000 (a bound)" in shown
    assert "×" not in shown.split("Rule")[0]  # no ratio across periods


def test_an_unknown_subject_is_one_line_with_the_nearest(seeded_path):
    result = run(seeded_path, "compare", "Russian troops in Belarusia")
    assert_clean_failure(result)
    assert result.stderr.startswith("Error: no claims on 'Russian troops in Belarusia' "
                                    "(did you mean 'Russian troops in Belarus'")
    assert len(result.stderr.strip().splitlines()) == 1


def _fact(db, claim, value, actor, source="odr-2022-02-09", date="2022-02", subject="Test subject", **more):
    record = {"claim": claim, "subject": subject, "quantity": value, "unit": more.pop("unit", "troops"),
              "date": date, "actor": actor, "source": source, "confidence": 0.6, **more}
    fact_id, _ = add_fact(db, record, "tester", create_actors=True)
    return fact_id


@pytest.fixture
def db(seeded_path):
    return open_db(seeded_path)


def test_a_chain_of_repeats_is_one_origin_whoever_relays_it(db):
    first = _fact(db, "The ministry says 5,000", "5000", "Belarusian Ministry of Defence")
    relay = _fact(db, "An outlet says 5,000", "5000", "The Insider", source="blp-joint-exercises")
    relay_of_relay = _fact(db, "Another says 5,000", "5000", "Flagstok", source="capital-allied-resolve")
    with transaction(db):
        link_repeats(db, relay, first, "tester", "2026-01-01T00:00:00.000Z")
        link_repeats(db, relay_of_relay, relay, "tester", "2026-01-01T00:00:00.000Z")
    (period,) = compare(db, "Test subject").periods
    (origin,) = period.origins
    assert (origin.origin, origin.facts, origin.reports) == ("Belarusian Ministry of Defence",
                                                             [first, relay, relay_of_relay], 3)


def test_a_cycle_of_repeats_is_refused_in_one_line_and_writes_nothing(db, seeded_path):
    a = _fact(db, "A says 5,000", "5000", "The Insider")
    b = _fact(db, "B says 5,000", "5000", "Flagstok", source="blp-joint-exercises")
    with transaction(db):
        link_repeats(db, b, a, "tester", "2026-01-01T00:00:00.000Z")
    before = snapshot(seeded_path)
    result = run(seeded_path, "link", str(a), "--repeats", str(b))
    assert_clean_failure(result)
    assert result.stderr.strip() == (f"Error: repeats: fact #{b} already comes from fact #{a} (#{b} → #{a}): "
                                     "a fact cannot repeat what repeats it")
    assert snapshot(seeded_path) == before
    # The database refuses it too, whatever writes it.
    with pytest.raises(sqlite3.IntegrityError, match="cannot repeat what repeats it"):
        db.execute("INSERT INTO fact_repeats (fact_id, repeats) VALUES (?, ?)", [a, b])
    with pytest.raises(FieldProblems, match="cannot repeat itself"):
        link_repeats(db, a, a, "tester", "now")


def test_link_and_unlink_are_kept_in_the_history(seeded_path):
    result = run(seeded_path, "link", "3", "--repeats", "4", env={"FACTS_AUTHOR": "desk"})
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Fact #3 repeats fact #4; its origin: fact #4 (NATO)"
    again = run(seeded_path, "link", "3", "--repeats", "5")
    assert_clean_failure(again)
    assert "fact #3 already repeats fact #4" in again.stderr
    assert run(seeded_path, "link", "3", "--repeats", "none").exit_code == 0
    rows = sqlite3.connect(seeded_path).execute(
        "SELECT changed_by, old, new FROM link_history WHERE kind = 'repeats' AND subject_id = 3 ORDER BY id"
    ).fetchall()
    assert [(who, json.loads(old) if old else None, json.loads(new) if new else None) for who, old, new in rows] == [
        ("desk", None, {"repeats": 4}), ("import-tester", {"repeats": 4}, None)]


def test_speaks_for_holds_between_its_dates(db):
    later = _fact(db, "Stoltenberg, no longer in office, says 40,000", "40000", "Jens Stoltenberg",
                  stated_on="2025-03", date="2022-02", subject=SUBJECT)
    c = compare(db, SUBJECT)
    feb = period_of(c, "2022-02-01")
    by_fact = {f: o.origin for o in feb.origins for f in o.facts}
    assert by_fact[later] == "Jens Stoltenberg"  # said after 2024-09-30: his own voice, not NATO's
    assert by_fact[2] == by_fact[4] == "NATO"


def test_speaks_for_is_linked_by_command_with_dates_and_refused_when_unknown(seeded_path):
    done = run(seeded_path, "actors", "link", "Reznikov", "--speaks-for", "Ukraine", "--from", "2021-11",
               "--to", "2023-09")
    assert done.exit_code == 0, done.output
    listed = json.loads(run(seeded_path, "actors", "links", "--json").stdout)
    assert {"actor": "Oleksiy Reznikov", "organization": "Ukraine", "date_start": "2021-11-01",
            "date_end": "2023-09-30"}.items() <= next(r for r in listed if r["actor"] == "Oleksiy Reznikov").items()
    before = snapshot(seeded_path)
    bad = run(seeded_path, "actors", "link", "Reznikov", "--speaks-for", "Ukrainian Defence Ministryy")
    assert_clean_failure(bad)
    assert bad.stderr.startswith("Error: unknown actor 'Ukrainian Defence Ministryy'")
    wrong_dates = run(seeded_path, "actors", "link", "Reznikov", "--speaks-for", "NATO", "--from", "2023",
                      "--to", "2021")
    assert_clean_failure(wrong_dates)
    assert snapshot(seeded_path) == before


def test_unit_synonyms_merge_and_other_units_and_unnumbered_claims_are_listed_apart(db):
    soldiers = _fact(db, "A blog counts 12,000 soldiers", "12000", "The Insider", unit="soldiers", subject=SUBJECT)
    _fact(db, "Trains: 40", "40", "Flagstok", unit="trains", subject=SUBJECT)
    no_figure, _ = add_fact(db, {"claim": "Many troops came", "subject": SUBJECT, "date": "2022-02",
                                 "actor": "Flagstok", "source": "blp-joint-exercises", "confidence": 0.5}, "tester")
    before = compare(db, SUBJECT)
    assert soldiers not in [f for p in before.periods for o in p.origins for f in o.facts]
    assert before.other_units == {"soldiers": 1, "trains": 1}
    assert no_figure in [x.id for x in before.unnumbered]
    with transaction(db):
        assert declare_units(db, "troops", ["soldiers", "military personnel"], "tester", "now") == [
            "soldiers", "military personnel"]
    after = compare(db, SUBJECT)
    assert after.merged_units == ["soldiers"] and after.other_units == {"trains": 1}
    assert soldiers in [f for o in period_of(after, "2022-02-01").origins for f in o.facts]
    trains = compare(db, SUBJECT, unit="Trains")
    assert [f for p in trains.periods for o in p.origins for f in o.facts] != []
    with pytest.raises(FactsError, match="no claims on 'Russian troops in Belarus' in km"):
        compare(db, SUBJECT, unit="km")


def test_a_unit_chain_is_refused(db):
    with transaction(db):
        declare_units(db, "troops", ["soldiers"], "tester", "now")
    with pytest.raises(FieldProblems, match="'soldiers' is already read as 'troops'"):
        declare_units(db, "soldiers", ["men"], "tester", "now")


def test_one_sided_bounds_count_as_bounds_and_an_all_bound_period_has_no_best(db):
    _fact(db, "At least 4,000", "at least 4000", "The Insider", subject="Bounded")
    _fact(db, "Up to 9,000", "up to 9000", "Flagstok", subject="Bounded", source="blp-joint-exercises")
    (period,) = compare(db, "Bounded").periods
    assert (period.estimate.low, period.estimate.best, period.estimate.high) == (4000, None, 9000)
    assert "2 one-sided claims counted as a bound, not a value" in period.estimate.rule


def test_periods_join_overlapping_dates_of_a_like_span_only(db):
    day = _fact(db, "On 15 Feb: 100", "100", "The Insider", subject="Spans", date="2022-02-15")
    month = _fact(db, "In Feb: 200", "200", "Flagstok", subject="Spans", date="2022-02")
    year = _fact(db, "In 2022: 300", "300", "Capital", subject="Spans", date="2022")
    long = _fact(db, "1950-2021: 400", "400", "Radio Free Europe", subject="Spans", date="1950/2021")
    periods = [[f for o in p.origins for f in o.facts] for p in compare(db, "Spans").periods]
    # a day and a month, a month and a year join (so the day too, through the month); 72 years do not
    assert sorted(map(sorted, periods)) == sorted([[long], sorted([day, month, year])])


def test_the_weighted_median_follows_confidence_and_reliability(db):
    _fact(db, "High: 30,000", "30000", "The Insider", subject="Weighted", source="odr-2022-02-09")  # B 0.6
    _fact(db, "Low: 10,000", "10000", "Flagstok", subject="Weighted", source="troops-belarus-2020-09-28")  # F
    _fact(db, "Mid: 12,000", "12000", "Capital", subject="Weighted", source="blp-joint-exercises")  # D
    plain = compare(db, "Weighted").periods[0].estimate
    weighted = compare(db, "Weighted", weighted=True).periods[0].estimate
    assert plain.best == 12000
    # weights 0.48 (B), 0.30 (F), 0.24 (D): 30,000 holds almost half, so the weighted median is 12,000 only
    # when the lower two outweigh it; here 0.30 + 0.24 > 0.48, so it stays 12,000, and with B twice it moves
    assert weighted.best == 12000 and "weighted by confidence × source reliability" in weighted.rule
    _fact(db, "High again: 30,000", "30000", "Radio Free Europe", subject="Weighted", source="odr-2022-02-09")
    assert compare(db, "Weighted", weighted=True).periods[0].estimate.best == 30000


def test_facts_add_suggests_the_fact_it_may_repeat_and_never_links_it(seeded_path):
    result = run(seeded_path, "add", "--claim", "Stoltenberg: 30,000 troops", "--subject", SUBJECT,
                 "--quantity", "30000",
                 "--unit", "troops", "--date", "2022-02", "--actor", "Stoltenberg", "--source", "blp-joint-exercises",
                 "--confidence", "likely", "--no-interactive")
    assert result.exit_code == 0, result.output
    new_id = int(result.stdout.split("#")[1])
    assert f"Note: fact #4 (Jens Stoltenberg, odr-2022-02-09) has the same subject, value and claimant; if this " \
           f"fact relays it: facts link {new_id} --repeats 4" in result.stderr
    assert "fact #1 (NATO, blp-joint-exercises)" in result.stderr  # the organisation he speaks for
    assert sqlite3.connect(seeded_path).execute("SELECT count(*) FROM fact_repeats WHERE fact_id = ?",
                                                [new_id]).fetchone()[0] == 0
    linked = run(seeded_path, "add", "--claim", "Relayed: 30,000 troops", "--subject", SUBJECT, "--quantity", "30000",
                 "--unit", "troops", "--date", "2022-02", "--actor", "Stoltenberg", "--source",
                 "ni-exercises-indefinite", "--confidence", "likely", "--repeats", "4", "--no-interactive")
    assert linked.exit_code == 0 and "Note:" not in linked.stderr
    assert sqlite3.connect(seeded_path).execute("SELECT repeats FROM fact_repeats WHERE fact_id = ?",
                                                [new_id + 1]).fetchone() == (4,)


def test_an_import_links_repeats_forward_and_speakers_and_names_a_bad_pointer(seeded_path, tmp_path):
    good = write(tmp_path, "good.yaml", """\
actors:
  - name: Desk Spokesman
    speaks_for: [{actor: Desk Agency, from: 2020}]
  - name: Desk Agency
    kind: organization
facts:
  - claim: A relay of the spokesman
    subject: Desk subject
    quantity: "7000"
    date: "2022-03"
    actor: The Insider
    source: blp-joint-exercises
    confidence: 0.5
    repeats: {source: capital-allied-resolve, quote: "Russian leader. Council"}
  - claim: The spokesman's own words
    subject: Desk subject
    quantity: "7000"
    date: "2022-03"
    actor: Desk Spokesman
    source: capital-allied-resolve
    quote: "Russian leader. Council on Foreign Affairs"
    confidence: 0.5
""")
    result = run(seeded_path, "import", str(good), "--create-actors")
    assert result.exit_code == 0, result.output
    db = open_db(seeded_path)
    (period,) = compare(db, "Desk subject").periods
    assert [(o.origin, o.reports) for o in period.origins] == [("Desk Agency", 2)]
    history = db.execute("SELECT count(*) FROM link_history").fetchone()[0]
    assert run(seeded_path, "import", str(good), "--create-actors").exit_code == 0  # again: nothing new
    assert db.execute("SELECT count(*) FROM link_history").fetchone()[0] == history
    bad = write(tmp_path, "bad.yaml", """\
facts:
  - claim: Relays nothing that exists
    subject: Desk subject
    quantity: "8000"
    date: "2022-03"
    actor: The Insider
    source: blp-joint-exercises
    confidence: 0.5
    repeats: {source: blp-joint-exercises, quote: "words nobody quoted"}
""")
    before = snapshot(seeded_path)
    refused = run(seeded_path, "import", str(bad))
    assert_clean_failure(refused)
    assert f"{bad}:2: repeats: no fact of source 'blp-joint-exercises' quotes 'words nobody quoted'" in refused.stderr
    assert snapshot(seeded_path) == before


def test_merging_actors_keeps_who_speaks_for_whom(db):
    with transaction(db):
        link_speaker(db, "Viktor Gulevich", "Belarus", None, None, "tester", "now")
    from facts.actors import merge_actors
    with transaction(db):
        merge_actors(db, "Belarusian Ministry of Defence", "Belarus", "tester", "now")
    links = db.execute("SELECT a.name, o.name FROM speaks_for JOIN actors a ON a.id = actor_id "
                       "JOIN actors o ON o.id = organization_id WHERE a.name = 'Viktor Gulevich'").fetchall()
    assert links == [("Viktor Gulevich", "Belarusian Ministry of Defence")] * len(links) and links


def test_a_fact_others_repeat_cannot_be_deleted(db):
    original = _fact(db, "Said first: 5,000", "5000", "The Insider")
    relay = _fact(db, "Relayed: 5,000", "5000", "Flagstok", source="blp-joint-exercises")
    with transaction(db):
        link_repeats(db, relay, original, "tester", "now")
    with pytest.raises(sqlite3.IntegrityError, match="a fact that others repeat cannot be deleted"):
        db.execute("DELETE FROM facts WHERE id = ?", [original])
    db.execute("DELETE FROM facts WHERE id = ?", [relay])  # the relay can go, and its link with it
    assert db.execute("SELECT count(*) FROM fact_repeats WHERE fact_id = ?", [relay]).fetchone()[0] == 0


def test_facts_show_says_what_a_fact_repeats_and_whom_it_counts_as(seeded_path):
    shown = run(seeded_path, "show", "1").stdout
    assert "Repeats     fact #4; the claim comes from fact #4 (NATO)" in shown
    assert "repeats none → fact #4" in shown  # the link's history
    assert "Counts as   NATO (the claimant speaks for it)" in run(seeded_path, "show", "4").stdout
    detail = json.loads(run(seeded_path, "show", "2", "--json").stdout)
    assert (detail["repeats"], detail["origin_fact"], detail["origin"]) == (4, 4, "NATO")
    plain = run(seeded_path, "show", "5").stdout
    assert "Repeats" not in plain and "Counts as   Belarus Security Blog" in plain


def test_compare_reads_each_claim_s_origin_as_fact_origins_does(db):
    """Compare takes a fact that repeats none, by a claimant who speaks for no one, as its own origin without
    asking fact_origins: for every fact, with chains and speakers in the collection, the answers agree."""
    from facts.comparison import _set_origins, _subject_claims
    first = _fact(db, "The ministry says 5,000", "5000", "Belarusian Ministry of Defence")
    relay = _fact(db, "An outlet says 5,000", "5000", "The Insider", source="blp-joint-exercises")
    with transaction(db):
        link_repeats(db, relay, first, "tester", "2026-01-01T00:00:00.000Z")
    speakers = {a for (a,) in db.execute("SELECT actor_id FROM speaks_for")}
    assert speakers  # the seeds have speakers (Stoltenberg for NATO): both ways are asked
    for (subject,) in db.execute("SELECT DISTINCT subject FROM facts").fetchall():
        subject, claims, actors = _subject_claims(db, subject)
        expected = {f: (o, name) for f, o, name in db.execute(
            f"SELECT fact_id, origin_fact, origin FROM fact_origins WHERE fact_id IN ({', '.join('?' * len(claims))})",
            [c.id for c in claims])}
        _set_origins(db, claims, actors)
        assert {c.id: (c.origin_fact, c.origin) for c in claims} == expected, subject
