"""Shell completion of what a database holds: actors (names and aliases), source keys, subjects, tags
and the tables and views to export. Read-only, and quiet: a file that is missing, older or not a facts
database completes nothing rather than being created or upgraded."""

import sqlite3
from pathlib import Path

# What each kind completes from: names that start with what is typed, at most 50, in order.
_SQL = {
    "actors": "SELECT name FROM (SELECT name FROM actors UNION SELECT alias FROM aliases) "
              "WHERE name LIKE ? ESCAPE '\\' ORDER BY name LIMIT 50",
    "sources": "SELECT key FROM sources WHERE key LIKE ? ESCAPE '\\' ORDER BY key LIMIT 50",
    # Distinct subjects through the subject index: one step per subject, not one per fact.
    "subjects": "WITH RECURSIVE s(subject) AS (SELECT min(subject) FROM facts UNION ALL "
                "SELECT (SELECT min(subject) FROM facts WHERE subject > s.subject) FROM s WHERE s.subject IS NOT NULL) "
                "SELECT subject FROM s WHERE subject LIKE ? ESCAPE '\\' LIMIT 50",
    "tags": "SELECT DISTINCT tag FROM fact_tags WHERE tag LIKE ? ESCAPE '\\' ORDER BY tag LIMIT 50",
    "tables": "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name LIKE ? ESCAPE '\\' "
              "AND name NOT LIKE 'facts_fts%' AND name NOT IN ('source_originals', 'sqlite_sequence') "
              "ORDER BY name",
}


def complete(db_path: str | Path, kind: str, typed: str) -> list[str]:
    """The names of `kind` in the database that start with `typed` (case aside)."""
    if not Path(db_path).is_file():
        return []
    pattern = typed.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    try:
        conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            return [row[0] for row in conn.execute(_SQL[kind], [pattern])]
        finally:
            conn.close()
    except sqlite3.Error:
        return []
