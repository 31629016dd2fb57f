"""What the main screens look like, at 80x24 and 160x48 (pytest-textual-snapshot).

The database is made with the clock held still, so that the screens do not
change from run to run. `pytest --snapshot-update` rewrites them after a
deliberate change; look at the SVGs before committing them.
"""

import pytest
from support import make_old

import facts.actors
import facts.db
from facts.db import open_db
from facts.fact_files import read_files, seed_files
from facts.importer import import_records
from facts_tui.app import FactsApp
from facts_tui.fact_table import FactTable

SIZES = [(80, 24), (160, 48)]


@pytest.fixture
def still_db(tmp_path, monkeypatch):
    monkeypatch.setattr(facts.db, "utc_now", lambda: "2026-01-01T09:00:00.000Z")
    monkeypatch.setenv("FACTS_AUTHOR", "analyst")  # the history shows who changed what
    path = tmp_path / "facts.db"
    db = open_db(path, create=True)
    import_records(db, read_files(seed_files()), "analyst")
    db.conn.close()
    return path


async def settle(pilot):
    """Idle three times in a row: a worker that a change starts (a suggestion, a count) has started and ended;
    and a form has shown what it may repeat for what is typed in it now. The text cursor stops blinking, so
    that the screen does not depend on the moment it is taken."""
    for field in pilot.app.screen.query("Input"):
        field.cursor_blink = False
    idle = 0
    for _ in range(80):
        await pilot.pause(0.05)
        form = pilot.app.screen
        answered = getattr(form, "repeats_answered", 0) == getattr(form, "repeats_asked", 0)
        idle = idle + 1 if answered and not any(w.is_running for w in pilot.app.workers) else 0
        if idle >= 3:
            break
    await pilot.pause(0.1)


@pytest.mark.parametrize("size", SIZES)
def test_main_screen(snap_compare, still_db, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("down", "down", "down", "down")
        await settle(pilot)
    assert snap_compare(FactsApp(still_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_filtered_with_error(snap_compare, still_db, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("slash", *"unit:troops conf>=likelyy")
        await settle(pilot)
    assert snap_compare(FactsApp(still_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_compare_screen(snap_compare, still_db, size):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.query_one(FactTable).focus()
        await pilot.press("c")
        await settle(pilot)
    assert snap_compare(FactsApp(still_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_source_reader(snap_compare, still_db, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot)
        await pilot.press("n", "n", "n")
        await settle(pilot)
    assert snap_compare(FactsApp(still_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare, still_db, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
    assert snap_compare(FactsApp(still_db), terminal_size=size, run_before=run_before)


# Each dialog with realistic text typed into it, on fact 5 (Porotnikov's 10,000, rated 0.50, disputed).
DIALOGS = {
    "note": ["a", *"Matches the rail-traffic counts in the ODR piece"],
    "tag": ["t", *"needs-second-source"],
    "rate": ["r", *"very likely", "tab", *"Rail counts agree"],
    "status": ["d", "tab", *"Restated by the blog in March"],
    "export": ["x", *"exports/troops.csv"],
    "form": ["n", *"NATO repeats its estimate of 30,000 troops.", "tab", *"Russian troops in Belarus", "tab",
             *"about 30,000 troops"],
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("dialog", list(DIALOGS))
def test_dialog(snap_compare, still_db, size, dialog):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("down", "down", "down", "down")
        await settle(pilot)
        await pilot.press(DIALOGS[dialog][0])
        await settle(pilot)
        await pilot.press(*DIALOGS[dialog][1:])
        await settle(pilot)
    assert snap_compare(FactsApp(still_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_revert_confirmation(snap_compare, still_db, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("down", "down", "down", "down", "r", *"likely", "tab", *"Rail counts agree", "ctrl+s")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    assert snap_compare(FactsApp(still_db), terminal_size=size, run_before=run_before)


async def form_on_sentence(pilot, source: str, words: str, subject: str) -> None:
    """Open the source in the reader, step to the first sentence holding `words`, press `f` and type
    the subject, as a person entering a fact from what they read does."""
    await settle(pilot)
    await pilot.press("o")
    await settle(pilot)
    sources = pilot.app.screen.query_one("DataTable")
    sources.move_cursor(row=sources.get_row_index(source))
    await pilot.press("enter")
    await settle(pilot)
    reader = pilot.app.screen
    target = next(i for i, s in enumerate(reader.sentences) if words in s.text)
    await pilot.press("right_square_bracket")
    while reader.sentence < target:
        await pilot.press("right_square_bracket")
    await pilot.press("f")
    await settle(pilot)
    await pilot.press("tab", *subject)
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_form_beside_its_source(snap_compare, still_db, size):
    """`f` on Porotnikov's sentence: the source beside the form at 160 columns, above it at 80."""
    async def run_before(pilot):
        await form_on_sentence(pilot, "odr-2022-02-09", "Porotnikov", "Russian troops in Belarus")
    assert snap_compare(FactsApp(still_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_form_offers_near_names_for_an_unknown_actor(snap_compare, still_db, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Stoltenberg repeats the 30,000 estimate.", "tab", *"Russian troops in Belarus", "tab",
                          *"30,000 troops", "tab", "tab", *"2022-02", "tab", "tab", *"Jens Stoltenbreg", "ctrl+s")
        await settle(pilot)
    assert snap_compare(FactsApp(still_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_actors_screen(snap_compare, still_db, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
    assert snap_compare(FactsApp(still_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_actor_dialog(snap_compare, still_db, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("down", "enter")  # Andrey Porotnikov
        await settle(pilot)
        await pilot.press("ctrl+u", *"Andriy Porotnikov")
        pilot.app.screen.query_one("#field-speaks_for").focus()
        await pilot.press(*"Belarus Security Blog", "tab", *"2014")
        await settle(pilot)
    assert snap_compare(FactsApp(still_db), terminal_size=size, run_before=run_before)


@pytest.fixture
def sources_db(tmp_path, monkeypatch):
    """The schema-4 fixture (a PDF, a web page, a source of two versions with an orphan), upgraded with the
    clock held still."""
    monkeypatch.setattr(facts.db, "utc_now", lambda: "2026-01-01T09:00:00.000Z")
    path = tmp_path / "facts.db"
    make_old(path, 4)
    open_db(path).conn.close()
    return path


@pytest.mark.parametrize("size", SIZES)
def test_sources_screen(snap_compare, sources_db, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("down", "down", "down", "down")  # memo: two versions, an orphan
        await settle(pilot)
    assert snap_compare(FactsApp(sources_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_source_dialog(snap_compare, sources_db, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("down", "e")  # border-report, the PDF
        await settle(pilot)
        await pilot.press("tab", *"Belarus Monitoring Desk", "tab", "tab", *"14 March 2022", "tab", "tab", "tab",
                          "tab", *"publisher and date from the report's cover page", "enter")
        await settle(pilot)
    assert snap_compare(FactsApp(sources_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_pdf_in_the_reader(snap_compare, sources_db, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("down", "enter")  # border-report, the PDF
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
    assert snap_compare(FactsApp(sources_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_form_suggests_the_fact_it_may_repeat(snap_compare, still_db, size):
    """A new fact with the subject, value and claimant of stored ones: the form names them under Repeats."""
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = pilot.app.screen
        for name, typed in (("claim", "Stoltenberg repeats that 30,000 Russian troops are in Belarus."),
                            ("subject", "Russian troops in Belarus"), ("quantity", "30,000"),
                            ("actor", "Stoltenberg"), ("source", "blp-joint-exercises")):
            form.query_one(f"#field-{name}").focus()
            await pilot.press(*typed)
        form.query_one("#field-repeats").focus()
        await settle(pilot)
    assert snap_compare(FactsApp(still_db), terminal_size=size, run_before=run_before)


@pytest.fixture
def team_db(tmp_path, monkeypatch):
    """Two analysts' work synced: a re-rating each of one fact, an alias given to two actors, an actor added
    twice with two kinds, two corrected texts of one source; each change a second after the last, so that
    the screens are the same every run."""
    import time

    from facts.actors import add_actor, add_alias, resolve_actor
    from facts.annotations import annotate
    from facts.db import transaction
    from facts.models import Actor
    from facts.sync import read_work, sync_work
    clock = iter(f"2026-01-01T{9 + m // 60:02d}:{m % 60:02d}:00.000Z" for m in range(600))
    monkeypatch.setattr(facts.db, "utc_now", lambda: next(clock))
    monkeypatch.setattr(facts.actors, "utc_now", facts.db.utc_now)  # an alias's time
    ana, ben = tmp_path / "facts.db", tmp_path / "ben.db"
    db = open_db(ana, create=True)
    import_records(db, read_files(seed_files()), "analyst")
    db.conn.close()
    ben.write_bytes(ana.read_bytes())
    a, b = open_db(ana), open_db(ben)
    annotate(a, fact_id=2, kind="rate", confidence=0.3, body="one source only", author="ana")
    annotate(b, fact_id=2, kind="rate", confidence=0.8, body="a second outlet confirms it", author="ben")
    for db, kind, owner in ((a, "organization", "NATO"), (b, "media", "Russia")):
        with transaction(db):
            add_actor(db, Actor(name="Hajun", kind=kind))
            add_alias(db, resolve_actor(db, owner), "the Alliance")
        time.sleep(0.005)  # uids are made from the clock: the first made is the first listed
    from facts.sources import get_source, update_source
    text = get_source(a, "odr-2022-02-09")["text"]
    for db, who, words in ((a, "ana", "Experts are far more reserved"), (b, "ben", "Experts remain reserved")):
        new = text.replace("Experts are more reserved", words)
        with transaction(db):
            update_source(db, "odr-2022-02-09", new, "text/plain", None, new.encode(), who, facts.db.utc_now())
    with transaction(a):
        sync_work(a, read_work(b), "ana", "2026-01-01T10:00:00.000Z")
    a.conn.close()
    b.conn.close()
    return ana


@pytest.mark.parametrize("size", SIZES)
def test_conflicts_screen(snap_compare, team_db, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
    assert snap_compare(FactsApp(team_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_source_text_conflict(snap_compare, team_db, size):
    """Two texts stored apart: each side shows where its text differs from the other."""
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
    assert snap_compare(FactsApp(team_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_conflict_confirmation(snap_compare, team_db, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
    assert snap_compare(FactsApp(team_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_form_says_which_fields_were_inferred(snap_compare, still_db, tmp_path, size):
    """`f` on a wire story's sentence that names no speaker and dates itself "On Monday": the form proposes
    the publisher and the Monday before publication, and says under each that it was inferred."""
    from support import run, write
    text = write(tmp_path, "wire.txt", "Marches across the country\n\n"
                 "On Monday, some 5,000 people marched through the capital against the pension reform.\n")
    added = run(still_db, "sources", "add", str(text), "--key", "wire-2024-03-06", "--title", "Pension marches",
                "--published", "2024-03-06", "--publisher", "Daily Ledger")
    assert added.exit_code == 0, added.output

    async def run_before(pilot):
        await form_on_sentence(pilot, "wire-2024-03-06", "5,000", "Pension reform protests (turnout)")
    assert snap_compare(FactsApp(still_db), terminal_size=size, run_before=run_before)


@pytest.fixture
def inbox_db(still_db):
    """The seeds and a new source whose figures no fact cites yet: its inbox has figures to decide on."""
    from pathlib import Path

    from support import run
    memo = Path(__file__).parent / "fixtures" / "memo-2023.txt"
    added = run(still_db, "sources", "add", str(memo), "--key", "memo-2023", "--title", "Border report",
                "--published", "2023-03-06")
    assert added.exit_code == 0, added.output
    return still_db


@pytest.mark.parametrize("size", SIZES)
def test_inbox_screen(snap_compare, inbox_db, size):
    """A source's pending figures: what each reads as before where it stands, beside its paragraph."""
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("down", "down", "i")  # memo-2023, third by key
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
    assert snap_compare(FactsApp(inbox_db), terminal_size=size, run_before=run_before)
