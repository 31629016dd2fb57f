"""The full-fidelity export: every actor, source, fact and annotation, and every change since, for `facts import`.

One JSON object a line with a "type". Sources carry their first text and facts their values as first
entered, with a file-local `ref`; then every change in the order it was made: annotations (tags, notes,
re-ratings, status changes), edits of a fact (the form, reverts, merges), new versions of a source (whose
quotes are found again as they were), corrections of a source's metadata, and links made or removed (a
fact repeating another, an actor speaking for an organisation). Importing the file into an empty
database replays the collection's history and gives the same data back.
"""

import json
from collections.abc import Iterator
from typing import IO

import sqlite_utils

from .dates import span_text
from .sources import first_state, metadata_changes
from .writing import FACT_COLUMNS, entered_values


def _line(out: IO[str], record: dict) -> None:
    out.write(json.dumps({k: v for k, v in record.items() if v is not None and v != []}, ensure_ascii=False) + "\n")


def write_collection(db: sqlite_utils.Database, out: IO[str]) -> dict[str, int]:
    counts = {"actor": 0, "source": 0, "fact": 0, "annotation": 0, "change": 0}
    for actor in db.query("SELECT * FROM actors ORDER BY id"):
        aliases = [a for (a,) in db.execute("SELECT alias FROM aliases WHERE actor_id = ? AND alias <> ? "
                                            "ORDER BY rowid", [actor["id"], actor["name"]])]
        alias_uids = dict(db.execute("SELECT alias, uid FROM aliases WHERE actor_id = ? ORDER BY rowid",
                                     [actor["id"]]).fetchall())
        _line(out, {"type": "actor", "name": actor["name"], "kind": actor["kind"], "aliases": aliases,
                    "description": actor["description"], "added_at": actor["added_at"], "uid": actor["uid"],
                    "alias_uids": alias_uids})
        counts["actor"] += 1
    for u in db.query("SELECT * FROM unit_synonyms ORDER BY rowid"):
        _line(out, {"type": "unit", "unit": u["unit"], "canonical": u["canonical"], "added_at": u["added_at"],
                    "added_by": u["added_by"]})
    for s in db.query("SELECT * FROM sources ORDER BY id"):
        s = first_state(db, s)
        _line(out, {"type": "source", **{k: s[k] for k in ("key", "title", "publisher", "author", "url", "published",
                                                           "retrieved", "reliability", "description", "added_at",
                                                           "added_by", "language", "archive_url", "text",
                                                           "media_type", "uid")},
                    "page_starts": json.loads(s["page_starts"]) if s["page_starts"] else None})
        counts["source"] += 1
    columns = ", ".join(f"f.{c}" for c in FACT_COLUMNS)
    sql = (f"SELECT f.id, {columns}, f.created_at, f.created_by, f.uid, a.name AS actor, s.key AS source "
           "FROM facts f JOIN actors a ON a.id = f.actor_id JOIN sources s ON s.id = f.source_id ORDER BY f.id")
    for row in db.query(sql):
        f = entered_values(db, row["id"], {c: row[c] for c in FACT_COLUMNS})
        about = [n for (n,) in db.execute("SELECT a.name FROM fact_about fa JOIN actors a ON a.id = fa.actor_id "
                                          "WHERE fa.fact_id = ? ORDER BY a.name", [row["id"]])]
        if "about" in f:  # as first entered
            about = sorted(n for (i, n) in db.execute("SELECT id, name FROM actors") if i in f["about"])
        quantity = None
        if f["qualifier"]:
            quantity = {k: f[k] for k in ("value", "low", "high", "qualifier", "as_stated") if f[k] is not None}
        _line(out, {
            "type": "fact", "ref": row["id"], "claim": f["claim"], "subject": f["subject"], "quantity": quantity,
            "unit": f["unit"], "date": span_text(f["date_start"], f["date_end"], f["date_precision"]),
            "stated_on": f["stated_on"], "actor": row["actor"], "about": about, "source": row["source"],
            "quote": f["quote"], "quote_start": f["quote_start"], "confidence": f["confidence"],
            "credibility": f["credibility"], "status": f["status"], "status_reason": f["status_reason"],
            "superseded_by": f["superseded_by"], "created_at": row["created_at"], "created_by": row["created_by"],
            "uid": row["uid"]})
        counts["fact"] += 1
    for _, _, record in sorted(_changes(db), key=lambda c: (c[0], c[1])):
        _line(out, record)
        counts["annotation" if record["type"] == "annotation" else "change"] += 1
    return counts


# What comes first when two changes share a time: a new text, then annotations, edits and links.
_RANK = {"source_version": 0, "source_edit": 1, "annotation": 2, "edit": 3, "link": 4}


def _changes(db: sqlite_utils.Database) -> Iterator[tuple[str, tuple, dict]]:
    """Every change since the records were first entered: (time, tie-break, record)."""
    for a in db.query("SELECT * FROM annotations ORDER BY id"):
        yield a["created_at"], (_RANK["annotation"], a["id"]), {
            "type": "annotation", "ref": a["id"], "fact": a["fact_id"], "kind": a["kind"], "body": a["body"],
            "tag": a["tag"], "confidence": a["confidence"], "status": a["status"],
            "superseded_by": a["superseded_by"], "retracts": a["retracts"], "author": a["author"],
            "created_at": a["created_at"], "uid": a["uid"]}
    names = dict(db.execute("SELECT id, name FROM actors").fetchall())
    keys = dict(db.execute("SELECT id, key FROM sources").fetchall())
    # A change an annotation or a new version of a source made is made again by replaying them.
    replayed = {(fact_id, at) for fact_id, at in db.execute(
        "SELECT fact_id, created_at FROM annotations WHERE kind IN ('rate', 'status', 'retraction')")}
    replayed |= {(fact_id, at) for fact_id, at in db.execute(
        "SELECT f.id, v.stored_at FROM source_versions v JOIN facts f ON f.source_id = v.source_id")}
    for h in db.query("SELECT id, fact_id, changed_at, changed_by, new FROM fact_history "
                      "WHERE action = 'update' ORDER BY id"):
        if (h["fact_id"], h["changed_at"]) in replayed:
            continue
        changes = {}
        for column, value in json.loads(h["new"]).items():
            if column == "actor_id":
                changes["actor"] = names.get(value, value)
            elif column == "source_id":
                changes["source"] = keys.get(value, value)
            elif column == "about":
                changes["about"] = sorted(names.get(a, a) for a in value)
            else:
                changes[column] = value
        yield h["changed_at"], (_RANK["edit"], h["id"]), {
            "type": "edit", "fact": h["fact_id"], "at": h["changed_at"], "by": h["changed_by"], "changes": changes}
    for v in db.query("""SELECT s.key, v.version, v.stored_at, v.stored_by, v.uid, s.id AS source_id
                         FROM source_versions v
                         JOIN sources s ON s.id = v.source_id ORDER BY v.stored_at, v.source_id, v.version"""):
        later = db.execute("SELECT text, media_type, page_starts FROM source_versions WHERE source_id = ? AND "
                           "version = ?", [v["source_id"], v["version"] + 1]).fetchone() or db.execute(
            "SELECT text, media_type, page_starts FROM sources WHERE id = ?", [v["source_id"]]).fetchone()
        reason = db.execute("SELECT reason FROM source_history WHERE source_id = ? AND changed_at = ?",
                            [v["source_id"], v["stored_at"]]).fetchone()
        yield v["stored_at"], (_RANK["source_version"], v["source_id"]), {
            "type": "source_version", "source": v["key"], "version": v["version"] + 1, "text": later[0],
            "media_type": later[1], "page_starts": json.loads(later[2]) if later[2] else None,
            "at": v["stored_at"], "by": v["stored_by"], "reason": reason[0] if reason else None,
            "kept_uid": v["uid"]}
    for source_id, key in keys.items():
        for change in metadata_changes(db, source_id):
            yield change["changed_at"], (_RANK["source_edit"], change["id"]), {
                "type": "source_edit", "source": key, "at": change["changed_at"], "by": change["changed_by"],
                "reason": change["reason"], "changes": change["new"]}
    for link in db.query("SELECT * FROM link_history ORDER BY id"):
        old = json.loads(link["old"]) if link["old"] else None
        new = json.loads(link["new"]) if link["new"] else None
        record = {"type": "link", "kind": link["kind"], "at": link["changed_at"], "by": link["changed_by"]}
        if link["kind"] == "repeats":
            record |= {"fact": link["subject_id"], "repeats": new["repeats"] if new else None}
        else:
            now = new or old or {}
            record |= {"actor": names.get(link["subject_id"]), "organization": names.get(now.get("organization_id")),
                       "from": now.get("date_start"), "to": now.get("date_end"), "removed": new is None}
        yield link["changed_at"], (_RANK["link"], link["id"]), record
