"""Fixtures shared by the tests: the seed collection loaded once, copied per test."""

from pathlib import Path

import pytest
from support import copy_db

from facts.db import open_db
from facts.fact_files import read_files, seed_files
from facts.importer import import_records


@pytest.fixture(scope="session")
def seed_template(tmp_path_factory) -> Path:
    """A database holding the seed collection, made once per session; never written by tests."""
    folder = tmp_path_factory.mktemp("seeded")
    made = folder / "made.db"
    db = open_db(made, create=True)
    import_records(db, read_files(seed_files()), "tester")
    db.conn.close()
    template = folder / "template.db"
    copy_db(made, template)
    return template


@pytest.fixture
def seeded_path(seed_template, tmp_path) -> Path:
    """A fresh copy of the seeded database for one test to write to."""
    path = tmp_path / "facts.db"
    copy_db(seed_template, path)
    return path


@pytest.fixture(scope="module")
def seeded_db(seed_template, tmp_path_factory):
    """An open copy of the seeded database shared by one module's read-only tests."""
    path = tmp_path_factory.mktemp("module") / "facts.db"
    copy_db(seed_template, path)
    return open_db(path)


@pytest.fixture
def inbox_path(seeded_path, tmp_path) -> Path:
    """The seed collection and a second copy of one of its articles, under the key 'odr-copy': its figures
    are cited by no fact, so the copy's inbox has a long text's worth of pending figures."""
    from support import run
    text = Path(__file__).parent.parent / "seeds" / "texts" / "odr-2022-02-09.txt"
    result = run(seeded_path, "sources", "add", str(text), "--key", "odr-copy", "--title", "A copy",
                 "--published", "2022-02-09")
    assert result.exit_code == 0, result.output
    return seeded_path
