"""Changes as events: each has a uid, its parents (the changes of the same record it was made on) and the
values it set. A record's state is its values as first made with its changes applied in one order every
database agrees on (parents first, then by time and uid), so two databases holding the same changes hold
the same state whatever order the changes reached them in. Two changes of one group of fields, neither
made on the other, are a conflict: the later one is shown until someone decides (unless both were made by
other changes, which are the conflict)."""

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field

MISSING = object()


@dataclass
class Event:
    uid: str
    parents: frozenset[str]
    at: str
    by: str | None
    old: dict
    new: dict
    action: str = "update"
    extra: dict = field(default_factory=dict)  # what its table holds besides (a reason, a link's kind)
    derived: bool = False  # made by another change (a quote found again in a new text), not by a person


def parents_of(text: str | None) -> frozenset[str]:
    return frozenset((text or "").split())


def in_order(events: Iterable[Event]) -> list[Event]:
    """Parents before children, else by time then uid: the same order from the same set of changes."""
    events = list(events)
    known = {e.uid for e in events}
    waiting = {e.uid: len(e.parents & known) for e in events}
    children: dict[str, list[Event]] = {}
    for e in events:
        for p in e.parents & known:
            children.setdefault(p, []).append(e)
    ready = [(e.at, e.uid, e) for e in events if waiting[e.uid] == 0]
    heapq.heapify(ready)
    out = []
    while ready:
        _, _, e = heapq.heappop(ready)
        out.append(e)
        for child in children.get(e.uid, ()):
            waiting[child.uid] -= 1
            if waiting[child.uid] == 0:
                heapq.heappush(ready, (child.at, child.uid, child))
    if len(out) < len(events):  # parents in a cycle cannot come from honest work: keep the rest by time
        seen = {e.uid for e in out}
        out += sorted((e for e in events if e.uid not in seen), key=lambda e: (e.at, e.uid))
    return out


def ancestors(events: list[Event]) -> dict[str, set[str]]:
    """Each change's ancestors among `events` (given in order, parents first)."""
    by_uid = {e.uid: e for e in events}
    out: dict[str, set[str]] = {}
    for e in events:
        seen: set[str] = set()
        for p in e.parents:
            if p in by_uid:
                seen.add(p)
                seen |= out.get(p, set())
        out[e.uid] = seen
    return out


def first_values(current: dict, ordered: list[Event]) -> dict:
    """A record's values as first made: for each field a change touched, what the first change touching it
    found there; the others as they are now."""
    values = dict(current)
    seen: set[str] = set()
    for e in ordered:
        for name, value in e.old.items():
            if name in e.new and name not in seen:
                seen.add(name)
                values[name] = value
    return values


@dataclass
class Folded:
    values: dict
    last: Event | None
    # group -> the changes at its heads that disagree (empty when they agree)
    conflicts: dict[str, list[Event]]


def fold(current: dict, events: Iterable[Event], groups: dict[str, tuple[str, ...]]) -> Folded:
    """A record's state from its values and every change of it: the first values with the changes applied
    in order; each group whose heads (changes no other change of the group was made on) disagree."""
    ordered = in_order(events)
    values = first_values(current, ordered)
    for e in ordered:
        values.update({k: v for k, v in e.new.items() if k in values or k in _all(groups)})
    found: dict[str, list[Event]] = {}
    if len(ordered) > 1:
        above = ancestors(ordered)
        for group, names in groups.items():
            touching = [e for e in ordered if any(n in e.new for n in names)]
            if len(touching) < 2:
                continue
            heads = [e for e in touching if not any(e.uid in above[o.uid] for o in touching if o is not e)]
            if all(h.derived for h in heads):
                continue  # what other changes made apart are their conflict
            if len({tuple(_key(h.new.get(n, MISSING)) for n in names) for h in heads}) > 1:
                found[group] = heads
    return Folded(values, ordered[-1] if ordered else None, found)


def _all(groups: dict[str, tuple[str, ...]]) -> set[str]:
    return {n for names in groups.values() for n in names}


def _key(value: object) -> object:
    if isinstance(value, list):
        return tuple(value)
    if value is MISSING:
        return ("missing",)
    return value
