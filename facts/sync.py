"""facts sync: another analyst's work taken into this database, so that a team converges.

Work is read as records and changes named by their global ids (a database file, or a folder written by
`facts export --format facts-dir`). Every record and change this database has not seen is written with its
own uid, author and time; then each record they touch is made again from its values and all its changes
(facts/events.py), in an order that depends on the changes alone. So databases that have seen the same
work hold the same content, whichever order they saw it in, and syncing the same work twice changes nothing.

What two analysts did apart and cannot both stand is listed in `conflicts`, from the records alone:
two changes of one field made on the same parent (the later is shown), an alias naming two actors, an
actor added twice with two kinds, a unit declared the same as two others, a source key holding two texts
(the smaller uid keeps what is contested; the other is set aside), and one claim entered twice. A decision
(`facts resolve`) is itself a change or a record that syncs, so the team converges on it too.
"""

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field

import sqlite_utils

from .db import change_json, inserted_id, savepoint, triggers_aside
from .errors import FactsError
from .events import Event, Folded, ancestors, fold, in_order, parents_of
from .quotes import reanchor
from .vocab import ACTOR_FIELDS, FIELD_GROUPS, SOURCE_FIELDS
from .writing import FACT_COLUMNS

FACT_FIELDS = (*FACT_COLUMNS, "anchored_by")
# A fact's fields that name another record by its id here, by its uid in the work exchanged.
_FACT_REFS = {"actor_id": "actors", "source_id": "sources", "superseded_by": "facts"}
# The groups compare tells apart, with the actors a fact is about as one more.
FACT_GROUPS = {**FIELD_GROUPS, "about": ("about",)}
_HISTORY = {"fact": ("fact_history", "fact_id", "facts"), "actor": ("actor_history", "actor_id", "actors"),
            "source": ("source_history", "source_id", "sources")}
_SOURCE_COLUMNS = ("key", *SOURCE_FIELDS, "text", "sha256", "media_type", "page_starts", "version", "added_at",
                   "added_by", "updated_at", "updated_by", "change_reason")


@dataclass
class Work:
    """A collection's records and changes, every reference a uid."""
    actors: dict[str, dict] = field(default_factory=dict)
    aliases: dict[str, dict] = field(default_factory=dict)
    merged: dict[str, dict] = field(default_factory=dict)  # by 'uid into_uid'
    set_aside: dict[str, dict] = field(default_factory=dict)
    decisions: dict[str, dict] = field(default_factory=dict)
    units: dict[str, dict] = field(default_factory=dict)  # by unit, case-folded
    sources: dict[str, dict] = field(default_factory=dict)
    versions: dict[str, dict] = field(default_factory=dict)  # by the uid of the version they replaced
    facts: dict[str, dict] = field(default_factory=dict)
    annotations: dict[str, dict] = field(default_factory=dict)
    events: dict[str, dict] = field(default_factory=dict)


def keep_one(table: dict[str, dict], key: str, record: dict) -> None:
    """Add a record read from work exchanged; of two versions of one record (a line git kept twice, two files
    of a folder), the one whose JSON sorts first, so that every reader keeps the same."""
    if key not in table or json.dumps(record, sort_keys=True) < json.dumps(table[key], sort_keys=True):
        table[key] = record


@dataclass
class SyncResult:
    added: dict[str, int] = field(default_factory=dict)
    conflicts: int = 0

    def count(self, kind: str, n: int = 1) -> None:
        self.added[kind] = self.added.get(kind, 0) + n


# --- reading -------------------------------------------------------------------------------------------

class _Uids:
    """Local ids to uids and back, through merges (a record that went is read as the one it became)."""

    def __init__(self, db: sqlite_utils.Database):
        self.to_uid = {t: dict(db.execute(f"SELECT id, uid FROM {t}").fetchall())
                       for t in ("actors", "sources", "facts", "annotations")}
        for fact_id, old in db.execute("SELECT fact_id, old FROM fact_history WHERE action = 'delete'"):
            uid = json.loads(old).get("uid")
            if uid:  # a deleted fact's changes still name it
                self.to_uid["facts"].setdefault(fact_id, uid)
        # (went, into) -> when it was merged ('' when sync found two records to be one)
        self.merges: dict[tuple[str, str], str] = {(u, i): at or "" for u, i, at in db.execute(
            "SELECT uid, into_uid, merged_at FROM merged_uids")}
        self._finals: dict[str, str] | None = None
        self.refresh()

    def refresh(self) -> None:
        self.to_id = {t: {u: i for i, u in ids.items() if u} for t, ids in self.to_uid.items()}

    def add(self, table: str, local_id: int, uid: str) -> None:
        self.to_uid[table][local_id] = uid
        self.to_id[table][uid] = local_id

    def merge(self, went: str, into: str, at: str | None = None) -> None:
        self.merges[(went, into)] = at or ""
        self._finals = None

    def final(self, uid: str) -> str:
        """The record a uid is read as (_finals)."""
        if self._finals is None:
            self._finals = _finals(self.merges)
        return self._finals.get(uid, uid)

    def id(self, table: str, uid: str | None) -> int | None:
        if uid is None:
            return None
        return self.to_id[table].get(self.final(uid))

    def uid(self, table: str, local_id: object) -> str | None:
        if not isinstance(local_id, int):
            return None
        return self.to_uid[table].get(local_id)


def _unit_uid(u: dict) -> str:
    return f"unit:{u['unit'].casefold()}={u['canonical'].casefold()}"


def _finals(merges: dict[tuple[str, str], str]) -> dict[str, str]:
    """Each merged uid's final record: of the records merged with each other, the one that never went (the
    smallest such uid; the smallest of all when each went into another, as two analysts merging two actors
    into each other make). It depends on the merges alone, whatever order they arrived in, and a merge found
    within a class of records already one does not change it."""
    parent: dict[str, str] = {}

    def root(u: str) -> str:
        while parent.setdefault(u, u) != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        return u

    for went, into in merges:
        parent[root(went)] = root(into)
    classes: dict[str, list[str]] = {}
    for u in list(parent):
        classes.setdefault(root(u), []).append(u)
    gone = {w for w, _ in merges}
    out = {}
    for members in classes.values():
        stayed = [m for m in members if m not in gone]
        out.update(dict.fromkeys(members, min(stayed or members)))
    return out


# The fields of a change or record that name another record: by its id here, by its uid in work exchanged.
_REFS = {**_FACT_REFS, "repeats": "facts", "organization_id": "actors"}


def _translate(values: dict, convert: Callable[[str, object], object]) -> dict:
    out = dict(values)
    for name, table in _REFS.items():
        if name in out:
            out[name] = convert(table, out[name])
    if out.get("about") is not None:
        out["about"] = sorted(x for x in (convert("actors", a) for a in out["about"]) if x is not None)
    return out


def _uidize(values: dict, uids: _Uids) -> dict:
    """A change's or record's values with every reference a uid."""
    return _translate(values, uids.uid)


def _localize(values: dict, uids: _Uids) -> dict:
    """Values from work exchanged with every reference an id here."""
    return _translate(values, lambda table, uid: uids.id(table, uid if isinstance(uid, str) else None))


def read_work(db: sqlite_utils.Database) -> Work:
    """Everything a database holds, as records and changes named by uid."""
    uids = _Uids(db)
    work = Work()
    for a in db.query("SELECT id, uid, name, kind, description, added_at, updated_at, updated_by FROM actors"):
        work.actors[a["uid"]] = a
    for rowid, alias, actor_id, uid, at, by in db.execute("SELECT rowid, alias, actor_id, uid, added_at, added_by "
                                                          "FROM aliases"):
        work.aliases[uid] = {"id": rowid, "uid": uid, "alias": alias, "actor": uids.uid("actors", actor_id),
                             "added_at": at, "added_by": by}
    for m in db.query("SELECT * FROM merged_uids"):
        work.merged[f"{m['uid']} {m['into_uid']}"] = m
    for s in db.query("SELECT * FROM set_aside"):
        work.set_aside[s["uid"]] = s
    for d in db.query("SELECT * FROM decisions"):
        work.decisions[d["uid"]] = d
    for u in db.query("SELECT unit, canonical, added_at, added_by FROM unit_synonyms"):
        work.units[u["unit"].casefold()] = u
    for s in db.query(f"SELECT id, uid, {', '.join(_SOURCE_COLUMNS)} FROM sources"):
        first = db.execute("SELECT text, sha256, media_type, page_starts FROM source_versions WHERE source_id = ? "
                           "AND version = 1", [s["id"]]).fetchone()
        if first:  # it comes in with its first text; the later ones come as versions
            s.update(zip(("text", "sha256", "media_type", "page_starts"), first))
        work.sources[s["uid"]] = s
    _read_versions(db, work)
    columns = ", ".join(FACT_FIELDS)
    about: dict[int, list[int]] = {}
    for fact_id, actor_id in db.execute("SELECT fact_id, actor_id FROM fact_about"):
        about.setdefault(fact_id, []).append(actor_id)
    for row in db.query(f"SELECT id, uid, {columns}, created_at, created_by, updated_at, updated_by FROM facts"):
        fact = _uidize({**row, "about": about.get(row["id"], [])}, uids)
        work.facts[row["uid"]] = fact
    for a in db.query("SELECT * FROM annotations"):
        a = dict(a)
        a["fact"] = uids.uid("facts", a.pop("fact_id"))
        a["superseded_by"] = uids.uid("facts", a["superseded_by"])
        a["retracts"] = uids.uid("annotations", a["retracts"])
        work.annotations[a["uid"]] = a
    for kind, (table, column, records) in _HISTORY.items():
        reason = "reason" if kind == "source" else "NULL AS reason"
        action = "action" if kind == "fact" else "'update' AS action"
        for h in db.query(f"SELECT id, uid, parents, {column} AS record, {action}, changed_at, changed_by, "
                          f"{reason}, old, new FROM {table}"):
            record = uids.uid(records, h["record"])
            if record is None:
                continue  # a record merged away: its merge holds what it was
            work.events[h["uid"]] = {"id": h["id"], "uid": h["uid"], "table": kind, "record": record,
                                     "parents": h["parents"],
                                     "action": h["action"], "at": h["changed_at"], "by": h["changed_by"],
                                     "reason": h["reason"], "old": _uidize(json.loads(h["old"]), uids),
                                     "new": _uidize(json.loads(h["new"]), uids) if h["new"] else None}
    for h in db.query("SELECT * FROM link_history"):
        record = uids.uid("facts" if h["kind"] == "repeats" else "actors", h["subject_id"])
        if record is None:
            continue
        work.events[h["uid"]] = {"id": h["id"], "uid": h["uid"], "table": h["kind"], "record": record,
                                 "parents": h["parents"],
                                 "action": "update", "at": h["changed_at"], "by": h["changed_by"], "reason": None,
                                 "old": _uidize(json.loads(h["old"]), uids) if h["old"] else None,
                                 "new": _uidize(json.loads(h["new"]), uids) if h["new"] else None}
    return work


def _read_versions(db: sqlite_utils.Database, work: Work) -> None:
    for v in storings(db):
        work.versions[v["uid"]] = v


def storings(db: sqlite_utils.Database, source_id: int | None = None) -> list[dict]:
    """Each storing of a new text of a source (of one source, or of all): the text it stored, when and by
    whom, named by the uid its version row keeps (the row of the text it replaced)."""
    where, params = ("WHERE v.source_id = ?", [source_id]) if source_id is not None else ("", [])
    out = []
    for v in db.query("SELECT s.uid AS source, v.source_id, v.version, v.stored_at, v.stored_by, v.uid FROM "
                      f"source_versions v JOIN sources s ON s.id = v.source_id {where}", params):
        later = db.execute("SELECT text, media_type, page_starts FROM source_versions WHERE source_id = ? AND "
                           "version = ?", [v["source_id"], v["version"] + 1]).fetchone() or db.execute(
            "SELECT text, media_type, page_starts FROM sources WHERE id = ?", [v["source_id"]]).fetchone()
        out.append({"uid": v["uid"], "source": v["source"], "version": v["version"] + 1,
                    "text": later[0], "media_type": later[1],
                    "page_starts": json.loads(later[2]) if later[2] else None,
                    "at": v["stored_at"], "by": v["stored_by"]})
    return out


def restack_versions(db: sqlite_utils.Database, source_id: int, incoming: Iterable[dict]) -> int:
    """Take texts of a source stored elsewhere: every text stored anywhere is one of its versions, in the
    order of the changes that stored them (parents first, then time), and the last is its text. Two texts
    stored apart are both kept, the later one current, and listed as a conflict (conflicts_of). Returns how
    many storings were new here."""
    local = {v["uid"]: v for v in storings(db, source_id)}
    known = dict(local)
    for v in incoming:
        mine = known.get(v["uid"])
        if mine is None:
            known[v["uid"]] = v
        elif (v["at"], v["by"] or "") < (mine["at"], mine["by"] or ""):
            known[v["uid"]] = {**mine, "at": v["at"], "by": v["by"]}  # the first storing of it, everywhere
    if {u: (v["at"], v["by"]) for u, v in known.items()} == {u: (v["at"], v["by"]) for u, v in local.items()}:
        return 0
    first = db.execute("SELECT text, media_type, page_starts FROM source_versions WHERE source_id = ? AND "
                       "version = 1", [source_id]).fetchone() or db.execute(
        "SELECT text, media_type, page_starts FROM sources WHERE id = ?", [source_id]).fetchone()
    position = {(e.at, e.by): i for i, e in enumerate(in_order(_events_of(db, "source", source_id)))
                if "version" in e.new}
    chain = sorted(known.values(), key=lambda v: (position.get((v["at"], v["by"]), len(position)), v["at"],
                                                  v["by"] or "", v["uid"]))
    texts = [(first[0], first[1], json.loads(first[2]) if first[2] else None, None)]
    texts += [(v["text"], v["media_type"], v["page_starts"], v["uid"]) for v in chain]
    was = {v["uid"]: v["version"] for v in local.values()}  # the version each text had here, for its original
    db.execute("DELETE FROM source_versions WHERE source_id = ?", [source_id])
    for number, ((text, media_type, pages, _), storing) in enumerate(zip(texts, chain), start=1):
        db.execute("INSERT INTO source_versions (source_id, version, text, sha256, media_type, page_starts, "
                   "stored_at, stored_by, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [source_id, number, text, _sha(text), media_type, json.dumps(pages) if pages else None,
                    storing["at"], storing["by"], storing["uid"]])
    text, media_type, pages, _ = texts[-1]
    db.execute("UPDATE sources SET version = version + 1000000 WHERE id = ?", [source_id])  # a new version,
    db.execute("UPDATE sources SET text = ?, sha256 = ?, media_type = ?, page_starts = ?, version = ? WHERE id = ?",
               [text, _sha(text), media_type, json.dumps(pages) if pages else None, len(texts), source_id])
    # Each original read here goes with its text; a text read elsewhere is its own original.
    db.execute("UPDATE source_originals SET version = version + 1000000 WHERE source_id = ?", [source_id])
    for number, (text, media_type, _, uid) in enumerate(texts, start=1):
        before = 1 if uid is None else was.get(uid)
        moved = before is not None and db.execute(
            "UPDATE source_originals SET version = ? WHERE source_id = ? AND version = ?",
            [number, source_id, before + 1000000]).rowcount
        if not moved:
            db.execute("INSERT INTO source_originals (source_id, version, media_type, sha256, bytes) VALUES "
                       "(?, ?, ?, ?, CAST(? AS BLOB))", [source_id, number, media_type, _sha(text), text])
    db.execute("DELETE FROM source_originals WHERE source_id = ? AND version > 1000000", [source_id])
    return len(known) - len(local)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- applying ------------------------------------------------------------------------------------------

class _Sync:
    def __init__(self, db: sqlite_utils.Database, work: Work, author: str, now: str):
        self.db, self.work, self.author, self.now = db, work, author, now
        self.uids = _Uids(db)
        self.result = SyncResult()
        self.doing = "a record"  # what is being written, for an error that names it
        self.renamed: dict[str, str] = {}  # an actor row that took another record's uid: that record's name
        self.touched: dict[str, set[str]] = {"fact": set(), "actor": set(), "source": set(), "tags": set(),
                                              "repeats": set(), "speaks_for": set()}

    def run(self) -> SyncResult:
        with triggers_aside(self.db):
            self._merged()
            self._actors()
            self._aliases()
            self._units()
            self._sources()
            self._facts()
            self._annotations()
            self._events()
            self._versions()  # in the order of the changes that stored them: after the changes
            self._decisions()
            self._materialize()
        from .conflicts import apply_decisions
        apply_decisions(self.db)
        self._merges_here()
        self._conflicts()
        return self.result

    # records

    def _merged(self) -> None:
        here = {(u, i): (at or "", by or "") for u, i, at, by in self.db.execute(
            "SELECT uid, into_uid, merged_at, merged_by FROM merged_uids")}
        for m in sorted(self.work.merged.values(), key=lambda m: (m["uid"], m["into_uid"])):
            pair = (m["uid"], m["into_uid"])
            if pair not in here:
                self.db.execute("INSERT INTO merged_uids (uid, into_uid, kind, merged_at, merged_by, record) "
                                "VALUES (?, ?, ?, ?, ?, ?)", [m["uid"], m["into_uid"], m["kind"], m["merged_at"],
                                                              m["merged_by"], m["record"]])
                self.uids.merge(*pair, m["merged_at"])
                self.result.count("merges")
            elif (m["merged_at"] or "", m["merged_by"] or "") < here[pair]:  # merged twice apart: the first merge
                self.db.execute("UPDATE merged_uids SET merged_at = ?, merged_by = ?, record = ? WHERE uid = ? AND "
                                "into_uid = ?", [m["merged_at"], m["merged_by"], m["record"], *pair])
                self.uids.merge(*pair, m["merged_at"])
        known_aside = {u for (u,) in self.db.execute("SELECT uid FROM set_aside")}
        for a in self.work.set_aside.values():
            if a["uid"] not in known_aside and a["kind"] != "unit":
                self.db.execute("INSERT INTO set_aside (uid, kind, subject, record) VALUES (?, ?, ?, ?)",
                                [a["uid"], a["kind"], a["subject"], a["record"]])

    def _free_id(self, table: str, record: dict) -> int | None:
        """The local id a record had where it came from, if no row here has it (a copy into a new database
        keeps every number the same)."""
        wanted = record.get("id")
        if not isinstance(wanted, int) or isinstance(wanted, bool) or wanted < 1:
            return None
        return None if self.db.execute(f"SELECT 1 FROM {table} WHERE rowid = ?", [wanted]).fetchone() else wanted

    def _found_same(self, kind: str, a: str, b: str, record: dict | None = None, keep: str | None = None) -> str:
        """Two records added apart found to be one: the smaller uid is kept (or `keep`). Returns the final."""
        keep, went = (keep, b if keep == a else a) if keep else sorted([a, b])
        if (went, keep) not in self.uids.merges:
            self.db.execute("INSERT INTO merged_uids (uid, into_uid, kind, record) VALUES (?, ?, ?, ?)",
                            [went, keep, kind, json.dumps(record, ensure_ascii=False) if record else None])
            self.uids.merge(went, keep)
        return self.uids.final(keep)

    _ACTOR = ("name", "kind", "description", "added_at", "updated_at", "updated_by")

    def _gone_actor(self, uid: str) -> dict | None:
        """An actor no database at hand holds any more, as its merge recorded it."""
        for (record,) in self.db.execute("SELECT record FROM merged_uids WHERE uid = ? AND record IS NOT NULL "
                                         "ORDER BY into_uid", [uid]):
            values = json.loads(record)
            if isinstance(values, dict) and isinstance(values.get("name"), str):
                return {"kind": "other", "description": None, "added_at": None, **values,
                        "updated_at": None, "updated_by": None}
        return None

    def _actors(self) -> None:
        for a in sorted(self.work.actors.values(), key=lambda a: a["uid"]):
            self.doing = f"actor {a.get('uid')}"
            if a["uid"] in self.uids.to_id["actors"] or self.uids.id("actors", a["uid"]) is not None:
                continue
            same = self.db.execute("SELECT uid FROM actors WHERE name = ?", [a["name"]]).fetchone()
            if same is not None:  # the same name added apart is one actor: the smaller uid stays
                gone = a if a["uid"] > same[0] else self.db.query(
                    "SELECT name, kind, description, added_at FROM actors WHERE uid = ?", [same[0]]).__next__()
                self._found_same("actor", same[0], a["uid"], {k: gone[k] for k in ("name", "kind", "description",
                                                                                     "added_at")})
                continue
            cursor = self.db.execute(f"INSERT INTO actors (id, {', '.join(self._ACTOR)}, uid) VALUES "
                                     f"(?, {', '.join('?' * len(self._ACTOR))}, ?)",
                                     [self._free_id("actors", a), *(a.get(f) for f in self._ACTOR), a["uid"]])
            self.uids.add("actors", inserted_id(cursor), a["uid"])
            self.result.count("actors")
        # Rows read as a record not here: one of them (the one of its name, if any) takes that record's uid and
        # values; the others are merged into it below.
        classes: dict[str, list[tuple[int, str, str]]] = {}
        for local_id, uid, name in sorted(self.db.execute("SELECT id, uid, name FROM actors").fetchall()):
            final = self.uids.final(uid)
            if final != uid and final not in self.uids.to_id["actors"]:
                classes.setdefault(final, []).append((local_id, uid, name))
        for final, rows in sorted(classes.items()):
            became = self.work.actors.get(final) or self._gone_actor(final)
            if became is None:
                continue
            local_id, uid, _ = next((r for r in rows if r[2].casefold() == became["name"].casefold()), rows[0])
            mine = self.db.execute("SELECT name, kind, description, added_at FROM actors WHERE id = ?",
                                   [local_id]).fetchone()
            # The row's own record is kept as merged into the one it becomes, so that no database loses it.
            self._found_same("actor", uid, final, dict(zip(("name", "kind", "description", "added_at"), mine)),
                             keep=final)
            values = {f: became.get(f) for f in self._ACTOR if f != "name" and not (f == "added_at" and
                                                                                 became.get(f) is None)}
            self.db.execute(f"UPDATE actors SET uid = ?, {', '.join(f'{f} = ?' for f in values)} WHERE id = ?",
                            [final, *values.values(), local_id])
            self.uids.to_id["actors"].pop(uid, None)
            self.uids.add("actors", local_id, final)
            self.renamed[final] = became["name"]
            self.touched["actor"].add(final)

    def _aliases(self) -> None:
        known = {u for (u,) in self.db.execute("SELECT uid FROM aliases")} | {w for w, _ in self.uids.merges} | {
            u for (u,) in self.db.execute("SELECT uid FROM set_aside")}
        for a in sorted(self.work.aliases.values(), key=lambda a: a["uid"]):
            self.doing = f"alias {a.get('uid')}"
            if a["uid"] in known:
                continue
            owner = self.uids.id("actors", a["actor"])
            if owner is None:
                continue
            here = self.db.execute("SELECT actor_id, uid, added_at, added_by FROM aliases WHERE alias = ?",
                                   [a["alias"]]).fetchone()
            if here is None:
                self.db.execute("INSERT INTO aliases (rowid, alias, actor_id, uid, added_at, added_by) "
                                "VALUES (?, ?, ?, ?, ?, ?)", [self._free_id("aliases", a), a["alias"], owner,
                                                              a["uid"], a.get("added_at"), a.get("added_by")])
                self.result.count("aliases")
                continue
            keep, went = sorted([here[1], a["uid"]])
            given = [a.get("added_at"), a.get("added_by")]
            if here[0] == owner:  # the same alias of the same actor, added twice
                self._found_same("alias", here[1], a["uid"], {"alias": a["alias"]})
                if here[1] != keep:
                    self.db.execute("UPDATE aliases SET uid = ?, added_at = ?, added_by = ? WHERE alias = ?",
                                    [keep, *given, a["alias"]])
                continue
            # The alias names another actor here: the smaller uid keeps it, the other is set aside.
            mine = {"actor": self.uids.final(self.uids.uid("actors", here[0]) or ""), "added_at": here[2],
                    "added_by": here[3]}
            theirs = {"actor": self.uids.final(a["actor"]), "added_at": given[0], "added_by": given[1]}
            if went == here[1]:
                self.db.execute("UPDATE aliases SET actor_id = ?, uid = ?, added_at = ?, added_by = ? WHERE alias = ?",
                                [owner, keep, *given, a["alias"]])
                gone = mine
            else:
                gone = theirs
            self.db.execute("INSERT OR IGNORE INTO set_aside (uid, kind, subject, record) VALUES (?, 'alias', ?, ?)",
                            [went, a["alias"].casefold(), json.dumps(gone)])

    def _units(self) -> None:
        _units_again(self.db, list(self.work.units.values()),
                     [json.loads(a["record"]) for a in self.work.set_aside.values() if a["kind"] == "unit"])

    def _normalize_aside(self) -> None:
        """An alias set aside names its actor by the uid that actor is read as now."""
        for uid, record in self.db.execute("SELECT uid, record FROM set_aside WHERE kind = 'alias'").fetchall():
            r = json.loads(record)
            final = self.uids.final(r["actor"])
            if final != r["actor"]:
                self.db.execute("UPDATE set_aside SET record = ? WHERE uid = ?", [json.dumps({**r, "actor": final}),
                                                                                   uid])

    def _sources(self) -> None:
        for s in sorted(self.work.sources.values(), key=lambda s: s["uid"]):
            self.doing = f"source {s.get('uid')}"
            uid = self.uids.final(s["uid"])
            if self.uids.id("sources", uid) is not None:
                continue
            here = self.db.execute("SELECT id, uid, sha256 FROM sources WHERE key = ?", [s["key"]]).fetchone()
            key = s["key"]
            if here is not None:
                keep, went = sorted([here[1], uid])
                if here[2] == s["sha256"]:  # the same text under the same key, added twice
                    self._found_same("source", here[1], uid)
                    if here[1] != keep:
                        self.db.execute("UPDATE sources SET uid = ? WHERE id = ?", [keep, here[0]])
                    self.uids.add("sources", here[0], keep)
                    continue
                aside = f"{s['key'][:90]}-{went[:8]}"
                if went == here[1]:  # the source here gives way: it keeps its facts under another key
                    self.db.execute("UPDATE sources SET key = ? WHERE id = ?", [aside, here[0]])
                else:
                    key = aside
                self.db.execute("INSERT OR IGNORE INTO set_aside (uid, kind, subject, record) "
                                "VALUES (?, 'source', ?, ?)", [went, s["key"], json.dumps({"key": aside})])
            values = {c: s.get(c) for c in _SOURCE_COLUMNS if c != "version"}
            values["key"] = key
            cursor = self.db.execute(f"INSERT INTO sources (id, {', '.join(values)}, uid) VALUES "
                                     f"(?, {', '.join('?' * len(values))}, ?)",
                                     [self._free_id("sources", s), *values.values(), uid])
            self.uids.add("sources", inserted_id(cursor), uid)
            if values["text"] is not None:
                self.db.execute("INSERT INTO source_originals (source_id, version, media_type, sha256, bytes) "
                                "VALUES (?, 1, ?, ?, CAST(? AS BLOB))", [cursor.lastrowid, values["media_type"],
                                                                        values["sha256"], values["text"]])
            self.result.count("sources")

    def _versions(self) -> None:
        incoming: dict[str, list[dict]] = {}
        for v in self.work.versions.values():
            incoming.setdefault(self.uids.final(v["source"]), []).append(v)
        for uid, texts in sorted(incoming.items()):
            source_id = self.uids.id("sources", uid)
            if source_id is None:
                continue
            self.doing = f"source {uid}"
            new = restack_versions(self.db, source_id, texts)
            if not new:
                continue
            # Each quote stands in the text now current, as its changes put it or found again (materialize_fact).
            self.touched["fact"].update(u for (u,) in self.db.execute(
                "SELECT uid FROM facts WHERE source_id = ? AND quote IS NOT NULL", [source_id]))
            self.touched["source"].add(uid)
            self.result.count("versions", new)

    def _facts(self) -> None:
        gone = self._deleted()
        for f in sorted(self.work.facts.values(), key=lambda f: (f["created_at"], f["uid"])):
            self.doing = f"fact {f.get('uid')}"
            if self.uids.id("facts", f["uid"]) is not None or f["uid"] in gone:
                continue
            values = _localize({c: f.get(c) for c in FACT_FIELDS}, self.uids)
            if values["actor_id"] is None or values["source_id"] is None:
                raise FactsError(f"fact {f['uid']}: its claimant or source is missing from the work")
            if f.get("superseded_by") and values["superseded_by"] is None:
                values["superseded_by"] = None  # comes later in this sync; its status change brings it
            cursor = self.db.execute(
                f"INSERT INTO facts (id, {', '.join(values)}, created_at, created_by, updated_at, updated_by, uid) "
                f"VALUES ({', '.join('?' * (len(values) + 6))})",
                [self._free_id("facts", f), *values.values(), f["created_at"], f["created_by"], f.get("updated_at"),
                 f.get("updated_by"), f["uid"]])
            self.uids.add("facts", inserted_id(cursor), f["uid"])
            for actor in _localize({"about": f.get("about") or []}, self.uids)["about"]:
                self.db.execute("INSERT OR IGNORE INTO fact_about (fact_id, actor_id) VALUES (?, ?)",
                                [cursor.lastrowid, actor])
            self.touched["fact"].add(f["uid"])
            self.result.count("facts")

    def _deleted(self) -> set[str]:
        """Facts deleted: they come in no more, unless someone annotated or repeated them apart (then the
        fact stays everywhere, as it cannot be deleted where that was done)."""
        gone = {e["record"] for e in self.work.events.values() if e["table"] == "fact" and e["action"] == "delete"}
        held = {a["fact"] for a in self.work.annotations.values()} | {
            (e["new"] or {}).get("repeats") for e in self.work.events.values() if e["table"] == "repeats"}
        return gone - held

    def _annotations(self) -> None:
        known = {u for (u,) in self.db.execute("SELECT uid FROM annotations")}
        for a in sorted(self.work.annotations.values(), key=lambda a: (a["created_at"], a["uid"])):
            self.doing = f"annotation {a.get('uid')}"
            if a["uid"] in known:
                continue
            fact_id = self.uids.id("facts", a["fact"])
            if fact_id is None:
                continue
            cursor = self.db.execute(
                "INSERT INTO annotations (id, fact_id, kind, body, tag, confidence, status, superseded_by, retracts, "
                "author, created_at, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [self._free_id("annotations", a), fact_id, a["kind"], a["body"], a["tag"], a["confidence"], a["status"],
                 self.uids.id("facts", a["superseded_by"]), self.uids.id("annotations", a["retracts"]),
                 a["author"], a["created_at"], a["uid"]])
            self.uids.add("annotations", inserted_id(cursor), a["uid"])
            self.touched["tags"].add(a["fact"])
            self.result.count("annotations")

    def _events(self) -> None:
        known = set()
        for table in ("fact_history", "actor_history", "source_history", "link_history"):
            known |= {u for (u,) in self.db.execute(f"SELECT uid FROM {table}")}
        for e in sorted(self.work.events.values(), key=lambda e: (e["at"], e["uid"])):
            self.doing = f"change {e.get('uid')}"
            if e["uid"] in known:
                continue
            kind = e["table"]
            old = change_json(_localize(e["old"], self.uids)) if e["old"] is not None else None
            new = change_json(_localize(e["new"], self.uids)) if e["new"] is not None else None
            if kind in _HISTORY:
                table, column, records = _HISTORY[kind]
                record_id = self.uids.id(records, e["record"])
                if record_id is None and not (kind == "fact" and e["action"] == "delete"):
                    continue
                row = {"id": self._free_id(table, e), column: record_id or 0, "changed_at": e["at"],
                       "changed_by": e["by"], "old": old or "{}", "new": new if kind == "fact" else new or "{}",
                       "uid": e["uid"], "parents": e["parents"]}
                if kind == "fact":
                    row["action"] = e["action"]
                if kind == "source":
                    row["reason"] = e["reason"]
                self.db.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                                list(row.values()))
                if kind == "fact" and e["action"] == "delete" and record_id:
                    self._delete_fact(record_id)
                    continue
            else:
                subject = self.uids.id("facts" if kind == "repeats" else "actors", e["record"])
                if subject is None:
                    continue
                self.db.execute("INSERT INTO link_history (id, kind, subject_id, changed_at, changed_by, old, new, "
                                "uid, parents) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                [self._free_id("link_history", e), kind, subject, e["at"], e["by"], old, new,
                                 e["uid"], e["parents"]])
            self.touched[kind].add(self.uids.final(e["record"]))
            self.result.count("changes")

    def _delete_fact(self, fact_id: int) -> None:
        try:
            with savepoint(self.db):
                self.db.execute("DELETE FROM facts WHERE id = ?", [fact_id])
        except sqlite3.DatabaseError:
            return  # annotated or repeated here: it stays (and so it comes back where it was deleted)
        self.result.count("deletions")

    def _decisions(self) -> None:
        known = {u for (u,) in self.db.execute("SELECT uid FROM decisions")}
        for d in self.work.decisions.values():
            if d["uid"] not in known:
                self.db.execute("INSERT INTO decisions (uid, kind, subject, take, decided_at, decided_by) "
                                "VALUES (?, ?, ?, ?, ?, ?)", [d["uid"], d["kind"], d["subject"], d["take"],
                                                              d["decided_at"], d["decided_by"]])
                self.result.count("decisions")

    # state made again from records and changes

    def _materialize(self) -> None:
        for uid in sorted(self.touched["fact"]):
            materialize_fact(self.db, self.uids.id("facts", uid))
        for uid in sorted(self.touched["tags"]):
            fact_id = self.uids.id("facts", uid)
            if fact_id is not None:
                tags_again(self.db, fact_id)
        for uid in sorted(self.touched["actor"]):
            actor_id = self.uids.id("actors", uid)
            if actor_id is not None:
                materialize_record(self.db, "actor", actor_id)
        for uid in sorted(self.touched["source"]):
            source_id = self.uids.id("sources", uid)
            if source_id is not None:
                materialize_record(self.db, "source", source_id)
        for uid in sorted(self.touched["repeats"]):
            fact_id = self.uids.id("facts", uid)
            if fact_id is not None:
                repeats_again(self.db, fact_id)
        missing = []
        for uid in sorted(self.touched["speaks_for"]):
            actor_id = self.uids.id("actors", uid)
            if actor_id is not None:
                missing += speaks_for_again(self.db, actor_id)
        for at, actor_id, org, start, end, by in sorted(missing, key=repr):
            self.db.execute("INSERT INTO speaks_for (actor_id, organization_id, date_start, date_end, linked_at, "
                            "linked_by) VALUES (?, ?, ?, ?, ?, ?)", [actor_id, org, start, end, at, by])

    def _merges_here(self) -> None:
        """A row read as another row here is merged into it: its facts (those only here among them) move as
        changes, made here."""
        from .actors import merge_actor_ids
        for went, uid in sorted(self.db.execute("SELECT id, uid FROM actors").fetchall()):
            kept = self.uids.to_id["actors"].get(self.uids.final(uid))
            if kept is None or kept == went:
                continue
            m = self.db.execute("SELECT merged_at, merged_by FROM merged_uids WHERE uid = ? AND merged_at IS NOT NULL "
                                "ORDER BY merged_at LIMIT 1", [uid]).fetchone()
            by, at = (m[1], m[0]) if m else (None, None)
            # The row's own record is kept as merged into the one it joins, so that it can never be the one a
            # later merge leaves standing when no database holds it any more.
            mine = self.db.execute("SELECT name, kind, description, added_at FROM actors WHERE id = ?",
                                   [went]).fetchone()
            self._found_same("actor", uid, self.uids.final(uid),
                             dict(zip(("name", "kind", "description", "added_at"), mine)), keep=self.uids.final(uid))
            merge_actor_ids(self.db, kept, went, by or self.author, at or self.now)
        with triggers_aside(self.db):
            # A record kept although it went into another (each of two actors merged into the other) reads as it
            # was when it went, the first time, wherever it is.
            for actor_id, uid in self.db.execute("SELECT id, uid FROM actors WHERE uid IN "
                                                 "(SELECT uid FROM merged_uids WHERE record IS NOT NULL)").fetchall():
                record = json.loads(self.db.execute(
                    "SELECT record FROM merged_uids WHERE uid = ? AND record IS NOT NULL "
                    "ORDER BY coalesce(merged_at, ''), into_uid LIMIT 1", [uid]).fetchone()[0])
                self.renamed[uid] = record.get("name") or self.renamed.get(uid, "")
                values = {k: record[k] for k in ("kind", "description", "added_at") if record.get(k) is not None
                          or (k == "description" and k in record)}
                if values:
                    self.db.execute(f"UPDATE actors SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
                                    [*values.values(), actor_id])
            for uid, name in sorted(self.renamed.items()):  # once the others are merged, its name is free
                actor_id = self.uids.to_id["actors"].get(uid)
                if actor_id is None or not name:
                    continue
                if self.db.execute("SELECT 1 FROM actors WHERE name = ? AND id <> ?", [name, actor_id]).fetchone():
                    # Another actor holds the name: the same name with the uid's last digits, everywhere alike.
                    name = f"{name[:190]} ({uid[-6:]})"
                self.db.execute("UPDATE actors SET name = ? WHERE id = ?", [name, actor_id])
                materialize_record(self.db, "actor", actor_id)
            self._normalize_aside()

    def _conflicts(self) -> None:
        # The facts changed here since may have settled theirs: they are looked at again too.
        listed = {u for (u,) in self.db.execute("SELECT subject FROM conflicts WHERE kind = 'field'")}
        ids = (self.uids.id("facts", u) for u in self.touched["fact"] | listed)
        found = conflicts_of(self.db, {i for i in ids if i is not None}, self.uids)
        self.result.conflicts = found


def _units_again(db: sqlite_utils.Database, incoming: list[dict], incoming_aside: list[dict]) -> None:
    """Every unit declared the same as another, here, there or set aside, taken again first declared first (a
    decided one before all): what cannot stand beside what came before is set aside."""
    records: dict[str, dict] = {}
    for u in [*db.query("SELECT unit, canonical, added_at, added_by FROM unit_synonyms"),
              *(json.loads(r) for (r,) in db.execute("SELECT record FROM set_aside WHERE kind = 'unit'")),
              *incoming, *incoming_aside]:
        key = _unit_uid(u)
        if key not in records or (u["added_at"], u["added_by"] or "") < (records[key]["added_at"],
                                                                      records[key]["added_by"] or ""):
            records[key] = dict(u)  # declared twice apart: the first declaration
    decided = {d["take"] for d in (_decided(db, "unit", u["unit"].casefold()) for u in records.values()) if d}
    order = sorted(records.items(), key=lambda kv: (kv[0] not in decided, kv[1]["added_at"], kv[0]))
    kept: dict[str, dict] = {}
    aside: dict[str, dict] = {}
    for uid, u in order:
        unit, canonical = u["unit"].casefold(), u["canonical"].casefold()
        if unit in kept or any(k["canonical"].casefold() == unit for k in kept.values()) or canonical in kept:
            aside[uid] = u
        else:
            kept[unit] = u
    db.execute("DELETE FROM unit_synonyms")
    db.execute("DELETE FROM set_aside WHERE kind = 'unit'")
    for u in kept.values():
        db.execute("INSERT INTO unit_synonyms (unit, canonical, added_at, added_by) VALUES (?, ?, ?, ?)",
                   [u["unit"], u["canonical"], u["added_at"], u["added_by"]])
    for uid, u in aside.items():
        db.execute("INSERT INTO set_aside (uid, kind, subject, record) VALUES (?, 'unit', ?, ?)",
                   [uid, u["unit"].casefold(), json.dumps(u, ensure_ascii=False, sort_keys=True)])


# --- materializing -------------------------------------------------------------------------------------

def _events_of(db: sqlite_utils.Database, kind: str, record_id: int) -> list[Event]:
    if kind in _HISTORY:
        table, column, _ = _HISTORY[kind]
        reason = "reason" if kind == "source" else "NULL"
        only = "AND action = 'update'" if kind == "fact" else ""
        rows = db.execute(f"SELECT uid, parents, changed_at, changed_by, old, new, {reason} FROM {table} "
                          f"WHERE {column} = ? {only}", [record_id]).fetchall()
    else:
        rows = db.execute("SELECT uid, parents, changed_at, changed_by, old, new, NULL FROM link_history "
                          "WHERE kind = ? AND subject_id = ?", [kind, record_id]).fetchall()
    return [Event(uid, parents_of(parents), at, by, json.loads(old) if old else {}, json.loads(new) if new else {},
                  extra={"reason": reason}) for uid, parents, at, by, old, new, reason in rows]


def fact_state(db: sqlite_utils.Database, fact_id: int) -> Folded:
    row = db.execute(f"SELECT {', '.join(FACT_FIELDS)} FROM facts WHERE id = ?", [fact_id]).fetchone()
    current = dict(zip(FACT_FIELDS, row))
    current["about"] = sorted(a for (a,) in db.execute("SELECT actor_id FROM fact_about WHERE fact_id = ?", [fact_id]))
    events = _events_of(db, "fact", fact_id)
    # A quote found again as its source's text was stored is the text's doing, not an analyst's: two texts
    # stored apart are one conflict, of the source, not one more for each fact that quotes it.
    storings = set(db.execute("SELECT changed_at, changed_by FROM source_history WHERE source_id = ? AND "
                              "json_extract(new, '$.version') IS NOT NULL", [current["source_id"]]).fetchall())
    for e in events:
        e.derived = (e.at, e.by) in storings and set(e.new) <= set(FIELD_GROUPS["quote"])
    return fold(current, events, FACT_GROUPS)


def _quote_holds(db: sqlite_utils.Database, values: dict) -> bool:
    """Whether a quote stands at its offsets in its source's text (one without offsets always does)."""
    if values["quote_start"] is None:
        return True
    found = db.execute("SELECT 1 FROM sources WHERE id = ? AND substr(text, ? + 1, length(?)) = ?",
                       [values["source_id"], values["quote_start"], values["quote"], values["quote"]]).fetchone()
    return found is not None


def _found_again(db: sqlite_utils.Database, values: dict) -> dict:
    text = db.execute("SELECT text FROM sources WHERE id = ?", [values["source_id"]]).fetchone()[0] or ""
    again = reanchor(text, values["quote"], values["quote_prefix"], values["quote_suffix"], values["quote_start"])
    if again is None:
        return {"quote_start": None, "quote_end": None, "anchored_by": "orphan"}
    anchor, how = again
    return {"quote": anchor.exact, "quote_start": anchor.start, "quote_end": anchor.end,
            "quote_prefix": anchor.prefix, "quote_suffix": anchor.suffix, "anchored_by": how}


def materialize_fact(db: sqlite_utils.Database, fact_id: int | None) -> None:
    """Write a fact's state made again from its values and changes (inside a sync: no new change is made)."""
    if fact_id is None:
        return
    state = fact_state(db, fact_id)
    values = {k: state.values[k] for k in FACT_FIELDS}
    if not _quote_holds(db, values):
        # Its changes put the quote in another version of its source than the one now current (one stored
        # apart, or before a text came from elsewhere): it is found again in the current text, alike everywhere.
        values.update(_found_again(db, values))
    last = state.last
    db.execute(f"UPDATE facts SET {', '.join(f'{c} = ?' for c in values)}"
               f"{', updated_at = ?, updated_by = ?' if last else ''} WHERE id = ?",
               [*values.values(), *((last.at, last.by) if last else ()), fact_id])
    about = state.values.get("about") or []
    stored = sorted(a for (a,) in db.execute("SELECT actor_id FROM fact_about WHERE fact_id = ?", [fact_id]))
    if sorted(about) != stored:
        db.execute("DELETE FROM fact_about WHERE fact_id = ?", [fact_id])
        db.conn.executemany("INSERT OR IGNORE INTO fact_about (fact_id, actor_id) VALUES (?, ?)",
                            [(fact_id, a) for a in about])


def materialize_record(db: sqlite_utils.Database, kind: str, record_id: int) -> None:
    fields = ACTOR_FIELDS if kind == "actor" else SOURCE_FIELDS
    table = "actors" if kind == "actor" else "sources"
    row = db.execute(f"SELECT {', '.join(fields)} FROM {table} WHERE id = ?", [record_id]).fetchone()
    events = _events_of(db, kind, record_id)
    for e in events:  # a source's version changes come with its versions
        e.old = {k: v for k, v in e.old.items() if k in fields}
        e.new = {k: v for k, v in e.new.items() if k in fields}
    state = fold(dict(zip(fields, row)), events, {f: (f,) for f in fields})
    values = {c: state.values[c] for c in fields}
    if state.last is not None:  # who changed it last, and why
        values |= {"updated_at": state.last.at, "updated_by": state.last.by}
        if kind == "source":
            values["change_reason"] = state.last.extra.get("reason")
    try:
        db.execute(f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in values)} WHERE id = ?",
                   [*values.values(), record_id])
    except sqlite3.IntegrityError:  # a name another actor took apart: the name stays as it was here
        values.pop("name")
        db.execute(f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in values)} WHERE id = ?",
                   [*values.values(), record_id])


def tags_again(db: sqlite_utils.Database, fact_id: int) -> None:
    """A fact's tags from every tag, untag and retraction on it, in time order."""
    rows = db.execute("SELECT id, kind, tag, retracts FROM annotations WHERE fact_id = ? ORDER BY created_at, uid",
                      [fact_id]).fetchall()
    kinds = {r[0]: (r[1], r[2]) for r in rows}
    tags: dict[str, str] = {}
    for _, kind, tag, retracts in rows:
        if kind == "retraction" and retracts in kinds:
            kind, tag = {"tag": "untag", "untag": "tag"}.get(kinds[retracts][0], ""), kinds[retracts][1]
        if kind == "tag":
            tags[tag.casefold()] = tag
        elif kind == "untag":
            tags.pop(tag.casefold(), None)
    db.execute("DELETE FROM fact_tags WHERE fact_id = ?", [fact_id])
    db.conn.executemany("INSERT OR IGNORE INTO fact_tags (fact_id, tag) VALUES (?, ?)",
                        [(fact_id, t) for t in sorted(tags.values())])


def repeats_again(db: sqlite_utils.Database, fact_id: int) -> None:
    state = fold({"repeats": None}, [_link_values(e, "repeats") for e in _events_of(db, "repeats", fact_id)],
                 {"repeats": ("repeats",)})
    target = state.values["repeats"]
    db.execute("DELETE FROM fact_repeats WHERE fact_id = ?", [fact_id])
    if target is not None and state.last is not None:
        # A cycle made of two analysts' links stays out; both links stay in the history.
        with suppress(sqlite3.IntegrityError):
            db.execute("INSERT INTO fact_repeats (fact_id, repeats, linked_at, linked_by) VALUES (?, ?, ?, ?)",
                       [fact_id, target, state.last.at, state.last.by])


def _link_values(e: Event, name: str) -> Event:
    e.old = {name: (e.old or {}).get(name)}
    e.new = {name: (e.new or {}).get(name)}
    return e


def speaks_for_again(db: sqlite_utils.Database, actor_id: int) -> list[tuple]:
    """An actor's links to organisations from every change of them; the links missing are returned, to be
    written in the order they were made (the ones there already stay)."""
    links: dict[tuple, tuple] = {}
    for e in in_order(_events_of(db, "speaks_for", actor_id)):
        if e.new:
            key = (e.new.get("organization_id"), e.new.get("date_start"), e.new.get("date_end"))
            links[key] = (e.at, e.by)
        else:
            org = (e.old or {}).get("organization_id")
            links = {k: v for k, v in links.items() if k[0] != org}
    wanted = {key: made for key, made in links.items() if key[0] is not None and key[0] != actor_id}
    for link_id, org, start, end, at, by in db.execute("SELECT id, organization_id, date_start, date_end, linked_at, "
                                                       "linked_by FROM speaks_for WHERE actor_id = ?",
                                                       [actor_id]).fetchall():
        if wanted.get((org, start, end)) == (at, by):
            del wanted[(org, start, end)]  # there already
        else:
            db.execute("DELETE FROM speaks_for WHERE id = ?", [link_id])
    return [(at, actor_id, org, start, end, by) for (org, start, end), (at, by) in wanted.items()]


# --- conflicts -----------------------------------------------------------------------------------------

def conflicts_of(db: sqlite_utils.Database, fact_ids: set[int], uids: _Uids | None = None) -> int:
    """List again every conflict: the fields of the facts given, and every alias, actor, unit, source and
    duplicate (few, and cheap to find). Returns how many are listed."""
    for fact_id in sorted(fact_ids):
        row = db.execute("SELECT uid FROM facts WHERE id = ?", [fact_id]).fetchone()
        if row is None:
            continue
        uid = row[0]
        state = fact_state(db, fact_id)
        db.execute(f"DELETE FROM conflicts WHERE kind = 'field' AND subject = ? AND field NOT IN "
                   f"({', '.join('?' * len(state.conflicts))})", [uid, *state.conflicts])
        if state.conflicts and uids is None:
            uids = _Uids(db)
        for group, heads in state.conflicts.items():
            assert uids is not None
            names = FACT_GROUPS[group]
            sides = [{"uid": h.uid, "by": h.by, "at": h.at, "value": _uidize({n: h.new.get(n) for n in names}, uids)}
                     for h in sorted(heads, key=lambda h: (h.at, h.uid))]
            db.execute(_KEEP_CONFLICT, ["field", uid, group, json.dumps(sides, ensure_ascii=False)])
    _record_conflicts(db, fact_ids)
    return db.execute("SELECT count(*) FROM conflicts").fetchone()[0]


# A conflict listed again keeps its number (facts resolve N); only its sides may change.
_KEEP_CONFLICT = ("INSERT INTO conflicts (kind, subject, field, sides) VALUES (?, ?, ?, ?) "
                  "ON CONFLICT (kind, subject, field) DO UPDATE SET sides = excluded.sides "
                  "WHERE sides IS NOT excluded.sides")


def _decided(db: sqlite_utils.Database, kind: str, subject: str) -> dict | None:
    row = db.execute("SELECT uid, take, decided_at, decided_by FROM decisions WHERE kind = ? AND subject = ? "
                     "ORDER BY decided_at DESC, uid DESC LIMIT 1", [kind, subject]).fetchone()
    return {"uid": row[0], "take": json.loads(row[1]), "at": row[2], "by": row[3]} if row else None


def _record_conflicts(db: sqlite_utils.Database, fact_ids: set[int]) -> None:
    rows = []
    for uid, kind, subject, record in db.execute("SELECT uid, kind, subject, record FROM set_aside ORDER BY uid"):
        if _decided(db, kind, subject):
            continue
        aside = json.loads(record)
        if kind == "alias":
            here = db.execute("SELECT a.uid, ac.uid, a.added_by, a.added_at FROM aliases a JOIN actors ac "
                              "ON ac.id = a.actor_id WHERE a.alias = ?", [subject]).fetchone()
            if here is None or here[1] == aside["actor"]:
                continue
            sides = [{"uid": here[0], "value": here[1], "by": here[2], "at": here[3]},
                     {"uid": uid, "value": aside["actor"], "by": aside.get("added_by"), "at": aside.get("added_at")}]
        elif kind == "unit":
            here = db.execute("SELECT canonical FROM unit_synonyms WHERE unit = ?", [subject]).fetchone()
            if here is None or here[0].casefold() == aside["canonical"].casefold():
                continue
            sides = [{"uid": f"unit:{subject}={here[0].casefold()}", "value": here[0]},
                     {"uid": uid, "value": aside["canonical"]}]
        elif "key" not in aside:
            continue
        else:
            here = db.execute("SELECT uid FROM sources WHERE key = ?", [subject]).fetchone()
            if here is None:
                continue
            sides = [{"uid": here[0], "value": subject}, {"uid": uid, "value": aside["key"]}]
        rows.append((kind, subject, "", sides))
    finals = _finals({(u, i): at or "" for u, i, at in db.execute("SELECT uid, into_uid, merged_at FROM merged_uids")})
    for went, into, record in db.execute("SELECT uid, into_uid, record FROM merged_uids WHERE kind = 'actor' "
                                         "AND merged_at IS NULL ORDER BY uid"):
        keep = finals.get(into, into)
        actor = db.execute("SELECT id, kind FROM actors WHERE uid = ?", [keep]).fetchone()
        gone = json.loads(record or "{}")
        if actor is None or gone.get("kind") in (None, actor[1]):
            continue
        if any("kind" in json.loads(new) for (new,) in db.execute(
                "SELECT new FROM actor_history WHERE actor_id = ?", [actor[0]])):
            continue  # someone has set the kind since
        rows.append(("actor", keep, "kind", [{"uid": keep, "value": actor[1]}, {"uid": went, "value": gone["kind"]}]))
    rows += _text_conflicts(db)
    rows += _duplicates(db)
    rows = list({(k, s, f): (k, s, f, sides) for k, s, f, sides in rows}.values())
    listed = {(k, s, f) for k, s, f, _ in rows}
    for cid, k, s, f in db.execute("SELECT id, kind, subject, field FROM conflicts WHERE kind <> 'field'").fetchall():
        if (k, s, f) not in listed:
            db.execute("DELETE FROM conflicts WHERE id = ?", [cid])
    here = {(k, s, f): sides for k, s, f, sides in db.execute(
        "SELECT kind, subject, field, sides FROM conflicts WHERE kind <> 'field'")}
    written = [(k, s, f, json.dumps(sides, ensure_ascii=False)) for k, s, f, sides in rows]
    db.conn.executemany(_KEEP_CONFLICT, [w for w in written if here.get(w[:3]) != w[3]])


def text_heads(db: sqlite_utils.Database, source_id: int) -> dict[str, int]:
    """The changes that stored (or settled) a source's text no other such change was made on, each with the
    version of the text it made current: two or more with different texts are texts stored apart."""
    versions = dict(db.execute("SELECT sha256, max(version) FROM (SELECT sha256, version FROM source_versions "
                               "WHERE source_id = ? UNION ALL SELECT sha256, version FROM sources WHERE id = ?) "
                               "GROUP BY sha256", [source_id, source_id]).fetchall())
    stored = {(at, by): v + 1 for v, at, by in db.execute(  # a change made before changes named their text
        "SELECT version, stored_at, stored_by FROM source_versions WHERE source_id = ?", [source_id])}
    events = in_order(_events_of(db, "source", source_id))
    version_of = {}
    for e in events:
        if e.new.get("sha256") in versions:
            version_of[e.uid] = versions[e.new["sha256"]]
        elif "version" in e.new and (e.at, e.by) in stored:
            version_of[e.uid] = stored[(e.at, e.by)]
    above = ancestors(events)
    touching = [e.uid for e in events if e.uid in version_of]
    return {u: version_of[u] for u in touching if not any(u in above[o] for o in touching if o != u)}


def _text_conflicts(db: sqlite_utils.Database) -> list[tuple]:
    """Each source with texts stored apart; each side a version, shown where it differs from the other."""
    out = []
    for source_id, uid, current in db.execute("SELECT id, uid, version FROM sources WHERE version > 2").fetchall():
        heads = text_heads(db, source_id)
        if len(set(heads.values())) < 2:
            continue
        texts = dict(db.execute("SELECT version, text FROM source_versions WHERE source_id = ? UNION ALL "
                                "SELECT version, text FROM sources WHERE id = ?", [source_id, source_id]).fetchall())
        order = sorted(heads, key=lambda u: (heads[u], u))
        at_by = {u: (at, by) for u, at, by in db.execute(
            "SELECT uid, changed_at, changed_by FROM source_history WHERE source_id = ?", [source_id])}
        sides = []
        for i, u in enumerate(order):  # each where it differs from the first (the first from the second)
            number = heads[u]
            passage = where_it_differs(texts[number] or "", texts[heads[order[1 if i == 0 else 0]]] or "")
            sides.append({"uid": u, "by": at_by[u][1], "at": at_by[u][0],
                          "value": f"version {number}{' (current)' if number == current else ''}: {passage}"})
        out.append(("source", uid, "text", sides))
    return out


def where_it_differs(text: str, other: str, around: int = 30) -> str:
    """A short passage of `text` around where it differs from `other`, in quotes."""
    start = next((i for i, (a, b) in enumerate(zip(text, other)) if a != b), min(len(text), len(other)))
    same_end = 0  # how many characters both end with, after where they start to differ
    while (same_end < min(len(text), len(other)) - start
           and text[len(text) - same_end - 1] == other[len(other) - same_end - 1]):
        same_end += 1
    end = len(text) - same_end
    left, right = max(0, start - around), min(len(text), max(end, start + 1) + around, start + 4 * around)
    while 0 < left < start and not text[left - 1].isspace():  # whole words
        left += 1
    while right < len(text) and right > end and not text[right].isspace():
        right -= 1
    return f"“{'…' if left else ''}{' '.join(text[left:right].split())}{'…' if right < len(text) else ''}”"


def _duplicates(db: sqlite_utils.Database) -> list[tuple]:
    """Two facts with the same source, quote span, claimant and value, entered by two analysts: one claim
    entered twice apart, unless someone decided they are two or one supersedes the other. (One analyst's own
    facts alike were refused or allowed when entered.) Read in one pass: the decisions once, then each group
    of facts alike with what the pairs need."""
    decided = {s for (s,) in db.execute("SELECT subject FROM decisions WHERE kind = 'duplicate'")}
    out = []
    for (group,) in db.execute(
            "SELECT json_group_array(json_array(id, uid, coalesce(created_by, ''), superseded_by)) FROM facts "
            "WHERE quote IS NOT NULL GROUP BY source_id, actor_id, quote_start, quote_end, value "
            "HAVING count(DISTINCT coalesce(created_by, '')) > 1"):
        members = sorted(json.loads(group), key=lambda m: m[1])
        for i, (a_id, a, a_by, a_over) in enumerate(members):
            for b_id, b, b_by, b_over in members[i + 1:]:
                if a_by != b_by and a_over != b_id and b_over != a_id and f"{a} {b}" not in decided:
                    out.append(("duplicate", a, b, [{"uid": a}, {"uid": b}]))
    return out


# --- entry points --------------------------------------------------------------------------------------

def sync_work(db: sqlite_utils.Database, work: Work, author: str, now: str) -> SyncResult:
    """Take `work` into `db` inside the caller's transaction. A record or change the database refuses (or one
    that is not what its kind holds) raises FactsError naming it; the caller's rollback leaves nothing."""
    sync = _Sync(db, work, author, now)
    try:
        return sync.run()
    except (sqlite3.IntegrityError, KeyError, TypeError, ValueError, AttributeError) as e:
        detail = str(e).splitlines()[0][:200] if str(e) else type(e).__name__
        if isinstance(e, KeyError):
            detail = f"{detail} is missing"
        raise FactsError(f"{sync.doing}: refused, nothing was written ({detail})") from None


def _without_ids(record: dict) -> dict:
    """A record without its local id: the same record has another one in another database."""
    return {k: v for k, v in record.items() if k != "id"}


def content(db: sqlite_utils.Database) -> dict[str, list[str]]:
    """Everything a database holds, every reference a uid and rows in a stable order: two databases that
    have seen the same work have equal content."""
    work = read_work(db)
    uids = _Uids(db)
    out: dict[str, list[str]] = {}

    def rows(name: str, records: Iterable[dict]) -> None:
        out[name] = sorted(json.dumps(_without_ids(r), sort_keys=True, ensure_ascii=False) for r in records)

    rows("actors", work.actors.values())
    rows("aliases", work.aliases.values())
    rows("merged_uids", work.merged.values())
    rows("set_aside", work.set_aside.values())
    rows("decisions", work.decisions.values())
    rows("unit_synonyms", work.units.values())
    rows("sources", work.sources.values())
    rows("source_versions", work.versions.values())
    rows("facts", work.facts.values())
    rows("annotations", work.annotations.values())
    rows("changes", work.events.values())
    rows("fact_tags", ({"fact": uids.uid("facts", f), "tag": t}
                       for f, t in db.execute("SELECT fact_id, tag FROM fact_tags")))
    rows("fact_repeats", ({"fact": uids.uid("facts", f), "repeats": uids.uid("facts", r), "at": at, "by": by}
                          for f, r, at, by in db.execute("SELECT fact_id, repeats, linked_at, linked_by "
                                                         "FROM fact_repeats")))
    rows("speaks_for", ({"actor": uids.uid("actors", a), "organization": uids.uid("actors", o), "from": s, "to": e,
                         "at": at, "by": by} for a, o, s, e, at, by in db.execute(
        "SELECT actor_id, organization_id, date_start, date_end, linked_at, linked_by FROM speaks_for")))
    rows("conflicts", ({"kind": k, "subject": s, "field": f, "sides": json.loads(sides)}
                       for k, s, f, sides in db.execute("SELECT kind, subject, field, sides FROM conflicts")))
    return out
