"""The Datasette plugin: facts as an analyst reads them, and the fact, source and compare pages, through
Datasette's in-process client on the seed collection."""

import asyncio
import importlib.metadata
import re
import sqlite3
from pathlib import Path

import pytest
from datasette.app import Datasette
from datasette.plugins import pm
from support import copy_db, run

import facts.web
from facts.display import format_confidence, format_quantity_unit

if not pm.is_registered(facts.web):  # registered by its entry point once installed; in any case here
    pm.register(facts.web, "facts")


def pages(db: Path, *paths: str, metadata: dict | None = None) -> list:
    async def fetch():
        ds = Datasette([str(db)], metadata=metadata)
        await ds.invoke_startup()
        return [await ds.client.get(path) for path in paths]
    return asyncio.run(fetch())


def ok(db: Path, path: str) -> str:
    (response,) = pages(db, path)
    assert response.status_code == 200, (path, response.status_code, response.text[:500])
    return response.text


@pytest.fixture(scope="module")
def db(seed_template, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("web") / "facts.db"
    copy_db(seed_template, path)
    assert run(path, "rate", "1", "very likely", "--reason", "Matches rail counts").exit_code == 0
    assert run(path, "tag", "1", "rail").exit_code == 0
    return path


def test_the_plugin_is_registered_for_datasette():
    found = [e for e in importlib.metadata.entry_points(group="datasette") if e.value == "facts.web"]
    assert found, "facts.web is not registered under Datasette's entry point"


def test_the_facts_table_reads_as_an_analyst_reads_it(db):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    first = dict(conn.execute("SELECT * FROM facts_flat WHERE id = 1").fetchone())
    html = ok(db, "/facts/facts_flat?_size=5")
    assert format_quantity_unit(first) in html.replace("&#8776;", "≈")  # ≈30,000 troops
    assert "30000.0" not in html
    assert f'href="/-/facts/facts/actor/{first["actor_id"]}">{first["claimant"]}</a>' in html
    assert f'href="/-/facts/facts/source/{first["source"]}">{first["source"]}</a>' in html
    assert 'href="/-/facts/facts/fact/1">1</a>' in html
    assert format_confidence(first["confidence"]) in html  # the re-rated confidence, as its number and its word
    assert "very likely" in format_confidence(first["confidence"])
    assert "/-/static-plugins/facts/facts.css" in html
    css = ok(db, "/-/static-plugins/facts/facts.css")
    assert "dl.column-descriptions { display: none; }" in css  # the descriptions stay in the column menus


def test_the_plain_facts_table_names_its_claimant_and_source(db):
    html = ok(db, "/facts/facts?_size=3")
    conn = sqlite3.connect(db)
    name, key = conn.execute("SELECT a.name, s.key FROM facts f JOIN actors a ON a.id = f.actor_id "
                             "JOIN sources s ON s.id = f.source_id WHERE f.id = 1").fetchone()
    assert f">{name}</a>" in html and f">{key}</a>" in html


def test_a_fact_page_has_its_quote_in_its_paragraph_and_names_linked(db):
    conn = sqlite3.connect(db)
    quote, start, text, key, claimant, subject = conn.execute(
        "SELECT f.quote, f.quote_start, s.text, s.key, a.name, f.subject FROM facts f JOIN sources s ON "
        "s.id = f.source_id JOIN actors a ON a.id = f.actor_id WHERE f.id = 1").fetchone()
    html = ok(db, "/-/facts/facts/fact/1")
    paragraph_start = text.rfind("\n", 0, start) + 1
    before = text[paragraph_start:start]
    assert f"{escape_html(before)}<mark>{escape_html(quote)}</mark>" in html
    assert f">{claimant}</a>" in html and f'href="/-/facts/facts/source/{key}"' in html
    assert "re-rated 0.88 very likely: Matches rail counts" in html and "tag rail" in html
    assert "Other claims on this subject" in html and f"compare?subject={subject.replace(' ', '+')}" in html


def test_a_source_page_marks_every_quoted_passage_and_links_it_to_its_fact(db):
    conn = sqlite3.connect(db)
    key, source_id = conn.execute("SELECT s.key, s.id FROM facts f JOIN sources s ON s.id = f.source_id "
                                  "WHERE f.id = 1").fetchone()
    quoted = conn.execute("SELECT id, quote FROM facts WHERE source_id = ? AND quote_start IS NOT NULL",
                          [source_id]).fetchall()
    html = ok(db, f"/-/facts/facts/source/{key}")
    for fact_id, _ in quoted:
        assert f'href="/-/facts/facts/fact/{fact_id}">#{fact_id}</a>' in html
    marked = re.sub(r"</mark><sup[^>]*>.*?</sup><mark>", "", html)  # a passage quoted twice is cut in two
    assert all(escape_html(q) in marked for _, q in quoted)
    assert html.count("<mark>") >= len({q for _, q in quoted})


def test_a_compare_page_has_the_estimate_and_the_chart(db):
    conn = sqlite3.connect(db)
    subject, unit = conn.execute("SELECT subject, unit FROM facts WHERE id = 1").fetchone()
    html = ok(db, f"/-/facts/facts/compare?subject={subject}&unit={unit}")
    assert "Estimate:" in html and "Rule:" in html
    assert "<svg" in html and "</svg>" in html
    assert 'href="/-/facts/facts/fact/1">#1</a>' in html


def test_an_actor_page_names_it_and_lists_its_claims(db):
    conn = sqlite3.connect(db)
    actor_id, name = conn.execute("SELECT id, name FROM actors WHERE name = 'Alexander Lukashenko'").fetchone()
    claims = [i for (i,) in conn.execute("SELECT id FROM facts WHERE actor_id = ? ORDER BY date_start DESC, id DESC",
                                         [actor_id])]
    aliases = [a for (a,) in conn.execute("SELECT alias FROM aliases WHERE actor_id = ? AND alias <> ?",
                                          [actor_id, name])]
    html = ok(db, f"/-/facts/facts/actor/{actor_id}")
    assert f"<h1>{name}</h1>" in html and f"Claims ({len(claims)})" in html
    assert re.findall(r'href="/-/facts/facts/fact/(\d+)">#', html) == [str(i) for i in claims]  # newest first
    assert aliases and all(a in html for a in aliases)


def test_a_disagreement_leads_to_its_comparison(db):
    html = ok(db, "/facts/subject_spread")
    # one period's figures set against each other, the subject linked to its comparison, the claimants as names
    assert 'href="/-/facts/facts/compare?subject=Russian+troops+in+Belarus&amp;unit=troops">Russian troops in Belarus' \
        in html
    assert "Andrey Porotnikov; Jens Stoltenberg; NATO; The National Interest" in html
    assert "10,000" in html and "30,000" in html and "3×" in html and "30000.0" not in html
    assert "1992–2021" not in html  # the seeds' span of years has one claim: nothing to set it against


def test_what_is_not_there_is_a_page_that_says_so(db):
    missing_fact, missing_source, missing_subject = pages(
        db, "/-/facts/facts/fact/99999", "/-/facts/facts/source/nowhere", "/-/facts/facts/compare?subject=Nothing")
    assert pages(db, "/-/facts/facts/actor/99999")[0].status_code == 404
    assert (missing_fact.status_code, missing_source.status_code, missing_subject.status_code) == (404, 404, 404)
    assert "no fact #99999" in missing_fact.text and "nowhere" in missing_source.text


def test_text_from_the_data_is_escaped_everywhere(db, tmp_path):
    hostile = tmp_path / "hostile.db"
    copy_db(db, hostile)
    conn = sqlite3.connect(hostile)
    conn.execute("UPDATE facts SET claim = 'A <script>alert(1)</script> claim' WHERE id = 1")
    conn.execute("UPDATE actors SET name = 'Evil <b>Actor</b>' WHERE id = (SELECT actor_id FROM facts WHERE id = 1)")
    conn.commit()
    conn.close()
    for path in ("/hostile/facts_flat?_size=3", "/-/facts/hostile/fact/1", "/hostile/facts?_size=3",
                 "/hostile/subject_spread"):
        html = ok(hostile, path)
        assert "<script>alert(1)" not in html and "<b>Actor</b>" not in html, path
        assert "&lt;b&gt;Actor&lt;/b&gt;" in html, path


def test_another_database_is_left_as_datasette_shows_it(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE facts (id INTEGER PRIMARY KEY, value REAL, qualifier TEXT, confidence REAL)")
    conn.execute("INSERT INTO facts VALUES (1, 30000.0, 'approx', 0.7)")
    conn.commit()
    conn.close()
    html = ok(other, "/other/facts")
    assert "30000.0" in html and "likely" not in html and "/-/static-plugins/facts/" not in html
    (page,) = pages(other, "/-/facts/other/fact/1")
    assert page.status_code == 404
    assert pages(other, "/")[0].status_code == 200  # its home page stays Datasette's


def escape_html(text: str) -> str:
    """As Jinja's autoescape writes text."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
            .replace("'", "&#39;"))


def test_the_facts_table_opens_on_a_readable_set_of_columns_and_no_suggestions(db):
    opened, home = pages(db, "/facts/facts_flat", "/")
    assert opened.status_code == home.status_code == 302
    shown = opened.headers["location"]
    assert shown == "/facts/facts_flat?" + "&".join(f"_col={c}" for c in facts.web.DEFAULT_COLUMNS)
    assert home.headers["location"] == shown  # one facts database served: it opens on its facts
    html = ok(db, shown)
    columns = re.findall(r'<th [^>]*data-column="([a-z_]+)"', html)
    assert columns == list(facts.web.DEFAULT_COLUMNS)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    first = dict(conn.execute("SELECT * FROM facts_flat WHERE id = 1").fetchone())
    # the quantity, the date and the claimant's link read from the fact: the page shows neither unit nor actor_id
    assert format_quantity_unit(first) in html.replace("&#8776;", "≈")
    assert f'href="/-/facts/facts/actor/{first["actor_id"]}"' in html
    assert "Suggested facets" not in html
    assert "Suggested facets" not in ok(db, "/facts/facts?_size=3")


def test_the_canned_queries_answer_what_analysts_ask(db):
    from facts.db import open_db
    from facts.metadata import QUERIES, build_metadata
    meta = build_metadata(open_db(db, readonly=True), "facts", title="facts")
    spread, claims, rerated, listed = pages(
        db, "/facts/subjects_that_disagree.json?_shape=array", "/facts/claims_of_a_claimant.json?_shape=array&"
        "claimant=lukashenka", "/facts/rerated_facts.json?_shape=array", "/facts", metadata=meta)
    assert spread.status_code == claims.status_code == rerated.status_code == 200
    ratios = [r["ratio"] for r in spread.json()]
    assert ratios and ratios == sorted(ratios, reverse=True) and min(ratios) > 1
    conn = sqlite3.connect(db)
    assert [r["id"] for r in claims.json()] == [i for (i,) in conn.execute(
        "SELECT id FROM facts WHERE actor_id = (SELECT id FROM actors WHERE name = 'Alexander Lukashenko') "
        "ORDER BY date_start, id")]
    assert [(r["fact_id"], r["was"], r["now"]) for r in rerated.json()] == [(1, 0.675, 0.875)]  # likely, very likely
    for query in QUERIES.values():
        assert escape_html(query["title"]) in listed.text


def test_facets_get_longer_unless_the_user_chose_a_limit(db):
    async def limits():
        found = []
        for settings in ({}, {"facet_time_limit_ms": 300}):
            ds = Datasette([str(db)], settings=settings)
            await ds.invoke_startup()
            found.append(ds.setting("facet_time_limit_ms"))
        return found
    assert asyncio.run(limits()) == [facts.web.FACET_TIME_LIMIT_MS, 300]
    assert facts.web.FACET_TIME_LIMIT_MS > facts.web.DATASETTE_FACET_TIME_LIMIT_MS


def test_the_tags_facet_is_in_the_tables_menu(db):
    html = ok(db, "/facts/facts_flat?_col=id&_col=tags")
    link = re.search(r'<a href="([^"]*_facet_tag=tags)">Count by tag</a>', html)
    assert link, "no tags facet in facts_flat's menu"
    faceted = ok(db, link.group(1).replace("&amp;", "&"))
    top, count = sqlite3.connect(db).execute(
        "SELECT tag, count(*) FROM fact_tags GROUP BY tag ORDER BY count(*) DESC, tag LIMIT 1").fetchone()
    assert f"tags__arraycontains={top}\">{top}</a> {count}</li>" in faceted
    # the same counts as Datasette's own array facet, and a tag picked filters the same way
    (ours, theirs) = pages(db, "/facts/facts_flat.json?_facet_tag=tags&_facet_size=max&status=active",
                           "/facts/facts_flat.json?_facet_array=tags&_facet_size=max&status=active")
    counts = [[(r["value"], r["count"], r["selected"]) for r in answer.json()["facet_results"]["tags"]["results"]]
              for answer in (ours, theirs)]
    assert counts[0] == counts[1] and len(counts[0]) > 5
    picked = ok(db, f"/facts/facts_flat?_col=id&_col=tags&_facet_tag=tags&tags__arraycontains={top}")
    assert f"{count} rows" in picked
