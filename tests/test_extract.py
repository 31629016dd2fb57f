"""facts extract: each pattern, spans on the exact words, bad input, drafts, decisions; actors merge/suggest."""

import importlib.util
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from support import copy_db, snapshot

from facts.cli import cli
from facts.extract import extract

ROOT = Path(__file__).resolve().parent.parent


def one(text, kind="quantity", **kw):
    found = [c for c in extract(text, **kw) if c.kind == kind]
    assert len(found) == 1, [c.text for c in found]
    c = found[0]
    assert text[c.start:c.end] == c.text  # the span lands exactly on the words
    return c


@pytest.mark.parametrize("text, span, value, low, high, unit, qualifier", [
    ("NATO says 30,000 troops are there.", "30,000 troops", 30000, 30000, 30000, "troops", "exact"),
    ("Only about 2,500 people took part.", "Only about 2,500 people", 2500, None, None, "people", "approx"),
    ("Roughly 30,000 troops arrived.", "Roughly 30,000 troops", 30000, None, None, "troops", "approx"),
    ("It drew approximately 150,000 soldiers.", "approximately 150,000 soldiers", 150000, None, None, "soldiers",
     "approx"),
    ("It drew in as many as 30,000 personnel.", "as many as 30,000 personnel", 30000, None, 30000, "personnel",
     "at_most"),
    ("Posting it is punishable by up to 15 years in prison.", "up to 15 years", 15, None, 15, "years", "at_most"),
    ("Kiev is just over 90 kilometers from the border.", "just over 90 kilometers", 90, 90, None, "km", "at_least"),
    ("There were more than 400 wagons.", "more than 400 wagons", 400, 400, None, "wagons", "at_least"),
    ("Troops stood only 40-50 km from the border.", "40-50 km", None, 40, 50, "km", "range"),
    ("A war would last three or four days at maximum.", "three or four days", None, 3, 4, "days", "range"),
    ("The drills ran from 10 to 20 missions.", "from 10 to 20 missions", None, 10, 20, "missions", "range"),
    ("Twelve Su-35 air superiority fighters came.", "Twelve Su-35 air superiority fighters", 12, 12, 12,
     "Su-35 air superiority fighters", "exact"),
    ("It will not be needed for a hundred years.", "a hundred years", 100, 100, 100, "years", "exact"),
    ("Almost seven times more trains should arrive.", "Almost seven times", 7, None, 7, "times", "at_most"),
    ("He said the word 36 times.", "36 times", 36, 36, 36, "times", "exact"),
    ("The army will grow to 1.5 million personnel.", "1.5 million personnel", 1.5e6, 1.5e6, 1.5e6, "personnel",
     "exact"),
    ("They stood roughly 200km from Kyiv.", "roughly 200km", 200, None, None, "km", "approx"),
    ("Reservists make up 12% of them.", "12%", 12, 12, 12, "%", "exact"),
])
def test_quantity_patterns(text, span, value, low, high, unit, qualifier):
    c = one(text)
    assert c.text.startswith(span) and (c.value, c.low, c.high, c.qualifier) == (value, low, high, qualifier)
    assert c.unit == unit


@pytest.mark.parametrize("text", [
    "The two countries opened a centre.", "Two states, one people.", "It was the lesser of two evils.",
    "The Su-35 and the S-400 are there.", "Allied Resolve – 2022 began.", "Published at 10.10am today.",
    "An observer said it is a sign “of the Kremlin’s suzerainty over Belarus.”238",
])
def test_not_quantities(text):
    assert [c.text for c in extract(text) if c.kind == "quantity"] == []


@pytest.mark.parametrize("text, span, first, last, precision, inferred", [
    ("The drills began on 9 February 2022.", "9 February 2022", "2022-02-09", "2022-02-09", "day", False),
    ("They end on February 20.", "February 20", "2022-02-20", "2022-02-20", "day", True),
    ("They run from 10 to 20 February.", "10 to 20 February", "2022-02-10", "2022-02-20", "day", True),
    ("They ran February 10 to 20.", "February 10 to 20", "2022-02-10", "2022-02-20", "day", True),
    ("Troops came in September 2020.", "September 2020", "2020-09-01", "2020-09-30", "month", False),
    ("He has ruled since 1994.", "1994", "1994-01-01", "1994-12-31", "year", False),
    ("After the 2020 presidential elections, protests grew.", "2020", "2020-01-01", "2020-12-31", "year", False),
    ("Railway workers reported in January.", "January", "2022-01-01", "2022-01-31", "month", True),
    ("Rolls peaked in November.", "November", "2021-11-01", "2021-11-30", "month", True),  # last November
])
def test_date_patterns(text, span, first, last, precision, inferred):
    c = one(text, "date", published="2022-02-09")
    assert (c.text, c.date_start, c.date_end, c.precision, c.year_inferred) == (span, first, last, precision, inferred)


def test_claimants_and_speech_verbs():
    aliases = {"nato": "NATO", "stoltenberg": "Jens Stoltenberg", "lukashenka": "Alexander Lukashenko"}
    text = "Stoltenberg estimated that 30,000 troops are in Belarus. Lukashenka denied it."
    found = extract(text, aliases=aliases)
    claimants = [(c.text, c.actor, c.verb) for c in found if c.kind == "claimant"]
    assert claimants == [("Stoltenberg", "Jens Stoltenberg", "estimated"),
                         ("Lukashenka", "Alexander Lukashenko", "denied")]
    quantity = next(c for c in found if c.kind == "quantity")
    assert quantity.claimants == ["Jens Stoltenberg"]


def test_gold_standard_recall_and_precision():
    spec = importlib.util.spec_from_file_location("extract_eval", ROOT / "bench" / "extract_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    seeds, _own = module.evaluate()
    quantities, dates = module.totals(seeds, "quantity"), module.totals(seeds, "date")
    assert quantities["recall"] >= 0.9 and quantities["precision"] >= 0.7
    dated, _ = module.evaluate(assume=True)
    assert module.totals(dated, "date")["recall"] >= 0.9
    assert dates["recall"] >= 0.8  # the misses are the year of the two undated articles


# --- the command --------------------------------------------------------------------------------

@pytest.fixture
def db(seed_template, tmp_path):
    path = tmp_path / "facts.db"
    copy_db(seed_template, path)
    return path


def run(db, *args):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def test_extract_json_has_the_fields(db):
    result = run(db, "extract", "odr-2022-02-09", "--json", "--all")  # the seeds' figures are facts already
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    text = (ROOT / "seeds" / "texts" / "odr-2022-02-09.txt").read_text()
    porotnikov = next(c for c in found if c["kind"] == "quantity" and c["text"] == "about 10,000 Russian troops")
    assert text[porotnikov["start"]:porotnikov["end"]] == porotnikov["text"]
    assert porotnikov["sentence"] in text and porotnikov["qualifier"] == "approx"
    assert {"value", "unit", "start", "end", "sentence", "kind"} <= set(porotnikov)
    assert "Andrey Porotnikov" in porotnikov["claimants"]
    date = next(c for c in found if c["kind"] == "date")
    assert {"date_start", "date_end", "precision"} <= set(date)


def test_draft_imports_after_editing(db, tmp_path):
    result = run(db, "extract", "ni-exercises-indefinite", "--yaml", "--all")  # its figures are facts already
    assert result.exit_code == 0, result.output
    draft = tmp_path / "draft.yaml"
    draft.write_text(result.stdout)
    refused = run(db, "import", str(draft))
    assert refused.exit_code == 1 and "DECIDE" in refused.output  # nothing lands until the person decides
    data = yaml.safe_load(result.stdout)
    for i, fact in enumerate(data["facts"]):
        fact.update(subject=f"Drafted subject {i}", confidence="likely", date="2022-02",
                    actor="The National Interest" if fact["actor"] == "DECIDE" else fact["actor"])
    draft.write_text(yaml.safe_dump(data))
    result = run(db, "import", str(draft))
    assert result.exit_code == 0, result.output
    assert f"Added {len(data['facts'])} facts" in result.stdout
    shown = json.loads(run(db, "list", "--json", "--subject", "Drafted subject").stdout)
    assert all(f["quote_start"] is not None for f in shown)  # every quote anchored in the source


MEMO = ROOT / "tests" / "fixtures" / "memo-2023.txt"


def add_memo(db) -> None:
    """A source none of whose figures is a fact yet."""
    added = run(db, "sources", "add", str(MEMO), "--key", "memo-2023", "--title", "Border report",
                "--published", "2023-03-06")
    assert added.exit_code == 0, added.output


def test_rejected_candidates_are_not_proposed_again(db):
    add_memo(db)
    found = json.loads(run(db, "extract", "memo-2023", "--json", "--kind", "quantity").stdout)
    target = next(c for c in found if c["text"] == "a hundred years")
    result = run(db, "extract", "memo-2023", "--reject", f"{target['start']}-{target['end']}")
    assert result.exit_code == 0, result.output
    again = json.loads(run(db, "extract", "memo-2023", "--json", "--kind", "quantity").stdout)
    assert target["text"] not in [c["text"] for c in again] and len(again) == len(found) - 1
    everything = json.loads(run(db, "extract", "memo-2023", "--json", "--kind", "quantity",
                                "--all").stdout)
    assert len(everything) == len(found)
    bad = run(db, "extract", "memo-2023", "--reject", "1-2")
    assert bad.exit_code == 1 and "no pending quantity candidate" in bad.output


@pytest.mark.parametrize("make, words", [
    (lambda p: p.write_text(""), None),
    (lambda p: p.write_bytes(b"\x00\x01\x02binary" * 100), "a binary file"),
    (lambda p: p.write_bytes(b"caf\xe9 30,000 troops"), "not valid UTF-8"),
])
def test_bad_files(db, tmp_path, make, words):
    path = tmp_path / "input.txt"
    make(path)
    result = run(db, "extract", str(path), "--json")
    if words is None:
        assert result.exit_code == 0 and json.loads(result.stdout) == []
    else:
        assert result.exit_code == 1 and words in result.output and "Traceback" not in result.output


def test_unknown_source_key(db):
    result = run(db, "extract", "odr-2022-02-99")
    assert result.exit_code == 1
    assert "unknown source 'odr-2022-02-99'" in result.output and "did you mean" in result.output


def test_a_ten_megabyte_text_gives_a_result(db, tmp_path):
    text = (ROOT / "seeds" / "texts" / "odr-2022-02-09.txt").read_text()
    path = tmp_path / "big.txt"
    path.write_text(text * (10_000_000 // len(text) + 1))
    result = run(db, "extract", str(path), "--json", "--kind", "quantity")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) > 1000


# --- actors ----------------------------------------------------------------------------------------

def test_suggest_offers_transliterations_with_scores(db):
    assert run(db, "actors", "add", "Alexandr Lukashenka", "--kind", "person", "--distinct").exit_code == 0
    assert run(db, "actors", "add", "Kyiv Oblast", "--distinct").exit_code == 0  # a region, not the city
    rows = json.loads(run(db, "actors", "suggest", "--json").stdout)
    pair = [r for r in rows if {r["actor"], r["looks_like"]} == {"Alexander Lukashenko", "Alexandr Lukashenka"}]
    assert pair and pair[0]["score"] > 90


def test_merge_moves_facts_and_aliases_and_keeps_history(db):
    assert run(db, "actors", "add", "Alexandr Lukashenka", "--alias", "A. Lukashenka", "--distinct").exit_code == 0
    added = run(db, "add", "--claim", "A claim.", "--subject", "s", "--date", "2022", "--actor", "a. lukashenka",
                "--about", "Alexandr Lukashenka", "--source", "odr-2022-02-09", "--confidence", "0.5",
                "--no-interactive")
    fact_id = int(added.stdout.strip().removeprefix("Added fact #"))
    result = run(db, "actors", "merge", "Lukashenko", "Alexandr Lukashenka")
    assert result.exit_code == 0 and "1 fact and 2 aliases moved" in result.stdout
    shown = json.loads(run(db, "show", str(fact_id), "--json").stdout)
    assert shown["claimant"] == "Alexander Lukashenko" and shown["about"] == ["Alexander Lukashenko"]
    assert shown["history"][0]["old"].keys() == {"actor_id"}
    listed = json.loads(run(db, "actors", "list", "--json").stdout)
    lukashenko = next(a for a in listed if a["name"] == "Alexander Lukashenko")
    assert "A. Lukashenka" in lukashenko["aliases"] and "Alexandr Lukashenka" in lukashenko["aliases"]
    assert not [a for a in listed if a["name"] == "Alexandr Lukashenka"]
    before = snapshot(db)
    same = run(db, "actors", "merge", "Lukashenka", "Lukashenko")
    assert same.exit_code == 1 and "already the same actor" in same.output and snapshot(db) == before


# --- drafts: what the form is filled with ---------------------------------------------------

DRAFT_TEXT = (
    "Minsk, 3 March 2023.\n\n"
    "“The border guard counted between 10,000 and 15,000 Russian troops near Brest on 1 March, a spokesman "
    "said.\n"
    "Donald Trump said about 8,000 additional soldiers would follow.\n"
    "Some 40 trains arrived.\n"
)


def draft_for(db_path, text, figure):
    from facts.candidates import Document, draft_fact
    found = extract(text, published="2023-03-03", aliases={"nato": "NATO", "belarus": "Belarus"})
    q = next(c for c in found if c.kind == "quantity" and figure in c.text)
    return draft_fact(Document("memo", 1, text, "2023-03-03"), q, found)


def test_a_draft_is_filled_from_the_text_not_from_guesses():
    first = draft_for(None, DRAFT_TEXT, "10,000")
    r = first.record
    # The quote is the sentence, the quantity the text's own words, the unit the counted noun.
    assert r["quote"].startswith("The border guard counted") and r["quote"].endswith("a spokesman said.")
    assert DRAFT_TEXT[r["quote_start"]:r["quote_start"] + len(r["quote"])] == r["quote"]
    assert r["quantity"] == "between 10,000 and 15,000" and r["unit"] == "troops"
    assert "“" not in r["claim"] and r["claim"].startswith("The border guard")  # no stray quotation mark
    assert r["date"] == "2023-03-01" and not first.date_assumed  # the date the sentence gives
    assert r["actor"] == "DECIDE"  # "a spokesman" is nobody known: no claimant guessed
    second = draft_for(None, DRAFT_TEXT, "8,000")
    assert second.record["quantity"] == "about 8,000" and second.record["unit"] == "soldiers"
    assert second.new_actors == ["Donald Trump"] and second.record["actor"] == "DECIDE"
    third = draft_for(None, DRAFT_TEXT, "40")
    assert third.record["date"] == "2023-03-03" and third.date_assumed  # no date in the sentence
    assert third.record["quantity"] == "Some 40" and third.record["unit"] == "trains"


def test_a_claimant_is_prefilled_only_when_the_text_attributes_the_figure():
    text = "NATO estimated 30,000 troops. Belarus hosted 9,000 soldiers, NATO noted later. Belarus has 12 airfields."
    from facts.candidates import Document, draft_fact
    found = extract(text, published="2022-02-01", aliases={"nato": "NATO", "belarus": "Belarus"})
    figures = [c for c in found if c.kind == "quantity"]
    doc = Document("memo", 1, text, "2022-02-01")
    assert draft_fact(doc, figures[0], found).record["actor"] == "NATO"
    assert draft_fact(doc, figures[1], found).record["actor"] == "NATO"  # the actor right before the verb
    named_only = draft_fact(doc, figures[2], found)
    assert named_only.record["actor"] == "DECIDE" and named_only.actors == ["Belarus"]


def test_a_figure_entered_by_any_route_is_not_proposed_again(db):
    add_memo(db)
    found = json.loads(run(db, "extract", "memo-2023", "--json", "--kind", "quantity").stdout)
    trains = next(c for c in found if "40 trains" in c["text"])
    years = next(c for c in found if c["text"] == "a hundred years")  # the same sentence, another figure
    added = run(db, "add", "--claim", "Monitors counted more than 40 trains.", "--subject", "Trains to Brest",
                "--quantity", "more than 40", "--unit", "trains", "--date", "2023-03", "--actor", "NATO",
                "--source", "memo-2023", "--quote", trains["sentence"], "--confidence", "likely", "--no-interactive")
    assert added.exit_code == 0, added.output
    after = json.loads(run(db, "extract", "memo-2023", "--json", "--kind", "quantity").stdout)
    assert [c["text"] for c in after] == [c["text"] for c in found if c is not trains]
    assert years["text"] in [c["text"] for c in after]  # quoted too, but not what the fact counts
    from facts.candidates import inbox, load_document
    from facts.db import open_db
    conn = open_db(db)
    _, counts = inbox(conn, load_document(conn, "memo-2023"))
    assert counts == {"accepted": 1, "rejected": 0, "pending": len(found) - 1}


def test_the_parser_reads_what_the_extraction_reads():
    """Every figure of the seeds and the test texts, in the words a draft gives it, parses to the reading the
    extraction made: the form can show the text's own words."""
    from facts.candidates import Document, draft_fact
    texts = [*sorted((ROOT / "seeds" / "texts").glob("*.txt")), MEMO, ROOT / "tests" / "extract_gold" / "own-text.txt"]
    count = 0
    for path in texts:
        text = path.read_text(encoding="utf-8")
        found = extract(text)
        for q in (c for c in found if c.kind == "quantity"):
            assert isinstance(draft_fact(Document(None, None, text, None), q, found).record["quantity"], str), q.text
            count += 1
    assert count >= 50


@pytest.mark.parametrize("figure, reading", [
    ("up to about 8,000 Russian troops", (8000, None, 8000, "troops", "at_most")),
    ("Tens of thousands", (None, 10_000, 100_000, None, "range")),
    ("$6.1 billion", (6.1e9, 6.1e9, 6.1e9, "USD", "exact")),
    ("69.25 per cent", (69.25, 69.25, 69.25, "%", "exact")),
])
def test_figures_as_reporting_writes_them(figure, reading):
    text = MEMO.read_text(encoding="utf-8")
    c = one_of(text, figure)
    assert (c.value, c.low, c.high, c.unit and c.unit.split()[-1], c.qualifier) == reading


def one_of(text, figure):
    return next(c for c in extract(text) if c.kind == "quantity" and c.text == figure)


# Reporting of kinds the extractor was not written for (issue: assisted entry on unseen reporting): each
# failure kind seen there, in sentences of the same shapes (written for these tests, not copied).
@pytest.mark.parametrize("text, span, value, low, high, unit, qualifier", [
    # the counted noun not right after the number
    ("In the runoff, 2,104,311 of them voted for her.", "2,104,311", 2104311, 2104311, 2104311, "voters", "exact"),
    ("Officials said 8,250 were injured in the blast.", "8,250", 8250, 8250, 8250, "people", "exact"),
    ("The blast left 410 killed overnight.", "410", 410, 410, 410, "people", "exact"),
    ("Another 2,300 others were evacuated.", "2,300 others", 2300, 2300, 2300, "people", "exact"),
    ("Tens of thousands marched through the capital.", "Tens of thousands", None, 10_000, 100_000, "people",
     "range"),
    # irregular plurals
    ("The storm left 300 children without shelter.", "300 children", 300, 300, 300, "children", "exact"),
    ("Hundreds of police watched the rally.", "Hundreds of police", None, 100, 1000, "police", "range"),
    # money: the sign in the span, the currency as the unit, the scale kept, the qualifier before the sign
    ("The package is worth $4.2 billion.", "$4.2 billion", 4.2e9, 4.2e9, 4.2e9, "USD", "exact"),
    ("Damage could cost about $45 billion.", "about $45 billion", 45e9, None, None, "USD", "approx"),
    ("More than $3 billion has been pledged.", "More than $3 billion", 3e9, 3e9, None, "USD", "at_least"),
    ("Costs would exceed 1,000 euros.", "would exceed 1,000 euros", 1000, 1000, None, "EUR", "at_least"),
    # per cent in two words
    ("Inflation reached 12.5 per cent.", "12.5 per cent", 12.5, 12.5, 12.5, "%", "exact"),
    # a qualifier carried by a verb
    ("Exports exceeded 2.5 million tonnes.", "exceeded 2.5 million tonnes", 2.5e6, 2.5e6, None, "tonnes",
     "at_least"),
    ("The toll could reach 500 people.", "could reach 500 people", 500, None, 500, "people", "at_most"),
    # the unit before the number, or glued to it
    ("A magnitude 6.8 quake struck the coast.", "magnitude 6.8", 6.8, 6.8, 6.8, "magnitude", "exact"),
    ("A 5.9-magnitude aftershock followed.", "5.9-magnitude", 5.9, 5.9, 5.9, "magnitude", "exact"),
    # a number word with no plural noun after it
    ("The clashes left four dead.", "four", 4, 4, 4, "people", "exact"),
    ("Unknown thousands also marched abroad.", "thousands", None, 1000, 10_000, "people", "range"),
    # the noun in an opening phrase
    ("Of the U.S. troops based in Italy, 1,300 will come home.", "1,300", 1300, 1300, 1300, "U.S. troops",
     "exact"),
    # a quake's size without "magnitude" before the number, or with words between
    ("The tremor had a magnitude of 5.2 at its centre.", "magnitude of 5.2", 5.2, 5.2, 5.2, "magnitude", "exact"),
    ("A second earthquake measuring 4.9 followed.", "4.9", 4.9, 4.9, 4.9, "magnitude", "exact"),
    ("Monday's 6.1 aftershock toppled a bridge.", "6.1", 6.1, 6.1, 6.1, "magnitude", "exact"),
    ("5.8 magnitude quake shakes the coast", "5.8 magnitude", 5.8, 5.8, 5.8, "magnitude", "exact"),
    # what the whole counts, or the count a clause names instead of a noun
    ("The army said 800 of its troops were waiting for trucks.", "800", 800, 800, 800, "troops", "exact"),
    ("She carried 12 out of the region's 15 districts.", "12", 12, 12, 12, "districts", "exact"),
    ("The number of aid workers killed this year has passed 150.", "passed 150", 150, 150, None, "aid workers",
     "at_least"),
    ("Police raised to 64 the number of people who drowned.", "64", 64, 64, 64, "people", "exact"),
    ("The death toll climbed to 212 on Friday.", "212", 212, 212, 212, "people", "exact"),
    ("Flood Toll Nears 90", "Nears 90", 90, None, 90, "people", "at_most"),
    ("Over 40 Drowned Off the Coast", "Over 40", 40, 40, None, "people", "at_least"),
    # units spelled several ways, irregular plurals
    ("Up to 140 millimetres of rain fell.", "Up to 140 millimetres", 140, None, 140, "mm", "at_most"),
    ("Water covered 1,900 square kilometres of farmland.", "1,900 square kilometres", 1900, 1900, 1900, "km2",
     "exact"),
    ("A 12 mile march ended at noon.", "12 mile", 12, 12, 12, "miles", "exact"),
    ("The unit has three helicopters and 40 airmen.", "40 airmen", 40, 40, 40, "airmen", "exact"),
    # a scale beyond a billion, and abbreviated
    ("Spending reached $2.1 trillion last year.", "$2.1 trillion", 2.1e12, 2.1e12, 2.1e12, "USD", "exact"),
    # vague amounts that count more of what came before, or several of a scale
    ("The blast killed 30 people and injured hundreds more.", "hundreds more", None, 100, 1000, "people",
     "range"),
    ("Several thousand others fled north.", "Several thousand others", None, 1000, 10_000, "people", "range"),
    ("Hundreds of Syrians waited at the border.", "Hundreds of Syrians", None, 100, 1000, "Syrians", "range"),
    # numbers as radio copy writes them, money and speeds named after the number, acronym plurals
    ("Some 14-hundred people slept in tents.", "Some 14-hundred people", 1400, None, None, "people", "approx"),
    ("Norway raised its gift to 90 million USD.", "90 million USD", 9e7, 9e7, 9e7, "USD", "exact"),
    ("Pledges reached 3 billion U.S. dollars.", "3 billion U.S. dollars", 3e9, 3e9, 3e9, "USD", "exact"),
    ("Gusts reached 210 kilometers per hour.", "210 kilometers per hour", 210, 210, 210, "km/h", "exact"),
    ("It moved at 12 mph (19 km/h).", "19 km/h", 19, 19, 19, "km/h", "exact"),
    ("The camps hold 4,000 IDPs.", "4,000 IDPs", 4000, 4000, 4000, "IDPs", "exact"),
    # bounds said after the number, or by a comparison
    ("Six aftershocks of magnitude 4.1 or higher followed.", "magnitude 4.1 or higher", 4.1, 4.1, None,
     "magnitude", "at_least"),
    ("Dozens of aftershocks, none greater than a magnitude of 3.2, followed.", "none greater than a magnitude of 3.2",
     3.2, None, 3.2, "magnitude", "at_most"),
    # "passed" as a bound, and "10-to-15" as a range
    ("The toll from the quake has passed 20,000.", "passed 20,000", 20_000, 20_000, None, "people", "at_least"),
    ("Rescuers said 10-to-15 people were alive.", "10-to-15 people", None, 10, 15, "people", "range"),
    ("The blast killed 12 people and injured another nine.", "nine", 9, 9, 9, "people", "exact"),
    # a verb after "still remain"
    ("At least 12 still remain missing.", "At least 12", 12, 12, None, "people", "at_least"),
    # fractions of a scale
    ("The storm affected an estimated two-and-a-half million people.", "an estimated two-and-a-half million people",
     2.5e6, None, None, "people", "approx"),
    ("More than a quarter of a million people are in camps.", "More than a quarter of a million people", 250_000,
     250_000, None, "people", "at_least"),
    ("Almost half a million acres were flooded.", "Almost half a million acres", 500_000, None, 500_000, "acres",
     "at_most"),
    # people counted by a verb before the figure, or by a verb or state after it
    ("The blast killed at least four in the market.", "at least four", 4, 4, None, "people", "at_least"),
    ("Floods Kill Hundreds in the South", "Hundreds", None, 100, 1000, "people", "range"),
    ("Thousands have been left homeless.", "Thousands", None, 1000, 10_000, "people", "range"),
    # a quake's size that a verb measures
    ("The first quake measured a 4.9 and the second measured a 5.2.", "5.2", 5.2, 5.2, 5.2, "magnitude", "exact"),
    ("After an earthquake over 4.3 the crews check the building.", "over 4.3", 4.3, 4.3, None, "magnitude",
     "at_least"),
    ("The river rose as much as two metres.", "as much as two metres", 2, None, 2, "m", "at_most"),
    # money named by a singular "dollar" before its noun; an area written as one adjective
    ("It gave the town a 50-thousand dollar grant.", "50-thousand dollar", 50_000, 50_000, 50_000, "USD", "exact"),
    ("The rebels hold a 600 square-kilometer area.", "600 square-kilometer", 600, 600, 600, "km2", "exact"),
    # what a death toll or "deaths" counts, an abbreviation or another figure in between
    ("The death toll in the U.S. state of Washington has reached 24.", "24", 24, 24, 24, "people", "exact"),
    ("The death toll from the 7.6 magnitude quake has passed 20,000.", "passed 20,000", 20_000, 20_000, None,
     "people", "at_least"),
    ("Brazil Flood Deaths Pass 800", "Pass 800", 800, 800, None, "people", "at_least"),
    # a verb after a trailing qualifier; a return counts people
    ("Lethal quakes rock Iran, 70 or more die", "70 or more", 70, 70, None, "people", "at_least"),
    ("We estimate that more than 78,000 have returned home.", "more than 78,000", 78_000, 78_000, None, "people",
     "at_least"),
    # "-plus" after a number is a lower bound, and a whole written so still counts its part's noun
    ("As many as 700 of the 2,000-plus people there are missing.", "2,000-plus people", 2000, 2000, None, "people",
     "at_least"),
    ("As many as 700 of the 2,000-plus people there are missing.", "As many as 700", 700, None, 700, "people",
     "at_most"),
    # "several hundred" with its noun right after it
    ("Several hundred people have been evacuated.", "Several hundred people", None, 100, 1000, "people", "range"),
    # a verb of motion is no bound before a qualified figure; a qualifier may stand before "another"
    ("The storm would pass about 100 kilometers north of the city.", "about 100 kilometers", 100, None, None, "km",
     "approx"),
    ("The offensive sends about another 70,000 Syrians to the border.", "about another 70,000 Syrians", 70_000, None,
     None, "Syrians", "approx"),
    # "more" before the noun is no part of it; a headline's capitalised plurals; bodies
    ("At least 130 more Syrians crossed on Wednesday.", "At least 130 more Syrians", 130, 130, None, "Syrians",
     "at_least"),
    ("32 Militants, 4 Soldiers Killed in Western Afghanistan", "32 Militants", 32, 32, 32, "militants", "exact"),
    ("Villagers had recovered only two bodies.", "two bodies", 2, 2, 2, "bodies", "exact"),
    # a duration in a change is not what the change counts
    ("Officials raised the number who crossed in recent days to at least 350.", "at least 350", 350, 350, None,
     None, "at_least"),
    # a conversion in brackets says the same as the figure before it
    ("It moves at about 17 mph (28 km/h).", "28 km/h", 28, None, None, "km/h", "approx"),
    # "magnitude" after a figure is that figure's, not the next number's
    ("One of 4.7 magnitude fifteen minutes later shook it.", "fifteen minutes", 15, 15, 15, "minutes", "exact"),
    # a headline's amount as its subject counts people; "more" before the noun it counts; headline capitals
    ("Thousands Attend Anti-War Rallies", "Thousands", None, 1000, 10_000, "people", "range"),
    ("Pentagon Admits to Hundreds More Troops in Iraq", "Hundreds More Troops", None, 100, 1000, "troops", "range"),
])
def test_figures_of_unseen_reporting(text, span, value, low, high, unit, qualifier):
    c = one_of(text, span)
    assert (c.text, c.value, c.low, c.high, c.unit, c.qualifier) == (span, value, low, high, unit, qualifier)


@pytest.mark.parametrize("text", [
    "Jane Doe, 37, was arrested on the spot.",  # an age after a name
    "The quake hit at 0915 UTC.",  # a clock time
    "By Mar. 14 the agency had counted them.",  # a day after an abbreviated month
])
def test_no_figure_in_unseen_reporting(text):
    assert [c.text for c in extract(text, published="2023-03-20") if c.kind == "quantity"] == []


def test_a_sentence_does_not_end_at_an_abbreviation():
    from facts.extract import sentences
    text = ("By Feb. 14 the agency counted 1,200 cases, the agency said. Lt. Gen. Ivan Petrov agreed. "
            "It ended in Feb.\nThe U.S. Army said 300 troops left.")
    assert [s.text for s in sentences(text)] == [
        "By Feb. 14 the agency counted 1,200 cases, the agency said.", "Lt. Gen. Ivan Petrov agreed.",
        "It ended in Feb.", "The U.S. Army said 300 troops left."]


@pytest.mark.parametrize("text, figures", [
    # a change from one figure to another is two figures, counting what is changed
    ("The bill raises the retirement age from 60 to 63.", [("60", "years"), ("63", "years")]),
    ("It cuts the troop presence there from 9,000 to 4,500.", [("9,000", "troops"), ("4,500", "troops")]),
    # without a change it stays a range
    ("Between 9,000 and 12,000 troops took part.", [("Between 9,000 and 12,000 troops", "troops")]),
    # a figure set against the one before counts the same
    ("Organisers counted 2 million marchers, including 300,000 in the capital.",
     [("2 million marchers", "marchers"), ("300,000", "marchers")]),
    ("Ridership hit 180,000 rides on Sunday compared to 95,000 a week earlier.",
     [("180,000 rides", "rides"), ("95,000", "rides")]),
    ("Some 900 troops will return. Another 700 will move to Poland.", [("Some 900 troops", "troops"),
                                                                       ("700", "troops")]),
    ("Up to 8,000 troops remained, down from a peak of roughly 12,000 in January.",
     [("Up to 8,000 troops", "troops"), ("roughly 12,000", "troops")]),
    # ... but a duration sets no noun for the next figure to count
    ("Some 900 refugees arrived six days ago. Another 700 are on the road.",
     [("Some 900 refugees", "refugees"), ("six days", "days"), ("700", "refugees")]),
    # clock times are no figures
    ("Polls closed at 19:00 local time and opened at 07:30.", []),
    # two figures side by side, not a range from the larger to the smaller
    ("Defence took $380bn or 41% of the budget.", [("$380bn", "USD"), ("41%", "%")]),
    ("The challenger led 52.4 to 47.6 in the count.", [("52.4", None), ("47.6", None)]),
    # a results list names its noun once
    ("The left won 71 seats, the right 50 with 27 undecided.", [("71 seats", "seats"), ("50", "seats"),
                                                                ("27", "seats")]),
    # years are dates, not a range of figures
    ("Aid will flow between 2011 and 2013.", []),
])
def test_figures_read_against_each_other(text, figures):
    found = [(c.text, c.unit) for c in extract(text, published="2024-03-04") if c.kind == "quantity"]
    assert found == figures


# The fields a draft takes from unseen reporting: claimant and date (texts in the shapes seen, written here).
PUBLISHER = "Daily Ledger"
ALIASES = {"WHO": "World Health Organization", "World Health Organization": "World Health Organization",
           "health ministry": "Health ministry", "UN agency": "UN agency", "UN": "United Nations",
           "United Nations": "United Nations", "Maria Lopez": "Maria Lopez", "Lopez": "Maria Lopez",
           "Electoral Council": "Electoral Council", "EC": "Electoral Council", "defence ministry": "Defence ministry",
           "police": "Police", "Kenyan election officials": "Kenyan election officials",
           "Ron Redmond": "Ron Redmond", "UNHCR": "UNHCR", "CNN": "CNN", "Japan": "Government of Japan",
           "Comité Nacional": "Comité Nacional", "Chinese state media": "Chinese state media",
           "Indian state media": "Indian state media", "Nepali authorities": "Nepali authorities",
           "Bangladeshi authorities": "Bangladeshi authorities"}


def drafted(text, figure, published="2024-03-06", publisher=PUBLISHER):
    from facts.candidates import Document, draft_fact
    found = extract(text, published=published, aliases=ALIASES)
    q = next(c for c in found if c.kind == "quantity" and c.text == figure)
    return draft_fact(Document("src", None, text, published, publisher=publisher), q, found)


@pytest.mark.parametrize("text, figure, claimant", [
    # an acronym alias only in capitals: the pronoun "who" is no actor
    ("Doctors who said 120 patients were treated asked for beds.", "120 patients", PUBLISHER),
    ("The WHO said 120 patients were treated.", "120 patients", "World Health Organization"),
    # a figure relayed to someone: the speaker, not the listener
    ("The health ministry told the UN agency that 3,000 people were displaced.", "3,000 people",
     "Health ministry"),
    # (officials the collection does not know: the person decides, the listener is not proposed)
    ("Ministry officials told the UN agency that 3,000 people were displaced.", "3,000 people", "DECIDE"),
    # an actor only mentioned does not speak
    ("The army spent 2 billion euros from the defence ministry's budget.", "2 billion euros", PUBLISHER),
    # the speaker after the verb, or after a role and a bracketed acronym
    ("Turnout reached 61 percent, said the Electoral Council.", "61 percent", "Electoral Council"),
    ("Electoral Council (EC) officials announced that 61 percent had voted.", "61 percent", "Electoral Council"),
    ("According to the UN, 40,000 people have fled.", "40,000 people", "United Nations"),
    # a report that speaks stands for who issued it
    ("The WHO published its count on Monday. The report says 1,200 cases were confirmed.", "1,200 cases",
     "World Health Organization"),
    # a headline's attribution
    ("Refugees now number 2 million: UN\nThe exodus goes on.", "2 million", "United Nations"),
    # "he said" in the next sentence, for a figure inside the quotation it closes
    ('Maria Lopez spoke to reporters. "We have counted 85 bodies so far." She said rescuers kept digging.',
     "85 bodies", "Maria Lopez"),
    # a long next sentence of its own says nothing of who gave this figure
    ('The storm destroyed 400 homes. "It will be a long winter for everyone who lives here," Maria Lopez said '
     'at the shelter on Tuesday evening.', "400 homes", PUBLISHER),
    # the outlet speaks for a figure no one is named for
    ("Some 5,000 people marched through the centre.", "Some 5,000 people", PUBLISHER),
    # a known group by its common noun alone, not another country's
    ("Election officials announced that 61 percent had voted.", "61 percent", "Kenyan election officials"),
    ("Russian officials said 300 troops left.", "300 troops", "DECIDE"),
    # the next sentence of the paragraph goes on in the same voice; a new paragraph does not
    ("According to the UN, 40,000 people have fled. Another 12,000 are on the road.", "12,000",
     "United Nations"),
    ("According to the UN, 40,000 people have fled.\nSome 12,000 troops guard the border.", "Some 12,000 troops",
     PUBLISHER),
    # an attribution beyond a "but" speaks for what follows it
    ("The quake struck at a depth of 35 km, but the UN says it was 10 km.", "35 km", PUBLISHER),
    ("The quake struck at a depth of 35 km, but the UN says it was 10 km.", "10 km", "United Nations"),
    # "she said" after a quotation: the speaker outside it, not an actor the quotation names
    ('Maria Lopez spoke at noon. "The WHO has found 85 bodies," she said.', "85 bodies", "Maria Lopez"),
    # an auxiliary, a time or a place between the speaker and the verb
    ("The UN has announced that 3,000 more troops will go.", "3,000 more troops", "United Nations"),
    ("Police on Friday said 58 people were arrested.", "58 people", "Police"),
    ("The health ministry in Nairobi says 210 people died.", "210 people", "Health ministry"),
    # a document by someone, and the first of two speakers
    ("According to a new report by the WHO, 1,200 cases were confirmed.", "1,200 cases",
     "World Health Organization"),
    ("The WHO and the UN reported 700 cases.", "700 cases", "World Health Organization"),
    # no speech: a claim on lives, a report's adjective taken for a name
    ("Floods in the Valley claim 16 lives", "16 lives", PUBLISHER),
    ("Early reports indicate 40 villages were damaged.", "40 villages", PUBLISHER),
    # the person named after a role, not the organisation the role belongs to
    ("UNHCR spokesman, Ron Redmond, says 1,200 people are in tents.", "1,200 people", "Ron Redmond"),
    # a poll, a bracketed name or a pledge between or as the speech
    ("A CNN exit poll showed 81 percent backed him.", "81 percent", "CNN"),
    ("The Comité Nacional (National Committee) reported that 15,400 people were evacuated.", "15,400 people",
     "Comité Nacional"),
    ("Japan pledged 500 million USD on Saturday.", "500 million USD", "Government of Japan"),
    # an attribution beyond a "while" speaks for what follows it
    ("The bureau put it at 7.0, while the UN said it was 6.6 magnitude.", "7.0", PUBLISHER),
    # a participle clause speaks for the sentence's subject; a measurement is said by who measures
    ("The UN rejected the claim, saying just 7 soldiers were killed.", "7 soldiers", "United Nations"),
    ("The WHO measured the outbreak at 900 cases.", "900 cases", "World Health Organization"),
    # a noun two countries' groups share names neither, unless the text names one of the countries there
    ("State media said 40 houses collapsed.", "40 houses", "DECIDE"),
    ("In Nepal, 64 people were killed, according to authorities.", "64 people", "Nepali authorities"),
    ("Camps in Bangladesh were flooded. Authorities say landslides killed 10 people.", "10 people",
     "Bangladeshi authorities"),
    # an attribution beyond ", with" speaks for what follows it
    ("Some 9,000 people have fled, with the UN saying 76 people died.", "Some 9,000 people", PUBLISHER),
    ("Some 9,000 people have fled, with the UN saying 76 people died.", "76 people", "United Nations"),
    # an admission and a fear speak; a place with its article between the speaker and the verb
    ("UN Admits to 300 More Troops in Mali\nThe mission grows.", "300 More Troops", "United Nations"),
    ("The health ministry in the Philippines now fears 1,800 residents died.", "1,800 residents",
     "Health ministry"),
    # a participle clause speaks for the name a title leads to
    ("Kabul-based UN spokesman Maria Lopez went further, saying 400 more troops are there.", "400 more troops",
     "Maria Lopez"),
    # a second clause that leaves its subject out speaks for the sentence's subject
    ("The UN has stopped counting, but has reported that 100,000 people died.", "100,000 people",
     "United Nations"),
    # a headline that opens with who speaks
    ("UN: Lebanon Now Hosting 1 Million Refugees\nThe count rose.", "1 Million Refugees", "United Nations"),
    # an actor after the figure is what it counts; the paragraph's voice goes on
    ("Police say a bomber struck the hall. The blasts killed 81 people, including police.", "81 people", "Police"),
    # a short next sentence with a claim of its own does not speak for the figure before it
    ("A blast at the market killed 11 people. The UN says soldiers were the target.", "11 people", PUBLISHER),
])
def test_the_claimant_of_unseen_reporting(text, figure, claimant):
    d = drafted(text, figure)
    assert d.record["actor"] == claimant
    assert d.claimant_assumed == (claimant == PUBLISHER)


def test_a_draft_says_how_the_text_writes_a_known_actor():
    d = drafted("Election officials announced that 61 percent had voted.", "61 percent")
    assert d.written_as == {"Kenyan election officials": "Election officials"}
    assert drafted("The UN has announced that 3,000 more troops will go.", "3,000 more troops").written_as == \
        {"United Nations": "UN"}
    assert drafted("According to the United Nations, 40 people fled.", "40 people").written_as == {}


def test_a_speaker_the_collection_does_not_know_is_offered_as_new():
    """A ministry that speaks is no actor yet: the draft leaves the claimant to the person (not the publisher)
    and names it for the form to offer."""
    d = drafted("The ministry says the exercise will cost $6.1 billion.", "$6.1 billion")
    assert d.record["actor"] == "DECIDE" and d.new_actors == ["ministry"]


def test_without_a_publisher_no_claimant_is_invented():
    d = drafted("Some 5,000 people marched through the centre.", "Some 5,000 people", publisher=None)
    assert d.record["actor"] == "DECIDE" and not d.claimant_assumed


@pytest.mark.parametrize("text, figure, date, resolved", [
    # relative dates from the publication date (a Wednesday)
    ("On Monday, 3,000 people marched.", "3,000 people", "2024-03-04", True),
    ("Last week 800 families were evacuated.", "800 families", "2024-02-26..2024-03-03", True),
    # "In 2011" at a sentence start
    ("In 2011 more than 900 people fled.", "more than 900 people", "2011", False),
    # the date of the figure's own clause, not the sentence's first
    ("Founded in 1975, the camp held more than 900 refugees in 1983.", "more than 900 refugees", "1983", False),
    # a cumulative figure holds when reported, not at the start of its count
    ("Since April 3, 1,500 people have been killed.", "1,500 people", "2024-03-06", False),
    # the paragraph's date carries to its next sentence
    ("On Monday the shelling resumed. It killed 12 people.", "12 people", "2024-03-04", True),
    # a figure its paragraph does not date holds when it is reported, not on the day the lede tells of
    ("Women marched in 600 cities on Saturday.\nOrganisers counted 3 million protesters.", "3 million protesters",
     "2024-03-06", False),
    ("Floods hit the north\n\nWednesday, March 6, 2024\n\nRiver levels rose on Monday.\n\n"
     "Crews rescued 140 people.", "140 people", "2024-03-06", False),
    # ... and so does a count that holds as written, even after a dated sentence of its paragraph
    ("On Saturday the quake struck. Officials now say 40 people are missing.", "40 people", "2024-03-06", False),
    ("Women marched in 600 cities on Saturday.\nOfficials now say 40 people are missing.", "40 people",
     "2024-03-06", False),
    ("Women marched in 600 cities on Saturday.\nThe police force has already been cut to 90 officers.",
     "90 officers", "2024-03-06", False),
    # "this year": all of it for what is planned, the year so far for what has happened
    ("The agency will spend $2 billion this year.", "$2 billion", "2024", True),
    ("At least 39 soldiers have died this year.", "At least 39 soldiers", "2024-01-01..2024-03-06", True),
    ("Repairs will cost $8 million later this year.", "$8 million", "2024-03-06..2024-12-31", True),
    # "over the last month": the month up to the writing, not the calendar month before
    ("Some 600 boats arrived over the last month.", "Some 600 boats", "2024-02-06..2024-03-06", True),
    # "September of 1999"
    ("In September of 1999, 2,300 people were killed.", "2,300 people", "1999-09", False),
    # a date that opens the sentence sets the time of what follows, before a date of a later clause
    ("In May of 2003, a quake killed 900 people and in June of 2005 another killed 60.", "900 people", "2003-05",
     False),
    # a date beyond another figure belongs to that figure
    ("Storm report\n\nRain fell.\n\nWinds rose.\n\nAbout 800 people were in shelters, the agency said, lowering "
     "the figure of 2,000 reported Monday.", "About 800 people", "2024-03-06", False),
    # ... but a date in the middle of a sentence does not ("Monday's event was close to a quake in 2008")
    ("Monday's quake struck near the site of a quake in 2008 that killed 8,000 people.", "8,000 people", "2008",
     False),
    # a count that holds as written is not dated by the event it is of
    ("Nineteen people are now confirmed dead in a quake that struck on Monday.", "Nineteen people", "2024-03-06",
     False),
    # the start of a count is no date for the count that follows it
    ("Losses mounted since the war began in 2001. Records show 6,500 soldiers were killed.", "6,500 soldiers",
     "2024-03-06", False),
])
def test_the_date_of_unseen_reporting(text, figure, date, resolved):
    from facts.dates import parse_span
    d = drafted(text, figure)
    span = parse_span(d.record["date"])
    want = date.split("..")
    assert (str(span.start), str(span.end)) == (want[0], want[-1]) if len(want) == 2 else \
        str(span.start)[:len(date)] == date and str(span.end)[:len(date)] == date
    assert d.date_resolved == resolved


def test_the_draft_file_says_which_fields_were_inferred(db, tmp_path):
    """facts extract --yaml: a comment above each fact names the fields not read from its own words (a date
    resolved from the publication date, the publisher as claimant); a fact read outright has none."""
    text = tmp_path / "wire.txt"
    text.write_text("On Monday, some 5,000 people marched in the capital.\n"
                    "NATO said 300 troops arrived on 2 March.\n", encoding="utf-8")
    added = run(db, "sources", "add", str(text), "--key", "wire", "--title", "Wire copy", "--published",
                "2024-03-06", "--publisher", "Daily Ledger")
    assert added.exit_code == 0, added.output
    result = run(db, "extract", "wire", "--yaml")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    marched = next(i for i, line in enumerate(lines) if "5,000" in line and line.startswith("- claim"))
    arrived = next(i for i, line in enumerate(lines) if "300 troops" in line and line.startswith("- claim"))
    assert lines[marched - 2:marched] == [
        "# date: inferred: words relative to the publication date",
        "# actor: the publisher: the text attributes the figure to no one"]
    assert not lines[arrived - 1].startswith("#")  # NATO said it, on 2 March: nothing inferred
    drafted = yaml.safe_load(result.stdout)["facts"]
    assert [(f["actor"], f["date"]) for f in drafted] == [("Daily Ledger", "2024-03-04"), ("NATO", "2024-03-02")]
