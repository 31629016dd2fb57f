"""Allowed values of the record.

schema.sql repeats these lists in its CHECK constraints; tests/test_schema.py
keeps the two equal.
"""

QUALIFIERS = ("exact", "approx", "at_least", "at_most", "range")
PRECISIONS = ("day", "month", "year")
STATUSES = ("active", "disputed", "retracted", "superseded")
ACTOR_KINDS = ("person", "organization", "state", "media", "other")
RELIABILITIES = ("A", "B", "C", "D", "E", "F")
ANNOTATION_KINDS = ("note", "tag", "untag", "rate", "status", "flag", "retraction")
CANDIDATE_KINDS = ("quantity", "date", "claimant")
DECISIONS = ("accepted", "rejected")

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
