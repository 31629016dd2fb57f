"""The views of schema.sql against the same figures worked out in Python from the rows they read.

subject_spread: one row per subject, unit (NULL units together) and period (the calendar year a claim
holds for, or its span of years) where two or more claims with a figure differ, the claimants' distinct
names sorted by name; read in the order of the facts_spread index, which must match the view's period."""

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
COLUMNS = ["subject", "unit", "period", "claims", "claimant_count", "lowest", "highest", "ratio", "first_date",
           "last_date", "claimants"]


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
        start = datetime.date(2014, 1, 1) + datetime.timedelta(days=rng.randrange(1460))
        end = start + datetime.timedelta(days=rng.choice([0, 0, 3, 40, 400, 1500]))
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


def period(row: dict) -> str:
    start, end = row["date_start"][:4], row["date_end"][:4]
    return start if start == end else f"{start}–{end}"


def expected_spread(rows: list[dict]) -> dict:
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        if r["qualifier"] is not None:
            groups.setdefault((r["subject"], r["unit"], period(r)), []).append(r)
    out = {}
    for key, members in groups.items():
        lows = [r["low"] if r["low"] is not None else r["value"] for r in members]
        highs = [r["high"] if r["high"] is not None else r["value"] for r in members]
        lowest = min((x for x in lows if x is not None), default=None)
        highest = max((x for x in highs if x is not None), default=None)
        out[key] = {
            "subject": key[0],
            "unit": key[1],
            "period": key[2],
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
    return {key: e for key, e in out.items()
            if e["claims"] > 1 and e["lowest"] is not None and e["highest"] is not None and e["highest"] > e["lowest"]}


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
    assert len(got) == len(expected)  # one row per subject, unit and period, NULL units in one row
    by_key = {(g["subject"], g["unit"], g["period"]): g for g in got}
    assert set(by_key) == set(expected)
    for key, e in expected.items():
        assert by_key[key] == e, key
    assert "Only qualitative claims" not in {g["subject"] for g in got}
    # the names are listed as SQLite orders them, by the column's collation (NOCASE)
    for g in got:
        names = json.loads(g["claimants"])
        assert names == [n for (n,) in conn.execute(
            f"SELECT name FROM actors WHERE name IN ({', '.join('?' * len(names))}) ORDER BY name", names)]


def test_the_collection_has_spans_of_years_and_lone_claims(collection):
    conn, rows = collection
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        if r["qualifier"] is not None:
            groups.setdefault((r["subject"], r["unit"], period(r)), []).append(r)
    shown = {(s, u, p) for s, u, p in conn.execute("SELECT subject, unit, period FROM subject_spread")}
    assert any("–" in p for _, _, p in shown)  # spans of years are periods of their own
    assert any(len(g) == 1 for g in groups.values())  # a lone claim: nothing to compare


def test_a_year_is_not_set_against_a_span_of_years(tmp_path):
    db = open_db(tmp_path / "f.db", create=True)
    conn = db.conn
    conn.execute("INSERT INTO actors (id, name) VALUES (1, 'Ministry'), (2, 'Institute')")
    conn.execute("INSERT INTO sources (id, key, title) VALUES (1, 'memo', 'A memo')")
    facts = [(1, "2020-01-01", "2020-12-31", "year", 1, 30000), (2, "2020-03-01", "2020-03-01", "day", 2, 45000),
             (3, "1992-01-01", "2021-12-31", "year", 1, 2000), (4, "1992-01-01", "2021-12-31", "year", 2, 2000),
             (5, "2021-01-01", "2021-12-31", "year", 1, 9000), (6, "2021-06-01", "2021-06-30", "month", 2, 9000)]
    for i, start, end, precision, actor, value in facts:
        conn.execute("INSERT INTO facts (id, claim, subject, value, low, high, unit, qualifier, date_start, date_end, "
                     "date_precision, actor_id, source_id, confidence) VALUES (?, ?, 'Troops in Belarus', ?, ?, ?, "
                     "'troops', 'exact', ?, ?, ?, ?, 1, 0.5)", [i, f"Claim {i}", value, value, value, start, end,
                                                                   precision, actor])
    conn.commit()
    rows = conn.execute("SELECT period, claims, lowest, highest, ratio, claimants FROM subject_spread").fetchall()
    # 2020: two figures that differ; 1992-2021: two that agree; 2021: two that agree. Only 2020 is shown.
    assert rows == [("2020", 2, 30000.0, 45000.0, 1.5, '["Institute","Ministry"]')]


def test_subject_spread_is_read_from_its_index_alone(collection):
    """The view's period and facts_spread's expression must be written the same, or every row is sorted."""
    conn, _ = collection
    plan = " ".join(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN SELECT * FROM subject_spread"))
    assert "COVERING INDEX facts_spread" in plan
    assert "TEMP B-TREE FOR GROUP BY" not in plan
