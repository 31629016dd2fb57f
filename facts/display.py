"""How values read to a person: shared by the CLI and the browser."""

from .confidence import format_confidence
from .dates import format_span
from .numbers import format_number


def format_quantity(row: dict) -> str:
    """'≈30,000', '≥90', '≤30,000', '40–50', '30,000'."""
    qualifier = row.get("qualifier")
    if qualifier is None:
        return ""
    value, low, high = row.get("value"), row.get("low"), row.get("high")
    if qualifier == "range":
        text = f"{format_number(low)}–{format_number(high)}"
        return f"{text} (best {format_number(value)})" if value is not None else text
    if qualifier == "approx":
        text = f"≈{format_number(value)}"
        if low is not None or high is not None:
            text += f" ({format_number(low) or '…'}–{format_number(high) or '…'})"
        return text
    return {"exact": "", "at_least": "≥", "at_most": "≤"}[qualifier] + format_number(value)


def format_quantity_unit(row: dict) -> str:
    """'≈30,000 troops'."""
    return f"{format_quantity(row)} {row.get('unit') or ''}".strip()


def format_date(row: dict) -> str:
    return format_span(row.get("date_start"), row.get("date_end"), row.get("date_precision"))


def format_fact_confidence(row: dict) -> str:
    return format_confidence(row.get("confidence"))
