"""The views of schema.sql against the same figures worked out in Python from the rows they read.

subject_spread lost its correlated subquery (one scan of the facts per subject and unit) for a join and
two aggregates; these tests hold it to what the view always meant: one row per subject and unit (NULL
units together) of the facts with a figure, and the claimants' distinct names sorted by name."""

import datetime
import json
import random
import sqlite3
from pathlib import Path

import pytest

from facts.db import open_db

# Names chosen to sort differently by code point and case-insensitively (SQLite's NOCASE folds ASCII only,
# which actors.name uses), with a non-ASCII initial and names that share a prefix.
NAMES = [
    "NATO", "nato watchers", "Ministry of Defence", "ministry of Health", "ISW", "Interfax", "de Volkskrant",
    "Danish Institute", "TASS", "tass-analytics", "Zelensky", "Ölberg Institute", "Émile Dupont", "UNHCR",
    "Belstat", "belarus Security Blog", "Kyiv Independent", "Kyiv Post", "Reuters", "AP",
]
SUBJECTS = [f"Subject {i:02d}" for i in range(10)] + ["subject 00", "Only qualitative claims"]
UNITS = ["troops", "tanks", "km", None]
COLUMNS = ["subject", "unit", "claims", "claimant_count", "lowest", "highest", "ratio", "first_date",
           "last_date", "claimants"]

# The view as it was before the rewrite (schema 5), kept to show the two agree (its list of claimants
# written as schema 7 writes it, a JSON array).
OLD_SUBJECT_SPREAD = """
SELECT
    f.subject,
    f.unit,
    count(*) AS claims,
    count(DISTINCT f.actor_id) AS claimant_count,
    min(coalesce(f.low, f.value)) AS lowest,
    max(coalesce(f.high, f.value)) AS highest,
    round(max(coalesce(f.high, f.value)) / nullif(min(coalesce(f.low, f.value)), 0), 2) AS ratio,
    min(f.date_start) AS first_date,
    max(f.date_end) AS last_date,
    (SELECT json_group_array(name) FROM (
        SELECT DISTINCT a.name FROM facts f2 JOIN actors a ON a.id = f2.actor_id
        WHERE f2.subject = f.subject AND f2.unit IS f.unit AND f2.qualifier IS NOT NULL
        ORDER BY a.name)) AS claimants
FROM facts f
WHERE f.qualifier IS NOT NULL
GROUP BY f.subject, f.unit
"""


def quantity(rng: random.Random) -> tuple:
    """(qualifier, value, low, high) within the CHECK rules of facts; a qualitative claim a tenth of the time."""
    kind = rng.choice(["none", "exact", "approx", "approx_bounds", "at_least", "at_most", "range", "range_value"])
    v = float(rng.choice([0, 1, 2, 5, 10, 250, 1000, 30000, 12500.5]) * rng.choice([1, 1, 2, 3]))
    if kind == "none":
        return None, None, None, None
    if kind == "exact":
        return "exact", v, v, v
    if kind == "approx":
        return "approx", v, None, None
    if kind == "approx_bounds":
        return "approx", v, v * 0.5, v * 2 + 1
    if kind == "at_least":
        return "at_least", v, v, None
    if kind == "at_most":
        return "at_most", v, None, v
    low, high = v, v + rng.choice([1, 7, 1000])
    return "range", (low + high) / 2 if kind == "range_value" else None, low, high


def build(path: Path, seed: int) -> list[dict]:
    """A collection of several subjects and units (NULL among them), claimants repeated and facts without
    a figure, written through schema.sql; returns the fact rows as written, with the claimant's name."""
    rng = random.Random(seed)
    db = open_db(path, create=True)
    conn = db.conn
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO actors (id, name) VALUES (?, ?)", list(enumerate(NAMES, 1)))
    conn.execute("INSERT INTO sources (id, key, title) VALUES (1, 'memo', 'A memo')")
    weights = [1 / (i + 1) for i in range(len(NAMES))]  # a few claimants make most of the claims
    rows = []
    for i in range(1, 701):
        subject = rng.choice(SUBJECTS)
        actor_id = rng.choices(range(1, len(NAMES) + 1), weights)[0]
        qualifier, value, low, high = quantity(rng)
        if subject == "Only qualitative claims":
            qualifier, value, low, high = None, None, None, None
        # Each subject has a usual unit; some claims give the figure in another one, or in none.
        usual = UNITS[SUBJECTS.index(subject) % len(UNITS)]
        unit = None if qualifier is None else (usual if rng.random() < 0.7 else rng.choice(UNITS))
        start = datetime.date(2014, 1, 1) + datetime.timedelta(days=rng.randrange(3650))
        end = start + datetime.timedelta(days=rng.choice([0, 0, 3, 40]))
        row = dict(id=i, claim=f"Claim number {i}.", subject=subject, value=value, low=low, high=high, unit=unit,
                   qualifier=qualifier, date_start=start.isoformat(), date_end=end.isoformat(),
                   actor_id=actor_id, confidence=0.5)
        conn.execute(f"INSERT INTO facts ({', '.join(row)}, date_precision, source_id) "
                     f"VALUES ({', '.join('?' * len(row))}, 'day', 1)", list(row.values()))
        rows.append({**row, "name": NAMES[actor_id - 1]})
    conn.execute("COMMIT")
    conn.close()
    return rows


def nocase(name: str) -> str:
    """SQLite's NOCASE: ASCII letters folded, everything else compared by code point."""
    return name.translate({c: c + 32 for c in range(ord("A"), ord("Z") + 1)})


def expected_spread(rows: list[dict]) -> dict:
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        if r["qualifier"] is not None:
            groups.setdefault((r["subject"], r["unit"]), []).append(r)
    out = {}
    for key, members in groups.items():
        lows = [r["low"] if r["low"] is not None else r["value"] for r in members]
        highs = [r["high"] if r["high"] is not None else r["value"] for r in members]
        lowest = min((x for x in lows if x is not None), default=None)
        highest = max((x for x in highs if x is not None), default=None)
        out[key] = {
            "subject": key[0],
            "unit": key[1],
            "claims": len(members),
            "claimant_count": len({r["actor_id"] for r in members}),
            "lowest": lowest,
            "highest": highest,
            # rounded below with SQLite's own round(), which rounds halves its own way
            "ratio": None if lowest is None or highest is None or lowest == 0 else highest / lowest,
            "first_date": min(r["date_start"] for r in members),
            "last_date": max(r["date_end"] for r in members),
            "claimants": json.dumps(sorted({r["name"] for r in members}, key=nocase), ensure_ascii=False,
                                    separators=(",", ":")),
        }
    return out


@pytest.fixture(scope="module", params=[1, 2, 3])
def collection(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("views") / "facts.db"
    rows = build(path, request.param)
    conn = sqlite3.connect(path)
    yield conn, rows
    conn.close()


def test_the_collection_has_what_the_view_must_handle(collection):
    _, rows = collection
    with_figure = [r for r in rows if r["qualifier"] is not None]
    assert any(r["qualifier"] is None for r in rows)
    assert any(r["unit"] is None for r in with_figure)
    units_by_subject: dict[str, set] = {}
    for r in with_figure:
        units_by_subject.setdefault(r["subject"], set()).add(r["unit"])
    assert max(len(u) for u in units_by_subject.values()) >= 3  # a subject split over several units
    # a claimant on a subject only through claims without a figure, who must not be listed
    figures = {(r["subject"], r["name"]) for r in with_figure}
    assert any((r["subject"], r["name"]) not in figures for r in rows if r["qualifier"] is None)
    assert len(with_figure) > len({(r["subject"], r["unit"], r["actor_id"]) for r in with_figure})  # repeats


def test_subject_spread_is_the_python_computation(collection):
    conn, rows = collection
    cursor = conn.execute("SELECT * FROM subject_spread")
    assert [d[0] for d in cursor.description] == COLUMNS
    got = [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    expected = expected_spread(rows)
    for e in expected.values():
        if e["ratio"] is not None:
            e["ratio"] = conn.execute("SELECT round(?, 2)", [e["ratio"]]).fetchone()[0]
    assert len(got) == len(expected)  # one row per subject and unit, NULL units in one row
    by_key = {(g["subject"], g["unit"]): g for g in got}
    assert set(by_key) == set(expected)
    for key, e in expected.items():
        assert by_key[key] == e, key
    assert "Only qualitative claims" not in {g["subject"] for g in got}
    # the names are listed as SQLite orders them, by the column's collation (NOCASE)
    for g in got:
        names = json.loads(g["claimants"])
        assert names == [n for (n,) in conn.execute(
            f"SELECT name FROM actors WHERE name IN ({', '.join('?' * len(names))}) ORDER BY name", names)]


def test_subject_spread_agrees_with_the_correlated_subquery_it_replaced(collection):
    conn, _ = collection
    new = conn.execute("SELECT * FROM subject_spread ORDER BY subject, unit").fetchall()
    old = conn.execute(f"SELECT * FROM ({OLD_SUBJECT_SPREAD}) ORDER BY subject, unit").fetchall()
    assert new == old
    assert len(new) > 20
