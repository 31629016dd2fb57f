"""Two analysts working apart from one seeded database, through the command line as they would: they exchange
database files, a facts-dir through git, or a full-fidelity file; conflicts are listed with both sides and
resolved by a change that itself syncs; a malformed or hostile sync source is refused in one line and writes
nothing."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import copy_db, snapshot

from facts.cli import cli
from facts.db import open_db
from facts.sync import content


def run(db: Path, *args: str, author: str, ok: bool = True):
    result = CliRunner().invoke(cli, ["--db", str(db), *args], env={"FACTS_AUTHOR": author, "COLUMNS": "200"})
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def team(seed_template, tmp_path) -> tuple[Path, Path]:
    """Ana and Ben, each with a copy of the seeded database, each having worked apart: facts, notes, a new
    actor, an alias, a re-rating of the same fact, and a form edit of the same fact's figure."""
    ana, ben = tmp_path / "ana.db", tmp_path / "ben.db"
    copy_db(seed_template, ana)
    copy_db(seed_template, ben)
    run(ana, "rate", "2", "0.3", "--reason", "one source only", author="ana")
    run(ben, "rate", "2", "0.8", "--reason", "a second outlet confirms it", author="ben")
    run(ana, "annotate", "1", "Checked against the RUSI figure.", author="ana")
    run(ben, "annotate", "1", "The oDR piece gives no date for this.", author="ben")
    run(ana, "actors", "add", "Hajun", "--kind", "organization", author="ana")
    run(ben, "actors", "add", "Hajun", "--kind", "media", author="ben")
    run(ana, "actors", "alias", "NATO", "the Alliance", author="ana")
    run(ben, "actors", "alias", "Russia", "the Alliance", author="ben")
    for db, who, figure in ((ana, "ana", 31000), (ben, "ben", 29000)):
        opened = open_db(db)
        from facts.writing import edit_fact, fact_record
        edit_fact(opened, 1, {**fact_record(opened, 1), "quantity": {"value": figure, "qualifier": "approx"}}, who)
        opened.conn.close()
    run(ben, "add", "--no-interactive", "--claim", "Hajun counted 12 trains of equipment arriving in Belarus.",
        "--subject", "Russian trains to Belarus", "--quantity", "12", "--unit", "trains", "--date", "2022-02",
        "--actor", "NATO", "--source", "odr-2022-02-09", "--confidence", "0.5", author="ben")
    return ana, ben


def test_two_analysts_exchange_databases_and_converge(team):
    ana, ben = team
    said = run(ana, "sync", str(ben), author="ana").output
    assert "Synced 1 source:" in said and "conflicts to decide" in said
    run(ben, "sync", str(ana), author="ben")
    assert content(open_db(ana)) == content(open_db(ben))
    # the same fact keeps one uid everywhere; the fact Ben added is there, under its own uid
    trains = open_db(ana).execute("SELECT uid FROM facts WHERE subject = 'Russian trains to Belarus'").fetchall()
    assert trains == open_db(ben).execute("SELECT uid FROM facts WHERE subject = 'Russian trains to "
                                          "Belarus'").fetchall()
    # syncing again changes nothing
    before = snapshot(ana)
    assert "nothing new" in run(ana, "sync", str(ben), author="ana").output
    assert snapshot(ana) == before


def test_conflicts_list_both_sides_and_a_resolution_syncs(team):
    ana, ben = team
    run(ana, "sync", str(ben), author="ana")
    listed = json.loads(run(ana, "conflicts", "--json", author="ana").output)
    by_field = {}
    for row in listed:
        by_field.setdefault((row["kind"], row["field"]), []).append(row)
    confidence = by_field[("field", "confidence")]
    assert sorted((r["value"], r["by"]) for r in confidence) == [("0.30 unlikely", "ana"), ("0.80 very likely", "ben")]
    assert all(r["at"] for r in confidence)
    quantity = by_field[("field", "quantity")]
    assert sorted(r["by"] for r in quantity) == ["ana", "ben"]
    assert {r["kind"] for r in listed} >= {"field", "alias", "actor"}
    alias_sides = by_field[("alias", None)]  # an alias given apart says by whom and when, like any change
    assert sorted(r["by"] for r in alias_sides) == ["ana", "ben"] and all(r["at"] for r in alias_sides)
    # the fact shows it: in facts list, facts show and the filter term
    assert "conflicted" in run(ana, "show", "2", author="ana").output
    conflicted = run(ana, "list", "--where", "is:conflicted", "--json", author="ana").output
    assert {f["id"] for f in json.loads(conflicted)} == {1, 2}

    number = confidence[0]["conflict"]
    said = run(ana, "resolve", str(number), "--take", "theirs", author="ana").output
    assert f"Resolved #{number}" in said
    assert open_db(ana).execute("SELECT confidence FROM facts WHERE id = 2").fetchone()[0] == 0.8
    alias = by_field[("alias", None)][0]["conflict"]
    run(ana, "resolve", str(alias), "--take", "1", author="ana")
    # Ben takes the resolutions with Ana's work: the team agrees without Ben deciding again
    run(ben, "sync", str(ana), author="ben")
    remaining = {(r["kind"], r["field"]) for r in json.loads(run(ben, "conflicts", "--json", author="ben").output)}
    assert ("field", "confidence") not in remaining and ("alias", None) not in remaining
    assert ("field", "quantity") in remaining
    run(ana, "sync", str(ben), author="ana")
    assert content(open_db(ana)) == content(open_db(ben))


def test_a_resolution_is_refused_when_the_side_is_unclear(team):
    ana, ben = team
    run(ana, "sync", str(ben), author="ana")
    actor = next(r for r in json.loads(run(ana, "conflicts", "--json", author="ana").output) if r["kind"] == "actor")
    before = snapshot(ana)
    result = run(ana, "resolve", str(actor["conflict"]), "--take", "mine", author="ana", ok=False)
    assert result.exit_code == 1 and "give a side's number" in result.output
    result = run(ana, "resolve", "999", "--take", "1", author="ana", ok=False)
    assert result.exit_code == 1 and "no conflict #999" in result.output
    assert snapshot(ana) == before


def test_a_full_fidelity_file_syncs_like_the_database_it_came_from(team, tmp_path):
    ana, ben = team
    exported = tmp_path / "ben.jsonl"
    run(ben, "export", "--format", "facts-jsonl", "-o", str(exported), author="ben")
    by_file = tmp_path / "by-file.db"
    copy_db(ana, by_file)
    run(by_file, "sync", str(exported), author="ana")
    run(ana, "sync", str(ben), author="ana")
    assert content(open_db(by_file)) == content(open_db(ana))


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(folder), "PATH": "/usr/bin:/bin",
           "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=folder, env=env, capture_output=True, text=True, check=False)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is installed by .ci/setup")
def test_a_facts_dir_shared_through_git_merges_without_conflicts_and_converges(seed_template, team, tmp_path):
    ana, ben = team
    origin = tmp_path / "origin.git"
    assert _git(tmp_path, "init", "--bare", "-b", "main", str(origin)).returncode == 0
    # The team's repository starts with the seeded collection, before either analyst worked.
    start = tmp_path / "start"
    assert _git(tmp_path, "clone", str(origin), str(start)).returncode == 0
    run(seed_template, "export", "--format", "facts-dir", str(start / "collection"), author="desk")
    assert _git(start, "add", "-A").returncode == 0
    assert _git(start, "commit", "-m", "the seeded collection").returncode == 0
    assert _git(start, "push", "origin", "HEAD:main").returncode == 0
    clones = {}
    for who in ("ana", "ben"):
        clones[who] = tmp_path / f"{who}-clone"
        assert _git(tmp_path, "clone", str(origin), str(clones[who])).returncode == 0
    # Ana shares first; Ben pulls it, but has committed his own export before: git merges the two
    run(ana, "export", "--format", "facts-dir", str(clones["ana"] / "collection"), author="ana")
    assert _git(clones["ana"], "add", "-A").returncode == 0
    assert _git(clones["ana"], "commit", "-m", "ana's work").returncode == 0
    assert _git(clones["ana"], "push", "origin", "HEAD:main").returncode == 0
    run(ben, "export", "--format", "facts-dir", str(clones["ben"] / "collection"), author="ben")
    assert _git(clones["ben"], "add", "-A").returncode == 0
    assert _git(clones["ben"], "commit", "-m", "ben's work").returncode == 0
    pulled = _git(clones["ben"], "pull", "--no-rebase", "--no-edit", "origin", "main")
    assert pulled.returncode == 0 and "CONFLICT" not in pulled.stdout, pulled.stdout + pulled.stderr
    run(ben, "sync", str(clones["ben"] / "collection"), author="ben")
    run(ben, "export", "--format", "facts-dir", str(clones["ben"] / "collection"), author="ben")
    assert _git(clones["ben"], "add", "-A").returncode == 0
    assert _git(clones["ben"], "commit", "-m", "ben synced").returncode == 0
    assert _git(clones["ben"], "push", "origin", "HEAD:main").returncode == 0
    pulled = _git(clones["ana"], "pull", "--no-rebase", "--no-edit", "origin", "main")
    assert pulled.returncode == 0 and "CONFLICT" not in pulled.stdout
    run(ana, "sync", str(clones["ana"] / "collection"), author="ana")
    assert content(open_db(ana)) == content(open_db(ben))


# --- sync sources that are not what they say -----------------------------------------------------------

def _file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _facts_dir(folder: Path, *lines: str) -> Path:
    (folder / "log").mkdir(parents=True)
    (folder / "facts-dir.json").write_text('{"format": "facts-dir", "version": 1}\n')
    (folder / "log" / "x.jsonl").write_text("".join(line + "\n" for line in lines))
    return folder


ACTOR = '{"type": "actor", "uid": "%s", "name": "%s", "kind": "organization", "added_at": "2026-01-01T00:00:00.000Z"}'
UID = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize("name, make, words", [
    ("random bytes", lambda p: _file(p / "x.db", b"SQLite format 3\x00" + b"\x17" * 4000), "not"),
    ("not a source", lambda p: _file(p / "x.txt", b"hello"), "not a facts database"),
    ("an empty folder", lambda p: p, "holds no facts database"),
    ("a wrong marker", lambda p: _file(p / "facts-dir.json", b'{"format": "facts-dir", "version": 9}').parent,
     "version 9"),
    ("not JSON", lambda p: _facts_dir(p, "{nope"), "x.jsonl:1: not a JSON line"),
    ("deep nesting", lambda p: _facts_dir(p, '{"a": ' * 10_000 + "1" + "}" * 10_000), "x.jsonl:1:"),
    ("an unknown type", lambda p: _facts_dir(p, '{"type": "wibble", "uid": "x"}'), "its type must be one of"),
    ("no uid", lambda p: _facts_dir(p, '{"type": "actor", "name": "X"}'), "without its uid"),
    ("a control character", lambda p: _facts_dir(p, ACTOR % (UID, "Evil\\u001b]0;owned\\u0007")), "refused"),
    ("a wrong type", lambda p: _facts_dir(p, json.dumps({"type": "actor", "uid": UID, "name": 5, "kind": "x"})),
     "refused"),
    ("a fact without its source", lambda p: _facts_dir(p, ACTOR % (UID, "Somebody"), json.dumps(
        {"type": "fact", "uid": "f" * 32, "claim": "c", "subject": "s", "date_start": "2022-01-01",
         "date_end": "2022-01-01", "date_precision": "day", "actor_id": UID, "source_id": "e" * 32,
         "confidence": 0.5, "created_at": "2026-01-01T00:00:00.000Z"})), "claimant or source is missing"),
    ("a change out of range", lambda p: _facts_dir(p, json.dumps(
        {"type": "change", "uid": "c" * 32, "table": "fact", "record": "nope", "parents": 5, "action": "update",
         "at": "2026", "by": "x", "old": {}, "new": {"confidence": 7}})), ""),
])
def test_a_bad_sync_source_is_one_line_and_writes_nothing(seeded_path, tmp_path, name, make, words):
    folder = tmp_path / "source"
    folder.mkdir()
    source = make(folder)
    before = snapshot(seeded_path)
    result = CliRunner().invoke(cli, ["--db", str(seeded_path), "sync", str(source)], env={"COLUMNS": "200"})
    assert snapshot(seeded_path) == before, name
    if name == "a change out of range":  # a change of a fact this database does not have: nothing to do
        assert result.exit_code == 0 and "nothing new" in result.output
        return
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert words in result.output and "\x1b" not in result.output and "\x07" not in result.output


def test_a_newer_database_is_refused(seeded_path, tmp_path):
    newer = tmp_path / "newer.db"
    copy_db(seeded_path, newer)
    import sqlite3
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = snapshot(seeded_path)
    result = CliRunner().invoke(cli, ["--db", str(seeded_path), "sync", str(newer)])
    assert result.exit_code == 1 and "upgrade facts" in result.output
    assert snapshot(seeded_path) == before and sqlite3.connect(newer).execute("PRAGMA user_version").fetchone()[0] == 99


def test_the_browser_lists_conflicts_marks_the_fact_and_takes_a_side(team):
    """K lists the conflicts with both sides; a digit and y take that side, which lands as a change; the fact
    reads 'conflicted' in the table until then."""
    from support import browse, settle, shown_in, table, until
    from textual.widgets import DataTable, Static

    from facts_tui.screens import ConflictsScreen
    ana, ben = team
    run(ana, "sync", str(ben), author="ana")

    async def scenario(app, pilot):
        assert app.collection.rows([2])[2]["status_text"] == "conflicted, disputed"  # the table's status column
        assert app.collection.rows([3])[3]["status_text"] == "active"
        await pilot.press("K")
        await until(pilot, lambda: isinstance(app.screen, ConflictsScreen) and app.screen.conflicts)
        screen = app.screen
        listed = [c.about for c, _ in screen.conflicts]
        assert "fact #2" in listed and "fact #1" in listed
        at = listed.index("fact #2")
        screen.query_one(DataTable).move_cursor(row=at)
        await settle(pilot, app)
        sides = shown_in(app, screen.query_one("#conflict-sides", Static))
        assert "0.30 unlikely" in sides and "0.80 very likely" in sides and "ana" in sides and "ben" in sides
        taken = 2 if screen.conflicts[at][1][1].startswith("0.80") else 1
        await pilot.press(str(taken), "y")
        await until(pilot, lambda: isinstance(app.screen, ConflictsScreen)
                    and "fact #2" not in [c.about for c, _ in app.screen.conflicts])
        screen = app.screen
        screen.query_one(DataTable).move_cursor(row=[c.about for c, _ in screen.conflicts].index("fact #1"))
        await settle(pilot, app)
        await pilot.press("enter")  # to the fact
        await until(pilot, lambda: not isinstance(app.screen, ConflictsScreen) and table(app).highlighted_id() == 1)

    browse(ana, scenario)
    opened = open_db(ana)
    assert opened.execute("SELECT confidence FROM facts WHERE id = 2").fetchone()[0] == 0.8
    assert opened.execute("SELECT conflicted FROM facts_flat WHERE id = 2").fetchone()[0] == 0



def test_one_claim_entered_by_both_is_a_likely_duplicate_never_merged_silently(seed_template, tmp_path):
    ana, ben = tmp_path / "ana.db", tmp_path / "ben.db"
    copy_db(seed_template, ana)
    copy_db(seed_template, ben)
    claim = ["add", "--no-interactive", "--subject", "Russian troops in Belarus", "--quantity", "30,000",
             "--unit", "troops", "--date", "2022-02", "--actor", "Igor Ilyash", "--source", "odr-2022-02-09",
             "--quote", "he estimates the number of Russian troops in Belarus at 30,000", "--confidence", "0.6"]
    run(ana, *claim, "--claim", "Ilyash cites a NATO estimate of 30,000 Russian troops.", author="ana")
    run(ben, *claim, "--claim", "Ilyash reports 30,000 Russian troops, as NATO estimates.", author="ben")
    run(ana, "sync", str(ben), author="ana")
    run(ben, "sync", str(ana), author="ben")
    listed = json.loads(run(ana, "conflicts", "--json", author="ana").output)
    duplicates = [r for r in listed if r["kind"] == "duplicate"]
    assert len(duplicates) == 2 and len({r["conflict"] for r in duplicates}) == 1  # one pair, two sides
    assert open_db(ana).execute("SELECT count(*) FROM facts WHERE claim LIKE 'Ilyash%'").fetchone()[0] == 2
    number = duplicates[0]["conflict"]
    said = run(ana, "resolve", str(number), "--take", "1", author="ana").output
    assert "the other is marked superseded by it" in said
    run(ben, "sync", str(ana), author="ben")
    assert not [r for r in json.loads(run(ben, "conflicts", "--json", author="ben").output)
                if r["kind"] == "duplicate"]
    statuses = sorted(s for (s,) in open_db(ben).execute("SELECT status FROM facts WHERE claim LIKE 'Ilyash%'"))
    assert statuses == ["active", "superseded"]
    run(ana, "sync", str(ben), author="ana")
    assert content(open_db(ana)) == content(open_db(ben))


def test_a_source_updated_apart(seed_template, tmp_path):
    """The same new text stored by both is one version everywhere. Two different texts stored apart are both
    kept as versions in every database, the later one current; the conflict lists both where they differ,
    and taking either settles it everywhere."""
    from facts.sources import get_source, source_versions
    ana, ben, cal = tmp_path / "ana.db", tmp_path / "ben.db", tmp_path / "cal.db"
    for db in (ana, ben, cal):
        copy_db(seed_template, db)
    key = "odr-2022-02-09"
    text = get_source(open_db(ana), key)["text"]
    corrected = tmp_path / "corrected.txt"
    corrected.write_text(text.replace("Experts are more reserved", "Some experts are more reserved"), encoding="utf-8")
    for db, who in ((ana, "ana"), (ben, "ben")):
        run(db, "sources", "update", key, str(corrected), "--reason", "the outlet's correction", author=who)
    run(ana, "sync", str(ben), author="ana")
    run(ben, "sync", str(ana), author="ben")
    assert content(open_db(ana)) == content(open_db(ben))
    assert not json.loads(run(ana, "conflicts", "--json", author="ana").output)

    other = tmp_path / "other.txt"
    other.write_text(text.replace("Experts are more reserved", "Experts are far more reserved"), encoding="utf-8")
    newer = tmp_path / "newer.txt"
    newer.write_text(text.replace("Experts are more reserved", "Experts remain reserved"), encoding="utf-8")
    run(ana, "sources", "update", key, str(other), "--reason", "a reprint", author="ana")
    run(ben, "sources", "update", key, str(newer), "--reason", "a later edit", author="ben")
    run(ana, "sync", str(ben), author="ana")
    run(ben, "sync", str(ana), author="ben")
    run(cal, "sync", str(ben), author="cal")
    assert content(open_db(ana)) == content(open_db(ben)) == content(open_db(cal))
    for db in (ana, ben, cal):
        source = get_source(open_db(db), key)
        assert "Experts remain reserved" in source["text"] and source["version"] == 4  # the later one, current
        assert [v["version"] for v in source_versions(open_db(db), key)] == [1, 2, 3, 4]
    listed = [r for r in json.loads(run(cal, "conflicts", "--json", author="cal").output) if r["kind"] == "source"]
    assert len({r["conflict"] for r in listed}) == 1 and [r["by"] for r in listed] == ["ana", "ben"]
    assert "far more reserved" in listed[0]["value"] and "(current)" in listed[1]["value"]
    facts_quoting = open_db(ana).execute("SELECT count(*) FROM facts f JOIN sources s ON s.id = f.source_id "
                                         "WHERE s.key = ? AND f.quote_start IS NOT NULL AND substr(s.text, "
                                         "f.quote_start + 1, length(f.quote)) = f.quote", [key]).fetchone()[0]
    assert facts_quoting > 0 and facts_quoting == open_db(ana).execute(
        "SELECT count(*) FROM facts f JOIN sources s ON s.id = f.source_id WHERE s.key = ? "
        "AND f.quote_start IS NOT NULL", [key]).fetchone()[0]  # every quote stands in the current text

    said = run(ana, "resolve", str(listed[0]["conflict"]), "--take", "mine", author="ana").output
    assert "version 3 is its text" in said
    run(ben, "sync", str(ana), author="ben")
    run(cal, "sync", str(ben), author="cal")
    run(ana, "sync", str(cal), author="ana")
    assert content(open_db(ana)) == content(open_db(ben)) == content(open_db(cal))
    for db in (ana, ben, cal):
        assert "far more reserved" in get_source(open_db(db), key)["text"]
        assert not [r for r in json.loads(run(db, "conflicts", "--json", author="x").output) if r["kind"] == "source"]


def test_a_source_conflict_settled_on_the_current_text(seed_template, tmp_path):
    """Keeping the text that is already current writes a change made on both sides: settled everywhere."""
    from facts.sources import get_source
    ana, ben = tmp_path / "ana.db", tmp_path / "ben.db"
    copy_db(seed_template, ana)
    copy_db(seed_template, ben)
    key = "odr-2022-02-09"
    text = get_source(open_db(ana), key)["text"]
    for db, who, words in ((ana, "ana", "Experts are far more reserved"), (ben, "ben", "Experts remain reserved")):
        path = tmp_path / f"{who}.txt"
        path.write_text(text.replace("Experts are more reserved", words), encoding="utf-8")
        run(db, "sources", "update", key, str(path), author=who)
    run(ana, "sync", str(ben), author="ana")
    listed = [r for r in json.loads(run(ana, "conflicts", "--json", author="ana").output) if r["kind"] == "source"]
    said = run(ana, "resolve", str(listed[0]["conflict"]), "--take", "theirs", author="ana").output
    assert "version 3 is its text" in said
    assert not [r for r in json.loads(run(ana, "conflicts", "--json", author="ana").output) if r["kind"] == "source"]
    run(ben, "sync", str(ana), author="ben")
    assert content(open_db(ana)) == content(open_db(ben))
    assert get_source(open_db(ben), key)["version"] == 3
    assert not [r for r in json.loads(run(ben, "conflicts", "--json", author="ben").output) if r["kind"] == "source"]
