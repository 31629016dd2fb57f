"""Conflicts left by work done apart, listed (`facts conflicts`, the browser's conflicts screen) and resolved
(`facts resolve`). A resolution is itself a change or a decision that syncs, so the team converges on it:
a fact's field gets a change made on every side it settles; an actor's kind a correction; an alias, a unit, a
source key or a likely duplicate a decision."""

import json
from dataclasses import dataclass

import sqlite_utils

from .annotations import insert_annotation
from .db import change_json, new_uid, triggers_aside
from .display import format_confidence, format_number
from .errors import FactsError
from .events import parents_of
from .models import Annotation, validated
from .sync import (
    FACT_GROUPS,
    _localize,
    _Uids,
    _units_again,
    conflicts_of,
    materialize_fact,
    materialize_record,
    text_heads,
)

# How each kind of conflict is named on screen.
KIND_NAMES = {"field": "changed apart", "alias": "names two actors", "actor": "added twice with two kinds",
              "unit": "declared the same as two units", "source": "holds two texts",
              "duplicate": "likely the same claim entered twice"}


@dataclass
class Side:
    uid: str
    value: object = None
    by: str | None = None
    at: str | None = None


@dataclass
class Conflict:
    id: int
    kind: str
    subject: str
    field: str
    sides: list[Side]
    about: str  # what it is about, in words: 'fact #12', 'alias "Hajun"'


def list_conflicts(db: sqlite_utils.Database) -> list[Conflict]:
    out = []
    for cid, kind, subject, field_name, sides in db.execute(
            "SELECT id, kind, subject, field, sides FROM conflicts ORDER BY id").fetchall():
        listed = [Side(**s) for s in json.loads(sides)]
        if kind == "duplicate":  # each side is a fact: its number and claim, who entered it and when
            for side in listed:
                row = db.execute("SELECT id, claim, created_by, created_at FROM facts WHERE uid = ?",
                                 [side.uid]).fetchone()
                if row:
                    side.value, side.by, side.at = f"fact #{row[0]}: {row[1]}", row[2], row[3]
        out.append(Conflict(cid, kind, subject, field_name, listed, _about(db, kind, subject, field_name)))
    return out


def get_conflict(db: sqlite_utils.Database, conflict_id: int) -> Conflict:
    for c in list_conflicts(db):
        if c.id == conflict_id:
            return c
    raise FactsError(f"no conflict #{conflict_id} (facts conflicts lists them)")


def _about(db: sqlite_utils.Database, kind: str, subject: str, field_name: str) -> str:
    if kind == "field":
        row = db.execute("SELECT id FROM facts WHERE uid = ?", [subject]).fetchone()
        return f"fact #{row[0]}" if row else "a fact"
    if kind == "duplicate":
        ids = [db.execute("SELECT id FROM facts WHERE uid = ?", [u]).fetchone() for u in (subject, field_name)]
        return " and ".join(f"fact #{i[0]}" for i in ids if i)
    if kind == "actor":
        row = db.execute("SELECT name FROM actors WHERE uid = ?", [subject]).fetchone()
        return f"actor {row[0]}" if row else "an actor"
    if kind == "source" and field_name == "text":
        row = db.execute("SELECT key FROM sources WHERE uid = ?", [subject]).fetchone()
        return f"source '{row[0] if row else subject}'"
    if kind == "alias":  # the alias as it is written, not as it is compared
        row = db.execute("SELECT alias FROM aliases WHERE alias = ?", [subject]).fetchone()
        subject = row[0] if row else subject
    return {"alias": "alias", "unit": "unit", "source": "source key"}[kind] + f" '{subject}'"


def side_text(db: sqlite_utils.Database, field_name: str, value: object) -> str:
    """A side's value in words: names for the uids it holds, a confidence with its word."""
    if isinstance(value, dict) and field_name == "confidence" and isinstance(value.get("confidence"), (int, float)):
        return format_confidence(float(value["confidence"]))
    if isinstance(value, dict) and field_name == "quantity" and value.get("qualifier"):
        number = value.get("value")
        figure = format_number(float(number)) if isinstance(number, (int, float)) else ""
        return " ".join(str(p) for p in (value["qualifier"], figure, value.get("unit") or "") if p)
    if isinstance(value, dict):
        shown = {k: v for k, v in value.items() if v is not None}
        for name, table, column in (("actor_id", "actors", "name"), ("source_id", "sources", "key"),
                                    ("superseded_by", "facts", "id")):
            if isinstance(shown.get(name), str):
                row = db.execute(f"SELECT {column} FROM {table} WHERE uid = ?", [shown[name]]).fetchone()
                shown[name] = row[0] if row else shown[name]
        if isinstance(shown.get("about"), list):
            shown["about"] = [(db.execute("SELECT name FROM actors WHERE uid = ?", [u]).fetchone() or [u])[0]
                              for u in shown["about"]]
        return json.dumps(shown, ensure_ascii=False) if len(shown) != 1 else str(next(iter(shown.values())))
    if isinstance(value, str) and len(value) == 32:
        row = db.execute("SELECT name FROM actors WHERE uid = ?", [value]).fetchone()
        return row[0] if row else value
    return "" if value is None else str(value)


def _chosen(conflict: Conflict, take: str, author: str) -> Side | None:
    """The side `take` names: mine (the side this author made), theirs (the other of two), or its number."""
    sides = conflict.sides
    if take.isdigit():
        if not 1 <= int(take) <= len(sides):
            raise FactsError(f"conflict #{conflict.id} has sides 1 to {len(sides)}")
        return sides[int(take) - 1]
    if take in ("mine", "theirs"):
        mine = [s for s in sides if s.by == author]
        if len(mine) != 1 or (take == "theirs" and len(sides) != 2):
            raise FactsError(f"conflict #{conflict.id}: cannot tell which side is {take} (sides by "
                             f"{', '.join(s.by or 'someone' for s in sides)}); give a side's number")
        return mine[0] if take == "mine" else next(s for s in sides if s is not mine[0])
    return None


def resolve_conflict(db: sqlite_utils.Database, conflict_id: int, take: str, author: str, now: str) -> str:
    """Settle a conflict by a change or a decision that syncs like any other. Returns what was done, in words.
    Runs inside the caller's transaction."""
    conflict = get_conflict(db, conflict_id)
    side = _chosen(conflict, take, author)
    if conflict.kind == "field":
        return _resolve_field(db, conflict, side, take, author, now)
    if side is None and not (conflict.kind == "duplicate" and take == "both"):
        raise FactsError(f"conflict #{conflict.id}: take mine, theirs or a side's number"
                         + (" (or both, if they are two claims)" if conflict.kind == "duplicate" else ""))
    if conflict.kind == "source" and conflict.field == "text":
        assert side is not None
        return _resolve_text(db, conflict, side, author, now)
    if conflict.kind == "actor":
        assert side is not None
        row = db.execute("SELECT id, kind FROM actors WHERE uid = ?", [conflict.subject]).fetchone()
        db.execute("UPDATE actors SET kind = ?, updated_at = ?, updated_by = ? WHERE id = ?",
                   [side.value, now, author, row[0]])
        if row[1] == side.value:  # no column changed, so the trigger wrote nothing: the decision is written here
            db.execute("INSERT INTO actor_history (actor_id, changed_at, changed_by, old, new) VALUES (?, ?, ?, ?, ?)",
                       [row[0], now, author, change_json({"kind": row[1]}), change_json({"kind": side.value})])
        conflicts_of(db, set())
        return f"{conflict.about} is a {side.value}"
    if conflict.kind == "duplicate" and side is not None:
        kept = db.execute("SELECT id FROM facts WHERE uid = ?", [side.uid]).fetchone()[0]
        for other in conflict.sides:
            if other.uid != side.uid:
                gone = db.execute("SELECT id FROM facts WHERE uid = ?", [other.uid]).fetchone()[0]
                insert_annotation(db, validated(Annotation, {
                    "fact_id": gone, "kind": "status", "status": "superseded", "superseded_by": kept,
                    "body": f"the same claim as fact #{kept}, entered twice", "author": author, "created_at": now}))
        conflicts_of(db, set())
        return f"kept fact #{kept}; the other is marked superseded by it"
    subject = f"{conflict.subject} {conflict.field}" if conflict.kind == "duplicate" else conflict.subject
    db.execute("INSERT INTO decisions (uid, kind, subject, take, decided_at, decided_by) VALUES (?, ?, ?, ?, ?, ?)",
               [new_uid(), conflict.kind, subject, json.dumps("distinct" if side is None else side.uid), now, author])
    apply_decisions(db)
    conflicts_of(db, set())
    if side is None:
        return f"{conflict.about}: kept as two claims"
    return f"{conflict.about}: kept {side.value}"


def _resolve_field(db: sqlite_utils.Database, conflict: Conflict, side: Side | None, take: str, author: str,
                   now: str) -> str:
    fact_id = db.execute("SELECT id FROM facts WHERE uid = ?", [conflict.subject]).fetchone()[0]
    names = FACT_GROUPS[conflict.field]
    uids = _Uids(db)
    if side is not None:
        value = side.value
    elif len(names) == 1 and conflict.field in ("claim", "subject", "stated_on", "confidence", "credibility"):
        value = {names[0]: _typed(conflict.field, take)}
    else:
        raise FactsError(f"conflict #{conflict.id}: take mine, theirs or a side's number (a {conflict.field} is "
                         "set as a whole; change it in the form afterwards if neither is right)")
    chosen = _localize(dict(value), uids) if isinstance(value, dict) else {}
    current = dict(zip(names, db.execute(f"SELECT {', '.join(n for n in names if n != 'about')} FROM facts "
                                         "WHERE id = ?", [fact_id]).fetchone() or ())) if "about" not in names else {
        "about": sorted(a for (a,) in db.execute("SELECT actor_id FROM fact_about WHERE fact_id = ?", [fact_id]))}
    heads = _heads(db, fact_id)
    db.execute("INSERT INTO fact_history (fact_id, action, changed_at, changed_by, old, new, uid, parents) "
               "VALUES (?, 'update', ?, ?, ?, ?, ?, ?)",
               [fact_id, now, author, change_json(current), change_json(chosen), new_uid(), " ".join(sorted(heads))])
    with triggers_aside(db):
        materialize_fact(db, fact_id)
    conflicts_of(db, {fact_id})
    return f"fact #{fact_id}: {conflict.field} settled"


def _resolve_text(db: sqlite_utils.Database, conflict: Conflict, side: Side, author: str, now: str) -> str:
    """The version taken is the source's text: stored again as the newest version when it is not current, or
    kept by a change made on every side when it is. Either change is made on both sides, so it settles them."""
    from .sources import update_source
    key, source_id, current = db.execute("SELECT key, id, version FROM sources WHERE uid = ?",
                                         [conflict.subject]).fetchone()
    number = text_heads(db, source_id)[side.uid]
    if number == current:
        db.execute("INSERT INTO source_history (source_id, changed_at, changed_by, reason, old, new) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   [source_id, now, author, f"kept version {number} (a conflict settled)",
                    change_json({"version": current}),
                    change_json({"version": current, "sha256": _text_of(db, source_id, number)[3]})])
        with triggers_aside(db):
            materialize_record(db, "source", source_id)
    else:
        text, media_type, pages, _ = _text_of(db, source_id, number)
        original = db.execute("SELECT bytes FROM source_originals WHERE source_id = ? AND version = ?",
                              [source_id, number]).fetchone()
        update_source(db, key, text, media_type, json.loads(pages) if pages else None,
                      original[0] if original else text.encode("utf-8"), author, now,
                      f"version {number} taken again (a conflict settled)")
    conflicts_of(db, set())
    return f"source '{key}': version {number} is its text"


def _text_of(db: sqlite_utils.Database, source_id: int, version: int) -> tuple:
    return db.execute("SELECT text, media_type, page_starts, sha256 FROM source_versions WHERE source_id = ? "
                      "AND version = ? UNION ALL SELECT text, media_type, page_starts, sha256 FROM sources "
                      "WHERE id = ? AND version = ?", [source_id, version, source_id, version]).fetchone()


def _typed(field_name: str, text: str) -> object:
    if field_name == "confidence":
        from .confidence import parse_confidence
        return parse_confidence(text)
    if field_name == "credibility":
        if not (text.isdigit() and 1 <= int(text) <= 6):
            raise FactsError("credibility: a number from 1 (confirmed) to 6 (cannot be judged)")
        return int(text)
    if not text.strip():
        raise FactsError(f"{field_name}: must not be empty")
    return text.strip()


def _heads(db: sqlite_utils.Database, fact_id: int) -> set[str]:
    rows = db.execute("SELECT uid, parents FROM fact_history WHERE fact_id = ?", [fact_id]).fetchall()
    below = set().union(*(parents_of(p) for _, p in rows)) if rows else set()
    heads = {u for u, _ in rows if u not in below}
    return heads or {db.execute("SELECT uid FROM facts WHERE id = ?", [fact_id]).fetchone()[0]}


def apply_decisions(db: sqlite_utils.Database) -> None:
    """Make the live records what the latest decision on each alias and source key chose (units are taken
    again with the decided ones first). Runs inside the caller's transaction."""
    latest: dict[tuple[str, str], str] = {}
    for kind, subject, take in db.execute("SELECT kind, subject, take FROM decisions ORDER BY decided_at, uid"):
        latest[(kind, subject)] = json.loads(take)
    with triggers_aside(db):
        for (kind, subject), take in sorted(latest.items()):
            if kind == "alias":
                _swap_alias(db, subject, take)
            elif kind == "source":
                _swap_source(db, subject, take)
        _units_again(db, [], [])


def _swap_alias(db: sqlite_utils.Database, subject: str, take: str) -> None:
    aside = db.execute("SELECT record FROM set_aside WHERE uid = ? AND kind = 'alias'", [take]).fetchone()
    live = db.execute("SELECT a.alias, a.uid, ac.uid, a.added_at, a.added_by FROM aliases a JOIN actors ac "
                      "ON ac.id = a.actor_id WHERE a.alias = ?", [subject]).fetchone()
    if aside is None or live is None or live[1] == take:
        return
    record = json.loads(aside[0])
    owner = db.execute("SELECT id FROM actors WHERE uid = ?", [record["actor"]]).fetchone()
    if owner is None:
        return
    db.execute("DELETE FROM set_aside WHERE uid = ?", [take])
    db.execute("INSERT OR REPLACE INTO set_aside (uid, kind, subject, record) VALUES (?, 'alias', ?, ?)",
               [live[1], subject, json.dumps({"actor": live[2], "added_at": live[3], "added_by": live[4]})])
    db.execute("UPDATE aliases SET actor_id = ?, uid = ?, added_at = ?, added_by = ? WHERE alias = ?",
               [owner[0], take, record.get("added_at"), record.get("added_by"), live[0]])


def _swap_source(db: sqlite_utils.Database, key: str, take: str) -> None:
    live = db.execute("SELECT id, uid FROM sources WHERE key = ?", [key]).fetchone()
    chosen = db.execute("SELECT id, key FROM sources WHERE uid = ?", [take]).fetchone()
    if live is None or chosen is None or live[1] == take:
        return
    aside = f"{key[:90]}-{live[1][:8]}"
    db.execute("UPDATE sources SET key = ? WHERE id = ?", [aside + ".", live[0]])
    db.execute("UPDATE sources SET key = ? WHERE id = ?", [key, chosen[0]])
    db.execute("UPDATE sources SET key = ? WHERE id = ?", [aside, live[0]])
    db.execute("DELETE FROM set_aside WHERE uid = ?", [take])
    db.execute("INSERT OR REPLACE INTO set_aside (uid, kind, subject, record) VALUES (?, 'source', ?, ?)",
               [live[1], key, json.dumps({"key": aside})])
