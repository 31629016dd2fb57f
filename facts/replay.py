"""Replaying the changes of a full-fidelity file (facts/fidelity.py) in the order they were made: edits of
a fact, new versions of a source, links made or removed, units declared the same. Each is made again with
its own time and author, so the history it leaves is the one it left where it was made; a change already
there (the same file imported again) is not made twice."""

import re

import sqlite_utils

from .actors import resolve_actor
from .errors import FieldProblems
from .models import Source, validated
from .provenance import declare_units, link_repeats, link_speaker, unlink_speaker
from .sources import edit_source, get_source, update_source
from .writing import FACT_COLUMNS, set_about

_UID = re.compile(r"^[0-9a-f]{32}$")


def expect_change(db: sqlite_utils.Database, table: str, record_id: int, change: object) -> None:
    """Leave the uid and parents a change was exported with for the history row it is about to make."""
    if change is None:
        return
    if not isinstance(change, dict) or not _is_uid(change.get("uid")) or not isinstance(change.get("parents"), str) \
            or not all(_is_uid(p) for p in change["parents"].split()):
        raise FieldProblems([("uid", "a change's uid and parents are 32 hex digits each")])
    db.execute("INSERT OR REPLACE INTO pending_change (tbl, record, uid, parents) VALUES (?, ?, ?, ?)",
               [table, record_id, change["uid"], change["parents"]])


def _is_uid(value: object) -> bool:
    return isinstance(value, str) and bool(_UID.match(value))


def _own(data: dict) -> dict | None:
    return {"uid": data["uid"], "parents": data.get("parents") or ""} if data.get("uid") is not None else None


def replay_change(db: sqlite_utils.Database, data: dict, refs: dict, annotation_refs: dict) -> None:
    try:
        _replay(db, data, refs)
    finally:
        db.execute("DELETE FROM pending_change")  # what a change that made nothing left is not another's


def _replay(db: sqlite_utils.Database, data: dict, refs: dict) -> None:
    kind = data["type"]
    if kind == "unit":
        declare_units(db, _text(data, "canonical"), [_text(data, "unit")], data.get("added_by") or "",
                      _text(data, "added_at"))
    elif kind == "edit":
        _edit(db, data, refs)
    elif kind == "source_version":
        _source_version(db, data, refs)
    elif kind == "source_edit":
        _source_edit(db, data)
    elif kind == "link":
        _link(db, data, refs)
    else:  # fact_files.CHANGES names no other
        raise FieldProblems([("type", f"'{kind}' is not a change")])


def _text(data: dict, name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise FieldProblems([(name, "is required")])
    return value


def _fact(refs: dict, ref: object, name: str = "fact") -> int:
    if ref not in refs:
        raise FieldProblems([(name, f"no fact with ref {ref!r} earlier in the import")])
    return refs[ref]


def _edit(db: sqlite_utils.Database, data: dict, refs: dict) -> None:
    fact_id = _fact(refs, data.get("fact"))
    at, by = _text(data, "at"), data.get("by")
    changes = data.get("changes")
    if not isinstance(changes, dict) or not changes:
        raise FieldProblems([("changes", "must be a mapping of the fields changed")])
    values: dict[str, object] = {}
    about: list[int] | None = None
    for name, value in changes.items():
        if name == "actor":
            values["actor_id"] = resolve_actor(db, str(value))
        elif name == "source":
            values["source_id"] = get_source(db, str(value))["id"]
        elif name == "about":
            if not isinstance(value, list):
                raise FieldProblems([("changes.about", "must be a list of actors")])
            about = [resolve_actor(db, str(a)) for a in value]
        elif name == "superseded_by":
            values[name] = None if value is None else _fact(refs, value, "superseded_by")
        elif name in FACT_COLUMNS:
            values[name] = value
        else:
            raise FieldProblems([(f"changes.{name}", "is not a field of a fact")])
    if db.execute("SELECT 1 FROM fact_history WHERE fact_id = ? AND changed_at = ?", [fact_id, at]).fetchone():
        return  # made already: the same file again
    expect_change(db, "fact_history", fact_id, _own(data))
    if about is not None:
        set_about(db, fact_id, about, by or "", at)
    if values:
        db.execute(f"UPDATE facts SET {', '.join(f'{c} = ?' for c in values)}, updated_at = ?, updated_by = ? "
                   "WHERE id = ?", [*values.values(), at, by, fact_id])


def _source_version(db: sqlite_utils.Database, data: dict, refs: dict) -> None:
    key, at = _text(data, "source"), _text(data, "at")
    checked = validated(Source, {"key": key, "title": "a new version", "text": _text(data, "text"),
                                 "media_type": data.get("media_type") or "text/plain",
                                 "page_starts": data.get("page_starts")})
    source = get_source(db, key)
    if source["version"] >= int(data.get("version") or 0) and db.execute(
            "SELECT 1 FROM source_versions WHERE source_id = ? AND stored_at = ?", [source["id"], at]).fetchone():
        return  # made already
    assert checked.text is not None
    expect_change(db, "source_history", source["id"], _own(data))
    anchored = data.get("anchored") or {}
    if not isinstance(anchored, dict):
        raise FieldProblems([("anchored", "must map facts to their changes")])
    for ref, change in anchored.items():
        fact_id = refs.get(int(ref)) if str(ref).isdigit() else None
        if fact_id is not None and isinstance(change, list) and len(change) == 2:
            expect_change(db, "fact_history", fact_id, {"uid": change[0], "parents": change[1]})
    kept = data.get("kept_uid")
    update_source(db, key, checked.text, checked.media_type, checked.page_starts, checked.text.encode("utf-8"),
                  data.get("by") or "", at, data.get("reason"), kept if isinstance(kept, str) else None)


def _made(db: sqlite_utils.Database, kind: str, subject_id: int, at: str) -> bool:
    return db.execute("SELECT 1 FROM link_history WHERE kind = ? AND subject_id = ? AND changed_at = ?",
                      [kind, subject_id, at]).fetchone() is not None


def _source_edit(db: sqlite_utils.Database, data: dict) -> None:
    source, at = get_source(db, _text(data, "source")), _text(data, "at")
    changes = data.get("changes")
    if not isinstance(changes, dict) or not changes:
        raise FieldProblems([("changes", "must be a mapping of the fields changed")])
    if db.execute("SELECT 1 FROM source_history WHERE source_id = ? AND changed_at = ?",
                  [source["id"], at]).fetchone():
        return  # the same file again
    expect_change(db, "source_history", source["id"], _own(data))
    edit_source(db, source["key"], changes, data.get("reason") or "not recorded", data.get("by") or "", at)


def _link(db: sqlite_utils.Database, data: dict, refs: dict) -> None:
    at, by = _text(data, "at"), data.get("by") or ""
    if data.get("kind") == "repeats":
        fact_id = _fact(refs, data.get("fact"))
        if _made(db, "repeats", fact_id, at):
            return  # the same file again
        repeats = data.get("repeats")
        expect_change(db, "link_history", fact_id, _own(data))
        link_repeats(db, fact_id, None if repeats is None else _fact(refs, repeats, "repeats"), by, at, replace=True)
    elif data.get("kind") == "speaks_for":
        actor, organization = _text(data, "actor"), _text(data, "organization")
        if _made(db, "speaks_for", resolve_actor(db, actor), at):
            return
        expect_change(db, "link_history", resolve_actor(db, actor), _own(data))
        if data.get("removed"):
            unlink_speaker(db, actor, organization, by, at)
        else:
            link_speaker(db, actor, organization, data.get("from"), data.get("to"), by, at)
    else:
        raise FieldProblems([("kind", "must be repeats or speaks_for")])
