"""Candidates of a source: extracted, minus those a person already decided, and draft fact files."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import sqlite_utils
import yaml

from .dates import span_text
from .errors import FactsError
from .extract import (
    Candidate,
    extract,
    figure_claimant,
    figure_date,
    in_sentence,
    likely_claimant,
    next_sentence,
    speakers,
)
from .files import read_file
from .numbers import TRAILING_PHRASES, parse_quantity
from .sources import get_source
from .vocab import CANDIDATE_KINDS


@dataclass
class Document:
    key: str | None  # the source key, or None for a text file not stored
    source_id: int | None
    text: str
    published: str | None
    publisher: str | None = None  # proposed as the claimant of a figure the text attributes to no one


def load_document(db: sqlite_utils.Database | None, target: str, published: str | None = None) -> Document:
    """A stored source by key, or a text file (UTF-8)."""
    path = Path(target)
    if path.exists():
        raw = read_file(path)
        if b"\x00" in raw[:8192]:
            raise FactsError(f"{target}: a binary file, not text")
        try:
            text = raw.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as e:
            raise FactsError(f"{target}: not valid UTF-8 (byte {e.start})") from None
        return Document(None, None, text, published)
    if db is None:
        raise FactsError(f"{target}: no such file, and no database to look up a source key in")
    try:
        source = get_source(db, target)
    except FactsError:
        if "/" in target or path.suffix:  # meant as a file, not a source key
            raise FactsError(f"{target}: no such file (nor a source key)") from None
        raise
    if not source["text"]:
        raise FactsError(f"source '{source['key']}' has no stored text")
    return Document(source["key"], source["id"], source["text"], published or source["published"],
                    source["publisher"])


def known_aliases(db: sqlite_utils.Database | None) -> dict[str, str]:
    """Alias as written -> canonical actor name."""
    if db is None:
        return {}
    return dict(db.execute(
        "SELECT aliases.alias, actors.name FROM aliases JOIN actors ON actors.id = aliases.actor_id"))


def candidates(db: sqlite_utils.Database | None, doc: Document, *, kinds: tuple[str, ...] = CANDIDATE_KINDS,
               include_decided: bool = False) -> list[Candidate]:
    """The candidates of a document, without those already decided or entered as facts (unless asked)."""
    found = [c for c in extract(doc.text, published=doc.published, aliases=known_aliases(db)) if c.kind in kinds]
    if include_decided or db is None or doc.source_id is None:
        return found
    decided = _decisions(db, doc, found)
    return [c for c in found if (c.kind, c.start, c.end) not in decided]


def _decisions(db: sqlite_utils.Database, doc: Document, found: list[Candidate]) -> dict[tuple[str, int, int], str]:
    """(kind, start, end) -> accepted or rejected, for a stored source: a person's decision in the inbox,
    or a fact entered by any route (the form, facts add, an import) that quotes the figure."""
    decided = {(k, s, e): d for k, s, e, d in db.execute(
        "SELECT kind, start, end, decision FROM candidate_decisions WHERE source_id = ?", [doc.source_id])}
    quoted = db.execute("SELECT quote_start, quote_end, value, low, high FROM facts "
                        "WHERE source_id = ? AND quote_start IS NOT NULL", [doc.source_id]).fetchall()
    if quoted:
        for c in found:
            if c.kind == "quantity" and (c.kind, c.start, c.end) not in decided and _entered(c, quoted):
                decided[(c.kind, c.start, c.end)] = "accepted"
    return decided


def _entered(c: Candidate, quoted: list[tuple]) -> bool:
    """Whether a stored fact stands for a figure: its quote holds the figure's span and it has one of the
    figure's numbers; the other figures of a quoted sentence stay pending."""
    numbers = {c.value, c.low, c.high} - {None}
    return any(start <= c.start and c.end <= end and numbers & {v, lo, hi} for start, end, v, lo, hi in quoted)


def decide(db: sqlite_utils.Database, doc: Document, candidate: Candidate, decision: str, author: str,
           fact_id: int | None = None) -> None:
    """Record that a person accepted (as a fact) or rejected a candidate; deciding again replaces it."""
    if doc.source_id is None:
        raise FactsError("decisions are kept for stored sources only: add the text with facts sources add")
    db.execute("""INSERT INTO candidate_decisions (source_id, kind, start, end, text, decision, fact_id, author)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                  ON CONFLICT (source_id, kind, start, end) DO UPDATE SET
                      decision = excluded.decision, fact_id = excluded.fact_id, author = excluded.author,
                      decided_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')""",
               [doc.source_id, candidate.kind, candidate.start, candidate.end, candidate.text, decision, fact_id,
                author])


def inbox(db: sqlite_utils.Database, doc: Document, kinds: tuple[str, ...] = ("quantity",)
          ) -> tuple[list[Candidate], dict[str, int]]:
    """The undecided candidates of a source (every kind: figures need their dates and claimants) and the
    accepted / rejected / pending counts of `kinds`, from one reading of the text."""
    every = candidates(db, doc, include_decided=True)
    decided = _decisions(db, doc, every)
    pending = [c for c in every if (c.kind, c.start, c.end) not in decided]
    spans = {(c.kind, c.start, c.end) for c in every if c.kind in kinds}
    counts = {d: sum(1 for span, made in decided.items() if made == d and span in spans)
              for d in ("accepted", "rejected")}
    counts["pending"] = len(spans) - counts["accepted"] - counts["rejected"]
    return pending, counts


DECIDE = "DECIDE"  # marks a field the person must fill in before importing


def _date_text(candidate: Candidate) -> str:
    """A date candidate as a record writes its date: '2022-02', '2022-02-10/2022-02-20'."""
    c = candidate
    if c.date_start is None or c.date_end is None or c.precision is None:
        raise ValueError(f"a {c.kind} candidate has no date")
    return span_text(c.date_start, c.date_end, c.precision)


@dataclass
class Draft:
    """What a fact form or a draft file is filled with, for a figure or a passage of a source: the record
    (fields the text gives; DECIDE where a person must), and what to offer beside it."""

    record: dict
    source_key: str | None
    span: tuple[int, int]  # the passage, in code points of the source text
    actors: list[str] = field(default_factory=list)  # known actors the sentence names: suggestions
    new_actors: list[str] = field(default_factory=list)  # speakers the text names that are not actors yet
    date_assumed: bool = False  # the date is the publication's: the sentence gives none
    date_resolved: bool = False  # the date is read from words relative to the publication date ("on Monday")
    claimant_assumed: bool = False  # the claimant is the publisher: the text attributes the figure to no one
    # how the text writes a known actor when not by its name ("Officials" for "Pakistani officials", an alias)
    written_as: dict[str, str] = field(default_factory=dict)


QUOTE_MAX = 300  # characters: a longer sentence is cut to the clause holding the figure
_CLAUSE_BREAK = re.compile(r"[;:—–]\s|,\s")
_QUOTE_MARKS = "\"“”„«»"


def draft_fact(doc: Document, q: Candidate, found: list[Candidate]) -> Draft:
    """A fact from a quantity candidate, filled from the text: the quote is the sentence (or clause)
    holding the figure, the quantity the text's own words, the unit the counted noun, the date the
    sentence gives for it (else the publication date, marked assumed), the claimant an attribution ties
    to it (in its sentence or the next), else the publisher when the text names no speaker."""
    sentence = in_sentence(found, q.sentence_start)
    quote_start, quote = _clause(q.sentence, q.start - q.sentence_start, q.end - q.sentence_start)
    held = figure_date(found, q, doc.text)
    date, assumed = (_date_text(held), False) if held else (doc.published or DECIDE, bool(doc.published))
    after = q.sentence_start + len(q.sentence)
    following = next_sentence(doc.text, after)
    claimant = figure_claimant(found, q, following, doc.text)
    known = _known_speakers(found, q.sentence_start)
    new_speakers = [n for n in speakers(q.sentence) if n.casefold() not in known]
    # The publisher speaks for a figure the text gives no speaker for (not for one of a speaker it names but
    # the collection does not know yet: that is the person's to decide).
    by_publisher = claimant is None and not new_speakers and bool(doc.publisher)
    claimant = claimant or (doc.publisher if by_publisher else None)
    record = {
        "claim": _claim(q.sentence),
        "subject": DECIDE,
        "quantity": _quantity(q),
        "unit": counted_noun(q.unit) if q.unit else DECIDE,
        "date": date,
        "actor": claimant or DECIDE,
        "source": doc.key or DECIDE,
        "quote": quote,
        "quote_start": q.sentence_start + quote_start,
        "confidence": DECIDE,
    }
    named = {c.text: c.actor for c in sentence if c.kind == "claimant" and c.actor}
    written_as = {actor: text for text, actor in named.items() if actor.casefold() != text.casefold()}
    return Draft(record, doc.key, (q.start, q.end), list(dict.fromkeys(named.values())),
                 new_speakers, assumed, date_resolved=bool(held and held.resolved_from),
                 claimant_assumed=by_publisher, written_as=written_as)


def _known_speakers(found: list[Candidate], sentence_start: int) -> set[str]:
    """The spellings of known actors in a sentence, casefolded (a speaker named so is no new actor)."""
    named = [c for c in in_sentence(found, sentence_start) if c.kind == "claimant"]
    return {c.text.casefold() for c in named} | {c.actor.casefold() for c in named if c.actor}


def _clause(sentence: str, start: int, end: int) -> tuple[int, str]:
    """(offset, text) of the sentence, or of the clause around start..end when the sentence is long."""
    a, b = 0, len(sentence)
    if b - a > QUOTE_MAX:
        breaks = list(_CLAUSE_BREAK.finditer(sentence))
        before = [m.end() for m in breaks if m.end() <= start]
        after = [m.start() for m in breaks if m.start() >= end]
        # Widen clause by clause while the quote stays short; the figure's own clause always counts.
        a = before.pop() if before else 0
        b = after.pop(0) if after else len(sentence)
        while before and b - before[-1] <= QUOTE_MAX:
            a = before.pop()
        while after and after[0] - a <= QUOTE_MAX:
            b = after.pop(0)
    text = sentence[a:b]
    # A quotation mark at an edge that is not closed inside is not part of the words quoted.
    while text and text[0] in _QUOTE_MARKS and not any(ch in text[1:] for ch in _QUOTE_MARKS):
        text, a = text[1:], a + 1
    while text and text[-1] in _QUOTE_MARKS and not any(ch in text[:-1] for ch in _QUOTE_MARKS):
        text = text[:-1]
    stripped = text.lstrip()
    return a + len(text) - len(stripped), stripped.rstrip()


def _claim(sentence: str) -> str:
    """The sentence as a claim: one line, without quotation marks left open or closed alone."""
    text = " ".join(sentence.split())
    pairs = (("„", "“"),) if "„" in text else (("“", "”"),)  # German quotes close with the English opener
    for opening, closing in (*pairs, ("«", "»")):
        if text.count(opening) != text.count(closing):
            text = text.replace(opening, "").replace(closing, "")
    if text.count('"') % 2:
        text = text.replace('"', "")
    text = text.strip(" " + _QUOTE_MARKS)
    return text if len(text) <= 2000 else DECIDE


def _quantity(q: Candidate) -> str | dict:
    """The figure in the text's own words ("between 10,000 and 15,000"), when the parser reads those words
    as the extraction did; else the reading itself, with the words as stated."""
    number_at = q.text.find(q.number or "")
    words = q.text[:number_at + len(q.number or "")] if number_at >= 0 else q.text
    trailing = next((p for p in TRAILING_PHRASES if q.text.lower().endswith(" " + p)), None)
    if trailing and not words.lower().endswith(trailing):  # "three or four days at maximum"
        words += " " + q.text[-len(trailing):]
    if q.unit == "%" and "%" not in words:
        words = q.text  # "69.25 per cent": the words say the unit
    words = " ".join(words.split()).strip(" ,")
    try:
        parsed = parse_quantity(words)
    except ValueError:
        parsed = None
    if parsed is not None and not parsed.rest and (parsed.qualifier, parsed.value, parsed.low, parsed.high) == (
            q.qualifier, q.value, q.low, q.high):
        return words
    return {k: v for k, v in (("value", q.value), ("low", q.low), ("high", q.high), ("qualifier", q.qualifier),
                              ("as_stated", words or q.number)) if v is not None}


# Words before the counted noun that say which or how many, not what is counted.
_NOT_THE_NOUN = {"additional", "more", "new", "extra", "other", "further", "some", "many", "several", "about",
                 "around", "roughly", "estimated", "total", "active", "armed", "regular"}


def counted_noun(unit: str) -> str:
    """'Russian troops' -> 'troops'; 'military personnel' stays; 'additional soldiers' -> 'soldiers'."""
    words = unit.split()
    while len(words) > 1 and (words[0][:1].isupper() or words[0].casefold() in _NOT_THE_NOUN):
        words = words[1:]
    return " ".join(words)


def draft(doc: Document, found: list[Candidate]) -> dict:
    """A draft fact file: one fact per quantity candidate, filled where known, DECIDE where not."""
    return {"facts": [d.record for d in drafts(doc, found)]}


def drafts(doc: Document, found: list[Candidate]) -> list[Draft]:
    return [draft_fact(doc, q, found) for q in found if q.kind == "quantity"]


def write_draft(doc: Document, found: list[Candidate], out: IO[str]) -> int:
    """The draft file: each fact with a comment above it where a field was not read from its own words."""
    made = drafts(doc, found)
    out.write(f"# Draft facts from {doc.key or 'a text file'}: edit every {DECIDE}, check the rest, delete what\n"
              f"# is not a fact, then: facts import THIS_FILE\n")
    out.write("facts:\n" if made else "facts: []\n")
    for d in made:
        for note in draft_notes(d):
            out.write(f"# {note}\n")
        yaml.safe_dump([d.record], out, sort_keys=False, allow_unicode=True, width=100)
    return len(made)


# Why a drafted field holds what the text did not state outright: the draft file's comments and the form's
# hints under its fields.
WHY_DATE_ASSUMED = "the publication's date: the passage gives none"
WHY_DATE_RESOLVED = "inferred: words relative to the publication date"
WHY_CLAIMANT_ASSUMED = "the publisher: the text attributes the figure to no one"


def draft_notes(d: Draft) -> list[str]:
    """What a person should check first in a draft: fields the text did not state outright."""
    notes = []
    if d.date_assumed:
        notes.append(f"date: {WHY_DATE_ASSUMED}")
    elif d.date_resolved:
        notes.append(f"date: {WHY_DATE_RESOLVED}")
    if d.claimant_assumed:
        notes.append(f"actor: {WHY_CLAIMANT_ASSUMED}")
    return notes


def draft_from_passage(db: sqlite_utils.Database, key: str, start: int, end: int) -> Draft:
    """A fact for a passage a person picked in a source: the passage as the quote, with the figure, date
    and claimant the extraction finds in it (as draft_fact fills them); DECIDE where it finds none."""
    doc = load_document(db, key)
    if not 0 <= start < end <= len(doc.text):
        raise FactsError(f"characters {start}-{end} are not in source '{key}'")
    passage = doc.text[start:end]
    every = extract(doc.text, published=doc.published, aliases=known_aliases(db))
    found = [c for c in every if start <= c.start and c.end <= end]
    figures = [c for c in found if c.kind == "quantity"]
    if figures:
        draft = draft_fact(doc, figures[0], every)
    else:
        dates = [c for c in found if c.kind == "date"]
        claimant = likely_claimant(found, passage, start) if found else None
        record = {"claim": DECIDE, "subject": DECIDE,
                  "date": _date_text(dates[0]) if dates else (doc.published or DECIDE),
                  "actor": claimant or DECIDE, "source": doc.key, "confidence": DECIDE}
        known = {c.actor.casefold() for c in found if c.kind == "claimant" and c.actor} | \
            {c.text.casefold() for c in found if c.kind == "claimant"}
        draft = Draft(record, doc.key, (start, end),
                      list(dict.fromkeys(c.actor for c in found if c.kind == "claimant" and c.actor)),
                      [n for n in speakers(passage) if n.casefold() not in known],
                      not dates and bool(doc.published))
    draft.record.update(quote=passage.strip(), quote_start=start + len(passage) - len(passage.lstrip()),
                        claim=_claim(passage))
    draft.span = (start, end)
    return draft
