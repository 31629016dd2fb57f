"""A non-editable install carries schema.sql and the seed collection inside the package, and the browser
under the project's own name."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_schema_and_seeds(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("facts-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "facts/schema.sql" in names
    assert zipfile.ZipFile(wheel).read("facts/schema.sql").decode() == (ROOT / "schema.sql").read_text()
    for seed in ("actors.yaml", "sources.yaml", "facts.yaml"):
        assert f"facts/seeds/{seed}" in names
    texts = sorted(p.name for p in (ROOT / "seeds" / "texts").iterdir())
    assert len(texts) == 5
    assert {f"facts/seeds/texts/{t}" for t in texts} <= names
    # The browser is installed as facts_tui, never as a generic top-level `tui`.
    tops = {name.split("/")[0] for name in names}
    assert "tui" not in tops and "facts_tui" in tops
    assert {f"facts_tui/{p.name}" for p in (ROOT / "tui").glob("*.py")} <= names
    styles = {f"facts_tui/{p.name}" for p in (ROOT / "tui").glob("*.tcss")}
    assert "facts_tui/dialog.tcss" in styles and styles <= names  # the screens' CSS_PATH files
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "facts = facts.cli:main" in entry_points and "browse = facts_tui.command:browse" in entry_points
    assert "[datasette]\nfacts = facts.web" in entry_points  # the plugin, found by Datasette
    web = {f"facts/web/{p.relative_to(ROOT / 'facts' / 'web')}" for p in (ROOT / "facts" / "web").rglob("*")
           if p.is_file() and "__pycache__" not in p.parts}
    shared = {"facts/web/templates/facts_fact.html", "facts/web/templates/facts_site_base.html",
              "facts/web/static/facts.css", "facts/web/static/datasette.css", "facts/web/static/search.js"}
    assert shared <= web <= names
