"""What the main screens look like, at 80x24 and 160x48 (pytest-textual-snapshot).

The database is made with the clock held still, so that the screens do not
change from run to run. `pytest --snapshot-update` rewrites them after a
deliberate change; look at the SVGs before committing them.
"""

import pytest

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
    path = tmp_path / "facts.db"
    db = open_db(path, create=True)
    import_records(db, read_files(seed_files()), "analyst")
    db.conn.close()
    return path


async def settle(pilot):
    for _ in range(40):
        await pilot.pause(0.05)
        if not any(w.is_running for w in pilot.app.workers):
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
