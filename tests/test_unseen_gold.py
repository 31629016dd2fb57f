"""The gold standard of real reporting (tests/unseen_gold/) holds together: each figure's span is the
text at its offsets, its numbers follow its qualifier, its claimant is an actor of the article or the
publisher, and its dates run forward. bench/extract_eval.py --unseen scores the extractor on it."""

from pathlib import Path

import pytest
import yaml

from facts.vocab import QUALIFIERS

GOLD = Path(__file__).parent / "unseen_gold"
FILES = sorted(GOLD.rglob("*.yaml"))


def test_the_gold_is_large_enough():
    figures = sum(len(yaml.safe_load(p.read_text(encoding="utf-8"))["quantities"]) for p in FILES)
    assert len(FILES) >= 12 and figures >= 150, (len(FILES), figures)


def _bounds_follow(q: dict) -> bool:
    value, low, high = q["value"], q["low"], q["high"]
    return {"exact": value is not None and value == low == high,
            "approx": value is not None and low is None and high is None,
            "at_least": value is not None and value == low and high is None,
            "at_most": value is not None and value == high and low is None,
            "range": value is None and low is not None and high is not None and low <= high}[q["qualifier"]]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_each_article_holds_together(path):
    gold = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert gold["source"] == path.stem and gold["url"] and gold["licence"] and gold["publisher"]
    text = (path.parent / gold["text_file"]).read_text(encoding="utf-8")
    actors = {a["name"] for a in gold.get("actors") or []} | {gold["publisher"]}
    for q in gold["quantities"]:
        assert text[q["start"]:q["end"]] == q["text"], q["text"]
        assert q["qualifier"] in QUALIFIERS and _bounds_follow(q), q["text"]
        assert q["unit"] and q["claimant"] in actors, q["text"]
        assert str(q["date_start"]) <= str(q["date_end"]), q["text"]
    for b in gold.get("borderline") or []:
        assert text[b["start"]:b["end"]] == b["text"] and b["reason"], b["text"]
