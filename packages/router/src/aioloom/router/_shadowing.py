"""Shadowing diagnostics: routes that can never match because of one tried before.

"Earlier" and "later" are in the order the router tries resources (the index's
rank: deepest literal prefix first, then registration order). Only provable
cases are reported (no false alarms): a later plain path matched
by an earlier pattern, a later pattern covered segment by segment by an earlier
one (a default ``{var}`` covers any non-empty literal/default-variable segment),
and later paths under an earlier static prefix (GET/HEAD/OPTIONS) or under an
earlier nested router's prefix (every method: its answer is final).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from ._abc import AbstractResource
from ._index import Entry, RouteIndex
from ._nested import PrefixedResource
from ._pattern import PathPattern, Segment
from ._routes import Route, _PatternResource
from ._static import StaticResource

__all__ = ["Shadowing", "find_shadowing"]

H = TypeVar("H")


@dataclass(frozen=True, slots=True)
class Shadowing(Generic[H]):
    route: Route[H]  # never matches...
    by: Route[H] | AbstractResource[H]  # ...because this, tried before it, answers first

    def message(self) -> str:
        return (
            f"{self.route!r} can never match: {self.by!r}, tried before it, "
            "matches every request it would"
        )


def _segment_covers(earlier: Segment, later: Segment) -> bool:
    if earlier.kind == "literal":
        return later.kind == "literal" and later.text == earlier.text
    if earlier.kind == "any":
        return later.simple and not (later.kind == "literal" and later.text == "")
    return later.kind == earlier.kind and later.text == earlier.text


def _pattern_covers(earlier: PathPattern, later: PathPattern) -> bool:
    if later.is_plain:
        return True  # the caller checked that ``earlier`` matches the only path
    if earlier.open_ended or len(earlier.segments) != len(later.segments):
        return False
    return all(_segment_covers(a, b) for a, b in zip(earlier.segments, later.segments, strict=True))


def _under(prefix: str, pattern: PathPattern) -> bool:
    literal_head = pattern.canonical.partition("{")[0]
    return literal_head.startswith(prefix + "/")


def _check(
    earlier: AbstractResource[H], later: _PatternResource[H], sample: str
) -> list[Shadowing[H]]:
    found: list[Shadowing[H]] = []
    pattern = later.pattern
    if isinstance(earlier, _PatternResource):
        if earlier.match(sample) is None or not _pattern_covers(earlier.pattern, pattern):
            return found
        for route in later:
            by = earlier.route_for(route.method)
            if by is not None:
                found.append(Shadowing(route, by))
    elif isinstance(earlier, StaticResource):
        if _under(earlier.prefix, pattern):
            for route in later:
                static_route = earlier.route_for(route.method)
                if static_route is not None:
                    found.append(Shadowing(route, static_route))
    elif isinstance(earlier, PrefixedResource) and _under(earlier.prefix, pattern):
        found.extend(Shadowing(route, earlier) for route in later)
    return found


def find_shadowing(ranked: list[Entry[H]], index: RouteIndex[H]) -> list[Shadowing[H]]:
    """Every provably unreachable route, with what shadows it (``ranked``: the
    index's entries; a resource is tried after those of a lower rank)."""
    found: list[Shadowing[H]] = []
    order_of = {id(resource): order for order, resource in ranked}
    for _, resource in ranked:
        if not isinstance(resource, _PatternResource):
            continue
        sample = resource.pattern.sample
        if sample is None:
            continue
        own = order_of[id(resource)]
        seen: set[str] = set()
        for order, earlier in index.candidates(sample):
            if order >= own:
                break
            for item in _check(earlier, resource, sample):
                if item.route.method not in seen:
                    seen.add(item.route.method)
                    found.append(item)
    return found
