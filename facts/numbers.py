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
    "billion": 1_000_000_000, "trillion": 10**12, "k": 1_000, "m": 1_000_000, "mn": 1_000_000,
    "bn": 1_000_000_000, "tn": 10**12,
}
SCALE_WORDS = tuple(w for w in _SCALES if len(w) > 2)  # hundred, thousand, million, billion, trillion
_SCALE_WORD = "|".join(SCALE_WORDS)
_SCALE_ANY = "|".join(sorted(_SCALES, key=len, reverse=True))

NUMBER_WORDS = sorted(list(_SMALL) + [s for s in _SCALES if len(s) > 2], key=len, reverse=True)

# Qualifier phrases before a number, longest first so "only about" wins over "about". Several may stand
# together ("up to about 8,000"): a bound (at most, at least) outweighs an estimate.
_PHRASES_BY_QUALIFIER = {
    "approx": ["only about", "approximately", "approx.", "an estimated", "estimated", "roughly", "around",
               "about", "some", "circa", "close to", "closer to", "c.", "ca.", "~", "≈"],
    # "almost seven times" is below seven: a bound, not an estimate around it.
    "at_most": ["as many as", "as much as", "as high as", "no more than", "not more than", "fewer than",
                "just under", "less than", "up to", "at most", "at the most", "under", "below", "nearly",
                "almost", "nears", "nearing", "within", "max.", "a maximum of", "maximum of", "a ceiling of",
                "no higher than", "not exceeding", "none greater than", "none larger than", "no greater than",
                "could reach", "may reach", "might reach", "would reach", "will reach",
                "could be as many as", "≤", "<=", "<"],
    "at_least": ["no fewer than", "no less than", "not less than", "in excess of",
                 "greater than", "larger than", "higher than", "more than", "just over",
                 "at least", "upwards of", "upward of", "over", "above", "min.", "a minimum of", "minimum of",
                 "could exceed", "may exceed", "might exceed", "would exceed", "will exceed", "exceeding",
                 "exceeds", "exceeded", "exceed", "topped", "tops", "topping", "surpassed", "passed", "passes",
                 "pass", "≥", ">=", ">"],
}
# (phrase, qualifier), longest first: what parse_quantity and the extraction read before a number.
QUALIFIER_PHRASES = sorted(((p, q) for q, ps in _PHRASES_BY_QUALIFIER.items() for p in ps),
                           key=lambda pq: len(pq[0]), reverse=True)
# Phrases after a number ("10,000 or more"): what parse_quantity and the extraction read there.
TRAILING_PHRASES = {"at most": "at_most", "at maximum": "at_most", "at the most": "at_most",
                    "at least": "at_least", "or more": "at_least", "or so": "approx", "or less": "at_most",
                    "or fewer": "at_most", "or higher": "at_least", "or above": "at_least",
                    "or greater": "at_least", "or lower": "at_most", "or below": "at_most"}
# A number's own unit, before it or after it: "$6.1 billion", "69.25 per cent".
CURRENCIES = {"us$": "USD", "$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
               "₽": "RUB", "rub": "RUB", "₴": "UAH", "uah": "UAH"}
_PERCENT = re.compile(r"^(?:%|per\s*cent\b|percent\b)", re.IGNORECASE)
# Vague amounts: "tens of thousands" is 10,000 to 100,000; "dozens" 24 to 144.
VAGUE = {"dozens": (24, 144), "tens": (10, 100), "scores": (40, 100), "hundreds": (100, 1_000),
          "thousands": (1_000, 10_000), "millions": (1_000_000, 10_000_000), "billions": (10**9, 10**10)}
VAGUE_SCALE = {"hundreds": 100, "thousands": 1_000, "millions": 1_000_000, "billions": 10**9}
_VAGUE_RE = re.compile(rf"^(?P<a>{'|'.join(VAGUE)})(?:\s+of\s+(?P<b>{'|'.join(VAGUE_SCALE)}))?\b(?P<rest>.*)$",
                       re.IGNORECASE | re.DOTALL)
ACCEPTED = ("write a number, for example 30000, 30,000 troops, about 30,000, up to about 8,000, more than 40, "
            "10,000-15,000, between 10,000 and 15,000, tens of thousands, $6.1 billion, 69.25 per cent")

_DIGITS = r"[-+]?(?:\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+"
_WORD = "|".join(re.escape(w) for w in NUMBER_WORDS)
# One number: digits with an optional scale ("1.5 million", "30k"), or words ("a hundred", "twelve").
_NUMBER = (rf"(?:(?:{_DIGITS})(?:\s*(?:{_SCALE_ANY})\b)?"
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
    m = re.fullmatch(rf"(?P<d>{_DIGITS})(?:[\s-]*(?P<scale>{_SCALE_ANY}))?", t)
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
        if words[0] in SCALE_WORDS:
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
        elif w in SCALE_WORDS:
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
    unit: str | None = None  # a unit the number's own signs give: USD for "$", % for "per cent"


@lru_cache(maxsize=4096)  # a fact's quantity is read twice (for its unit, then its value); imports repeat them
def parse_quantity(text: str) -> ParsedQuantity:
    """Read a quantity as written: "about 30,000 troops", "40-50 km", "up to about 8,000", "tens of
    thousands", "$6.1 billion", "69.25 per cent"."""
    t = " ".join(text.strip().split())
    if not t:
        raise ValueError(f"no quantity given: {ACCEPTED}")
    qualifiers, t = _leading_qualifiers(t)
    unit, t = _currency(t)
    m = _VAGUE_RE.match(t)
    if m:
        least, most = VAGUE[m.group("a").lower()]
        scale = VAGUE_SCALE[m.group("b").lower()] if m.group("b") else 1
        rest = m.group("rest").strip()
        rest = re.sub(r"^of\b\s*", "", rest, flags=re.IGNORECASE)  # "tens of thousands of troops"
        return _with_unit(ParsedQuantity(None, float(least * scale), float(most * scale), "range", rest), unit)
    m = _RANGE.match(t)
    if m:
        low, high = parse_number(m.group("a")), parse_number(m.group("b"))
        if low >= high:
            raise ValueError(f"the range '{text.strip()}' must go from the lower to the higher number")
        rest = m.group("rest").strip()
        for phrase in TRAILING_PHRASES:  # "three or four at maximum": the range says it already
            if rest.lower() == phrase or rest.lower().startswith(phrase + " "):
                rest = rest[len(phrase):].strip()
                break
        return _with_unit(ParsedQuantity(None, low, high, "range", rest), unit)
    m = _ONE.match(t)
    if not m:
        raise ValueError(f"'{text.strip()}' does not start with a number: {ACCEPTED}")
    value = parse_number(m.group("n"))
    rest = m.group("rest").strip()
    if rest[:1] in (",", ".") or rest[:1].isdigit():  # "30,00": a number cut short, not a unit ",00"
        raise ValueError(f"'{text.strip()}' is not a number: write digits in groups of three after a comma "
                         "(30,000) and a point before decimals (2.5)")
    if rest.startswith("+"):  # "30,000+"
        qualifiers.append("at_least")
        rest = rest[1:].strip()
    for phrase, q in TRAILING_PHRASES.items():
        if rest.lower() == phrase or rest.lower().startswith(phrase + " "):
            qualifiers.append(q)
            rest = rest[len(phrase):].strip()
            break
    qualifier = strongest(qualifiers)
    return _with_unit(ParsedQuantity(value, *bounds(qualifier, value), qualifier, rest), unit)


def bounds(qualifier: str, value: float) -> tuple[float | None, float | None]:
    """The low and high a single number has under its qualifier: both for exact, low for at least, high for
    at most, neither for an estimate."""
    return (value if qualifier in ("exact", "at_least") else None,
            value if qualifier in ("exact", "at_most") else None)


def _leading_qualifiers(t: str) -> tuple[list[str], str]:
    """The qualifier phrases before a number, one after another, and the text after them."""
    found = []
    while True:
        lowered = t.lower()
        for phrase, q in QUALIFIER_PHRASES:
            if lowered.startswith(phrase) and (not phrase[-1].isalpha() or len(t) == len(phrase)
                                               or not t[len(phrase)].isalpha()):
                found.append(q)
                t = t[len(phrase):].strip()
                break
        else:
            return found, t


def strongest(qualifiers: list[str]) -> str:
    """The qualifier of stacked phrases: a bound outweighs an estimate ("up to about" is at most)."""
    bounds = [q for q in qualifiers if q in ("at_most", "at_least")]
    if bounds:
        return bounds[0]
    return "approx" if qualifiers else "exact"


def _currency(t: str) -> tuple[str | None, str]:
    """A currency sign or code before the number: ('USD', '6.1 billion') for '$6.1 billion'."""
    lowered = t.lower()
    for sign in sorted(CURRENCIES, key=len, reverse=True):
        if lowered.startswith(sign) and (not sign[-1].isalpha() or t[len(sign):len(sign) + 1] in (" ", "")):
            return CURRENCIES[sign], t[len(sign):].strip()
    return None, t


def _with_unit(parsed: ParsedQuantity, unit: str | None) -> ParsedQuantity:
    """The unit a sign gives: a currency before the number, or a percent after it."""
    rest = parsed.rest
    m = _PERCENT.match(rest)
    if m and unit is None:
        unit, rest = "%", rest[m.end():].strip()
    if unit is None:
        return parsed
    return ParsedQuantity(parsed.value, parsed.low, parsed.high, parsed.qualifier, rest, unit)
