"""SQL and export, proved against a real Datasette 0.65 and the stock sqlite3 shell."""

import asyncio
import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import snapshot

from facts.cli import cli
from facts.db import open_db

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
    conn = open_db(db)
    tables = [t for t in conn.table_names() if not t.startswith("facts_fts")]
    return tables + conn.view_names()


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
    first = dict(zip(header, rows[1]))
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
