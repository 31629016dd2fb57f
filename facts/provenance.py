"""Where a claim comes from: facts that repeat other facts, actors that speak for organisations, and units
declared the same. Every change to a link is kept in link_history (who, when, old and new)."""

import json

import sqlite_utils

from .actors import resolve_actor
from .dates import parse_point
from .db import change_json
from .display import printable_line
from .errors import FactsError, FieldProblems
from .models import FactPointer


def _fact_exists(db: sqlite_utils.Database, fact_id: int) -> bool:
    return db.execute("SELECT 1 FROM facts WHERE id = ?", [fact_id]).fetchone() is not None


def resolve_pointer(db: sqlite_utils.Database, pointer: int | FactPointer) -> int:
    """The fact a pointer names: an id as it is, or the one fact of a source whose quote holds the text."""
    if isinstance(pointer, int):
        return pointer
    rows = db.execute("SELECT f.id FROM facts f JOIN sources s ON s.id = f.source_id "
                      "WHERE s.key = ? AND instr(f.quote, ?) > 0 ORDER BY f.id LIMIT 3",
                      [pointer.source, pointer.quote]).fetchall()
    if len(rows) != 1:
        found = "no fact" if not rows else "more than one fact"
        raise FieldProblems([("repeats", f"{found} of source '{pointer.source}' quotes "
                                         f"'{printable_line(pointer.quote)}'")])
    return rows[0][0]


def repeated_fact(db: sqlite_utils.Database, fact_id: int) -> int | None:
    """The fact this one repeats, if any."""
    row = db.execute("SELECT repeats FROM fact_repeats WHERE fact_id = ?", [fact_id]).fetchone()
    return row[0] if row else None


def link_repeats(db: sqlite_utils.Database, fact_id: int, repeats: int | None, author: str, now: str,
                 replace: bool = False) -> bool:
    """Record that fact `fact_id` repeats fact `repeats` (None: that it repeats none). A different link
    already there is refused unless `replace`. Returns whether anything changed. Runs inside the caller's
    transaction."""
    for name, fid in (("fact", fact_id), ("repeats", repeats)):
        if fid is not None and not _fact_exists(db, fid):
            raise FieldProblems([(name, f"no fact #{fid}")])
    current = repeated_fact(db, fact_id)
    if current == repeats:
        return False
    if repeats is None:
        db.execute("INSERT INTO link_history (kind, subject_id, changed_at, changed_by, old, new) "
                   "VALUES ('repeats', ?, ?, ?, ?, NULL)", [fact_id, now, author, change_json({"repeats": current})])
        db.execute("DELETE FROM fact_repeats WHERE fact_id = ?", [fact_id])
        return True
    if repeats == fact_id:
        raise FieldProblems([("repeats", "a fact cannot repeat itself")])
    chain = _chain(db, repeats)
    if fact_id in chain:
        path = " → ".join(f"#{f}" for f in [repeats, *chain[:chain.index(fact_id) + 1]])
        raise FieldProblems([("repeats", f"fact #{repeats} already comes from fact #{fact_id} ({path}): "
                                         "a fact cannot repeat what repeats it")])
    if current is not None and not replace:
        raise FieldProblems([("repeats", f"fact #{fact_id} already repeats fact #{current}")])
    if current is None:
        db.execute("INSERT INTO fact_repeats (fact_id, repeats, linked_at, linked_by) VALUES (?, ?, ?, ?)",
                   [fact_id, repeats, now, author])
    else:
        db.execute("UPDATE fact_repeats SET repeats = ?, linked_at = ?, linked_by = ? WHERE fact_id = ?",
                   [repeats, now, author, fact_id])
    return True


def _chain(db: sqlite_utils.Database, fact_id: int) -> list[int]:
    """What a fact repeats, and what that repeats, to the end."""
    out: list[int] = []
    current = repeated_fact(db, fact_id)
    while current is not None and current not in out:
        out.append(current)
        current = repeated_fact(db, current)
    return out


def origin_of(db: sqlite_utils.Database, fact_id: int) -> tuple[int, str]:
    """A fact's origin: the fact it repeats, followed to the end, and the actor that counts as its source."""
    row = db.execute("SELECT origin_fact, origin FROM fact_origins WHERE fact_id = ?", [fact_id]).fetchone()
    if row is None:
        raise FactsError(f"no fact #{fact_id}")
    return row[0], row[1]


def suggest_repeats(db: sqlite_utils.Database, subject: str, value: float | None, actor_id: int | None,
                    exclude: int | None = None) -> list[dict]:
    """Stored facts a new fact may repeat: the same subject and value, from the same claimant or the
    organisation it speaks for (or one that speaks for the claimant). Suggested to the person, never set."""
    if value is None or actor_id is None:
        return []
    return [dict(r) for r in db.query(
        """SELECT f.id, a.name AS claimant, s.key AS source, f.date_start, f.date_end, f.date_precision
           FROM facts f JOIN actors a ON a.id = f.actor_id JOIN sources s ON s.id = f.source_id
           WHERE f.subject = ? AND f.value = ? AND f.id IS NOT ?
             AND (f.actor_id = :actor
                  OR f.actor_id IN (SELECT organization_id FROM speaks_for WHERE actor_id = :actor)
                  OR f.actor_id IN (SELECT actor_id FROM speaks_for WHERE organization_id = :actor)
                  OR f.actor_id IN (SELECT actor_id FROM speaks_for WHERE organization_id IN
                                    (SELECT organization_id FROM speaks_for WHERE actor_id = :actor)))
           ORDER BY f.id LIMIT 10""".replace(":actor", "?"),
        [subject, value, exclude, actor_id, actor_id, actor_id, actor_id])]


def describe_suggestion(s: dict) -> str:
    return printable_line(f"fact #{s['id']} ({s['claimant']}, {s['source']})")


# --- actors that speak for organisations ---------------------------------------------------

def link_speaker(db: sqlite_utils.Database, actor: str, organization: str, start: str | None, end: str | None,
                 author: str, now: str) -> bool:
    """Record that `actor` speaks for `organization` (from `start` to `end`, ISO dates or partial dates,
    each optional). The same link again changes nothing. Runs inside the caller's transaction."""
    actor_id, org_id = resolve_actor(db, actor), resolve_actor(db, organization)
    if actor_id == org_id:
        raise FieldProblems([("speaks_for", "an actor does not speak for itself")])
    first = _day(start, "from", last=False)
    last = _day(end, "to", last=True)
    if first and last and first > last:
        raise FieldProblems([("to", f"{end} is before {start}")])
    if db.execute("SELECT 1 FROM speaks_for WHERE actor_id = ? AND organization_id = ? AND date_start IS ? "
                  "AND date_end IS ?", [actor_id, org_id, first, last]).fetchone():
        return False
    if db.execute("SELECT 1 FROM speaks_for WHERE actor_id = ? AND organization_id = ?",
                  [org_id, actor_id]).fetchone():
        raise FieldProblems([("speaks_for", "the organisation already speaks for this actor")])
    db.execute("INSERT INTO speaks_for (actor_id, organization_id, date_start, date_end, linked_at, linked_by) "
               "VALUES (?, ?, ?, ?, ?, ?)", [actor_id, org_id, first, last, now, author])
    return True


def unlink_speaker(db: sqlite_utils.Database, actor: str, organization: str, author: str, now: str) -> int:
    """Remove every link of `actor` speaking for `organization`, each removal kept in link_history."""
    actor_id, org_id = resolve_actor(db, actor), resolve_actor(db, organization)
    rows = db.execute("SELECT id, date_start, date_end FROM speaks_for WHERE actor_id = ? AND organization_id = ?",
                      [actor_id, org_id]).fetchall()
    if not rows:
        raise FactsError(f"{actor} is not linked as speaking for {organization}")
    for link_id, start, end in rows:
        db.execute("INSERT INTO link_history (kind, subject_id, changed_at, changed_by, old, new) "
                   "VALUES ('speaks_for', ?, ?, ?, ?, NULL)",
                   [actor_id, now, author, change_json({"organization_id": org_id, "date_start": start,
                                                       "date_end": end})])
        db.execute("DELETE FROM speaks_for WHERE id = ?", [link_id])
    return len(rows)


def _day(value: str | None, name: str, last: bool) -> str | None:
    if value is None or not str(value).strip():
        return None
    try:
        span = parse_point(str(value).strip())
    except ValueError as e:
        raise FieldProblems([(name, str(e))]) from None
    return (span.end if last else span.start).isoformat()


def speakers(db: sqlite_utils.Database) -> list[dict]:
    """Every actor that speaks for an organisation, with when."""
    return [dict(r) for r in db.query(
        """SELECT a.name AS actor, o.name AS organization, sf.date_start, sf.date_end, sf.linked_at, sf.linked_by
           FROM speaks_for sf JOIN actors a ON a.id = sf.actor_id JOIN actors o ON o.id = sf.organization_id
           ORDER BY a.name COLLATE NOCASE, o.name COLLATE NOCASE, sf.date_start""")]


def link_history(db: sqlite_utils.Database, kind: str, subject_id: int) -> list[dict]:
    rows = [dict(r) for r in db.query("SELECT changed_at, changed_by, old, new FROM link_history "
                                      "WHERE kind = ? AND subject_id = ? ORDER BY id", [kind, subject_id])]
    for r in rows:
        r["old"] = json.loads(r["old"]) if r["old"] else None
        r["new"] = json.loads(r["new"]) if r["new"] else None
    return rows


# --- units ---------------------------------------------------------------------------------

def declare_units(db: sqlite_utils.Database, canonical: str, synonyms: list[str], author: str, now: str) -> list[str]:
    """Declare `synonyms` the same unit as `canonical` (troops = soldiers = military personnel); what was
    added. Runs inside the caller's transaction."""
    canonical = canonical.strip()
    known = {u.lower(): c for u, c in db.execute("SELECT unit, canonical FROM unit_synonyms")}
    if canonical.lower() in known:
        raise FieldProblems([("unit", f"'{canonical}' is already read as '{known[canonical.lower()]}': "
                                      f"name that one as the canonical unit")])
    added = []
    for unit in (u.strip() for u in synonyms):
        if not unit or unit.lower() == canonical.lower():
            continue
        if unit.lower() in known:
            if known[unit.lower()].lower() != canonical.lower():
                raise FieldProblems([("unit", f"'{unit}' is already read as '{known[unit.lower()]}'")])
            continue
        if any(c.lower() == unit.lower() for c in known.values()):
            raise FieldProblems([("unit", f"'{unit}' is itself the canonical unit of others")])
        db.execute("INSERT INTO unit_synonyms (unit, canonical, added_at, added_by) VALUES (?, ?, ?, ?)",
                   [unit, canonical, now, author])
        known[unit.lower()] = canonical
        added.append(unit)
    return added


def unit_synonyms(db: sqlite_utils.Database) -> list[dict]:
    return [dict(r) for r in db.query(
        """SELECT u.canonical, u.unit, u.added_at, u.added_by,
                  (SELECT count(*) FROM facts WHERE facts.unit = u.unit COLLATE NOCASE) AS facts
           FROM unit_synonyms u ORDER BY u.canonical COLLATE NOCASE, u.unit COLLATE NOCASE""")]
