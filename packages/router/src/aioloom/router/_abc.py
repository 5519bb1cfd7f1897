"""The abstract resource interface: what the dispatcher needs from any resource."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sized
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from yarl import URL

from ._match import MatchInfo
from ._pattern import Segment
from ._protocols import Routable

if TYPE_CHECKING:  # annotations only: _routes imports this module at runtime
    from ._routes import Route

__all__ = ["AbstractResource", "IndexKey", "Resolution"]

H = TypeVar("H")

# (a match or a final answer, methods the path allows): like aiohttp's resolve().
Resolution = tuple[MatchInfo[H] | None, frozenset[str]]
NO_METHODS: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class IndexKey:
    """Where a resource sits in the lookup index.

    ``segments`` are the leading path segments every matching path has;
    ``open_ended`` means further segments are not known to the index (prefix
    resources, variables that may match ``/``). A resource without an index key
    is tried for every path, in registration order.
    """

    segments: tuple[Segment, ...]
    open_ended: bool


class AbstractResource(Sized, Iterable["Route[H]"], abc.ABC):
    """A thing the dispatcher can match: a path pattern, a prefix, a domain...

    Subclass it and pass an instance to ``UrlDispatcher.register_resource`` for
    custom matching. ``resolve`` returns ``(None, methods)`` to let the dispatcher
    try later resources, or a MatchInfo (a match, or a final 404/405) to stop.
    """

    def __init__(self, *, name: str | None = None) -> None:
        self._name = name

    @property
    def name(self) -> str | None:
        return self._name

    @property
    @abc.abstractmethod
    def canonical(self) -> str:
        """The canonical path, e.g. ``/users/{id}``."""

    @abc.abstractmethod
    def url_for(self, **parts: str) -> URL:
        """Build the URL of this resource; URLBuildError for missing or extra parts."""

    @abc.abstractmethod
    def resolve(self, request: Routable, method: str, path: str) -> Resolution[H]:
        """Match ``path`` (encoded, ``request.rel_url.raw_path``) and ``method``."""

    @abc.abstractmethod
    def add_prefix(self, prefix: str) -> None:
        """Prepend a plain, encoded prefix (``/sub``) to every path matched."""

    def freeze(self) -> None:
        """Called once when the dispatcher freezes."""

    def raw_match(self, path: str) -> bool:
        """True when this resource was created from exactly ``path``."""
        return False

    def index_key(self) -> IndexKey | None:
        """Where to index this resource; None means "try for every path"."""
        return None

    def get_info(self) -> dict[str, object]:
        return {}
