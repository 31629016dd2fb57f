"""Candidate facts in a text: quantities, dates and claimants, each pinned to its span.

Nothing here becomes a fact: a person accepts, corrects or rejects each
candidate. Spans are code points into the text as stored. Pure Python:
regular expressions, the number words of facts.numbers, and the phrases that
qualify a number (the same table `facts add` reads "about 30,000" with).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import asdict, dataclass, field

from .numbers import (
    CURRENCIES,
    NUMBER_WORDS,
    QUALIFIER_PHRASES,
    TRAILING_PHRASES,
    VAGUE,
    VAGUE_SCALE,
    parse_number,
    parse_quantity,
    strongest,
)

# --- sentences -----------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])|\n+")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        _add_sentence(out, text, pos, m.start())
        pos = m.end()
    _add_sentence(out, text, pos, len(text))
    return out


def _add_sentence(out: list, text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        out.append(Sentence(start, end, text[start:end]))


# --- candidates ----------------------------------------------------------------------------

@dataclass
class Candidate:
    kind: str  # quantity, date, claimant
    text: str
    start: int
    end: int
    sentence: str
    sentence_start: int
    # quantities
    number: str | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    qualifier: str | None = None
    # dates
    date_start: str | None = None
    date_end: str | None = None
    precision: str | None = None
    year_inferred: bool | None = None
    # claimants
    actor: str | None = None
    verb: str | None = None
    claimants: list[str] = field(default_factory=list)  # known actors in the sentence (quantities)

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None and v != []}


# --- numbers ------------------------------------------------------------------------------

_WORDS = "|".join(re.escape(w) for w in NUMBER_WORDS if w not in ("a dozen",))
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s+(?:hundred|thousand|million|billion)\b|(?<=\d)(?:k|m|bn)\b)"
_ONE_NUMBER = rf"(?:(?:{_DIGITS}){_SCALE}?|(?:a\s+)?(?:{_WORDS})(?:[\s-]+(?:{_WORDS}))*\b)"
_NUMBER = re.compile(
    rf"(?<![\w.\-/”’\"')\]])(?:(?:from|between)\s+)?(?P<a>{_ONE_NUMBER})"
    rf"(?:\s*(?:-|–|—|to|or|and)\s*(?P<b>{_ONE_NUMBER}))?(?P<glued>km|kg|mi)?(?![\w\-/]|\.\d|%\w)(?P<pct>\s?%)?",
    re.IGNORECASE)

UNITS = {
    "troops", "soldiers", "servicemen", "personnel", "people", "demonstrators", "protesters", "men", "officers",
    "km", "kilometers", "kilometres", "miles", "meters", "metres", "days", "weeks", "months", "years", "hours",
    "times", "regiments", "battalions", "brigades", "divisions", "units", "fighters", "jets", "aircraft", "planes",
    "helicopters", "tanks", "vehicles", "trains", "missiles", "systems", "airfields", "ranges", "bases", "cases",
    "percent", "%", "prisoners", "casualties", "refugees", "drones", "ships", "guns", "launchers", "weapons",
}
_UNIT_NORMAL = {"kilometers": "km", "kilometres": "km", "percent": "%", "per cent": "%"}
_STOP = {
    "of", "in", "to", "and", "at", "from", "on", "with", "that", "which", "for", "by", "near", "as", "or", "than",
    "have", "has", "had", "are", "is", "was", "were", "will", "would", "could", "should", "may", "might", "be",
    "been", "the", "a", "an", "this", "these", "those", "its", "their", "his", "her", "who", "when", "where",
    "while", "during", "since", "into", "across", "over", "under", "about", "after", "before", "not",
}
_TIME = re.compile(r"\d+[.:]\d+\s*(?:am|pm)\b", re.IGNORECASE)
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"


def _is_year(text: str) -> bool:
    return bool(re.fullmatch(r"(1[89]|20)\d\d", text))


def quantities(text: str, sentence: Sentence, taken: list[tuple[int, int]]) -> list[Candidate]:
    out = []
    base = sentence.start
    s = sentence.text
    for m in _NUMBER.finditer(s):
        a, b = m.group("a"), m.group("b")
        start, end = base + m.start(), base + m.end()
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue  # part of a date
        if not b and _is_year(a):
            continue  # a year: the dates pass reads it
        if _TIME.match(s, m.start("a")):
            continue
        word_only = not re.search(r"\d", m.group(0))
        try:
            low = parse_number(a)
            high = parse_number(b) if b else None
        except ValueError:
            continue
        if word_only and (a.lower() == "one" or not _unit_after(s, m.end(), known_only=low < 3)[0]):
            continue  # "two countries", "one of": a small number word counts a figure only before a known unit
        if high is not None and low >= high:
            continue
        unit, unit_end = _unit_after(s, m.end())
        if m.group("pct"):
            unit, unit_end = "%", m.end()
        elif percent := _PER_CENT.match(s, m.end()):
            unit, unit_end = "%", percent.end()
        sign_start = m.start()
        if currency := _CURRENCY_BEFORE.search(s[:m.start()]):
            unit, sign_start = CURRENCIES[currency.group(1).lower()], currency.start()
        if m.group("glued"):
            unit, unit_end = m.group("glued"), m.end()
        qualifier, q_start = _qualifier_before(s, sign_start)
        trailing, t_end = _qualifier_after(s, unit_end if unit else m.end())
        if b:
            value, qualifier = None, "range"
        else:
            value = low
            qualifier = qualifier or trailing or "exact"
            if re.match(r"\s+times\b", s[m.end():], re.IGNORECASE):
                unit = "times"
        span_start = base + q_start
        span_end = base + max(unit_end if unit else m.end(), t_end or 0)
        lo = low if qualifier in ("exact", "at_least", "range") else None
        hi = (high if b else low) if qualifier in ("exact", "at_most", "range") else None
        out.append(Candidate(
            "quantity", text[span_start:span_end], span_start, span_end, sentence.text, sentence.start,
            number=m.group(0).strip().removesuffix(m.group("glued") or ""), value=value, low=lo, high=hi, unit=unit,
            qualifier=qualifier))
    return out + _vague_amounts(text, sentence, out)


_PER_CENT = re.compile(r"\s*(?:per\s*cent|percent)\b", re.IGNORECASE)
_CURRENCY_BEFORE = re.compile(
    "(" + "|".join(re.escape(c) for c in sorted(CURRENCIES, key=len, reverse=True) if not c.isalpha()) + r")\s?$",
    re.IGNORECASE)
# "tens of thousands of troops", "Hundreds of soldiers": an amount given by its order of magnitude.
_VAGUE_AMOUNT = re.compile(rf"\b({'|'.join(VAGUE)})(?:\s+of\s+({'|'.join(VAGUE_SCALE)}))?\b", re.IGNORECASE)


def _vague_amounts(text: str, sentence: Sentence, found: list[Candidate]) -> list[Candidate]:
    out = []
    s = sentence.text
    for m in _VAGUE_AMOUNT.finditer(s):
        start = sentence.start + m.start()
        if any(c.start <= start < c.end for c in found):
            continue
        try:
            parsed = parse_quantity(m.group(0))
        except ValueError:
            continue
        after = re.match(r"\s+of\b", s[m.end():], re.IGNORECASE)
        unit, unit_end = _unit_after(s, m.end() + after.end()) if after else (None, m.end())
        if unit is None and not (m.start() == 0 or re.match(r"\s+(?:could|would|may|might|will|are|were)\b",
                                                              s[m.end():])):
            continue  # "thousands" alone mid-sentence is rarely a figure
        _, q_start = _qualifier_before(s, m.start())
        end = sentence.start + (unit_end if unit else m.end())
        begin = sentence.start + q_start
        out.append(Candidate("quantity", text[begin:end], begin, end, sentence.text, sentence.start,
                             number=m.group(0), value=None, low=parsed.low, high=parsed.high, unit=unit,
                             qualifier="range"))
    return out


def _qualifier_before(s: str, pos: int) -> tuple[str | None, int]:
    """The qualifier of the phrases right before a number ("up to about": at most) and where they start."""
    found: list[str] = []
    start = pos
    while True:
        before = s[:start].rstrip().lower()
        for phrase, qualifier in QUALIFIER_PHRASES:
            if before.endswith(phrase) and (len(before) == len(phrase) or not before[-len(phrase) - 1].isalnum()):
                found.append(qualifier)
                start = len(before) - len(phrase)
                break
        else:
            break
    return (strongest(found), start) if found else (None, pos)


def _qualifier_after(s: str, pos: int) -> tuple[str | None, int | None]:
    after = s[pos:].lower()
    for phrase, qualifier in TRAILING_PHRASES.items():
        m = re.match(rf"\s+{re.escape(phrase)}\b", after)
        if m:
            return qualifier, pos + m.end()
    return None, None


_UNIT_WORD = re.compile(r"\s+([A-Za-z][\w\-]*|%)")


def _unit_after(s: str, pos: int, known_only: bool = False) -> tuple[str | None, int]:
    """The counted noun after a number: up to five words, ending at the last known unit word."""
    words, ends, cursor = [], [], pos
    if percent := re.match(r"\s*%", s[pos:]):
        return "%", pos + percent.end()
    for _ in range(5):
        m = _UNIT_WORD.match(s, cursor)
        if not m or m.group(1).lower() in _STOP:
            break
        words.append(m.group(1))
        ends.append(m.end())
        cursor = m.end()
    known = [i for i, w in enumerate(words) if w.lower().rstrip(".") in UNITS or w.lower().endswith("ers")]
    if known:
        last = known[-1]
        unit = " ".join(words[: last + 1])
        return _UNIT_NORMAL.get(unit.lower(), unit), ends[last]
    plurals = [i for i, w in enumerate(words[:3]) if w[0].islower() and w.endswith("s")]
    if not known_only and plurals:
        return " ".join(words[: plurals[-1] + 1]), ends[plurals[-1]]  # a plural noun: probably what is counted
    return None, pos


# --- dates ----------------------------------------------------------------------------------

_DAY = r"(?P<{n}>[0-3]?\d)(?:st|nd|rd|th)?"
_DATE_PATTERNS = [
    # 10 to 20 February (2022); a leading "from" stays out of the span
    re.compile(rf"{_DAY.format(n='d1')}\s*(?:-|–|to)\s*{_DAY.format(n='d2')}\s+(?P<month>{_MONTH})"
               rf"(?:,?\s+(?P<year>(?:1[89]|20)\d\d))?\b"),
    # February 10 to 20 (2022)
    re.compile(rf"(?P<month>{_MONTH})\s+{_DAY.format(n='d1')}\s*(?:-|–|to)\s*{_DAY.format(n='d2')}"
               rf"(?:,?\s+(?P<year>(?:1[89]|20)\d\d))?\b"),
    # 9 February 2022 / 9 February
    re.compile(rf"{_DAY.format(n='d1')}\s+(?P<month>{_MONTH})(?:,?\s+(?P<year>(?:1[89]|20)\d\d))?\b"),
    # February 9, 2022 / February 20
    re.compile(rf"(?P<month>{_MONTH})\s+{_DAY.format(n='d1')}(?!\d)(?:,?\s+(?P<year>(?:1[89]|20)\d\d))?\b"),
    # September 2020
    re.compile(rf"(?P<month>{_MONTH})\s+(?P<year>(?:1[89]|20)\d\d)\b"),
    # in October (a month standing alone, after a word that dates it)
    re.compile(rf"(?:(?<=\bin )|(?<=\bsince )|(?<=\buntil )|(?<=\bby )|(?<=\bduring )|(?<=\bearly )|(?<=\blate )"
               rf"|(?<=\bmid-)|(?<=\bend of )|(?<=\bstart of ))(?P<month>{_MONTH})(?!\s+\d)\b"),
    # the August election
    re.compile(rf"(?<=\bthe )(?P<month>{_MONTH})(?=\s+(?:election|elections|vote|referendum|protests|summit|"
               rf"offensive|talks|drills|exercises)\b)"),
    # 1994 (a year standing alone after a word that dates, or before an event)
    re.compile(r"(?:(?<=\bin )|(?<=\bsince )|(?<=\bfrom )|(?<=\buntil )|(?<=\bby )|(?<=\bof )|(?<=\bfor )"
               r"|(?<=\bbefore )|(?<=\bafter )|(?<=\bearly )|(?<=\blate )|(?<=\bmid-))(?P<year>(?:1[89]|20)\d\d)\b"
               r"(?!\s*(?:troops|soldiers|people|km))"),
    re.compile(r"\b(?P<year>(?:1[89]|20)\d\d)(?=\s+(?:presidential|parliamentary|general|local|election|elections|"
               r"protests|referendum|census|campaign|war|crisis|invasion|offensive|exercises|drills)\b)"),
]


def dates(text: str, sentence: Sentence, year: int | None, published: dt.date | None = None) -> list[Candidate]:
    out: list[Candidate] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(sentence.text):
            start, end = sentence.start + m.start(), sentence.start + m.end()
            if any(start < b and a < end for a, b in taken):
                continue
            candidate = _date(m, year)
            if candidate is None:
                continue
            if candidate[3] and published and year is not None and candidate[0] > published + dt.timedelta(days=62):
                # "in November" in a March article: last November, not next.
                candidate = _date(m, year - 1)
                if candidate is None:
                    continue
            first, last, precision, inferred = candidate
            out.append(Candidate("date", text[start:end], start, end, sentence.text, sentence.start,
                                 date_start=first.isoformat(), date_end=last.isoformat(), precision=precision,
                                 year_inferred=inferred))
            taken.append((start, end))
    return sorted(out, key=lambda c: c.start)


def _date(m: re.Match, default_year: int | None) -> tuple[dt.date, dt.date, str, bool] | None:
    groups = m.groupdict()
    year_text = groups.get("year")
    inferred = year_text is None
    year = int(year_text) if year_text else default_year
    if year is None:
        return None
    month_text = groups.get("month")
    try:
        if month_text is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31), "year", False
        month = _MONTHS[month_text.lower().rstrip(".")]
        if groups.get("d1") is None:
            days = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, days), "month", inferred
        first = dt.date(year, month, int(groups["d1"]))
        last = dt.date(year, month, int(groups["d2"])) if groups.get("d2") else first
        if last < first:
            return None
        return first, last, "day", inferred
    except (ValueError, KeyError):
        return None


# --- claimants -------------------------------------------------------------------------------

SPEECH = ("according to", "said", "says", "say", "estimated", "estimates", "estimate", "claimed", "claims", "claim",
          "believes", "believed", "reported", "reports", "announced", "announces", "stated", "states", "told",
          "argued", "argues", "added", "warned", "warns", "asserted", "noted", "wrote", "insisted", "denied")
_SPEECH = re.compile(r"\b(" + "|".join(re.escape(v) for v in SPEECH) + r")\b", re.IGNORECASE)


def claimants(text: str, sentence: Sentence, aliases: dict[str, str], pattern: re.Pattern | None) -> list[Candidate]:
    if pattern is None:
        return []
    verbs = [(m.start(), m.group(1).lower()) for m in _SPEECH.finditer(sentence.text)]
    out = []
    for m in pattern.finditer(sentence.text):
        actor = aliases[m.group(0).casefold()]
        start, end = sentence.start + m.start(), sentence.start + m.end()
        verb = min(verbs, key=lambda v: abs(v[0] - m.start()))[1] if verbs else None
        out.append(Candidate("claimant", text[start:end], start, end, sentence.text, sentence.start,
                             actor=actor, verb=verb))
    return out


def alias_pattern(aliases: dict[str, str]) -> re.Pattern | None:
    """One regex for every alias, longest first, whole words, any case."""
    if not aliases:
        return None
    names = sorted(aliases, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in names) + r")(?!\w)", re.IGNORECASE)


# --- everything ------------------------------------------------------------------------------

def extract(text: str, *, published: str | None = None, aliases: dict[str, str] | None = None) -> list[Candidate]:
    """Every candidate in a text, in order. `aliases`: casefolded alias -> actor name."""
    year = int(published[:4]) if published else _latest_year(text)
    published_day = _day(published)
    aliases = aliases or {}
    pattern = alias_pattern(aliases)
    out: list[Candidate] = []
    for sentence in sentences(text):
        found_dates = dates(text, sentence, year, published_day)
        found_claimants = claimants(text, sentence, aliases, pattern)
        names = list(dict.fromkeys(c.actor for c in found_claimants if c.actor))
        found_quantities = quantities(text, sentence, [(d.start, d.end) for d in found_dates])
        for q in found_quantities:
            q.claimants = names
        out += found_dates + found_claimants + found_quantities
    return sorted(out, key=lambda c: (c.start, c.kind))


def _day(published: str | None) -> dt.date | None:
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published) if len(published) == 10 else None
    except ValueError:
        return None


def _latest_year(text: str) -> int | None:
    years = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", text)]
    return max(years) if years else None


def likely_claimant(found: list[Candidate], sentence: str, sentence_start: int) -> str | None:
    """Who a sentence says is claiming, when an attribution ties an actor to it: the actor right after
    "according to", else the actor right before a speech verb, an apposition between them allowed
    ("Porotnikov, head of the Belarus Security Blog, believes ..."; "..., NATO noted"). An actor merely
    named is no claimant: None."""
    actors = sorted((c for c in found if c.kind == "claimant" and c.sentence_start == sentence_start),
                    key=lambda c: c.start)
    if not actors:
        return None
    ends = {c.end - sentence_start: c for c in actors}
    starts = {c.start - sentence_start: c for c in actors}
    for m in _SPEECH.finditer(sentence):
        if m.group(1).lower() == "according to":
            after = len(sentence[:m.end()]) + len(sentence[m.end():]) - len(sentence[m.end():].lstrip())
            if sentence[after:after + 4].lower() == "the ":
                after += 4
            if after in starts:
                return starts[after].actor
            continue
        before = sentence[:m.start()].rstrip()
        if before.endswith(","):  # an apposition: "Name, head of ..., believes"
            opening = before.rfind(",", max(0, len(before) - 81), len(before) - 1)
            before = sentence[:opening].rstrip() if opening >= 0 else before
        if len(before) in ends:
            return ends[len(before)].actor
    return None


# Who speaks, as a name the text gives before a speech verb or after "according to": capitalised words
# ("Donald Trump said"), or a group ("US officials say").
_GROUP = r"officials|sources|analysts|experts|diplomats|observers|residents|witnesses|activists|authorities"
_NAME = rf"(?:(?:[A-Z][\w'’.\-]*\s+){{0,3}}(?:[A-Z][\w'’.\-]*|{_GROUP}))"
# "Jens Stoltenberg, the NATO chief, warned": an apposition may stand between the name and the verb.
_SPEAKER_BEFORE = re.compile(
    rf"({_NAME})(?:\s*,[^,]{{1,80}},)?\s+(?:{'|'.join(v for v in SPEECH if v != 'according to')})\b")
_SPEAKER_AFTER = re.compile(rf"\b(?i:according to)\s+(?:(?i:the)\s+)?({_NAME})")
_NOT_A_NAME = {"the", "a", "an", "but", "and", "in", "on", "it", "he", "she", "they", "we", "this", "that", "as",
               "yet", "so", "if", "when", "while", "however", "meanwhile", "earlier", "later"}


def speakers(sentence: str) -> list[str]:
    """The names a sentence ties to a speech verb, as written, in order: 'Donald Trump', 'US officials'."""
    names = []
    for m in list(_SPEAKER_AFTER.finditer(sentence)) + list(_SPEAKER_BEFORE.finditer(sentence)):
        words = m.group(1).split()
        while words and words[0].casefold().strip(".,") in _NOT_A_NAME:
            words = words[1:]
        name = " ".join(words).strip(".,’'")
        if name and name not in names:
            names.append(name)
    return names
