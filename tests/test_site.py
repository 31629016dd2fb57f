"""facts export --site: the published pages as static HTML, readable from file:// and from a subfolder.

Every page's links are followed to files of the site; the pages hold what the plugin's do (the figure
as it reads, the quote in its paragraph, names linked); text from the data is escaped; a second export
replaces the pages of the first and nothing else. The search, which runs in the browser, is checked in
Chromium in test_web_pages.py.
"""

import json
import re
import sqlite3
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from support import copy_db, run

from facts.display import format_quantity_unit
from facts.site import ROWS_A_PAGE, SEARCH_INDEX, compare_file


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.found.append(value)


def links_of(page: Path) -> list[str]:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


@pytest.fixture(scope="module")
def seeded(seed_template, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("site") / "facts.db"
    copy_db(seed_template, path)
    assert run(path, "rate", "1", "very likely", "--reason", "Matches rail counts").exit_code == 0
    return path


@pytest.fixture(scope="module")
def site(seeded, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("out") / "published" / "facts-site"  # a subfolder, as on a host
    result = run(seeded, "export", "--site", str(folder))
    assert result.exit_code == 0, result.output
    assert "index.html" in result.output
    return folder


def test_every_record_has_its_page(seeded, site):
    conn = sqlite3.connect(seeded)
    for (fact_id,) in conn.execute("SELECT id FROM facts"):
        assert (site / "fact" / f"{fact_id}.html").is_file()
    for (key,) in conn.execute("SELECT key FROM sources"):
        assert (site / "source" / f"{key}.html").is_file()
    for (actor_id,) in conn.execute("SELECT id FROM actors"):
        assert (site / "actor" / f"{actor_id}.html").is_file()
    subjects = conn.execute("SELECT DISTINCT subject, unit FROM facts").fetchall()
    assert sorted(p.name for p in (site / "compare").iterdir()) == sorted(compare_file(s, u) for s, u in subjects)
    for name in ("index.html", "facts.html", "sources.html", "actors.html", "disagreements.html", SEARCH_INDEX,
                 "facts.db", "metadata.json", "facts/facts_flat.json", "facts/facts_flat.csv"):
        assert (site / name).is_file(), name


def test_every_link_leads_to_a_file_of_the_site_from_where_it_stands(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) > 100
    followed = 0
    for page in pages:
        for link in links_of(page):
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                continue  # a source's own address
            assert not parts.scheme and not link.startswith("/"), (page, link)  # relative: file:// and subfolders
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file() and target.is_relative_to(site.resolve()), (page.relative_to(site), link)
            followed += 1
    assert followed > 1000


def test_a_fact_page_reads_as_the_plugins_does(seeded, site):
    conn = sqlite3.connect(seeded)
    conn.row_factory = sqlite3.Row
    fact = dict(conn.execute("SELECT * FROM facts_flat WHERE id = 1").fetchone())
    html = (site / "fact" / "1.html").read_text(encoding="utf-8")
    assert format_quantity_unit(fact) in html.replace("&#8776;", "≈")
    assert f'<mark>{fact["quote"]}</mark>' in html  # in its paragraph
    assert f'<a href="../actor/{fact["actor_id"]}.html">{fact["claimant"]}</a>' in html  # a name, not an id
    assert f'href="../source/{fact["source"]}.html"' in html
    assert f'href="../compare/{compare_file(fact["subject"], fact["unit"])}"' in html
    assert "very likely" in html and "Matches rail counts" in html
    compare = (site / "compare" / compare_file(fact["subject"], fact["unit"])).read_text(encoding="utf-8")
    assert "<svg" in compare and "Estimate:" in compare and 'href="../fact/1.html"' in compare


def test_the_facts_table_lists_every_fact_with_its_search_index(seeded, site):
    conn = sqlite3.connect(seeded)
    ids = [i for (i,) in conn.execute("SELECT id FROM facts ORDER BY id")]
    html = (site / "facts.html").read_text(encoding="utf-8")
    assert re.findall(r'<td class="col-fact"><a href="fact/(\d+)\.html">', html) == [str(i) for i in ids][:ROWS_A_PAGE]
    assert 'data-index="facts-index.js"' in html and 'src="static/search.js"' in html
    index = (site / SEARCH_INDEX).read_text(encoding="utf-8")
    assert index.startswith("window.factsIndex = ") and index.endswith(";\n")
    rows = json.loads(index.removeprefix("window.factsIndex = ").removesuffix(";\n"))
    assert [r[0] for r in rows] == ids
    disagreements = (site / "disagreements.html").read_text(encoding="utf-8")
    assert "Russian troops in Belarus" in disagreements and "1992–2021" not in disagreements


def test_the_facts_table_is_cut_into_pages(seeded, tmp_path, monkeypatch):
    import facts.site
    monkeypatch.setattr(facts.site, "ROWS_A_PAGE", 20)
    folder = tmp_path / "site"
    assert run(seeded, "export", "--site", str(folder)).exit_code == 0
    count = sqlite3.connect(seeded).execute("SELECT count(*) FROM facts").fetchone()[0]
    files = ["facts.html"] + [f"facts-{n}.html" for n in range(2, -(-count // 20) + 1)]
    assert sorted(p.name for p in folder.glob("facts*.html")) == sorted(files)
    listed = []
    for name in files:
        html = (folder / name).read_text(encoding="utf-8")
        listed += re.findall(r'<td class="col-fact"><a href="fact/(\d+)\.html">', html)
        assert all(f'href="{other}"' in html for other in files if other != name)  # each page leads to the others
    assert len(listed) == count == len(set(listed))


def test_text_from_the_data_is_escaped_in_every_page(seeded, tmp_path):
    hostile = tmp_path / "hostile.db"
    copy_db(seeded, hostile)
    conn = sqlite3.connect(hostile)
    conn.execute("UPDATE facts SET claim = 'A <script>alert(1)</script> claim', "
                 "subject = 'Troops <img src=x onerror=alert(2)>' WHERE id = 1")
    conn.execute("UPDATE actors SET name = 'Evil <b>Actor</b>' WHERE id = (SELECT actor_id FROM facts WHERE id = 1)")
    conn.commit()
    conn.close()
    folder = tmp_path / "site"
    assert run(hostile, "export", "--site", str(folder)).exit_code == 0
    for page in folder.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<b>Actor</b>" not in html and "<img src=x" not in html, page
    assert "&lt;b&gt;Actor&lt;/b&gt;" in (folder / "fact" / "1.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)" in (folder / "facts.html").read_text(encoding="utf-8")


def test_a_second_export_replaces_the_pages_of_the_first_and_nothing_else(seeded, tmp_path):
    folder = tmp_path / "site"
    assert run(seeded, "export", "--site", str(folder)).exit_code == 0
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    (folder / "fact" / "9999.html").write_text("a fact since deleted", encoding="utf-8")  # the site's own folder
    again = run(seeded, "export", "--site", str(folder))
    assert again.exit_code == 0, again.output
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert not (folder / "fact" / "9999.html").exists() and (folder / "fact" / "1.html").is_file()


@pytest.mark.parametrize("theirs", ["index.html", "fact"])
def test_a_folder_holding_pages_of_its_own_is_refused(seeded, tmp_path, theirs):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / theirs).mkdir() if theirs == "fact" else (folder / theirs).write_text("<p>mine</p>", encoding="utf-8")
    result = run(seeded, "export", "--site", str(folder))
    assert result.exit_code == 1 and f"holds {theirs}" in result.output
    assert sorted(p.name for p in folder.iterdir()) == [theirs]  # nothing written
