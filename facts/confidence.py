"""Confidence as a likelihood 0..1, entered as a number or an ICD 203 word."""

import math
import re

from .vocab import LIKELIHOOD_BANDS, LIKELIHOOD_SYNONYMS

_BANDS = {word: (low, high) for word, low, high in LIKELIHOOD_BANDS}


def parse_confidence(value: object) -> float:
    """0.7, "0.7", "70%" or "likely" (the middle of its band, 0.675)."""
    if isinstance(value, bool):
        raise ValueError("must be a number from 0 to 1 or a likelihood word such as 'likely'")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        text = " ".join(value.strip().lower().replace("_", " ").split())
        word = LIKELIHOOD_SYNONYMS.get(text, text)
        if word in _BANDS:
            low, high = _BANDS[word]
            return round((low + high) / 2, 4)
        m = re.fullmatch(r"(\d+(?:\.\d+)?|\.\d+)\s*(%?)", text)
        if not m:
            raise ValueError(f"'{value.strip()}' is neither a number from 0 to 1 nor a likelihood word "
                             f"({', '.join(w for w, _, _ in LIKELIHOOD_BANDS)})")
        number = float(m.group(1)) / (100 if m.group(2) else 1)
    else:
        raise ValueError("must be a number from 0 to 1 or a likelihood word such as 'likely'")
    if not math.isfinite(number):
        raise ValueError("must be a finite number from 0 to 1")
    if not 0 <= number <= 1:
        raise ValueError(f"{value} is outside 0..1 (write 70% or 0.7)")
    return number


def word_band(value: str) -> tuple[float, float] | None:
    """The numbers a likelihood word covers, as shown: 'likely' -> (0.55, 0.80).

    The lowest band starts at 0 and the highest ends at 1, as likelihood_word names them.
    """
    text = " ".join(value.strip().lower().replace("_", " ").split())
    word = LIKELIHOOD_SYNONYMS.get(text, text)
    if word not in _BANDS:
        return None
    low, high = _BANDS[word]
    if word == LIKELIHOOD_BANDS[0][0]:
        low = 0.0
    if word == LIKELIHOOD_BANDS[-1][0]:
        high = 1.0
    return low, high


def confidence_conditions(op: str, value: object) -> list[tuple[str, float]]:
    """A comparison with a number or a word, as (operator, number) conditions.

    A word stands for its whole band: 'conf>=likely' includes 0.6, which is shown as likely.
    The top of a band belongs to the next band up, except 1.0.
    """
    band = word_band(value) if isinstance(value, str) else None
    if band is None:
        return [(op, parse_confidence(value))]
    low, high = band
    top = "<=" if high == 1.0 else "<"
    return {">=": [(">=", low)], ">": [(">", high)] if high == 1.0 else [(">=", high)],
            "<": [("<", low)], "<=": [(top, high)], "=": [(">=", low), (top, high)]}[op]


def likelihood_word(number: float | None) -> str:
    """The ICD 203 band a number falls in: 0.7 -> 'likely'."""
    if number is None:
        return ""
    for word, _, high in LIKELIHOOD_BANDS:
        if number < high:
            return word
    return LIKELIHOOD_BANDS[-1][0]
