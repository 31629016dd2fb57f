"""Actors and their aliases: resolution, suggestions, creation."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import sqlite_utils
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from unidecode import unidecode

from .db import inserted_id, new_uid, utc_now
from .errors import FactsError, SimilarActor, UnknownActor

if TYPE_CHECKING:  # the models (pydantic) load only for commands that validate: facts list starts faster
    from .models import Actor


def fold(name: str) -> str:
    """A spelling-insensitive key: 'Łukašenka' -> 'lukasenka'."""
    return " ".join(unidecode(name).casefold().split())


def resolve_actor(db: sqlite_utils.Database, name: str) -> int:
    """The id of the actor a name or alias names, case-insensitively."""
    row = db.execute("SELECT actor_id FROM aliases WHERE alias = ?", [name.strip()]).fetchone()
    if row:
        return row[0]
    # NOCASE folds ASCII only; compare the rest by casefold.
    wanted = name.strip().casefold()
    for alias, actor_id in db.execute(
            "SELECT alias, actor_id FROM aliases WHERE alias <> lower(alias) OR alias GLOB '*[^ -~]*'"):
        if alias.casefold() == wanted:
            return actor_id
    raise UnknownActor(name.strip(), suggest_actors(db, name))


def suggest_actors(db: sqlite_utils.Database, name: str, limit: int = 3) -> list[str]:
    """Canonical names of the actors whose aliases look most like `name`."""
    rows = db.execute(
        "SELECT aliases.alias, actors.name FROM aliases JOIN actors ON actors.id = aliases.actor_id").fetchall()
    if not rows:
        return []
    choices = {i: fold(alias) for i, (alias, _) in enumerate(rows)}
    found = process.extract(fold(name), choices, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=70)
    names: list[str] = []
    for _, _, i in found:
        canonical = rows[i][1]
        if canonical not in names:
            names.append(canonical)
    return names[:limit]




SUBSET = 90.0  # the score of two names one of whose words are all within the other's


def name_similarity(a: str, b: str) -> float:
    """How alike two names read, 0-100, once transliterated and case-folded: a spelling slip or another
    transliteration scores by edit distance (Lukashenka / Lukashenko); all of one name's words within the
    other's (Trump / Donald Trump) scores at least SUBSET."""
    folded_a, folded_b = fold(a), fold(b)
    score = fuzz.ratio(folded_a, folded_b)
    words_a = set(re.findall(r"\w+", folded_a))
    words_b = set(re.findall(r"\w+", folded_b))
    if words_a and words_b and (words_a <= words_b or words_b <= words_a):
        score = max(score, SUBSET)
    return score


def reads_as_one(a: str, b: str, one_word_within: bool = True) -> bool:
    """Whether two names most likely name one actor: all of one's words within the other's (Trump /
    Donald Trump), or word by word a slip or another transliteration (Lukashenka / Łukašenka, Stoltenbreg /
    Stoltenberg; a quarter of a word's letters at most, so NATO is not NASA). With one_word_within False, a
    single word within a longer name does not count (Minsk is not the Minsk Monitoring Group)."""
    words_a, words_b = re.findall(r"\w+", fold(a)), re.findall(r"\w+", fold(b))
    if not words_a or not words_b:
        return False
    shorter = min(len(set(words_a)), len(set(words_b)))
    if (set(words_a) <= set(words_b) or set(words_b) <= set(words_a)) and (one_word_within or shorter > 1
                                                                            or len(words_a) == len(words_b)):
        return True
    return len(words_a) == len(words_b) and all(
        Levenshtein.distance(x, y) <= min(len(x), len(y)) // 4 for x, y in zip(words_a, words_b, strict=True))


def similar_actors(db: sqlite_utils.Database, name: str, limit: int = 3) -> list[str]:
    """Canonical names of stored actors that read as the same one as `name` (reads_as_one), closest first."""
    scored: dict[str, float] = {}
    for alias, canonical, kind in db.execute("SELECT aliases.alias, actors.name, actors.kind FROM aliases "
                                             "JOIN actors ON actors.id = aliases.actor_id"):
        # A surname alone is the person (Trump, Donald Trump); a place or body's name within another's is
        # usually a different actor (Minsk, the Minsk Monitoring Group).
        if reads_as_one(name, alias, one_word_within=kind == "person"):
            score = name_similarity(name, alias)
            scored[canonical] = max(score, scored.get(canonical, 0.0))
    return sorted(scored, key=lambda n: (-scored[n], n))[:limit]


def actor_name(db: sqlite_utils.Database, actor_id: int) -> str:
    return db.execute("SELECT name FROM actors WHERE id = ?", [actor_id]).fetchone()[0]


def add_actor(db: sqlite_utils.Database, actor: Actor, allow_similar: bool = True) -> tuple[int, bool]:
    """Store an actor with its aliases: (id, created). Adding the same actor again adds nothing.

    With allow_similar False, a new actor whose name reads like a stored one is refused (SimilarActor):
    a person names actors from a text, and "Stoltenberg" is most likely Jens Stoltenberg."""
    existing = _alias_owner(db, actor.name)
    if existing is not None and actor_name(db, existing).casefold() != actor.name.casefold():
        raise FactsError(f"'{actor.name}' is already an alias of {actor_name(db, existing)}")
    if existing is None and not allow_similar:
        similar = similar_actors(db, actor.name)
        if similar:
            raise SimilarActor(actor.name, similar)
    if existing is None:
        for alias in actor.aliases:
            owner = _alias_owner(db, alias)
            if owner is not None:
                raise FactsError(f"alias '{alias}' already names {actor_name(db, owner)}")
        cursor = db.execute("INSERT INTO actors (name, kind, description, added_at, uid) VALUES (?, ?, ?, ?, ?)",
                            [actor.name, actor.kind, actor.description, actor.added_at or utc_now(),
                             actor.uid or new_uid()])
        actor_id, created = inserted_id(cursor), True
    else:
        actor_id, created = existing, False
        kind = db.execute("SELECT kind FROM actors WHERE id = ?", [actor_id]).fetchone()[0]
        if kind != actor.kind and "kind" in actor.model_fields_set:
            raise FactsError(f"actor {actor.name} is already stored as a {kind}, not a {actor.kind}")
    if created and actor.name in actor.alias_uids:  # the name's own alias row (a trigger made it) keeps its id
        db.execute("DELETE FROM aliases WHERE alias = ? AND actor_id = ?", [actor.name, actor_id])
        add_alias(db, actor_id, actor.name, actor.alias_uids[actor.name], at=actor.added_at)
    for alias in actor.aliases:
        add_alias(db, actor_id, alias, actor.alias_uids.get(alias), at=actor.added_at)
    return actor_id, created


def add_alias(db: sqlite_utils.Database, actor_id: int, alias: str, uid: str | None = None, *,
              at: str | None = None, by: str | None = None) -> bool:
    """Give an actor another spelling (with its global id, if it has one already), saying when and by whom;
    True if it was new."""
    owner = _alias_owner(db, alias)
    if owner == actor_id:
        return False
    if owner is not None:
        raise FactsError(f"alias '{alias}' already names {actor_name(db, owner)}")
    db.execute("INSERT INTO aliases (alias, actor_id, uid, added_at, added_by) VALUES (?, ?, ?, ?, ?)",
               [alias, actor_id, uid or new_uid(), at or utc_now(), by])
    return True


def _alias_owner(db: sqlite_utils.Database, alias: str) -> int | None:
    row = db.execute("SELECT actor_id FROM aliases WHERE alias = ?", [alias]).fetchone()
    if row:
        return row[0]
    wanted = alias.casefold()
    for other, actor_id in db.execute("SELECT alias, actor_id FROM aliases WHERE alias GLOB '*[^ -~]*'"):
        if other.casefold() == wanted:
            return actor_id
    return None


def edit_actor(db: sqlite_utils.Database, actor: str | int, author: str, now: str, *, name: str | None = None,
               kind: str | None = None) -> list[str]:
    """Correct an actor's name or kind (an actor by name, alias or id); actor_history keeps each change
    with who and when. The old name stays an alias, so the spelling still resolves. Returns what changed.
    Runs inside the caller's transaction."""
    actor_id = actor if isinstance(actor, int) else resolve_actor(db, actor)
    row = db.execute("SELECT name, kind FROM actors WHERE id = ?", [actor_id]).fetchone()
    if row is None:
        raise FactsError(f"no actor #{actor_id}")
    old_name, old_kind = row
    changed = {}
    if name is not None and name != old_name:
        owner = _alias_owner(db, name)
        if owner is not None and owner != actor_id:
            raise FactsError(f"'{name}' already names {actor_name(db, owner)}")
        changed["name"] = name
    if kind is not None and kind != old_kind:
        changed["kind"] = kind
    if not changed:
        return []
    db.execute(f"UPDATE actors SET {', '.join(f'{c} = ?' for c in changed)}, updated_at = ?, updated_by = ? "
               "WHERE id = ?", [*changed.values(), now, author, actor_id])
    if "name" in changed:
        add_alias(db, actor_id, changed["name"], at=now, by=author)
    return list(changed)


def list_actors(db: sqlite_utils.Database) -> list[dict]:
    return [dict(row) for row in db.query(
        """SELECT actors.id, actors.name, actors.kind,
                  (SELECT group_concat(alias, '; ') FROM (SELECT alias FROM aliases
                    WHERE actor_id = actors.id AND alias <> actors.name ORDER BY alias)) AS aliases,
                  (SELECT count(*) FROM facts WHERE actor_id = actors.id) AS claims,
                  (SELECT group_concat(link, '; ') FROM (
                      SELECT o.name || CASE WHEN sf.date_start IS NULL AND sf.date_end IS NULL THEN ''
                                            ELSE ' (' || coalesce(sf.date_start, '…') || ' – '
                                                 || coalesce(sf.date_end, '…') || ')' END AS link
                      FROM speaks_for sf JOIN actors o ON o.id = sf.organization_id
                      WHERE sf.actor_id = actors.id ORDER BY o.name)) AS speaks_for,
                  actors.description
           FROM actors ORDER BY actors.name COLLATE NOCASE""")]


def merge_actors(db: sqlite_utils.Database, keep: str, merge: str, author: str, now: str) -> tuple[int, int]:
    """Fold the actor `merge` into `keep`: every alias and fact moves, each fact's change kept in its history.

    Returns (facts moved, aliases moved). Runs inside the caller's transaction.
    """
    keep_id, merge_id = resolve_actor(db, keep), resolve_actor(db, merge)
    if keep_id == merge_id:
        raise FactsError(f"'{keep}' and '{merge}' are already the same actor ({actor_name(db, keep_id)})")
    went = db.execute("SELECT uid, name, kind, description, added_at FROM actors WHERE id = ?", [merge_id]).fetchone()
    kept = db.execute("SELECT uid FROM actors WHERE id = ?", [keep_id]).fetchone()[0]
    # Recorded so that the merge syncs: elsewhere too, what named the actor that went names the one kept.
    db.execute("INSERT INTO merged_uids (uid, into_uid, kind, merged_at, merged_by, record) "
               "VALUES (?, ?, 'actor', ?, ?, ?)",
               [went[0], kept, now, author, json.dumps({"name": went[1], "kind": went[2], "description": went[3],
                                                        "added_at": went[4]}, ensure_ascii=False)])
    return merge_actor_ids(db, keep_id, merge_id, author, now)


def merge_actor_ids(db: sqlite_utils.Database, keep_id: int, merge_id: int, author: str, now: str) -> tuple[int, int]:
    """Move every fact, alias and link of actor `merge_id` to `keep_id` and delete it (merge_actors, and facts
    sync doing a merge made elsewhere)."""
    moved = db.execute("UPDATE facts SET actor_id = ?, updated_at = ?, updated_by = ? WHERE actor_id = ?",
                       [keep_id, now, author, merge_id]).rowcount
    # A fact about both keeps one row; the others move.
    db.execute("DELETE FROM fact_about WHERE actor_id = ? AND fact_id IN "
               "(SELECT fact_id FROM fact_about WHERE actor_id = ?)", [merge_id, keep_id])
    db.execute("UPDATE fact_about SET actor_id = ? WHERE actor_id = ?", [keep_id, merge_id])
    aliases = db.execute("UPDATE aliases SET actor_id = ? WHERE actor_id = ?", [keep_id, merge_id]).rowcount
    # Who speaks for whom follows the merge; a link that would join the kept actor to itself goes.
    db.execute("DELETE FROM speaks_for WHERE (actor_id = ? AND organization_id = ?) OR (actor_id = ? AND "
               "organization_id = ?)", [merge_id, keep_id, keep_id, merge_id])
    db.execute("UPDATE speaks_for SET actor_id = ? WHERE actor_id = ?", [keep_id, merge_id])
    db.execute("UPDATE speaks_for SET organization_id = ? WHERE organization_id = ?", [keep_id, merge_id])
    description = db.execute("SELECT description FROM actors WHERE id = ?", [merge_id]).fetchone()[0]
    if description and not db.execute("SELECT description FROM actors WHERE id = ?", [keep_id]).fetchone()[0]:
        db.execute("UPDATE actors SET description = ? WHERE id = ?", [description, keep_id])
    db.execute("DELETE FROM actors WHERE id = ?", [merge_id])
    return moved, aliases


def suggest_duplicates(db: sqlite_utils.Database, threshold: float = 85) -> list[tuple[str, str, float]]:
    """Pairs of actors whose names or aliases read alike (name_similarity): (name, name, score)."""
    rows = db.execute("SELECT aliases.alias, actors.id, actors.name FROM aliases "
                      "JOIN actors ON actors.id = aliases.actor_id").fetchall()
    best: dict[tuple[int, int], tuple[str, str, float]] = {}
    for i, (alias, actor_id, name) in enumerate(rows):
        for j in range(i + 1, len(rows)):
            other_alias, other_id, other_name = rows[j]
            if other_id == actor_id:
                continue
            score = name_similarity(alias, other_alias)
            if score >= threshold:
                pair = tuple(sorted((actor_id, other_id)))
                names = tuple(sorted((name, other_name)))
                if pair not in best or best[pair][2] < score:
                    best[pair] = (names[0], names[1], round(score, 1))
    return sorted(best.values(), key=lambda p: (-p[2], p[0], p[1]))
