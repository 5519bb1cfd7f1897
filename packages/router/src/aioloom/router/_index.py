"""The lookup index: candidates for a path, in aiohttp's order, without a scan.

A trie over path segments. Each node has literal children (a dict), one child
for "any non-empty segment" (the default ``{var}``), and regex children (merged
by regex source). Resources end at a node (``terminal``: the path has exactly
that many segments) or hang off it (``wild``: prefix resources and patterns whose
variables may match ``/``). Resources without an index key hang off the root.

Walking a path visits only the branches its segments match; the candidates found
are a superset of the resources that can match, merged by rank (``rank``:
aiohttp's order, the deepest literal prefix first, then registration order),
and each candidate still decides with its own full match. Candidates for plain
paths are computed once per index build, so a plain path costs one dict lookup.

A *compiled* index (built when the dispatcher freezes, so resources no longer
change) also answers most lookups outright, in ``resolve``: the answer of every
plain path, and of every trie node reached through literal and default-variable
edges only, is precomputed per method (a :class:`_Plan`). Such a node pins down
the segment kinds of all its terminal resources, so when no open-ended resource
hangs on the way every one of them matches and only their order and methods
decide; the variables are read off the path's segments. Anything else (regex
children, a literal and a variable branch both matching, wild resources on the
way, custom resources, braces in the path) falls back to ``candidates``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from operator import itemgetter
from typing import Generic, TypeVar

from ._abc import AbstractResource, ErrorFactory, MatchInfo, new_match
from ._pattern import Segment
from ._routes import DynamicResource, PlainResource, Resource, Route, _PatternResource

__all__ = ["RouteIndex"]

H = TypeVar("H")

# (rank, resource): candidates are tried by rank (see ``rank``)
Rank = tuple[int, int]
Entry = tuple[Rank, AbstractResource[H]]
_order = itemgetter(0)
_NO_METHODS: frozenset[str] = frozenset()
_PLANNED = (PlainResource, DynamicResource)  # exact types: subclasses may override resolve()
Positions = tuple[tuple[int, str], ...]
# a resource known to match, its precomputed variables, where the others are in the path
Matched = list[tuple[Resource[H], dict[str, str], Positions]]


class _Answer(Generic[H]):
    """The route that answers, and where its variables come from."""

    __slots__ = ("positions", "route", "variables")

    def __init__(
        self,
        route: Route[H],
        variables: dict[str, str],
        positions: Positions,
    ) -> None:
        self.route = route
        self.variables = variables  # precomputed (decoded), for plain paths
        self.positions = positions  # (segment index, name) for default variables


class _Plan(Generic[H]):
    """Per method, the answer for a set of resources known to match, in order."""

    __slots__ = ("allowed", "answers", "default")

    def __init__(self, matched: Matched[H]) -> None:
        methods = {route.method for resource, _, _ in matched for route in resource}
        self.answers: dict[str, _Answer[H]] = {}
        for method in methods:
            answer = _first_answer(matched, method)
            if answer is not None:
                self.answers[method] = answer
        # a method no resource names explicitly: only a '*' route can answer it
        self.default: _Answer[H] | None = _first_answer(matched, None)
        allowed: frozenset[str] = _NO_METHODS
        for resource, _, _ in matched:
            allowed |= frozenset(route.method for route in resource)
        self.allowed = allowed  # the 405's Allow when nothing answers (empty: 404)


def _first_answer(matched: Matched[H], method: str | None) -> _Answer[H] | None:
    for resource, variables, positions in matched:
        route = resource.route_for(method) if method is not None else resource.any_route
        if route is not None:
            return _Answer(route, variables, positions)
    return None


class _Node(Generic[H]):
    __slots__ = (
        "any",
        "final",
        "literal",
        "plan",
        "regex",
        "regex_by_source",
        "step",
        "terminal",
        "wild",
    )

    def __init__(self) -> None:
        self.literal: dict[str, _Node[H]] = {}
        self.any: _Node[H] | None = None
        self.regex: list[tuple[re.Pattern[str], _Node[H]]] = []
        self.regex_by_source: dict[str, _Node[H]] = {}
        self.terminal: list[Entry[H]] = []
        self.wild: list[Entry[H]] = []
        # compiled index only:
        self.step = False  # resolve() may walk on from here (no wild so far, no regex child)
        self.final = False  # resolve() may answer here with ``plan`` (None: 404)
        self.plan: _Plan[H] | None = None

    def child(self, segment: Segment) -> _Node[H]:
        if segment.kind == "literal":
            node = self.literal.get(segment.text)
            if node is None:
                node = self.literal[segment.text] = _Node()
            return node
        if segment.kind == "any":
            if self.any is None:
                self.any = _Node()
            return self.any
        node = self.regex_by_source.get(segment.text)
        if node is None:
            node = self.regex_by_source[segment.text] = _Node()
            self.regex.append((re.compile(segment.text), node))
        return node


def rank(order: int, canonical: str) -> Rank:
    """The order in which aiohttp 3.14 tries resources: the deepest literal prefix first.

    aiohttp files a resource under its canonical path cut before the segment of
    the first variable (``/users/{id}/x`` under ``/users``; a static or sub-app
    prefix under itself), and tries the files of the request path's prefixes
    from the longest to ``/``; within one file, registration order decides.
    So ``/users/me`` answers before ``/users/{id}`` whatever their order.
    """
    key = canonical.partition("{")[0].rpartition("/")[0] if "{" in canonical else canonical
    key = key.rstrip("/")
    return (-key.count("/"), order)


class RouteIndex(Generic[H]):
    def __init__(
        self,
        entries: Iterable[Entry[H]],
        *,
        compiled: bool = False,
        error_factory: ErrorFactory | None = None,
    ) -> None:
        self._error_factory = error_factory
        root: _Node[H] = _Node()
        plain_paths: list[str] = []
        for order, resource in entries:
            key = resource.index_key()
            if key is None:
                root.wild.append((order, resource))
                continue
            node = root
            for segment in key.segments:
                node = node.child(segment)
            if key.open_ended:
                node.wild.append((order, resource))
            else:
                node.terminal.append((order, resource))
                if all(segment.kind == "literal" for segment in key.segments):
                    plain_paths.append("/" + "/".join(s.text for s in key.segments))
        _sort_lists(root)
        self._root = root
        self._exact: dict[str, list[Entry[H]]] = {}
        for path in plain_paths:
            self._exact[path] = self._walk(path)
        self._plans: dict[str, _Plan[H]] = {}
        self._tails: dict[str, tuple[dict[str, _Node[H]], _Node[H]]] = {}
        self._start: _Node[H] = _Node()
        self._start.literal[""] = root
        self.compiled = compiled
        if compiled:
            self._start.step = True
            self._start.final = not root.wild
            for path, entries in self._exact.items():
                plan = _plain_plan(path, entries)
                # (a route path written with '%' is left to the decoding slow path)
                if plan is not None and "%" not in path:
                    self._plans[path] = plan
            _compile(root, clean=True)
            self._tails = _tails(root)

    def resolve(self, method: str, path: str) -> MatchInfo[H] | None:
        """The answer (compiled index), or None: use ``candidates`` instead.

        ``path`` may still be encoded: a path without ``%`` is its own decoded
        form, and one with ``%`` is answered None (decode it, then use
        ``candidates``). A plain path is looked up first, so it pays nothing.
        """
        plan = self._plans.get(path)
        if plan is not None:  # a plain path: variables (if any) are precomputed
            answer = plan.answers.get(method, plan.default)
            if answer is None:
                return self._unanswered(plan, method)
            match: MatchInfo[H] = new_match(answer.route)
            if answer.variables:
                match.update(answer.variables)
            return match
        if "%" in path:
            return None
        # "/prefix/{var}", the commonest dynamic shape: literals, then one variable last
        prefix, slash, last = path.rpartition("/")
        tail = self._tails.get(prefix)
        segments: list[str] | None = None
        if (
            tail is not None
            and slash  # ("a" is not "/a")
            and last
            and last not in tail[0]
            and "{" not in last
            and "}" not in last
        ):
            node = tail[1]
        else:
            node = self._start  # its only child, "", is the root: paths start with '/'
            segments = path.split("/")
            for segment in segments:
                if not node.step:
                    return None
                child = node.literal.get(segment)
                if child is None:
                    child = node.any
                    if child is None or not segment:
                        return self._unanswered(None, method) if node.final else None
                    if "{" in segment or "}" in segment:
                        return None  # not a default variable's value: let the regexes decide
                elif segment and node.any is not None:
                    return None  # both branches match: merge them the slow way
                node = child
            if not node.final:
                return None
        plan = node.plan
        if plan is None:
            return self._unanswered(None, method)
        answer = plan.answers.get(method, plan.default)
        if answer is None:
            return self._unanswered(plan, method)
        match = new_match(answer.route)
        if segments is None:  # a tail: every variable is the last segment
            for _, name in answer.positions:
                match[name] = last
        else:  # (no '%' in the path: the values need no decoding)
            for position, name in answer.positions:
                match[name] = segments[position]
        return match

    def _unanswered(self, plan: _Plan[H] | None, method: str) -> MatchInfo[H]:
        """405 when resources matched the path but not the method, else 404."""
        if plan is not None and plan.allowed:
            match: MatchInfo[H] = new_match(None, 405, plan.allowed)
        else:
            match = new_match(None, 404)
        factory = self._error_factory
        if factory is not None:  # (new_error, inlined: 404s are a hot path too)
            match._error = (factory, method)
        return match

    def candidates(self, path: str) -> list[Entry[H]]:
        """Resources that may match ``path`` (decoded), by rank."""
        exact = self._exact.get(path)
        if exact is not None:
            return exact
        return self._walk(path)

    def _walk(self, path: str) -> list[Entry[H]]:
        root = self._root
        if not path.startswith("/"):
            return root.wild
        segments = path[1:].split("/")
        found: list[list[Entry[H]]] = []
        node = root
        # Fast path: follow the single branch that matches, as long as there is one.
        for position, segment in enumerate(segments):
            if node.wild:
                found.append(node.wild)
            literal = node.literal.get(segment)
            following = node.any if segment else None
            if node.regex or (literal is not None and following is not None):
                return self._walk_all(segments, position, node, found)
            if literal is not None:
                following = literal
            if following is None:
                return _merge(found)
            node = following
        if node.wild:
            found.append(node.wild)
        if node.terminal:
            found.append(node.terminal)
        return _merge(found)

    def _walk_all(
        self, segments: list[str], position: int, start: _Node[H], found: list[list[Entry[H]]]
    ) -> list[Entry[H]]:
        """Breadth-first over every matching branch (``start.wild`` already collected)."""
        frontier = [start]
        first = True
        for segment in segments[position:]:
            following: list[_Node[H]] = []
            for node in frontier:
                if node.wild and not first:
                    found.append(node.wild)
                child = node.literal.get(segment)
                if child is not None:
                    following.append(child)
                if segment and node.any is not None:
                    following.append(node.any)
                for regex, child in node.regex:
                    if regex.fullmatch(segment) is not None:
                        following.append(child)
            first = False
            if not following:
                return _merge(found)
            frontier = following
        for node in frontier:
            if node.wild:
                found.append(node.wild)
            if node.terminal:
                found.append(node.terminal)
        return _merge(found)


def _sort_lists(root: _Node[H]) -> None:
    """Each node's lists by rank (they were filled in registration order)."""
    pending = [root]
    while pending:
        node = pending.pop()
        node.terminal.sort(key=_order)
        node.wild.sort(key=_order)
        pending.extend(node.literal.values())
        if node.any is not None:
            pending.append(node.any)
        pending.extend(child for _, child in node.regex)


def _plain_plan(path: str, entries: list[Entry[H]]) -> _Plan[H] | None:
    """The plan of a plain path, when every candidate is one of ours (pure matching)."""
    matched: Matched[H] = []
    for _, resource in entries:
        if not isinstance(resource, Resource) or type(resource) not in _PLANNED:
            return None
        variables = resource.match(path)
        if variables is not None:
            matched.append((resource, variables, ()))
    return _Plan(matched)


def _compile(node: _Node[H], *, clean: bool) -> None:
    """Mark where resolve() may walk and answer; build the plans of terminal nodes."""
    clean = clean and not node.wild
    node.step = clean and not node.regex
    node.final = clean
    if clean and node.terminal:
        matched: Matched[H] = []
        for _, resource in node.terminal:
            if not isinstance(resource, _PatternResource) or type(resource) not in _PLANNED:
                node.final = False
                break
            pattern = resource.pattern
            # index in path.split("/"), whose first item is the empty one before '/'
            spots = [i for i, segment in enumerate(pattern.segments, 1) if segment.kind == "any"]
            positions = tuple(zip(spots, pattern.variables, strict=True))
            matched.append((resource, {}, positions))
        else:
            node.plan = _Plan(matched)
    for child in node.literal.values():
        _compile(child, clean=clean)
    if node.any is not None:
        _compile(node.any, clean=clean)
    # regex children are never walked by resolve(): their step/final stay False


def _tails(root: _Node[H]) -> dict[str, tuple[dict[str, _Node[H]], _Node[H]]]:
    """Where resolve() may answer "/literal/.../{var}" paths without walking.

    Keyed by the literal prefix, for every node reached from the root through
    literal edges only, with no variable branch along the way (a literal and a
    variable branch both matching is decided by order), whose variable child is
    final. The value is the prefix node's literal children (a last segment
    naming one of them walks the usual way) and that variable child.
    """
    tails: dict[str, tuple[dict[str, _Node[H]], _Node[H]]] = {}
    pending: list[tuple[str, _Node[H]]] = [("", root)]
    while pending:
        prefix, node = pending.pop()
        if not node.step:
            continue
        child = node.any
        if child is not None:
            if child.final:
                tails[prefix] = (node.literal, child)
            continue  # below a variable branch the literal children overlap it
        pending.extend((f"{prefix}/{text}", below) for text, below in node.literal.items())
    return tails


def _merge(found: list[list[Entry[H]]]) -> list[Entry[H]]:
    if not found:
        return []
    if len(found) == 1:
        return found[0]
    merged = [entry for entries in found for entry in entries]
    merged.sort(key=_order)
    return merged
