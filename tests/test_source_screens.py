"""Sources as the analyst sees them: the browser's sources screen (kind, versions, orphans, editing the
metadata, opening the URL), PDF pages in the reader, `facts show` and exports, orphans in the fact table.

The database is the schema-4 fixture upgraded: the seeds, a two-page PDF with a fact quoting each page,
a saved web page with its URL, and a source of two versions with one quote found reworded and one an orphan.
"""

import csv
import io
import sqlite3

import pytest
from support import browse, make_old, run, settle, shown_in, snapshot, table, text_of, until

from facts.db import open_db
from facts_tui.curate import SourceDialog
from facts_tui.screens import SourceReaderScreen, SourcesScreen


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("sources") / "template.db"
    make_old(path, 4)
    open_db(path).conn.close()  # upgraded once, here
    return path


@pytest.fixture
def path(template, tmp_path):
    copy = tmp_path / "facts.db"
    copy.write_bytes(template.read_bytes())
    return copy


def rows_of(screen) -> dict[str, list[str]]:
    table = screen.query_one("#sources-table")
    return {str(key.value): [str(c) for c in table.get_row(key)] for key in table.rows}


async def open_sources(pilot, app, key: str) -> SourcesScreen:
    await pilot.press("o")
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, SourcesScreen)
    table = screen.query_one("#sources-table")
    table.move_cursor(row=table.get_row_index(key))
    await settle(pilot, app)
    return screen


def test_the_sources_screen_shows_each_kind_version_count_and_orphans(path):
    async def scenario(app, pilot):
        rows = rows_of(await open_sources(pilot, app, "memo"))
        # key, kind, versions, facts, orphans, rel., published, title, publisher
        assert rows["border-report"][1:5] == ["PDF, 2 pages", "1", "2", ""]
        assert rows["daily-test"][1:6] == ["web page", "1", "0", "", "C"]
        assert rows["memo"][1:5] == ["text", "2", "2", "1"]
    browse(path, scenario)


def test_metadata_edited_from_the_sources_screen_is_kept_with_its_reason(path, monkeypatch):
    monkeypatch.setenv("FACTS_AUTHOR", "desk-editor")

    async def scenario(app, pilot):
        screen = await open_sources(pilot, app, "border-report")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, SourceDialog))
        await pilot.press("tab", *"Belarus Monitoring Desk", "tab", "tab", *"2022-03-14")
        app.screen.query_one("#field-reliability").value = "B"
        app.screen.query_one("#field-reason").focus()
        await pilot.press(*"publisher and date from the PDF's cover page", "enter")
        await until(pilot, lambda: app.screen is screen)
        await settle(pilot, app)
        assert rows_of(screen)["border-report"][5:] == ["B", "2022-03-14", "Border report", "Belarus Monitoring Desk"]
    browse(path, scenario)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT publisher, published, reliability, updated_by, change_reason FROM sources "
                        "WHERE key = 'border-report'").fetchone() == (
        "Belarus Monitoring Desk", "2022-03-14", "B", "desk-editor", "publisher and date from the PDF's cover page")
    history = conn.execute("SELECT changed_by, reason, old, new FROM source_history ORDER BY id DESC").fetchone()
    assert history[:2] == ("desk-editor", "publisher and date from the PDF's cover page")
    assert '"publisher":null' in history[2] and '"publisher":"Belarus Monitoring Desk"' in history[3]


def test_a_metadata_edit_without_a_reason_or_with_a_bad_date_is_refused_and_keeps_what_was_typed(path):
    before = snapshot(path)

    async def scenario(app, pilot):
        await open_sources(pilot, app, "border-report")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, SourceDialog))
        dialog = app.screen
        await pilot.press("tab", "tab", "tab", *"14 March", "enter")
        await until(pilot, lambda: "-shown" in dialog.query_one("#error-reason").classes)
        assert app.screen is dialog
        assert "say why" in text_of(dialog.query_one("#error-reason"))
        assert "not a date" in text_of(dialog.query_one("#error-published"))
        assert dialog.query_one("#field-published").value == "14 March"
    browse(path, scenario)
    assert snapshot(path) == before


@pytest.mark.parametrize("display, opened, copied", [
    (":0", ["https://daily.example/world/belarus-troops"], []),
    (None, [], ["https://daily.example/world/belarus-troops"]),  # a console browser would take the terminal
])
def test_u_opens_the_sources_url_in_a_graphical_browser_or_copies_it(path, monkeypatch, display, opened, copied):
    for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    if display:
        monkeypatch.setenv("DISPLAY", display)
    seen: dict[str, list[str]] = {"opened": [], "copied": []}

    async def scenario(app, pilot):
        monkeypatch.setattr(app, "open_url", lambda url, **_: seen["opened"].append(url))
        monkeypatch.setattr(app, "copy_to_clipboard", lambda text: seen["copied"].append(text))
        await open_sources(pilot, app, "daily-test")
        await pilot.press("u")
        app.screen.query_one("#sources-table").move_cursor(row=0)  # a source with no URL: said, nothing opened
        await pilot.press("u")
        await settle(pilot, app)
    browse(path, scenario)
    assert seen == {"opened": opened, "copied": copied}


def test_the_reader_numbers_a_pdfs_pages(path):
    async def scenario(app, pilot):
        await open_sources(pilot, app, "border-report")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SourceReaderScreen))
        await settle(pilot, app)
        assert "PDF, 2 pages" in text_of(app.screen.query_one("#reader-meta"))
        shown = " ".join(shown_in(app, app.screen.query_one("#reader-text")).split())
        assert shown == ("— page 1 — Page one says about 8,000 Russian troops remained near Brest[#59]. "
                         "— page 2 — Page two says more than 40 trains arrived in March[#60].")
    browse(path, scenario)


def test_an_orphan_is_marked_in_the_fact_table(path):
    async def scenario(app, pilot):
        t = table(app)
        await pilot.press("end")
        await settle(pilot, app)
        lines = text_of(t).splitlines()
        assert "active, orphan" in next(line for line in lines if line.strip().startswith("62 "))
        assert "orphan" not in next(line for line in lines if line.strip().startswith("61 "))
    browse(path, scenario)


def test_facts_show_list_and_exports_give_the_pdf_page(path):
    shown = run(path, "show", "60").stdout
    assert "Quote (page 2, characters 77–113 of the source):" in shown
    assert "page" not in run(path, "show", "1").stdout.split("Quote")[1].split(":")[0]
    exported = list(csv.DictReader(io.StringIO(run(path, "export", "--csv").stdout)))
    assert {r["id"]: r["quote_page"] for r in exported if r["quote_page"]} == {"59": "1", "60": "2"}
    listed = run(path, "list", "--where", "source:memo").stdout
    assert "active, orphan" in listed
    sources = run(path, "sources", "list", "--csv").stdout
    table = run(path, "sources", "list").stdout
    assert "PDF, 2 pages" in table and "orphans" in sources
    assert "ver." in table.splitlines()[0] and "orphans" in table.splitlines()[0]  # memo: 2 versions, an orphan
