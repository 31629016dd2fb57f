"""Files facts writes: the user's umask (or the mode of the file replaced), no temporary file left when a
command is killed, a site folder that never takes the live database or files it did not write, and a
`facts serve` that leaves nothing running."""

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import facts_command

ROOT = Path(__file__).resolve().parent.parent


def run(db: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*facts_command(), "--db", str(db), *args], capture_output=True, text=True, timeout=60,
                          **kwargs)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_written_files_follow_the_umask_or_the_file_they_replace(seeded_path, tmp_path, umask_022):
    new, kept, meta = tmp_path / "new.json", tmp_path / "kept.csv", tmp_path / "metadata.json"
    kept.write_text("old\n")
    kept.chmod(0o640)
    assert run(seeded_path, "export", "-o", str(new)).returncode == 0
    assert run(seeded_path, "export", "--csv", "-o", str(kept)).returncode == 0
    assert run(seeded_path, "export", "--metadata", str(meta)).returncode == 0
    assert (mode(new), mode(kept), mode(meta)) == (0o644, 0o640, 0o644)
    site = tmp_path / "site"
    assert run(seeded_path, "export", "--site", str(site)).returncode == 0
    assert {mode(p) for p in site.rglob("*") if p.is_file()} == {0o644}


def test_a_site_never_takes_the_live_database_nor_files_it_did_not_write(seeded_path, tmp_path):
    inode = seeded_path.stat().st_ino
    done = run(seeded_path, "export", "--site", str(seeded_path.parent))
    assert done.returncode == 1 and "holds the database itself" in done.stderr
    assert seeded_path.stat().st_ino == inode
    other = tmp_path / "other"
    other.mkdir()
    (other / "metadata.json").write_text('{"mine": true}\n')
    done = run(seeded_path, "export", "--site", str(other))
    assert done.returncode == 1 and "holds metadata.json, which facts export --site did not write" in done.stderr
    assert (other / "metadata.json").read_text() == '{"mine": true}\n'
    site = tmp_path / "site"
    assert run(seeded_path, "export", "--site", str(site)).returncode == 0
    assert run(seeded_path, "export", "--site", str(site)).returncode == 0  # its own files it may replace


@pytest.fixture(scope="module")
def big_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    data = folder / "facts.jsonl"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--facts", "20000", "--out", str(data),
                    "--format", "jsonl", "--quiet"], check=True, capture_output=True)
    db = folder / "facts.db"
    assert run(db, "init").returncode == 0
    assert run(db, "import", f"{data}.setup.yaml", str(data)).returncode == 0
    return db


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_killed_export_leaves_no_temporary_file(big_db, tmp_path, signum):
    out = tmp_path / "out" / "facts.csv"
    out.parent.mkdir()
    process = subprocess.Popen([*facts_command(), "--db", str(big_db), "export", "--csv", "-o", str(out)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not any(out.parent.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert any(out.parent.iterdir()), "the export never started writing"
    process.send_signal(signum)
    process.wait(timeout=30)
    assert list(out.parent.iterdir()) in ([], [out]), list(out.parent.iterdir())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_serve_leaves_nothing_running(seeded_path, tmp_path, signum):
    port = free_port()
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = subprocess.Popen([*facts_command(), "--db", str(seeded_path), "serve", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "TMPDIR": str(temp)}, start_new_session=True)
    deadline = time.monotonic() + 60
    while not answers(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert answers(port), "Datasette did not start"
    assert list(temp.iterdir())  # its metadata file
    process.send_signal(signum)  # to facts alone, as a service manager or a closed terminal does
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while answers(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not answers(port), "the server outlived facts serve"
    assert list(temp.iterdir()) == []
