"""facts in Datasette: a plugin (Datasette's entry point, so `datasette facts.db` uses it once facts is
installed; `facts serve` always does).

In the tables of facts, a figure reads as an analyst reads it ("≈30,000 troops"), a date at its
precision, confidence as its word and number, a status with its reason, the claimant and source as
names linked to their pages. Its own pages: a fact (/-/facts/DB/fact/ID), a source (/-/facts/DB/source/
KEY), an actor (/-/facts/DB/actor/ID) and a subject compared (/-/facts/DB/compare?subject=...&unit=...); the
static site (facts export --site) renders the same templates. Table pages open on the data:
the column descriptions stay in the column menus, not above the table.

Only databases with the facts tables are touched; every value from the data is escaped.
"""

import json
from urllib.parse import urlencode

import sqlite_utils
from datasette import Response, hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import path_with_added_args, path_with_removed_args
from markupsafe import Markup, escape

from .. import published
from ..display import format_confidence, format_date, format_number, format_quantity_unit, format_status
from ..errors import FactsError

FACT_TABLES = ("facts", "facts_flat")
DATASETTE_FACET_TIME_LIMIT_MS = 200  # Datasette's default
FACET_TIME_LIMIT_MS = 500
FACETS_FINISH_UP_TO = 300_000  # facts: facts_flat's facets take about 1.5 s at a million
NAME = "facts"  # the plugin's name: its static files are served under /-/static-plugins/facts/


def _is_facts(datasette, database: str) -> bool:
    return database in getattr(datasette, "_facts_databases", set())


# What facts_flat shows when a link names no columns: a fact as one reads it (the rest is a click away in
# any column's menu, or ?_nocol=).
DEFAULT_COLUMNS = published.TABLE_COLUMNS


@hookimpl
def startup(datasette):
    async def find():
        found = set()
        for name, db in datasette.databases.items():
            if {"facts", "facts_flat", "sources", "actors"} <= set(await db.table_names() + await db.view_names()):
                found.add(name)
        datasette._facts_databases = found
        if found:
            # Suggestions for nearly every column of facts_flat stood between the title and the data.
            datasette._settings["suggest_facets"] = False
            # A facet of facts_flat takes up to 160 ms at 100,000 facts, near Datasette's 200 ms: it is given
            # more where it finishes in that. Beyond FACETS_FINISH_UP_TO no limit a page can afford is enough,
            # and a longer one would only make each page wait for facets that time out. A limit the user set
            # stays.
            largest = 0
            for name in found:
                largest = max(largest, (await datasette.get_database(name).execute(
                    "SELECT count(*) FROM facts")).first()[0])
            if (datasette.setting("facet_time_limit_ms") == DATASETTE_FACET_TIME_LIMIT_MS
                    and largest <= FACETS_FINISH_UP_TO):
                datasette._settings["facet_time_limit_ms"] = FACET_TIME_LIMIT_MS
    return find


@hookimpl
def asgi_wrapper(datasette):
    """facts_flat asked for with no query opens on DEFAULT_COLUMNS; an instance that serves one facts database
    opens on its facts (Datasette's home page listed the tables by size, the facts fifth)."""
    def wrap(app):
        async def facts_app(scope, receive, send):
            path = scope.get("path", "")
            bare = scope.get("type") == "http" and scope.get("method") == "GET" and not scope.get("query_string")
            if bare and path == datasette.urls.instance():
                served = [name for name in datasette.databases if not name.startswith("_")]
                if len(served) == 1 and _is_facts(datasette, served[0]):
                    await Response.redirect(_facts_url(datasette, served[0])).asgi_send(send)
                    return
            if bare and path.endswith("/facts_flat"):
                database = path.removeprefix(datasette.setting("base_url") or "/").strip("/").split("/")[0]
                if _is_facts(datasette, database) and path == datasette.urls.table(database, "facts_flat"):
                    await Response.redirect(_facts_url(datasette, database)).asgi_send(send)
                    return
            await app(scope, receive, send)
        return facts_app
    return wrap


@hookimpl
def table_actions(datasette, database, table, request):
    """facts_flat's menu: the tags facet, which pages leave out (it is the slowest)."""
    if table != "facts_flat" or not _is_facts(datasette, database) or request is None:
        return []
    if "tags" in request.args.getlist("_facet_tag") + request.args.getlist("_facet_array"):
        return []
    query = request.query_string
    return [{"href": f"{request.path}?{query + '&' if query else ''}_facet_tag=tags", "label": "Count by tag"}]


def _facts_url(datasette, database: str) -> str:
    return f"{datasette.urls.table(database, 'facts_flat')}?{urlencode([('_col', c) for c in DEFAULT_COLUMNS])}"


@hookimpl
def extra_css_urls(database, datasette):
    if database is None or _is_facts(datasette, database):
        return [datasette.urls.static_plugins(NAME, "facts.css")]
    return []


def page_url(datasette, database: str, kind: str, key: object, unit: str | None = None) -> str:
    """Where a fact, a source, an actor or a subject's comparison is shown."""
    if kind == "compare":
        query = {"subject": key} | ({"unit": unit} if unit else {})
        return datasette.urls.path(f"/-/facts/{database}/compare?{urlencode(query)}")
    return datasette.urls.path(f"/-/facts/{database}/{kind}/{key}")


def _link(datasette, database: str, text: str, kind: str, key: object, unit: str | None = None) -> Markup:
    return Markup('<a href="{}">{}</a>').format(page_url(datasette, database, kind, key, unit), text)


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if table == "subject_spread" and _is_facts(datasette, database):
        return _spread_cell(datasette, database, row, column, value)
    if table not in FACT_TABLES or not _is_facts(datasette, database):
        return None
    names = row.keys()
    if column == "id":
        return _link(datasette, database, str(value), "fact", value)
    if column in _READ_WITH:
        return _read_with(datasette, database, row, column)
    if column in ("low", "high") and isinstance(value, float):
        return format_number(value)
    if column == "confidence" and value is not None:
        return escape(format_confidence(value))
    if column == "claimant" and value is not None:
        return _claimant(datasette, database, row, value)
    if column == "source" and value is not None:
        return _link(datasette, database, value, "source", value)
    if column == "subject" and value is not None:
        return _link(datasette, database, value, "compare", value, row["unit"] if "unit" in names else None)
    if column in ("about", "tags") and value:
        return escape("; ".join(json.loads(value)))
    if column in ("actor_id", "source_id") and table == "facts" and value is not None:
        if isinstance(value, dict):  # Datasette gives a foreign key as {"value": id, "label": ...}
            value = value.get("value")
        return _named(datasette, database, column, value)
    return None


def _spread_cell(datasette, database: str, row, column: str, value):
    """A disagreement leads to its comparison; its claimants read as names."""
    if column == "subject" and value is not None:
        return _link(datasette, database, value, "compare", value, row["unit"] if "unit" in set(row.keys()) else None)
    if column == "claimants" and value:
        return escape("; ".join(json.loads(value)))
    if column in ("lowest", "highest") and isinstance(value, float):
        return format_number(value)
    if column == "ratio" and isinstance(value, float):
        return f"{format_number(value)}×"
    return None


# A column read with others: the quantity with its bounds, unit and qualifier, the date with its end and
# precision, the status with its reason.
_READ_WITH = {
    "value": (("value", "low", "high", "unit", "qualifier"),
              lambda f: format_quantity_unit(f) if f["qualifier"] else ""),
    "date_start": (("date_start", "date_end", "date_precision"), format_date),
    "status": (("status", "status_reason"), format_status),
}


def _read_with(datasette, database: str, row, column: str):
    """A cell that needs columns the page may not show (?_col=): read from the row, else from its fact."""
    needed, show = _READ_WITH[column]
    names = row.keys()
    if all(n in names for n in needed):
        return escape(show({n: row[n] for n in needed}))
    if "id" not in names:
        return None

    async def fetched():
        found = (await datasette.get_database(database).execute(
            f"SELECT {', '.join(needed)} FROM facts WHERE id = ?", [row["id"]])).first()
        return escape(show(dict(zip(needed, found, strict=True)))) if found else None
    return fetched


def _claimant(datasette, database: str, row, name: str):
    """The claimant's name linked to its actor: by the row's actor_id, else its fact's."""
    names = set(row.keys())  # a sqlite3.Row's `in` looks at its values
    if "actor_id" in names:
        return _link(datasette, database, name, "actor", row["actor_id"])
    if "id" not in names:
        return None

    async def fetched():
        found = (await datasette.get_database(database).execute(
            "SELECT actor_id FROM facts WHERE id = ?", [row["id"]])).first()
        return _link(datasette, database, name, "actor", found[0]) if found else None
    return fetched


def _named(datasette, database: str, column: str, value: int):
    """The facts table holds ids: the name, linked."""
    async def named():
        sql = ("SELECT name FROM actors WHERE id = ?" if column == "actor_id" else
               "SELECT key FROM sources WHERE id = ?")
        found = (await datasette.get_database(database).execute(sql, [value])).first()
        if found is None:
            return None
        kind = "actor" if column == "actor_id" else "source"
        return _link(datasette, database, found[0], kind, value if kind == "actor" else found[0])
    return named


@hookimpl
def register_routes():
    return [
        (r"^/-/facts/(?P<database>[^/]+)/fact/(?P<fact_id>\d+)$", fact_view),
        (r"^/-/facts/(?P<database>[^/]+)/source/(?P<key>[^/]+)$", source_view),
        (r"^/-/facts/(?P<database>[^/]+)/compare$", compare_view),
        (r"^/-/facts/(?P<database>[^/]+)/actor/(?P<actor_id>\d+)$", actor_view),
    ]


async def _page(datasette, request, template: str, read, title: str) -> Response:
    database = request.url_vars["database"]
    if not _is_facts(datasette, database):
        return Response.html(f"<p>{escape(database)} is not a facts database</p>", status=404)
    try:
        page = await datasette.get_database(database).execute_fn(lambda conn: read(sqlite_utils.Database(conn)))
    except FactsError as e:
        return Response.html(await datasette.render_template(
            "facts_missing.html", {"database": database, "message": str(e), "base": "base.html"}, request=request),
            status=404)
    context = {"database": database, "page": page, "title": title.format(page=page), "base": "base.html",
               "url": lambda kind, key, unit=None: page_url(datasette, database, kind, key, unit)}
    return Response.html(await datasette.render_template(template, context, request=request))


async def fact_view(datasette, request):
    fact_id = int(request.url_vars["fact_id"])
    return await _page(datasette, request, "facts_fact.html", lambda db: published.fact_page(db, fact_id),
                       "Fact #{page.id}")


async def source_view(datasette, request):
    key = request.url_vars["key"]
    return await _page(datasette, request, "facts_source.html", lambda db: published.source_page(db, key),
                       "{page.title}")


async def compare_view(datasette, request):
    subject = request.args.get("subject") or ""
    unit = request.args.get("unit") or None
    return await _page(datasette, request, "facts_compare.html", lambda db: published.compare_page(db, subject, unit),
                       "Compare: {page.subject}")



async def actor_view(datasette, request):
    actor_id = int(request.url_vars["actor_id"])
    return await _page(datasette, request, "facts_actor.html", lambda db: published.actor_page(db, actor_id),
                       "{page.name}")


@hookimpl
def register_facet_classes():
    return [TagFacet]


class TagFacet(Facet):
    """A facet of facts_flat's tags (?_facet_tag=tags) counted from fact_tags, where they are kept one a row:
    Datasette's array facet unpacks every row's JSON (750 ms at 100,000 facts, past any page's patience). The
    counts are the same, and a tag picked filters as the array facet's does (tags__arraycontains=)."""

    type = "tag"

    async def facet_results(self):
        results: list[dict] = []
        timed_out: list[str] = []
        if self.table not in FACT_TABLES or not _is_facts(self.ds, self.database):
            return results, timed_out
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        for config in self.get_configs():
            column = config["config"].get("column") or config["config"]["simple"]
            if column != "tags" or "id" not in await self.get_columns(self.sql, self.params):
                continue
            try:
                rows = (await self.ds.execute(
                    self.database, f"SELECT tag AS value, count(*) AS count FROM fact_tags WHERE fact_id IN "
                                   f"(SELECT id FROM ({self.sql})) GROUP BY tag ORDER BY count DESC, value "
                                   f"LIMIT {size + 1}", self.params, truncate=False,
                    custom_time_limit=self.ds.setting("facet_time_limit_ms"))).rows
            except QueryInterrupted:
                timed_out.append(column)
                continue
            values = []
            for row in rows[:size]:
                picked = (f"{column}__arraycontains", row["value"]) in pairs
                change = path_with_removed_args if picked else path_with_added_args
                values.append({"value": row["value"], "label": row["value"], "count": row["count"], "selected": picked,
                               "toggle_url": self.ds.absolute_url(
                                   self.request, change(self.request, {f"{column}__arraycontains": row["value"]}))})
            results.append({"name": column, "type": self.type, "results": values, "truncated": len(rows) > size,
                            "hideable": config["source"] != "metadata",
                            "toggle_url": self.ds.urls.path(path_with_removed_args(self.request,
                                                                                   {"_facet_tag": column}))})
        return results, timed_out
