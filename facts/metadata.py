"""metadata.json for Datasette: descriptions of every column, facets, sorting, search, labels."""

import sqlite_utils

from .errors import FactsError

_FACT_COLUMNS = {
    "id": "The fact's number",
    "claim": "The statement in one sentence",
    "subject": "What is measured; competing claims share it",
    "value": "The best figure (for a range, the stated best if any)",
    "low": "The lower bound (exact: the value; at_least: the value)",
    "high": "The upper bound (exact: the value; at_most: the value)",
    "unit": "What the figure counts or measures: troops, km, ...",
    "qualifier": "exact, approx, at_least, at_most or range",
    "as_stated": "The figure in the source's words",
    "date_start": "First day the claim holds (ISO date)",
    "date_end": "Last day the claim holds (ISO date)",
    "date_precision": "day, month or year: how precisely the source dates it",
    "stated_on": "When the claimant said it: YYYY, YYYY-MM or YYYY-MM-DD",
    "actor_id": "The claimant (actors.id)",
    "source_id": "The document (sources.id)",
    "quote": "The exact words in the source",
    "quote_start": "Where the quote starts in the source text (code points)",
    "quote_end": "Where the quote ends in the source text (code points)",
    "quote_prefix": "Up to 32 characters before the quote, to find it again",
    "quote_suffix": "Up to 32 characters after the quote, to find it again",
    "confidence": "Likelihood that the claim is true, 0..1 (ICD 203: likely = 0.55-0.80)",
    "credibility": "Admiralty information credibility: 1 confirmed ... 6 cannot be judged",
    "status": "active, disputed, retracted or superseded",
    "status_reason": "Why the status is what it is",
    "superseded_by": "The fact that supersedes this one (facts.id)",
    "created_at": "When the fact was entered (UTC)",
    "created_by": "Who entered it",
    "updated_at": "When it last changed (UTC)",
    "updated_by": "Who changed it last",
    "anchored_by": "How the quote was found in a new version of its source: exact, context, fuzzy, or orphan",
    "uid": "Its global id, made where it was created: exports and sync match it across databases",
}

DESCRIPTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "facts": ("One claim by one claimant in one source.", _FACT_COLUMNS),
    "facts_flat": ("One row per fact with the names of its claimant and source: the thing to query or export.", {
        **{k: v for k, v in _FACT_COLUMNS.items() if k not in ("quote_prefix", "quote_suffix")},
        "claimant": "Who claims it (canonical name)",
        "claimant_kind": "person, organization, state, media or other",
        "about": "The actors the claim is about, as a JSON array (empty: none)",
        "source": "The source's key",
        "source_title": "The source's title",
        "source_publisher": "Who published the source",
        "source_published": "When the source was published",
        "source_reliability":
            "Admiralty source reliability: A completely reliable ... E unreliable, F cannot be judged",
        "tags": "Current tags, as a JSON array (empty: none)",
        "annotation_count": "Number of annotations on the fact",
        "quote_page": "The PDF page the quote starts on (from 1); empty for other sources",
        "conflicted": "1 when analysts changed one of its fields apart or entered it twice (facts conflicts)",
    }),
    "sources": ("The documents facts are read in, with their full text.", {
        "id": "The source's number",
        "key": "A short name for the source",
        "title": "The document's title",
        "publisher": "Who published it",
        "author": "Who wrote it",
        "url": "Where it was found",
        "published": "When it was published: YYYY, YYYY-MM or YYYY-MM-DD",
        "retrieved": "When it was retrieved",
        "reliability": "Admiralty source reliability: A completely reliable ... E unreliable, F cannot be judged",
        "description": "What the document is",
        "text": "The full text; quote offsets count code points into it",
        "sha256": "sha256 of the text encoded as UTF-8",
        "added_at": "When it was added (UTC)",
        "added_by": "Who added it",
        "media_type": "What the text was read from: text/plain, text/markdown, text/html or application/pdf",
        "language": "The document's language, as it says (en, ru, ...)",
        "archive_url": "A web archive's copy of the page",
        "page_starts": "A PDF: where each page's text starts, as a JSON array of character offsets",
        "version": "The text's version: 1 as first added, one more for each new version stored",
        "updated_at": "When its metadata or text last changed (UTC)",
        "updated_by": "Who last changed it",
        "change_reason": "Why it last changed",
        "uid": "Its global id, made where it was created: exports and sync match it across databases",
    }),
    "source_originals": ("The bytes each version of a source was read from (a saved page, a PDF, a text).", {
        "source_id": "The source (sources.id)",
        "version": "Which version of its text",
        "media_type": "What the bytes are",
        "sha256": "sha256 of the bytes",
        "bytes": "The file as it was added",
    }),
    "source_versions": ("Earlier versions of a source's text, kept when a new one is stored.", {
        "source_id": "The source (sources.id)",
        "version": "Which version",
        "text": "The text of that version",
        "sha256": "sha256 of that text",
        "media_type": "What it was read from",
        "page_starts": "A PDF: where each page's text started",
        "stored_at": "When it was replaced by a newer version (UTC)",
        "stored_by": "Who stored the newer version",
        "uid": "Its global id, made where it was created: exports and sync match it across databases",
    }),
    "source_history": ("Every change of a source's metadata or version: old and new values, who, when, why.", {
        "id": "The change's number",
        "source_id": "The source (sources.id)",
        "changed_at": "When (UTC)",
        "changed_by": "Who",
        "reason": "Why, as the person said",
        "old": "The changed fields before, as a JSON object",
        "new": "The changed fields after, as a JSON object",
        "uid": "The change's global id: sync matches it across databases",
        "parents": "The changes it was made on (uids, space-separated; the record's uid for its first change)",
    }),
    "actors": ("Claimants and those claims are about.", {
        "id": "The actor's number",
        "name": "The canonical name",
        "kind": "person, organization, state, media or other",
        "description": "Who or what the actor is",
        "added_at": "When it was added (UTC)",
        "updated_at": "When its name, kind or description was last corrected (UTC)",
        "updated_by": "Who last corrected it",
        "uid": "Its global id, made where it was created: exports and sync match it across databases",
    }),
    "actor_history": ("Every correction of an actor: old and new values of what changed.", {
        "id": "The change's number",
        "actor_id": "The actor that changed (actors.id)",
        "changed_at": "When (UTC)",
        "changed_by": "Who (when the writer said)",
        "old": "The changed fields (name, kind, description) before, as a JSON object",
        "new": "The changed fields after, as a JSON object",
        "uid": "The change's global id: sync matches it across databases",
        "parents": "The changes it was made on (uids, space-separated; the record's uid for its first change)",
    }),
    "aliases": ("Every spelling that names an actor (case-insensitive; the canonical name too).", {
        "alias": "A spelling",
        "actor_id": "The actor it names (actors.id)",
        "uid": "Its global id, made where it was created: exports and sync match it across databases",
        "added_at": "When it was given (UTC); empty for aliases older than schema 6",
        "added_by": "Who gave it",
    }),
    "fact_repeats": ("Facts that relay another fact (an outlet repeating a claim already recorded).", {
        "fact_id": "The fact that repeats (facts.id)",
        "repeats": "The fact it repeats (facts.id)",
        "linked_at": "When the link was made (UTC)",
        "linked_by": "Who made it",
    }),
    "speaks_for": ("Actors that speak for an organisation (a spokesman for a ministry), between dates.", {
        "id": "The link's number",
        "actor_id": "The actor that speaks (actors.id)",
        "organization_id": "The organisation it speaks for (actors.id)",
        "date_start": "The first day it holds (empty: always)",
        "date_end": "The last day it holds (empty: until now)",
        "linked_at": "When the link was made (UTC)",
        "linked_by": "Who made it",
    }),
    "link_history": ("Every change of a repeats or speaks-for link: append-only.", {
        "id": "The change's number",
        "kind": "repeats or speaks_for",
        "subject_id": "The fact that repeats, or the actor that speaks",
        "changed_at": "When (UTC)",
        "changed_by": "Who",
        "old": "The link before, as a JSON object (empty when it was made)",
        "new": "The link after, as a JSON object (empty when it was removed)",
        "uid": "The change's global id: sync matches it across databases",
        "parents": "The changes it was made on (uids, space-separated; the record's uid for its first change)",
    }),
    "unit_synonyms": ("Units declared the same as another, read as that one by facts compare.", {
        "unit": "A unit as written (soldiers)",
        "canonical": "The unit it is read as (troops)",
        "added_at": "When it was declared (UTC)",
        "added_by": "Who declared it",
    }),
    "fact_origins": ("Each fact with its origin: what it repeats, followed to the end, and the actor that counts "
                     "as its source.", {
        "fact_id": "The fact (facts.id)",
        "origin_fact": "The fact it repeats, followed to the end; itself when it repeats none",
        "hops": "How many repeats lead there",
        "claimant_id": "The origin fact's claimant (actors.id)",
        "origin_actor_id": "The actor it counts as: the organisation the claimant spoke for then, else the claimant",
        "origin": "That actor's name",
        "unit": "The fact's unit read through unit_synonyms",
    }),
    "fact_about": ("The actors a fact is about.", {
        "fact_id": "The fact (facts.id)",
        "actor_id": "An actor it is about (actors.id)",
    }),
    "annotations": ("Notes, tags, re-ratings and status changes: append-only.", {
        "id": "The annotation's number",
        "fact_id": "The fact it is on (facts.id)",
        "kind": "note, tag, untag, rate, status or flag",
        "body": "The note, or the reason for a re-rating, status or flag",
        "tag": "The tag (tag and untag)",
        "confidence": "The new confidence (rate)",
        "status": "The new status (status)",
        "superseded_by": "The superseding fact (status superseded)",
        "retracts": "The annotation a retraction withdraws (annotations.id)",
        "author": "Who wrote it",
        "created_at": "When (UTC)",
        "uid": "Its global id, made where it was created: exports and sync match it across databases",
    }),
    "fact_tags": ("Current tags, kept from tag and untag annotations.", {
        "fact_id": "The fact (facts.id)",
        "tag": "The tag",
    }),
    "fact_history": ("Every change to a fact: old and new values of the columns that changed.", {
        "id": "The change's number",
        "fact_id": "The fact that changed",
        "action": "update or delete",
        "changed_at": "When (UTC)",
        "changed_by": "Who (when the writer said)",
        "old": "The changed columns before, as a JSON object",
        "new": "The changed columns after, as a JSON object (none for a delete)",
        "uid": "The change's global id: sync matches it across databases",
        "parents": "The changes it was made on (uids, space-separated; the record's uid for its first change)",
    }),
    "candidate_decisions": ("What a person decided about a candidate facts extract proposed.", {
        "id": "The decision's number",
        "source_id": "The source the candidate was found in (sources.id)",
        "kind": "quantity, date or claimant",
        "start": "Where the candidate starts in the source text (code points)",
        "end": "Where it ends",
        "text": "The candidate's words",
        "decision": "accepted or rejected",
        "fact_id": "The fact made from an accepted candidate (facts.id)",
        "author": "Who decided",
        "decided_at": "When (UTC)",
    }),
    "pending_change": ("Holds a change's uid and parents only while a full-fidelity import makes it again.", {
        "tbl": "The history table the change goes to",
        "record": "The fact, actor, source or link subject it is about (its id)",
        "uid": "The change's global id",
        "parents": "The changes it was made on",
    }),
    "sync_applying": ("Holds a row only while facts sync writes another analyst's work.", {
        "one": "Always 1",
    }),
    "merged_uids": ("Two records found to be one: an actor merged into another, or a record added twice apart.", {
        "uid": "The record that went",
        "into_uid": "The record it became",
        "kind": "actor, alias or source",
        "merged_at": "When (UTC); empty when sync found two records to be one",
        "merged_by": "Who",
        "record": "The record as it was, as JSON",
    }),
    "set_aside": ("A record given another meaning apart (an alias, a unit, a source key), set aside until decided.", {
        "uid": "The record's global id",
        "kind": "alias, unit or source",
        "subject": "The alias, unit or source key it clashed on",
        "record": "The record as JSON",
    }),
    "conflicts": ("What analysts' work apart left to decide (facts conflicts), kept by facts sync.", {
        "id": "The conflict's number here (facts resolve takes it)",
        "kind": "field, alias, actor, unit, source or duplicate",
        "subject": "The uid of the fact, actor or source; the alias or unit itself",
        "field": "For a field: which (a group of columns)",
        "sides": "Each side as JSON: value, who, when, the uid of the change",
    }),
    "decisions": ("Decisions on conflicts that change no fact or actor: an alias, a unit, a source key, a duplicate.", {
        "uid": "The decision's global id",
        "kind": "alias, unit, source or duplicate",
        "subject": "What it decides about",
        "take": "What was decided, as JSON",
        "decided_at": "When (UTC)",
        "decided_by": "Who",
    }),
    "schema_log": ("Each schema version this file has had: made at one, upgraded to the next.", {
        "id": "The entry's number",
        "version": "The schema version reached",
        "from_version": "The version upgraded from (empty: the file was made at this version)",
        "changed_at": "When (UTC)",
        "backup": "The copy of the file kept before the upgrade",
    }),
    "subject_spread": ("Where claims disagree: the spread of the figures on a subject, in one unit, within one "
                       "period (a calendar year, or a span of years). Periods where the figures agree are left out.", {
        "subject": "What is measured",
        "unit": "In what",
        "period": "The calendar year the claims hold for, or their span of years (1992–2021)",
        "claims": "Claims with a figure in this period",
        "claimant_count": "Different claimants",
        "lowest": "The lowest bound or value claimed",
        "highest": "The highest bound or value claimed",
        "ratio": "highest / lowest",
        "first_date": "The earliest day any claim holds",
        "last_date": "The latest day any claim holds",
        "claimants": "Who made the claims, as a JSON array",
    }),
    "annotations_flat": ("Every annotation with the fact it is on.", {
        "id": "The annotation's number",
        "fact_id": "The fact it is on",
        "kind": "note, tag, untag, rate, status or flag",
        "body": "The note or reason",
        "tag": "The tag",
        "confidence": "The new confidence (rate)",
        "status": "The new status",
        "superseded_by": "The superseding fact",
        "author": "Who wrote it",
        "created_at": "When (UTC)",
        "claim": "The fact's claim",
        "subject": "The fact's subject",
        "claimant": "The fact's claimant",
        "source": "The fact's source key",
    }),
}

_SEARCH = {"fts_table": "facts_fts", "fts_pk": "id"}
_EXTRA: dict[str, dict[str, object]] = {
    # Five values a facet: the table stays on the first screen.
    # Tags are an array: Datasette's facet of them (?_facet_array=tags) took 750 ms at 100,000 facts, more than the
    # others together; the plugin's (?_facet_tag=tags, in the table's menu) counts them from fact_tags.
    "facts_flat": {"facets": ["claimant", "subject", "unit", "status"], "facet_size": 5,
                   "sort": "id",
                   "sortable_columns": ["id", "date_start", "claimant", "subject", "value", "confidence", "source",
                                        "status", "annotation_count"], **_SEARCH},
    "facts": {"facets": ["subject", "unit", "status"], "facet_size": 5, "sort": "id",
              "sortable_columns": ["id", "date_start", "subject", "value", "confidence", "status"], **_SEARCH},
    "subject_spread": {"facets": ["unit"], "sort_desc": "ratio",
                       "sortable_columns": ["subject", "period", "claims", "lowest", "highest", "ratio"]},
    "annotations_flat": {"facets": ["kind", "author"]},
    "actors": {"label_column": "name", "facets": ["kind"]},
    "sources": {"label_column": "title", "facets": ["reliability", "publisher"]},
}


# Canned queries: what analysts ask of a collection, one link each on the database's page.
QUERIES = {
    "subjects_that_disagree": {
        "title": "Subjects whose claims disagree most",
        "description": "Subject, unit and period, the lowest and highest figure claimed and their ratio, where "
                       "two or more claimants disagree.",
        "sql": "SELECT subject, unit, period, claims, claimant_count, lowest, highest, ratio, claimants "
               "FROM subject_spread WHERE claimant_count > 1 ORDER BY ratio DESC, claims DESC",
    },
    "claims_of_a_claimant": {
        "title": "A claimant's claims over time",
        "description": "Every fact a claimant made, by any name or alias it goes by, oldest first.",
        "sql": "SELECT id, date_start, date_end, subject, value, low, high, qualifier, unit, claim, source, status "
               "FROM facts_flat WHERE actor_id = (SELECT actor_id FROM aliases WHERE alias = :claimant) "
               "ORDER BY date_start, id",
    },
    "rerated_facts": {
        "title": "Re-rated facts",
        "description": "Facts whose confidence was changed after they were entered: from what, to what, by whom "
                       "and when.",
        "sql": "SELECT h.fact_id, f.claimant, f.claim, json_extract(h.old, '$.confidence') AS was, "
               "json_extract(h.new, '$.confidence') AS now, h.changed_by, h.changed_at FROM fact_history h "
               "JOIN facts_flat f ON f.id = h.fact_id WHERE json_extract(h.new, '$.confidence') IS NOT NULL "
               "ORDER BY h.changed_at DESC",
    },
}


def build_metadata(db: sqlite_utils.Database, database: str, *, title: str, description: str | None = None,
                   source: str | None = None, source_url: str | None = None, license: str | None = None,
                   license_url: str | None = None) -> dict:
    """metadata.json for `datasette DB -m metadata.json`; every column of every table and view described."""
    tables: dict[str, dict] = {}
    for name in [t for t in db.table_names() if not t.startswith("facts_fts")] + db.view_names():
        if name not in DESCRIPTIONS:
            raise FactsError(f"no description for table or view '{name}'")
        text, columns = DESCRIPTIONS[name]
        actual = [c.name for c in db[name].columns]
        missing = [c for c in actual if c not in columns]
        if missing:
            raise FactsError(f"no description for {name}.{missing[0]}")
        tables[name] = {"description": text, "columns": {c: columns[c] for c in actual}, **_EXTRA.get(name, {})}
    meta = {"title": title,
            "description": description or "Who claimed what number, about what, as of when, in which source, "
                                          "and how far to trust it.",
            "databases": {database: {"tables": tables, "queries": QUERIES}}}
    for key, value in (("source", source), ("source_url", source_url), ("license", license),
                       ("license_url", license_url)):
        if value:
            meta[key] = value
    return meta
