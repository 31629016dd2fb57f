"""The house rules: facts/ never imports the browser; tui/ holds no SQL; CI runs the README's command."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_library_and_cli_never_import_textual():
    code = ("import sys, facts.cli, facts.collection, facts.query, facts.importer, facts.showing, facts.where, "
            "facts.facets, facts.comparison, facts.charts, facts.provenance; print(sorted(m for m in sys.modules "
            "if m.split('.')[0] in ('textual', 'tui', 'facts_tui')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    for path in (ROOT / "facts").glob("*.py"):
        assert not re.search(r"^\s*(from|import)\s+(textual|tui|facts_tui)\b", path.read_text(), re.M), path


def test_facts_help_does_not_load_the_browser():
    code = "import sys, facts_tui.command; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_browser_holds_no_sql():
    for path in (ROOT / "tui").glob("*.py"):
        text = path.read_text()
        assert not re.search(r"\b(SELECT|INSERT|UPDATE|DELETE)\s+\w", text), path
        assert "execute(" not in text and "sqlite3" not in text, path


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    command = readme.split("<!-- test-command -->", 1)[1].split("```sh\n", 1)[1].split("\n", 1)[0]
    assert "pytest" in command and "pip install" in command
    run = (ROOT / ".ci" / "run").read_text()
    assert "<!-- test-command -->" in run and "README.md" in run


def test_python_m_facts_is_the_facts_command_with_the_browser():
    out = subprocess.run([sys.executable, "-m", "facts", "--help"], capture_output=True, text=True, check=True).stdout
    assert "browse" in out and "import" in out
    code = "import sys, facts.cli; facts.cli.add_plugin_commands(); print('textual' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "False"
