"""The lookup index: candidates for a path, in registration order, without a scan.

A trie over path segments. Each node has literal children (a dict), one child
for "any non-empty segment" (the default ``{var}``), and regex children (merged
by regex source). Resources end at a node (``terminal``: the path has exactly
that many segments) or hang off it (``wild``: prefix resources and patterns whose
variables may match ``/``). Resources without an index key hang off the root.

Walking a path visits only the branches its segments match; the candidates found
are a superset of the resources that can match, merged by registration order,
and each candidate still decides with its own full match. Candidates for plain
paths are computed once per index build, so a plain path costs one dict lookup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from operator import itemgetter
from typing import Generic, TypeVar

from ._abc import AbstractResource
from ._pattern import Segment

__all__ = ["RouteIndex"]

H = TypeVar("H")

Entry = tuple[int, AbstractResource[H]]
_order = itemgetter(0)


class _Node(Generic[H]):
    __slots__ = ("any", "literal", "regex", "regex_by_source", "terminal", "wild")

    def __init__(self) -> None:
        self.literal: dict[str, _Node[H]] = {}
        self.any: _Node[H] | None = None
        self.regex: list[tuple[re.Pattern[str], _Node[H]]] = []
        self.regex_by_source: dict[str, _Node[H]] = {}
        self.terminal: list[Entry[H]] = []
        self.wild: list[Entry[H]] = []

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


class RouteIndex(Generic[H]):
    def __init__(self, entries: Iterable[Entry[H]]) -> None:
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
        self._root = root
        self._exact: dict[str, list[Entry[H]]] = {}
        for path in plain_paths:
            self._exact[path] = self._walk(path)

    def candidates(self, path: str) -> list[Entry[H]]:
        """Resources that may match ``path`` (encoded), in registration order."""
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


def _merge(found: list[list[Entry[H]]]) -> list[Entry[H]]:
    if not found:
        return []
    if len(found) == 1:
        return found[0]
    merged = [entry for entries in found for entry in entries]
    merged.sort(key=_order)
    return merged
