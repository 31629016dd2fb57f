"""The record, checked at the door: pydantic models with friendly input.

schema.sql holds the same rules behind these; a record these models accept is
one the database accepts.
"""

import datetime as dt
import hashlib
import re
from typing import Annotated, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .confidence import parse_confidence
from .dates import Span, check_span, parse_partial, parse_span
from .errors import FieldProblems
from .numbers import parse_quantity
from .text import paragraph, single_line
from .vocab import ActorKind, AnnotationKind, MediaType, Precision, Qualifier, Reliability, Status


def _line(max_length: int):
    return AfterValidator(lambda v: single_line(v, max_length))


def _para(max_length: int, strip: bool = True):
    return AfterValidator(lambda v: paragraph(v, max_length, strip))


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _no_bool(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    return value


def _timestamp(value: object) -> object:
    """A UTC time as the database writes it: 2026-11-22T09:00:00.000Z."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z", value):
        raise ValueError("must be a UTC time written YYYY-MM-DDTHH:MM:SS.fffZ")
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"'{value}' is not a time in the calendar") from None
    return value


Name = Annotated[str, _line(200)]
Timestamp = Annotated[str, BeforeValidator(_timestamp)]
Claim = Annotated[str, _line(2000)]
Subject = Annotated[str, _line(200)]
Unit = Annotated[str, _line(100)]
Tag = Annotated[str, _line(100)]
Note = Annotated[str, _para(10_000)]
QuoteText = Annotated[str, _para(10_000, strip=False)]
PartialDate = Annotated[str, BeforeValidator(parse_partial)]
Confidence = Annotated[float, BeforeValidator(parse_confidence)]
Credibility = Annotated[int, BeforeValidator(_no_bool), Field(ge=1, le=6)]
Number = Annotated[float, BeforeValidator(_no_bool)]


class FieldError(ValueError):
    """A rule across fields, reported at the field the person should change."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class Model(BaseModel):
    # Unknown fields are refused by name, never ignored; numbers must be finite.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_strip_whitespace=False)


class Quantity(Model):
    """A number as claimed: best value, bounds and how they were stated."""

    value: Number | None = None
    low: Number | None = None
    high: Number | None = None
    qualifier: Qualifier = "exact"
    as_stated: Annotated[str, _line(200)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: object) -> object:
        if isinstance(data, bool):
            raise ValueError("must be a number such as 30000 or text such as 'about 30,000'")
        if isinstance(data, (int, float)):
            return {"value": data}
        if isinstance(data, str):
            parsed = parse_quantity(data)
            if parsed.rest:
                raise ValueError(f"'{parsed.rest}' after the number is not part of a quantity (give it as the unit)")
            return {"value": parsed.value, "low": parsed.low, "high": parsed.high,
                    "qualifier": parsed.qualifier, "as_stated": " ".join(data.split())}
        return data

    @model_validator(mode="after")
    def _bounds(self) -> "Quantity":
        v, lo, hi, q = self.value, self.low, self.high, self.qualifier
        if q == "range":
            if lo is None or hi is None:
                raise ValueError("a range needs both low and high")
            if lo >= hi:
                raise ValueError(f"low ({lo:g}) must be below high ({hi:g})")
            if v is not None and not lo <= v <= hi:
                raise ValueError(f"value ({v:g}) must lie between low ({lo:g}) and high ({hi:g})")
            return self
        if v is None:
            raise ValueError(f"a quantity qualified '{q}' needs a value")
        expected = {"exact": (v, v), "at_least": (v, None), "at_most": (None, v)}.get(q)
        if expected is not None:
            for name, given, want in (("low", lo, expected[0]), ("high", hi, expected[1])):
                if given is not None and given != want:
                    raise ValueError(f"{name} ({given:g}) contradicts a quantity qualified '{q}' with value {v:g}")
            object.__setattr__(self, "low", expected[0])
            object.__setattr__(self, "high", expected[1])
            return self
        if lo is not None and lo > v:
            raise ValueError(f"low ({lo:g}) must not exceed value ({v:g})")
        if hi is not None and v > hi:
            raise ValueError(f"value ({v:g}) must not exceed high ({hi:g})")
        return self


class DateSpan(Model):
    """When a claim holds: an inclusive span of days at a precision."""

    start: dt.date
    end: dt.date
    precision: Precision

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: object) -> object:
        if isinstance(data, dict):
            return data
        span: Span = parse_span(data)
        return {"start": span.start, "end": span.end, "precision": span.precision}

    @model_validator(mode="after")
    def _consistent(self) -> "DateSpan":
        check_span(self.start, self.end, self.precision)
        return self


# A record's global id, as facts makes one (32 hex digits) or another program gave it.
Uid = Annotated[str, Field(pattern=r"^[0-9A-Za-z-]{8,64}$")]


class Source(Model):
    key: Annotated[str, BeforeValidator(_lower), Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=100)]
    title: Annotated[str, _line(500)]
    publisher: Name | None = None
    author: Name | None = None
    url: Annotated[str, _line(2000), Field(pattern=r"^https?://\S+$")] | None = None
    published: PartialDate | None = None
    retrieved: dt.date | None = None
    reliability: Annotated[Reliability, BeforeValidator(_upper)] | None = None
    description: Note | None = None
    text: Annotated[str, _para(5_000_000, strip=False)] | None = None
    media_type: MediaType = "text/plain"
    language: Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{1,35}$")] | None = None
    archive_url: Annotated[str, _line(2000), Field(pattern=r"^https?://\S+$")] | None = None
    page_starts: list[Annotated[int, Field(ge=0)]] | None = None  # a PDF: where each page's text starts
    added_at: Timestamp | None = None  # kept by a full-fidelity export; otherwise now
    added_by: Name | None = None
    uid: Uid | None = None

    @property
    def sha256(self) -> str | None:
        return None if self.text is None else hashlib.sha256(self.text.encode("utf-8")).hexdigest()


class SpeaksFor(Model):
    """An organisation an actor speaks for, from and to a date (each optional)."""

    actor: Name
    from_: PartialDate | None = Field(None, alias="from")
    to: PartialDate | None = None


class Actor(Model):
    name: Name
    kind: Annotated[ActorKind, BeforeValidator(_lower)] = "other"
    aliases: list[Name] = Field(default_factory=list)
    description: Note | None = None
    speaks_for: list[SpeaksFor] = Field(default_factory=list)
    added_at: Timestamp | None = None
    uid: Uid | None = None
    alias_uids: dict[Name, Uid] = Field(default_factory=dict)  # each alias's global id, by alias

    @field_validator("speaks_for", mode="before")
    @classmethod
    def _names(cls, value: object) -> object:
        # "speaks_for: NATO" or a list of names or {actor, from, to} mappings
        items = [value] if isinstance(value, (str, dict)) else value if value is not None else []
        return [{"actor": i} if isinstance(i, str) else i for i in items] if isinstance(items, list) else value

    @field_validator("aliases", mode="before")
    @classmethod
    def _one_alias(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class FactPointer(Model):
    """A stored fact named by its source and (part of) its quote: how a fact file says what a fact repeats."""

    source: Annotated[str, BeforeValidator(_lower), Field(min_length=1, max_length=100)]
    quote: QuoteText


def _fact_pointer(value: object) -> object:
    """A fact id, or {source, quote}: one message for whatever else was given."""
    if isinstance(value, dict):
        try:
            return FactPointer.model_validate(value)
        except ValidationError as e:
            reasons = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors())
            raise ValueError(f"give a fact id or {{source, quote}} ({reasons})") from None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    if isinstance(value, str) and value.strip().lstrip("#").isdigit() and int(value.strip().lstrip("#")) >= 1:
        return int(value.strip().lstrip("#"))
    raise ValueError("give a fact id or {source, quote}")


class FactIn(Model):
    """A fact as entered: names and keys, resolved against the database on the way in."""

    claim: Claim
    subject: Subject
    quantity: Quantity | None = None
    unit: Unit | None = None
    date: DateSpan
    stated_on: PartialDate | None = None
    actor: Name
    about: list[Name] = Field(default_factory=list)
    source: Annotated[str, BeforeValidator(_lower), Field(min_length=1, max_length=100)]
    quote: QuoteText | None = None
    quote_start: Annotated[int, BeforeValidator(_no_bool), Field(ge=0)] | None = None
    confidence: Confidence
    credibility: Credibility | None = None
    status: Annotated[Status, BeforeValidator(_lower)] = "active"
    status_reason: Note | None = None
    superseded_by: Annotated[int, BeforeValidator(_no_bool), Field(ge=1)] | None = None
    # The fact this one relays: its id (a file-local ref in a full-fidelity file), or its source and quote.
    repeats: Annotated[int | FactPointer, BeforeValidator(_fact_pointer)] | None = None
    uid: Uid | None = None
    tags: list[Tag] = Field(default_factory=list)
    note: Note | None = None
    created_at: Timestamp | None = None  # kept by a full-fidelity export; otherwise now
    created_by: Name | None = None

    @model_validator(mode="before")
    @classmethod
    def _unit_from_quantity(cls, data: object) -> object:
        # "about 30,000 troops" gives the unit too.
        if isinstance(data, dict) and isinstance(data.get("quantity"), str):
            try:
                parsed = parse_quantity(data["quantity"])
            except ValueError:
                return data  # the quantity field reports it
            unit = data.get("unit")
            if parsed.rest:
                if unit in (None, "") or (isinstance(unit, str) and unit.strip() == parsed.rest):
                    written = " ".join(data["quantity"].split())
                    words = re.sub(r"\s+of$", "", written[: -len(parsed.rest)].strip())  # "tens of thousands of"
                    data = dict(data, unit=parsed.rest, quantity=words)
            elif parsed.unit and unit in (None, ""):  # "$6.1 billion" is in USD, "69.25 per cent" in %
                data = dict(data, unit=parsed.unit)
        return data

    @field_validator("about", "tags", mode="before")
    @classmethod
    def _list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(";") if part.strip()]
        return value if value is not None else []

    @model_validator(mode="after")
    def _rules(self) -> "FactIn":
        if self.quantity is None and self.unit is not None:
            raise FieldError("unit", "a unit needs a quantity")
        if self.status == "superseded" and self.superseded_by is None:
            raise FieldError("superseded_by", "a superseded fact names the fact that supersedes it")
        if self.status != "superseded" and self.superseded_by is not None:
            raise FieldError("superseded_by", "is only for a fact whose status is superseded")
        if self.status != "active" and self.status_reason is None:
            raise FieldError("status_reason", f"a {self.status} fact needs a reason")
        if self.quote_start is not None and self.quote is None:
            raise FieldError("quote_start", "needs a quote")
        return self


class Annotation(Model):
    """An append-only remark on a fact: a note, a tag, a re-rating, a status."""

    fact_id: Annotated[int, BeforeValidator(_no_bool), Field(ge=1)]
    kind: AnnotationKind
    body: Note | None = None
    tag: Tag | None = None
    confidence: Confidence | None = None
    status: Annotated[Status, BeforeValidator(_lower)] | None = None
    superseded_by: Annotated[int, BeforeValidator(_no_bool), Field(ge=1)] | None = None
    retracts: Annotated[int, BeforeValidator(_no_bool), Field(ge=1)] | None = None
    author: Name
    created_at: Timestamp | None = None  # kept by a full-fidelity export; otherwise now
    uid: Uid | None = None

    @model_validator(mode="after")
    def _kind_rules(self) -> "Annotation":
        needs = {"note": "body", "flag": "body", "tag": "tag", "untag": "tag", "rate": "confidence",
                 "status": "status", "retraction": "retracts"}[self.kind]
        if getattr(self, needs) is None:
            raise FieldError(needs, f"a {self.kind} annotation needs one")
        allowed = {"note": {"body"}, "flag": {"body"}, "tag": {"tag"}, "untag": {"tag"},
                   "rate": {"confidence", "body"}, "status": {"status", "body", "superseded_by"},
                   "retraction": {"retracts", "body"}}[self.kind]
        for name in ("body", "tag", "confidence", "status", "superseded_by", "retracts"):
            if name not in allowed and getattr(self, name) is not None:
                raise FieldError(name, f"a {self.kind} annotation has none")
        if self.kind == "rate" and self.body is None:
            raise FieldError("reason", "a re-rating needs a reason")
        if self.kind == "status":
            if self.status != "active" and self.body is None:
                raise FieldError("reason", f"marking a fact {self.status} needs a reason")
            if (self.status == "superseded") != (self.superseded_by is not None):
                raise FieldError("superseded_by",
                                 "superseded needs the fact that supersedes it, and only superseded takes one")
            if self.superseded_by == self.fact_id:
                raise FieldError("superseded_by", "a fact cannot supersede itself")
        return self


# Friendly names for pydantic's error types.
_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this record",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "finite_number": "must be a finite number (not NaN or infinity)",
    "string_type": "must be text",
    "list_type": "must be a list",
    "date_from_datetime_parsing": "must be a date written YYYY-MM-DD",
    "date_parsing": "must be a date written YYYY-MM-DD",
    "date_type": "must be a date written YYYY-MM-DD",
    "model_type": "must be a mapping of fields",
    "dict_type": "must be a mapping of fields",
}


def describe_errors(error: ValidationError) -> list[tuple[str, str]]:
    """(field, reason) pairs in words a person can act on."""
    out = []
    for e in error.errors(include_url=False):
        loc = [str(p) for p in e["loc"] if not str(p).startswith(("function-", "constrained-"))]
        # Drop pydantic's internal step names ("str", "float", ...) from unions.
        loc = [p for p in loc if p not in {"str", "int", "float", "none", "is-instance[date]", "DateSpan",
                                           "Quantity", "lax-or-strict[lax=union[json-or-python[json=function-after"}]
        field = ".".join(loc) or "record"
        kind = e["type"]
        if kind == "value_error":
            cause = e.get("ctx", {}).get("error")
            msg = str(cause) if cause is not None else e["msg"].removeprefix("Value error, ")
            if isinstance(cause, FieldError):
                field = ".".join(loc + [cause.field])
        elif kind == "literal_error":
            msg = f"must be one of: {e['ctx']['expected'].replace(' or ', ', ')}"
        elif kind == "string_pattern_mismatch":
            msg = _pattern_message(field)
        elif kind in ("greater_than_equal", "less_than_equal"):
            msg = f"{e['input']!r} is out of range ({e['msg'].lower().removeprefix('input should be ')})"
        elif kind == "string_too_long":
            msg = f"is longer than {e['ctx']['max_length']:,} characters"
        elif kind == "string_too_short":
            msg = "must not be empty"
        else:
            msg = _MESSAGES.get(kind, e["msg"])
        out.append((field, msg))
    return _dedupe(out)


def _pattern_message(field: str) -> str:
    if field.endswith("url"):
        return "must be a web address starting with http:// or https://"
    if field.endswith("key"):
        return "must be lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"
    return "has the wrong form"


def _dedupe(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen, out = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


_Model = TypeVar("_Model", bound=BaseModel)


def validated(model: type[_Model], data: object) -> _Model:
    """The model of a record, or FieldProblems naming every field that is wrong."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise FieldProblems(describe_errors(e)) from None
