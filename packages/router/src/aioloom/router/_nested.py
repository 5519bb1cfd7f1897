"""Resources that hand matching over to a nested router: by URL prefix or by host.

They know nothing of applications: an opaque ``owner`` (an app, for web) is added
to the MatchInfo's ``apps`` chain when resolution passes through. Once a nested
router is reached its answer is final, 404 and 405 included (as in aiohttp), so
the owner's middlewares can handle them.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, Sized
from typing import Protocol, TypeVar

from yarl import URL

from ._abc import NO_METHODS, AbstractResource, AbstractRoute, IndexKey, MatchInfo, Resolution
from ._domain import Domain
from ._pattern import parse_pattern
from ._protocols import Routable
from ._quoting import decode_path, requote_path
from ._static import validate_prefix

__all__ = ["DomainResource", "NestedRouter", "PrefixedResource"]

H = TypeVar("H")


class _RouteView(Sized, Protocol[H]):
    def __iter__(self) -> Iterator[AbstractRoute[H]]: ...


class NestedRouter(Protocol[H]):
    """What a nested router must offer (``UrlDispatcher`` does)."""

    def resolve_parts(self, request: Routable, method: str, path: str) -> MatchInfo[H]: ...

    async def resolve(self, request: Routable) -> MatchInfo[H]: ...

    @property
    def resolves_synchronously(self) -> bool: ...

    def add_prefix(self, prefix: str) -> None: ...

    def routes(self) -> _RouteView[H]: ...

    def freeze(self) -> None: ...


class _NestedResource(AbstractResource[H]):
    def __init__(self, router: NestedRouter[H], owner: object) -> None:
        super().__init__()
        self._router = router
        self._owner = owner

    @property
    def router(self) -> NestedRouter[H]:
        return self._router

    @property
    def owner(self) -> object:
        return self._owner

    def _final(self, request: Routable, method: str, path: str) -> Resolution[H]:
        # (the decoded path decodes to itself: resolve_parts may take it)
        match = self._router.resolve_parts(request, method, path)
        if self._owner is not None:
            match.add_app(self._owner)
        return match, match.allowed_methods

    async def _final_async(self, request: Routable) -> Resolution[H]:
        match = await self._router.resolve(request)
        if self._owner is not None:
            match.add_app(self._owner)
        return match, match.allowed_methods

    @abstractmethod
    def _applies(self, request: Routable, path: str) -> bool:
        """Is ``request`` (its decoded ``path``) for the nested router?"""

    def resolve_sync(self, request: Routable, method: str, path: str) -> Resolution[H]:
        if not self._applies(request, path):
            return None, NO_METHODS
        return self._final(request, method, path)

    async def resolve(self, request: Routable) -> Resolution[H]:
        # the nested router may have resources that must be awaited
        if self._router.resolves_synchronously:
            return self.resolve_sync(request, request.method, decode_path(request.rel_url.raw_path))
        if not self._applies(request, decode_path(request.rel_url.raw_path)):
            return None, NO_METHODS
        return await self._final_async(request)

    def url_for(self, **parts: str) -> URL:
        raise RuntimeError(".url_for() is not supported by a nested router's root resource")

    def freeze(self) -> None:
        self._router.freeze()

    def __len__(self) -> int:
        return len(self._router.routes())

    def __iter__(self) -> Iterator[AbstractRoute[H]]:
        return iter(self._router.routes())


class PrefixedResource(_NestedResource[H]):
    """``/prefix`` and everything below it are resolved by a nested router."""

    def __init__(self, prefix: str, router: NestedRouter[H], *, owner: object = None) -> None:
        super().__init__(router, owner)
        self._prefix = validate_prefix(prefix, allow_root=False)
        router.add_prefix(self._prefix)

    @property
    def prefix(self) -> str:
        return self._prefix

    @property
    def canonical(self) -> str:
        return requote_path(self._prefix)

    def _applies(self, request: Routable, path: str) -> bool:
        prefix = self._prefix
        return path == prefix or path.startswith(prefix + "/")

    def add_prefix(self, prefix: str) -> None:
        self._prefix = prefix + self._prefix
        self._router.add_prefix(prefix)

    def index_key(self) -> IndexKey:
        return IndexKey(parse_pattern(self._prefix).segments, True)

    def get_info(self) -> dict[str, object]:
        return {"app": self._owner, "prefix": self.canonical}

    def __repr__(self) -> str:
        return f"<PrefixedResource {self._prefix} -> {self._owner!r}>"


class DomainResource(_NestedResource[H]):
    """Requests whose host matches ``rule`` are resolved by a nested router.

    Needs ``request.host`` (see HostRoutable). Domain resources are consulted
    before every other resource of their router, in registration order.
    """

    def __init__(self, rule: Domain, router: NestedRouter[H], *, owner: object = None) -> None:
        super().__init__(router, owner)
        self._rule = rule

    @property
    def rule(self) -> Domain:
        return self._rule

    @property
    def canonical(self) -> str:
        return self._rule.canonical

    def _applies(self, request: Routable, path: str) -> bool:
        try:
            host = request.host  # type: ignore[attr-defined]
        except AttributeError:
            raise TypeError(
                "domain routing needs a request with a 'host' attribute (HostRoutable); "
                f"{type(request).__name__} has none"
            ) from None
        return isinstance(host, str) and bool(host) and self._rule.match(host)

    def add_prefix(self, prefix: str) -> None:
        self._router.add_prefix(prefix)

    def get_info(self) -> dict[str, object]:
        return {"app": self._owner, "rule": self._rule}

    def __repr__(self) -> str:
        return f"<DomainResource {self._rule.canonical} -> {self._owner!r}>"
