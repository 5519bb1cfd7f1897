"""The URL dispatcher: registration order decides which route wins; an index finds it."""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Protocol, TypeVar

from yarl import URL

from ._abc import AbstractResource, AbstractRoute, ErrorFactory, MatchInfo, new_error
from ._domain import domain_rule
from ._errors import RouteShadowingWarning
from ._index import Entry, RouteIndex, rank
from ._names import METH_ANY, validate_route_name
from ._nested import DomainResource, NestedRouter, PrefixedResource
from ._protocols import ExpectHandler, Routable
from ._quoting import decode_path
from ._routes import DynamicResource, PlainResource, Resource, Route
from ._shadowing import Shadowing, find_shadowing
from ._static import DEFAULT_CHUNK_SIZE, StaticResource, validate_prefix
from ._views import ResourcesView, RoutesView

__all__ = ["RouteRegistrar", "StaticHandlerFactory", "UrlDispatcher"]

H = TypeVar("H")

StaticHandlerFactory = Callable[[StaticResource[H]], H]
_VARIABLE_HINT = re.compile(r"\{[_a-zA-Z]")


class RouteRegistrar(Protocol[H]):
    """A route definition: anything that can register itself (RouteDef, StaticDef)."""

    def register(self, router: UrlDispatcher[H]) -> list[AbstractRoute[H]]: ...


class _PathRequest:
    """The request ``resolve_path`` hands to resources that look at more than the path."""

    __slots__ = ("host", "method", "path")

    def __init__(self, method: str, path: str, host: str | None) -> None:
        self.method = method
        self.path = path
        self.host = host

    @property
    def rel_url(self) -> URL:  # built only if a resource asks for it
        return URL.build(path=self.path, encoded=True)


def _awaited(resource: AbstractResource[H]) -> bool:
    """Must ``resource`` be asked through ``await resource.resolve(request)``?"""
    if isinstance(resource, (PrefixedResource, DomainResource)):
        return not resource.router.resolves_synchronously
    return not resource.sync_resolve


class UrlDispatcher(Mapping[str, AbstractResource[H]]):
    """Resources in registration order; ``router[name]`` is a named resource.

    ``static_handler_factory`` makes the GET/HEAD handler of each static resource
    (the router resolves files safely; serving bytes is the caller's job).
    ``error_factory`` makes the ``http_exception`` of a 404/405 MatchInfo.
    ``add_static`` makes instances of ``static_resource_class`` (a subclass may
    name its own StaticResource subclass).
    """

    static_resource_class: ClassVar[type[StaticResource[Any]]] = StaticResource

    def __init__(
        self,
        *,
        static_handler_factory: StaticHandlerFactory[H] | None = None,
        error_factory: ErrorFactory | None = None,
    ) -> None:
        self._error_factory = error_factory
        self._awaited: list[AbstractResource[H]] = []
        self._resources: list[AbstractResource[H]] = []
        self._domains: list[AbstractResource[H]] = []
        self._indexed: list[AbstractResource[H]] = []
        self._named: dict[str, AbstractResource[H]] = {}
        self._index: RouteIndex[H] = RouteIndex(())
        self._fast: Callable[[str, str], MatchInfo[H] | None] | None = None
        self._dirty = False
        self._frozen = False
        self._prefix = ""
        self._static_handler_factory = static_handler_factory

    # -- resolution ------------------------------------------------------------------
    async def resolve(self, request: Routable) -> MatchInfo[H]:
        """aiohttp's ``await router.resolve(request)`` (``method``, ``rel_url``; ``host``
        for domains). Resources that override ``resolve()`` are awaited here."""
        if self._fast is None and self._awaited_now():
            return await self._resolve_awaiting(request)
        return self.resolve_parts(request, request.method, request.rel_url.raw_path)

    @property
    def resolves_synchronously(self) -> bool:
        """True unless a resource (here or nested) must be awaited: then only
        ``await resolve()`` works, and ``resolve_parts``/``resolve_path`` raise."""
        return not self._awaited_now()

    def _awaited_now(self) -> list[AbstractResource[H]]:
        if self._dirty:
            self._rebuild()
        elif not self._frozen:  # a nested router may have changed since
            self._awaited = [resource for resource in self._resources if _awaited(resource)]
        return self._awaited

    def resolve_path(self, method: str, path: str, *, host: str | None = None) -> MatchInfo[H]:
        """Match an encoded path directly (adapters, tools); same result as resolve()."""
        return self.resolve_parts(_PathRequest(method, path, host), method, path)

    def resolve_parts(self, request: Routable, method: str, path: str) -> MatchInfo[H]:
        """Match ``request`` by a method and encoded path the caller already has.

        A server has both from the parsed request line (no URL need be built for
        routing). The path is decoded as aiohttp's ``rel_url.path_safe`` (``%2F``
        and ``%25`` stay encoded) before it is matched; an already decoded path
        decodes to itself. ``request`` is still handed to resources that look at
        more (domains, custom ones). Synchronous: a router with resources that
        must be awaited raises RuntimeError (see ``resolves_synchronously``).
        """
        fast = self._fast
        if fast is not None:  # frozen, no domains: the compiled index answers most paths
            match = fast(method, path)  # (None for a path with '%': decoded below)
            if match is not None:
                return match
            return self._scan(request, method, decode_path(path))
        path = decode_path(path)
        if self._awaited_now():
            raise RuntimeError(
                f"{self._awaited[0]!r} must be awaited: resolve with await router.resolve(request)"
            )
        allowed: frozenset[str] | None = None
        for resource in self._domains:
            match, methods = resource.resolve_sync(request, method, path)
            if match is not None:
                return match
            if methods:
                allowed = methods if allowed is None else allowed | methods
        if self._index.compiled and allowed is None:  # (domains give only final answers)
            found = self._index.resolve(method, path)
            if found is not None:
                return found
        return self._scan(request, method, path, allowed)

    def _scan(
        self,
        request: Routable,
        method: str,
        path: str,
        allowed: frozenset[str] | None = None,
    ) -> MatchInfo[H]:
        """Ask the index's candidates for ``path`` in order (domains already asked)."""
        for _, resource in self._index.candidates(path):
            match, methods = resource.resolve_sync(request, method, path)
            if match is not None:
                return match
            if methods:
                allowed = methods if allowed is None else allowed | methods
        return self._unanswered(method, allowed)

    def _unanswered(self, method: str, allowed: frozenset[str] | None) -> MatchInfo[H]:
        if allowed:
            return new_error(405, allowed, method, self._error_factory)
        return new_error(404, frozenset(), method, self._error_factory)

    async def _resolve_awaiting(self, request: Routable) -> MatchInfo[H]:
        """The candidate walk of ``resolve_parts``, awaiting the resources that need it."""
        method = request.method
        path = decode_path(request.rel_url.raw_path)
        allowed: frozenset[str] | None = None
        candidates = [*self._domains]
        candidates += (resource for _, resource in self._index.candidates(path))
        for resource in candidates:
            if _awaited(resource):
                match, methods = await resource.resolve(request)
            else:
                match, methods = resource.resolve_sync(request, method, path)
            if match is not None:
                return match
            if methods:
                methods = frozenset(methods)
                allowed = methods if allowed is None else allowed | methods
        return self._unanswered(method, allowed)

    def _rebuild(self) -> None:
        # once frozen, resources no longer change: answers can be precomputed
        self._index = RouteIndex(
            self._ranked(), compiled=self._frozen, error_factory=self._error_factory
        )
        self._awaited = [resource for resource in self._resources if _awaited(resource)]
        self._fast = (
            self._index.resolve
            if self._frozen and not self._domains and not self._awaited
            else None
        )
        self._dirty = False

    def _ranked(self) -> list[Entry[H]]:
        return [(rank(order, r.canonical), r) for order, r in enumerate(self._indexed)]

    # -- views -----------------------------------------------------------------------
    def __getitem__(self, name: str) -> AbstractResource[H]:
        return self._named[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._named)

    def __len__(self) -> int:
        return len(self._named)

    def __contains__(self, name: object) -> bool:
        return name in self._named

    def resources(self) -> ResourcesView[H]:
        return ResourcesView(self._resources)

    def routes(self) -> RoutesView[H]:
        return RoutesView(self._resources)

    def named_resources(self) -> Mapping[str, AbstractResource[H]]:
        return MappingProxyType(self._named)

    # -- registration ----------------------------------------------------------------
    def _check_not_frozen(self) -> None:
        if self._frozen:
            raise RuntimeError("cannot add routes: the router is frozen (the app has started)")

    def register_resource(self, resource: AbstractResource[H]) -> None:
        """Append a resource (any AbstractResource subclass); it is tried in order."""
        if not isinstance(resource, AbstractResource):
            raise TypeError(f"an AbstractResource is required, got {resource!r}")
        self._check_not_frozen()
        name = resource.name
        if name is not None:
            validate_route_name(name)
            if name in self._named:
                raise ValueError(
                    f"duplicate route name {name!r}, already used by {self._named[name]!r}"
                )
        if self._prefix:
            resource.add_prefix(self._prefix)
        if name is not None:
            self._named[name] = resource
        self._resources.append(resource)
        if isinstance(resource, DomainResource):
            self._domains.append(resource)
        else:
            self._indexed.append(resource)
        self._dirty = True

    def add_resource(self, path: str, *, name: str | None = None) -> Resource[H]:
        """A resource for ``path`` (reusing the last one if path and name are equal)."""
        if path and not path.startswith("/"):
            raise ValueError(f"invalid route path {path!r}: it must start with '/' or be empty")
        if self._resources:
            last = self._resources[-1]
            if isinstance(last, Resource) and last.name == name and last.raw_match(path):
                self._check_not_frozen()
                return last
        resource: Resource[H]
        if "{" in path or "}" in path:
            resource = DynamicResource(path, name=name)
        else:
            resource = PlainResource(path, name=name)
        self.register_resource(resource)
        return resource

    def add_route(
        self,
        method: str,
        path: str,
        handler: H,
        *,
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
    ) -> Route[H]:
        resource = self.add_resource(path, name=name)
        return resource.add_route(method, handler, expect_handler=expect_handler)

    def add_get(
        self,
        path: str,
        handler: H,
        *,
        name: str | None = None,
        allow_head: bool = True,
        expect_handler: ExpectHandler | None = None,
    ) -> Route[H]:
        """GET (and HEAD, unless ``allow_head=False``) on ``path``; returns the GET route."""
        resource = self.add_resource(path, name=name)
        if allow_head:
            resource.add_route("HEAD", handler, expect_handler=expect_handler)
        return resource.add_route("GET", handler, expect_handler=expect_handler)

    def add_head(
        self,
        path: str,
        handler: H,
        *,
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
    ) -> Route[H]:
        return self.add_route("HEAD", path, handler, name=name, expect_handler=expect_handler)

    def add_options(
        self,
        path: str,
        handler: H,
        *,
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
    ) -> Route[H]:
        return self.add_route("OPTIONS", path, handler, name=name, expect_handler=expect_handler)

    def add_post(
        self,
        path: str,
        handler: H,
        *,
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
    ) -> Route[H]:
        return self.add_route("POST", path, handler, name=name, expect_handler=expect_handler)

    def add_put(
        self,
        path: str,
        handler: H,
        *,
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
    ) -> Route[H]:
        return self.add_route("PUT", path, handler, name=name, expect_handler=expect_handler)

    def add_patch(
        self,
        path: str,
        handler: H,
        *,
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
    ) -> Route[H]:
        return self.add_route("PATCH", path, handler, name=name, expect_handler=expect_handler)

    def add_delete(
        self,
        path: str,
        handler: H,
        *,
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
    ) -> Route[H]:
        return self.add_route("DELETE", path, handler, name=name, expect_handler=expect_handler)

    def add_view(
        self,
        path: str,
        handler: H,
        *,
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
    ) -> Route[H]:
        """A class-based view: method ``*`` (the view dispatches on the method itself)."""
        return self.add_route(METH_ANY, path, handler, name=name, expect_handler=expect_handler)

    def add_static(
        self,
        prefix: str,
        path: str | os.PathLike[str],
        *,
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        show_index: bool = False,
        follow_symlinks: bool = False,
        append_version: bool = False,
    ) -> StaticResource[H]:
        """Serve files under directory ``path`` at ``prefix``/<filename> (GET, HEAD)."""
        factory = self._static_handler_factory
        if factory is None:
            raise RuntimeError(
                "add_static() needs a router created with static_handler_factory= "
                "(the router resolves files; the web layer serves them)"
            )
        self._check_not_frozen()
        resource: StaticResource[H] = self.static_resource_class(
            prefix,
            path,
            handler_factory=factory,
            name=name,
            expect_handler=expect_handler,
            chunk_size=chunk_size,
            show_index=show_index,
            follow_symlinks=follow_symlinks,
            append_version=append_version,
        )
        self.register_resource(resource)
        return resource

    def add_prefixed_router(
        self, prefix: str, router: NestedRouter[H], *, owner: object = None
    ) -> PrefixedResource[H]:
        """Delegate ``prefix`` and below to ``router`` (sub-apps: owner is the sub-app).

        The nested router's resources get the prefix (its url_for includes it).
        """
        if router is self:
            raise ValueError("a router cannot be nested in itself")
        self._check_not_frozen()
        resource = PrefixedResource(prefix, router, owner=owner)
        self.register_resource(resource)
        return resource

    def add_domain_router(
        self, domain: str, router: NestedRouter[H], *, owner: object = None
    ) -> DomainResource[H]:
        """Delegate requests whose host matches ``domain`` (``*`` masks allowed)."""
        if router is self:
            raise ValueError("a router cannot be nested in itself")
        self._check_not_frozen()
        resource = DomainResource(domain_rule(domain), router, owner=owner)
        self.register_resource(resource)
        return resource

    def add_prefix(self, prefix: str) -> None:
        """Prefix every resource, present and future (called when nested under a prefix).

        Allowed once frozen (as in aiohttp): a sub-app's router is frozen when it
        is added, and its parent may be added under a prefix afterwards.
        """
        prefix = validate_prefix(prefix, allow_root=False)
        self._prefix = prefix + self._prefix
        for resource in self._resources:
            resource.add_prefix(prefix)
        self._dirty = True
        self._fast = None  # recompiled by the next resolution

    @property
    def prefix(self) -> str:
        """The prefix applied by enclosing routers ('' at the top)."""
        return self._prefix

    def add_routes(self, routes: Iterable[RouteRegistrar[H]]) -> list[AbstractRoute[H]]:
        """Register route definitions (RouteDef, StaticDef, a RouteTableDef)."""
        registered: list[AbstractRoute[H]] = []
        for route_def in routes:
            registered.extend(route_def.register(self))
        return registered

    # -- freezing --------------------------------------------------------------------
    @property
    def frozen(self) -> bool:
        return self._frozen

    def freeze(self) -> None:
        """No more changes; builds the index and warns about shadowed routes."""
        if self._frozen:
            return
        self._frozen = True
        for resource in self._resources:
            resource.freeze()
        self._rebuild()
        for item in self.shadowed_routes():
            warnings.warn(RouteShadowingWarning(item.message()), stacklevel=2)

    def shadowed_routes(self) -> list[Shadowing[H]]:
        """Routes that can never match, each with the route that answers first."""
        if self._dirty:
            self._rebuild()
        return find_shadowing(self._ranked(), self._index)

    def __repr__(self) -> str:
        return f"<UrlDispatcher {len(self._resources)} resources>"
