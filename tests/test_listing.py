"""facts list as people and scripts read it: one line a fact, written as read; on a terminal a screenful
that fits its width and says how many more there are; piped, every fact whole; tables a script reads."""

import csv
import io

from support import on_a_terminal, run

from facts.db import open_db


def test_piped_each_fact_is_one_whole_line(seeded_path):
    out = run(seeded_path, "list").output
    lines = out.splitlines()
    total = open_db(seeded_path).execute("SELECT count(*) FROM facts").fetchone()[0]
    assert len(lines) == total + 2  # the header, its rule, a line for each fact
    assert not [line for line in lines if line != line.rstrip()]
    assert "│ Russian troops in Belarus " in lines[2] and not [line for line in lines if "…" in line]  # none cut


def test_table_styles_a_script_reads(seeded_path):
    total = open_db(seeded_path).execute("SELECT count(*) FROM facts").fetchone()[0]
    rows = list(csv.reader(io.StringIO(run(seeded_path, "list", "--fmt", "tsv").output), delimiter="\t"))
    assert rows[0] == ["id", "date", "claimant", "subject", "quantity", "conf.", "source", "status"]
    assert len(rows) == total + 1 and all(len(r) == 8 for r in rows) and rows[1][0] == "1"
    markdown = run(seeded_path, "list", "--fmt", "markdown", "--limit", "3").output.splitlines()
    assert len(markdown) == 5 and all(line.startswith("|") and line.endswith("|") for line in markdown)
    assert set(markdown[1]) <= {"|", "-"}
    plain = run(seeded_path, "list", "--fmt", "plain", "--limit", "2").output.splitlines()
    assert len(plain) == 3 and plain[0].startswith("id  date")


def test_on_a_terminal_a_screenful_that_fits_and_how_many_more(seeded_path):
    total = open_db(seeded_path).execute("SELECT count(*) FROM facts").fetchone()[0]
    code, out = on_a_terminal("list", db=seeded_path, columns=90, lines=20)
    lines = out.splitlines()
    assert code == 0
    shown = [line for line in lines[2:] if "│" in line]
    assert len(shown) == 15  # the terminal's lines, less the header, its rule and the closing lines
    assert all(len(line) <= 90 for line in lines)
    assert any("…" in line for line in shown)  # long cells are cut to fit
    assert f"and {total - 15} more" in lines[-1] and "--all" in lines[-1]
    code, out = on_a_terminal("list", "--all", db=seeded_path, columns=90, lines=20)
    assert len([line for line in out.splitlines() if "│" in line]) == total and "more" not in out
    code, out = on_a_terminal("list", "--limit", "3", db=seeded_path, columns=90, lines=20)
    assert len([line for line in out.splitlines() if "│" in line]) == 3 and "more" not in out


def test_show_has_no_spaces_at_line_ends(seeded_path):
    out = run(seeded_path, "show", "1").output
    assert out.count("\n") > 10 and not [line for line in out.splitlines() if line != line.rstrip()]
    code, out = on_a_terminal("show", "1", db=seeded_path, columns=100)
    assert code == 0 and not [line for line in out.splitlines() if line != line.rstrip()]
