"""Source documents."""

import datetime as dt
import hashlib
import json

import sqlite_utils
from rapidfuzz import process

from .db import change_json, inserted_id, new_uid, triggers_aside, utc_now
from .display import plural
from .errors import FactsError, FieldProblems
from .models import Source, validated
from .quotes import reanchor

_COMPARED = ("title", "publisher", "author", "url", "published", "retrieved", "reliability", "description", "sha256")


def add_source(db: sqlite_utils.Database, source: Source, author: str, original: bytes | None = None
               ) -> tuple[int, bool]:
    """Store a source: (id, created). The same source again adds nothing; a different one under the same key
    is refused. `original`: the bytes its text was read from (a saved page, a PDF); a text is its own."""
    row = db.execute("SELECT id, " + ", ".join(_COMPARED) + " FROM sources WHERE key = ?", [source.key]).fetchone()
    values = {name: getattr(source, name) for name in _COMPARED}
    values["retrieved"] = source.retrieved.isoformat() if source.retrieved else None
    if row:
        stored = dict(zip(_COMPARED, row[1:]))
        differ = [name for name in _COMPARED if stored[name] != values[name]]
        if differ:  # the source as first added (a full-fidelity file holds it so) is the same source
            first = first_state(db, get_source(db, source.key))
            if any(first[name] != values[name] for name in _COMPARED):
                raise FactsError(f"source '{source.key}' is already stored with a different {', '.join(differ)}")
        return row[0], False
    cursor = db.execute(
        """INSERT INTO sources (key, title, publisher, author, url, published, retrieved, reliability,
                                description, text, sha256, added_by, added_at, media_type, language, archive_url,
                                page_starts, uid)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [source.key, source.title, source.publisher, source.author, source.url, source.published,
         values["retrieved"], source.reliability, source.description, source.text, source.sha256,
         source.added_by or author, source.added_at or utc_now(), source.media_type, source.language,
         source.archive_url, json.dumps(source.page_starts) if source.page_starts else None, source.uid or new_uid()])
    source_id = inserted_id(cursor)
    if original is None and source.text is not None:
        original = source.text.encode("utf-8")
    if original is not None:
        db.execute("INSERT INTO source_originals (source_id, version, media_type, sha256, bytes) "
                   "VALUES (?, 1, ?, ?, ?)", [source_id, source.media_type, hashlib.sha256(original).hexdigest(),
                                              original])
    return source_id, True


def metadata_changes(db: sqlite_utils.Database, source_id: int) -> list[dict]:
    """A source's metadata corrections (facts sources edit), oldest first, without its version changes: each
    source_history row with `old` and `new` of the metadata only."""
    out = []
    for h in db.query("SELECT * FROM source_history WHERE source_id = ? ORDER BY id", [source_id]):
        old = {k: v for k, v in json.loads(h["old"]).items() if k in EDITABLE}
        new = {k: v for k, v in json.loads(h["new"]).items() if k in EDITABLE}
        if new:
            out.append({**h, "old": old, "new": new})
    return out


def first_state(db: sqlite_utils.Database, source: dict) -> dict:
    """A source as first added: its metadata with every correction undone, and its first text."""
    first = dict(source)
    for change in reversed(metadata_changes(db, source["id"])):
        first.update(change["old"])
    text = db.execute("SELECT text, sha256, media_type, page_starts FROM source_versions WHERE source_id = ? "
                      "AND version = 1", [source["id"]]).fetchone()
    if text:
        first.update(zip(("text", "sha256", "media_type", "page_starts"), text))
    return first


def same_text(db: sqlite_utils.Database, source: Source) -> str | None:
    """The key of a stored source with the very same text: usually the same article added twice."""
    row = db.execute("SELECT key FROM sources WHERE sha256 = ? AND key <> ?", [source.sha256, source.key]).fetchone()
    return row[0] if row else None


def original(db: sqlite_utils.Database, key: str, version: int | None = None) -> tuple[bytes, str]:
    """The bytes a source (its current version, or `version`) was read from, and their media type."""
    source = get_source(db, key)
    row = db.execute("SELECT bytes, media_type FROM source_originals WHERE source_id = ? AND version = ?",
                     [source["id"], version or source["version"]]).fetchone()
    if row is None:
        raise FactsError(f"source '{source['key']}' has no original kept for version {version or source['version']}")
    return row[0], row[1]


EDITABLE = ("title", "publisher", "author", "url", "archive_url", "published", "retrieved", "reliability",
            "description", "language")


def edit_source(db: sqlite_utils.Database, key: str, changes: dict[str, object], reason: str, author: str,
                now: str) -> list[str]:
    """Change a source's metadata as typed (checked as a new source's would be; None clears a field);
    source_history keeps old and new, who, when and why. Returns what changed. Runs inside the caller's
    transaction."""
    source = get_source(db, key)
    problems = [] if reason.strip() else [("reason", "say why the metadata changes")]
    try:
        checked = validated(Source, {"key": source["key"], "title": source["title"],
                                     **{k: v for k, v in changes.items() if k in EDITABLE}})
    except FieldProblems as e:
        raise FieldProblems(e.problems + problems) from None
    if problems:
        raise FieldProblems(problems)
    values = {k: getattr(checked, k) for k in EDITABLE if k in changes}
    if isinstance(values.get("retrieved"), dt.date):
        values["retrieved"] = values["retrieved"].isoformat()
    changed = {k: v for k, v in values.items() if source[k] != v}
    if not changed:
        return []
    db.execute(f"UPDATE sources SET {', '.join(f'{c} = ?' for c in changed)}, updated_at = ?, updated_by = ?, "
               "change_reason = ? WHERE id = ?", [*changed.values(), now, author, reason.strip(), source["id"]])
    return list(changed)


def remove_source(db: sqlite_utils.Database, key: str) -> None:
    """Remove a source no fact cites, with its originals and versions; a cited one is refused."""
    source = get_source(db, key)
    cited = db.execute("SELECT count(*) FROM facts WHERE source_id = ?", [source["id"]]).fetchone()[0]
    if cited:
        raise FactsError(f"source '{source['key']}' is cited by {plural(cited, 'fact')}: "
                         "it cannot be removed")
    for table in ("source_originals", "candidate_decisions"):
        db.execute(f"DELETE FROM {table} WHERE source_id = ?", [source["id"]])
    db.execute("DELETE FROM sources WHERE id = ?", [source["id"]])


def replaced_uid(source: dict, new_sha256: str) -> str:
    """The global id of the storing of a new text of a source: made from the source, the version and text it
    replaced and the new text, so that two analysts storing the same text on the same one apart make one
    record of it, and two different texts stay two."""
    made = f"{source['uid']}:{source['version']}:{source['sha256']}:{new_sha256}"
    return hashlib.sha256(made.encode()).hexdigest()[:32]


def update_source(db: sqlite_utils.Database, key: str, text: str, media_type: str, page_starts: list[int] | None,
                  original: bytes, author: str, now: str, reason: str | None = None,
                  kept_uid: str | None = None) -> tuple[int, dict[int, str]]:
    """Store a new version of a source's text; the old one is kept (source_versions). Every fact quoting it
    is anchored again (quotes.reanchor: exact, context, fuzzy) or marked an orphan, each change in its
    history. Returns (the new version, fact id -> how its quote was found: exact, context, fuzzy, orphan).
    Runs inside the caller's transaction."""
    source = get_source(db, key)
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if sha256 == source["sha256"]:
        raise FactsError(f"source '{source['key']}' already has this very text (version {source['version']})")
    version = source["version"] + 1
    db.execute("INSERT INTO source_versions (source_id, version, text, sha256, media_type, page_starts, stored_at, "
               "stored_by, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               [source["id"], source["version"], source["text"], source["sha256"], source["media_type"],
                source["page_starts"], now, author, kept_uid or replaced_uid(source, sha256)])
    with triggers_aside(db):
        db.execute("UPDATE sources SET text = ?, sha256 = ?, media_type = ?, page_starts = ?, version = ?, "
                   "updated_at = ?, updated_by = ?, change_reason = ? WHERE id = ?",
                   [text, sha256, media_type, json.dumps(page_starts) if page_starts else None, version, now, author,
                    reason, source["id"]])
    # The change says which text it stored: two texts stored apart are told apart by it (sync.text_heads).
    db.execute("INSERT INTO source_history (source_id, changed_at, changed_by, reason, old, new) VALUES "
               "(?, ?, ?, ?, ?, ?)", [source["id"], now, author, reason,
                                      change_json({"version": source["version"], "sha256": source["sha256"]}),
                                      change_json({"version": version, "sha256": sha256})])
    db.execute("INSERT INTO source_originals (source_id, version, media_type, sha256, bytes) VALUES (?, ?, ?, ?, ?)",
               [source["id"], version, media_type, hashlib.sha256(original).hexdigest(), original])
    found: dict[int, str] = {}
    quoting = db.execute("SELECT id, quote, quote_prefix, quote_suffix, quote_start FROM facts "
                         "WHERE source_id = ? AND quote IS NOT NULL ORDER BY id", [source["id"]]).fetchall()
    for fact_id, quote, prefix, suffix, start in quoting:
        again = reanchor(text, quote, prefix, suffix, start)
        if again is None:
            found[fact_id] = "orphan"
            db.execute("UPDATE facts SET quote_start = NULL, quote_end = NULL, anchored_by = 'orphan', updated_at = ?, "
                       "updated_by = ? WHERE id = ? AND anchored_by IS NOT 'orphan'", [now, author, fact_id])
            continue
        anchor, how = again
        found[fact_id] = how
        # A fact whose quote is found where it was, as it was, is not changed (nor its time of last change).
        db.execute("UPDATE facts SET quote = ?, quote_start = ?, quote_end = ?, quote_prefix = ?, quote_suffix = ?, "
                   "anchored_by = ?, updated_at = ?, updated_by = ? WHERE id = ? AND (quote IS NOT ? OR quote_start "
                   "IS NOT ? OR quote_end IS NOT ? OR quote_prefix IS NOT ? OR quote_suffix IS NOT ? OR anchored_by "
                   "IS NOT ?)", [anchor.exact, anchor.start, anchor.end, anchor.prefix, anchor.suffix, how, now, author,
                                fact_id, anchor.exact, anchor.start, anchor.end, anchor.prefix, anchor.suffix, how])
    return version, found


def source_versions(db: sqlite_utils.Database, key: str) -> list[dict]:
    """Every version of a source's text, oldest first: version, characters, sha256, when and by whom stored."""
    source = get_source(db, key)
    rows = [dict(r) for r in db.query(
        "SELECT version, length(text) AS characters, sha256, media_type, stored_at AS replaced_at, "
        "stored_by AS replaced_by FROM source_versions WHERE source_id = ? ORDER BY version", [source["id"]])]
    rows.append({"version": source["version"], "characters": len(source["text"] or ""), "sha256": source["sha256"],
                 "media_type": source["media_type"], "replaced_at": None, "replaced_by": None})
    return rows


def get_source(db: sqlite_utils.Database, key: str) -> dict:
    """The source stored under `key`, text included."""
    rows = list(db.query("SELECT * FROM sources WHERE key = ?", [key.strip().lower()]))
    if not rows:
        raise FactsError(f"unknown source '{key}'{_did_you_mean(db, key)}")
    return rows[0]


def _did_you_mean(db: sqlite_utils.Database, key: str) -> str:
    keys = [r[0] for r in db.execute("SELECT key FROM sources")]
    found = process.extract(key.lower(), keys, limit=2, score_cutoff=60)
    return f" (did you mean {' or '.join(k for k, _, _ in found)}?)" if found else ""


def cited_quotes(db: sqlite_utils.Database, source_id: int) -> list[dict]:
    """The facts that quote a source, in the order their quotes stand in its text."""
    return [dict(r) for r in db.query(
        """SELECT id, quote_start, quote_end, claimant, claim, status FROM facts_flat
           WHERE source_id = ? AND quote_start IS NOT NULL ORDER BY quote_start, id""", [source_id])]


def list_sources(db: sqlite_utils.Database) -> list[dict]:
    """Every source with its metadata, kind (format_source_kind), versions, facts and orphaned facts."""
    return [dict(row) for row in db.query(
        """SELECT sources.id, key, title, publisher, author, published, reliability, url, archive_url, media_type,
                  json_array_length(page_starts) AS pages, version AS versions, length(text) AS characters,
                  (SELECT count(*) FROM facts WHERE source_id = sources.id) AS facts,
                  (SELECT count(*) FROM facts WHERE source_id = sources.id AND anchored_by = 'orphan') AS orphans
           FROM sources ORDER BY key""")]
