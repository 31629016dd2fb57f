"""`facts browse`: the browser's command, which the facts CLI finds through the `facts.commands`
entry point (pyproject.toml), so that the library never imports the browser. Textual itself is
imported only when `browse` runs.
"""

from pathlib import Path

import click

from facts.cli import say


@click.command()
@click.option("--where", "-w", default="", help="Start with this filter (the filter language of facts list --where).")
@click.pass_context
def browse(ctx, where):
    """Browse, filter, sort and inspect facts in the terminal.

    Without a database yet, it creates one with the seed collection.
    """
    from facts.db import current_author, open_db
    from facts.importer import import_seed_collection

    path = Path(ctx.obj["db"])
    if not path.exists():
        db = open_db(path, create=True)
        result = import_seed_collection(db, current_author())
        db.conn.close()
        say(f"Created {path} with the seed collection ({result.facts_added} facts)", err=True)
    else:
        open_db(path).conn.close()  # a clear error for a file that is not a facts database
    from .app import run
    run(path, where)
