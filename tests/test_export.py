"""SQL and export, proved against a real Datasette 0.65 and the stock sqlite3 shell."""

import asyncio
import csv
import io
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import on_a_terminal, snapshot

from facts.cli import cli
from facts.db import open_db
from facts.vocab import EXPORT_SHAPES

ROOT = Path(__file__).resolve().parent.parent
from datasette.app import Datasette  # noqa: E402  (a test dependency: pinned in the test extra)

# Fields of Datasette's envelope that say how Datasette ran, not what the data is.
RUN_FIELDS = {"query_ms", "query", "suggested_facets"}


def run(db, *args):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def exported(db, *args) -> str:
    result = run(db, "export", *args)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode("utf-8")  # .stdout would turn CRLF into LF


def datasette(db: Path, *paths: str) -> list:
    async def fetch():
        ds = Datasette([str(db)])
        out = []
        for path in paths:
            response = await ds.client.get(path)
            assert response.status_code == 200, (path, response.text[:300])
            out.append(response)
        return out
    return asyncio.run(fetch())


@pytest.fixture(scope="module")
def db(seed_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "facts.db"
    from support import copy_db
    copy_db(seed_template, path)
    # A re-rating, so that history and annotations_flat have one.
    assert run(path, "rate", "5", "likely", "--reason", "Matches rail counts").exit_code == 0
    return path


def names(db):
    """Every table and view facts exports (all but the FTS shadow tables and the originals' bytes)."""
    from facts.export import exportable
    tables, views = exportable(open_db(db))
    assert "facts" in tables and "sources" in tables and "facts_flat" in views
    return tables + views


def test_every_table_and_view_matches_datasette(db):
    for name in names(db):
        objects, array, arrays, nl, stream = datasette(
            db, f"/facts/{name}.json?_size=max&_shape=objects", f"/facts/{name}.json?_size=max&_shape=array",
            f"/facts/{name}.json?_size=max&_shape=arrays", f"/facts/{name}.json?_size=max&_shape=array&_nl=on",
            f"/facts/{name}.csv?_stream=on&_size=max")
        assert json.loads(exported(db, name, "--shape", "array")) == array.json(), name
        ours = [json.loads(line) for line in exported(db, name, "--nl").splitlines()]
        assert ours == [json.loads(line) for line in nl.text.splitlines()], name
        assert exported(db, name, "--csv").encode() == stream.content, name
        for shape, theirs in (("objects", objects.json()), ("arrays", arrays.json())):
            ours = json.loads(exported(db, name, "--shape", shape))
            assert {k: v for k, v in ours.items() if k not in RUN_FIELDS} == \
                   {k: v for k, v in theirs.items() if k not in RUN_FIELDS}, (name, shape)


@pytest.mark.parametrize("flags, query", [
    (["--unit", "troops"], "unit=troops"),
    (["--status", "disputed"], "status=disputed"),
    (["--min-confidence", "0.8"], "confidence__gte=0.8"),
    (["--unit", "troops", "--status", "active"], "unit=troops&status=active"),
])
def test_filtered_export_matches_datasette_filters(db, flags, query):
    array, stream = datasette(db, f"/facts/facts.json?_shape=array&_size=max&{query}",
                              f"/facts/facts.csv?_stream=on&_size=max&{query}")
    ours = json.loads(exported(db, "facts", "--shape", "array", *flags))
    assert ours == array.json() and len(ours) > 0
    assert exported(db, "facts", "--csv", *flags).encode() == stream.content


def test_csv_is_datasette_csv(db):
    text = exported(db, "facts", "--csv")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert text.startswith(",".join(rows[0]) + "\r\n") and text.endswith("\r\n")
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["stated_on"] == "" and first["value"] == "30000.0"


def test_export_to_a_file_is_whole_or_nothing(db, tmp_path):
    target = tmp_path / "out.json"
    assert run(db, "export", "facts_flat", "-o", str(target)).exit_code == 0
    assert json.loads(target.read_text())["filtered_table_rows_count"] == 58
    result = run(db, "export", "nope", "-o", str(tmp_path / "bad.json"))
    assert result.exit_code == 1 and "no table or view 'nope'" in result.output
    assert not (tmp_path / "bad.json").exists() and list(tmp_path.iterdir()) == [target]
    result = run(db, "export", "facts", "-o", str(tmp_path / "missing" / "x.json"))
    assert result.exit_code == 1 and "does not exist" in result.output


@pytest.mark.parametrize("args, words", [
    (["export", "nope"], "no table or view 'nope'"),
    (["export", "sources", "--unit", "km"], "filters apply to facts and facts_flat"),
    (["export", "facts", "--actor", "natoo"], "unknown actor 'natoo'"),
    (["export", "facts", "--where", "colour:red"], "unknown field 'colour'"),
    (["query", "DELETE FROM facts"], "read-only"),
    (["query", "INSERT INTO actors (name) VALUES ('x')"], "read-only"),
    (["query", "SELEC 1"], "syntax error"),
    (["query", "SELECT nope FROM facts"], "no such column: nope"),
    (["query", "SELECT * FROM facts WHERE id = :id"], "SQL:"),
])
def test_bad_input_is_one_line_and_writes_nothing(db, args, words):
    before = snapshot(db)
    result = run(db, *args)
    assert result.exit_code == 1
    assert words in result.output and "Traceback" not in result.output
    assert snapshot(db) == before


def test_query_with_parameters_and_formats(db):
    result = run(db, "query", "SELECT claimant, value FROM facts_flat WHERE subject = :s ORDER BY value DESC, id",
                 "-p", "s", "Russian troops in Belarus", "--json")
    rows = json.loads(result.stdout)
    assert rows[0] == {"claimant": "NATO", "value": 30000.0} and len(rows) == 7
    nl = run(db, "query", "SELECT id FROM facts ORDER BY id LIMIT 2", "--nl").stdout
    assert nl == '{"id": 1}\n{"id": 2}\n'
    assert run(db, "query", "SELECT id FROM facts ORDER BY id LIMIT 1", "--csv").stdout_bytes == b"id\r\n1\r\n"


def test_documented_queries_run_in_the_sqlite3_shell(db):
    shell = shutil.which("sqlite3")
    assert shell, "the sqlite3 shell is needed: .ci/setup installs it"
    queries = re.findall(r"```sql\n(.*?)```", (ROOT / "docs" / "schema.md").read_text(), re.S)
    assert len(queries) >= 6
    for sql in queries:
        result = subprocess.run([shell, "-bail", "-json", str(db)], input=sql, capture_output=True, text=True)
        assert result.returncode == 0, (sql, result.stderr)
        assert json.loads(result.stdout or "[]"), f"no rows from:\n{sql}"


# --- metadata.json, the static site, facts serve ---------------------------------------------

def metadata(db, tmp_path, *extra) -> dict:
    path = tmp_path / "metadata.json"
    result = run(db, "export", "--metadata", str(path), "--license", "CC-BY-4.0", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text())


def test_metadata_describes_every_column_of_every_table_and_view(db, tmp_path):
    meta = metadata(db, tmp_path)
    tables = meta["databases"]["facts"]["tables"]
    conn = open_db(db)
    for name in names(db):
        assert tables[name]["description"]
        assert list(tables[name]["columns"]) == [c.name for c in conn[name].columns], name
        assert all(tables[name]["columns"].values()), name
    assert meta["license"] == "CC-BY-4.0" and meta["title"] == "facts"
    assert tables["facts_flat"]["facets"] == ["claimant", "subject", "unit", "status"]
    assert tables["facts_flat"]["fts_table"] == "facts_fts"


def test_datasette_serves_the_metadata(db, tmp_path):
    meta = metadata(db, tmp_path)

    async def fetch():
        ds = Datasette([str(db)], metadata=meta)
        served = (await ds.client.get("/-/metadata.json")).json()
        flat = (await ds.client.get("/facts/facts_flat.json?_facet_size=max")).json()
        search = (await ds.client.get("/facts/facts_flat.json?_search=porotnikov&_shape=array")).json()
        page = (await ds.client.get("/facts/facts_flat?_size=5")).text
        return served, flat, search, page
    served, flat, search, page = asyncio.run(fetch())
    assert (served["title"], served["license"]) == ("facts", "CC-BY-4.0")
    for name, table in meta["databases"]["facts"]["tables"].items():
        assert served["databases"]["facts"]["tables"][name]["columns"] == table["columns"], name
    assert set(flat["facet_results"]) == {"claimant", "subject", "unit", "status"}
    counts = {r["value"]: r["count"] for r in flat["facet_results"]["claimant"]["results"]}
    assert counts["Jens Stoltenberg"] == 2
    assert [r["claimant"] for r in search] == ["Andrey Porotnikov"]
    assert "Who claims it (canonical name)" in page


def test_the_datasette_command_accepts_the_metadata_file(db, tmp_path):
    metadata(db, tmp_path)
    result = subprocess.run([sys.executable, "-m", "datasette", "serve", str(db), "-m", str(tmp_path / "metadata.json"),
                             "--get", "/facts/subject_spread.json?_shape=array"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    # the 2022 figures set against each other, not against 2020's month or the 1992-2021 span
    troops = [r for r in rows if r["subject"] == "Russian troops in Belarus"]
    assert [(r["period"], r["lowest"], r["highest"], r["claims"]) for r in troops] == [("2022", 10000, 30000, 5)]


def test_static_site_gives_the_same_answers_as_datasette(db, tmp_path):
    site = tmp_path / "site"
    result = run(db, "export", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert (site / "facts.db").exists() and (site / "metadata.json").exists()
    for name in names(db):
        assert (site / "facts" / f"{name}.csv").exists()
    served = subprocess.run([sys.executable, "-m", "datasette", "serve", str(site / "facts.db"), "-m",
                             str(site / "metadata.json"), "--get", "/facts/facts_flat.json?_shape=objects&_size=max"],
                            capture_output=True, text=True)
    assert served.returncode == 0, served.stderr
    theirs = json.loads(served.stdout)
    ours = json.loads((site / "facts" / "facts_flat.json").read_text())
    assert ours["rows"] == theirs["rows"] and ours["columns"] == theirs["columns"]
    assert (site / "facts" / "facts.csv").read_bytes() == exported(db, "facts", "--csv").encode()


def test_serve_says_how_to_install_datasette(db, monkeypatch):
    import importlib.util
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "datasette" else real(name, *a))
    result = run(db, "serve")
    assert result.exit_code == 1 and "pip install 'facts[datasette]'" in result.output


def test_serve_starts_datasette_with_the_metadata(db, monkeypatch):
    seen = {}

    class FakeServer:
        def __init__(self, command, *args, **kwargs):
            seen["command"] = command
            seen["metadata"] = json.loads(Path(command[command.index("-m", 3) + 1]).read_text())

        def wait(self, timeout=None):
            return 0
    monkeypatch.setattr(subprocess, "Popen", FakeServer)
    result = run(db, "serve", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert seen["command"][1:4] == ["-m", "datasette", "serve"] and str(db) in seen["command"]
    assert seen["command"][-3:] == ["--setting", "suggest_facets", "off"]
    assert "8123" in seen["command"] and "facts_flat" in seen["metadata"]["databases"]["facts"]["tables"]


def test_export_into_a_device_writes_into_it(db):
    devnull = Path("/dev/null")
    assert devnull.is_char_device()
    assert run(db, "export", "facts", "--csv", "-o", str(devnull)).exit_code == 0
    assert devnull.is_char_device()  # still the device, not a file renamed over it


@pytest.fixture
def in_parallel(monkeypatch):
    """Worker processes for any size, in ranges of 7 rowids: many chunks, some empty."""
    from facts import export_chunks
    monkeypatch.setattr(export_chunks, "SMALLEST", 1)
    monkeypatch.setattr(export_chunks, "CHUNK", 7)
    return export_chunks


def export_text(path, name, shape, parallel, flt=None) -> str:
    from facts.export import export
    out = io.StringIO(newline="")
    export(open_db(path), name, out, shape=shape, flt=flt, parallel=parallel)
    return out.getvalue()


def test_formatting_in_worker_processes_gives_the_same_bytes(db, in_parallel, monkeypatch):
    from facts.query import Filter
    started = []
    real_start = in_parallel.start
    monkeypatch.setattr(in_parallel, "start", lambda *a, **k: started.append(a[6]) or real_start(*a, **k))
    for name, shapes in (("facts_flat", EXPORT_SHAPES), ("facts", ["csv", "objects"]),
                         ("annotations", ["nl", "arrays"]), ("actors", ["array"]), ("fact_history", ["csv"])):
        for shape in shapes:
            assert export_text(db, name, shape, True) == export_text(db, name, shape, False), (name, shape)
    assert export_text(db, "facts_flat", "csv", True, Filter(units=["troops"], min_confidence=0.5)) == \
        export_text(db, "facts_flat", "csv", False, Filter(units=["troops"], min_confidence=0.5))
    assert set(started) == {"facts", "annotations", "actors", "fact_history"}  # facts_flat reads facts' rowids


def test_a_parallel_export_reads_one_snapshot_while_a_writer_commits(db, tmp_path, in_parallel):
    """Every commit changes every fact's confidence; rows from two snapshots would disagree."""
    import threading
    import time

    from support import copy_db
    path = tmp_path / "busy.db"
    copy_db(db, path)
    stop = threading.Event()
    commits = []
    real_start, parallel = in_parallel.start, []
    in_parallel.start = lambda *a, **k: (lambda chunks: parallel.append(chunks is not None) or chunks)(
        real_start(*a, **k))

    def writer():
        conn = open_db(path).conn
        i = 0
        while not stop.is_set():
            conn.execute("UPDATE facts SET confidence = ?", [(i % 9 + 1) / 10])
            commits.append(i)
            i += 1
            time.sleep(0.002)  # a writer committing batch after batch lets the lock go between them
    thread = threading.Thread(target=writer)
    thread.start()
    texts = []
    try:
        while len(commits) < 3:
            time.sleep(0.01)
        started = len(commits)
        # Export until the writer has committed often meanwhile (a busy machine may slow it down).
        while len(texts) < 3 or (len(commits) - started < 10 and len(texts) < 40):
            texts.append(export_text(path, "facts_flat", "csv", True))
    finally:
        stop.set()
        thread.join()
    in_parallel.start = real_start
    assert len(commits) - started >= 10  # the writer kept committing while the exports ran
    assert any(parallel)  # some exports went to the workers (the others found the writer holding the lock)
    for text in texts:
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        assert len(rows) == 58
        assert len({r["confidence"] for r in rows}) == 1


def test_a_parallel_export_does_not_wait_for_a_writer_holding_the_lock(db, tmp_path, in_parallel):
    """Workers start on one snapshot under the write lock; a writer holding it makes the export format the
    rows itself at once, not wait the busy timeout (15 s) for it."""
    import time

    from support import copy_db

    from facts.errors import BUSY_SECONDS
    path = tmp_path / "held.db"
    copy_db(db, path)
    expected = export_text(path, "facts_flat", "csv", False)
    writer = open_db(path).conn
    writer.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        assert export_text(path, "facts_flat", "csv", True) == expected
        assert time.monotonic() - started < BUSY_SECONDS / 3
    finally:
        writer.execute("ROLLBACK")


def test_export_to_a_file_shows_its_progress_on_a_terminal_and_only_there(seeded_path, tmp_path):
    target = tmp_path / "facts.json"
    code, screen = on_a_terminal("export", "-o", str(target), db=seeded_path, columns=100)
    assert code == 0, screen
    total = json.loads(target.read_text(encoding="utf-8"))["filtered_table_rows_count"]
    assert re.search(rf"Exporting .* {total}/{total}", screen), screen  # the bar, ending at the whole count
    code, screen = on_a_terminal("export", "--nl", db=seeded_path, columns=100)
    assert code == 0 and "Exporting" not in screen  # rows going to the screen are not mixed with a bar
    piped = CliRunner().invoke(cli, ["--db", str(seeded_path), "export", "-o", str(tmp_path / "p.json")])
    assert piped.exit_code == 0 and "Exporting" not in piped.stderr


def test_sqlite_utils_and_a_plain_datasette_find_the_full_text_index(db):
    """Neither knows facts: they find a table's FTS index by its declaration, content="facts"."""
    import sqlite_utils
    table = sqlite_utils.Database(db)["facts"]
    assert table.detect_fts() == "facts_fts"
    assert [r["claim"] for r in table.search("porotnikov")] == [
        r[0] for r in sqlite_utils.Database(db).execute("SELECT claim FROM facts WHERE actor_id = "
                                                        "(SELECT actor_id FROM aliases WHERE alias = 'Porotnikov')")]
    (found,) = datasette(db, "/facts/facts.json?_search=porotnikov&_shape=array")
    assert [r["id"] for r in found.json()] == [r["id"] for r in table.search("porotnikov")]


def test_lists_are_json_arrays_that_datasette_facets_and_pandas_read(db):
    conn = sqlite3.connect(db)
    tagged = dict(conn.execute("SELECT tag, count(*) FROM fact_tags GROUP BY tag").fetchall())
    assert tagged  # the seeds carry tags
    (flat,) = datasette(db, "/facts/facts_flat.json?_facet_array=tags&_facet_size=max&_size=0")
    assert {r["value"]: r["count"] for r in flat.json()["facet_results"]["tags"]["results"]} == tagged
    fact_id, about, tags = conn.execute("SELECT id, about, tags FROM facts_flat WHERE about LIKE '%,%' AND tags "
                                        "IS NOT NULL LIMIT 1").fetchone()
    assert json.loads(about) == sorted(n for (n,) in conn.execute(
        "SELECT a.name FROM fact_about fa JOIN actors a ON a.id = fa.actor_id WHERE fa.fact_id = ?", [fact_id]))
    assert json.loads(tags) == sorted(t for (t,) in conn.execute("SELECT tag FROM fact_tags WHERE fact_id = ?",
                                                                  [fact_id]))
    assert conn.execute("SELECT count(*) FROM facts_flat WHERE tags = '[]' OR about = '[]'").fetchone()[0] == 0
    # The command line gives them as lists in JSON, and says them joined to a person.
    listed = {f["id"]: f for f in json.loads(run(db, "list", "--json", "--all").stdout)}
    assert (listed[fact_id]["about"], listed[fact_id]["tags"]) == (json.loads(about), json.loads(tags))
    assert json.loads(run(db, "show", str(fact_id), "--json").stdout)["tags"] == json.loads(tags)
    shown = run(db, "show", str(fact_id)).stdout
    assert re.search(rf"\nAbout +{re.escape('; '.join(json.loads(about)))}\n", shown)
