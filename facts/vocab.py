"""The vocabulary: every list of allowed values, defined once.

Each is a Literal type (for the pydantic models and the type checker) and the
tuple of its values (for click choices, browser selects and messages).
schema.sql repeats the record's lists in its CHECK constraints;
tests/test_schema.py keeps the two equal.
"""

from typing import Literal, get_args

Qualifier = Literal["exact", "approx", "at_least", "at_most", "range"]
Precision = Literal["day", "month", "year"]
Status = Literal["active", "disputed", "retracted", "superseded"]
ActorKind = Literal["person", "organization", "state", "media", "other"]
Reliability = Literal["A", "B", "C", "D", "E", "F"]
AnnotationKind = Literal["note", "tag", "untag", "rate", "status", "flag", "retraction"]
CandidateKind = Literal["quantity", "date", "claimant"]
Decision = Literal["accepted", "rejected"]
# How a quote was found again in a new version of its source (orphan: it was not).
Anchoring = Literal["exact", "context", "fuzzy", "orphan"]
# What `is:` marks in the filter language: facts analysts changed apart or entered twice.
FactMark = Literal["conflicted"]
FACT_MARKS: tuple[str, ...] = get_args(FactMark)
# What a link in link_history is: a fact repeating another, an actor speaking for an organisation.
LinkKind = Literal["repeats", "speaks_for"]
# What a source's text was read from.
MediaType = Literal["text/plain", "text/markdown", "text/html", "application/pdf"]
# How `facts export` and the browser write rows: Datasette's JSON envelope with rows as objects or
# arrays, a bare array, newline-delimited JSON, CSV.
ExportShape = Literal["objects", "arrays", "array", "nl", "csv"]
# What facts can be ordered by, in `facts list --sort` and the browser.
Sort = Literal["id", "date", "claimant", "subject", "value", "unit", "confidence", "source", "status", "annotations"]

# A fact's columns in the groups a change sets together: a quantity, a date span, a quote with its source,
# a status with its reason. A change of one column records its whole group (schema.sql's history trigger),
# and facts sync tells two changes made apart of one group as a conflict.
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "claim": ("claim",), "subject": ("subject",),
    "quantity": ("value", "low", "high", "unit", "qualifier", "as_stated"),
    "date": ("date_start", "date_end", "date_precision"), "stated_on": ("stated_on",), "claimant": ("actor_id",),
    "quote": ("source_id", "quote", "quote_start", "quote_end", "quote_prefix", "quote_suffix", "anchored_by"),
    "confidence": ("confidence",), "credibility": ("credibility",),
    "status": ("status", "status_reason", "superseded_by"),
}
# An actor's and a source's fields change one at a time.
ACTOR_FIELDS = ("name", "kind", "description")
SOURCE_FIELDS = ("title", "publisher", "author", "url", "published", "retrieved", "reliability", "description",
                 "archive_url", "language")
# What facts conflicts lists (schema.sql's conflicts.kind).
ConflictKind = Literal["field", "alias", "actor", "unit", "source", "duplicate"]
CONFLICT_KINDS: tuple[str, ...] = get_args(ConflictKind)
# What two records found to be one can be (schema.sql's merged_uids.kind).
MergedKind = Literal["actor", "alias", "source"]
MERGED_KINDS: tuple[str, ...] = get_args(MergedKind)
# What facts sync sets aside when two analysts gave it two meanings (schema.sql's set_aside.kind).
SetAsideKind = Literal["alias", "unit", "source"]
SET_ASIDE_KINDS: tuple[str, ...] = get_args(SetAsideKind)
# The conflicts a decision settles (the others are settled by a change of the fact or actor).
DecisionKind = Literal["alias", "unit", "source", "duplicate"]
DECISION_KINDS: tuple[str, ...] = get_args(DecisionKind)

QUALIFIERS: tuple[str, ...] = get_args(Qualifier)
PRECISIONS: tuple[str, ...] = get_args(Precision)
STATUSES: tuple[str, ...] = get_args(Status)
ACTOR_KINDS: tuple[str, ...] = get_args(ActorKind)
RELIABILITIES: tuple[str, ...] = get_args(Reliability)
ANNOTATION_KINDS: tuple[str, ...] = get_args(AnnotationKind)
CANDIDATE_KINDS: tuple[str, ...] = get_args(CandidateKind)
DECISIONS: tuple[str, ...] = get_args(Decision)
SORTS: tuple[str, ...] = get_args(Sort)
EXPORT_SHAPES: tuple[str, ...] = get_args(ExportShape)
MEDIA_TYPES: tuple[str, ...] = get_args(MediaType)
ANCHORINGS: tuple[str, ...] = get_args(Anchoring)
LINK_KINDS: tuple[str, ...] = get_args(LinkKind)

# How much a source's Admiralty reliability weighs when compare combines estimates by weight (with the
# fact's confidence); F (cannot be judged) and an unrated source weigh as an even chance.
RELIABILITY_WEIGHTS = {"A": 1.0, "B": 0.8, "C": 0.6, "D": 0.4, "E": 0.2, "F": 0.5, None: 0.5}

# What each kind of source is called on screen.
MEDIA_KIND_NAMES = {"text/plain": "text", "text/markdown": "Markdown", "text/html": "web page",
                    "application/pdf": "PDF"}

# Admiralty code, source reliability.
RELIABILITY_MEANINGS = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}

# Admiralty code, information credibility.
CREDIBILITY_MEANINGS = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}

# ICD 203 expressions of likelihood: word -> (low, high). Entering a word
# stores the middle of its band; showing a number names the band it falls in.
LIKELIHOOD_BANDS = (
    ("almost no chance", 0.01, 0.05),
    ("very unlikely", 0.05, 0.20),
    ("unlikely", 0.20, 0.45),
    ("roughly even chance", 0.45, 0.55),
    ("likely", 0.55, 0.80),
    ("very likely", 0.80, 0.95),
    ("almost certain", 0.95, 0.99),
)

# ICD 203 gives a second word for every band.
LIKELIHOOD_SYNONYMS = {
    "remote": "almost no chance",
    "highly improbable": "very unlikely",
    "improbable": "unlikely",
    "roughly even odds": "roughly even chance",
    "even chance": "roughly even chance",
    "probable": "likely",
    "highly probable": "very likely",
    "nearly certain": "almost certain",
    "almost certainly": "almost certain",
}
# How a table is drawn (--fmt): box lines for reading, or a shape a script reads.
TABLE_STYLES = ("box", "plain", "tsv", "markdown")
