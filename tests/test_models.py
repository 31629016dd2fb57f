"""The pydantic models: friendly input accepted, bad input refused with a message at the right field."""

import datetime as dt

import pytest
from pydantic import ValidationError

from facts.confidence import likelihood_word, parse_confidence
from facts.dates import parse_span, span_text
from facts.display import format_confidence, format_quantity, format_span
from facts.models import Annotation, DateSpan, FactIn, Quantity, Source, describe_errors
from facts.numbers import parse_number

BASE = {"claim": "NATO says 30,000 troops.", "subject": "Russian troops in Belarus", "date": "2022-02",
            "actor": "NATO", "source": "odr", "confidence": "likely"}


def errors(model, data):
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return describe_errors(info.value)


@pytest.mark.parametrize("text, value, low, high, qualifier", [
    ("30,000", 30000, 30000, 30000, "exact"),
    (30000, 30000, 30000, 30000, "exact"),
    ("about 30,000", 30000, None, None, "approx"),
    ("roughly 30,000", 30000, None, None, "approx"),
    ("only about 2,500", 2500, None, None, "approx"),
    ("as many as 30,000", 30000, None, 30000, "at_most"),
    ("up to 15", 15, None, 15, "at_most"),
    ("just over 90", 90, 90, None, "at_least"),
    ("more than 90", 90, 90, None, "at_least"),
    ("30,000+", 30000, 30000, None, "at_least"),
    ("10,000-30,000", None, 10000, 30000, "range"),
    ("40–50", None, 40, 50, "range"),
    ("from 10 to 20", None, 10, 20, "range"),
    ("three or four", None, 3, 4, "range"),
    ("1.5 million", 1_500_000, 1_500_000, 1_500_000, "exact"),
    ("twelve", 12, 12, 12, "exact"),
    ("a hundred", 100, 100, 100, "exact"),
    # As reporting writes them: stacked qualifiers (a bound outweighs "about"), verbs, vague amounts.
    ("up to about 8,000", 8000, None, 8000, "at_most"),
    ("a maximum of about 8,000", 8000, None, 8000, "at_most"),
    ("could reach 15,000", 15000, None, 15000, "at_most"),
    ("would exceed 5,200", 5200, 5200, None, "at_least"),
    ("10,000 or more", 10000, 10000, None, "at_least"),
    ("tens of thousands", None, 10_000, 100_000, "range"),
    ("hundreds", None, 100, 1_000, "range"),
    ("$6.1 billion", 6_100_000_000, 6_100_000_000, 6_100_000_000, "exact"),
    ("69.25 per cent", 69.25, 69.25, 69.25, "exact"),
])
def test_quantity_friendly_input(text, value, low, high, qualifier):
    q = Quantity.model_validate(text)
    assert (q.value, q.low, q.high, q.qualifier) == (value, low, high, qualifier)


def test_quantity_keeps_the_words_as_stated():
    assert Quantity.model_validate("as many as 30,000").as_stated == "as many as 30,000"


@pytest.mark.parametrize("data, field, words", [
    ("50-40", "quantity", "lower to the higher"),
    ({"value": 5, "low": 6, "qualifier": "approx"}, "quantity", "low (6) must not exceed value (5)"),
    ({"low": 1, "qualifier": "range"}, "quantity", "needs both low and high"),
    ({"value": 5, "low": 4, "qualifier": "exact"}, "quantity", "contradicts"),
    ({"value": float("nan")}, "quantity.value", "finite"),
    (float("inf"), "quantity.value", "finite"),
    ({"value": 5, "qualifier": "roughly"}, "quantity.qualifier", "must be one of"),
    ("many", "quantity", "does not start with a number"),
    (True, "quantity", "must be a number"),
])
def test_quantity_refused(data, field, words):
    problems = errors(FactIn, dict(BASE, quantity=data))
    assert any(f == field and words in reason for f, reason in problems), problems


@pytest.mark.parametrize("text, unit", [
    ("$6.1 billion", "USD"), ("€300 million", "EUR"), ("69.25 per cent", "%"), ("12%", "%"),
    ("tens of thousands of troops", "troops"),
])
def test_a_unit_the_quantity_gives(text, unit):
    fact = FactIn.model_validate(dict(BASE, quantity=text))
    assert fact.unit == unit
    assert fact.quantity.as_stated == (text.removesuffix(" of troops"))


def test_a_refused_quantity_says_which_forms_are_accepted():
    problems = errors(FactIn, dict(BASE, quantity="many"))
    assert problems[0][0] == "quantity"
    assert "for example 30000, 30,000 troops, about 30,000, up to about 8,000" in problems[0][1]
    assert "tens of thousands, $6.1 billion, 69.25 per cent" in problems[0][1]


def test_unit_taken_from_the_end_of_the_quantity():
    fact = FactIn.model_validate(dict(BASE, quantity="about 30,000 troops"))
    assert fact.unit == "troops" and fact.quantity.value == 30000 and fact.quantity.as_stated == "about 30,000"


def test_unit_in_quantity_must_agree_with_unit_given():
    problems = errors(FactIn, dict(BASE, quantity="about 30,000 troops", unit="km"))
    assert problems[0][0] == "quantity"


@pytest.mark.parametrize("text, start, end, precision", [
    ("2022", "2022-01-01", "2022-12-31", "year"),
    (2022, "2022-01-01", "2022-12-31", "year"),
    ("2022-02", "2022-02-01", "2022-02-28", "month"),
    ("2024-02", "2024-02-01", "2024-02-29", "month"),
    ("2022-02-19", "2022-02-19", "2022-02-19", "day"),
    ("2022-02-10/2022-02-20", "2022-02-10", "2022-02-20", "day"),
    ("2022-02/2022-03", "2022-02-01", "2022-03-31", "month"),
])
def test_dates_with_precision(text, start, end, precision):
    span = DateSpan.model_validate(text)
    assert (span.start.isoformat(), span.end.isoformat(), span.precision) == (start, end, precision)
    assert span_text(span.start, span.end, span.precision) == str(text)


@pytest.mark.parametrize("text, words", [
    ("2022-02-30", "not a date in the calendar"),
    ("2022-13", "no month 13"),
    ("2022-02-20/2022-02-10", "ends before it starts"),
    ("2022/2022-02", "same precision"),
    ("Feb 2022", "not a date"),
    ("", "not a date"),
])
def test_bad_dates(text, words):
    problems = errors(FactIn, dict(BASE, date=text))
    assert problems[0][0] == "date" and words in problems[0][1], problems


def test_precision_that_contradicts_the_dates_is_refused():
    problems = errors(DateSpan, {"start": "2022-02-03", "end": "2022-02-28", "precision": "month"})
    assert "first to the last day of a month" in problems[0][1]


def test_date_formats_for_reading():
    assert format_span("2022-01-01", "2022-12-31", "year") == "2022"
    assert format_span("2022-02-01", "2022-02-28", "month") == "Feb 2022"
    assert format_span("2022-02-19", "2022-02-19", "day") == "19 Feb 2022"
    assert format_span("2022-02-10", "2022-02-20", "day") == "10–20 Feb 2022"
    assert format_span("2022-02-01", "2022-03-31", "month") == "Feb–Mar 2022"
    assert parse_span(dt.date(2022, 2, 19)).precision == "day"


@pytest.mark.parametrize("given, stored", [(0.7, 0.7), ("0.7", 0.7), ("70%", 0.7), ("likely", 0.675),
                                           ("Very Likely", 0.875), ("probable", 0.675), ("almost certain", 0.97)])
def test_confidence_numbers_and_icd203_words(given, stored):
    assert parse_confidence(given) == pytest.approx(stored)
    assert FactIn.model_validate(dict(BASE, confidence=given)).confidence == pytest.approx(stored)


def test_confidence_named_by_its_band():
    assert likelihood_word(0.7) == "likely"
    assert likelihood_word(0.5) == "roughly even chance"
    assert format_confidence(0.875) == "0.88 very likely"


@pytest.mark.parametrize("given, words", [(1.5, "outside 0..1"), (-0.1, "outside 0..1"),
                                          ("probablyy", "likelihood word"), (float("nan"), "finite"),
                                          (True, "number from 0 to 1")])
def test_bad_confidence(given, words):
    problems = errors(FactIn, dict(BASE, confidence=given))
    assert problems[0][0] == "confidence" and words in problems[0][1], problems


def test_unknown_fields_are_named_not_ignored():
    assert ("cliam", "is not a field of this record") in errors(FactIn, dict(BASE, cliam="x"))


def test_required_fields_are_named():
    data = dict(BASE)
    del data["claim"], data["actor"]
    problems = dict(errors(FactIn, data))
    assert problems == {"claim": "is required", "actor": "is required"}


@pytest.mark.parametrize("text, words", [("", "must not be empty"), ("   ", "must not be empty"),
                                         ("a\x1b[31mb", "control characters"), ("a\x00b", "control characters"),
                                         ("x" * 2001, "at most 2,000")])
def test_claim_text_rules(text, words):
    problems = errors(FactIn, dict(BASE, claim=text))
    assert problems[0][0] == "claim" and words in problems[0][1], problems


def test_status_rules_named_at_their_field():
    assert ("status_reason", "a disputed fact needs a reason") in errors(FactIn, dict(BASE, status="disputed"))
    problems = errors(FactIn, dict(BASE, status="superseded", status_reason="newer figure"))
    assert problems[0][0] == "superseded_by"


def test_source_reliability_and_key():
    source = Source.model_validate({"key": "ODR-1", "title": "T", "reliability": "b", "text": "abc"})
    assert source.key == "odr-1" and source.reliability == "B"
    assert source.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    problems = dict(errors(Source, {"key": "k", "title": "T", "reliability": "G"}))
    assert "must be one of" in problems["reliability"]
    problems = dict(errors(Source, {"key": "k", "title": "T", "url": "javascript:alert(1)"}))
    assert "http" in problems["url"]


def test_annotation_kinds():
    assert Annotation(fact_id=1, kind="rate", confidence="likely", body="new report", author="a").confidence == 0.675
    assert errors(Annotation, {"fact_id": 1, "kind": "rate", "confidence": 0.5, "author": "a"})[0][0] == "reason"
    assert errors(Annotation, {"fact_id": 1, "kind": "tag", "author": "a"})[0][0] == "tag"
    superseded = {"fact_id": 1, "kind": "status", "status": "superseded", "body": "x", "author": "a"}
    assert errors(Annotation, superseded)[0][0] == "superseded_by"
    assert errors(Annotation, {"fact_id": 1, "kind": "note", "body": "x", "tag": "t", "author": "a"})[0][0] == "tag"


def test_number_words_and_separators():
    assert parse_number("2,500") == 2500
    assert parse_number("thirty-six") == 36
    assert parse_number("two hundred") == 200
    with pytest.raises(ValueError):
        parse_number("lots")


def test_quantity_display():
    assert format_quantity({"qualifier": "approx", "value": 30000.0}) == "≈30,000"
    assert format_quantity({"qualifier": "at_least", "value": 90.0}) == "≥90"
    assert format_quantity({"qualifier": "at_most", "value": 30000.0}) == "≤30,000"
    assert format_quantity({"qualifier": "range", "low": 40.0, "high": 50.0}) == "40–50"
    assert format_quantity({"qualifier": "exact", "value": 2.5}) == "2.5"
