"""The full-fidelity export: every actor, source, fact and annotation, for `facts import`.

One JSON object a line with a "type". Facts carry their values as first
entered and a file-local `ref`; the annotations that followed (tags, notes,
re-ratings, status changes) come after them in the order they were made, so
importing the file into an empty database replays the collection's history
and gives the same data back. This is how a team shares a collection.
"""

import json
from typing import IO

import sqlite_utils

from .dates import span_text
from .writing import FACT_COLUMNS, entered_values


def _line(out: IO[str], record: dict) -> None:
    out.write(json.dumps({k: v for k, v in record.items() if v is not None and v != []}, ensure_ascii=False) + "\n")


def write_collection(db: sqlite_utils.Database, out: IO[str]) -> dict[str, int]:
    counts = {"actor": 0, "source": 0, "fact": 0, "annotation": 0}
    for actor in db.query("SELECT * FROM actors ORDER BY id"):
        aliases = [a for (a,) in db.execute("SELECT alias FROM aliases WHERE actor_id = ? AND alias <> ? "
                                            "ORDER BY rowid", [actor["id"], actor["name"]])]
        _line(out, {"type": "actor", "name": actor["name"], "kind": actor["kind"], "aliases": aliases,
                    "description": actor["description"], "added_at": actor["added_at"]})
        counts["actor"] += 1
    for s in db.query("SELECT * FROM sources ORDER BY id"):
        _line(out, {"type": "source", **{k: s[k] for k in ("key", "title", "publisher", "author", "url", "published",
                                                           "retrieved", "reliability", "description", "text",
                                                           "added_at", "added_by")}})
        counts["source"] += 1
    columns = ", ".join(f"f.{c}" for c in FACT_COLUMNS)
    sql = (f"SELECT f.id, {columns}, f.created_at, f.created_by, a.name AS actor, s.key AS source "
           "FROM facts f JOIN actors a ON a.id = f.actor_id JOIN sources s ON s.id = f.source_id ORDER BY f.id")
    for row in db.query(sql):
        f = entered_values(db, row["id"], {c: row[c] for c in FACT_COLUMNS})
        about = [n for (n,) in db.execute("SELECT a.name FROM fact_about fa JOIN actors a ON a.id = fa.actor_id "
                                          "WHERE fa.fact_id = ? ORDER BY a.name", [row["id"]])]
        quantity = None
        if f["qualifier"]:
            quantity = {k: f[k] for k in ("value", "low", "high", "qualifier", "as_stated") if f[k] is not None}
        _line(out, {
            "type": "fact", "ref": row["id"], "claim": f["claim"], "subject": f["subject"], "quantity": quantity,
            "unit": f["unit"], "date": span_text(f["date_start"], f["date_end"], f["date_precision"]),
            "stated_on": f["stated_on"], "actor": row["actor"], "about": about, "source": row["source"],
            "quote": f["quote"], "quote_start": f["quote_start"], "confidence": f["confidence"],
            "credibility": f["credibility"], "status": f["status"], "status_reason": f["status_reason"],
            "superseded_by": f["superseded_by"], "created_at": row["created_at"], "created_by": row["created_by"]})
        counts["fact"] += 1
    for a in db.query("SELECT * FROM annotations ORDER BY id"):
        _line(out, {"type": "annotation", "ref": a["id"], "fact": a["fact_id"], "kind": a["kind"], "body": a["body"],
                    "tag": a["tag"], "confidence": a["confidence"], "status": a["status"],
                    "superseded_by": a["superseded_by"], "retracts": a["retracts"], "author": a["author"],
                    "created_at": a["created_at"]})
        counts["annotation"] += 1
    return counts
