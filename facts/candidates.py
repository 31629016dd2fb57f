"""Candidates of a source: extracted, minus those a person already decided, and draft fact files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO

import sqlite_utils
import yaml

from .dates import span_text
from .errors import FactsError
from .extract import Candidate, extract, likely_claimant
from .sources import get_source
from .vocab import CANDIDATE_KINDS


@dataclass
class Document:
    key: str | None  # the source key, or None for a text file not stored
    source_id: int | None
    text: str
    published: str | None


def load_document(db: sqlite_utils.Database | None, target: str, published: str | None = None) -> Document:
    """A stored source by key, or a text file (UTF-8)."""
    path = Path(target)
    if path.is_file():
        raw = path.read_bytes()
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
    return Document(source["key"], source["id"], source["text"], published or source["published"])


def known_aliases(db: sqlite_utils.Database | None) -> dict[str, str]:
    """casefolded alias -> canonical actor name."""
    if db is None:
        return {}
    return {alias.casefold(): name for alias, name in db.execute(
        "SELECT aliases.alias, actors.name FROM aliases JOIN actors ON actors.id = aliases.actor_id")}


def candidates(db: sqlite_utils.Database | None, doc: Document, *, kinds: tuple[str, ...] = CANDIDATE_KINDS,
               include_decided: bool = False) -> list[Candidate]:
    """The candidates of a document, without those already accepted or rejected (unless asked)."""
    found = [c for c in extract(doc.text, published=doc.published, aliases=known_aliases(db)) if c.kind in kinds]
    if include_decided or db is None or doc.source_id is None:
        return found
    decided = _decisions(db, doc)
    return [c for c in found if (c.kind, c.start, c.end) not in decided]


def _decisions(db: sqlite_utils.Database, doc: Document) -> dict[tuple[str, int, int], str]:
    """(kind, start, end) -> accepted or rejected, for a stored source."""
    return {(k, s, e): d for k, s, e, d in db.execute(
        "SELECT kind, start, end, decision FROM candidate_decisions WHERE source_id = ?", [doc.source_id])}


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
    decided = _decisions(db, doc)
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


def draft_fact(doc: Document, q: Candidate, found: list[Candidate]) -> dict:
    """A fact record from a quantity candidate: filled where the text says, DECIDE where a person must."""
    in_sentence = [d for d in found if d.kind == "date" and d.sentence_start == q.sentence_start]
    date = _date_text(in_sentence[0]) if in_sentence else (doc.published or DECIDE)
    quantity = {k: v for k, v in (("value", q.value), ("low", q.low), ("high", q.high),
                                   ("qualifier", q.qualifier), ("as_stated", q.number)) if v is not None}
    return {
        "claim": q.sentence if len(q.sentence) <= 2000 else DECIDE,
        "subject": DECIDE,
        "quantity": quantity,
        "unit": q.unit or DECIDE,
        "date": date,
        "actor": likely_claimant(found, q.sentence, q.sentence_start) or DECIDE,
        "source": doc.key or DECIDE,
        "quote": q.text,
        "quote_start": q.start,
        "confidence": DECIDE,
    }


def draft(doc: Document, found: list[Candidate]) -> dict:
    """A draft fact file: one fact per quantity candidate, filled where known, DECIDE where not."""
    return {"facts": [draft_fact(doc, q, found) for q in found if q.kind == "quantity"]}


def write_draft(doc: Document, found: list[Candidate], out: IO[str]) -> int:
    data = draft(doc, found)
    out.write(f"# Draft facts from {doc.key or 'a text file'}: edit every {DECIDE}, check the rest, delete what\n"
              f"# is not a fact, then: facts import THIS_FILE\n")
    yaml.safe_dump(data, out, sort_keys=False, allow_unicode=True, width=100)
    return len(data["facts"])


def draft_from_passage(db: sqlite_utils.Database, key: str, start: int, end: int) -> dict:
    """A fact record for a passage a person picked in a source: the passage as the quote, with the figure,
    date and claimant the extraction assistant finds in it; DECIDE where it finds none."""
    doc = load_document(db, key)
    if not 0 <= start < end <= len(doc.text):
        raise FactsError(f"characters {start}-{end} are not in source '{key}'")
    passage = doc.text[start:end]
    found = [c for c in extract(doc.text, published=doc.published, aliases=known_aliases(db))
             if start <= c.start and c.end <= end]
    figures = [c for c in found if c.kind == "quantity"]
    if figures:
        record = draft_fact(doc, figures[0], found)
    else:
        dates = [c for c in found if c.kind == "date"]
        claimant = likely_claimant(found, doc.text[start:end], start) if found else None
        record = {"claim": DECIDE, "subject": DECIDE,
                  "date": _date_text(dates[0]) if dates else (doc.published or DECIDE),
                  "actor": claimant or DECIDE, "source": doc.key, "confidence": DECIDE}
    one_line = " ".join(passage.split())
    record.update(quote=passage, quote_start=start, claim=one_line if len(one_line) <= 2000 else DECIDE)
    return record
