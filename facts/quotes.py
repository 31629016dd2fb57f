"""Anchoring a quote in its source text (W3C text quote + position selectors)."""

import re
from dataclasses import dataclass

CONTEXT = 32  # characters of prefix/suffix kept for re-anchoring


@dataclass(frozen=True)
class Anchor:
    start: int  # code points into the text
    end: int
    exact: str  # the text as it stands in the source
    prefix: str
    suffix: str


def find_quote(text: str, quote: str, start: int | None = None) -> Anchor:
    """Where `quote` stands in `text`. Runs of white space may differ; nothing else may."""
    if start is not None:
        for found in _occurrences(text, quote):
            if found[0] == start:
                return _anchor(text, *found)
        starts = [s for s, _ in _occurrences(text, quote)]
        where = f"; it occurs at {', '.join(map(str, starts))}" if starts else ""
        raise ValueError(f"the quote is not at {start} in the source{where}")
    places = _occurrences(text, quote)
    if not places:
        raise ValueError("does not occur in the source text")
    if len(places) > 1:
        raise ValueError(f"occurs {len(places)} times in the source text (at {', '.join(str(s) for s, _ in places)}): "
                         "give quote_start or a longer quote")
    return _anchor(text, *places[0])


def _occurrences(text: str, quote: str) -> list[tuple[int, int]]:
    exact = []
    i = text.find(quote)
    while i != -1:
        exact.append((i, i + len(quote)))
        i = text.find(quote, i + 1)
    if exact:
        return exact
    words = quote.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def _anchor(text: str, start: int, end: int) -> Anchor:
    return Anchor(start, end, text[start:end], text[max(0, start - CONTEXT):start], text[end:end + CONTEXT])


def paragraph_around(text: str, start: int, end: int) -> tuple[str, int, int]:
    """The paragraph holding text[start:end], and the span's offsets within it."""
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    if para_end == -1:
        para_end = len(text)
    return text[para_start:para_end], start - para_start, end - para_start


FUZZY_LEAST = 85  # least similarity (0-100) of a passage to a quote for it to count as the quote, reworded


def reanchor(text: str, quote: str, prefix: str | None, suffix: str | None, old_start: int | None
             ) -> tuple[Anchor, str] | None:
    """Find a quote again in a new version of its text, in the W3C text-quote way: the exact quote (the
    occurrence nearest its old place), else the quote between its stored prefix and suffix, else a passage
    that reads like it near its old place. (Anchor, how: exact, context or fuzzy), or None: an orphan."""
    places = _occurrences(text, quote)
    if places:
        near = min(places, key=lambda p: abs(p[0] - (old_start or 0)))
        return _anchor(text, *near), "exact"
    if prefix and suffix:
        before, after = text.find(prefix), -1
        while before != -1:
            after = text.find(suffix, before + len(prefix))
            if after != -1 and after - (before + len(prefix)) <= 2 * len(quote) + CONTEXT:
                start, end = before + len(prefix), after
                if start < end:
                    return _anchor(text, start, end), "context"
            before = text.find(prefix, before + 1)
    from rapidfuzz import fuzz
    window = max(len(quote) * 3, 2000)
    origin = old_start or 0
    lo, hi = max(0, origin - window), min(len(text), origin + len(quote) + window)
    found = fuzz.partial_ratio_alignment(quote, text[lo:hi], score_cutoff=FUZZY_LEAST)
    if found is None:
        found = fuzz.partial_ratio_alignment(quote, text, score_cutoff=FUZZY_LEAST)
        lo = 0
    if found is None:
        return None
    start, end = lo + found.dest_start, lo + found.dest_end
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():  # whole words only
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (_anchor(text, start, end), "fuzzy") if start < end else None
