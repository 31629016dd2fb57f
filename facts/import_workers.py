"""The facts of a large JSONL file read and checked on every core.

Reading a fact's JSON, validating it against the models and anchoring its quote are pure Python and
set the pace of a large import. So for a large import, ranges of a JSONL file's lines are checked by
worker processes (`python -m facts.import_workers`) against the actors and sources as they stand when
the facts begin, and the importing process writes what they send back, in the file's order.

A line a worker cannot settle from what it holds comes back as its text, and the importer reads it as
it reads every line of a smaller import, so messages and results are the same: a line with a problem,
an actor or source it does not hold, a ref, a type, a fact it repeats. Whether the fact that
supersedes one is there, the importer asks.

A worker gets its job as a pickle on stdin (the names it holds, its ranges of lines), and for each
range writes to stdout a length line and a pickle of the range's results, one per line that is not blank:
(line number, None, text) for the importer to read, or a checked fact as a plain tuple, which pickles
fastest: (line number, natural key digest, then the fields of facts.writing.PreparedFact in order).
Its pipe holds it one range ahead of the importer, so memory stays flat.
"""

import pickle
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from .worker_processes import failed, pipe, stop, workers_available

SMALLEST = 20_000  # facts below which starting workers costs more than it gives
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class NotHeld(Exception):
    """A name the worker does not hold: the importer settles it against the database."""


def nocase(text: str) -> str:
    """SQLite's NOCASE: ASCII letters folded, nothing else."""
    return text.translate(_ASCII_LOWER)


@dataclass
class HeldNames:
    """The actors and sources of the database as the facts begin, answering as facts.writing.Resolver does
    for every name it holds and raising NotHeld for the rest."""

    aliases: dict[str, int]  # alias, NOCASE-folded -> actor id
    folded: dict[str, int]  # alias, casefolded -> actor id, for aliases NOCASE does not fold
    sources: dict[str, tuple[int, str | None]]  # key -> id, text
    create_actors = False
    as_entered = False
    writer = None

    def actor(self, name: str) -> int:
        name = name.strip()
        found = self.aliases.get(nocase(name))
        if found is None:
            found = self.folded.get(name.casefold())
        if found is None:
            raise NotHeld(name)
        return found

    def source(self, key: str) -> tuple[int, str | None]:
        if key not in self.sources:
            raise NotHeld(key)
        return self.sources[key]

    def fact_exists(self, fact_id: int) -> bool:
        return True  # the importer asks again of the facts the workers pass (superseded_by)


def held_names(conn) -> HeldNames:
    """The names a worker holds, read as facts.actors.resolve_actor reads them."""
    aliases = {nocase(alias): actor_id for alias, actor_id in conn.execute("SELECT alias, actor_id FROM aliases")}
    folded: dict[str, int] = {}
    for alias, actor_id in conn.execute(
            "SELECT alias, actor_id FROM aliases WHERE alias <> lower(alias) OR alias GLOB '*[^ -~]*'"):
        folded.setdefault(alias.casefold(), actor_id)
    sources = {key: (source_id, text) for source_id, key, text in conn.execute("SELECT id, key, text FROM sources")}
    return HeldNames(aliases, folded, sources)


def check_range(path: str, offset: int, first: int, count: int, names: HeldNames) -> list[tuple]:
    """The results of `count` lines of a file from byte `offset`, the first numbered `first`."""
    from .fact_files import jsonl_record
    from .writing import key_digest, validate_fact

    results: list[tuple] = []
    with open(path, "rb") as f:
        f.seek(offset)
        for number in range(first, first + count):
            raw = f.readline()
            if not raw:
                break
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if number == 1:
                line = line.removeprefix("\ufeff")
            if not line.strip():
                continue
            fact = None
            try:
                record = jsonl_record(path, number, line)
                if record.section == "facts" and isinstance(record.data, dict) and "ref" not in record.data:
                    prepared = validate_fact(record.data, names)  # type: ignore[arg-type]
                    if prepared.repeats is None:
                        fact = prepared
            except Exception:  # a problem, or a name not held: the importer reads the line
                fact = None
            if fact is None:
                results.append((number, None, line))
            else:
                results.append((number, key_digest(fact.key), fact.values, fact.about, fact.tags, fact.note,
                                fact.created_at, fact.created_by, False, None, fact.uid))
    return results


def work(stdin: IO[bytes], out: IO[bytes]) -> None:
    """A worker: its job from stdin, then each range's results in turn."""
    job = pickle.load(stdin)
    names = pickle.loads(job["names"])
    for offset, first, count in job["ranges"]:
        data = pickle.dumps(check_range(job["path"], offset, first, count, names), pickle.HIGHEST_PROTOCOL)
        out.write(b"%d\n" % len(data) + data)
        out.flush()


def workers_for(facts: int, wanted: int | None) -> int:
    """How many workers to start: `wanted`, else one per core up to 4 when there are two or more."""
    if wanted is not None:
        return wanted
    if facts < SMALLEST:
        return 0
    cores = workers_available()
    return cores if cores >= 2 else 0


def checked_lines(path: str, ranges: list[tuple[int, int, int]], names: HeldNames,
                  workers: int) -> Iterator[tuple]:
    """The results of every range, in order, from `workers` worker processes."""
    processes: list[subprocess.Popen[bytes]] = []
    held = pickle.dumps(names, pickle.HIGHEST_PROTOCOL)  # once: the source texts may be many MB
    try:
        for w in range(workers):
            process = subprocess.Popen([sys.executable, "-m", "facts.import_workers"], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            processes.append(process)
            job = pickle.dumps({"path": path, "ranges": ranges[w::workers], "names": held}, pickle.HIGHEST_PROTOCOL)
            # Written by a thread: the pipe takes it only as fast as the worker, still starting, reads it.
            threading.Thread(target=_send, args=(pipe(process.stdin), job), daemon=True).start()
        for index in range(len(ranges)):
            process = processes[index % workers]
            stdout = pipe(process.stdout)
            size = stdout.readline()
            if not size.strip().isdigit():
                failed(process, "an import worker")
            yield from pickle.loads(stdout.read(int(size)))
    finally:
        stop(processes)


def _send(pipe: IO[bytes], data: bytes) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except OSError:  # the worker is gone; reading its results says why
        pass


if __name__ == "__main__":
    from facts.import_workers import work as run  # not __main__'s copy: what it pickles names facts.import_workers

    run(sys.stdin.buffer, sys.stdout.buffer)
