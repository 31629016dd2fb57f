"""Files are read only where the person meant: regular files of bounded size, text files of an import inside
its folder. A device, a pipe, a folder, an oversized file or a path outside is refused in one line, quickly,
and nothing is written."""

import os
import subprocess
from pathlib import Path

import pytest
from support import facts_command, snapshot

from facts.files import MAX_FILE_BYTES

SOURCE = """sources:
  - key: memo
    title: A memo
    text_file: {text_file}
"""


def run(db: Path, *args: str) -> subprocess.CompletedProcess:
    """As a user runs it, with a deadline: a pipe read by mistake would wait forever."""
    return subprocess.run([*facts_command(), "--db", str(db), *args], capture_output=True, text=True, timeout=30)


@pytest.fixture
def folder(tmp_path) -> Path:
    folder = tmp_path / "import"
    folder.mkdir()
    (folder / "memo.txt").write_text("About 30,000 troops.\n", encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    with open(folder / "huge.txt", "wb") as f:  # sparse: no disk used
        f.truncate(MAX_FILE_BYTES + 1)
    (folder / "link.txt").symlink_to(tmp_path / "outside.txt")
    (tmp_path / "outside.txt").write_text("secret\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("text_file, says", [
    ("/etc/hostname", "is outside"),
    ("../outside.txt", "is outside"),
    ("link.txt", "is outside"),  # a link inside that leads out
    ("/dev/zero", "is outside"),
    ("pipe.txt", "is a pipe, not a regular file"),
    (".", "is a folder, not a regular file"),
    ("huge.txt", "is larger than 50 MB"),
])
def test_a_text_file_the_import_should_not_read_is_refused(seeded_path, folder, text_file, says):
    path = folder / "sources.yaml"
    path.write_text(SOURCE.format(text_file=text_file), encoding="utf-8")
    before = snapshot(seeded_path)
    done = run(seeded_path, "import", str(path))
    assert done.returncode == 1, done.stderr
    problem, summary = done.stderr.strip().splitlines()
    assert problem.startswith(f"{path}:2: text_file: ") and says in problem, problem
    assert summary == "Error: 1 problem; nothing was written"
    assert snapshot(seeded_path) == before


def test_a_device_inside_the_folder_named_for_texts_is_refused(seeded_path, tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCE.format(text_file="zero"), encoding="utf-8")
    done = run(seeded_path, "import", str(path), "--texts-from", "/dev")
    assert done.returncode == 1 and "/dev/zero is a device or socket, not a regular file" in done.stderr


def test_texts_from_names_another_folder(seeded_path, folder, tmp_path):
    path = tmp_path / "sources.yaml"  # not beside the text
    path.write_text(SOURCE.format(text_file="memo.txt"), encoding="utf-8")
    assert run(seeded_path, "import", str(path)).returncode == 1
    done = run(seeded_path, "import", str(path), "--texts-from", str(folder))
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("name, says", [
    ("/dev/zero", "is a device or socket, not a regular file"),
    ("pipe.txt", "is a pipe, not a regular file"),
    ("huge.txt", "is larger than 50 MB"),
])
def test_sources_add_and_extract_read_regular_files_only(seeded_path, folder, name, says):
    target = name if name.startswith("/") else str(folder / name)
    before = snapshot(seeded_path)
    added = run(seeded_path, "sources", "add", target, "--key", "k", "--title", "t")
    assert added.returncode == 1 and says in added.stderr and len(added.stderr.strip().splitlines()) == 1
    extracted = run(seeded_path, "extract", target)
    assert extracted.returncode == 1 and says in extracted.stderr
    assert snapshot(seeded_path) == before


@pytest.mark.parametrize("sql", ["ATTACH '{target}' AS other", "VACUUM INTO '{target}'"])
def test_a_read_only_query_makes_no_file(seeded_path, tmp_path, sql):
    target = tmp_path / "elsewhere" / "made.db"
    target.parent.mkdir()
    before = snapshot(seeded_path)
    done = run(seeded_path, "query", sql.format(target=target))
    assert done.returncode == 1
    assert done.stderr.strip() == "Error: facts query reads this database only: ATTACH and VACUUM INTO are refused"
    assert list(target.parent.iterdir()) == [] and snapshot(seeded_path) == before
