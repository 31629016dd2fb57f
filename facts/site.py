"""The published fact base as static HTML (facts export --site): the plugin's pages, rendered from its own
templates without Datasette, beside the database and its JSON and CSV files.

Every link is relative to the page that holds it, so the folder reads the same from file://, from a
subfolder of a site or from any static host. Pages: index.html; facts.html (and facts-2.html ...), the
facts table with a search that runs in the browser; sources.html, actors.html, disagreements.html;
fact/ID.html, source/KEY.html, actor/ID.html and compare/SUBJECT-UNIT.html; static/ the styles and script.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import sqlite_utils
from unidecode import unidecode

from . import published
from .display import format_number, format_partial, plural
from .errors import FactsError
from .published import Link

WEB = Path(__file__).parent / "web"
ROWS_A_PAGE = 500
SEARCH_INDEX = "facts-index.js"
# What the site writes at the top of its folder, beside the data files (the folders are its own to replace).
FOLDERS = ("fact", "source", "actor", "compare", "static")
STATIC_FILES = ("datasette.css", "facts.css", "search.js")
# The templates' urls.table(): the page that lists a table's rows.
TABLE_PAGES = {"facts_flat": "facts.html", "facts": "facts.html", "sources": "sources.html",
               "actors": "actors.html", "subject_spread": "disagreements.html"}


def compare_file(subject: str, unit: str | None) -> str:
    """A subject's comparison page: its words made safe for any file system, and a digest that keeps
    subjects apart that read alike ('Troops (Belarus)' and 'troops belarus')."""
    slug = re.sub(r"[^a-z0-9]+", "-", unidecode(f"{subject} {unit or ''}").lower()).strip("-")[:60].strip("-")
    digest = hashlib.sha1(json.dumps([subject, unit]).encode()).hexdigest()[:8]
    return f"{slug or 'subject'}-{digest}.html"


class SiteUrls:
    """What the templates ask of Datasette's `urls`, as links relative to a page `depth` folders down."""

    def __init__(self, depth: int):
        self.up = "../" * depth

    def instance(self) -> str:
        return self.up + "index.html"

    def database(self, database: str) -> str:
        return self.up + "index.html"

    def table(self, database: str, table: str) -> str:
        return self.up + TABLE_PAGES[table]

    def static(self, name: str) -> str:
        return f"{self.up}static/{name}"

    def page(self, kind: str, key: object, unit: str | None = None) -> str:
        if kind == "compare":
            return f"{self.up}compare/{compare_file(str(key), unit)}"
        return f"{self.up}{kind}/{key}.html"


@dataclass
class ListPage:
    """A page of rows: the facts table, the sources, the actors, the disagreements."""

    title: str
    headings: tuple[str, ...]
    rows: list[list[Link]]
    intro: str = ""
    pages: list[tuple[int, str]] = field(default_factory=list)  # number, file
    number: int = 1
    search: str | None = None  # the page the search form asks
    search_index: str | None = None


@dataclass
class IndexPage:
    summary: str
    contents: list[tuple[str, str, str]]  # text, file, what it holds
    database_file: str
    downloads: list[tuple[str, str, str, str]]  # table, rows, JSON file, CSV file


class _Site:
    def __init__(self, db: sqlite_utils.Database, folder: Path, database: str, metadata: dict):
        self.db, self.folder, self.database = db, folder, database
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(WEB / "templates"), autoescape=True,
                                      undefined=jinja2.StrictUndefined)
        published_on = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
        self.site = {"title": metadata.get("title") or database, "description": metadata.get("description"),
                     "published": published_on, **{k: metadata.get(k) for k in
                                                   ("license", "license_url", "source", "source_url")}}

    def write(self, name: str, template: str, page: object, title: str = "") -> None:
        urls = SiteUrls(name.count("/"))
        html = self.env.get_template(template).render(
            base="facts_site_base.html", database=self.database, page=page, title=title, site=self.site,
            urls=urls, url=urls.page)
        (self.folder / name).write_text(html, encoding="utf-8")


def write_pages(db: sqlite_utils.Database, folder: Path, database: str, metadata: dict, tables: list[str],
                progress: Callable[[int, int | None], None] | None = None) -> list[str]:
    """Every page of the site into folder (its page folders replaced); the names written at its top."""
    site = _Site(db, folder, database, metadata)
    for name in FOLDERS:
        shutil.rmtree(folder / name, ignore_errors=True)
        (folder / name).mkdir()
    for name in STATIC_FILES:
        shutil.copyfile(WEB / "static" / name, folder / "static" / name)
    facts = db.execute("SELECT count(*) FROM facts").fetchone()[0]
    subjects = db.execute("SELECT DISTINCT subject, unit FROM facts ORDER BY subject, unit").fetchall()
    sources = [key for (key,) in db.execute("SELECT key FROM sources ORDER BY key")]
    actors = [i for (i,) in db.execute("SELECT id FROM actors ORDER BY id")]
    total, done = facts + len(subjects) + len(sources) + len(actors), 0

    def advance(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress is not None and (done % 200 == 0 or done == total):
            progress(done, total)

    top = [*FOLDERS, "index.html", SEARCH_INDEX, *_write_tables(site, facts)]
    for fact_id in _ids(db, "SELECT id FROM facts ORDER BY id"):
        site.write(f"fact/{fact_id}.html", "facts_fact.html", published.fact_page(db, fact_id), f"Fact #{fact_id}")
        advance()
    for key in sources:
        source = published.source_page(db, key)
        site.write(f"source/{key}.html", "facts_source.html", source, source.title)
        advance()
    for actor_id in actors:
        actor = published.actor_page(db, actor_id)
        site.write(f"actor/{actor_id}.html", "facts_actor.html", actor, actor.name)
        advance()
    for subject, unit in subjects:
        site.write(f"compare/{compare_file(subject, unit)}", "facts_compare.html",
                   published.compare_page(db, subject, unit), f"Compare: {subject}")
        advance()
    _write_index(site, facts, len(sources), len(actors), tables)
    return top


def _ids(db: sqlite_utils.Database, sql: str) -> Iterator[int]:
    """Ids read ahead, so that the pages' own queries do not run inside an open read of the same table."""
    ids = [i for (i,) in db.execute(sql)]
    yield from ids


def _write_tables(site: _Site, facts: int) -> list[str]:
    """The facts table in pages of ROWS_A_PAGE with its search index, and the lists of sources, actors and
    disagreements; the files written."""
    db = site.db
    files = [f"facts-{n}.html" if n > 1 else "facts.html" for n in range(1, max(1, -(-facts // ROWS_A_PAGE)) + 1)]
    pages = list(enumerate(files, start=1))
    index = []
    cursor = db.conn.execute(f"SELECT {published.TABLE_READS} FROM facts_flat ORDER BY id")
    names = [d[0] for d in cursor.description]
    for number, name in pages:
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchmany(ROWS_A_PAGE)]
        cells = [published.table_cells(r) for r in rows]
        index += [[r["id"], c[1].text, r["subject"], compare_file(r["subject"], r["unit"]), c[3].text, c[4].text,
                   r["claimant"], r["actor_id"], r["source"], c[7].text, c[8].text, c[9].text]
                  for r, c in zip(rows, cells, strict=True)]
        site.write(name, "facts_site_list.html", ListPage(
            "Facts", published.TABLE_HEADINGS, cells, plural(facts, "fact") + ", by number.", pages, number,
            search="facts.html", search_index=SEARCH_INDEX))
    (site.folder / SEARCH_INDEX).write_text(
        "window.factsIndex = " + json.dumps(index, ensure_ascii=False, separators=(",", ":")) + ";\n",
        encoding="utf-8")
    sources = [[Link(title, "source", key), Link(publisher or ""), Link(format_partial(day) if day else ""),
                Link(reliability or ""), Link(format_number(n))]
               for key, title, publisher, day, reliability, n in db.execute(
                   "SELECT s.key, s.title, s.publisher, s.published, s.reliability, (SELECT count(*) FROM facts f "
                   "WHERE f.source_id = s.id) FROM sources s ORDER BY s.published DESC, s.key")]
    site.write("sources.html", "facts_site_list.html", ListPage(
        "Sources", ("source", "publisher", "published", "reliability", "facts"), sources,
        plural(len(sources), "source") + ", newest first."))
    actors = [[Link(name, "actor", actor_id), Link(kind), Link(format_number(n))]
              for actor_id, name, kind, n in db.execute(
                  "SELECT a.id, a.name, a.kind, (SELECT count(*) FROM facts f WHERE f.actor_id = a.id) AS n "
                  "FROM actors a ORDER BY n DESC, a.name")]
    site.write("actors.html", "facts_site_list.html", ListPage(
        "Actors", ("actor", "kind", "claims"), actors, plural(len(actors), "actor") + ", most claims first."))
    spread = [[Link(subject, "compare", subject, unit), Link(unit or ""), Link(period), Link(format_number(claims)),
               Link(format_number(lowest)), Link(format_number(highest)),
               Link(f"{format_number(ratio)}×" if ratio else ""),
               Link("; ".join(json.loads(claimants)))]
              for subject, unit, period, claims, lowest, highest, ratio, claimants in db.execute(
                  "SELECT subject, unit, period, claims, lowest, highest, ratio, claimants FROM subject_spread "
                  "ORDER BY ratio DESC, claims DESC, subject")]
    site.write("disagreements.html", "facts_site_list.html", ListPage(
        "Where claims disagree", ("subject", "unit", "period", "claims", "lowest", "highest", "ratio", "claimants"),
        spread, "The spread of the figures claimed on a subject within one period (a calendar year, or a span of "
                "years), widest first; each subject leads to its comparison."))
    return [*files, "sources.html", "actors.html", "disagreements.html"]


def _write_index(site: _Site, facts: int, sources: int, actors: int, tables: list[str]) -> None:
    db, database = site.db, site.database
    disagreements = db.execute("SELECT count(*) FROM subject_spread").fetchone()[0]
    downloads = [(name, format_number(db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]),
                  f"{database}/{name}.json", f"{database}/{name}.csv") for name in tables]
    site.write("index.html", "facts_site_index.html", IndexPage(
        f"{plural(facts, 'fact')} from {plural(sources, 'source')}, claimed by {plural(actors, 'actor')}.",
        [("Facts", "facts.html", "the table, with a search"),
         ("Where claims disagree", "disagreements.html", plural(disagreements, "period") + " where claims differ"),
         ("Sources", "sources.html", "each with its text, the quoted passages marked"),
         ("Actors", "actors.html", "who made the claims")],
        f"{database}.db", downloads), str(site.site["title"]))


def check_folder(folder: Path, written_before: set[str]) -> None:
    """Refuse to replace what the site did not write: a page folder or file of the same name."""
    for name in (*FOLDERS, "index.html", SEARCH_INDEX, "facts.html", "sources.html", "actors.html",
                 "disagreements.html"):
        if (folder / name).exists() and name not in written_before:
            raise FactsError(f"{folder}: holds {name}, which facts export --site did not write there; "
                             f"choose an empty folder")
