"""Every error and confirmation line of the command line, read on a pseudo-terminal as a person sees it:
values from the data or the user are shown as text, never obeyed. (Written to a pipe, click strips some
escapes itself, which would hide the bug: these tests run each command on a pty.)"""

import json
import os
import pty
import re
import subprocess
import sys

import pytest
from support import on_a_terminal

ESCAPES = "\x1b[2J\x1b]52;c;aGFja2Vk\x07\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\\x9b31m"
INVISIBLE = "\u202egnp.exe\u200d\u2066x\u2069\ufeff"
HOSTILE = f"copy{ESCAPES}{INVISIBLE}done"
# What a one-line stored field may hold (C0 controls are refused there): C1 and invisible characters.
NAMED = f"\x9b31m{INVISIBLE}"
# What must never reach the terminal: C0 controls but tab and line ends, DEL and C1, bidi, zero-width.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
                       "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


@pytest.fixture
def hostile_db(seeded_path):
    """The seeds with an actor whose name holds escapes and invisible characters."""
    code, out = on_a_terminal("actors", "add", f"Hajun{NAMED}", "--kind", "organization", db=seeded_path)
    assert code == 0, out
    return seeded_path


def record(**fields) -> str:
    base = {"claim": "A claim.", "subject": "Russian troops in Belarus", "quantity": "30,000", "date": "2022-02",
            "actor": "NATO", "source": "odr-2022-02-09", "confidence": "likely"}
    return json.dumps({**base, **fields})


@pytest.mark.parametrize("field", ["confidence", "date", "stated_on", "quantity", "source", "actor", "subject"])
def test_an_import_problem_line_shows_the_value_as_text(hostile_db, tmp_path, field):
    path = tmp_path / "bad.jsonl"
    path.write_text(record(**{field: HOSTILE}) + "\n", encoding="utf-8")
    code, out = on_a_terminal("import", str(path), db=hostile_db)
    assert code == 1 and f"bad.jsonl:1: {field}" in out, out
    assert not FORBIDDEN.search(out), repr(out)
    if field not in ("actor", "subject"):  # a refused one-line field names the character, not the text
        assert "\\x1b[2j" in out.lower(), out  # shown, not dropped (a source key is lower-cased)


@pytest.mark.parametrize("args", [
    ["list", "--where", f"tag:{HOSTILE} status:{HOSTILE}"],
    ["list", "--actor", HOSTILE],
    ["list", "--actor", "Hajun"],  # "did you mean" a stored name full of escapes
    ["export", HOSTILE],
    ["query", f"SELECT {HOSTILE}"],
    ["show", "1", "--no-such-option"],
    ["rate", "1", HOSTILE, "--reason", "r"],
    ["status", "1", HOSTILE],
    ["sources", "add", f"/no/such/{HOSTILE}", "--key", "k", "--title", "t"],
], ids=["where", "actor", "did-you-mean", "export-name", "query-error", "usage", "rate", "status-choice",
        "missing-file"])
def test_an_error_line_shows_the_value_as_text(hostile_db, args):
    code, out = on_a_terminal(*args, db=hostile_db)
    assert code in (1, 2) and "Error" in out, out
    assert not FORBIDDEN.search(out), repr(out)


@pytest.mark.parametrize("args, says", [
    (["tag", "1", f"tag{NAMED}"], "Tagged fact #1"),
    (["annotate", "1", HOSTILE], "Added note"),
    (["actors", "add", f"Another{NAMED}"], "Added"),
    (["actors", "alias", f"Hajun{NAMED}", f"Hajun monitor{NAMED}"], "Added"),
    (["actors", "merge", "NATO", f"Hajun{NAMED}"], "Merged"),
    (["actors", "edit", f"Hajun{NAMED}", "--name", f"Hajun project{NAMED}"], "Corrected"),
    (["actors", "list"], "Hajun"),
    (["list", "--where", "hajun"], "No facts match"),
], ids=["tag", "annotate", "actors-add", "alias", "merge", "edit", "actors-list", "list"])
def test_a_confirmation_line_shows_the_value_as_text(hostile_db, args, says):
    code, out = on_a_terminal(*args, db=hostile_db)
    assert code == 0 and says in out, out
    assert not FORBIDDEN.search(out), repr(out)


def test_the_pty_sees_what_a_pipe_hides(hostile_db):
    """The guard is needed: written raw, an escape does reach the terminal (click strips it only in a pipe)."""
    code = "import click; click.echo('x\\x1b[2Jy')"
    main, secondary = pty.openpty()
    subprocess.run([sys.executable, "-c", code], stdout=secondary, check=True)
    os.close(secondary)
    assert b"\x1b[2J" in os.read(main, 1024)
    os.close(main)
