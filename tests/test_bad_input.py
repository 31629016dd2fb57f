"""A corpus of malformed input for every entry point a user feeds data through.

The rule each case checks: every error a user can cause gets one clear line and a
non-zero exit (1; 2 is an internal error), and writes nothing. A command says
`Error: ...` on one line; `facts import` names each problem as FILE:LINE: ...
and ends with one summary line. The message names the field or the value at fault.
"""

import json
import re

import pytest
from click.testing import CliRunner
from support import snapshot

from facts.cli import cli

ENV = {"COLUMNS": "200", "FACTS_AUTHOR": "bad-input", "FACTS_DB": None, "FORCE_COLOR": None}
BIG = "x" * 100_000  # 100 KB of text

# A fact every entry point accepts (the cases below change one thing in it).
GOOD = {
    "claim": "Ilyash reports a NATO estimate of 30,000 Russian troops in Belarus.",
    "subject": "Russian troops in Belarus (bad input)",
    "quantity": "30,000",
    "unit": "troops",
    "date": "2022-02",
    "actor": "Igor Ilyash",
    "source": "odr-2022-02-09",
    "quote": "he estimates the number of Russian troops in Belarus at 30,000",
    "confidence": 0.7,
}
FLAGS = {"stated_on": "--stated-on", "quote_start": "--quote-start", "tags": "--tag"}


def add(**changed) -> list[str]:
    """`facts add` with flags: GOOD with some fields changed (None drops one)."""
    fact = {**GOOD, **changed}
    argv = ["add", "--no-interactive"]
    for name, value in fact.items():
        if value is not None:
            for one in value if isinstance(value, list) else [value]:
                argv += [FLAGS.get(name, f"--{name}"), str(one)]
    return argv


def fact_json(**changed) -> bytes:
    return json.dumps([{**GOOD, **changed}], ensure_ascii=False).encode("utf-8")


def fact_yaml(lines: str) -> bytes:
    """A YAML list of one fact: GOOD's fields, then `lines` (which may repeat or add a field)."""
    head = "".join(f"  {k}: {json.dumps(v)}\n" for k, v in GOOD.items())
    return ("- " + head[2:] + lines).encode("utf-8")


CSV_HEADER = "claim,subject,quantity,unit,date,actor,source,quote,confidence"
CSV_ROW = ",".join(f'"{v}"' for v in GOOD.values())


def fact_csv(header: str = CSV_HEADER, row: str = CSV_ROW) -> bytes:
    return f"{header}\n{row}\n".encode()


# (id, argv, files written to the test's folder first, a fragment the one error line must contain).
# {tmp} in argv is that folder.
COMMANDS = [
    # --- facts add ---
    ("add-confidence-1.5", add(confidence="1.5"), {}, "confidence"),
    ("add-confidence-nan", add(confidence="nan"), {}, "confidence"),
    ("add-confidence-inf", add(confidence="inf"), {}, "confidence"),
    ("add-confidence-unknown-word", add(confidence="pretty sure"), {}, "pretty sure"),
    ("add-credibility-9", add(credibility=9), {}, "credibility"),
    ("add-credibility-negative", add(credibility=-1), {}, "credibility"),
    ("add-quote-start-negative", add(quote_start=-1), {}, "quote_start"),
    ("add-quantity-not-a-number", add(quantity="lots", unit=None), {}, "quantity"),
    ("add-quantity-nan", add(quantity="nan", unit=None), {}, "quantity"),
    ("add-quantity-inf", add(quantity="inf", unit=None), {}, "quantity"),
    ("add-quantity-low-above-high", add(quantity="50-10"), {}, "quantity"),
    ("add-date-feb-30", add(date="2022-02-30"), {}, "2022-02-30"),
    ("add-date-month-13", add(date="2022-13"), {}, "2022-13"),
    ("add-date-ends-before-start", add(date="2022-03-01/2022-02-01"), {}, "date"),
    ("add-stated-on-feb-30", add(stated_on="2022-02-30"), {}, "stated_on"),
    ("add-claim-empty", add(claim=""), {}, "claim"),
    ("add-claim-whitespace", add(claim="   \t "), {}, "claim"),
    ("add-claim-100kb", add(claim=BIG), {}, "claim"),
    ("add-claim-nul", add(claim="thirty\x00thousand"), {}, "claim"),
    ("add-subject-control-char", add(subject="troops\x1b[2J"), {}, "subject"),
    ("add-subject-newline", add(subject="troops\nin Belarus"), {}, "subject"),
    ("add-unknown-source", add(source="no-such-source"), {}, "no-such-source"),
    ("add-unknown-actor", add(actor="Nobody Inparticular"), {}, "Nobody Inparticular"),
    ("add-unknown-about", add(about="Atlantis"), {}, "Atlantis"),
    ("add-quote-not-in-source", add(quote="Russia has 900,000 troops in Belarus"), {}, "quote"),
    ("add-missing-claim", add(claim=None), {}, "claim"),
    ("add-tag-empty", add(tags=" "), {}, "tags"),
    # --- facts import: files that cannot be opened at all ---
    ("import-missing-file", ["import", "{tmp}/absent.json"], {}, "absent.json"),
    ("import-unknown-extension", ["import", "{tmp}/facts.txt"], {"facts.txt": b"claim: x\n"}, ".txt"),
    # --- facts sources add ---
    ("sources-add-invalid-utf8", ["sources", "add", "{tmp}/doc.txt", "--key", "doc", "--title", "Doc"],
     {"doc.txt": b"caf\xe9 au lait\n"}, "UTF-8"),
    ("sources-add-missing-file", ["sources", "add", "{tmp}/absent.txt", "--key", "doc", "--title", "Doc"],
     {}, "absent.txt"),
    ("sources-add-nul-bytes", ["sources", "add", "{tmp}/doc.bin", "--key", "doc", "--title", "Doc"],
     {"doc.bin": b"PK\x03\x04\x00\x00binary\x00"}, "NUL"),
    ("sources-add-empty-text", ["sources", "add", "{tmp}/doc.txt", "--key", "doc", "--title", "Doc"],
     {"doc.txt": b" \n\n "}, "text"),
    ("sources-add-bad-key", ["sources", "add", "{tmp}/doc.txt", "--key", "Bad Key!", "--title", "Doc"],
     {"doc.txt": b"text\n"}, "key"),
    ("sources-add-title-whitespace", ["sources", "add", "{tmp}/doc.txt", "--key", "doc", "--title", "  "],
     {"doc.txt": b"text\n"}, "title"),
    ("sources-add-title-100kb", ["sources", "add", "{tmp}/doc.txt", "--key", "doc", "--title", BIG],
     {"doc.txt": b"text\n"}, "title"),
    ("sources-add-published-feb-30", ["sources", "add", "{tmp}/doc.txt", "--key", "doc", "--title", "Doc",
                                      "--published", "2022-02-30"], {"doc.txt": b"text\n"}, "published"),
    ("sources-add-retrieved-month-13", ["sources", "add", "{tmp}/doc.txt", "--key", "doc", "--title", "Doc",
                                        "--retrieved", "2022-13-01"], {"doc.txt": b"text\n"}, "retrieved"),
    ("sources-add-reliability-z", ["sources", "add", "{tmp}/doc.txt", "--key", "doc", "--title", "Doc",
                                   "--reliability", "Z"], {"doc.txt": b"text\n"}, "reliability"),
    ("sources-add-url-not-web", ["sources", "add", "{tmp}/doc.txt", "--key", "doc", "--title", "Doc",
                                 "--url", "javascript:alert(1)"], {"doc.txt": b"text\n"}, "url"),
    # --- facts actors add / alias / merge ---
    ("actors-add-empty", ["actors", "add", ""], {}, "name"),
    ("actors-add-whitespace", ["actors", "add", " \t "], {}, "name"),
    ("actors-add-nul", ["actors", "add", "Some\x00body"], {}, "name"),
    ("actors-add-100kb", ["actors", "add", BIG], {}, "name"),
    ("actors-add-alias-control-char", ["actors", "add", "Somebody", "--alias", "Some\x07body"], {}, "aliases"),
    ("actors-alias-unknown-actor", ["actors", "alias", "Nobody Inparticular", "N.I."], {}, "Nobody Inparticular"),
    ("actors-alias-empty", ["actors", "alias", "NATO", "  "], {}, "alias"),
    ("actors-alias-newline", ["actors", "alias", "NATO", "North Atlantic\nTreaty"], {}, "alias"),
    ("actors-merge-itself", ["actors", "merge", "NATO", "NATO"], {}, "NATO"),
    ("actors-merge-alias-of-itself", ["actors", "merge", "NATO", "NATO officials"], {}, "NATO"),
    ("actors-merge-unknown", ["actors", "merge", "NATO", "Nobody Inparticular"], {}, "Nobody Inparticular"),
    # --- facts annotate ---
    ("annotate-missing-fact", ["annotate", "99999", "a note"], {}, "99999"),
    ("annotate-negative-fact", ["annotate", "--", "-3", "a note"], {}, "fact_id"),
    ("annotate-whitespace", ["annotate", "1", "   "], {}, "text"),
    ("annotate-nul", ["annotate", "1", "a\x00note"], {}, "NUL"),
    ("annotate-100kb", ["annotate", "1", BIG], {}, "text"),
    # --- facts tag ---
    ("tag-missing-fact", ["tag", "99999", "x"], {}, "99999"),
    ("tag-empty", ["tag", "1", " "], {}, "tag"),
    ("tag-newline", ["tag", "1", "two\nlines"], {}, "tag"),
    ("tag-second-of-two-bad", ["tag", "1", "fine", "not\x00fine"], {}, "tag"),
    ("tag-remove-absent", ["tag", "1", "--remove", "never-given"], {}, "never-given"),
    # --- facts rate ---
    ("rate-missing-fact", ["rate", "99999", "0.5", "--reason", "r"], {}, "99999"),
    ("rate-1.5", ["rate", "1", "1.5", "--reason", "r"], {}, "confidence"),
    ("rate-negative", ["rate", "--reason", "r", "--", "1", "-0.2"], {}, "confidence"),
    ("rate-nan", ["rate", "1", "nan", "--reason", "r"], {}, "confidence"),
    ("rate-infinity", ["rate", "1", "Infinity", "--reason", "r"], {}, "confidence"),
    ("rate-unknown-word", ["rate", "1", "pretty sure", "--reason", "r"], {}, "pretty sure"),
    ("rate-reason-whitespace", ["rate", "1", "0.5", "--reason", " "], {}, "reason"),
    # --- facts status ---
    ("status-missing-fact", ["status", "99999", "disputed", "--reason", "r"], {}, "99999"),
    ("status-superseded-without-by", ["status", "1", "superseded", "--reason", "r"], {}, "superseded_by"),
    ("status-superseded-by-missing", ["status", "1", "superseded", "--reason", "r", "--superseded-by", "99999"],
     {}, "99999"),
    ("status-superseded-by-itself", ["status", "1", "superseded", "--reason", "r", "--superseded-by", "1"],
     {}, "superseded_by"),
    ("status-disputed-without-reason", ["status", "1", "disputed"], {}, "reason"),
    ("status-reason-whitespace", ["status", "1", "retracted", "--reason", "\n "], {}, "reason"),
    ("status-by-when-not-superseded", ["status", "1", "disputed", "--reason", "r", "--superseded-by", "2"],
     {}, "superseded_by"),
    # --- facts retract ---
    ("retract-missing-annotation", ["retract", "99999"], {}, "99999"),
    ("retract-negative", ["retract", "--", "-1"], {}, "-1"),
    ("retract-reason-whitespace", ["retract", "1", "--reason", " "], {}, "reason"),
    ("retract-reason-nul", ["retract", "1", "--reason", "a\x00b"], {}, "NUL"),
    # --- facts query ---
    ("query-delete", ["query", "DELETE FROM facts"], {}, "read-only"),
    ("query-drop", ["query", "DROP TABLE annotations"], {}, "read-only"),
    ("query-insert", ["query", "INSERT INTO actors (name) VALUES ('x')"], {}, "read-only"),
    ("query-select-then-delete", ["query", "SELECT 1; DELETE FROM facts"], {}, "one statement"),
    ("query-malformed", ["query", "SELEC * FROM facts"], {}, "SELEC"),
    ("query-unknown-table", ["query", "SELECT * FROM nowhere"], {}, "nowhere"),
    ("query-missing-param", ["query", "SELECT * FROM facts WHERE id = :id"], {}, "id"),
    # --- facts export ---
    ("export-unknown-table", ["export", "nowhere"], {}, "nowhere"),
    ("export-unknown-filter-field", ["export", "--where", "colour:red"], {}, "colour"),
    ("export-where-unclosed-quote", ["export", "--where", 'subject:"troops'], {}, "quote"),
    ("export-since-month-13", ["export", "--since", "2022-13"], {}, "2022-13"),
    ("export-min-confidence-1.5", ["export", "--min-confidence", "1.5"], {}, "--min-confidence"),
    ("export-min-confidence-nan", ["export", "--min-confidence", "nan"], {}, "--min-confidence"),
    ("export-filter-on-other-table", ["export", "actors", "--tag", "x"], {}, "actors"),
    # --- facts extract ---
    ("extract-binary-file", ["extract", "{tmp}/photo.jpg"], {"photo.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"},
     "binary"),
    ("extract-invalid-utf8", ["extract", "{tmp}/doc.txt"], {"doc.txt": b"30 000 soldats \xe0 Minsk\n"}, "UTF-8"),
    ("extract-missing-file", ["extract", "{tmp}/absent.txt"], {}, "absent.txt: no such file"),
    ("extract-published-feb-30", ["extract", "odr-2022-02-09", "--published", "2022-02-30"], {}, "2022-02-30"),
    ("extract-published-not-a-date", ["extract", "odr-2022-02-09", "--published", "last week"], {},
     "--published"),
    ("extract-reject-unknown-span", ["extract", "odr-2022-02-09", "--reject", "1-2"], {}, "1-2"),
]

# (id, file name, its bytes, a fragment the problem lines must contain). Each file is refused whole.
IMPORTS = [
    # --- YAML ---
    ("yaml-claim-is-a-list", "f.yaml", fact_yaml("").replace(b'claim: "Ilyash', b'claim: ["Ilyash')
     .replace(b'Belarus."\n', b'Belarus."]\n', 1), "claim"),
    ("yaml-confidence-nan", "f.yaml", fact_yaml("").replace(b"confidence: 0.7", b"confidence: .nan"), "confidence"),
    ("yaml-quantity-inf", "f.yaml", fact_yaml("").replace(b'quantity: "30,000"', b"quantity: .inf"), "quantity"),
    ("yaml-credibility-text", "f.yaml", fact_yaml("  credibility: two\n"), "credibility"),
    ("yaml-credibility-9", "f.yaml", fact_yaml("  credibility: 9\n"), "credibility"),
    ("yaml-low-above-high", "f.yaml",
     fact_yaml("").replace(b'quantity: "30,000"', b"quantity: {low: 50, high: 10, qualifier: range}"), "low"),
    ("yaml-precision-contradicts-date", "f.yaml",
     fact_yaml("").replace(b'date: "2022-02"', b"date: {start: 2022-02-01, end: 2022-02-28, precision: year}"),
     "date"),
    ("yaml-date-feb-30", "f.yaml", fact_yaml("").replace(b'date: "2022-02"', b"date: 2022-02-30"), "2022-02-30"),
    ("yaml-duplicate-key", "f.yaml", fact_yaml('  claim: "Another claim."\n'), "duplicate key 'claim'"),
    ("yaml-unknown-field", "f.yaml", fact_yaml("  colour: red\n"), "colour"),
    ("yaml-unknown-section", "f.yaml", b"facts: []\nfactoids: []\n", "factoids"),
    ("yaml-python-object-tag", "f.yaml", b"- !!python/object/apply:os.system [echo pwned]\n", "python/object"),
    ("yaml-alias-bomb", "f.yaml",
     b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
     + b"".join(b"%c: &%c [%s]\n" % (n, n, b",".join([b"*%c" % (n - 1)] * 9)) for n in b"bcdefghi"), "alias"),
    ("yaml-nested-10000-deep", "f.yaml", b"[" * 10_000 + b"]" * 10_000, "nested too deeply"),
    ("yaml-invalid-utf8", "f.yaml", fact_yaml('  note: "caf"\n').replace(b'caf"', b'caf\xe9"'), "UTF-8"),
    ("yaml-claim-nul", "f.yaml", fact_yaml("").replace(b'claim: "Ilyash', b'claim: "\\0Ilyash'), "claim"),
    ("yaml-unknown-actor", "f.yaml", fact_yaml("").replace(b'"Igor Ilyash"', b'"Nobody Inparticular"'),
     "Nobody Inparticular"),
    # --- JSON ---
    ("json-claim-is-a-number", "f.json", fact_json(claim=42), "claim"),
    ("json-date-is-a-list", "f.json", fact_json(date=["2022", "02"]), "date"),
    ("json-confidence-is-text", "f.json", fact_json(confidence="high-ish"), "high-ish"),
    ("json-confidence-nan", "f.json", fact_json(confidence=0.7).replace(b"0.7", b"NaN"), "NaN"),
    ("json-quantity-infinity", "f.json", fact_json(quantity=1).replace(b'"quantity": 1', b'"quantity": Infinity'),
     "Infinity"),
    ("json-quantity-overflow", "f.json", fact_json(quantity=1).replace(b'"quantity": 1', b'"quantity": 1e999'),
     "quantity"),
    ("json-confidence-1.5", "f.json", fact_json(confidence=1.5), "confidence"),
    ("json-credibility-0", "f.json", fact_json(credibility=0), "credibility"),
    ("json-date-month-13", "f.json", fact_json(date="2022-13"), "2022-13"),
    ("json-precision-contradicts-date", "f.json",
     fact_json(date={"start": "2022-02-01", "end": "2022-02-01", "precision": "month"}), "date"),
    ("json-claim-whitespace", "f.json", fact_json(claim=" \n\t "), "claim"),
    ("json-claim-100kb", "f.json", fact_json(claim=BIG), "claim"),
    ("json-claim-nul", "f.json", fact_json(claim="thirty\x00thousand"), "claim"),
    ("json-nested-10000-deep", "f.json", b"[" * 10_000 + b"]" * 10_000, "nested too deeply"),
    ("json-duplicate-key", "f.json", fact_json().replace(b'{"claim"', b'{"claim": "x", "claim"'),
     "duplicate key 'claim'"),
    ("json-unknown-field", "f.json", fact_json(colour="red"), "colour"),
    ("json-unknown-source", "f.json", fact_json(source="no-such-source"), "no-such-source"),
    ("json-quote-not-in-source", "f.json", fact_json(quote="Russia has 900,000 troops in Belarus"), "quote"),
    ("json-invalid-utf8", "f.json", fact_json(note="caf").replace(b'"caf"', b'"caf\xe9"'), "UTF-8"),
    ("json-two-bad-records", "f.json",
     json.dumps([{**GOOD, "confidence": 1.5}, {**GOOD, "claim": "Another.", "colour": "red"}], indent=1).encode(),
     "colour"),
    ("json-not-a-list", "f.json", b'"a fact"', "expected a list"),
    ("json-truncated", "f.json", fact_json()[:-10], "not valid JSON"),
    # --- JSONL ---
    ("jsonl-nan", "f.jsonl", fact_json()[1:-1].replace(b"0.7", b"NaN") + b"\n", "NaN"),
    ("jsonl-broken-line", "f.jsonl", fact_json()[1:-1] + b"\n{\"claim\": \n", "not valid JSON"),
    ("jsonl-unknown-type", "f.jsonl", b'{"type": "rumour", "text": "x"}\n', "rumour"),
    ("jsonl-unknown-actor", "f.jsonl", fact_json(actor="Nobody Inparticular")[1:-1] + b"\n", "Nobody Inparticular"),
    ("jsonl-date-feb-30", "f.jsonl", fact_json(date="2022-02-30")[1:-1] + b"\n", "2022-02-30"),
    ("jsonl-tags-is-a-number", "f.jsonl", fact_json(tags=7)[1:-1] + b"\n", "tags"),
    ("jsonl-invalid-utf8", "f.jsonl", fact_json(note="caf")[1:-1].replace(b'"caf"', b'"caf\xe9"') + b"\n", "UTF-8"),
    ("jsonl-duplicate-key", "f.jsonl", fact_json()[1:-1].replace(b'{"claim"', b'{"claim": "x", "claim"') + b"\n",
     "duplicate key 'claim'"),
    # --- CSV ---
    ("csv-confidence-nan", "f.csv", fact_csv(row=CSV_ROW.replace('"0.7"', "nan")), "confidence"),
    ("csv-value-inf", "f.csv", fact_csv(CSV_HEADER.replace("quantity", "value"), CSV_ROW.replace('"30,000"', "inf")),
     "value"),
    ("csv-credibility-text", "f.csv", fact_csv(CSV_HEADER + ",credibility", CSV_ROW + ",two"), "credibility"),
    ("csv-credibility-9", "f.csv", fact_csv(CSV_HEADER + ",credibility", CSV_ROW + ",9"), "credibility"),
    ("csv-low-above-high", "f.csv", fact_csv(CSV_HEADER.replace("quantity", "low,high,qualifier"),
                                             CSV_ROW.replace('"30,000"', "50,10,range")), "low"),
    ("csv-date-feb-30", "f.csv", fact_csv(row=CSV_ROW.replace('"2022-02"', "2022-02-30")), "2022-02-30"),
    ("csv-missing-column", "f.csv", fact_csv(CSV_HEADER.removesuffix(",confidence"),
                                             CSV_ROW.removesuffix(',"0.7"')), "confidence"),
    ("csv-row-shorter-than-header", "f.csv", fact_csv(row=CSV_ROW.removesuffix(',"0.7"')), "fields"),
    ("csv-row-longer-than-header", "f.csv", fact_csv(row=CSV_ROW + ",extra"), "fields"),
    ("csv-two-bad-rows", "f.csv", fact_csv(row=CSV_ROW + ",extra\n" + CSV_ROW.removesuffix(',"0.7"')), "fields"),
    ("csv-unknown-column", "f.csv", fact_csv(CSV_HEADER + ",colour", CSV_ROW + ",red"), "colour"),
    ("csv-claim-whitespace", "f.csv", fact_csv(row=CSV_ROW.replace(f'"{GOOD["claim"]}"', '"   "')), "claim"),
    ("csv-claim-control-char", "f.csv", fact_csv(row=CSV_ROW.replace("Ilyash reports", "Ilyash\x1b reports")),
     "claim"),
    ("csv-claim-100kb", "f.csv", fact_csv(row=CSV_ROW.replace(f'"{GOOD["claim"]}"', BIG)), "claim"),
    ("csv-invalid-utf8", "f.csv", fact_csv().replace(b"Ilyash reports", b"Ilyash r\xe9ports"), "UTF-8"),
    ("csv-unknown-source", "f.csv", fact_csv(row=CSV_ROW.replace("odr-2022-02-09", "no-such-source")),
     "no-such-source"),
    ("csv-duplicate-column", "f.csv", fact_csv(CSV_HEADER + ",claim", CSV_ROW + ",again"), "claim"),
]


@pytest.fixture
def runner():
    return CliRunner(env=ENV)


def _check_refused(result, before: str, db) -> list[str]:
    """The rule shared by every case; returns the lines of stderr."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.exit_code == 1, output
    assert result.stdout == "", result.stdout
    assert snapshot(db) == before, "the database changed"
    lines = result.stderr.splitlines()
    assert lines and all(line.strip() for line in lines), result.stderr
    return lines


@pytest.mark.parametrize("argv, files, fragment", [pytest.param(*c[1:], id=c[0]) for c in COMMANDS])
def test_a_command_refuses_bad_input_in_one_line(runner, seeded_path, tmp_path, argv, files, fragment):
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    before = snapshot(seeded_path)
    result = runner.invoke(cli, ["--db", str(seeded_path), *argv])
    lines = _check_refused(result, before, seeded_path)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), lines[0]
    assert fragment in lines[0], lines[0]
    assert len(lines[0]) < 2000, "the message repeats the whole input"


@pytest.mark.parametrize("name, content, fragment", [pytest.param(*c[1:], id=c[0]) for c in IMPORTS])
def test_import_names_each_problem_by_file_and_line(runner, seeded_path, tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot(seeded_path)
    result = runner.invoke(cli, ["--db", str(seeded_path), "import", str(path)])
    lines = _check_refused(result, before, seeded_path)
    *problems, summary = lines
    assert problems, result.stderr
    shape = re.compile(rf"{re.escape(str(path))}:\d+: \S.*")
    assert all(shape.fullmatch(p) for p in problems), result.stderr
    assert summary == f"Error: {len(problems)} problem{'s' if len(problems) > 1 else ''}; nothing was written"
    assert any(fragment in p for p in problems), result.stderr
    assert all(len(p) < 2000 for p in problems), "a message repeats the whole input"


BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize("name, content", [
    pytest.param("f.yaml", fact_yaml(""), id="yaml"),
    pytest.param("f.json", fact_json(), id="json"),
    pytest.param("f.jsonl", fact_json()[1:-1] + b"\n", id="jsonl"),
    pytest.param("f.csv", fact_csv(), id="csv"),
])
def test_a_byte_order_mark_is_accepted(runner, seeded_path, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(BOM + content)
    result = runner.invoke(cli, ["--db", str(seeded_path), "import", str(path)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Added 1 fact "), result.stdout
    shown = runner.invoke(cli, ["--db", str(seeded_path), "query", "SELECT claim, value FROM facts WHERE subject = :s",
                                "-p", "s", GOOD["subject"], "--json"])
    assert json.loads(shown.stdout) == [{"claim": GOOD["claim"], "value": 30000}]
