"""The `facts` command: a thin face over the library, in the style of sqlite-utils."""

import os
import signal
import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__
from .errors import FactsError, RecordErrors, environment_fault, log_internal_error
from .vocab import ACTOR_KINDS, CANDIDATE_KINDS, EXPORT_SHAPES, SORTS, STATUSES, TABLE_STYLES

# Heavy modules (pydantic models, rich, the browser) are imported inside the
# commands that need them, so `facts --help` starts fast.

OUTPUT_OPTIONS = [
    click.option("--table", "fmt", flag_value="table", default=True, help="A table for reading (default)."),
    click.option("--json", "fmt", flag_value="json", help="A JSON array of objects."),
    click.option("--nl", "fmt", flag_value="nl", help="Newline-delimited JSON: one object a line."),
    click.option("--csv", "fmt", flag_value="csv", help="CSV with a header row."),
    click.option("--fmt", "style", type=click.Choice(TABLE_STYLES), default="box", show_default=True,
                 help="How the table is drawn: plain (aligned by spaces), tsv (tab-separated), markdown."),
]


def say(message: str, err: bool = False) -> None:
    """Every message and confirmation goes out through here: what it quotes from the data or the user is
    shown as text (printable_line), never obeyed by the terminal."""
    from .display import printable_line
    click.echo(printable_line(message), err=err)


def output_options(fn):
    for option in reversed(OUTPUT_OPTIONS):
        fn = option(fn)
    return fn


class FactsGroup(click.Group):
    """Turns every error a user can cause into one line and a non-zero exit."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        # Click's usage errors print the usage and a hint around the error; one line says it all.
        try:
            return super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as e:
            if type(e).__name__ == "NoArgsIsHelpError" and e.ctx is not None:  # `facts`, `facts sources`: help
                click.echo(e.ctx.get_help())
                sys.exit(0)
            command = e.ctx.command_path if e.ctx else "facts"
            say(f"Error: {e.format_message()} (see: {command} --help)", err=True)
            sys.exit(e.exit_code)
        except click.Abort:
            say("Aborted.", err=True)
            sys.exit(1)
        except click.ClickException as e:
            say(f"Error: {e.format_message()}", err=True)
            sys.exit(e.exit_code)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except RecordErrors as e:
            for problem in e.problems:
                say(problem, err=True)
            say(f"Error: {e}; nothing was written", err=True)
            sys.exit(1)
        except FactsError as e:
            say(f"Error: {e}", err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # The reader went away (`facts list | head`): what it read is what it wanted. Quiet, as
            # Unix tools are, with the status a process stopped by SIGPIPE has.
            _quiet_stdout()
            sys.exit(128 + signal.SIGPIPE)
        except (sqlite3.Error, OSError) as e:
            fault = environment_fault(e)
            if fault is None:
                _internal_error()
            say(f"Error: {fault}; nothing was written (a fault of the machine, not of your input)", err=True)
            sys.exit(1)
        except Exception:
            _internal_error()


def _quiet_stdout() -> None:
    """After a broken pipe: nothing more goes to stdout, not even Python's flush at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _internal_error() -> NoReturn:
    """A bug: one line naming a log of its own (unique, readable by this user only) that holds the traceback."""
    error = sys.exc_info()[1]
    assert error is not None, "called outside an except block"
    say(f"Error: an internal error in facts (not caused by your input); details in {log_internal_error(error)}",
        err=True)
    sys.exit(2)


def _db(ctx: click.Context, create: bool = False):
    from .db import open_db
    return open_db(ctx.obj["db"], create=create)


def completes(kind: str):
    """Shell completion of an option or argument from the database given with --db (or FACTS_DB)."""
    def names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
        from .completion import complete
        return complete(ctx.find_root().params.get("db_path") or "facts.db", kind, incomplete)
    return names


def _author() -> str:
    from .db import current_author
    return current_author()


@click.group(cls=FactsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="facts")
@click.option("--db", "db_path", envvar="FACTS_DB", default="facts.db", show_default=True,
              type=click.Path(dir_okay=False), help="The database file (or set FACTS_DB).")
@click.pass_context
def cli(ctx, db_path):
    """A structured fact database: who claimed what number, about what, as of when, in which source,
    and how far to trust it."""
    ctx.obj = {"db": db_path}


# --- init ----------------------------------------------------------------------

@cli.command()
@click.option("--seed", is_flag=True, help="Load the seed collection (five articles on Russian troops in Belarus).")
@click.pass_context
def init(ctx, seed):
    """Create an empty database (or check an existing one)."""
    from .db import SCHEMA_VERSION
    path = Path(ctx.obj["db"])
    existed = path.exists()
    db = _db(ctx, create=True)
    say(f"{'Opened' if existed else 'Created'} {path} (schema {SCHEMA_VERSION})")
    if seed:
        from .importer import import_seed_collection
        result = import_seed_collection(db, _author())
        say(f"Seed collection: {_count(result.facts_added, 'fact')} added, "
                   f"{result.facts_unchanged} already there; "
                   f"{_count(result.actors_added, 'actor')} and {_count(result.sources_added, 'source')} added")


# --- sources ---------------------------------------------------------------------

@cli.group()
def sources():
    """Source documents: add and list."""


@sources.command("add")
@click.argument("file_or_url")
@click.option("--key", required=True, help="A short name for the source, e.g. odr-2022-02-09.")
@click.option("--title", help="Default: the document's own title.")
@click.option("--publisher", help="Default: the site's name a web page gives.")
@click.option("--author", help="Default: the author the document names.")
@click.option("--url", help="Default: the page's canonical URL, or the URL fetched.")
@click.option("--archive-url", help="A web archive's copy of the page.")
@click.option("--published", help="YYYY, YYYY-MM or YYYY-MM-DD (default: the date a web page gives).")
@click.option("--retrieved", help="YYYY-MM-DD (default: today, for a URL).")
@click.option("--reliability", help="Admiralty source reliability: A (reliable) ... E (unreliable), F (cannot judge).")
@click.option("--description")
@click.pass_context
def sources_add(ctx, file_or_url, **fields):
    """Add a source: FILE_OR_URL is a saved web page, a PDF, a text or Markdown file (- for stdin), or an
    http(s) URL to fetch (this needs network access). A web page gives its article's text and its own
    title, author, site, date and URL; a PDF its text layer, page by page. The original is kept."""
    from .db import transaction
    from .display import format_source_kind, plural
    from .documents import from_bytes, read_document
    from .files import read_stream
    from .models import Source, validated
    from .sources import add_source, same_text
    document = from_bytes(read_stream(sys.stdin.buffer), "standard input") if file_or_url == "-" \
        else read_document(file_or_url)
    found = {"title": document.title, "author": document.author, "publisher": document.publisher,
             "url": document.url, "published": document.published,
             "retrieved": document.retrieved[:10] if document.retrieved else None}
    given = {k: v for k, v in fields.items() if v is not None}
    data = {**{k: v for k, v in found.items() if v}, **given}
    if "title" not in data:
        raise FactsError(f"{file_or_url}: give --title (the document names none)")
    source = validated(Source, {**data, "text": document.text, "media_type": document.media_type,
                                "language": document.language, "page_starts": document.page_starts or None})
    db = _db(ctx)
    twin = same_text(db, source)
    with transaction(db):
        _, created = add_source(db, source, _author(), original=document.original)
    kind = format_source_kind(document.media_type, len(document.page_starts))
    say(f"{'Added' if created else 'Already stored:'} source {source.key} ({kind}, "
        f"{plural(len(document.text), 'character')})")
    if twin and created:
        say(f"Note: source {twin} has the very same text; it may be the same article twice", err=True)


@sources.command("update")
@click.argument("key")
@click.argument("file_or_url")
@click.option("--reason", help="Why there is a new version (a correction, an update ...).")
@click.pass_context
def sources_update(ctx, key, file_or_url, reason):
    """Store a new version of a source (the old one is kept); every quote is found again in it or listed
    as an orphan (kept, never deleted)."""
    from .db import transaction, utc_now
    from .display import plural
    from .documents import read_document
    from .sources import update_source
    document = read_document(file_or_url)
    db = _db(ctx)
    with transaction(db):
        version, found = update_source(db, key, document.text, document.media_type, document.page_starts or None,
                                       document.original, _author(), utc_now(), reason)
    ways = {how: sum(1 for h in found.values() if h == how) for how in ("exact", "context", "fuzzy", "orphan")}
    say(f"Stored version {version} of {key.strip().lower()}: {plural(len(found) - ways['orphan'], 'quote')} found "
        f"again ({ways['exact']} exact, {ways['context']} by their context, {ways['fuzzy']} reworded), "
        f"{ways['orphan']} orphaned")
    for fact_id in (f for f, how in found.items() if how == "orphan"):
        say(f"Orphan: fact #{fact_id} (its quote is no longer in the source; the fact is kept)")


@sources.command("versions")
@output_options
@click.argument("key")
@click.pass_context
def sources_versions(ctx, key, fmt, style):
    """List the versions of a source's text."""
    from .display import format_source_kind, format_timestamp
    from .output import write_rows
    from .sources import source_versions
    write_rows(source_versions(_db(ctx), key), fmt, style=style, columns=[
        ("version", "right", lambda r: r["version"], False),
        ("kind", "left", lambda r: format_source_kind(r["media_type"]).split(",")[0], False),
        ("characters", "right", lambda r: f"{r['characters']:,}", False),
        ("sha256", "left", lambda r: r["sha256"][:12] if r["sha256"] else "", False),
        ("replaced", "left", lambda r: format_timestamp(r["replaced_at"]) or "current", False),
        ("by", "left", lambda r: r["replaced_by"] or "", True)])


@sources.command("edit")
@click.argument("key")
@click.option("--reason", required=True, help="Why the metadata changes (kept in the source's history).")
@click.option("--title")
@click.option("--publisher")
@click.option("--author")
@click.option("--url")
@click.option("--archive-url")
@click.option("--published", help="YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--retrieved", help="YYYY-MM-DD.")
@click.option("--reliability", help="Admiralty source reliability: A (reliable) ... E (unreliable), F (cannot judge).")
@click.option("--description")
@click.option("--language")
@click.pass_context
def sources_edit(ctx, key, reason, **fields):
    """Change a source's metadata; each change is kept with who, when and the reason."""
    from .db import transaction, utc_now
    from .sources import edit_source
    given = {k: v for k, v in fields.items() if v is not None}
    if not given:
        raise FactsError("give at least one field to change (see: facts sources edit --help)")
    db = _db(ctx)
    with transaction(db):
        changed = edit_source(db, key, given, reason, _author(), utc_now())
    say(f"Source {key.strip().lower()}: {', '.join(changed) + ' changed' if changed else 'unchanged'}")


@sources.command("remove")
@click.argument("key")
@click.pass_context
def sources_remove(ctx, key):
    """Remove a source that no fact cites (one that is cited is refused)."""
    from .db import transaction
    from .sources import remove_source
    db = _db(ctx)
    with transaction(db):
        remove_source(db, key)
    say(f"Removed source {key.strip().lower()}")


@sources.command("original")
@click.argument("key")
@click.option("-o", "--output", "path", required=True, help="The file to write the original bytes to.")
@click.option("--version", type=click.IntRange(min=1), help="An earlier version (default: the current one).")
@click.pass_context
def sources_original(ctx, key, path, version):
    """Write the bytes a source was read from (the saved page, the PDF, the text) to a file."""
    from .export import output_bytes
    from .sources import original
    data, media_type = original(_db(ctx), key, version)
    with output_bytes(path) as out:
        out.write(data)
    say(f"Wrote {path} ({media_type}, {len(data):,} bytes)", err=True)


@sources.command("list")
@output_options
@click.pass_context
def sources_list(ctx, fmt, style):
    """List sources with their metadata, kind, versions, and numbers of facts and orphaned facts."""
    from .display import format_source_kind
    from .output import write_rows
    from .sources import list_sources
    sources = list_sources(_db(ctx))
    columns: list = [
        ("key", "left", lambda r: r["key"], True), ("title", "left", lambda r: r["title"], True),
        ("publisher", "left", lambda r: r["publisher"], True), ("published", "left", lambda r: r["published"], False),
        ("kind", "left", lambda r: format_source_kind(r["media_type"], r["pages"] or 0), True),
        ("rel.", "left", lambda r: r["reliability"], False),
        ("ver.", "right", lambda r: r["versions"], False),
        ("facts", "right", lambda r: r["facts"], False),
        ("orphans", "right", lambda r: r["orphans"] or "", False)]
    # The table leaves out columns that say nothing here (every source at version 1, no orphans), so that
    # the titles keep their room on an 80-column terminal.
    if all(s["versions"] == 1 for s in sources):
        columns = [c for c in columns if c[0] != "ver."]
    if not any(s["orphans"] for s in sources):
        columns = [c for c in columns if c[0] != "orphans"]
    write_rows(sources, fmt, style=style, columns=columns)


# --- actors ----------------------------------------------------------------------

# --- provenance and comparison ---------------------------------------------------------------

@cli.command()
@click.argument("fact_id", type=int)
@click.option("--repeats", "repeats", required=True,
              help="The id of the fact this one relays (an outlet repeating a claim already recorded); "
                   "'none' removes the link.")
@click.option("--replace", is_flag=True, help="Replace a link the fact already has.")
@click.pass_context
def link(ctx, fact_id, repeats, replace):
    """Record that a fact repeats another, so compare counts them as one claim (kept in a history)."""
    from .db import transaction, utc_now
    from .provenance import link_repeats, origin_of
    target = None if repeats.strip().lower() == "none" else _fact_id(repeats, "--repeats")
    db = _db(ctx)
    with transaction(db):
        changed = link_repeats(db, fact_id, target, _author(), utc_now(), replace=replace)
    if not changed:
        say(f"Fact #{fact_id}: unchanged")
    elif target is None:
        say(f"Fact #{fact_id} repeats no other fact now")
    else:
        origin_fact, origin = origin_of(db, fact_id)
        say(f"Fact #{fact_id} repeats fact #{target}; its origin: fact #{origin_fact} ({origin})")


def _fact_id(text: str, option: str) -> int:
    value = text.strip().lstrip("#")
    if not value.isdigit() or int(value) < 1:
        raise FactsError(f"{option}: '{text}' is not a fact id")
    return int(value)


@cli.command()
@click.argument("subject")
@click.option("--unit", help="Compare the claims in this unit (or one declared the same); default: the unit "
                             "most claims use.")
@click.option("--weighted", is_flag=True, help="Best estimate: the median weighted by confidence × source "
                                                "reliability, instead of the plain median.")
@click.option("--plot", is_flag=True, help="Also draw the range plot and the timeline.")
@click.option("--svg", "svg_path", help="Write the charts as an SVG file.")
@click.option("--json", "as_json", is_flag=True, help="The comparison as one JSON object.")
@click.pass_context
def compare(ctx, subject, unit, weighted, plot, svg_path, as_json):
    """Compare the claims on a subject: by period (claims that hold for overlapping times of a like span),
    each independent origin once however many sources relay it, and a combined estimate with its rule."""
    from .comparison import compare as compare_claims
    comparison = compare_claims(_db(ctx), subject, unit, weighted)
    if svg_path:
        from .charts import comparison_svg
        from .export import output_bytes
        with output_bytes(svg_path) as written:
            written.write(comparison_svg(comparison).encode("utf-8"))
        say(f"Wrote {svg_path}", err=True)
    if as_json:
        import json
        click.echo(json.dumps(comparison.as_json(), ensure_ascii=False, indent=2))
        return
    from .output import console, print_trimmed
    from .showing import render_comparison
    print_trimmed(render_comparison(comparison))
    if plot:
        from .charts import range_plot, timeline
        width = console().width
        print_trimmed(range_plot(comparison, width))
        print_trimmed(timeline(comparison, width))


@cli.group()
def units():
    """Units declared the same (troops = soldiers = military personnel), read as one by compare."""


@units.command("same")
@click.argument("canonical")
@click.argument("synonyms", nargs=-1, required=True)
@click.pass_context
def units_same(ctx, canonical, synonyms):
    """Declare SYNONYMS the same unit as CANONICAL: facts compare then reads them as CANONICAL."""
    from .db import transaction, utc_now
    from .display import plural
    from .provenance import declare_units
    db = _db(ctx)
    with transaction(db):
        added = declare_units(db, canonical, list(synonyms), _author(), utc_now())
    say(f"{plural(len(added), 'unit')} now read as {canonical}" + (f": {', '.join(added)}" if added else ""))


@units.command("list")
@output_options
@click.pass_context
def units_list(ctx, fmt, style):
    """List the units declared the same as another."""
    from .output import write_rows
    from .provenance import unit_synonyms
    write_rows(unit_synonyms(_db(ctx)), fmt, style=style, columns=[
        ("unit", "left", lambda r: r["unit"], True), ("read as", "left", lambda r: r["canonical"], True),
        ("facts", "right", lambda r: r["facts"], False), ("by", "left", lambda r: r["added_by"], False)])


@cli.group()
def actors():
    """Actors (claimants and those claims are about) and their aliases."""


@actors.command("add")
@click.argument("name")
@click.option("--alias", "aliases", multiple=True, help="Another spelling (repeatable).")
@click.option("--kind", type=click.Choice(ACTOR_KINDS),
              help="What the actor is (a new actor without --kind is 'other').")
@click.option("--description")
@click.option("--distinct", is_flag=True,
              help="Add it even though its name reads like an actor already stored (it is a different one).")
@click.pass_context
def actors_add(ctx, name, aliases, kind, description, distinct):
    """Add an actor with its aliases. A name that reads like a stored actor's (Trump / Donald Trump,
    Lukashenka / Lukashenko) is refused with the nearest names, unless --distinct."""
    from .actors import add_actor
    from .db import transaction
    from .errors import SimilarActor
    from .models import Actor, validated
    given = {"kind": kind} if kind else {}
    actor = validated(Actor, {"name": name, "aliases": list(aliases), "description": description, **given})
    db = _db(ctx)
    try:
        with transaction(db):
            _, created = add_actor(db, actor, allow_similar=distinct)
    except SimilarActor as e:
        raise FactsError(f"{e.name!r} looks like {' or '.join(e.similar)}: use that name, or add it with "
                         f"--distinct if it is a different actor") from None
    say(f"{'Added' if created else 'Already stored:'} {actor.name} ({actor.kind})")


@actors.command("list")
@output_options
@click.pass_context
def actors_list(ctx, fmt, style):
    """List actors with their aliases and number of claims."""
    from .actors import list_actors
    from .output import write_rows
    write_rows(list_actors(_db(ctx)), fmt, style=style, columns=[
        ("name", "left", lambda r: r["name"], True), ("kind", "left", lambda r: r["kind"], False),
        ("aliases", "left", lambda r: r["aliases"], True), ("claims", "right", lambda r: r["claims"], False)])


@actors.command("link")
@click.argument("actor")
@click.option("--speaks-for", "organization", required=True, help="The organisation the actor speaks for.")
@click.option("--from", "start", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--to", "end", help="Until this date.")
@click.option("--remove", is_flag=True, help="Remove the link instead (kept in the history).")
@click.pass_context
def actors_link(ctx, actor, organization, start, end, remove):
    """Record that an actor speaks for an organisation (a spokesman for a ministry), optionally between
    dates: compare then counts the actor's claims as the organisation's."""
    from .db import transaction, utc_now
    from .provenance import link_speaker, unlink_speaker
    db = _db(ctx)
    with transaction(db):
        if remove:
            removed = unlink_speaker(db, actor, organization, _author(), utc_now())
            say(f"{actor} no longer speaks for {organization} ({removed} link{'s' if removed != 1 else ''} removed)")
            return
        changed = link_speaker(db, actor, organization, start, end, _author(), utc_now())
    when = (f" from {start}" if start else "") + (f" to {end}" if end else "")
    say(f"{actor} speaks for {organization}{when}" if changed else "Already linked: unchanged")


@actors.command("links")
@output_options
@click.pass_context
def actors_links(ctx, fmt, style):
    """List who speaks for which organisation, and when."""
    from .output import write_rows
    from .provenance import speakers
    write_rows(speakers(_db(ctx)), fmt, style=style, columns=[
        ("actor", "left", lambda r: r["actor"], True), ("speaks for", "left", lambda r: r["organization"], True),
        ("from", "left", lambda r: r["date_start"] or "", False), ("to", "left", lambda r: r["date_end"] or "", False)])


@actors.command("edit")
@click.argument("actor")
@click.option("--name", "new_name", help="The corrected name (the old one stays an alias).")
@click.option("--kind", type=click.Choice(ACTOR_KINDS), help="The corrected kind.")
@click.pass_context
def actors_edit(ctx, actor, new_name, kind):
    """Correct the name or kind of ACTOR (a name or alias); each change is kept with who and when."""
    from .actors import actor_name, edit_actor, resolve_actor
    from .db import transaction, utc_now
    from .models import Actor, validated
    if new_name is None and kind is None:
        raise FactsError("give --name or --kind (or both)")
    if new_name is not None:
        new_name = validated(Actor, {"name": new_name}).name
    db = _db(ctx)
    with transaction(db):
        actor_id = resolve_actor(db, actor)
        before = actor_name(db, actor_id)
        changed = edit_actor(db, actor_id, _author(), utc_now(), name=new_name, kind=kind)
        after = actor_name(db, actor_id)
    if not changed:
        say(f"Unchanged: {after}")
    else:
        say(f"Corrected {before}: {', '.join(changed)}" + (f" (now {after})" if after != before else ""))


@actors.command("alias")
@click.argument("name")
@click.argument("alias")
@click.pass_context
def actors_alias(ctx, name, alias):
    """Give the actor NAME (or any of its aliases) another spelling ALIAS."""
    from pydantic import ValidationError

    from .actors import actor_name, add_alias, resolve_actor
    from .db import transaction, utc_now
    from .models import Actor
    try:
        alias = Actor(name=alias).name
    except ValidationError:
        raise FactsError("alias: must be one line of text, not empty") from None
    db = _db(ctx)
    with transaction(db):
        actor_id = resolve_actor(db, name)
        created = add_alias(db, actor_id, alias, at=utc_now(), by=_author())
    say(f"{'Added' if created else 'Already an alias:'} {alias} → {actor_name(db, actor_id)}")


@actors.command("merge")
@click.argument("keep")
@click.argument("merge")
@click.pass_context
def actors_merge(ctx, keep, merge):
    """Fold actor MERGE into KEEP: its aliases and facts move to KEEP (each fact's change kept in history)."""
    from .actors import actor_name, merge_actors, resolve_actor
    from .db import transaction, utc_now
    db = _db(ctx)
    with transaction(db):
        name, gone = actor_name(db, resolve_actor(db, keep)), actor_name(db, resolve_actor(db, merge))
        facts_moved, aliases_moved = merge_actors(db, keep, merge, _author(), utc_now())
    say(f"Merged {gone} into {name}: {_count(facts_moved, 'fact')} and {_count(aliases_moved, 'alias')} moved")


@actors.command("suggest")
@click.option("--threshold", default=85.0, show_default=True, help="Least similarity (0-100) to list a pair.")
@output_options
@click.pass_context
def actors_suggest(ctx, threshold, fmt, style):
    """List actors that look like the same one spelled twice (Lukashenka / Lukashenko), with scores."""
    from .actors import suggest_duplicates
    from .output import write_rows
    pairs = suggest_duplicates(_db(ctx), threshold)
    write_rows(({"actor": a, "looks_like": b, "score": score} for a, b, score in pairs), fmt, style=style)


# --- add and import --------------------------------------------------------------

PROMPTED = [
    ("claim", "Claim (one sentence)"),
    ("subject", "Subject (the thing measured)"),
    ("quantity", "Quantity, e.g. 'about 30,000 troops' (blank for none)"),
    ("date", "Date it holds: YYYY, YYYY-MM, YYYY-MM-DD or START/END"),
    ("actor", "Claimant (actor name or alias)"),
    ("source", "Source key"),
    ("quote", "Exact quote from the source (blank for none)"),
    ("confidence", "Confidence: 0..1 or a word (likely, very likely, ...)"),
]
OPTIONAL_PROMPTS = {"quantity", "quote"}


@cli.command()
@click.option("--claim", help="The claim in one sentence.")
@click.option("--subject", "-s", help="What is measured; competing claims share it.",
              shell_complete=completes("subjects"))
@click.option("--quantity", help="'30000', 'about 30,000', 'as many as 30,000 troops', '10,000-30,000'.")
@click.option("--unit", help="troops, km, ... (may also end the quantity).")
@click.option("--date", help="When the claim holds: 2022, 2022-02, 2022-02-19 or 2022-02-10/2022-02-20.")
@click.option("--stated-on", help="When the claimant said it: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--actor", "-a", help="The claimant, by name or alias.", shell_complete=completes("actors"))
@click.option("--about", multiple=True, help="An actor the fact is about (repeatable).")
@click.option("--source", help="The source key.", shell_complete=completes("sources"))
@click.option("--quote", help="The exact words in the source.")
@click.option("--quote-start", type=int, help="Which occurrence: the quote's offset in the source text.")
@click.option("--confidence", help="0..1 or an ICD 203 word: likely, very likely, almost certain, ...")
@click.option("--credibility", type=int, help="Admiralty information credibility 1 (confirmed) ... 6 (cannot judge).")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).", shell_complete=completes("tags"))
@click.option("--note", help="A note, stored as an annotation.")
@click.option("--repeats", type=click.IntRange(min=1), help="The id of the fact this one relays (facts link).")
@click.option("--create-actors", is_flag=True, help="Create unknown actors instead of refusing them.")
@click.option("--interactive/--no-interactive", default=None,
              help="Prompt for missing or invalid fields (default: when stdin is a terminal).")
@click.pass_context
def add(ctx, create_actors, interactive, **fields):
    """Add one fact from flags; on a terminal, asks for whatever is missing."""
    from .errors import FieldProblems
    from .writing import add_fact
    data = {k: v for k, v in fields.items() if v not in (None, ())}
    for name in ("about", "tags"):
        if name in data:
            data[name] = list(data[name])
    if interactive is None:
        interactive = sys.stdin.isatty()
    db = _db(ctx)
    author = _author()
    asked: set[str] = set()
    while True:
        if interactive:
            _prompt_missing(data, asked)
        try:
            fact_id, created = add_fact(db, data, author, create_actors=create_actors)
            break
        except FieldProblems as e:
            if not interactive:
                raise
            for field, reason in e.problems:
                say(f"  {field}: {reason}", err=True)
                name = field.split(".")[0]
                if name in data and any(name == p for p, _ in PROMPTED):
                    data.pop(name)
                    asked.discard(name)  # an invalid optional answer is asked again, not dropped
                elif name == "about":
                    data.pop("about", None)
                elif name not in dict(PROMPTED):
                    raise
    say(f"Added fact #{fact_id}" if created else f"Already stored as fact #{fact_id}")
    if created and "repeats" not in data:
        _suggest_repeats(db, fact_id)


def _suggest_repeats(db, fact_id: int) -> None:
    """Name the stored facts a new one may relay; the link is the person's to make."""
    from .provenance import describe_suggestion, suggest_repeats
    row = db.execute("SELECT subject, value, actor_id FROM facts WHERE id = ?", [fact_id]).fetchone()
    for found in suggest_repeats(db, row[0], row[1], row[2], exclude=fact_id):
        say(f"Note: {describe_suggestion(found)} has the same subject, value and claimant; if this fact relays "
            f"it: facts link {fact_id} --repeats {found['id']}", err=True)


def _prompt_missing(data: dict, asked: set[str]) -> None:
    """Ask for each required field not given, and once for each optional one."""
    for name, label in PROMPTED:
        if name in data or (name in OPTIONAL_PROMPTS and name in asked):
            continue
        asked.add(name)
        value = click.prompt(label, default="" if name in OPTIONAL_PROMPTS else None, show_default=False, err=True)
        if str(value).strip():
            data[name] = value


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["yaml", "json", "jsonl", "csv"]),
              help="Read every file as this format (default: from the extension).")
@click.option("--dry-run", is_flag=True, help="Check everything, write nothing.")
@click.option("--create-actors", is_flag=True, help="Create unknown actors instead of refusing them.")
@click.option("--texts-from", "text_folder", type=click.Path(file_okay=False, exists=True),
              help="Read sources' text_file from this folder (default: each import file's own folder).")
@click.option("--workers", type=click.IntRange(0, 64), default=None,
              help="Processes that check the facts of a large JSONL file (default: one per core, up to 4; "
                   "0: all in this process).")
@click.pass_context
def import_(ctx, files, fmt, dry_run, create_actors, text_folder, workers):
    """Import facts (and actors and sources) from YAML, JSON, JSONL or CSV files (- reads standard input).

    All or nothing: one bad record writes nothing, and every bad record is
    named as FILE:LINE: field: reason. Importing the same facts again adds nothing.
    Standard input is read as --format says, else as JSON, JSONL or YAML by its first line; its
    sources' text files are read from the current folder (or --texts-from).
    """
    from .fact_files import standard_input
    if "-" not in files:
        _import_files(ctx, files, fmt, dry_run, create_actors, text_folder, workers)
        return
    if files.count("-") > 1:
        raise FactsError("standard input (-) can be read once")
    with standard_input(sys.stdin.buffer, fmt) as (spooled, stdin_fmt):
        try:
            _import_files(ctx, [spooled if f == "-" else f for f in files], stdin_fmt if len(files) == 1 else fmt,
                          dry_run, create_actors, text_folder or ".", workers)
        except RecordErrors as e:
            raise RecordErrors([p.replace(spooled, "stdin") for p in e.problems], e.total) from None
        except FactsError as e:
            raise FactsError(str(e).replace(spooled, "stdin")) from None


def _import_files(ctx, files, fmt, dry_run, create_actors, text_folder, workers) -> None:
    from .fact_dir import is_log
    from .fact_files import read_files
    from .importer import import_records
    if any(is_log(f) for f in files):
        _import_logs(ctx, files, dry_run)
        return
    records = read_files(files, fmt)
    db = _db(ctx)
    with _progress(len(records), "Importing") as advance:
        result = import_records(db, records, _author(), dry_run=dry_run, create_actors=create_actors,
                                progress=advance, text_folder=Path(text_folder) if text_folder else None,
                                workers=workers)
    verb = "Would add" if dry_run else "Added"
    say(f"{verb} {_count(result.facts_added, 'fact')} ({result.facts_unchanged} already stored), "
               f"{_count(result.actors_added, 'actor')}, {_count(result.sources_added, 'source')}"
               + (f", {_count(result.annotations_added, 'annotation')}" if result.annotations_added else "")
               + (" — dry run, nothing written" if dry_run else ""))


def _import_logs(ctx, files, dry_run: bool) -> None:
    """Full-fidelity files go in as a sync: every record and change with its uid, so the collection comes back
    as it was, and what is already here stays."""
    from .fact_dir import is_log
    from .sync_source import read_source
    if not all(is_log(f) for f in files):
        raise FactsError("import full-fidelity files (facts export --format facts-jsonl) by themselves")
    db = _db(ctx)
    added = _sync_all(db, [(f, read_source(f)) for f in files], dry_run)[0]
    wanted = ("facts", "actors", "sources", "annotations", "changes")
    say(f"{'Would add' if dry_run else 'Added'} "
        + ", ".join(_count(added.get(k, 0), k[:-1]) for k in wanted)
        + (" — dry run, nothing written" if dry_run else ""))


class _NothingWritten(Exception):
    pass


def _sync_all(db, works: list, dry_run: bool = False) -> tuple[dict[str, int], int]:
    """Take each work into `db` in one transaction: (what was added, conflicts listed)."""
    from .db import transaction, utc_now
    from .sync import sync_work
    added: dict[str, int] = {}
    conflicts = 0
    try:
        with transaction(db):
            for source, work in works:
                try:
                    result = sync_work(db, work, _author(), utc_now())
                except FactsError as e:
                    raise FactsError(f"{source}: {e}") from None
                for kind, n in result.added.items():
                    added[kind] = added.get(kind, 0) + n
                conflicts = result.conflicts
            if dry_run:
                raise _NothingWritten
    except _NothingWritten:
        pass
    return added, conflicts


def _told(counts: dict[str, int]) -> str:
    """'58 facts, 40 actors, 166 annotations, 10 changes': what a collection or a sync holds."""
    return ", ".join(_count(n, kind) for kind, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n) or "nothing"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 'es' if noun.endswith('s') else 's'}"


class _progress:
    """A rich progress bar on stderr for long work on a terminal; silent otherwise. A total of None is
    not known yet: the work says it (update) as it goes."""

    def __init__(self, total: int | None, label: str, threshold: int = 2000, shown: bool = True):
        self.total, self.label = total, label
        self.enabled = shown and (total is None or total >= threshold) and sys.stderr.isatty()

    def __enter__(self) -> "_progress":
        if not self.enabled:
            return self
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from .output import console
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=console(sys.stderr), transient=True)
        self.bar.start()
        self.task = self.bar.add_task(self.label, total=self.total)
        return self

    def __call__(self, n: int = 1) -> None:
        if self.enabled:
            self.bar.advance(self.task, n)

    def update(self, done: int, total: int | None) -> None:
        if self.enabled:
            self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc):
        if self.enabled:
            self.bar.stop()
        return False


# --- list and show -----------------------------------------------------------------

def filter_options(fn):
    options = [
        click.option("--actor", "-a", "actors", multiple=True, help="Claimant name or alias (repeatable: any of).",
                     shell_complete=completes("actors")),
        click.option("--subject", "-s", "subjects", multiple=True, help="Subject contains this text.",
                     shell_complete=completes("subjects")),
        click.option("--unit", "units", multiple=True, help="Unit (repeatable)."),
        click.option("--source", "sources", multiple=True, help="Source key (repeatable).",
                     shell_complete=completes("sources")),
        click.option("--status", "statuses", multiple=True,
                     type=click.Choice(STATUSES), help="Status (repeatable)."),
        click.option("--tag", "tags", multiple=True, help="Has this tag (repeatable: all of).",
                     shell_complete=completes("tags")),
        click.option("--since", help="Holds on or after this date (YYYY, YYYY-MM, YYYY-MM-DD)."),
        click.option("--until", help="Holds on or before this date."),
        click.option("--min-confidence", help="At least this confidence (number or word)."),
        click.option("--search", "-q", help="Full-text search in claim, subject, quote."),
        click.option("--where", "-w", help='The filter language: actor:nato subject:"troops in belarus" '
                                           'date:2022-02..2022-03 conf>=0.6 status:disputed tag:x value>10000 words'),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def build_filter(actors=(), subjects=(), units=(), sources=(), statuses=(), tags=(), since=None, until=None,
                 min_confidence=None, search=None, where=None):
    from .confidence import confidence_conditions
    from .query import Filter
    minimum = None
    if min_confidence is not None:
        try:
            # A word means its whole band: --min-confidence likely includes 0.6.
            minimum = confidence_conditions(">=", min_confidence)[0][1]
        except ValueError as e:
            raise FactsError(f"--min-confidence: {e}") from None
    flt = Filter(actors=list(actors), subjects=list(subjects), units=list(units), sources=list(sources),
                 statuses=list(statuses), tags=list(tags), since=since, until=until, min_confidence=minimum,
                 search=search)
    if where:
        from .errors import WhereError
        from .where import parse_where
        try:
            flt = flt.merge(parse_where(where))
        except WhereError as e:
            raise FactsError(f"--where: {e}") from None
    return flt


def _fact_columns():
    from .display import format_confidence, format_date, format_quantity_unit, format_status
    return [
        ("id", "right", lambda r: r["id"], False),
        ("date", "left", format_date, False),
        ("claimant", "left", lambda r: r["claimant"], True),
        ("subject", "left", lambda r: r["subject"], True),
        ("quantity", "left", format_quantity_unit, False),
        ("conf.", "left", lambda r: format_confidence(r["confidence"]), True),
        ("source", "left", lambda r: r["source"], True),
        ("status", "left", format_status, False),
    ]


@cli.command("list")
@filter_options
@click.option("--sort", default="id", show_default=True,
              type=click.Choice(SORTS))
@click.option("--desc", is_flag=True, help="Sort descending.")
@click.option("--limit", type=click.IntRange(min=0), help="At most this many facts (on a terminal: a screenful).")
@click.option("--all", "every", is_flag=True, help="Every fact that matches, on a terminal too.")
@click.option("--offset", type=click.IntRange(min=0), default=0)
@output_options
@click.pass_context
def list_(ctx, sort, desc, limit, every, offset, fmt, style, **filters):
    """List facts, filtered and sorted: one line each, written as they are read. On a terminal, a
    screenful (and how many more there are); piped, every one."""
    import shutil

    from .output import write_rows
    from .query import count_facts, list_facts, with_lists
    db = _db(ctx)
    flt = build_filter(**filters)
    screenful = fmt == "table" and limit is None and not every and sys.stdout.isatty()
    if screenful:
        limit = max(5, shutil.get_terminal_size().lines - 5)
    rows = list_facts(db, flt, sort=sort, descending=desc, limit=limit, offset=offset)
    if fmt in ("json", "nl"):  # lists as lists; CSV keeps them as JSON text, as Datasette's CSV does
        rows = (with_lists(r) for r in rows)
    count = write_rows(rows, fmt, style=style, columns=_fact_columns())
    if fmt == "table" and count == 0:
        say("No facts match.", err=True)
    elif screenful and count == limit and (more := count_facts(db, flt) - offset - count) > 0:
        say(f"… and {more:,} more: --limit N shows more, --all every one, --offset N from the N+1th", err=True)


@cli.command()
@click.argument("fact_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Everything as one JSON object.")
@click.pass_context
def show(ctx, fact_id, as_json):
    """Show one fact: every field, the quote in its context, annotations and history."""
    from .query import get_fact
    detail = get_fact(_db(ctx), fact_id)
    if as_json:
        import json
        click.echo(json.dumps({**detail.fact, "annotations": detail.annotations, "history": detail.history},
                              ensure_ascii=False, indent=2))
        return
    from .output import print_trimmed
    from .showing import render_fact
    print_trimmed(render_fact(detail))


# --- SQL and export ------------------------------------------------------------------

@cli.command()
@click.argument("sql")
@click.option("-p", "--param", "params", type=(str, str), multiple=True, help="A named parameter: -p name value.")
@output_options
@click.pass_context
def query(ctx, sql, params, fmt, style):
    """Run read-only SQL against the database (writes are refused)."""
    from .export import run_query
    from .output import write_rows
    columns, rows = run_query(ctx.obj["db"], sql, dict(params))
    if columns:
        write_rows((dict(zip(columns, row)) for row in rows), fmt, style=style)


@cli.command("export")
@click.argument("name", required=False, shell_complete=completes("tables"))
@click.option("--shape", type=click.Choice(EXPORT_SHAPES[:3]), default="objects", show_default=True,
              help="Datasette's JSON shapes: the envelope with rows as objects or arrays, or a bare array.")
@click.option("--nl", "nl", is_flag=True, help="One JSON object a line (_shape=array&_nl=on).")
@click.option("--csv", "as_csv", is_flag=True, help="Datasette's streamed CSV.")
@click.option("--format", "fmt", type=click.Choice(["datasette", "facts-jsonl", "facts-dir"]), default="datasette",
              show_default=True, help="facts-jsonl: every actor, source, fact and annotation, for facts import.")
@click.option("-o", "--output", "path", help="Write to this file (whole or not at all) instead of stdout.")
@click.option("--metadata", "metadata_path", help="Write Datasette's metadata.json for the database to this file.")
@click.option("--site", "site", help="Write a static site into this folder: the pages facts serve shows, in HTML, "
                                    "with the database and its JSON and CSV files.")
@click.option("--title", default="facts", show_default=True, help="Title in metadata.json.")
@click.option("--license", "license_", help="License in metadata.json (e.g. CC-BY-4.0).")
@click.option("--license-url", help="License URL in metadata.json.")
@click.option("--data-source", "source_", help="Source in metadata.json: where the data comes from.")
@click.option("--data-source-url", "source_url", help="Source URL in metadata.json.")
@filter_options
@click.pass_context
def export_(ctx, name, shape, nl, as_csv, fmt, path, metadata_path, site, title, license_, license_url, source_,
            source_url, **filters):
    """Write a table or view (default facts_flat), or the facts that filters keep, as Datasette serves them.

    With --metadata, write metadata.json for `datasette DB -m metadata.json`; with --site DIR, a static
    site readable from any host or from disk: DIR/index.html, the facts table with a search, a page for
    each fact, source, actor and subject, and DIR/<db>.db, DIR/<db>/<table>.json and .csv, DIR/metadata.json.
    """
    from .db import open_db
    from .export import export, output, write_site
    from .metadata import build_metadata
    if nl and as_csv:
        raise FactsError("choose one of --nl and --csv")
    flt = build_filter(**filters)
    db = open_db(ctx.obj["db"], readonly=True)
    database = Path(ctx.obj["db"]).stem
    meta = lambda: build_metadata(db, database, title=title, license=license_, license_url=license_url,  # noqa: E731
                                  source=source_, source_url=source_url)
    if fmt == "facts-dir":
        folder = name or path
        if not folder or (name and path) or flt != build_filter():
            raise FactsError("--format facts-dir writes the whole collection into a folder: give the folder and "
                             "no filters (facts export --format facts-dir DIR)")
        from .fact_dir import write_dir
        counts = write_dir(db, folder)
        say(f"Wrote {folder}: {_told(counts)}", err=True)
        return
    if fmt == "facts-jsonl":
        if name or flt != build_filter():
            raise FactsError("--format facts-jsonl writes the whole collection: give no table and no filters")
        from .fact_dir import write_log
        with output(path) as out:
            counts = write_log(db, out)
        say(_told(counts), err=True)
        return
    if metadata_path or site:
        if name or path:
            raise FactsError("--metadata and --site write whole databases: give no table and no -o")
        if metadata_path:
            import json
            with output(metadata_path) as out:
                out.write(json.dumps(meta(), indent=2, ensure_ascii=False) + "\n")
        if site:
            with _progress(None, "Writing pages") as bar:
                count = write_site(db, Path(ctx.obj["db"]), Path(site), meta(), progress=bar.update)
            say(f"Wrote {site}: {count} tables and views, and their pages (open {Path(site) / 'index.html'})",
                err=True)
        return
    # On a terminal, a bar on stderr while rows go to a file (not while they go to the screen).
    with output(path) as out, _progress(None, "Exporting", shown=bool(path) or not sys.stdout.isatty()) as bar:
        export(db, name or "facts_flat", out, shape="csv" if as_csv else "nl" if nl else shape, flt=flt, parallel=True,
               database=database, progress=bar.update)


# --- working as a team ----------------------------------------------------------


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@click.pass_context
def sync(ctx, sources):
    """Take other analysts' work into this database: their database files, facts-dir folders (facts export
    --format facts-dir), full-fidelity files (facts export --format facts-jsonl), or folders of them. Every
    record and change not seen yet is added with its own author and time; the result does not depend on the
    order. What was changed apart and cannot both stand is listed by facts conflicts."""
    from .sync_source import read_source
    db = _db(ctx)
    added, conflicts = _sync_all(db, [(source, read_source(source)) for source in sources])
    told = ", ".join(_count(n, kind[:-1]) for kind, n in sorted(added.items(), key=lambda kv: -kv[1])) or "nothing new"
    say(f"Synced {len(sources)} source{'s' if len(sources) != 1 else ''}: {told}")
    if conflicts:
        say(f"{_count(conflicts, 'conflict')} to decide: facts conflicts")


@cli.command()
@output_options
@click.pass_context
def conflicts(ctx, fmt, style):
    """List what analysts did apart that cannot both stand: each side with its value, author and time."""
    from .conflicts import list_conflicts, side_text
    from .db import open_db
    from .output import write_rows
    db = open_db(ctx.obj["db"], readonly=True)
    found = list_conflicts(db)
    if fmt == "table":
        if not found:
            say("No conflicts.")
            return
        from .output import print_trimmed
        from .showing import render_conflicts
        print_trimmed(render_conflicts(found, lambda c, side: side_text(db, c.field, side.value)))
        say("Settle one with: facts resolve N --take mine|theirs|SIDE (two facts alike: --take both keeps two)")
        return
    write_rows(({"conflict": c.id, "kind": c.kind, "about": c.about, "field": c.field or None, "side": number,
                 "value": side_text(db, c.field, side.value), "by": side.by, "at": side.at}
                for c in found for number, side in enumerate(c.sides, 1)), fmt)


@cli.command()
@click.argument("conflict", type=int)
@click.option("--take", required=True, help="mine (the side you made), theirs (the other of two), a side's number "
                                           "as facts conflicts lists it, a value (one-word fields), or both (a "
                                           "likely duplicate that is two claims).")
@click.pass_context
def resolve(ctx, conflict, take):
    """Settle conflict CONFLICT. The decision is a change that syncs, so the whole team gets it."""
    from .conflicts import resolve_conflict
    from .db import transaction, utc_now
    db = _db(ctx)
    with transaction(db):
        done = resolve_conflict(db, conflict, take, _author(), utc_now())
    say(f"Resolved #{conflict}: {done}")


@cli.command()
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.pass_context
def serve(ctx, port, host):
    """Serve the database with Datasette (pip install 'facts[datasette]'), with its metadata."""
    import importlib.util
    import json
    import subprocess

    from .db import open_db
    from .metadata import build_metadata
    if importlib.util.find_spec("datasette") is None:
        raise FactsError("facts serve needs Datasette: pip install 'facts[datasette]' "
                         "(or pip install 'datasette<0.66')")
    path = Path(ctx.obj["db"])
    meta = build_metadata(open_db(path, readonly=True), path.stem, title="facts")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(meta, f)
    command = [sys.executable, "-m", "datasette", "serve", str(path), "-m", f.name, "--host", host, "--port", str(port),
               "--setting", "suggest_facets", "off"]
    say(f"Serving {path} at http://{host}:{port}/ (ctrl+c stops)", err=True)
    server = subprocess.Popen(command)
    try:
        code = server.wait()
    except BaseException:  # ctrl+c, or SIGTERM/SIGHUP turned into SystemExit: the server stops with us
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        raise
    finally:
        Path(f.name).unlink(missing_ok=True)
    sys.exit(code)


# --- extraction ------------------------------------------------------------------------

@cli.command()
@click.argument("source")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(CANDIDATE_KINDS),
              help="Only these kinds (repeatable; default all).")
@click.option("--published", help="The document's date (YYYY-MM-DD), to complete dates that give no year.")
@click.option("--all", "include_decided", is_flag=True, help="Also the candidates already accepted or rejected.")
@click.option("--reject", "rejects", multiple=True, metavar="START-END",
              help="Record that the quantity candidate at this span is not a fact (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="One object per candidate.")
@click.option("--yaml", "as_yaml", is_flag=True, help="A draft fact file for facts import (after editing).")
@click.pass_context
def extract(ctx, source, kinds, published, include_decided, rejects, as_json, as_yaml):
    """Propose candidate facts from a source (a key, or a text file): quantities, dates, claimants."""
    import json

    from .candidates import candidates, decide, load_document, write_draft
    from .db import open_db, transaction
    from .display import plural
    if published is not None:
        from .dates import parse_partial
        try:
            published = parse_partial(published)
        except ValueError as e:
            raise FactsError(f"--published: {e}") from None
    path = Path(ctx.obj["db"])
    db = open_db(path) if path.exists() else None
    doc = load_document(db, source, published)
    found = candidates(db, doc, kinds=tuple(kinds) or CANDIDATE_KINDS,
                       include_decided=include_decided)
    if rejects:
        if db is None:
            raise FactsError("--reject needs the database the source is stored in")
        spans = {f"{c.start}-{c.end}": c for c in found if c.kind == "quantity"}
        unknown = [r for r in rejects if r not in spans]
        if unknown:
            raise FactsError(f"--reject {unknown[0]}: no pending quantity candidate at that span")
        with transaction(db):
            for r in rejects:
                decide(db, doc, spans[r], "rejected", _author())
        say(f"Rejected {plural(len(rejects), 'candidate')}", err=True)
        return
    if as_json:
        click.echo(json.dumps([c.as_dict() for c in found], ensure_ascii=False, indent=1))
    elif as_yaml:
        write_draft(doc, found, sys.stdout)
    else:
        from .display import format_candidate
        from .output import write_rows
        write_rows((c.as_dict() for c in found), "table", columns=[
            ("kind", "left", lambda c: c["kind"], False),
            ("span", "right", lambda c: f"{c['start']}-{c['end']}", False),
            ("text", "left", lambda c: c["text"], True),
            ("reading", "left", format_candidate, True)])


# --- annotations -----------------------------------------------------------------

def _annotate(ctx, body_named: str = "body", **fields) -> int:
    from .annotations import annotate
    with _body_named(body_named):
        return annotate(_db(ctx), author=_author(), **fields)


@contextmanager
def _body_named(name: str):
    """A problem with an annotation's body is named by the argument or option the user gave it with."""
    from .errors import FieldProblems
    try:
        yield
    except FieldProblems as e:
        raise FieldProblems([(name if f == "body" else f, r) for f, r in e.problems]) from None


@cli.command("annotate")
@click.argument("fact_id", type=int)
@click.argument("text")
@click.pass_context
def annotate_(ctx, fact_id, text):
    """Add a note to a fact."""
    number = _annotate(ctx, "text", fact_id=fact_id, kind="note", body=text)
    say(f"Added note #{number} to fact #{fact_id}")


@cli.command()
@click.argument("fact_id", type=int)
@click.argument("tags", nargs=-1, required=True)
@click.option("--remove", is_flag=True, help="Remove the tags instead (recorded as an annotation too).")
@click.pass_context
def tag(ctx, fact_id, tags, remove):
    """Tag a fact (or, with --remove, untag it)."""
    from .annotations import annotate_all
    author = _author()
    annotate_all(_db(ctx), [{"fact_id": fact_id, "kind": "untag" if remove else "tag", "tag": name, "author": author}
                            for name in tags])
    say(f"{'Removed' if remove else 'Tagged'} fact #{fact_id}: {', '.join(tags)}")


@cli.command()
@click.argument("fact_id", type=int)
@click.argument("confidence")
@click.option("--reason", required=True, help="Why the rating changes.")
@click.pass_context
def rate(ctx, fact_id, confidence, reason):
    """Re-rate a fact's confidence (a number 0..1 or an ICD 203 word)."""
    from .display import format_confidence
    from .query import get_fact
    _annotate(ctx, "reason", fact_id=fact_id, kind="rate", confidence=confidence, body=reason)
    now = get_fact(_db(ctx), fact_id).fact["confidence"]
    say(f"Fact #{fact_id} confidence is now {format_confidence(now)}")


@cli.command()
@click.argument("annotation_id", type=int)
@click.option("--reason", help="Why it is withdrawn.")
@click.pass_context
def retract(ctx, annotation_id, reason):
    """Withdraw an annotation (its number is in facts show): a tag, re-rating or status it made is undone."""
    from .annotations import retract as retract_annotation
    with _body_named("reason"):
        number = retract_annotation(_db(ctx), annotation_id, _author(), reason)
    say(f"Retracted annotation #{annotation_id} (retraction #{number})")


@cli.command()
@click.argument("fact_id", type=int)
@click.argument("status", type=click.Choice(STATUSES))
@click.option("--reason", help="Why (required for all but active).")
@click.option("--superseded-by", type=int, help="The fact that supersedes this one.")
@click.pass_context
def status(ctx, fact_id, status, reason, superseded_by):
    """Mark a fact active, disputed, retracted or superseded."""
    _annotate(ctx, "reason", fact_id=fact_id, kind="status", status=status, body=reason,
              superseded_by=superseded_by)
    say(f"Fact #{fact_id} is now {status}")



def add_plugin_commands() -> click.Group:
    """The CLI with the commands other packages add through the `facts.commands` entry point (the
    browser's `facts browse`): found by name, so the library never imports them."""
    from importlib.metadata import entry_points
    for entry in entry_points(group="facts.commands"):
        if entry.name not in cli.commands:
            cli.add_command(entry.load(), entry.name)
    return cli


def _stop_cleanly(signum: int, _frame: object) -> None:
    """SIGTERM or SIGHUP: unwind like ctrl+c, so temporary files go and a server started here stops too."""
    raise SystemExit(128 + signum)


def main() -> None:
    """The `facts` console script, and `python -m facts`."""
    import signal
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, _stop_cleanly)
    from . import db
    db.wait_notice = lambda seconds: say(f"Waited {seconds:.1f} s for another program's write to finish "
                                         f"(a write waits up to {db.BUSY_SECONDS} s)", err=True)
    add_plugin_commands()()
