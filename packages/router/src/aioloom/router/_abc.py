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
from ._quoting import decode_path

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
    custom matching. Both ways of resolving return ``(None, methods)`` to let the
    dispatcher try later resources, or a MatchInfo (a match, or a final 404/405)
    to stop:

    * ``resolve_sync(request, method, path)``: what the built-in resources
      implement, and what a server's per-request routing calls;
    * ``await resolve(request)``: aiohttp's interface. By default it calls
      ``resolve_sync``; a subclass that overrides it (aiohttp-style, or to wrap
      the built-in answer) is honoured: its router then resolves through
      ``await router.resolve(request)`` only (``resolves_synchronously`` is False).
    """

    # Set per class: resolve() may be skipped for resolve_sync() (see __init_subclass__).
    sync_resolve = True

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        mro = cls.__mro__
        defines_async = next(i for i, klass in enumerate(mro) if "resolve" in vars(klass))
        defines_sync = next(i for i, klass in enumerate(mro) if "resolve_sync" in vars(klass))
        # resolve() overridden below the class that implements resolve_sync(): it decides
        cls.sync_resolve = defines_sync <= defines_async

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

    def resolve_sync(self, request: Routable, method: str, path: str) -> Resolution[H]:
        """Match ``path`` (decoded: ``request.rel_url.path_safe``) and ``method``."""
        raise NotImplementedError(
            f"{type(self).__name__} implements neither resolve_sync() nor resolve()"
        )

    async def resolve(self, request: Routable) -> Resolution[H]:
        """aiohttp's ``await resource.resolve(request)``: ``(match_info or None, methods)``."""
        return self.resolve_sync(request, request.method, decode_path(request.rel_url.raw_path))

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
