"""The terminal browser, driven through Textual's Pilot."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from support import browse, settle, table, text_of, type_filter, until

import facts_tui.app
from facts.cli import cli
from facts.db import open_db
from facts.writing import add_fact
from facts_tui.fact_table import FactTable
from facts_tui.panes import FacetPanel, FilterBar
from facts_tui.screens import CompareScreen, HelpScreen, SourceReaderScreen, SourcesScreen


def test_first_rows_count_and_detail(seeded_path):
    async def scenario(app, pilot):
        t = table(app)
        assert t.total == 58 and app.main_screen.total == 58
        assert "58 facts" in app.sub_title
        assert t.row(0)["id"] == 1
        assert "id ▲" in text_of(t).splitlines()[0]
        assert "Fact #1" in text_of(app.query_one("#detail-body"))
    browse(seeded_path, scenario)


def test_navigate(seeded_path):
    async def scenario(app, pilot):
        await pilot.press("down", "down", "down")
        await settle(pilot, app)
        assert table(app).highlighted_id() == 4
        assert "Fact #4" in text_of(app.query_one("#detail-body"))
        await pilot.press("end")
        await settle(pilot, app)
        t = table(app)
        assert t.highlighted_id() == 58
        # The last row is on screen: the table scrolled to it.
        assert t.scroll_y > 0 and text_of(t).splitlines()[-1].strip().startswith("58 ")
        await pilot.press("pageup", "home")
        await settle(pilot, app)
        assert table(app).highlighted_id() == 1
    browse(seeded_path, scenario)


def test_sort_by_key_and_header_click(seeded_path):
    async def scenario(app, pilot):
        await pilot.press("5")  # quantity
        await settle(pilot, app)
        values = [table(app).row(i)["value"] for i in range(58)]
        numbers = [v for v in values if v is not None]
        assert numbers == sorted(numbers)
        await pilot.press("5")  # again: descending
        await settle(pilot, app)
        assert table(app).row(0)["value"] == 150000
        assert "quantity ▼" in text_of(table(app)).splitlines()[0]
        header = text_of(table(app)).splitlines()[0]
        await pilot.click(FactTable, offset=(header.index("date") + 1, 0))
        await settle(pilot, app)
        dates = [table(app).row(i)["date_start"] for i in range(58)]
        assert dates == sorted(dates) and app.main_screen.query_state.sort == "date"
    browse(seeded_path, scenario)


def test_filter_bar(seeded_path):
    async def scenario(app, pilot):
        await type_filter(pilot, app, "actor:stoltenberg")
        assert table(app).total == 2
        assert {table(app).row(i)["claimant"] for i in range(2)} == {"Jens Stoltenberg"}
        await type_filter(pilot, app, 'subject="Russian troops in Belarus" value>=10000')
        assert table(app).total == 5  # NATO, Stoltenberg twice, The National Interest, Porotnikov
    browse(seeded_path, scenario)


@pytest.mark.parametrize("text, words", [
    ("conf>=banana", "neither a number"),
    ('subject:"open', "quote is not closed"),
    ("actor:natoo", "did you mean NATO"),
    ("wibble:3", "unknown field 'wibble'"),
])
def test_bad_filter_shows_its_error_and_keeps_the_rows(seeded_path, text, words):
    async def scenario(app, pilot):
        await type_filter(pilot, app, text)
        bar = app.query_one(FilterBar)
        assert bar.has_class("-error")
        assert words in text_of(app.query_one("#filter-error"))
        assert table(app).total == 58  # the last good result stays
        await type_filter(pilot, app, "")
        assert not bar.has_class("-error")
    browse(seeded_path, scenario)


def test_facet_toggles_its_term(seeded_path):
    async def scenario(app, pilot):
        facets = app.query_one(FacetPanel)
        assert facets.display  # wide enough to show them
        ids = [facets.get_option_at_index(i).id for i in range(facets.option_count)]
        index = ids.index("claimant\x1fJens Stoltenberg")
        facets.focus()
        facets.highlighted = index
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.query_one(FilterBar).value == 'actor:"Jens Stoltenberg"'
        assert table(app).total == 2
        ids = [facets.get_option_at_index(i).id for i in range(facets.option_count)]
        facets.highlighted = ids.index("claimant\x1fJens Stoltenberg")
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.query_one(FilterBar).value == ""
        assert table(app).total == 58
    browse(seeded_path, scenario, size=(160, 48))


def test_facet_whose_term_is_a_prefix_of_a_selected_one(seeded_path):
    from facts.collection import Collection
    collection = Collection(seeded_path)
    for fact_id, tag in ((1, "troops"), (2, "troops"), (2, "troops-2022")):
        collection.annotate(fact_id=fact_id, kind="tag", tag=tag, author="tester")

    def marked(facets) -> dict[str, bool]:
        options = [facets.get_option_at_index(i) for i in range(facets.option_count)]
        return {o.id.split("\x1f")[1]: str(o.prompt).startswith("●")
                for o in options if o.id and o.id.startswith("tag")}

    async def select(pilot, app, facets, option_id):
        ids = [facets.get_option_at_index(i).id for i in range(facets.option_count)]
        facets.focus()
        facets.highlighted = ids.index(option_id)
        await pilot.press("enter")
        await settle(pilot, app)

    async def scenario(app, pilot):
        await type_filter(pilot, app, "tag:troops-2022")
        facets = app.query_one(FacetPanel)
        assert table(app).total == 1
        assert marked(facets)["troops-2022"] and not marked(facets)["troops"]
        await select(pilot, app, facets, "tag\x1ftroops")
        assert app.query_one(FilterBar).value == "tag:troops-2022 tag:troops"
        assert marked(facets)["troops-2022"] and marked(facets)["troops"]
        await select(pilot, app, facets, "tag\x1ftroops-2022")
        assert app.query_one(FilterBar).value == "tag:troops"
        assert table(app).total == 2
        assert marked(facets)["troops"] and not marked(facets)["troops-2022"]
    browse(seeded_path, scenario, size=(160, 48))


def test_facet_counts_follow_the_filter(seeded_path):
    async def scenario(app, pilot):
        await type_filter(pilot, app, "unit:troops")
        facets = app.query_one(FacetPanel)
        prompts = [str(facets.get_option_at_index(i).prompt) for i in range(facets.option_count)]
        assert any("Jens Stoltenberg" in p and " 2 " in p for p in prompts)
        assert not any("Ben Hodges" in p for p in prompts)
    browse(seeded_path, scenario, size=(160, 48))


def test_compare_view(seeded_path):
    async def scenario(app, pilot):
        await pilot.press("c")  # fact 1: NATO's 30,000 troops
        await settle(pilot, app)
        assert isinstance(app.screen, CompareScreen)
        screen = app.screen
        await until(pilot, lambda: screen.comparison is not None)
        await settle(pilot, app)
        compared = screen.query_one("#compare-table")
        rows = {str(key.value): [str(c) for c in compared.get_row(key)] for key in compared.rows}
        # three periods, each with its origins and an estimate row; NATO's 30,000 once, with three sources
        assert len(rows) == 8
        nato = next(r for r in rows.values() if r[1].startswith("NATO"))
        assert nato[1:5] == ["NATO (Jens Stoltenberg)", "30,000", "3 sources", "B"] and nato[5] == "#1 #2 #4"
        # opened on fact 1: its origin is highlighted, its period's rule shown, and its chart in view
        assert screen._highlighted() == (2, 0)
        assert text_of(screen.query_one("#compare-rule")).startswith(" Feb 2022 · NATO: value 30,000")
        assert "estimate 20,000 (10,000–30,000)" in text_of(screen.query_one("#compare-plot"))
        await pilot.press("w")
        await until(pilot, lambda: screen.comparison is not None and screen.comparison.weighted)
        assert "weighted by confidence" in screen.comparison.periods[2].estimate.rule
        await pilot.press("down", "enter")  # the National Interest's bound: its fact
        await settle(pilot, app)
        assert len(app.screen_stack) == 1 and table(app).highlighted_id() == 3
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CompareScreen))
        await pilot.press("escape")
        await settle(pilot, app)
        assert len(app.screen_stack) == 1
    browse(seeded_path, scenario)


def test_sources_reader_and_jump_to_fact(seeded_path):
    async def scenario(app, pilot):
        await pilot.press("o")
        await settle(pilot, app)
        assert isinstance(app.screen, SourcesScreen)
        assert app.screen.query_one("#sources-table").row_count == 5
        await pilot.press("down", "down", "down", "enter")  # odr-2022-02-09
        await settle(pilot, app)
        reader = app.screen
        assert isinstance(reader, SourceReaderScreen) and reader.key == "odr-2022-02-09"
        assert len(reader.quotes) == 23
        await pilot.press("n", "n")
        target = reader.quotes[2]["id"]
        await pilot.press("enter")
        await settle(pilot, app)
        assert len(app.screen_stack) == 1
        assert table(app).highlighted_id() == target
    browse(seeded_path, scenario)


@pytest.mark.parametrize("size, under_the_mouse, scrolls", [
    ((120, 40), "#reader-text", "#reader-text"),  # the text scrolls
    ((40, 8), "#reader-meta", None),  # a screen too small for what it holds scrolls itself
])
def test_mouse_wheel_over_the_source_reader(seeded_path, size, under_the_mouse, scrolls):
    from textual import events

    async def scenario(app, pilot):
        await pilot.press("o")
        await settle(pilot, app)
        await pilot.press("down", "down", "down", "enter")  # odr-2022-02-09
        await settle(pilot, app)
        reader = app.screen
        assert isinstance(reader, SourceReaderScreen)
        scrolled = reader.query_one(scrolls) if scrolls else reader
        assert scrolled.scroll_y == 0 and scrolled.max_scroll_y > 0
        widget = reader.query_one(under_the_mouse)
        for _ in range(3):
            x, y = widget.region.offset
            widget.post_message(events.MouseScrollDown(widget, 1, 0, 0, 1, 0, False, False, False, x + 1, y))
            await settle(pilot, app)
        assert app.is_running and app.screen is reader
        assert scrolled.scroll_y > 0
    browse(seeded_path, scenario, size=size)


def test_help_and_palette(seeded_path):
    async def scenario(app, pilot):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Filter", "Compare", "Sources", "Facets", "Help", "Refresh", "Sort by date", "Theme"):
            assert title in titles
    browse(seeded_path, scenario)


def test_markup_and_escapes_appear_literally(seeded_path):
    db = open_db(seeded_path)
    _fact_id, _ = add_fact(db, {
        "claim": "[bold]Loud[/bold] claim [link=http://example.com]here[/link].",
        "subject": "[red]Markup subject[/red]", "date": "2022", "actor": "NATO", "source": "odr-2022-02-09",
        "confidence": 0.5, "note": "escape \x1b[31mred\x1b[0m here"}, "tester")

    async def scenario(app, pilot):
        await type_filter(pilot, app, "markup")
        assert table(app).total == 1
        assert "[red]Markup" in text_of(table(app))  # the column may cut the rest
        detail = text_of(app.query_one("#detail-body"))
        assert "[bold]Loud[/bold] claim [link=http://example.com]here[/link]." in detail
        assert "\\x1b[31mred" in detail and "\x1b" not in detail
    browse(seeded_path, scenario)


def test_another_process_writing_shows_after_refresh(seeded_path, monkeypatch):
    monkeypatch.setattr(facts_tui.app, "REFRESH_SECONDS", 0.2)

    async def scenario(app, pilot):
        assert table(app).total == 58
        writer = open_db(seeded_path)
        add_fact(writer, {"claim": "A late estimate.", "subject": "Russian troops in Belarus", "date": "2022-03",
                          "actor": "NATO", "source": "odr-2022-02-09", "confidence": 0.5}, "other-process")
        for _ in range(40):
            await pilot.pause(0.1)
            if table(app).total == 59:
                break
        await settle(pilot, app)
        assert table(app).total == 59
    browse(seeded_path, scenario)


@pytest.mark.parametrize("key, screen", [("question_mark", HelpScreen), ("o", SourcesScreen)])
def test_a_write_while_a_dialog_is_open_refreshes_the_table_beneath(seeded_path, monkeypatch, key, screen):
    monkeypatch.setattr(facts_tui.app, "REFRESH_SECONDS", 0.1)

    async def scenario(app, pilot):
        await pilot.press(key)
        await until(pilot, lambda: isinstance(app.screen, screen))
        writer = open_db(seeded_path)
        add_fact(writer, {"claim": "Written under a dialog.", "subject": "Russian troops in Belarus",
                          "date": "2022-03", "actor": "NATO", "source": "odr-2022-02-09", "confidence": 0.5}, "other")
        await until(pilot, lambda: table(app).total == 59)
        assert isinstance(app.screen, screen)
        await pilot.press("escape")
        await settle(pilot, app)
        assert table(app).total == 59
    browse(seeded_path, scenario)


def test_usable_at_80x24(seeded_path):
    async def scenario(app, pilot):
        assert not app.query_one(FacetPanel).display
        header = text_of(table(app)).splitlines()[0]
        for title in ("id", "date", "claimant", "subject", "quantity", "conf.", "status"):
            assert title in header
        await pilot.press("f")
        assert app.query_one(FacetPanel).display
    browse(seeded_path, scenario, size=(80, 24))


def test_keys_move_the_cursor_while_a_page_loads(seeded_path, monkeypatch):
    import threading

    import facts_tui.fact_table
    from facts.collection import Collection
    monkeypatch.setattr(facts_tui.fact_table, "PAGE", 10)  # 58 facts: six pages
    slow, release = threading.Event(), threading.Event()
    rows = Collection.rows

    def slow_rows(self, ids):
        if slow.is_set():
            release.wait(10)
        return rows(self, ids)
    monkeypatch.setattr(Collection, "rows", slow_rows)

    async def scenario(app, pilot):
        t = table(app)
        slow.set()
        try:
            await pilot.press("end")  # the last pages are asked for, and take their time
            await pilot.pause(0.2)
            assert t.cursor_row == 57 and t.highlighted_id() is None  # its row is still loading
            assert app.focused is t
            await pilot.press("up", "up")
            assert t.cursor_row == 55
        finally:
            release.set()
        await settle(pilot, app)
        assert t.highlighted_id() == 56
    browse(seeded_path, scenario)


def test_click_a_row_highlights_it(seeded_path):
    async def scenario(app, pilot):
        await pilot.click(FactTable, offset=(2, 3))  # the header is line 0: line 3 is the third row
        await settle(pilot, app)
        assert table(app).highlighted_id() == 3
        assert "Fact #3" in text_of(app.query_one("#detail-body"))
    browse(seeded_path, scenario)


def test_browse_command_seeds_a_new_database(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import facts_tui.app as app_module
    from facts.cli import add_plugin_commands
    cli = add_plugin_commands()
    opened = []
    monkeypatch.setattr(app_module, "run", lambda path, where: opened.append((path, where)))
    path = tmp_path / "new.db"
    result = CliRunner().invoke(cli, ["--db", str(path), "browse", "--where", "actor:nato"])
    assert result.exit_code == 0, result.output
    assert opened == [(path, "actor:nato")]
    assert open_db(path).execute("SELECT count(*) FROM facts").fetchone()[0] == 58
    # Not a facts database: one line, no browser.
    other = tmp_path / "other.db"
    other.write_bytes(b"not sqlite" * 200)
    result = CliRunner().invoke(cli, ["--db", str(other), "browse"])
    assert result.exit_code == 1 and "not a facts database" in result.output and len(opened) == 1


def test_inbox_reject_and_accept_into_a_fact(seeded_path):
    from textual.widgets import Input

    from facts_tui.form import FactForm
    from facts_tui.screens import InboxScreen

    # The seeds' figures are all facts already: a new source brings figures to decide on.
    memo = Path(__file__).parent / "fixtures" / "memo-2023.txt"
    added = CliRunner().invoke(cli, ["--db", str(seeded_path), "sources", "add", str(memo), "--key", "memo-2023",
                                     "--title", "Border report", "--published", "2023-03-06"])
    assert added.exit_code == 0, added.output

    async def scenario(app, pilot):
        await pilot.press("o")
        await settle(pilot, app)
        await pilot.press("down", "down", "i")  # memo-2023, third by key
        await settle(pilot, app)
        inbox = app.screen
        assert isinstance(inbox, InboxScreen) and inbox.key == "memo-2023"
        before = len(inbox.pending)
        assert "0 accepted · 0 rejected" in text_of(inbox.query_one("#inbox-progress"))
        rejected = inbox.candidate_at_cursor()
        await pilot.press("r")
        await settle(pilot, app)
        assert len(inbox.pending) == before - 1 and rejected.text not in [c.text for c in inbox.pending]
        assert "1 rejected" in text_of(inbox.query_one("#inbox-progress"))
        target = inbox.candidate_at_cursor()
        await pilot.press("a")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FactForm)
        # The quote is the sentence holding the figure, not the bare figure.
        assert form.query_one("#field-quote", Input).value == target.sentence and target.text in target.sentence
        assert form.query_one("#field-quote_start", Input).value == str(target.sentence_start)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is form  # invalid: nothing written, the form stays with its text
        assert "is required" in text_of(form.query_one("#error-subject"))
        assert "is required" in text_of(form.query_one("#error-confidence"))
        form.query_one("#field-subject", Input).value = "Allied Resolve 2022 airfields"
        form.query_one("#field-confidence", Input).value = "likely"
        form.query_one("#field-date", Input).value = "2023-01"
        form.query_one("#field-actor", Input).value = "NATO"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is inbox
        assert "1 accepted · 1 rejected" in text_of(inbox.query_one("#inbox-progress"))
    browse(seeded_path, scenario)
    db = open_db(seeded_path)
    fact = db.execute("SELECT f.id, f.quote, f.quote_start, s.text FROM facts f JOIN sources s ON s.id = f.source_id "
                      "WHERE f.subject = 'Allied Resolve 2022 airfields'").fetchone()
    assert fact is not None and fact[3][fact[2]:fact[2] + len(fact[1])] == fact[1]  # the quote is anchored
    decisions = dict(db.execute("SELECT decision, count(*) FROM candidate_decisions GROUP BY decision").fetchall())
    assert decisions == {"accepted": 1, "rejected": 1}


async def open_list(app, pilot, keys):
    """Open a screen with a list: compare (c), sources (o), an inbox (o, i), a history (r, h)."""
    if keys == "history":
        await pilot.press("r")
        await until(pilot, lambda: app.screen is not app.main_screen)
        for value in ("0.6", "0.7", "0.8"):  # three changes, so the history has rows to move over
            app.screen.query_one("#field-confidence").value = value
            app.screen.query_one("#field-body").value = "counted again"
            await pilot.press("ctrl+s")
            await until(pilot, lambda: app.screen is app.main_screen)
            await pilot.press("r")
            await until(pilot, lambda: app.screen is not app.main_screen)
        await pilot.press("escape", "h")
    else:
        for key in keys:
            await pilot.press(key)
            await settle(pilot, app)
    await until(pilot, lambda: app.screen is not app.main_screen and app.screen.query("DataTable"))
    await settle(pilot, app)
    table = app.screen.query_one("DataTable")
    await until(pilot, lambda: table.row_count > 2)
    table.focus()
    return table


@pytest.mark.parametrize("keys", [("c",), ("o",), ("o", "down", "down", "down", "down", "i"), "history", ("A",)])
@pytest.mark.parametrize("last, first", [("end", "home"), ("G", "g")])
def test_end_and_home_reach_the_last_and_first_rows_of_every_list(inbox_path, keys, last, first):
    async def scenario(app, pilot):
        table = await open_list(app, pilot, keys)
        if keys == ("c",):  # compare opens on the highlighted fact's origin
            assert table.cursor_row == 4
            await pilot.press(first)
        assert table.cursor_row == 0
        await pilot.press(last)
        assert table.cursor_row == table.row_count - 1
        await pilot.press(first)
        assert table.cursor_row == 0
    browse(inbox_path, scenario)


def test_rejecting_a_candidate_keeps_the_cursor_on_the_same_row(inbox_path):
    from facts_tui.screens import InboxScreen

    async def scenario(app, pilot):
        await pilot.press("o")
        await settle(pilot, app)
        await pilot.press("down", "down", "down", "down", "i")  # odr-copy, fifth by key
        await until(pilot, lambda: isinstance(app.screen, InboxScreen) and app.screen.pending)
        await settle(pilot, app)
        inbox = app.screen
        await pilot.press("down", "down")
        following = inbox.pending[3]
        await pilot.press("r")
        await until(pilot, lambda: len(inbox.pending) and inbox.pending[2] is not None
                    and inbox.pending[2].start == following.start)
        await settle(pilot, app)
        assert inbox.query_one("DataTable").cursor_row == 2
        assert inbox.candidate_at_cursor().start == following.start  # the next pending one, where the rejected was
    browse(inbox_path, scenario)


def test_actors_list_and_correcting_one(seeded_path):
    from textual.widgets import Input, Select

    from facts_tui.curate import ActorDialog
    from facts_tui.screens import ActorsScreen

    async def scenario(app, pilot):
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, ActorsScreen) and app.screen.actors)
        await settle(pilot, app)
        screen = app.screen
        listed = screen.query_one("DataTable")
        row = next(i for i, a in enumerate(screen.actors) if a["name"] == "Andrey Porotnikov")
        assert [str(c) for c in listed.get_row_at(row)] == ["Andrey Porotnikov", "person", "1",
                                                            "Belarus Security Blog", "Andrei Porotnikov; Porotnikov"]
        listed.move_cursor(row=row)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ActorDialog))
        await settle(pilot, app)
        dialog = app.screen
        assert app.focused is dialog.query_one("#field-name")
        dialog.query_one("#field-name", Input).value = "NATO"  # another actor's name: refused under the field
        await pilot.press("enter")
        await until(pilot, lambda: text_of(dialog.query_one("#error-name")).strip()
                    or text_of(dialog.query_one("#error-record")).strip())
        assert app.screen is dialog and "NATO" in text_of(dialog.query_one("#error-name")) + \
            text_of(dialog.query_one("#error-record"))
        dialog.query_one("#field-name", Input).value = "Andriy Porotnikov"
        dialog.query_one("#field-kind", Select).value = "other"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen
                    and any(a["name"] == "Andriy Porotnikov" for a in screen.actors))
        await settle(pilot, app)
        cursor = screen.query_one("DataTable").cursor_row
        assert screen.actors[cursor]["name"] == "Andriy Porotnikov"  # the cursor stays on the corrected actor
    browse(seeded_path, scenario)
    db = open_db(seeded_path)
    assert db.execute("SELECT kind FROM actors WHERE name = 'Andriy Porotnikov'").fetchone() == ("other",)
    assert db.execute("SELECT count(*) FROM aliases WHERE alias = 'Andrey Porotnikov'").fetchone()[0] == 1


def test_the_count_s_arrival_does_not_move_the_columns(seeded_path):
    import sqlite3
    import threading
    columns = ("claim, subject, value, low, high, unit, qualifier, as_stated, date_start, date_end, date_precision, "
               "stated_on, actor_id, source_id, quote, quote_start, quote_end, quote_prefix, quote_suffix, "
               "confidence, credibility, status")
    with sqlite3.connect(seeded_path) as conn:  # a fact with a long id, at the end of the id order
        copied = columns.replace("claim,", "claim || ?,", 1)
        conn.execute(f"INSERT INTO facts (id, {columns}) SELECT 123456789012, {copied} FROM facts WHERE id = 58",
                     [" Again."])
    release = threading.Event()

    async def scenario(app, pilot):
        t = table(app)
        ordered_ids, first_rows = t.collection.ordered_ids, t.collection.first_rows

        def held_back(query):  # the id list waits, as at a million facts
            release.wait(10)
            return ordered_ids(query)
        t.collection.ordered_ids = held_back
        t.collection.first_rows = lambda query, limit: first_rows(query, 3)  # a page, not the whole result
        app.query_one(FilterBar).set_value("-status:retracted")  # every fact: the first three have short ids
        await until(pilot, lambda: t.ids is None and t.first)
        header_before = text_of(t).splitlines()[0]
        release.set()
        await until(pilot, lambda: t.ids is not None)
        await settle(pilot, app)
        assert text_of(t).splitlines()[0] == header_before  # the header, and so every column, where it was
        assert 123456789012 in t.ids.tolist()
    browse(seeded_path, scenario)


def test_the_highlighted_fact_stays_in_sight(seeded_path):
    """Moving down past the bottom, or changing the order, keeps the cursor's row on the screen (no row of
    the table is lost to a scrollbar)."""
    async def scenario(app, pilot):
        t = table(app)
        t.focus()

        def in_sight() -> bool:  # as composed on the screen, scrollbars over the rows included
            strips = app.screen._compositor.render_strips()
            x, y, width, height = t.content_region
            shown = [strip.crop(x, x + width).text for strip in strips[y + 1:y + height]]
            return any(line.split()[:1] == [str(t.highlighted_id())] for line in shown)
        for _ in range(15):  # the table shows about ten rows here
            await pilot.press("down")
            await settle(pilot, app)
            assert in_sight(), t.cursor_row
        keep = t.highlighted_id()
        await pilot.press("3", "3")  # by claimant, then the other way
        await settle(pilot, app)
        assert t.highlighted_id() == keep and in_sight()
    browse(seeded_path, scenario, size=(120, 24))


def test_a_narrow_column_keeps_its_sort_arrow(seeded_path):
    async def scenario(app, pilot):
        t = table(app)
        t.focus()
        await pilot.press("3")  # by claimant: a column 8 cells wide at 80 columns
        await settle(pilot, app)
        header = text_of(t).splitlines()[0]
        assert "claim… ▲" in header, header
    browse(seeded_path, scenario, size=(80, 24))
