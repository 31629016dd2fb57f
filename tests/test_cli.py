"""Each `facts` command end to end, through click's CliRunner.

Most tests work on their own copy of a seeded database, made once per session
with `facts init --seed`.
"""

import csv
import hashlib
import io
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import snapshot

from facts.cli import cli

# Wide output so that tables and paragraphs never wrap; no forced colour.
ENV = {"COLUMNS": "4000", "FACTS_AUTHOR": "cli-tester", "FACTS_DB": None, "FORCE_COLOR": None,
       "TTY_COMPATIBLE": None, "NO_COLOR": None}


# --- fixtures and helpers ------------------------------------------------------------

def invoke(args: list[str], input: str | None = None, env: dict | None = None):
    return CliRunner().invoke(cli, args, input=input, env={**ENV, **(env or {})})


def run(db: Path, *args: str, input: str | None = None, env: dict | None = None):
    return invoke(["--db", str(db), *args], input=input, env=env)


def ok(result):
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def db(seeded_path) -> Path:
    return seeded_path


def listed(db: Path, *args: str) -> list[dict]:
    return json.loads(ok(run(db, "list", "--json", *args)).stdout)


def ids(rows: list[dict]) -> list[int]:
    return [r["id"] for r in rows]


def shown(db: Path, fact_id: int) -> dict:
    return json.loads(ok(run(db, "show", str(fact_id), "--json")).stdout)


def assert_user_error(result, *fragments: str, one_line: bool = True) -> None:
    """Exit code 1, the message on stderr, no traceback, no internal error."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    if one_line:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


FACT_FLAGS = ["--claim", "A test claim about troops.", "--subject", "Test subject", "--date", "2022-02-19",
              "--actor", "NATO", "--source", "odr-2022-02-09", "--confidence", "0.6"]


BOOLEAN_FLAGS = {"--create-actors", "--interactive", "--no-interactive"}


def add_fact(db: Path, *extra: str, env: dict | None = None) -> int:
    flags = list(FACT_FLAGS)
    rest = list(extra)
    while rest:  # options given here replace the defaults; switches (--create-actors) stand alone
        name = rest.pop(0)
        if name in BOOLEAN_FLAGS:
            flags.append(name)
        elif name in flags:
            flags[flags.index(name) + 1] = rest.pop(0)
        else:
            flags += [name, rest.pop(0)]
    result = ok(run(db, "add", *flags, env=env))
    assert result.stdout.startswith("Added fact #"), result.stdout
    return int(result.stdout.strip().removeprefix("Added fact #"))


def seed_fact(db: Path, actor: str) -> dict:
    rows = listed(db, "--actor", actor)
    assert rows
    return rows[0]


# --- init ----------------------------------------------------------------------------

def test_init_creates_an_empty_database(tmp_path):
    path = tmp_path / "new.db"
    result = ok(run(path, "init"))
    assert f"Created {path}" in result.stdout
    assert path.exists()
    assert listed(path) == []
    before = snapshot(path)
    again = ok(run(path, "init"))
    assert f"Opened {path}" in again.stdout
    assert snapshot(path) == before


def test_init_seed_loads_the_collection_and_twice_adds_nothing(tmp_path):
    path = tmp_path / "seeded.db"
    ok(run(path, "init", "--seed"))
    facts = listed(path)
    assert len(facts) >= 40
    assert len({f["source"] for f in facts}) == 5
    sources = json.loads(ok(run(path, "sources", "list", "--json")).stdout)
    assert len(sources) == 5 and all(s["facts"] > 0 for s in sources)
    before = snapshot(path)
    again = ok(run(path, "init", "--seed"))
    assert f"0 facts added, {len(facts)} already there" in again.stdout
    assert "0 actors and 0 sources added" in again.stdout
    assert snapshot(path) == before
    assert len(listed(path)) == len(facts)


def test_init_in_a_missing_folder_is_one_line(tmp_path):
    result = run(tmp_path / "no" / "such" / "folder.db", "init")
    assert_user_error(result, "does not exist")


def test_not_a_facts_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    assert_user_error(run(path, "list"), "not a facts database")
    text = tmp_path / "text.db"
    text.write_text("hello, not sqlite at all" * 100)
    assert_user_error(run(text, "list"), "not a facts database")


# --- sources -------------------------------------------------------------------------

DOC = "A test document.\nOfficials counted 4,321 vehicles at the border.\nThe end.\n"


def test_sources_add_and_list(db, tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text(DOC, encoding="utf-8")
    result = ok(run(db, "sources", "add", str(doc), "--key", "test-doc", "--title", "A test document",
                    "--publisher", "Test Press", "--author", "A. Writer", "--url", "https://example.org/doc",
                    "--published", "2023-03", "--retrieved", "2023-03-05", "--reliability", "b",
                    "--description", "For tests."))
    assert f"Added source test-doc (text, {len(DOC)} characters)" in result.stdout

    sources = {s["key"]: s for s in json.loads(ok(run(db, "sources", "list", "--json")).stdout)}
    assert len(sources) == 6
    mine = sources["test-doc"]
    assert (mine["title"], mine["publisher"], mine["author"], mine["url"], mine["published"], mine["reliability"],
            mine["characters"], mine["facts"]) == (
        "A test document", "Test Press", "A. Writer", "https://example.org/doc", "2023-03", "B", len(DOC), 0)
    table = ok(run(db, "sources", "list")).stdout
    assert "test-doc" in table and "odr-2022-02-09" in table and "Test Press" in table
    assert "ver." not in table and "orphans" not in table  # every source at version 1, no orphans: no column

    stored = sqlite3.connect(db).execute("SELECT text, sha256 FROM sources WHERE key = 'test-doc'").fetchone()
    assert stored == (DOC, hashlib.sha256(DOC.encode()).hexdigest())

    # The same source again adds nothing; a different one under the same key is refused.
    before = snapshot(db)
    assert "Already stored" in ok(run(db, "sources", "add", str(doc), "--key", "test-doc", "--title", "A test document",
                                       "--publisher", "Test Press", "--author", "A. Writer",
                                       "--url", "https://example.org/doc", "--published", "2023-03",
                                       "--retrieved", "2023-03-05", "--reliability", "B",
                                       "--description", "For tests.")).stdout
    assert_user_error(run(db, "sources", "add", str(doc), "--key", "test-doc", "--title", "Another title"),
                      "test-doc", "title")
    assert snapshot(db) == before

    # A fact can now cite it, with its quote anchored.
    fact_id = add_fact(db, "--source", "test-doc", "--quote", "counted 4,321 vehicles")
    fact = shown(db, fact_id)
    assert DOC[fact["quote_start"]:fact["quote_end"]] == "counted 4,321 vehicles"


def test_sources_add_from_stdin(db):
    result = ok(run(db, "sources", "add", "-", "--key", "piped", "--title", "Piped text", input=DOC))
    assert "Added source piped" in result.stdout
    [mine] = [s for s in json.loads(ok(run(db, "sources", "list", "--json")).stdout) if s["key"] == "piped"]
    assert mine["characters"] == len(DOC)


@pytest.mark.parametrize("flags, field", [
    (["--reliability", "Z"], "reliability"),
    (["--url", "ftp://example.org"], "url"),
    (["--published", "2023-13"], "published"),
])
def test_sources_add_refuses_bad_fields(db, tmp_path, flags, field):
    doc = tmp_path / "doc.txt"
    doc.write_text(DOC, encoding="utf-8")
    before = snapshot(db)
    result = run(db, "sources", "add", str(doc), "--key", "bad-doc", "--title", "T", *flags)
    assert_user_error(result, f"{field}:")
    assert snapshot(db) == before


def test_sources_add_refuses_invalid_utf8(db, tmp_path):
    doc = tmp_path / "latin1.txt"
    doc.write_bytes(b"Caf\xe9 society.\n")
    assert_user_error(run(db, "sources", "add", str(doc), "--key", "latin", "--title", "T"), "not valid UTF-8")


# --- actors --------------------------------------------------------------------------

def test_actors_add_and_list(db):
    result = ok(run(db, "actors", "add", "Jane Doe", "--alias", "J. Doe", "--alias", "Doe", "--kind", "person"))
    assert "Added Jane Doe (person)" in result.stdout
    actors = {a["name"]: a for a in json.loads(ok(run(db, "actors", "list", "--json")).stdout)}
    assert (actors["Jane Doe"]["kind"], actors["Jane Doe"]["aliases"], actors["Jane Doe"]["claims"]) == (
        "person", "Doe; J. Doe", 0)
    assert actors["Alexander Lukashenko"]["claims"] == len(listed(db, "--actor", "Alexander Lukashenko"))
    table = ok(run(db, "actors", "list")).stdout
    assert "Jane Doe" in table and "J. Doe" in table and "Alexander Lukashenko" in table
    # Adding it again with the same kind adds nothing; a different kind is refused.
    before = snapshot(db)
    assert "Already stored" in ok(run(db, "actors", "add", "Jane Doe", "--kind", "person")).stdout
    assert_user_error(run(db, "actors", "add", "Jane Doe", "--kind", "state"), "person")
    assert snapshot(db) == before


def test_actors_add_again_without_kind_adds_nothing(db):
    # --kind not given: the stored kind stands, nothing is refused.
    before = snapshot(db)
    result = ok(run(db, "actors", "add", "Alexander Lukashenko"))
    assert "Already stored" in result.stdout
    assert snapshot(db) == before


def test_actors_alias_and_resolution(db):
    ok(run(db, "actors", "add", "Jane Doe", "--kind", "person"))
    result = ok(run(db, "actors", "alias", "jane doe", "JD"))
    assert "Added JD → Jane Doe" in result.stdout
    fact_id = add_fact(db, "--actor", "jd")
    assert shown(db, fact_id)["claimant"] == "Jane Doe"
    assert "Already an alias" in ok(run(db, "actors", "alias", "Jane Doe", "jd")).stdout


@pytest.mark.parametrize("spelling", ["lukashenka", "LUKASHENKO", "Alexander Lukashenka", "alyaksandr lukashenka"])
def test_alias_resolution_is_case_insensitive(db, spelling):
    fact_id = add_fact(db, "--actor", spelling)
    assert shown(db, fact_id)["claimant"] == "Alexander Lukashenko"


def test_alias_owned_by_another_actor_is_refused(db):
    before = snapshot(db)
    assert_user_error(run(db, "actors", "alias", "Putin", "Lukashenka"), "Lukashenka", "Alexander Lukashenko")
    assert_user_error(run(db, "actors", "alias", "Putin", "lukashenka"), "Alexander Lukashenko")
    assert_user_error(run(db, "actors", "add", "Somebody", "--alias", "LUKASHENKA"), "Alexander Lukashenko")
    assert snapshot(db) == before


def test_actors_alias_of_unknown_actor_suggests(db):
    result = run(db, "actors", "alias", "Lukashenkko", "Luka")
    assert_user_error(result, "unknown actor 'Lukashenkko'", "did you mean Alexander Lukashenko?")


def test_actors_add_refuses_a_bad_kind(db):
    result = run(db, "actors", "add", "Robot", "--kind", "robot")
    assert result.exit_code == 2  # click's usage error
    assert "robot" in result.output and "Traceback" not in result.output


# --- add -----------------------------------------------------------------------------

def test_add_from_flags_prints_the_new_id(db):
    before = listed(db)
    result = ok(run(db, "add", "--claim", "NATO says about 30,000 troops are in Belarus.",
                    "--subject", "Russian troops in Belarus", "--quantity", "about 30,000 troops",
                    "--date", "2022-02-10/2022-02-20", "--stated-on", "2022-02-09", "--actor", "NATO officials",
                    "--about", "Belarus", "--about", "Russia", "--source", "odr-2022-02-09",
                    "--quote", "he estimates the number of Russian troops in Belarus at 30,000",
                    "--confidence", "likely", "--credibility", "2", "--tag", "cli", "--tag", "troops",
                    "--note", "Entered from the CLI."))
    fact_id = int(result.stdout.strip().removeprefix("Added fact #"))
    assert fact_id == max(ids(before)) + 1
    fact = shown(db, fact_id)
    assert (fact["value"], fact["low"], fact["high"], fact["qualifier"], fact["unit"], fact["as_stated"]) == (
        30000, None, None, "approx", "troops", "about 30,000")
    assert (fact["date_start"], fact["date_end"], fact["date_precision"]) == ("2022-02-10", "2022-02-20", "day")
    assert fact["stated_on"] == "2022-02-09"
    assert fact["claimant"] == "NATO"
    assert fact["about"] == ["Belarus", "Russia"]
    assert fact["confidence"] == pytest.approx(0.675)
    assert fact["credibility"] == 2
    assert fact["tags"] == ["cli", "troops"]
    assert fact["quote_start"] is not None
    assert fact["quote_end"] - fact["quote_start"] == len(fact["quote"])
    assert [a["body"] for a in fact["annotations"] if a["kind"] == "note"] == ["Entered from the CLI."]
    # The same fact again is not stored twice.
    again = ok(run(db, "add", "--claim", "NATO says about 30,000 troops are in Belarus.",
                   "--subject", "Russian troops in Belarus", "--quantity", "about 30,000 troops",
                   "--date", "2022-02-10/2022-02-20", "--stated-on", "2022-02-09", "--actor", "NATO",
                   "--about", "Belarus", "--about", "Russia", "--source", "odr-2022-02-09",
                   "--quote", "he estimates the number of Russian troops in Belarus at 30,000",
                   "--confidence", "likely", "--credibility", "2", "--tag", "cli", "--tag", "troops",
                   "--note", "Entered from the CLI."))
    assert again.stdout.strip() == f"Already stored as fact #{fact_id}"
    assert len(listed(db)) == len(before) + 1


def test_add_missing_required_field_without_a_terminal_names_it(db):
    before = snapshot(db)
    flags = list(FACT_FLAGS)
    i = flags.index("--confidence")
    del flags[i:i + 2]
    result = run(db, "add", *flags)
    assert_user_error(result, "confidence", "required")
    i = flags.index("--claim")
    del flags[i:i + 2]
    result = run(db, "add", *flags)
    assert_user_error(result, "claim", "confidence")
    assert snapshot(db) == before


@pytest.mark.parametrize("flag, value, fragment", [
    ("--date", "2022-13", "date: '2022-13' has no month 13"),
    ("--confidence", "1.5", "confidence: 1.5 is outside 0..1"),
    ("--quantity", "lots", "quantity"),
    ("--source", "odr-2022-02-90", "unknown source 'odr-2022-02-90' (did you mean odr-2022-02-09"),
    ("--quote", "words that are not in the article", "quote: does not occur in the source text"),
    ("--actor", "Stoltenbreg", "did you mean Jens Stoltenberg?"),
])
def test_add_refuses_bad_input_with_a_reason(db, flag, value, fragment):
    before = snapshot(db)
    flags = list(FACT_FLAGS)
    if flag in flags:
        flags[flags.index(flag) + 1] = value
    else:
        flags += [flag, value]
    assert_user_error(run(db, "add", *flags), fragment)
    assert snapshot(db) == before


def test_add_create_actors(db):
    assert_user_error(run(db, "add", *FACT_FLAGS[:6], "--actor", "Brand New Actor", *FACT_FLAGS[8:]),
                      "unknown actor 'Brand New Actor'")
    result = ok(run(db, "add", *FACT_FLAGS[:6], "--actor", "Brand New Actor", *FACT_FLAGS[8:], "--create-actors"))
    fact_id = int(result.stdout.strip().removeprefix("Added fact #"))
    assert shown(db, fact_id)["claimant"] == "Brand New Actor"


def test_add_interactive_answers_every_prompt(db):
    answers = "\n".join([
        "Interactive claim about troops.",  # claim
        "Interactive subject",  # subject
        "about 30,000 troops",  # quantity
        "2022-02",  # date
        "lukashenka",  # actor
        "odr-2022-02-09",  # source
        "",  # quote: none
        "very likely",  # confidence
    ]) + "\n"
    result = ok(run(db, "add", "--interactive", input=answers))
    assert "Claim" in result.stderr and "Confidence" in result.stderr
    fact_id = int(result.stdout.strip().removeprefix("Added fact #"))
    fact = shown(db, fact_id)
    assert (fact["claim"], fact["subject"], fact["claimant"]) == (
        "Interactive claim about troops.", "Interactive subject", "Alexander Lukashenko")
    assert (fact["value"], fact["qualifier"], fact["unit"]) == (30000, "approx", "troops")
    assert (fact["date_start"], fact["date_end"], fact["date_precision"]) == ("2022-02-01", "2022-02-28", "month")
    assert fact["confidence"] == pytest.approx(0.875)
    assert fact["quote"] is None


def test_add_interactive_reasks_after_an_invalid_date(db):
    flags = list(FACT_FLAGS)
    i = flags.index("--date")
    del flags[i:i + 2]
    # Prompts: quantity (blank), date (invalid), quote (blank), then the date again.
    result = ok(run(db, "add", "--interactive", *flags, input="\n2022-13\n\n2022-02-19\n"))
    assert "date: '2022-13' has no month 13" in result.stderr
    assert result.stderr.count("Date it holds") == 2
    fact_id = int(result.stdout.strip().removeprefix("Added fact #"))
    fact = shown(db, fact_id)
    assert (fact["date_start"], fact["date_end"], fact["date_precision"]) == ("2022-02-19", "2022-02-19", "day")


def test_add_interactive_reasks_after_an_unknown_actor(db):
    flags = list(FACT_FLAGS)
    i = flags.index("--actor")
    del flags[i:i + 2]
    result = ok(run(db, "add", "--interactive", *flags, input="\nStoltenbreg\n\nStoltenberg\n"))
    assert "did you mean Jens Stoltenberg?" in result.stderr
    fact_id = int(result.stdout.strip().removeprefix("Added fact #"))
    assert shown(db, fact_id)["claimant"] == "Jens Stoltenberg"


# --- list: filters -------------------------------------------------------------------

@pytest.fixture
def every(db) -> list[dict]:
    return listed(db)


def _check_filter(db, every, args, keep):
    expected = [f["id"] for f in every if keep(f)]
    assert expected, "the filter must match something in the seed"
    assert len(expected) < len(every), "the filter must leave something out"
    assert ids(listed(db, *args)) == expected


def test_list_filter_actor_by_alias(db, every):
    _check_filter(db, every, ["--actor", "lukashenka"], lambda f: f["claimant"] == "Alexander Lukashenko")
    _check_filter(db, every, ["--actor", "Lukashenko", "--actor", "stoltenberg"],
                  lambda f: f["claimant"] in ("Alexander Lukashenko", "Jens Stoltenberg"))


def test_list_filter_unknown_actor_suggests(db):
    assert_user_error(run(db, "list", "--actor", "Lukashenkko"), "did you mean Alexander Lukashenko?")


def test_list_filter_subject(db, every):
    _check_filter(db, every, ["--subject", "troops in belarus"], lambda f: "troops in belarus" in f["subject"].lower())


def test_list_filter_unit(db, every):
    _check_filter(db, every, ["--unit", "troops"], lambda f: f["unit"] == "troops")
    _check_filter(db, every, ["--unit", "km", "--unit", "troops"], lambda f: f["unit"] in ("km", "troops"))


def test_list_filter_source(db, every):
    _check_filter(db, every, ["--source", "odr-2022-02-09"], lambda f: f["source"] == "odr-2022-02-09")


def test_list_filter_status(db, every):
    _check_filter(db, every, ["--status", "disputed"], lambda f: f["status"] == "disputed")
    _check_filter(db, every, ["--status", "active"], lambda f: f["status"] == "active")


def test_list_filter_tag(db, every):
    _check_filter(db, every, ["--tag", "troop-estimate"], lambda f: "troop-estimate" in f["tags"])
    _check_filter(db, every, ["--tag", "troop-estimate", "--tag", "allied-resolve-2022"],
                  lambda f: {"troop-estimate", "allied-resolve-2022"} <= set(f["tags"]))


def test_list_filter_since_until(db, every):
    # A fact holds in the window if its span overlaps it.
    _check_filter(db, every, ["--since", "2022-02-15", "--until", "2022-02-20"],
                  lambda f: f["date_end"] >= "2022-02-15" and f["date_start"] <= "2022-02-20")
    _check_filter(db, every, ["--until", "2021"], lambda f: f["date_start"] <= "2021-12-31")
    _check_filter(db, every, ["--since", "2022-02"], lambda f: f["date_end"] >= "2022-02-01")
    assert_user_error(run(db, "list", "--since", "yesterday"), "--since")


def test_list_filter_min_confidence_number(db, every):
    _check_filter(db, every, ["--min-confidence", "0.8"], lambda f: f["confidence"] >= 0.8)
    _check_filter(db, every, ["--min-confidence", "70%"], lambda f: f["confidence"] >= 0.7)
    assert_user_error(run(db, "list", "--min-confidence", "sure"), "--min-confidence")


def test_list_filter_min_confidence_word(db, every):
    # "very likely" is the band 0.80-0.95: seed facts rated "likely" (0.675) are left out.
    _check_filter(db, every, ["--min-confidence", "very likely"], lambda f: f["confidence"] >= 0.8)


def test_list_filter_min_confidence_word_includes_its_whole_band(db):
    # A fact entered as 0.6 is shown as "0.60 likely"; asking for at least "likely" must list it.
    fact_id = add_fact(db, "--confidence", "0.6")
    lower = add_fact(db, "--claim", "Below the band.", "--confidence", "0.5")
    found = ids(listed(db, "--min-confidence", "likely"))
    assert fact_id in found
    assert lower not in found


def test_list_search(db, every):
    _check_filter(db, every, ["--search", "Grodno"],
                  lambda f: "grodno" in " ".join(str(f[k] or "")
                                                 for k in ("claim", "subject", "quote", "as_stated")).lower())
    # Words are words, never FTS syntax.
    for text in ['NATO"', "troops AND", "(Belarus", "*", "NEAR(x y)"]:
        result = run(db, "list", "--json", "--search", text)
        assert result.exit_code == 0, (text, result.output)


def test_list_filters_combine(db, every):
    _check_filter(db, every, ["--subject", "Russian troops in Belarus", "--status", "disputed", "--unit", "troops"],
                  lambda f: f["subject"] == "Russian troops in Belarus" and f["status"] == "disputed"
                  and f["unit"] == "troops")


# --- list: output formats and sorting --------------------------------------------------

def test_list_json(db, every):
    assert len(every) >= 40
    assert ids(every) == sorted(ids(every))
    for key in ("id", "claim", "subject", "value", "low", "high", "unit", "qualifier", "date_start", "date_end",
                "date_precision", "claimant", "source", "confidence", "status", "tags", "quote"):
        assert key in every[0]


def test_list_nl(db, every):
    result = ok(run(db, "list", "--nl"))
    lines = result.stdout.splitlines()
    assert [json.loads(line) for line in lines] == every


def test_list_csv(db, every):
    result = ok(run(db, "list", "--csv", "--source", "odr-2022-02-09"))
    raw = result.stdout_bytes.decode("utf-8")
    header = raw.split("\r\n", 1)[0]
    assert header.split(",")[:4] == ["id", "claim", "subject", "value"]
    assert raw.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    expected = [f for f in every if f["source"] == "odr-2022-02-09"]
    assert [int(r["id"]) for r in rows] == ids(expected)
    assert rows[0]["claim"] == expected[0]["claim"]
    assert rows[0]["claimant"] == expected[0]["claimant"]


def test_list_table_is_the_default(db, every):
    default = ok(run(db, "list", "--actor", "Lukashenko"))
    explicit = ok(run(db, "list", "--table", "--actor", "Lukashenko"))
    assert default.stdout == explicit.stdout
    lines = default.stdout.splitlines()
    assert "claimant" in lines[0] and "subject" in lines[0]
    assert sum("Alexander Lukashenko" in line for line in lines) == len(listed(db, "--actor", "Lukashenko"))
    assert not default.stdout.lstrip().startswith("[")


def test_list_with_no_match_says_so(db):
    result = ok(run(db, "list", "--subject", "no such subject at all"))
    assert "No facts match." in result.stderr
    assert listed(db, "--subject", "no such subject at all") == []


def test_list_sort_value_desc(db, every):
    rows = listed(db, "--sort", "value", "--desc")
    assert sorted(ids(rows)) == sorted(ids(every))
    values = [r["value"] for r in rows if r["value"] is not None]
    assert values == sorted(values, reverse=True)
    assert rows[0]["value"] == max(values)
    ascending = [r["value"] for r in listed(db, "--sort", "value") if r["value"] is not None]
    assert ascending == sorted(ascending)


def test_list_sort_confidence_and_limit(db, every):
    rows = listed(db, "--sort", "confidence", "--desc", "--limit", "3")
    assert len(rows) == 3
    assert [r["confidence"] for r in rows] == sorted((f["confidence"] for f in every), reverse=True)[:3]


# --- show ----------------------------------------------------------------------------

def test_show_has_quote_in_its_paragraph_annotations_and_history(db):
    fact = seed_fact(db, "Porotnikov")
    fact_id = fact["id"]
    ok(run(db, "annotate", str(fact_id), "Checked against the railway channel."))
    ok(run(db, "rate", str(fact_id), "0.3", "--reason", "Counts arrivals only."))
    out = ok(run(db, "show", str(fact_id))).stdout
    assert f"Fact #{fact_id}" in out
    assert fact["claim"] in out
    assert fact["quote"] in out
    # The paragraph around the quote: the words before and after it in the article.
    text = sqlite3.connect(db).execute("SELECT text FROM sources WHERE key = ?", [fact["source"]]).fetchone()[0]
    start = text.rfind("\n", 0, fact["quote_start"]) + 1
    before = " ".join(text[start:fact["quote_start"]].split()[-4:])
    end = text.find("\n", fact["quote_end"])
    after = " ".join(text[fact["quote_end"]:end].split()[:4])
    assert before and after
    assert before in out and after in out
    assert "Annotations" in out and "Checked against the railway channel." in out
    assert "Counts arrivals only." in out
    assert "History" in out and "confidence" in out.split("History", 1)[1]
    assert "cli-tester" in out


def test_show_json_has_annotations_and_history(db):
    fact_id = seed_fact(db, "Porotnikov")["id"]
    data = shown(db, fact_id)
    assert data["id"] == fact_id
    assert isinstance(data["annotations"], list) and data["annotations"]
    assert data["history"] == []
    assert {a["kind"] for a in data["annotations"]} >= {"tag"}


# --- annotate, tag, rate, status -------------------------------------------------------

def test_annotate(db):
    fact_id = seed_fact(db, "Porotnikov")["id"]
    before = len(shown(db, fact_id)["annotations"])
    result = ok(run(db, "annotate", str(fact_id), "A second look.", env={"FACTS_AUTHOR": "dana"}))
    assert f"to fact #{fact_id}" in result.stdout
    annotations = shown(db, fact_id)["annotations"]
    assert len(annotations) == before + 1
    last = annotations[-1]
    assert (last["kind"], last["body"], last["author"]) == ("note", "A second look.", "dana")
    assert annotations[-1]["created_at"]


def test_facts_author_is_recorded(db):
    fact_id = add_fact(db, env={"FACTS_AUTHOR": "erin"})
    assert shown(db, fact_id)["created_by"] == "erin"
    ok(run(db, "tag", str(fact_id), "checked", env={"FACTS_AUTHOR": "frank"}))
    assert shown(db, fact_id)["annotations"][-1]["author"] == "frank"


def test_tag_and_remove(db):
    fact_id = seed_fact(db, "Porotnikov")["id"]
    result = ok(run(db, "tag", str(fact_id), "needs-review", "second-tag"))
    assert "needs-review" in result.stdout
    assert fact_id in ids(listed(db, "--tag", "needs-review"))
    assert "needs-review" in shown(db, fact_id)["tags"]
    ok(run(db, "tag", "--remove", str(fact_id), "needs-review"))
    assert fact_id not in ids(listed(db, "--tag", "needs-review"))
    data = shown(db, fact_id)
    assert "needs-review" not in data["tags"] and "second-tag" in data["tags"]
    kinds = [(a["kind"], a["tag"]) for a in data["annotations"]]
    assert ("tag", "needs-review") in kinds and ("untag", "needs-review") in kinds
    # Removing a tag the fact does not have is an error.
    assert_user_error(run(db, "tag", "--remove", str(fact_id), "never-had-it"), "never-had-it")


def test_rate_changes_confidence_and_lands_in_history(db):
    fact = seed_fact(db, "Porotnikov")
    fact_id, old = fact["id"], fact["confidence"]
    result = ok(run(db, "rate", str(fact_id), "very likely", "--reason", "Confirmed by a second source."))
    assert "0.88 very likely" in result.stdout
    data = shown(db, fact_id)
    assert data["confidence"] == pytest.approx(0.875)
    [change] = data["history"]
    assert change["old"]["confidence"] == pytest.approx(old)
    assert change["new"]["confidence"] == pytest.approx(0.875)
    assert change["changed_by"] == "cli-tester"
    rating = data["annotations"][-1]
    assert (rating["kind"], rating["body"]) == ("rate", "Confirmed by a second source.")
    assert rating["confidence"] == pytest.approx(0.875)
    assert fact_id in ids(listed(db, "--min-confidence", "0.85"))


def test_rate_needs_a_reason(db):
    fact_id = seed_fact(db, "Porotnikov")["id"]
    before = snapshot(db)
    result = run(db, "rate", str(fact_id), "0.9")
    assert result.exit_code != 0
    assert "--reason" in result.output and "Traceback" not in result.output
    assert_user_error(run(db, "rate", str(fact_id), "2", "--reason", "too sure"), "outside 0..1")
    assert snapshot(db) == before


def test_status_disputed_with_reason(db):
    fact = next(iter(listed(db, "--status", "active")))
    fact_id = fact["id"]
    result = ok(run(db, "status", str(fact_id), "disputed", "--reason", "Another source says otherwise."))
    assert f"Fact #{fact_id} is now disputed" in result.stdout
    data = shown(db, fact_id)
    assert (data["status"], data["status_reason"]) == ("disputed", "Another source says otherwise.")
    assert data["history"][-1]["old"]["status"] == "active"
    assert data["history"][-1]["new"]["status"] == "disputed"
    assert fact_id in ids(listed(db, "--status", "disputed"))


def test_status_needs_a_reason_and_superseded_needs_superseded_by(db):
    fact_id, other = ids(listed(db, "--status", "active"))[:2]
    before = snapshot(db)
    assert_user_error(run(db, "status", str(fact_id), "disputed"), "reason")
    assert_user_error(run(db, "status", str(fact_id), "superseded", "--reason", "Newer figure."), "superseded_by")
    assert_user_error(run(db, "status", str(fact_id), "superseded", "--reason", "x", "--superseded-by", str(fact_id)),
                      "supersede itself")
    assert snapshot(db) == before
    ok(run(db, "status", str(fact_id), "superseded", "--reason", "Newer figure.", "--superseded-by", str(other)))
    data = shown(db, fact_id)
    assert (data["status"], data["superseded_by"]) == ("superseded", other)


@pytest.mark.parametrize("args", [
    ["show", "99999"],
    ["show", "99999", "--json"],
    ["annotate", "99999", "A note."],
    ["tag", "99999", "x"],
    ["rate", "99999", "0.5", "--reason", "r"],
    ["status", "99999", "disputed", "--reason", "r"],
    ["status", "1", "superseded", "--reason", "r", "--superseded-by", "99999"],
])
def test_unknown_fact_id_is_one_line(db, args):
    before = snapshot(db)
    assert_user_error(run(db, *args), "no fact #99999")
    assert snapshot(db) == before


# --- the database: --db and FACTS_DB -----------------------------------------------------

@pytest.mark.parametrize("command", [["list"], ["show", "1"], ["sources", "list"], ["actors", "list"],
                                     ["annotate", "1", "x"]])
def test_missing_database_says_to_run_init(tmp_path, command):
    path = tmp_path / "missing.db"
    assert_user_error(run(path, *command), "facts init")
    assert not path.exists()


def test_facts_db_environment_variable(tmp_path, db):
    path = tmp_path / "from-env.db"
    ok(invoke(["init"], env={"FACTS_DB": str(path)}))
    assert path.exists()
    assert json.loads(ok(invoke(["list", "--json"], env={"FACTS_DB": str(path)})).stdout) == []
    assert len(json.loads(ok(invoke(["list", "--json"], env={"FACTS_DB": str(db)})).stdout)) >= 40
    # --db wins over FACTS_DB.
    seeded = json.loads(ok(invoke(["--db", str(db), "list", "--json"], env={"FACTS_DB": str(path)})).stdout)
    assert len(seeded) >= 40


# --- nothing from the data is markup or a terminal control code ---------------------------

def test_markup_in_the_data_is_shown_literally(db):
    claim = "[bold]x[/bold] and [red]red[/red] are not markup."
    subject = "[link=http://evil]subject[/link]"
    fact_id = add_fact(db, "--claim", claim, "--subject", subject, "--actor", "[blink]Someone[/blink]",
                       "--create-actors")
    table = ok(run(db, "list", "--search", "markup")).stdout
    assert subject in table
    assert "[blink]Someone[/blink]" in table
    out = ok(run(db, "show", str(fact_id))).stdout
    assert claim in out
    assert subject in out
    assert "[blink]Someone[/blink]" in out


def test_control_characters_are_refused_in_one_line_fields(db):
    before = snapshot(db)
    result = run(db, "add", *FACT_FLAGS[:1], "Red \x1b[31malert\x1b[0m claim.", *FACT_FLAGS[2:])
    assert_user_error(result, "claim:", "U+001B")
    assert snapshot(db) == before


def test_escape_codes_in_notes_and_source_text_are_shown_escaped(db, tmp_path):
    doc = tmp_path / "evil.txt"
    doc.write_text("Intro.\nBefore \x1b[31mred\x1b[0m the quoted words here \x1b]0;title\x07 after.\nEnd.\n",
                   encoding="utf-8")
    ok(run(db, "sources", "add", str(doc), "--key", "evil-doc", "--title", "Evil"))
    fact_id = add_fact(db, "--source", "evil-doc", "--quote", "the quoted words here")
    ok(run(db, "annotate", str(fact_id), "Note with \x1b[31mred\x1b[0m and [bold]markup[/bold]."))
    ok(run(db, "status", str(fact_id), "disputed", "--reason", "Reason \x1b[2J cleared?"))
    for args in (["show", str(fact_id)], ["list", "--source", "evil-doc"]):
        out = ok(run(db, *args)).stdout
        assert "\x1b[31m" not in out and "\x1b[2J" not in out and "\x1b]0;" not in out and "\x07" not in out
    out = ok(run(db, "show", str(fact_id))).stdout
    assert "\\x1b[31mred\\x1b[0m" in out  # in the quote's paragraph and in the note
    assert "Note with \\x1b[31mred\\x1b[0m and [bold]markup[/bold]." in out
    assert "Reason \\x1b[2J cleared?" in out
    assert "\\x1b]0;title\\x07" in out
    # The data itself is kept as written.
    data = shown(db, fact_id)
    assert data["annotations"][-2]["body"] == "Note with \x1b[31mred\x1b[0m and [bold]markup[/bold]."


def test_help_on_every_command():
    for args in (["--help"], ["init", "--help"], ["add", "--help"], ["import", "--help"], ["list", "--help"],
                 ["show", "--help"], ["annotate", "--help"], ["tag", "--help"], ["rate", "--help"],
                 ["status", "--help"], ["sources", "add", "--help"], ["sources", "list", "--help"],
                 ["actors", "add", "--help"], ["actors", "list", "--help"], ["actors", "alias", "--help"]):
        result = invoke(args)
        assert result.exit_code == 0, (args, result.output)
        assert "Usage:" in result.stdout


def test_add_interactive_asks_again_for_a_quote_not_in_the_source(db):
    flags = list(FACT_FLAGS)  # no --quote
    # Prompts: quantity (blank), quote (not in the text), then the quote again.
    good = "he estimates the number of Russian troops in Belarus at 30,000"
    result = ok(run(db, "add", "--interactive", *flags, input=f"\nwords that are nowhere\n{good}\n"))
    assert "quote: does not occur in the source text" in result.stderr
    assert result.stderr.count("Exact quote") == 2
    fact_id = int(result.stdout.strip().removeprefix("Added fact #"))
    assert shown(db, fact_id)["quote"] == good


@pytest.mark.parametrize("args, words", [
    (["list", "--sort", "nope"], "Invalid value for '--sort'"),
    (["bogus"], "No such command 'bogus'"),
    (["rate", "5", "0.7"], "Missing option '--reason'"),
])
def test_usage_errors_are_one_line(db, args, words):
    result = invoke(["--db", str(db), *args])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "--help" in lines[0]


def test_help_without_arguments_and_with_h():
    for args in ([], ["sources"], ["actors"]):
        result = invoke(args)
        assert result.exit_code == 0 and result.output.startswith("Usage: "), args
    for args in (["-h"], ["list", "-h"], ["sources", "add", "-h"]):
        result = invoke(args)
        assert result.exit_code == 0 and "Usage: " in result.output and "-h, --help" in result.output, args


def test_a_short_option_means_one_thing_in_every_command():
    import click

    from facts.cli import cli

    meanings: dict[str, set[str]] = {}

    def walk(command: click.Command) -> None:
        for param in command.params:
            if isinstance(param, click.Option):
                long_names = [o for o in param.opts if o.startswith("--")]
                for short in (o for o in param.opts if not o.startswith("--")):
                    meanings.setdefault(short, set()).update(long_names)
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                walk(sub)
    walk(cli)
    assert meanings and {s: m for s, m in meanings.items() if len(m) > 1} == {}


def test_shell_completion_offers_what_the_database_holds(db, tmp_path):
    from facts.completion import complete
    assert "Jens Stoltenberg" in complete(db, "actors", "jens") and "NATO" in complete(db, "actors", "na")
    assert complete(db, "sources", "odr") == ["odr-2022-02-09"]
    assert "Russian troops in Belarus" in complete(db, "subjects", "russian troops")
    assert all(s.lower().startswith("russian") for s in complete(db, "subjects", "Russian"))
    assert "facts_flat" in complete(db, "tables", "facts") and not complete(db, "tables", "facts_fts")
    assert complete(db, "actors", "%") == [] and complete(tmp_path / "missing.db", "actors", "") == []
    assert not (tmp_path / "missing.db").exists()  # completing never makes a database
    env = {"_FACTS_COMPLETE": "bash_complete", "COMP_WORDS": f"facts --db {db} list --source od", "COMP_CWORD": "5"}
    result = CliRunner().invoke(cli, [], env=env, prog_name="facts")
    assert "plain,odr-2022-02-09" in result.output.splitlines()
