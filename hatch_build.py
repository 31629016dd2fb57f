"""Installs the repository's tui/ folder as the package facts_tui, so that no generic top-level
`tui` lands in site-packages.

A wheel copies tui/ to facts_tui/ (force-include in pyproject.toml). An editable install instead gets
a facts_tui/__init__.py whose __path__ is the repository's tui/, so edits take effect at once.
"""

import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class EditableBrowser(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if version != "editable":
            return
        folder = Path(self.root) / "tui"
        init = Path(tempfile.mkdtemp()) / "__init__.py"
        init.write_text(f'"""The browser, from {folder}."""\n\n__path__ = [{str(folder)!r}]\n', encoding="utf-8")
        # Replaces the force-include map of the wheel: schema.sql and seeds/ are found at the
        # repository's top (facts.db.bundled), and facts_tui is this one file.
        build_data["force_include_editable"] = {str(init): "facts_tui/__init__.py"}
