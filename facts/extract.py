"""Candidate facts in a text: quantities, dates and claimants, each pinned to its span.

Nothing here becomes a fact: a person accepts, corrects or rejects each
candidate. Spans are code points into the text as stored. Pure Python:
regular expressions, the number words of facts.numbers, and the phrases that
qualify a number (the same table `facts add` reads "about 30,000" with).
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from .numbers import (
    CURRENCIES,
    NUMBER_WORDS,
    QUALIFIER_PHRASES,
    SCALE_WORDS,
    TRAILING_PHRASES,
    VAGUE,
    VAGUE_SCALE,
    bounds,
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


# A full stop that ends an abbreviation, not a sentence: "Feb. 14", "Lt. Gen. Petrov", "the U.S. Army".
_ABBREVIATION = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|Gov|Sen|Rep|Prof|Rev|St|No|Nos|Vol)"
                           r"|\b(?:[A-Z]\.){1,3}[A-Z])\.$")
_MONTH_ABBREVIATION = re.compile(r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$")


def sentences(text: str) -> list[Sentence]:
    return list(each_sentence(text))


def next_sentence(text: str, position: int) -> Sentence | None:
    """The first sentence from `position` on, in the text's positions."""
    first = next(each_sentence(text[position:position + 600]), None)
    return Sentence(position + first.start, position + first.end, first.text) if first else None


def each_sentence(text: str) -> Iterator[Sentence]:
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if "\n" not in m.group(0) and (_ABBREVIATION.search(text, max(0, m.start() - 8), m.start()) or (
                _MONTH_ABBREVIATION.search(text, max(0, m.start() - 6), m.start())
                and text[m.end():m.end() + 1].isdigit())):
            continue
        if sentence := _sentence(text, pos, m.start()):
            yield sentence
        pos = m.end()
    if sentence := _sentence(text, pos, len(text)):
        yield sentence


def _sentence(text: str, start: int, end: int) -> Sentence | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(start, end, text[start:end]) if start < end else None


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
    resolved_from: str | None = None  # the publication date a relative date ("on Monday") was read from
    # claimants
    actor: str | None = None
    verb: str | None = None
    claimants: list[str] = field(default_factory=list)  # known actors in the sentence (quantities)

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None and v != []}


class Found(list):
    """An extraction's candidates, in order, with those of each sentence at hand: a draft asks for its
    figure's sentence, the one before it and the one after it, for every figure."""

    def _index(self) -> None:
        """Group the candidates by sentence, anew if the list has changed (and forget what was remembered)."""
        if getattr(self, "_size", None) != len(self):
            self._by_sentence: dict[int, list[Candidate]] = {}
            for c in self:
                self._by_sentence.setdefault(c.sentence_start, []).append(c)
            self._starts = sorted(self._by_sentence)
            self._remembered: dict[tuple, Any] = {}
            self._size = len(self)

    def in_sentence(self, start: int) -> list[Candidate]:
        self._index()
        return self._by_sentence.get(start, [])

    def remember(self, key: tuple, read: Callable[[], Any]) -> Any:
        """What `read` gives, read once while the candidates stay as they are."""
        self._index()
        if key not in self._remembered:
            self._remembered[key] = read()
        return self._remembered[key]

    def sentence_before(self, start: int) -> int | None:
        """The start of the last sentence with candidates before the one starting at `start`."""
        self._index()
        i = bisect.bisect_left(self._starts, start)
        return self._starts[i - 1] if i > 0 else None


def in_sentence(found: list[Candidate], start: int) -> list[Candidate]:
    """The candidates of the sentence starting at `start`."""
    return found.in_sentence(start) if isinstance(found, Found) else [c for c in found if c.sentence_start == start]


# --- numbers ------------------------------------------------------------------------------

_WORDS = "|".join(re.escape(w) for w in NUMBER_WORDS if w not in ("a dozen",))
_DIGITS = r"\d+,\d{1,2}(?=\s?%)|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"  # a comma decimal only before %
_SCALE = rf"(?:[\s-]+(?:{'|'.join(SCALE_WORDS)})\b|(?<=\d)(?:k|m|bn|tn)\b)"  # "12-hundred" too
_ONE_NUMBER = rf"(?:(?:{_DIGITS}){_SCALE}?|(?:a\s+)?(?:{_WORDS})(?:[\s-]+(?:{_WORDS}))*\b)"
_NUMBER = re.compile(
    rf"(?<![\w.\-/”’')\]])(?<!\d:)(?:(?:from|between)\s+)?(?P<a>{_ONE_NUMBER})"
    rf"(?:\s*(?:-to-|-|–|—|to|or|and)\s*(?P<b>{_ONE_NUMBER}))?(?P<glued>km|kg|mi|-magnitude)?(?P<plus>-plus\b|\+)?"
    rf"(?![\w\-/]|\.\d|%\w)(?P<pct>\s?%)?",
    re.IGNORECASE)

UNITS = {
    "troops", "soldiers", "servicemen", "personnel", "people", "demonstrators", "protesters", "men", "officers",
    "km", "kilometers", "kilometres", "miles", "meters", "metres", "days", "weeks", "months", "years", "hours",
    "times", "regiments", "battalions", "brigades", "divisions", "units", "fighters", "jets", "aircraft", "planes",
    "helicopters", "tanks", "vehicles", "trains", "missiles", "systems", "airfields", "ranges", "bases", "cases",
    "percent", "%", "prisoners", "casualties", "refugees", "drones", "ships", "guns", "launchers", "weapons",
    # plurals without an s
    "children", "women", "police", "staff", "livestock", "cattle", "sheep", "youth", "others",
    "kph", "mph", "mm", "cm", "millimetres", "millimeters", "centimetres", "centimeters", "mile", "k.m", "seats",
    "votes", "voters", "arrests", "deaths", "villages", "houses", "homes", "districts", "provinces", "feet",
    "bodies",
    # a measure written as an adjective: "a 600 square-kilometer area", "a 40 kilometer convoy"
    "kilometer", "kilometre", "square-kilometer", "square-kilometre", "square-kilometers", "square-kilometres",
}
_UNIT_NORMAL = {"kilometers": "km", "kilometres": "km", "k.m.": "km", "k.m": "km", "percent": "%", "per cent": "%",
                "others": "people",
                "millimetres": "mm", "millimeters": "mm", "centimetres": "cm", "centimeters": "cm", "mile": "miles",
                "metres": "m", "meters": "m", "square kilometers": "km2", "square kilometres": "km2", "sq km": "km2",
                "kilometer": "km", "kilometre": "km", "square kilometer": "km2", "square kilometre": "km2",
                "square-kilometer": "km2", "square-kilometre": "km2", "square-kilometers": "km2",
                "square-kilometres": "km2",
                "dollars": "USD", "euros": "EUR", "roubles": "RUB", "rubles": "RUB", "hryvnias": "UAH"}
# What a number counts when a verb says it instead of a noun: "410 killed", "8,250 were injured", "four dead",
# "2,104,311 of them voted".
_COUNTED_BY_VERB = {"killed": "people", "injured": "people", "wounded": "people", "dead": "people",
                    "died": "people", "hurt": "people", "missing": "people", "displaced": "people",
                    "evacuated": "people", "arrested": "people", "detained": "people", "rescued": "people",
                    "fled": "people", "voted": "voters", "marched": "people", "protested": "people",
                    "rallied": "people", "gathered": "people", "demonstrated": "people", "drowned": "people",
                    "perished": "people", "homeless": "people", "gather": "people", "march": "people",
                    "protest": "people", "rally": "people", "die": "people", "flee": "people",
                    "returned": "people"}
_VERB_AFTER = re.compile(r"(?:\s+of\s+(?:them|those|whom))?"
                         r"(?:\s+(?:more|also|still|reportedly|were|was|are|is|have|has|had|been|remain|remains|"
                         r"remained|left|made)){0,3}"
                         rf"\s+({'|'.join(_COUNTED_BY_VERB)})\b", re.IGNORECASE)
# A person's age after the name ("Jane Doe, 37, was arrested"), a clock time ("0915 UTC"): no figures.
_AGE = re.compile(r"[A-Z][\w'’\-]+,\s$")
_CLOCK = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d\s*(?:UTC|GMT|[A-Z]{2,3}T|hours|hrs|local\s+time)\b")
_MAGNITUDE_BEFORE = re.compile(r"\bmagnitude(?:\s+(?:of|was|is|at))?[\s-]+$", re.IGNORECASE)
# A quake's size without the word: "a second earthquake measuring 5.6", "Sunday's 6.7 aftershock".
_QUAKE = r"(?:earthquake|quake|aftershock|tremor|temblor)s?"
_MEASURING_QUAKE = re.compile(rf"\b{_QUAKE}\s+(?:(?:\w+\s+)?(?:measuring|measured(?:\s+a)?|of)\s+)?$",
                              re.IGNORECASE)
# "... and the second measured a 5.1": measured, in a sentence about quakes.
_MEASURED = re.compile(r"\bmeasured\s+(?:a\s+)?$", re.IGNORECASE)
_QUAKE_AFTER = re.compile(rf"\s+(?:magnitude\b|{_QUAKE}\b)", re.IGNORECASE)
# "The number of U.S. military members killed ... has surpassed 2,000", "the death toll climbed to 94": what a
# figure counts when its sentence names the count before it, or after it ("raised to 107 the number of people").
_NUMBER_OF = re.compile(r"\b(?:the\s+)?number\s+of(?=\s)", re.IGNORECASE)
# A stop ends the reach, not one of an abbreviation or a decimal ("the toll in the U.S. state", "the 7.6 quake").
_TOLL = re.compile(r"\b(?:toll|deaths)\b(?:[^.;:!?]|\.(?=\w|\s+[a-z])){0,120}$", re.IGNORECASE)
# "1,000 of its troops", "35 of the country's 75 districts", "16 out of the country's 18 provinces".
_OF_THE_WHOLE = re.compile(rf"\s+(?:out\s+)?of\s+(?:the|its|their|his|her|our|these|those)"
                           rf"(?:\s+[\w.]+['’]s)?(?:\s+(?:{_DIGITS})(?:-plus|\+)?)?(?=\s)", re.IGNORECASE)
_OUT_OF = re.compile(rf"\s+(?:out\s+)?of\s+(?:the\s+)?(?:estimated\s+|total\s+)?"
                     rf"(?:{_DIGITS}|(?:{_WORDS})(?:\s+(?:{_WORDS}))*)(?=\s)", re.IGNORECASE)
# Between two figures of one list: a place or a few words, then a comma or "and" ("in Toulouse, ", " to Jordan and ")
# or a word that sets this figure against the one before ("5 million, including 750,000", "275,000 rides
# compared to 193,000", "from 36,000 to 24,000").
_LISTED = re.compile(r"[^.;:!?\d]{0,60}(?:,|\band\b|\bor\b|\bincluding\b|\bcompared\s+(?:to|with)\b|\bagainst\b|"
                     r"\bversus\b|\bup\s+from\b|\bdown\s+from\b|\bto\b|\bwith\b)\s*(?:and\s+|or\s+)?"
                     r"(?:(?:the|a)\s+[a-z]+\s+(?:of\s+)?)?(?:about\s+|around\s+|"
                     r"some\s+|nearly\s+|more than\s+|over\s+|approximately\s+|roughly\s+|almost\s+|up to\s+|"
                     r"at least\s+|another\s+)?", re.IGNORECASE)
# "Of the U.S. troops stationed in Germany, 6,400 will return": the noun of the opening phrase.
_OF_THE = re.compile(r"\s*Of\s+(?:the|those|these|all)(?=\s)", re.IGNORECASE)
# A verb before the figure that says people are counted: "killed at least four", "Floods Kill Hundreds".
_HARMED_BEFORE = re.compile(r"\b(?:kill(?:s|ed|ing)?|injur(?:es|ed|ing)|wound(?:s|ed|ing)|displac(?:es|ed|ing)|"
                            r"affect(?:s|ed|ing)?|evacuat(?:es|ed|ing)|strand(?:s|ed|ing)?)\s+"
                            r"(?:(?:another|a\s+further)\s+)?$", re.IGNORECASE)
# How long, not how many: "six days ago" sets no noun for "another three thousand" to count.
_DURATIONS = {"hours", "days", "weeks", "months", "years"}
# "Another 5,400 will be moved": more of what the figure before counted.
_ANOTHER = re.compile(r"\b(?:another|a further|an additional)\s+$", re.IGNORECASE)


def _decimal_comma(number: str) -> float | None:
    """78,11 (a comma decimal, before a per cent sign) -> 78.11."""
    return float(number.replace(",", ".")) if re.fullmatch(r"\d+,\d{1,2}", number) else None
_STOP = {
    "of", "in", "to", "and", "at", "from", "on", "with", "that", "which", "for", "by", "near", "as", "or", "than",
    "have", "has", "had", "are", "is", "was", "were", "will", "would", "could", "should", "may", "might", "be",
    "been", "the", "a", "an", "this", "these", "those", "its", "their", "his", "her", "who", "when", "where",
    "while", "during", "since", "into", "across", "over", "under", "about", "after", "before", "not",
}
_TIME = re.compile(r"\d+[.:]\d+\s*(?:am|pm)\b|\d{1,2}\s*(?:a\.m\.|p\.m\.|am\b|pm\b)"
                   r"|(?:[01]?\d|2[0-3]):[0-5]\d(?!\d|[.:]\d)", re.IGNORECASE)
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"


def _is_year(text: str) -> bool:
    return bool(re.fullmatch(r"(1[89]|20)\d\d", text))


# A change from one figure to another is two figures, not a range ("raising the age from 62 to 64").
_CHANGE = re.compile(r"\b(?:rais|increas|reduc|cut|lower|boost|lift|expand|extend|shrink|shrank|rose|rising|fell|"
                     r"falling|drop|grew|grow|jump|climb|declin|slash|push|bring|brought|chang|revis)\w*"
                     r"[^.;:!?\d]{0,60}$", re.IGNORECASE)


def _changed_noun(phrase: str) -> str | None:
    """What a change counts, from the thing changed: "the troop presence" counts troops, "the age" years."""
    for word in re.findall(r"[a-z]+", phrase.lower()):
        if word == "age":
            return "years"
        if word in _DURATIONS:
            continue  # "raising the number who crossed in recent days to 350" counts no days
        if word in UNITS and word.endswith("s"):
            return word
        if word + "s" in UNITS:
            return word + "s"
    return None


def _count_named(s: str, start: int, end: int) -> str | None:
    """What a figure counts when its clause names the count instead of following the figure with a noun:
    "the number of members killed ... has surpassed 2,000", "raised to 107 the number of people who died",
    "the death toll climbed to 94"."""
    clause = s.rfind(";", 0, start) + 1
    named = [n for n in _NUMBER_OF.finditer(s, clause, start) if not re.search(r"\d", s[n.end():start])]
    if not named and (after := re.match(r"\s+the\s+number\s+of(?=\s)", s[end:], re.IGNORECASE)):
        return _unit_after(s, end + after.end())[0]
    if named:
        return _unit_after(s, named[-1].end())[0]
    return "people" if _TOLL.search(s, clause, start) else None


def _is_magnitude(s: str, m: re.Match, value: float, before: int) -> bool:
    """A quake's size given without "magnitude" before it: "earthquake measuring 5.6", "a 6.7 aftershock",
    "6.4 magnitude earthquake". `before`: where the qualifier words before the number start."""
    if m.group("b") or not 1 <= value < 10 or not re.fullmatch(r"\d\.\d", m.group("a")):
        return False
    return bool(_MEASURING_QUAKE.search(s, 0, before) or _QUAKE_AFTER.match(s, m.end())
                or (_MEASURED.search(s, 0, before) and re.search(rf"\b{_QUAKE}\b", s, re.IGNORECASE)))


def _not_a_range(m: re.Match) -> bool:
    """Two figures set side by side rather than one range: "$455bn or 47%", "leading 45.95 to 45.19"."""
    try:
        low, high = parse_number(m.group("a")), parse_number(m.group("b"))
    except ValueError:
        return False
    return low >= high


def _figures(s: str) -> Iterator[re.Match]:
    for m in _NUMBER.finditer(s):
        if m.group("b") and ((m.group(0)[:5].lower() == "from " and _CHANGE.search(s, 0, m.start()))
                             or _not_a_range(m)):
            first = _NUMBER.match(s, m.start("a"), m.end("a"))
            second = _NUMBER.match(s, m.start("b"))
            if first and second:
                yield first
                yield second
                continue
        yield m


def quantities(text: str, sentence: Sentence, taken: list[tuple[int, int]]) -> list[Candidate]:
    out: list[Candidate] = []
    base = sentence.start
    s = sentence.text
    for m in _figures(s):
        a, b = m.group("a"), m.group("b")
        start, end = base + m.start(), base + m.end()
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue  # part of a date
        if _is_year(a) and (not b or _is_year(b)):
            continue  # a year, or years ("between 2008 and 2010"): the dates pass reads them
        if _TIME.match(s, m.start("a")) or _CLOCK.match(s, m.start("a")):
            continue
        if not b and re.fullmatch(r"\d{1,3}", a) and _AGE.search(s, 0, m.start()) and s[m.end():m.end() + 1] == ",":
            continue  # an age
        word_only = not re.search(r"\d", m.group(0))
        if word_only and re.search(r"\b(?:several|a\s+few)\s+$", s[:m.start()], re.IGNORECASE):
            continue  # "several thousand": the vague amounts read it
        try:
            low = _decimal_comma(a) or parse_number(a)
            high = parse_number(b) if b else None
        except ValueError:
            continue
        trailing_end = _qualifier_after(s, m.end())[1]  # "70 or more die": the verb after the trailing words
        by_verb = _VERB_AFTER.match(s, m.end()) or (_VERB_AFTER.match(s, trailing_end) if trailing_end else None)
        words_before = _qualifier_before(s, m.start())[1]  # where the qualifier words before the number start
        harmed = _HARMED_BEFORE.search(s, 0, words_before) if not by_verb else None
        scaled = re.search(rf"\b(?:{'|'.join(SCALE_WORDS[1:])})\b", a, re.IGNORECASE)  # "one million": a figure
        if word_only and not scaled and (
                a.lower() == "one" or not (_unit_after(s, m.end(), known_only=low < 3)[0] or by_verb or harmed)):
            continue  # "two countries", "one of": a small number word counts a figure only before a known unit
        unit, unit_end = _unit_after(s, m.end())
        if unit is None and by_verb:
            unit = _COUNTED_BY_VERB[by_verb.group(1).lower()]
        if unit is None and harmed:
            unit = "people"  # "killed at least four"
        if unit is None and (whole := _OUT_OF.match(s, m.end()) or _OF_THE_WHOLE.match(s, m.end())):
            unit = _unit_after(s, whole.end())[0]  # "26 out of 34 provinces": what the whole counts
        if unit is None and out and out[-1].unit and out[-1].unit != "%" and _LISTED.fullmatch(
                s[out[-1].end - base:m.start()]):
            unit = out[-1].unit  # "36,000 people in Toulouse, 26,000 in Marseille": the list's noun
        if unit is None and (change := _CHANGE.search(s, 0, m.start())):
            unit = _changed_noun(change.group(0))  # "raising the pension age from 62 to 64": years
        if unit is None:
            unit = _count_named(s, m.start(), m.end())
        if unit is None and not out and (opening := _OF_THE.match(s)) and re.fullmatch(
                r"\s[^,]{1,80},\s*", s[opening.end():m.start()]):
            unit = _unit_after(s, opening.end())[0]
        if m.group("pct"):
            unit, unit_end = "%", m.end()
        elif percent := _PER_CENT.match(s, m.end()):
            unit, unit_end = "%", percent.end()
        sign_start = m.start()
        if currency := _CURRENCY_BEFORE.search(s[:m.start()]):
            unit, sign_start = CURRENCIES[currency.group(1).lower()], currency.start()
        if m.group("glued"):
            unit, unit_end = m.group("glued").lstrip("-").lower(), m.end()
        magnitude = _MAGNITUDE_BEFORE.search(s, 0, m.start())
        if magnitude and re.search(r"\d\s+$", s[:magnitude.start()]):
            magnitude = None  # the word belongs to the figure before: "4.7 magnitude fifteen minutes later"
        if magnitude:
            unit, sign_start = "magnitude", magnitude.start()  # "a magnitude 6.8 quake"
            if (article := re.search(r"\ba\s+$", s[:sign_start])) and _qualifier_before(s, article.start())[0]:
                sign_start = article.start()  # "none greater than a magnitude of 3.6"
        elif _is_magnitude(s, m, low, words_before):
            word = re.match(r"\s*magnitude\b", s[m.end():], re.IGNORECASE)  # "6.4 magnitude earthquake"
            unit, unit_end = "magnitude", m.end() + (word.end() if word else 0)
        qualifier, q_start = _qualifier_before(s, sign_start)
        trailing, t_end = _qualifier_after(s, unit_end if unit else m.end())
        if b:
            value, qualifier = None, "range"
        else:
            value = low
            qualifier = qualifier or trailing or ("at_least" if m.group("plus") else "exact")  # "2,000-plus"
            if qualifier == "exact" and out and out[-1].qualifier not in ("exact", "range") and re.fullmatch(
                    r"\s*\(", s[out[-1].end - base:m.start()]):
                qualifier = out[-1].qualifier or qualifier  # a conversion in brackets: "about 17 mph (28 km/h)"
            if re.match(r"\s+times\b", s[m.end():], re.IGNORECASE):
                unit = "times"
        span_start = base + q_start
        span_end = base + max(unit_end if unit else m.end(), t_end or 0)
        lo, hi = (low, high) if b else bounds(qualifier, low)
        out.append(Candidate(
            "quantity", text[span_start:span_end], span_start, span_end, sentence.text, sentence.start,
            number=m.group(0).strip().removesuffix(m.group("glued") or ""), value=value, low=lo, high=hi, unit=unit,
            qualifier=qualifier))
    fractions = _fractions(text, sentence)
    out = [c for c in out if not any(c.start < f.end and f.start < c.end for f in fractions)] + fractions
    return out + _vague_amounts(text, sentence, out)


# "two-and-a-half million", "a quarter of a million", "half a million", "a half million".
_FRACTION = re.compile(r"\b(?:(?P<whole>\w+)[\s-]+and[\s-]+a[\s-]+(?P<part>half|quarter)"
                       r"|(?:a\s+)?(?P<alone>half|quarter)(?:\s+of)?(?:\s+a)?)[\s-]+(?P<scale>thousand|million|billion)\b",
                       re.IGNORECASE)


def _fractions(text: str, sentence: Sentence) -> list[Candidate]:
    """The fractions of a scale in a sentence; they take the place of any figure read within them ("half"
    read alone, "a million")."""
    out = []
    s = sentence.text
    for m in _FRACTION.finditer(s):
        part = (m.group("part") or m.group("alone")).lower()
        try:
            whole = parse_number(m.group("whole")) if m.group("whole") else 0.0
        except ValueError:
            continue
        value = (whole + (0.5 if part == "half" else 0.25)) * parse_number("1 " + m.group("scale").lower())
        unit, unit_end = _unit_after(s, m.end())
        qualifier, q_start = _qualifier_before(s, m.start())
        qualifier = qualifier or "exact"
        begin, end = sentence.start + q_start, sentence.start + (unit_end if unit else m.end())
        lo, hi = bounds(qualifier, value)
        out.append(Candidate("quantity", text[begin:end], begin, end, sentence.text, sentence.start,
                             number=m.group(0), value=value, low=lo, high=hi, unit=unit, qualifier=qualifier))
    return out


_PER_CENT = re.compile(r"\s*(?:per\s*cent|percent)\b", re.IGNORECASE)
_CURRENCY_BEFORE = re.compile(
    "(" + "|".join(re.escape(c) for c in sorted(CURRENCIES, key=len, reverse=True) if not c.isalpha()) + r")\s?$",
    re.IGNORECASE)
# "tens of thousands of troops", "Hundreds of soldiers": an amount given by its order of magnitude.
_VAGUE_AMOUNT = re.compile(rf"\b(?:(?:several|a\s+few)\s+(?P<scale>hundred|thousand|million)\b|"
                           rf"({'|'.join(VAGUE)})(?:\s+of\s+({'|'.join(VAGUE_SCALE)}))?\b)", re.IGNORECASE)
# "wounding hundreds more", "several thousand others": more of what the sentence counted before.
_MORE = re.compile(r"\s+(?:more|others)\b", re.IGNORECASE)


def _vague_amounts(text: str, sentence: Sentence, found: list[Candidate]) -> list[Candidate]:
    out = []
    s = sentence.text
    for m in _VAGUE_AMOUNT.finditer(s):
        start = sentence.start + m.start()
        if any(c.start <= start < c.end for c in found):
            continue
        try:  # "several thousand" spans what "thousands" does
            parsed = parse_quantity(m.group("scale") + "s" if m.group("scale") else m.group(0))
        except ValueError:
            continue
        after = re.match(r"\s+of\b", s[m.end():], re.IGNORECASE)
        unit, unit_end = _unit_after(s, m.end() + after.end()) if after else (None, m.end())
        if unit is None and m.group("scale"):
            unit, unit_end = _unit_after(s, m.end())  # "several hundred people"
        if unit is None and after and (named := _UNIT_WORD.match(s, m.end() + after.end())) and \
                named.group(1)[0].isupper() and named.group(1).endswith("s"):
            unit, unit_end = named.group(1), named.end()  # "hundreds of Nepalis"
        if unit is None and (by_verb := _VERB_AFTER.match(s, m.end())):
            unit = _COUNTED_BY_VERB[by_verb.group(1).lower()]  # "Tens of thousands marched"
        if unit is None and (more := _MORE.match(s, m.end())):
            unit, unit_end = _unit_after(s, more.end())  # "Hundreds more American troops"
            if unit is None:
                earlier = [c.unit for c in found if c.unit and c.unit != "%"]
                unit, unit_end = (earlier[-1] if earlier else "people"), more.end()
        if unit is None and (_HARMED_BEFORE.search(s, 0, m.start()) or (m.start() == 0 and not after)):
            unit = "people"  # "Floods Kill Hundreds, Affect Millions"; "Thousands Attend Anti-War Rallies"
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


_QUALIFIER_END = re.compile("(?:" + "|".join(re.escape(p) for p, _ in QUALIFIER_PHRASES) + ")$")
_QUALIFIER_OF = dict(QUALIFIER_PHRASES)


def _qualifier_before(s: str, pos: int) -> tuple[str | None, int]:
    """The qualifier of the phrases right before a number ("up to about": at most) and where they start."""
    if (another := _ANOTHER.search(s, max(0, pos - 20), pos)) and (
            stated := _qualifier_before(s, another.start()))[0]:
        return stated  # "about another 70,000"
    found: list[str] = []
    start = pos
    while True:
        before = s[max(0, start - 60):start].rstrip().lower()  # the phrases are short
        offset = max(0, start - 60)
        m = _QUALIFIER_END.search(before)
        if m is None:
            break
        phrase = m.group(0)
        if (m.start() > 0 and before[m.start() - 1].isalnum()) or (m.start() == 0 and offset > 0
                                                                 and s[offset - 1].isalnum()):
            phrase = next((p for p, _ in QUALIFIER_PHRASES if before.endswith(p) and len(p) < len(m.group(0))
                           and not before[-len(p) - 1].isalnum()), "")  # "…xover": a shorter phrase may stand
            if not phrase:
                break
        if found and phrase in _BOUND_VERBS:
            break  # "would pass about 100 kilometers north": a verb of motion before a qualified figure
        found.append(_QUALIFIER_OF[phrase])
        start = offset + len(before) - len(phrase)
    return (strongest(found), start) if found else (None, pos)


# A verb that bounds a figure only when the figure follows it directly ("passed 20,000").
_BOUND_VERBS = {"pass", "passes", "passed", "exceed", "exceeds", "exceeded", "exceeding", "tops", "topped", "topping",
                "surpassed", "nears", "nearing"}


_TRAILING = re.compile(r"\s+(" + "|".join(re.escape(p) for p in sorted(TRAILING_PHRASES, key=len, reverse=True))
                       + r")\b", re.IGNORECASE)


def _qualifier_after(s: str, pos: int) -> tuple[str | None, int | None]:
    m = _TRAILING.match(s, pos)
    return (TRAILING_PHRASES[m.group(1).lower()], m.end()) if m else (None, None)


# A speed: "28 km/h", "195 kilometers per hour", "17 miles per hour".
_SPEED = re.compile(r"\s*(km/h|kmh|kilomet(?:er|re)s?\s+(?:per|an)\s+hour|miles?\s+(?:per|an)\s+hour)\b",
                    re.IGNORECASE)
# Money named after the number: "350 million USD", "2 billion U.S. dollars", "a 50-thousand dollar grant".
_MONEY_AFTER = re.compile(r"\s+(USD|EUR|GBP|RUB|UAH|(?:U\.S\.\s+|US\s+)?dollars?)\b")
_UNIT_WORD = re.compile(r"\s+([A-Za-z](?:[\w\-]|\.(?=[A-Za-z]))*(?:(?<=[A-Z])\.)?|%)")


_MINOR_WORDS = {"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "by", "as", "with", "from", "after",
                "over", "into", "amid", "vs"}


@functools.lru_cache(maxsize=64)  # asked for every number of a sentence
def _in_title_case(s: str) -> bool:
    """A headline's capitals: every word but the small ones capitalised ("32 Militants, 4 Soldiers Killed")."""
    words = re.findall(r"[A-Za-z][\w'’\-]*", s)
    return len(words) >= 3 and all(w[0].isupper() or w in _MINOR_WORDS for w in words)


def _unit_after(s: str, pos: int, known_only: bool = False) -> tuple[str | None, int]:
    """The counted noun after a number: up to five words, ending at the last known unit word."""
    words, ends, cursor = [], [], pos
    if percent := re.match(r"\s*%", s[pos:]):
        return "%", pos + percent.end()
    if speed := _SPEED.match(s, pos):
        return ("mph" if speed.group(1)[0].lower() == "m" else "km/h"), speed.end()
    if money := _MONEY_AFTER.match(s, pos):
        return CURRENCIES.get(re.sub(r"dollar$", "dollars", money.group(1).lower()), "USD"), money.end()
    for _ in range(5):
        m = _UNIT_WORD.match(s, cursor)
        if not m or m.group(1).lower() in _STOP or m.group(1).lower() in NUMBER_WORDS:
            break  # "900 refugees arrived six days ago" counts refugees, not days
        words.append(m.group(1))
        ends.append(m.end())
        cursor = m.end()
    first = 1 if len(words) > 1 and words[0].lower() == "more" else 0  # "130 more Syrians" counts Syrians
    known = [i for i, w in enumerate(words) if w.lower().rstrip(".") in UNITS or w.lower().endswith("ers")]

    def counted(last: int, headline: bool) -> tuple[str, int]:
        unit = " ".join(words[first: last + 1])
        if headline and all(re.fullmatch(r"[A-Z][a-z\-]+", w) for w in words[first: last + 1]):
            unit = unit.lower()  # a headline's capitals: "Hundreds More Troops" counts troops
        return _UNIT_NORMAL.get(unit.lower(), unit), ends[last]
    if known:
        return counted(known[-1], True)
    # a plural noun, or a people named by its country ("330,000 Syrians"), or a headline's ("32 Militants")
    headline = _in_title_case(s)
    plurals = [i for i, w in enumerate(words[:3])
               if ((w[0].islower() or headline) and (w.endswith("s") or w.endswith("men"))) or w.endswith("ians")
               or re.fullmatch(r"[A-Z]{2,}s", w)]  # "IDPs"
    if not known_only and plurals:
        return counted(plurals[-1], headline)  # a plural noun: probably what is counted
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
    # September 2020, September of 2020
    re.compile(rf"(?P<month>{_MONTH})\s+(?:of\s+)?(?P<year>(?:1[89]|20)\d\d)\b"),
    # in October (a month standing alone, after a word that dates it)
    re.compile(rf"(?=[A-Z])(?:(?<=\b[Ii]n )|(?<=\b[Ss]ince )|(?<=\b[Uu]ntil )|(?<=\b[Bb]y )|(?<=\b[Dd]uring )"
               rf"|(?<=\b[Ee]arly )|(?<=\b[Ll]ate )"
               rf"|(?<=\bmid-)|(?<=\bend of )|(?<=\bstart of ))(?P<month>{_MONTH})(?!\s+\d)\b"),
    # the August election
    re.compile(rf"(?<=\bthe )(?P<month>{_MONTH})(?=\s+(?:election|elections|vote|referendum|protests|summit|"
               rf"offensive|talks|drills|exercises)\b)"),
    # 1994 (a year standing alone after a word that dates, or before an event)
    re.compile(r"(?=[12]\d\d\d)(?:(?<=\b[Ii]n )|(?<=\b[Ss]ince )|(?<=\b[Ff]rom )|(?<=\b[Uu]ntil )|(?<=\b[Bb]y )"
               r"|(?<=\bof )|(?<=\b[Ff]or )"
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
    if published:
        for m in _RELATIVE.finditer(sentence.text):
            start, end = sentence.start + m.start(), sentence.start + m.end()
            if any(start < b and a < end for a, b in taken):
                continue
            first, last, precision = _relative(m, published)
            out.append(Candidate("date", text[start:end], start, end, sentence.text, sentence.start,
                                 date_start=first.isoformat(), date_end=last.isoformat(), precision=precision,
                                 year_inferred=False, resolved_from=published.isoformat()))
            taken.append((start, end))
    return sorted(out, key=lambda c: c.start)


# Dates said relative to the day of writing, read from the publication date: "on Monday" (the last Monday
# on or before it), "yesterday", "last week" (Monday to Sunday), "the past week" (the seven days before),
# "this month" (all of it), "earlier this month" (up to the writing), "later this year" (from it), "last year".
_WEEKDAYS = [name.lower() for name in calendar.day_name]
_RELATIVE = re.compile(
    r"\b(?:(?P<last_day>last\s+)?(?P<weekday>" + "|".join(calendar.day_name) + r")(?:'s)?\b"
    r"|(?P<word>yesterday|today)\b"
    r"|(?P<which>last|this|past)\s+(?P<period>week|month|year)\b(?!\s+(?:of|'s))"
    r"|(?P<earlier>earlier|later)\s+this\s+(?P<period2>week|month|year)\b)", re.IGNORECASE)


def _relative(m: re.Match, published: dt.date) -> tuple[dt.date, dt.date, str]:
    if m.group("weekday"):
        back = (published.weekday() - _WEEKDAYS.index(m.group("weekday").lower())) % 7
        if back == 0 and m.group("last_day"):
            back = 7
        day = published - dt.timedelta(days=back)
        return day, day, "day"
    if m.group("word"):
        day = published - dt.timedelta(days=1 if m.group("word").lower() == "yesterday" else 0)
        return day, day, "day"
    period = (m.group("period") or m.group("period2")).lower()
    which = (m.group("which") or "").lower()
    if which == "past" or (which == "last" and re.search(r"\bthe\s+$", m.string[:m.start()], re.IGNORECASE)):
        # "over the past week", "over the last month": the days up to the writing
        if period == "week":
            return published - dt.timedelta(days=7), published, "day"
        year, month = (published.year - 1, published.month) if period == "year" else \
            (published.year - (published.month == 1), (published.month - 2) % 12 + 1)
        same = min(published.day, calendar.monthrange(year, month)[1])  # "the past month" on 31 March: from 28 Feb
        return dt.date(year, month, same), published, "day"
    previous = (m.group("which") or "").lower() == "last"
    first, last, precision = _period(period, published, previous)
    # "earlier this week": its days up to the writing; "later this year": from the writing on; "this year": all
    part = (m.group("earlier") or "").lower()
    if part == "earlier" or (which == "this" and not _FUTURE.search(m.string)):  # "39 have died this year"
        return first, published, "day"
    if part == "later":
        return published, last, "day"
    return first, last, precision


_FUTURE = re.compile(r"\b(?:will|would|shall|plans?|planned|expects?|expected|aims?|going\s+to|budget\w*)\b",
                     re.IGNORECASE)


def _period(period: str, published: dt.date, previous: bool) -> tuple[dt.date, dt.date, str]:
    """The whole week (Monday to Sunday), month or year of the publication date, or the one before it."""
    if period == "week":
        monday = published - dt.timedelta(days=published.weekday()) - dt.timedelta(days=7 if previous else 0)
        return monday, monday + dt.timedelta(days=6), "day"
    if period == "month":
        year, month = (published.year, published.month - 1) if previous else (published.year, published.month)
        if month == 0:
            year, month = year - 1, 12
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]), "month"
    year = published.year - 1 if previous else published.year
    return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"


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
          "argued", "argues", "added", "warned", "warns", "asserted", "noted", "wrote", "insisted", "denied",
          "reporting", "saying", "estimating", "counted", "put", "asked", "revealed", "confirmed", "indicated",
          "indicate", "indicates", "confirms", "showed", "shows", "show", "admitted", "conceded", "promised",
          "promises", "pledged", "pledges", "measured", "adding", "noting", "warning", "admits", "admit", "fear",
          "fears", "feared")
# A speech verb that is a noun ("estimates of turnout", "reports of shelling") says nothing of who speaks.
# Nor does a claim on lives ("floods claim sixteen lives").
_NOT_SPEECH_AFTER = r"(?!\s+of\b)(?!\s+(?:\w+\s+){0,2}lives\b)"
_SPEECH = re.compile(r"\b(" + "|".join(re.escape(v) for v in SPEECH) + r")\b" + _NOT_SPEECH_AFTER, re.IGNORECASE)


def claimants(text: str, sentence: Sentence, aliases: dict[str, str], pattern: re.Pattern | None,
              generic: dict[str, list[str]] | None = None) -> list[Candidate]:
    """The known actors a sentence names. `aliases`: alias (casefolded) -> actor; `generic`: a group's common
    noun (casefolded) -> the groups it may stand for (generic_names)."""
    if pattern is None:
        return []
    generic = generic or {}
    out: list[Candidate] = []
    verbs = None
    for m in pattern.finditer(sentence.text):
        if verbs is None:  # read only in a sentence that names an actor
            verbs = [(v.start(), v.group(1).lower()) for v in _SPEECH.finditer(sentence.text)]
        key = m.group(0).casefold()
        actor: str | None = aliases.get(key)
        if actor is None:
            if re.search(r"(?:[A-Z][\w.’'\-]*|\)|['’]s)\s+$", sentence.text[:m.start()]):
                continue  # "Russian officials" is not the collection's "Belarusian officials"
            actor = _group_by_place(generic[key], text, sentence.start + m.start())
            if actor is None:
                continue
        start, end = sentence.start + m.start(), sentence.start + m.end()
        verb = min(verbs, key=lambda v: abs(v[0] - m.start()))[1] if verbs else None
        out.append(Candidate("claimant", text[start:end], start, end, sentence.text, sentence.start,
                             actor=actor, verb=verb))
    return out


def generic_names(aliases: dict[str, str]) -> dict[str, list[str]]:
    """A known group by its common noun alone: "officials" or "local officials" for "Pakistani local
    officials", "state media" for "Chinese state media" (the text names the group without its country).
    Where several groups of one country share a noun, the one named by the noun and one word ("Pakistani
    officials" before "Pakistani local officials"); groups of several countries, each of them, for the place
    the text names to choose between (_group_by_place). A name with capitals after its first word gives none
    ("United States Geological Survey")."""
    named: dict[str, list[str]] = {}
    for name in sorted(set(aliases.values())):
        words = name.split()
        for i in range(1, len(words)):
            tail = " ".join(words[i:])
            if tail.islower() and tail.casefold() not in _STOP and len(tail) > 3:
                named.setdefault(tail, []).append(name)
    known = {a.casefold() for a in aliases}
    out = {}
    for tail, names in named.items():
        closest = [n for n in names if len(n.split()) == len(tail.split()) + 1]
        agree = len({n.split()[0] for n in names}) == 1  # "Pakistani officials", "Pakistani local officials"
        if tail.casefold() in known:
            continue
        out[tail] = names[:1] if len(names) == 1 else closest[:1] if agree and len(closest) == 1 else names
    return out


_CAPITALISED = re.compile(r"\b[A-Z][a-z]{3,}")


def _same_place(word: str, other: str) -> bool:
    """A place and its people's adjective: Nepal and Nepali, China and Chinese, Philippines and Philippine."""
    shared = next((i for i, (a, b) in enumerate(zip(word, other, strict=False)) if a != b), min(len(word), len(other)))
    return shared >= 4 and shared >= min(len(word), len(other)) - 2


def _group_by_place(names: list[str], text: str, position: int) -> str | None:
    """Which of several countries' groups a common noun stands for ("according to authorities" for "Nepali
    authorities" rather than "Bangladeshi authorities"): the one whose country its sentence names, else the one
    its paragraph named last before it; none when the text names no such place there."""
    if len(names) == 1:
        return names[0]
    qualifiers = {name: [w for w in name.split() if w[0].isupper()] for name in names}
    paragraph = text.rfind("\n", 0, position) + 1
    sentence_end = re.compile(r"[.!?](?=\s|$)").search(text, position)
    context = text[paragraph:sentence_end.start() if sentence_end else len(text)]
    for place in reversed(_CAPITALISED.findall(context)):
        chosen = [n for n, words in qualifiers.items() if any(_same_place(place, w) for w in words)]
        if len(chosen) == 1:
            return chosen[0]
    return None


def alias_pattern(aliases: dict[str, str]) -> re.Pattern | None:
    """One regex for every alias (as written), longest first, whole words, any case; but an acronym (WHO,
    UN) only in capitals, so that the words "who" and "un" are no actors."""
    if not aliases:
        return None

    def one(alias: str) -> str:
        if re.fullmatch(r"[A-Z][A-Z0-9&]{1,9}", alias):
            return f"(?-i:{re.escape(alias)})"
        return re.escape(alias)
    names = sorted(aliases, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(one(a) for a in names) + r")(?!\w)", re.IGNORECASE)


# --- everything ------------------------------------------------------------------------------

def extract(text: str, *, published: str | None = None, aliases: dict[str, str] | None = None) -> list[Candidate]:
    """Every candidate in a text, in order. `aliases`: alias as written -> actor name."""
    year = int(published[:4]) if published else _latest_year(text)
    published_day = _day(published)
    generic = {tail.casefold(): names for tail, names in generic_names(aliases or {}).items()}
    pattern = alias_pattern({**dict.fromkeys(generic, ""), **(aliases or {})})
    aliases = {alias.casefold(): name for alias, name in (aliases or {}).items()}
    out: list[Candidate] = []
    counted: str | None = None  # the noun the last figure counted: "Another 5,400" counts more of it
    for sentence in sentences(text):
        found_dates = dates(text, sentence, year, published_day)
        found_claimants = claimants(text, sentence, aliases, pattern, generic)
        names = list(dict.fromkeys(c.actor for c in found_claimants if c.actor))
        found_quantities = quantities(text, sentence, [(d.start, d.end) for d in found_dates])
        for q in found_quantities[:1]:
            if q.unit is None and counted and _ANOTHER.search(text[sentence.start:q.start]):
                q.unit = counted
        counted = next((q.unit for q in reversed(found_quantities)
                        if q.unit and q.unit != "%" and q.unit not in _DURATIONS), counted)
        for q in found_quantities:
            q.claimants = names
        out += found_dates + found_claimants + found_quantities
    return Found(sorted(out, key=lambda c: (c.start, c.kind)))


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
    named is no claimant: None. The sentence's first attribution."""
    said = attributions(found, sentence, sentence_start)
    return said[0][1] if said else None


# Between a speaker and its verb: an acronym in brackets, a role, a place, a time, an auxiliary ("IEC (IEC)
# officials announced", "the ministry's spokesman said", "the bureau in Taiwan says", "officials now say",
# "the council has announced", "police on Wednesday said").
_DAYS = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_SPEAKER_WHEN = (rf"(?:\s+(?:has|have|had|also|now|later|again|earlier|separately|today|yesterday|(?:on\s+)?{_DAYS})"
                 r"\b)*")
_SPEAKER_ROLE = re.compile(r"(?:\s*\([A-Z][^()]{1,60}\))?(?:\s*['’]s)?(?:\s+(?:officials?|spokes(?:man|woman|person)|"
                           r"chief|head|director|sources|leaders?|representatives?|(?:exit\s+)?polls?|surveys?|"
                           r"reports?|figures|data|count|tally))?"
                           r"(?:\s+in\s+(?:the\s+)?[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)?" + _SPEAKER_WHEN + r"\s*$")
# A text or a count that speaks ("the report says", "according to the results") stands for who gave it.
_DOCUMENT = re.compile(r"\b(?:the|this|that|its|their)\s+(?:\w+\s+)?(?:reports?|statements?|message|results?|data|"
                       r"polls?|figures?|release|document|count|tally|survey|study|bulletin|update)\s*$", re.IGNORECASE)
# "according to a new report by the institute": the document's author speaks.
_DOCUMENT_BY = re.compile(r"\s*(?:a|an|the|its|their)\s+(?:\w+\s+){0,2}(?:report|statement|study|survey|count|tally|"
                          r"analysis|estimate|assessment)\s+(?:by|from|of)\s+", re.IGNORECASE)
# "according to the state news agency, Xinhua, ...": the name in apposition.
_APPOSED = re.compile(r"\s*(?:the\s+)?[^,.;]{1,40},\s*")
# A verb the speaker may follow ("..., said the ministry"); not "told", whose object is the listener.
_INVERTED = ("said", "says", "reported", "reports", "announced", "stated", "added", "estimated", "noted", "wrote",
             "warned", "claimed", "asked")


# A speech verb in a participle clause speaks for the sentence's subject ("..., saying", "..., adding"), and
# so does one whose subject a second clause leaves out ("..., but has reported").
_ELIDED = re.compile(r",\s+(?:but|and)(?:\s+(?:has|have|had|also|later|then))*$")
_PARTICIPLES = ("saying", "adding", "noting", "warning", "estimating", "reporting")


# Words of a title before a name ("Baghdad-based U.S. military spokesman Colonel Steve Warren").
_TITLE = re.compile(r"(?:(?:[Tt]he|[Aa]n?|[A-Z][\w.’'\-]*|[\w\-]+-based|spokes(?:man|woman|person)|military|senior|"
                    r"deputy|chief|head|minister|commander|officials?|general|foreign|defen[cs]e|interior|police|"
                    r"army|government|state)\s+){0,8}")


def _subject(actors: list[Candidate], sentence: str, sentence_start: int) -> str | None:
    """The actor a sentence opens with ("Sri Lanka's military rejected ...", "The council said ...",
    "Baghdad-based U.S. military spokesman Colonel Steve Warren went further, saying ...")."""
    opening = [a for a in actors
               if a.start - sentence_start <= 4 or _TITLE.fullmatch(sentence, 0, a.start - sentence_start)]
    return opening[-1].actor if opening else None  # the name its title leads to: not "UN" of "UN spokesman Lopez"


def attributions(found: list[Candidate], sentence: str, sentence_start: int) -> list[tuple[int, str]]:
    """`_attributions`, read once per sentence of an extraction (a draft asks again for every figure)."""
    if not isinstance(found, Found):
        return _attributions(found, sentence, sentence_start)
    return list(found.remember(("attributions", sentence_start, sentence),
                               lambda: _attributions(found, sentence, sentence_start)))


def _attributions(found: list[Candidate], sentence: str, sentence_start: int) -> list[tuple[int, str]]:
    """Each attribution of a sentence, in order: (where its verb stands in the text, the actor). The
    actor is the one right before the verb (a role or an apposition between them allowed), right after
    "according to", or right after the verb when none stands before it ("..., said the council"); a
    report or a count that speaks stands for the last actor named before it."""
    actors = sorted((c for c in in_sentence(found, sentence_start) if c.kind == "claimant"), key=lambda c: c.start)
    ends = {c.end - sentence_start: c.actor for c in actors if c.actor}
    starts = {c.start - sentence_start: c.actor for c in actors if c.actor}
    out: list[tuple[int, str]] = []

    def after(position: int) -> str | None:
        while position < len(sentence) and sentence[position].isspace():
            position += 1
        if position in starts:
            return starts[position]
        if sentence[position:position + 4].lower() == "the ":
            return starts.get(position + 4)
        return None

    for m in _SPEECH.finditer(sentence):
        verb = m.group(1).lower()
        before = sentence[:m.start()].rstrip()
        if verb == "according to":
            named = after(m.end())
            if named is None and (by := _DOCUMENT_BY.match(sentence, m.end())):
                named = after(by.end())
            if named is None and (apposed := _APPOSED.match(sentence, m.end())):
                named = after(apposed.end())
            if named is None and _DOCUMENT.search(sentence[m.end():m.end() + 40].split(",")[0] + " "):
                named = _last_actor_before(found, sentence_start + m.start())
            if named:
                out.append((sentence_start + m.start(), named))
            continue
        if verb in _PARTICIPLES and before.endswith(",") and (subject := _subject(actors, sentence, sentence_start)):
            out.append((sentence_start + m.start(), subject))  # "The military rejected it, saying 7 died"
            continue
        if _ELIDED.search(before) and (subject := _subject(actors, sentence, sentence_start)):
            out.append((sentence_start + m.start(), subject))  # "The U.N. has stopped ..., but has reported"
            continue
        if before.endswith(","):  # an apposition: "Name, head of ..., believes"
            opening = before.rfind(",", max(0, len(before) - 81), len(before) - 1)
            named = before[opening + 1:-1] if opening >= 0 else ""
            inside = len(before) - 1 in ends and len(named) - len(named.lstrip()) + opening + 1 in starts
            if inside and named.strip() and named.strip()[0].isupper():
                out.append((sentence_start + m.start(), ends[len(before) - 1]))  # "UNHCR spokesman, Ron Redmond, says"
                continue
            before = sentence[:opening].rstrip() if opening >= 0 else before
        whole = before  # an alias may hold the role itself ("NATO officials")
        before = before[:_SPEAKER_ROLE.search(before).start()]  # type: ignore[union-attr]  # always matches
        if before.endswith("’") or before.endswith("'"):  # "the organizers' estimate"
            before = before[:-1]
        if len(whole) in ends:
            out.append((sentence_start + m.start(), _first_of_pair(sentence, whole, ends, starts)))
        elif len(before) in ends:
            out.append((sentence_start + m.start(), _first_of_pair(sentence, before, ends, starts)))
        elif _DOCUMENT.search(before) or _DOCUMENT.search(whole):
            named = _last_actor_before(found, sentence_start + m.start())
            if named:
                out.append((sentence_start + m.start(), named))
        elif verb in _INVERTED and (named := after(m.end())):
            out.append((sentence_start + m.start(), named))
    # A headline's attribution: "Refugees now number one million: UN", "UN: Lebanon Now Hosting 1 Million".
    tail = sentence.rstrip(" .")
    colon = tail.rfind(": ")
    if not out and colon > 0 and (named := after(colon + 1)) and len(tail) - colon <= 60 and \
            any(c.end - sentence_start == len(tail) for c in actors):
        out.append((sentence_start + colon, named))
    colon = tail.find(": ")
    if not out and colon > 0 and 0 in starts and colon in ends:
        out.append((sentence_start + colon, starts[0]))
    return out


_PRONOUN_SPEAKS = re.compile(r"\b(?:he|she|they|it)\s+(?:" + "|".join(v for v in SPEECH if v != "according to")
                             + r")\b|\b(?:said|says|added|told)\s+(?:he|she)\b", re.IGNORECASE)


def _first_of_pair(sentence: str, before: str, ends: dict[int, str], starts: dict[int, str]) -> str:
    """The speaker ending where `before` ends, or the first of two ("The BBC and CNN reported")."""
    pair = re.search(r"\s+and\s+(?:the\s+)?$", sentence[:_starts_at(before, ends, starts)])
    if pair and pair.start() in ends:
        return ends[pair.start()]
    return ends[len(before)]


def _starts_at(before: str, ends: dict[int, str], starts: dict[int, str]) -> int:
    """Where the actor ending at the end of `before` starts."""
    actor = ends[len(before)]
    return max((p for p, a in starts.items() if a == actor and p < len(before)), default=len(before))


def figure_claimant(found: list[Candidate], q: Candidate, following: Sentence | None = None,
                    text: str | None = None) -> str | None:
    """Who a figure is attributed to: the attribution of its own sentence; else that of the next sentence
    when it speaks for this one: the figure is inside a quotation the next sentence closes ("... 300
    dead." he said.) or the next sentence is little more than an attribution ("The ministry said so.").
    A pronoun that speaks ("he said") stands for the last actor named before the figure."""
    said = attributions(found, q.sentence, q.sentence_start)
    # An attribution after the figure, beyond a "but" or a ", with", speaks for what follows it only ("35 km,
    # but the bureau says 5 km"; "Millions have fled, with officials saying 76 died").
    said = [a for a in said if a[0] < q.start or not _CONTRAST.search(text or "", q.end, a[0])]
    if said:  # of several, the one whose verb stands before the figure and nearest it; else the first after
        before = [a for a in said if a[0] < q.start]
        return (before[-1] if before else said[0])[1]
    if pronoun := _PRONOUN_SPEAKS.search(q.sentence):
        return _last_actor_before(found, q.sentence_start + pronoun.start(), text) \
            or _last_actor_before(found, q.start)
    if following is not None and not any(c.kind == "quantity" for c in in_sentence(found, following.start)) and (
            (len(following.text) <= _SHORT_ATTRIBUTION and not _own_claim(following.text))
            or (text is not None and in_quotation(text, q.start))):
        named = likely_claimant(found, following.text, following.start)
        if named or _PRONOUN_SPEAKS.search(following.text):
            return named or _last_actor_before(found, q.start, text)
    return _carried_on(found, q, text) if text is not None else None


_CONTRAST = re.compile(r",?\s+(?:but|while|whereas)\b|,\s+with\b|;")


def _carried_on(found: list[Candidate], q: Candidate, text: str) -> str | None:
    """Reporting goes on in the voice of the sentence before, in the same paragraph, when that one opens with
    who speaks ("According to the commission, A won 48.6%. B came second with 26.2%.") and this one names
    no actor of its own."""
    before = found.sentence_before(q.sentence_start) if isinstance(found, Found) else \
        max((c.sentence_start for c in found if c.sentence_start < q.sentence_start), default=None)
    if before is None or _SPEECH.search(q.sentence):
        return None  # the sentence names a speaker of its own, if one the collection does not know
    previous = in_sentence(found, before)[0]
    gap = text[previous.sentence_start + len(previous.sentence):q.sentence_start]
    if gap.strip() or "\n" in gap:
        return None  # another sentence between them, or a new paragraph
    if any(c.kind == "claimant" and c.start < q.start for c in in_sentence(found, q.sentence_start)):
        return None  # it names an actor of its own, who may or may not speak: the person decides (one named
        # after the figure is what it counts: "killed 81 people, including police")
    figures = [c.start for c in in_sentence(found, before) if c.kind == "quantity"]
    said = [a for a in attributions(found, previous.sentence, previous.sentence_start)
            if not figures or a[0] < min(figures)]  # a lead-in ("According to X, ..."), not a closing "X noted"
    if said:
        return said[-1][1]
    pronoun = _PRONOUN_SPEAKS.search(previous.sentence)
    return _last_actor_before(found, previous.sentence_start + pronoun.start(), text) if pronoun else None


_SHORT_ATTRIBUTION = 80  # characters: a next sentence this short says who spoke, not something of its own
# ... unless a clause of its own follows its verb ("Authorities say soldiers may have been the target").
_CLAUSE_VERB = re.compile(r"\b(?:that|is|are|was|were|has|have|had|may|might|will|would|could|can|be|been)\b",
                          re.IGNORECASE)


def _own_claim(sentence: str) -> bool:
    verb = _SPEECH.search(sentence)
    return bool(verb and _CLAUSE_VERB.search(sentence, verb.end()))


def in_quotation(text: str, position: int) -> bool:
    """Whether a position of the text stands inside quotation marks opened in its paragraph."""
    paragraph = text[text.rfind("\n", 0, position) + 1:position]
    curly = paragraph.count("“") - paragraph.count("”")
    return curly > 0 or paragraph.count('"') % 2 == 1


def _last_actor_before(found: list[Candidate], position: int, text: str | None = None,
                       reach: int = 1500) -> str | None:
    """The actor a pronoun stands for: the last named before it, outside quotation marks (in `text`): the
    speaker of '"... UNHCR has recorded 20 boats," he said' is not UNHCR."""
    before = [c for c in found if c.kind == "claimant" and c.actor and position - reach <= c.start < position
              and (text is None or not in_quotation(text, c.start) or in_quotation(text, position))]
    return max(before, key=lambda c: c.start).actor if before else None


# The start of a count: "since April 3", "since the war began in 2001", "dating back to 2007".
_SINCE = re.compile(r"\b(?:since(?:\s+(?:the\s+)?\w+\s+(?:began|started)\s+in)?|dating\s+back\s+to)\s+(?:the\s+)?$",
                    re.IGNORECASE)
# Between a figure and a date of another clause: a comma, a dash, a bracket, or "and in" ("killed 31,000 and in
# February of 2005 ...").
_CLAUSE_MARK = re.compile(r"[,;:—–()]|\band\s+(?:in|on|by|during)\b")


def figure_date(found: list[Candidate], q: Candidate, text: str | None = None) -> Candidate | None:
    """The date a figure holds for, among its sentence's: one in the figure's own clause before one beyond
    a comma, the nearest first; not the start of a count ("since April 3": the count holds when reported).
    A sentence with none takes the last one its paragraph gave before it (`text`: the whole text)."""
    s, base = q.sentence, q.sentence_start
    dates = [d for d in in_sentence(found, base) if d.kind == "date" and not _SINCE.search(s[:d.start - base])]

    def apart(d: Candidate) -> bool:
        a, b = sorted((d.end, q.start)) if d.start < q.start else sorted((q.end, d.start))
        return bool(_CLAUSE_MARK.search(s[a - base:b - base]))

    def anothers(d: Candidate) -> bool:
        """A date after the figure, beyond a clause mark, with another figure nearer to it: that figure's
        ("350,000 were in centres, the agency said, lowering the figure of a million reported Saturday")."""
        return d.start > q.end and apart(d) and any(
            c.kind == "quantity" and q.end <= c.start and c.end <= d.start for c in in_sentence(found, base))

    def opening(d: Candidate) -> bool:  # "In December of 2003, ..." sets the time of what follows
        return d.start - base <= 3 and s[d.end - base:].lstrip().startswith(",")

    def event_of_a_count(d: Candidate) -> bool:
        """The day of the event a count that holds as written is of ("Nineteen people are now confirmed dead
        in a quake that struck Tuesday"): not the count's."""
        return d.start > q.end and bool(_SO_FAR.search(s)) and bool(
            re.search(r"\b(?:that|which|when)\b", s[q.end - base:d.start - base]))
    dates = [d for d in dates if not anothers(d) and not event_of_a_count(d)]
    held = min(dates, key=lambda d: (apart(d), not opening(d), abs(d.start - q.start)), default=None)
    if held is None and text is not None and not _SO_FAR.search(s):  # the paragraph's latest date before it
        paragraph = text.rfind("\n", 0, q.start) + 1
        earlier = [d for d in found if d.kind == "date" and paragraph <= d.start < q.sentence_start
                   and not _SINCE.search(d.sentence[:d.start - d.sentence_start])]
        held = max(earlier, key=lambda d: d.start, default=None)
    return held  # none: the figure holds when it is reported (the day of publication)


# A count that holds as written ("officials now say", "have been killed", "are affected"): not dated by the
# event it is of.
_SO_FAR = re.compile(r"\b(?:now|currently|so far|to date|still|are|is|ha(?:s|ve)\s+(?:\w+\s+)?been)\b", re.IGNORECASE)


# Who speaks, as a name the text gives before a speech verb or after "according to": capitalised words
# ("Donald Trump said"), or a group ("US officials say").
_GROUP = (r"officials|sources|analysts|experts|diplomats|observers|residents|witnesses|activists|authorities|media|"
          r"rescuers|doctors|organi[sz]ers|police|ministry|agency|government|military|army|commission|council")
_NAME = rf"(?:(?:[A-Z][\w'’.\-]*\s+){{0,3}}(?:[A-Z][\w'’.\-]*|{_GROUP}))"
# "Jens Stoltenberg, the NATO chief, warned": an apposition may stand between the name and the verb.
_SPEAKER_BEFORE = re.compile(
    rf"({_NAME})(?:\s*,[^,]{{1,80}},)?(?:\s+in\s+[A-Z][\w\-]+)?{_SPEAKER_WHEN}\s+"
    rf"(?:{'|'.join(v for v in SPEECH if v != 'according to')})\b{_NOT_SPEECH_AFTER}")
_SPEAKER_AFTER = re.compile(rf"\b(?i:according to)\s+(?:(?i:the)\s+)?({_NAME})")
_NOT_A_NAME = {"the", "a", "an", "but", "and", "in", "on", "it", "he", "she", "they", "we", "this", "that", "as",
               "yet", "so", "if", "when", "while", "however", "meanwhile", "earlier", "later",
               # a document's adjectives ("Early reports indicate", "Other reports say")
               "early", "other", "initial", "preliminary", "first", "latest", "new", "some", "many", "several",
               "results", "figures", "data", "statistics", "records", "polls", "surveys"}


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
