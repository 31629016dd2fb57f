"""Annotations: notes, tags, re-ratings and status changes, appended with author and time."""

import sqlite3

import sqlite_utils

from . import db as db_module
from .db import inserted_id, transaction
from .errors import FactsError
from .models import Annotation, validated


def annotate(db: sqlite_utils.Database, **fields) -> int:
    """Append one annotation (validated) and return its id; rate and status also change the fact."""
    return annotate_all(db, [fields])[0]


def annotate_all(db: sqlite_utils.Database, many: list[dict]) -> list[int]:
    """Append several annotations, all validated first, in one transaction: every one or none."""
    annotations = [validated(Annotation, fields) for fields in many]
    with transaction(db):
        return [insert_annotation(db, annotation)[0] for annotation in annotations]


_COLUMNS = ("fact_id", "kind", "body", "tag", "confidence", "status", "superseded_by", "retracts", "author",
            "created_at")


def insert_annotation(db: sqlite_utils.Database, annotation: Annotation) -> tuple[int, bool]:
    """Append a validated annotation inside the caller's transaction: (id, created).

    The same annotation again (same fact, kind, contents, author and time) is not added twice.
    """
    for fact_id in {annotation.fact_id, annotation.superseded_by} - {None}:
        if not db.execute("SELECT 1 FROM facts WHERE id = ?", [fact_id]).fetchone():
            raise FactsError(f"no fact #{fact_id}")
    values = [getattr(annotation, c) for c in _COLUMNS[:-1]] + [annotation.created_at or db_module.utc_now()]
    same = db.execute("SELECT id FROM annotations WHERE " + " AND ".join(f"{c} IS ?" for c in _COLUMNS),
                      values).fetchone()
    if same:
        return same[0], False
    if annotation.kind == "untag" and not db.execute(
            "SELECT 1 FROM fact_tags WHERE fact_id = ? AND tag = ?", [annotation.fact_id, annotation.tag]).fetchone():
        raise FactsError(f"fact #{annotation.fact_id} has no tag '{annotation.tag}'")
    uid = annotation.uid or db_module.new_uid()
    cursor = db.execute(f"INSERT INTO annotations ({', '.join(_COLUMNS)}, uid) "
                        f"VALUES ({', '.join('?' * len(_COLUMNS))}, ?)", [*values, uid])
    return inserted_id(cursor), True


def retract(db: sqlite_utils.Database, annotation_id: int, author: str, reason: str | None = None) -> int:
    """Withdraw an annotation by appending a retraction; what it did (a tag, a re-rating, a status) is undone."""
    row = db.execute("SELECT fact_id FROM annotations WHERE id = ?", [annotation_id]).fetchone()
    if row is None:
        raise FactsError(f"no annotation #{annotation_id}")
    try:
        return annotate(db, fact_id=row[0], kind="retraction", retracts=annotation_id, body=reason, author=author)
    except sqlite3.IntegrityError as e:
        raise FactsError(str(e).removeprefix("annotations.retracts: ")) from None
