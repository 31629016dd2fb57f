"""Annotations: notes, tags, re-ratings and status changes, appended with author and time."""

import sqlite_utils
from pydantic import ValidationError

from . import db as db_module
from .db import transaction
from .entry import FieldProblems
from .errors import FactsError
from .models import Annotation, describe_errors


def annotate(db: sqlite_utils.Database, **fields) -> int:
    """Append one annotation (validated) and return its id; rate and status also change the fact."""
    try:
        annotation = Annotation.model_validate(fields)
    except ValidationError as e:
        raise FieldProblems(describe_errors(e)) from None
    with transaction(db):
        for fact_id in {annotation.fact_id, annotation.superseded_by} - {None}:
            if not db.execute("SELECT 1 FROM facts WHERE id = ?", [fact_id]).fetchone():
                raise FactsError(f"no fact #{fact_id}")
        if annotation.kind == "untag" and not db.execute(
                "SELECT 1 FROM fact_tags WHERE fact_id = ? AND tag = ?", [annotation.fact_id, annotation.tag]).fetchone():
            raise FactsError(f"fact #{annotation.fact_id} has no tag '{annotation.tag}'")
        cursor = db.execute(
            """INSERT INTO annotations (fact_id, kind, body, tag, confidence, status, superseded_by, author,
                                       created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [annotation.fact_id, annotation.kind, annotation.body, annotation.tag, annotation.confidence,
             annotation.status, annotation.superseded_by, annotation.author, db_module.utc_now()])
        return cursor.lastrowid
