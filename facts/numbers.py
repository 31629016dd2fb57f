"""Numbers and quantities as people write them: "about 30,000", "40-50 km"."""

import math
import re
from dataclasses import dataclass
from functools import lru_cache

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "dozen": 12, "a dozen": 12,
}
_SCALES = {
    "hundred": 100, "thousand": 1_000, "million": 1_000_000,
    "billion": 1_000_000_000, "k": 1_000, "m": 1_000_000, "mn": 1_000_000,
    "bn": 1_000_000_000,
}

NUMBER_WORDS = sorted(list(_SMALL) + [s for s in _SCALES if len(s) > 2], key=len, reverse=True)

# Qualifier phrases before a number, longest first so "only about" wins over "about".
_PHRASES_BY_QUALIFIER = {
    "approx": ["only about", "approximately", "an estimated", "estimated", "roughly", "around",
               "about", "some", "circa", "close to", "closer to", "c.", "ca.", "~", "≈"],
    # "almost seven times" is below seven: a bound, not an estimate around it.
    "at_most": ["as many as", "as much as", "no more than", "not more than", "fewer than", "just under",
                "less than", "up to", "at most", "under", "below", "nearly", "almost", "within", "max.",
                "≤", "<=", "<"],
    "at_least": ["no fewer than", "no less than", "not less than", "in excess of", "more than",
                 "just over", "at least", "upwards of", "over", "above", "min.", "≥", ">=", ">"],
}
# (phrase, qualifier), longest first: what parse_quantity and the extraction read before a number.
QUALIFIER_PHRASES = sorted(((p, q) for q, ps in _PHRASES_BY_QUALIFIER.items() for p in ps),
                           key=lambda pq: len(pq[0]), reverse=True)

_DIGITS = r"[-+]?(?:\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+"
_WORD = "|".join(re.escape(w) for w in NUMBER_WORDS)
# One number: digits with an optional scale ("1.5 million", "30k"), or words ("a hundred", "twelve").
_NUMBER = (rf"(?:(?:{_DIGITS})(?:\s*(?:hundred|thousand|million|billion|bn|mn|k|m)\b)?"
           rf"|(?:a\s+)?(?:(?:{_WORD})(?:[\s-]+(?:{_WORD}))*)\b)")
_ONE = re.compile(rf"^(?P<n>{_NUMBER})(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_RANGE = re.compile(
    rf"^(?:from\s+|between\s+)?(?P<a>{_NUMBER})\s*(?:-|–|—|to|and|or)\s*(?P<b>{_NUMBER})(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


def parse_number(text: str) -> float:
    """'30,000' -> 30000, '1.5 million' -> 1500000, 'twelve' -> 12, 'a hundred' -> 100."""
    t = text.strip().lower()
    if not t:
        raise ValueError("no number given")
    m = re.fullmatch(rf"(?P<d>{_DIGITS})\s*(?P<scale>hundred|thousand|million|billion|bn|mn|k|m)?", t)
    if m:
        number = float(re.sub(r"[,\u00a0\u202f ]", "", m.group("d")))
        if m.group("scale"):
            number *= _SCALES[m.group("scale")]
        return _finite(number, text)
    return _finite(_parse_words(t, text), text)


def _parse_words(t: str, original: str) -> float:
    words = re.split(r"[\s-]+", t)
    if words and words[0] == "a":
        words = words[1:] or ["?"]
        if words[0] in ("hundred", "thousand", "million", "billion"):
            words = ["one"] + words
    total, current, seen = 0, 0, False
    i = 0
    while i < len(words):
        w = words[i]
        if w == "and":
            i += 1
            continue
        if w == "dozen":
            current = (current or 1) * 12
        elif w in _SMALL:
            current += _SMALL[w]
        elif w in ("hundred",):
            current = (current or 1) * 100
        elif w in ("thousand", "million", "billion"):
            total += (current or 1) * _SCALES[w]
            current = 0
        else:
            raise ValueError(f"'{original.strip()}' is not a number")
        seen = True
        i += 1
    if not seen:
        raise ValueError(f"'{original.strip()}' is not a number")
    return float(total + current)


def _finite(number: float, text: str) -> float:
    if not math.isfinite(number) or abs(number) > 1e300:
        raise ValueError(f"'{text.strip()}' is not a finite number")
    return number


@dataclass(frozen=True)
class ParsedQuantity:
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    rest: str  # text after the number: the unit, if any


@lru_cache(maxsize=4096)  # a fact's quantity is read twice (for its unit, then its value); imports repeat them
def parse_quantity(text: str) -> ParsedQuantity:
    """Read a quantity as written: "about 30,000 troops", "40-50 km", "at least 90"."""
    t = " ".join(text.strip().split())
    if not t:
        raise ValueError("no quantity given")
    qualifier = None
    lowered = t.lower()
    for phrase, q in QUALIFIER_PHRASES:
        if lowered.startswith(phrase) and (not phrase[-1].isalpha() or len(t) == len(phrase)
                                           or not t[len(phrase)].isalpha()):
            qualifier = q
            t = t[len(phrase):].strip()
            break
    m = _RANGE.match(t)
    if m:
        low, high = parse_number(m.group("a")), parse_number(m.group("b"))
        if low >= high:
            raise ValueError(f"the range '{text.strip()}' must go from the lower to the higher number")
        return ParsedQuantity(None, low, high, "range", m.group("rest").strip())
    m = _ONE.match(t)
    if not m:
        raise ValueError(f"'{text.strip()}' does not start with a number")
    value = parse_number(m.group("n"))
    rest = m.group("rest").strip()
    if rest.startswith("+") and qualifier is None:  # "30,000+"
        qualifier, rest = "at_least", rest[1:].strip()
    qualifier = qualifier or "exact"
    return ParsedQuantity(value, value if qualifier in ("exact", "at_least") else None,
                          value if qualifier in ("exact", "at_most") else None, qualifier, rest)
