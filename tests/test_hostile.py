"""Hostile text from the data is shown as text everywhere and never obeyed; injection is data."""

import json
import re

import pytest
from click.testing import CliRunner
from support import browse, settle, snapshot, until

from facts.cli import cli
from facts.db import open_db
from facts.display import printable
from facts.writing import add_fact

MARKUP = "[bold red]loud[/] [link=file:///etc/passwd]x[/link] [@click=app.quit]quit[/] [/]"
ESCAPES = "\x1b[2J\x1b]52;c;aGVsbG8=\x07\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\\x9b31m"
INVISIBLE = "abc\u202egnp.exe\u200d\u2066x\u2069\ufeff"
# What must never reach a screen: escape and C1 bytes, bidi controls, zero-width characters.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def test_printable_shows_every_control_and_invisible_character():
    shown = printable(ESCAPES + INVISIBLE)
    assert not FORBIDDEN.search(shown)
    assert "\\x1b[2J" in shown and "\\x9b31m" in shown and "<U+202E>" in shown and "<U+200D>" in shown


@pytest.fixture
def hostile(seeded_path):
    """A source, an actor and a fact full of markup, escapes and bidi text."""
    db = open_db(seeded_path)
    runner = CliRunner()
    source = seeded_path.parent / "hostile.txt"
    source.write_text(f"Intro. {MARKUP} said 40,000 troops. {ESCAPES} More. {INVISIBLE} end.\n", encoding="utf-8")
    assert runner.invoke(cli, ["--db", str(seeded_path), "sources", "add", str(source), "--key", "hostile",
                               "--title", f"[bold]Title[/bold] {INVISIBLE}"]).exit_code == 0
    actor = f"[red]Actor[/red] {INVISIBLE}"
    assert runner.invoke(cli, ["--db", str(seeded_path), "actors", "add", actor]).exit_code == 0
    add_fact(db, {"claim": f"{MARKUP} claim {INVISIBLE}", "subject": f"[b]Hostile subject[/b] {INVISIBLE}",
                  "quantity": "40,000 troops", "date": "2022", "actor": f"[red]Actor[/red] {INVISIBLE}",
                  "source": "hostile", "quote": f"{MARKUP} said 40,000 troops.", "confidence": 0.5,
                  "note": f"note {ESCAPES}", "tags": [f"[i]tag[/i]{INVISIBLE}"]}, "tester")
    return seeded_path


def test_every_screen_shows_hostile_text_literally(hostile):
    from textual.geometry import Region

    from facts_tui.fact_table import FactTable

    async def scan(app) -> str:
        screen = app.screen
        lines = []
        for widget in screen.query("*"):
            if widget.size.area and widget.display:
                try:
                    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
                except Exception:
                    continue
                lines += [s.text for s in strips]
        text = "\n".join(lines)
        assert not FORBIDDEN.search(text), repr(FORBIDDEN.search(text).group())
        return text

    async def scenario(app, pilot):
        await pilot.press("slash")
        app.query_one("#filter-input").value = "hostile"
        await settle(pilot, app)
        assert app.query_one(FactTable).total == 1
        await pilot.press("escape")
        await settle(pilot, app)
        text = await scan(app)
        assert "[bold red]loud[/]" in text and "[@click=app.quit]" in text and "<U+202E>" in text
        for key, screen_name in (("c", "CompareScreen"), ("o", "SourcesScreen")):
            await pilot.press(key)
            await until(pilot, lambda name=screen_name: type(app.screen).__name__ == name)
            await settle(pilot, app)
            await scan(app)
            if key == "o":
                await pilot.press("down", "down", "enter")  # hostile: third by key
                await until(pilot, lambda: type(app.screen).__name__ == "SourceReaderScreen")
                await settle(pilot, app)
                assert "[link=file:///etc/passwd]" in await scan(app)
                await pilot.press("right_square_bracket", "right_square_bracket", "f")  # the form beside the text
                await until(pilot, lambda: type(app.screen).__name__ == "FactForm")
                await settle(pilot, app)
                # The sentence with the escapes: shown as text in the field, kept as stored in the record.
                assert "\\x1b" in app.screen.query_one("#field-quote").value
                assert "\x1b" in app.screen.data()["quote"]
                assert "[link=file:///etc/passwd]" in await scan(app)
                await pilot.press("escape")
                await settle(pilot, app)
                await pilot.press("i")
                await until(pilot, lambda: type(app.screen).__name__ == "InboxScreen")
                await settle(pilot, app)
                await scan(app)
                await pilot.press("escape", "escape")
            await pilot.press("escape")
            await settle(pilot, app)
        await pilot.press("A")  # the actors, and the dialog correcting the hostile one
        await until(pilot, lambda: type(app.screen).__name__ == "ActorsScreen" and app.screen.actors)
        await settle(pilot, app)
        assert "[red]Actor[/red]" in await scan(app)
        actors = app.screen.query_one("DataTable")
        actors.move_cursor(row=next(i for i, a in enumerate(app.screen.actors) if a["name"].startswith("[red]")))
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "ActorDialog")
        await settle(pilot, app)
        assert "[red]Actor[/red]" in await scan(app)
        await pilot.press("escape", "escape")
        await settle(pilot, app)
        assert app.is_running  # [@click=app.quit] did nothing
    browse(hostile, scenario, size=(160, 48))


def test_cli_tables_and_show_print_hostile_text_literally(hostile):
    runner = CliRunner()
    for args in (["list", "-q", "hostile"], ["show", "59"], ["sources", "list"], ["actors", "list"]):
        result = runner.invoke(cli, ["--db", str(hostile), *args], env={"COLUMNS": "300"})
        assert result.exit_code == 0, result.output
        assert not FORBIDDEN.search(result.output), (args, repr(FORBIDDEN.search(result.output).group()))
    shown = runner.invoke(cli, ["--db", str(hostile), "show", "59"], env={"COLUMNS": "300"}).output
    assert "[bold red]loud[/]" in shown and "\\x1b]52;c;" in shown


def test_exports_are_byte_exact(hostile):
    result = CliRunner().invoke(cli, ["--db", str(hostile), "export", "facts", "--shape", "array",
                                      "--where", "hostile"])
    assert result.exit_code == 0, result.output
    fact = json.loads(result.stdout)[0]
    assert fact["claim"] == f"{MARKUP} claim {INVISIBLE}"
    assert fact["quote"] == f"{MARKUP} said 40,000 troops."


@pytest.mark.parametrize("args", [
    ["list", "--subject", "'; DROP TABLE facts; --"],
    ["list", "--where", 'subject:"x\'; DROP TABLE facts; --"'],
    ["list", "-q", "\"') OR 1=1; --"],
    ["list", "--tag", "x' OR '1'='1"],
    ["export", "facts\"; DROP TABLE facts; --"],
    ["export", "facts", "--source", "x' OR 1=1 --"],
    ["query", "DROP TABLE facts"],
    ["query", "SELECT 1; DROP TABLE facts"],
])
def test_injection_is_refused_or_treated_as_data(hostile, args):
    before = snapshot(hostile)
    result = CliRunner().invoke(cli, ["--db", str(hostile), *args])
    assert "Traceback" not in result.output
    if result.exit_code == 0 and args[0] == "list":
        assert result.output.strip() in ("", "No facts match.") or "DROP" not in result.output
    assert snapshot(hostile) == before
    assert open_db(hostile).execute("SELECT count(*) FROM facts").fetchone()[0] == 59


@pytest.mark.parametrize("name, content, words", [
    ("deep.json", "[" * 10_000 + "]" * 10_000, "nested too deeply"),
    ("deep.jsonl", '{"a": ' * 10_000 + "1" + "}" * 10_000 + "\n", "nested too deeply"),
    ("bomb.yaml", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                  "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n", "aliases (*name) are not accepted"),
    ("object.yaml", "- !!python/object/apply:os.system ['echo owned']\n", "not valid YAML"),
    ("huge.yaml", f"- claim: {'x' * 100_000}\n  subject: s\n  date: '2022'\n  actor: NATO\n  source: odr-2022-02-09\n"
                  "  confidence: 0.5\n", "at most 2,000 are allowed"),
    ("nul.jsonl", '{"claim": "a\\u0000b", "subject": "s", "date": "2022", "actor": "NATO", '
                  '"source": "odr-2022-02-09", "confidence": 0.5}\n', "control characters"),
])
def test_malformed_files_are_one_line_each_and_write_nothing(seeded_path, tmp_path, name, content, words):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = snapshot(seeded_path)
    result = CliRunner().invoke(cli, ["--db", str(seeded_path), "import", str(path)])
    assert result.exit_code == 1 and words in result.output and "Traceback" not in result.output
    assert snapshot(seeded_path) == before


def test_the_form_shows_stored_escapes_visibly_and_saves_them_unchanged(seeded_path):
    """A quote holding escapes, OSC 52, the single-byte CSI and bidi characters, opened for editing: the
    inputs show them as text, and saving without touching the quote keeps it byte for byte."""
    from textual.widgets import Input

    from facts_tui.form import FactForm
    db = open_db(seeded_path)
    source = seeded_path.parent / "escapes.txt"
    quote = f"Officials said \x1b[2J 40,000 troops \x1b]52;c;aGFja2Vk\x07 were \x9b31m there {INVISIBLE}."
    source.write_text(f"Intro. {quote} End.\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["--db", str(seeded_path), "sources", "add", str(source), "--key", "esc",
                                    "--title", "Escapes"]).exit_code == 0
    fact_id, _ = add_fact(db, {"claim": "Officials counted 40,000 troops.", "subject": "Escapes",
                               "quantity": "40,000", "date": "2022", "actor": "NATO", "source": "esc",
                               "quote": quote, "confidence": 0.5}, "tester")

    async def scenario(app, pilot):
        from support import table
        assert table(app).select_fact(fact_id)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, FactForm))
        await settle(pilot, app)
        form = app.screen
        shown = form.query_one("#field-quote", Input).value
        assert not FORBIDDEN.search(shown) and "\\x1b[2J" in shown and "<U+202E>" in shown
        assert form.data()["quote"] == quote  # unchanged unless edited
        form.query_one("#field-unit", Input).value = "soldiers"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, FactForm)
    browse(seeded_path, scenario)
    row = open_db(seeded_path).execute("SELECT quote, unit FROM facts WHERE id = ?", [fact_id]).fetchone()
    assert row == (quote, "soldiers")
