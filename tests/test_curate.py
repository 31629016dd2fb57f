"""Curating in the browser (Pilot): the fact form, edits and reverts, annotations, duplicates, export,
a locked database."""

import sqlite3

import pytest
from support import browse, settle, shown_in, table, text_of, type_filter, until
from textual.widgets import Input, Label, Select

from facts.db import open_db
from facts.numbers import parse_quantity
from facts_tui.curate import AnnotateScreen, ExportScreen, HistoryScreen
from facts_tui.dialog import ConfirmDialog
from facts_tui.form import FactForm

GOOD = {"claim": "NATO repeats its estimate of 30,000 troops.", "subject": "Russian troops in Belarus",
        "quantity": "30,000 troops", "date": "2022-02", "actor": "nato", "source": "odr-2022-02-09",
        "confidence": "likely", "quote": "he estimates the number of Russian troops in Belarus at 30,000"}


async def open_form(pilot, app, key="n"):
    await pilot.press(key)
    await until(pilot, lambda: isinstance(app.screen, FactForm))
    await settle(pilot, app)
    return app.screen


def fill(form, **values):
    for name, value in values.items():
        form.query_one(f"#field-{name}", Input).value = value


def count(path):
    return open_db(path).execute("SELECT count(*) FROM facts").fetchone()[0]


def test_new_fact_through_the_form(seeded_path):
    async def scenario(app, pilot):
        form = await open_form(pilot, app)
        fill(form, **GOOD)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, FactForm)
        await pilot.pause(0.3)
        await settle(pilot, app)
        assert table(app).total == 59
    browse(seeded_path, scenario)
    fact = open_db(seeded_path).execute("SELECT claim, unit, quote_start FROM facts WHERE id = 59").fetchone()
    assert fact[0] == GOOD["claim"] and fact[1] == "troops" and fact[2] is not None


@pytest.mark.parametrize("field, value, words", [
    ("date", "2022-02-30", "not a date in the calendar"),
    ("actor", "Stoltenbreg", "did you mean Jens Stoltenberg"),
    ("quote", "words that are not in the article", "does not occur in the source text"),
    ("confidence", "fairly sure", "neither a number from 0 to 1 nor a likelihood word"),
    ("quantity", "50-40", "lower to the higher"),
    ("source", "odr-2022-02-99", "unknown source"),
])
def test_each_bad_input_shows_at_its_field_and_writes_nothing(seeded_path, field, value, words):
    async def scenario(app, pilot):
        form = await open_form(pilot, app)
        fill(form, **{**GOOD, field: value})
        await pilot.press("ctrl+s")
        await until(pilot, lambda: words in text_of(form.query_one(f"#error-{field}")))
        assert app.screen is form
        assert form.query_one(f"#field-{field}", Input).value == value  # nothing typed is lost
    browse(seeded_path, scenario)
    assert count(seeded_path) == 58


def test_edit_then_revert(seeded_path):
    async def scenario(app, pilot):
        await pilot.press("down", "down", "down", "down")  # fact 5
        await settle(pilot, app)
        form = await open_form(pilot, app, "e")
        assert form.query_one("#field-claim", Input).value.startswith("Andrey Porotnikov")
        fill(form, unit="soldiers", confidence="0.6")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        detail = app.collection.fact(5)
        assert detail.fact["unit"] == "soldiers" and detail.history[-1]["old"] == {"unit": "troops", "confidence": 0.5}
        await pilot.press("h")
        await settle(pilot, app)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("enter")  # revert the highlighted (only) change: asks first
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot, app)
        detail = app.collection.fact(5)
        assert detail.fact["unit"] == "troops" and detail.fact["confidence"] == 0.5
        assert len(detail.history) == 2  # the revert is itself a change
    browse(seeded_path, scenario)


def test_edit_the_actors_a_fact_is_about(seeded_path):
    async def scenario(app, pilot):
        await pilot.press("down", "down", "down", "down")  # fact 5, about Belarus, its blog and Russia
        await settle(pilot, app)
        form = await open_form(pilot, app, "e")
        assert form.query_one("#field-about", Input).value == "Belarus; Belarus Security Blog; Russia"
        fill(form, about="Belarus; NATO")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, FactForm), text_of(form.query_one("#form-error"))
        assert app.collection.fact(5).fact["about"] == ["Belarus", "NATO"]
    browse(seeded_path, scenario)


@pytest.mark.parametrize("key, values, check", [
    ("a", {"body": "Compare with rail data"}, lambda d: d.annotations[-1]["body"] == "Compare with rail data"),
    ("t", {"tag": "checked"}, lambda d: "checked" in d.fact["tags"]),
    ("t", {"tag": "-troop-estimate"}, lambda d: "troop-estimate" not in d.fact["tags"]),
    ("r", {"confidence": "very likely", "body": "Rail counts agree"}, lambda d: d.fact["confidence"] == 0.875),
    ("d", {"body": "Withdrawn by the author"}, lambda d: d.fact["status"] == "disputed"),
])
def test_each_annotation_kind(seeded_path, key, values, check):
    async def scenario(app, pilot):
        await pilot.press("down", "down", "down", "down")
        await settle(pilot, app)
        await pilot.press(key)
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, AnnotateScreen)
        for name, value in values.items():
            screen.query_one(f"#field-{name}", Input).value = value
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, AnnotateScreen))
        detail = app.collection.fact(5)
        assert check(detail) and detail.annotations[-1]["author"] == app.author
    browse(seeded_path, scenario)


def test_superseded_needs_the_superseding_fact(seeded_path):
    async def scenario(app, pilot):
        await pilot.press("down")  # fact 2
        await settle(pilot, app)
        await pilot.press("d")
        await settle(pilot, app)
        screen = app.screen
        screen.query_one("#field-status", Select).value = "superseded"
        screen.query_one("#field-body", Input).value = "Restated later"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen and "supersedes" in text_of(screen.query_one("#error-superseded_by"))
        screen.query_one("#field-superseded_by", Input).value = "4"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.collection.fact(2).fact["superseded_by"] == 4
    browse(seeded_path, scenario)


def test_duplicate_guard_asks_before_a_second(seeded_path):
    duplicate = dict(GOOD, claim="Stoltenberg's estimate again.", actor="Jens Stoltenberg", quantity="30,000")

    async def scenario(app, pilot):
        form = await open_form(pilot, app)
        fill(form, **duplicate)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "fact #4 already has this" in text_of(form.query_one("#error-record")))
        assert app.screen is form and "fact #4 already has this source, quote, value and claimant" in \
            text_of(form.query_one("#error-record"))
        assert count(seeded_path) == 58
        await pilot.press("ctrl+s")  # saving again means: yes, a second one
        await settle(pilot, app)
        assert not isinstance(app.screen, FactForm)
    browse(seeded_path, scenario)
    assert count(seeded_path) == 59


def test_export_the_filtered_view(seeded_path, tmp_path):
    target = tmp_path / "view.csv"

    async def scenario(app, pilot):
        await type_filter(pilot, app, "unit:troops")
        await pilot.press("escape", "x")
        await settle(pilot, app)
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#field-path", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot, app)
        assert not isinstance(app.screen, ExportScreen)
    browse(seeded_path, scenario)
    lines = target.read_bytes().split(b"\r\n")
    troops = open_db(seeded_path).execute("SELECT count(*) FROM facts WHERE unit = 'troops'").fetchone()[0]
    assert lines[0].startswith(b"id,claim,") and len([line for line in lines[1:] if line]) == troops < 58


def test_a_full_disk_keeps_the_export_dialog_and_its_path(seeded_path):
    async def scenario(app, pilot):
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen))
        screen = app.screen
        screen.query_one("#field-path", Input).value = "/dev/full"  # every write fails: no space left
        await pilot.press("enter")
        await until(pilot, lambda: "not saved" in text_of(screen.query_one("#error-record")))
        assert "No space left" in text_of(screen.query_one("#error-record"))
        assert app.screen is screen and screen.query_one("#field-path", Input).value == "/dev/full"
        await pilot.press("escape")
        assert not isinstance(app.screen, ExportScreen)
    browse(seeded_path, scenario)


def test_a_locked_database_keeps_the_form_and_its_text(seeded_path, monkeypatch):
    import facts.db
    monkeypatch.setattr(facts.db, "BUSY_TIMEOUT_MS", 300)

    async def scenario(app, pilot):
        form = await open_form(pilot, app)
        fill(form, **GOOD)
        blocker = sqlite3.connect(seeded_path, timeout=0.1)
        blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        try:
            await pilot.press("ctrl+s")
            for _ in range(40):
                await pilot.pause(0.1)
                if text_of(form.query_one("#error-record")).strip():
                    break
            assert app.screen is form
            error = text_of(form.query_one("#error-record"))
            assert "locked" in error or "busy" in error
            assert form.query_one("#field-claim", Input).value == GOOD["claim"]
        finally:
            blocker.rollback()
            blocker.close()
        await pilot.press("ctrl+s")  # once the other writer is done, the same form saves
        await settle(pilot, app)
        assert not isinstance(app.screen, FactForm)
    browse(seeded_path, scenario)
    assert count(seeded_path) == 59


def test_form_completes_actors_subjects_and_sources(seeded_path):
    async def scenario(app, pilot):
        form = await open_form(pilot, app)
        assert await form.query_one("#field-actor", Input).suggester.get_suggestion("lukashen") in (
            "Lukashenka", "Lukashenko")
        assert await form.query_one("#field-subject", Input).suggester.get_suggestion("russian troops in b") == \
            "Russian troops in Belarus"
        assert await form.query_one("#field-source", Input).suggester.get_suggestion("odr") == "odr-2022-02-09"
    browse(seeded_path, scenario)


def test_unknown_actor_is_refused_unless_asked_to_create_it(seeded_path):
    from textual.widgets import Checkbox

    async def scenario(app, pilot):
        form = await open_form(pilot, app)
        fill(form, **dict(GOOD, actor="Brand New Monitoring Group"))
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is form and "tick 'Create actors'" in text_of(form.query_one("#error-actor"))
        form.query_one("#create-actors", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, FactForm)
    browse(seeded_path, scenario)
    assert open_db(seeded_path).execute("SELECT kind FROM actors WHERE name = 'Brand New Monitoring Group'").fetchone()


def test_a_fact_from_a_sentence_in_the_source_reader(seeded_path):
    from facts_tui.screens import SourceReaderScreen

    async def scenario(app, pilot):
        await pilot.press("o")
        await settle(pilot, app)
        await pilot.press("down", "down", "down", "enter")  # odr-2022-02-09
        await settle(pilot, app)
        reader = app.screen
        assert isinstance(reader, SourceReaderScreen)
        # Move the sentence cursor to Porotnikov's estimate.
        target = next(i for i, s in enumerate(reader.sentences) if "Porotnikov" in s.text)
        await pilot.press("right_square_bracket")
        while reader.sentence < target:
            await pilot.press("right_square_bracket")
        await pilot.press("f")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FactForm)
        sentence = reader.sentences[target]
        assert form.query_one("#field-quote", Input).value == sentence.text
        assert form.query_one("#field-quote_start", Input).value == str(sentence.start)
        assert form.query_one("#field-quantity", Input).value == "about 10,000"
        assert form.query_one("#field-actor", Input).value == "Andrey Porotnikov"
        assert form.query_one("#field-date", Input).value == "2022-02-09"
        fill(form, subject="Russian troops in Belarus", confidence="roughly even chance",
             claim="Porotnikov counts about 10,000 Russian troops so far.")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is reader
    browse(seeded_path, scenario)
    db = open_db(seeded_path)
    row = db.execute("SELECT f.quote, f.quote_start, s.text FROM facts f JOIN sources s ON s.id = f.source_id "
                     "WHERE f.claim LIKE 'Porotnikov counts%'").fetchone()
    assert row and row[2][row[1]:row[1] + len(row[0])] == row[0]


def test_passage_draft_outside_the_text_is_refused(seeded_path):
    from facts.candidates import draft_from_passage
    from facts.errors import FactsError
    with pytest.raises(FactsError, match="not in source"):
        draft_from_passage(open_db(seeded_path), "odr-2022-02-09", 10, 10_000_000)


def test_undo_appends_a_retraction(seeded_path):
    async def scenario(app, pilot):
        await pilot.press("down", "down", "down", "down")  # fact 5, confidence 0.5
        await settle(pilot, app)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, AnnotateScreen))
        app.screen.query_one("#field-confidence", Input).value = "0.9"
        app.screen.query_one("#field-body", Input).value = "New counts"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, AnnotateScreen))
        await until(pilot, lambda: app.collection.fact(5).fact["confidence"] == 0.9)
        await pilot.press("u")
        await until(pilot, lambda: app.collection.fact(5).fact["confidence"] == 0.5)
        kinds = [a["kind"] for a in app.collection.fact(5).annotations]
        assert kinds[-2:] == ["rate", "retraction"]  # nothing deleted: the retraction is appended
    browse(seeded_path, scenario)


def test_the_cli_and_the_browser_write_at_the_same_time(seeded_path):
    import threading

    from click.testing import CliRunner

    from facts.cli import cli
    failures: list[str] = []

    def cli_writer():
        for i in range(15):
            result = CliRunner().invoke(cli, ["--db", str(seeded_path), "annotate", "1", f"CLI note {i}"])
            if result.exit_code != 0:
                failures.append(result.output)

    async def scenario(app, pilot):
        writer = threading.Thread(target=cli_writer)
        writer.start()
        for i in range(3):
            form = await open_form(pilot, app)
            fill(form, **dict(GOOD, claim=f"Browser claim {i}.", quantity=f"{30000 + i} troops"))
            await pilot.press("ctrl+s")
            await until(pilot, lambda: not isinstance(app.screen, FactForm))
        writer.join()
    browse(seeded_path, scenario)
    assert failures == []
    db = open_db(seeded_path)
    assert db.execute("SELECT count(*) FROM facts WHERE claim LIKE 'Browser claim %'").fetchone()[0] == 3
    assert db.execute("SELECT count(*) FROM annotations WHERE body LIKE 'CLI note %'").fetchone()[0] == 15


@pytest.mark.parametrize("key, first", [
    ("n", "field-claim"), ("e", "field-claim"), ("a", "field-body"), ("t", "field-tag"),
    ("r", "field-confidence"), ("d", "field-status"), ("x", "field-path"),
])
def test_every_dialog_opens_with_focus_in_its_first_field(seeded_path, key, first):
    async def scenario(app, pilot):
        await pilot.press(key)
        await until(pilot, lambda: app.screen is not app.main_screen)
        await settle(pilot, app)
        assert app.focused is not None and app.focused.id == first
        fields = [w.id for w in app.screen.query("Input, Select") if (w.id or "").startswith("field-")]
        assert fields[0] == first  # the first field on the screen, not just any
    browse(seeded_path, scenario)


def label_reversed(field) -> bool:
    """Whether the label of a dialog's field is shown in reverse (the focus mark)."""
    return bool(field.parent.query_one(Label).styles.text_style.reverse)


def test_the_focused_input_is_marked(seeded_path):
    async def scenario(app, pilot):
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, AnnotateScreen))
        await settle(pilot, app)
        await pilot.press(*"likely")
        confidence, reason = app.screen.query_one("#field-confidence"), app.screen.query_one("#field-body")
        assert text_of(confidence).startswith("▌") and "likely" in text_of(confidence)
        assert not text_of(reason).startswith("▌")
        assert label_reversed(confidence) and not label_reversed(reason)
        await pilot.press("tab", *"rail counts")
        assert text_of(reason).startswith("▌") and "rail counts" in text_of(reason)
        assert not text_of(confidence).startswith("▌")
        assert label_reversed(reason) and not label_reversed(confidence)  # the mark follows the focus
    browse(seeded_path, scenario)


@pytest.mark.parametrize("key, now", [("r", "now 0.50 roughly even chance"), ("d", "now disputed: Contradicted")])
def test_rate_and_status_show_the_current_value(seeded_path, key, now):
    async def scenario(app, pilot):
        await pilot.press("down", "down", "down", "down")  # fact 5: 0.50, disputed
        await settle(pilot, app)
        await pilot.press(key)
        await until(pilot, lambda: isinstance(app.screen, AnnotateScreen))
        await settle(pilot, app)
        assert now in " ".join(text_of(app.screen.query_one(".now")).split())
    browse(seeded_path, scenario)


def test_create_actors_shows_its_state_as_a_mark(seeded_path):
    from facts_tui.widgets import TickBox

    async def scenario(app, pilot):
        form = await open_form(pilot, app)
        box = form.query_one("#create-actors", TickBox)
        assert box.render().plain.startswith("[ ]")
        box.focus()
        await pilot.press("space")
        assert box.value and box.render().plain.startswith("[x]")
    browse(seeded_path, scenario)


def test_revert_asks_first_and_escape_changes_nothing(seeded_path):
    async def scenario(app, pilot):
        await pilot.press("down", "down", "down", "down")  # fact 5
        await settle(pilot, app)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, AnnotateScreen))
        app.screen.query_one("#field-confidence", Input).value = "likely"
        app.screen.query_one("#field-body", Input).value = "Rail counts agree"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.collection.fact(5).fact["confidence"] == 0.675)
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await settle(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        question = " ".join(text_of(app.screen.query_one("#question")).split())
        assert question == "Put back: confidence 0.68 likely → 0.50 roughly even chance?"
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, HistoryScreen)  # back to the history; nothing written
        assert app.collection.fact(5).fact["confidence"] == 0.675 and len(app.collection.fact(5).history) == 1
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await until(pilot, lambda: app.collection.fact(5).fact["confidence"] == 0.5)
        await settle(pilot, app)
        assert app.screen is app.main_screen
    browse(seeded_path, scenario)


# --- the form beside its source ------------------------------------------------------------

MEMO = ("Troop report.\n\nThe Orsha Rail Watch says about 5,000 troops arrived in Minsk in March 2022.\n"
        "NATO officials say about 30,000 troops are in Belarus.\n")


@pytest.fixture
def memo_path(seeded_path, tmp_path):
    """The seed collection and a short memo whose first figure is claimed by a group that is no actor yet."""
    from support import run, write
    result = run(seeded_path, "sources", "add", str(write(tmp_path, "memo.txt", MEMO)), "--key", "memo",
                 "--title", "Troop report", "--published", "2022-03-20")
    assert result.exit_code == 0, result.output
    return seeded_path


async def open_reader(app, pilot, key):
    from facts_tui.screens import SourceReaderScreen, SourcesScreen
    await pilot.press("o")
    await until(pilot, lambda: isinstance(app.screen, SourcesScreen) and app.screen.query_one("DataTable").row_count)
    sources = app.screen.query_one("DataTable")
    sources.move_cursor(row=sources.get_row_index(key))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, SourceReaderScreen) and app.screen.sentences)
    await settle(pilot, app)
    return app.screen


async def fact_from_sentence(app, pilot, key, words):
    """`f` on the first sentence of a source holding `words`: the form, settled."""
    reader = await open_reader(app, pilot, key)
    target = next(i for i, s in enumerate(reader.sentences) if words in s.text)
    await pilot.press("right_square_bracket")
    while reader.sentence < target:
        await pilot.press("right_square_bracket")
    await pilot.press("f")
    await until(pilot, lambda: isinstance(app.screen, FactForm))
    await settle(pilot, app)
    return app.screen, reader.sentences[target]


def passage_shown(app, form, start, end) -> None:
    """The form's source pane shows the passage, highlighted, in its visible part."""
    from facts_tui.form import SourcePane
    pane = form.query_one(SourcePane)
    assert (pane.passage.start, pane.passage.end) == (start, end)
    text = pane.passage.text
    paragraph = pane.paragraphs[text.count("\n", 0, start)]
    highlighted = [paragraph.plain[span.start:span.end] for span in paragraph.spans if "reverse" in str(span.style)]
    assert highlighted == [text[start:end]]
    shown = " ".join(shown_in(app, pane).split())
    assert " ".join(text[start:end].split()[:6]) in shown  # the passage is in view, not just in the pane


@pytest.mark.parametrize("size, beside", [((150, 40), True), ((100, 30), False), ((80, 24), False)])
def test_a_fact_from_the_reader_keeps_the_source_in_view(memo_path, size, beside):
    async def scenario(app, pilot):
        form, sentence = await fact_from_sentence(app, pilot, "odr-2022-02-09", "Porotnikov")
        passage_shown(app, form, sentence.start, sentence.end)
        pane, fields = form.query_one("#source-pane"), form.query_one("#form-fields")
        if beside:
            assert pane.region.right <= fields.region.x and pane.region.y == fields.region.y
        else:
            assert pane.region.bottom <= fields.region.y
        assert app.focused is form.query_one("#field-claim")  # the source is there to read; typing goes to the form
        await pilot.press("ctrl+o")
        assert app.focused is pane  # to scroll it with the keys
    browse(memo_path, scenario, size=size)


def test_a_fact_from_the_inbox_keeps_the_source_in_view(inbox_path):
    from facts_tui.screens import InboxScreen

    async def scenario(app, pilot):
        await pilot.press("o")
        await settle(pilot, app)
        await pilot.press("down", "down", "down", "down", "i")  # odr-copy, fifth by key
        await until(pilot, lambda: isinstance(app.screen, InboxScreen) and app.screen.pending)
        await settle(pilot, app)
        inbox = app.screen
        await pilot.press("end")  # the last figure: far down the article
        candidate = inbox.candidate_at_cursor()
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, FactForm))
        await settle(pilot, app)
        passage_shown(app, app.screen, candidate.start, candidate.end)
    browse(inbox_path, scenario)


def test_editing_a_fact_shows_its_quote_in_the_source(seeded_path):
    async def scenario(app, pilot):
        await pilot.press("down", "down", "down", "down")  # fact 5
        await settle(pilot, app)
        form = await open_form(pilot, app, "e")
        fact = app.collection.fact(5).fact
        passage_shown(app, form, fact["quote_start"], fact["quote_end"])
    browse(seeded_path, scenario)


def test_a_new_fact_from_the_table_has_no_source_beside_it(seeded_path):
    from facts_tui.form import SourcePane

    async def scenario(app, pilot):
        form = await open_form(pilot, app)
        assert not form.query(SourcePane)
    browse(seeded_path, scenario)


# --- the quantity read back ------------------------------------------------------------------

def test_the_quantity_is_read_back_as_it_is_typed(seeded_path):
    async def scenario(app, pilot):
        form = await open_form(pilot, app)
        reading = form.query_one("#reading-quantity")
        form.query_one("#field-quantity").focus()
        await pilot.press(*"about 30,000 troops")
        assert text_of(reading).strip() == "≈30,000 · approx · unit: troops"
        assert form.query_one("#field-unit", Input).value == "troops"  # the empty unit is filled
        assert form.query_one("#field-quantity", Input).value == "about 30,000 troops"  # kept as typed
        await pilot.press(*"x")  # the unit it filled follows the typing
        assert form.query_one("#field-unit", Input).value == "troopsx"
        await pilot.press("backspace")
        form.query_one("#field-unit", Input).value = "soldiers"  # a unit the person typed stays
        await pilot.press("backspace", "backspace")
        assert form.query_one("#field-unit", Input).value == "soldiers"
        await pilot.press("ctrl+u", *"40-50 km")
        assert text_of(reading).strip() == "40–50 · range · unit: km"
        await pilot.press("ctrl+u", *"lots of troops")
        with pytest.raises(ValueError) as refused:
            parse_quantity("lots of troops")
        assert " ".join(text_of(reading).split()) == " ".join(str(refused.value).split())  # the parser's words
        await pilot.press("ctrl+u", *"up to about 8,000")
        assert text_of(reading).strip() == "≤8,000 · at most"
        await pilot.press("ctrl+u")
        assert not reading.display  # nothing typed, nothing read
    browse(seeded_path, scenario)


def test_editing_keeps_the_quantity_as_stated(seeded_path):
    async def scenario(app, pilot):
        form = await open_form(pilot, app, "e")  # fact 1: "roughly 30,000"
        assert form.query_one("#field-quantity", Input).value == "roughly 30,000"
        fill(form, subject="Russian troops in Belarus (NATO)")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, FactForm))
    browse(seeded_path, scenario)
    db = open_db(seeded_path)
    assert db.execute("SELECT as_stated FROM facts WHERE id = 1").fetchone()[0] == "roughly 30,000"
    changed = db.execute("SELECT new FROM fact_history WHERE fact_id = 1").fetchall()
    assert len(changed) == 1 and "as_stated" not in changed[0][0] and "subject" in changed[0][0]


# --- claimants and actors that are not known yet ---------------------------------------------------

def test_the_claimant_is_filled_only_when_the_text_says_who(memo_path):
    async def scenario(app, pilot):
        form, _ = await fact_from_sentence(app, pilot, "memo", "Orsha Rail Watch")
        assert form.query_one("#field-actor", Input).value == ""  # no known actor says it
        assert "Orsha Rail Watch (new)" in text_of(form.query_one("#hint-actor"))
        suggester = form.query_one("#field-actor", Input).suggester
        assert await suggester.get_suggestion("ors") == "Orsha Rail Watch"
        await pilot.press("escape", "escape", "escape")  # the form, the reader, the sources
        await until(pilot, lambda: app.screen is app.main_screen)
        form, _ = await fact_from_sentence(app, pilot, "memo", "NATO officials")
        assert form.query_one("#field-actor", Input).value == "NATO"  # the attribution names it
        assert "NATO (as “NATO officials”)" in text_of(form.query_one("#hint-actor"))  # as the text writes it
    browse(memo_path, scenario)


async def save_with_unknown_actor(app, pilot, form, name):
    from facts_tui.form import ActorChoice
    fill(form, **dict(GOOD, actor=name, quantity="31,000 troops"))  # not fact #4 again
    await pilot.press("ctrl+s")
    await until(pilot, lambda: form.query(ActorChoice))
    await settle(pilot, app)
    return form.query_one(ActorChoice)


def test_an_unknown_actor_can_be_replaced_by_a_near_name(seeded_path):
    async def scenario(app, pilot):
        form = await open_form(pilot, app)
        choice = await save_with_unknown_actor(app, pilot, form, "Jens Stoltenbreg")
        assert "did you mean Jens Stoltenberg" in text_of(form.query_one("#error-actor"))
        assert app.focused is form.query_one("#field-actor")
        await pilot.press("tab")  # from the field to the choice under it
        assert app.focused is choice
        assert str(choice.get_option_at_index(0).prompt) == "use Jens Stoltenberg"
        await pilot.press("enter")
        await settle(pilot, app)
        assert form.query_one("#field-actor", Input).value == "Jens Stoltenberg" and not form.query("ActorChoice")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, FactForm))
    browse(seeded_path, scenario)
    assert count(seeded_path) == 59


def test_an_unknown_actor_can_be_created_with_its_kind(memo_path):
    async def scenario(app, pilot):
        form, _ = await fact_from_sentence(app, pilot, "memo", "Orsha Rail Watch")
        form.query_one("#field-actor", Input).value = "Orsha Rail Watch"
        fill(form, subject="Russian troops in Minsk", confidence="likely")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: form.query("ActorChoice"))
        choice = form.query_one("ActorChoice")
        options = [str(choice.get_option_at_index(i).prompt) for i in range(choice.option_count)]
        creates = [f"create 'Orsha Rail Watch' as a new {kind}"
                   for kind in ("person", "organization", "state", "media", "other")]
        assert options[-5:] == creates and all(o.startswith("use ") for o in options[:-5])  # near names first
        choice.focus()
        choice.highlighted = options.index(creates[1])
        await pilot.press("enter")
        await until(pilot, lambda: not form.query("ActorChoice"))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, FactForm))
    browse(memo_path, scenario)
    db = open_db(memo_path)
    assert db.execute("SELECT kind FROM actors WHERE name = 'Orsha Rail Watch'").fetchone() == ("organization",)
    assert db.execute("SELECT a.name FROM facts f JOIN actors a ON a.id = f.actor_id "
                      "WHERE f.subject = 'Russian troops in Minsk'").fetchone() == ("Orsha Rail Watch",)


def test_creating_a_name_close_to_an_actor_asks_again(seeded_path):
    async def scenario(app, pilot):
        form = await open_form(pilot, app)
        choice = await save_with_unknown_actor(app, pilot, form, "Jens Stoltenbreg")
        choice.focus()
        choice.highlighted = next(i for i in range(choice.option_count)
                                  if str(choice.get_option_at_index(i).prompt).endswith("new person"))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "reads like Jens Stoltenberg" in text_of(app.screen.query_one("#question"))
        await pilot.press("escape")  # no: nothing created, the choice stays
        await settle(pilot, app)
        assert app.screen is form and form.query("ActorChoice")
        assert open_db(seeded_path).execute("SELECT 1 FROM actors WHERE name = 'Jens Stoltenbreg'").fetchone() is None
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await until(pilot, lambda: app.screen is form and not form.query("ActorChoice"))
    browse(seeded_path, scenario)
    assert open_db(seeded_path).execute("SELECT kind FROM actors WHERE name = 'Jens Stoltenbreg'").fetchone() == (
        "person",)


def test_the_form_names_the_facts_a_new_one_may_repeat_and_links_only_what_is_given(seeded_path):
    async def scenario(app, pilot):
        form = await open_form(pilot, app)
        fill(form, **{**GOOD, "actor": "Stoltenberg", "quote": "", "source": "blp-joint-exercises"})
        hint = form.query_one("#hint-repeats")

        def said() -> str:
            return " ".join(text_of(hint).split())
        await until(pilot, lambda: "fact #4 (Jens Stoltenberg, odr-2022-02-09)" in said())
        assert "fact #1 (NATO, blp-joint-exercises)" in said()  # the organisation he speaks for
        fill(form, repeats="4")
        await until(pilot, lambda: not said())  # given: no longer suggested
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, FactForm))
    browse(seeded_path, scenario)
    db = open_db(seeded_path)
    assert db.execute("SELECT repeats FROM fact_repeats WHERE fact_id = 59").fetchone() == (4,)


def test_editing_a_fact_can_link_and_unlink_what_it_repeats(seeded_path):
    async def scenario(app, pilot):
        form = await open_form(pilot, app, "e")  # fact 1, which repeats fact 4 in the seeds
        assert form.query_one("#field-repeats", Input).value == "4"
        fill(form, repeats="")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, FactForm))
        await settle(pilot, app)
    browse(seeded_path, scenario)
    db = open_db(seeded_path)
    assert db.execute("SELECT count(*) FROM fact_repeats WHERE fact_id = 1").fetchone()[0] == 0
    assert db.execute("SELECT old FROM link_history WHERE kind = 'repeats' AND subject_id = 1 AND new IS NULL"
                      ).fetchone() == ('{"repeats":4}',)


def test_an_actor_is_linked_to_the_organisation_it_speaks_for_from_the_actors_screen(seeded_path):
    from facts_tui.curate import ActorDialog
    from facts_tui.screens import ActorsScreen

    async def scenario(app, pilot):
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, ActorsScreen) and app.screen.actors)
        screen = app.screen
        listed = screen.query_one("DataTable")
        listed.move_cursor(row=next(i for i, a in enumerate(screen.actors) if a["name"] == "Oleksiy Reznikov"))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ActorDialog))
        dialog = app.screen
        fill(dialog, speaks_for="Ukrainian Defence Ministryy")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "unknown actor" in text_of(dialog.query_one("#error-record")))
        assert app.screen is dialog
        fill(dialog, speaks_for="Ukraine", **{"from": "2021-11", "to": "2023-09"})
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen)
        await until(pilot, lambda: any(a["speaks_for"] for a in screen.actors if a["name"] == "Oleksiy Reznikov"))
    browse(seeded_path, scenario)
    db = open_db(seeded_path)
    assert db.execute("SELECT o.name, date_start, date_end FROM speaks_for JOIN actors a ON a.id = actor_id "
                      "JOIN actors o ON o.id = organization_id WHERE a.name = 'Oleksiy Reznikov'").fetchall() == [
        ("Ukraine", "2021-11-01", "2023-09-30")]


def test_a_speaks_for_link_is_removed_from_the_actor_dialog_with_a_minus(seeded_path):
    from facts_tui.curate import ActorDialog
    from facts_tui.screens import ActorsScreen

    async def scenario(app, pilot):
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, ActorsScreen) and app.screen.actors)
        screen = app.screen
        listed = screen.query_one("DataTable")
        listed.move_cursor(row=next(i for i, a in enumerate(screen.actors) if a["name"] == "Neil Melvin"))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ActorDialog))
        fill(app.screen, speaks_for="-RUSI")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen)
        await until(pilot, lambda: not next(a for a in screen.actors if a["name"] == "Neil Melvin")["speaks_for"])
    browse(seeded_path, scenario)
    db = open_db(seeded_path)
    assert db.execute("SELECT count(*) FROM speaks_for JOIN actors a ON a.id = actor_id "
                      "WHERE a.name = 'Neil Melvin'").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM link_history WHERE kind = 'speaks_for' AND new IS NULL").fetchone()[0] == 1


def test_the_sentence_cursor_leaves_no_highlight_behind(seeded_path):
    """Stepping over sentences redraws only the paragraphs a step changes: the one the cursor left shows no
    highlight, the one it reached shows the sentence, and every other keeps its text."""
    async def scenario(app, pilot):
        reader = await open_reader(app, pilot, "odr-2022-02-09")
        text = reader.text
        await pilot.press("right_square_bracket")  # the cursor starts at the first quote's sentence
        crossing = next(i for i in range(reader.sentence, len(reader.sentences) - 1)
                        if text.count("\n", 0, reader.sentences[i].start)
                        != text.count("\n", 0, reader.sentences[i + 1].start))
        while reader.sentence < crossing + 1:
            await pilot.press("right_square_bracket")
        await settle(pilot, app)

        def highlighted(i: int) -> str:
            content = reader.query_one(f"#para-{i}").content
            return "".join(content.plain[s.start:s.end] for s in content.spans if "dark_blue" in str(s.style))
        left = text.count("\n", 0, reader.sentences[crossing].start)
        reached = text.count("\n", 0, reader.sentences[crossing + 1].start)
        assert highlighted(left) == ""
        assert highlighted(reached).strip() == reader.sentences[crossing + 1].text.strip()
        paragraphs = text.split("\n")
        for i, paragraph in enumerate(paragraphs):
            assert reader.query_one(f"#para-{i}").content.plain.startswith(paragraph[:20])
    browse(seeded_path, scenario)
