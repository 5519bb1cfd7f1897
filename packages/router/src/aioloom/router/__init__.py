"""aioloom.router: the URL dispatcher, generic over the handler type."""

from .__about__ import __version__
from ._abc import AbstractResource, AbstractRoute, ErrorFactory, IndexKey, MatchInfo, Resolution
from ._dispatcher import RouteRegistrar, StaticHandlerFactory, UrlDispatcher
from ._domain import Domain, MaskDomain, domain_rule
from ._errors import RouteShadowingWarning, URLBuildError
from ._names import METH_ANY
from ._nested import DomainResource, NestedRouter, PrefixedResource
from ._pattern import DEFAULT_VARIABLE_REGEX, PathPattern, Segment, parse_pattern
from ._protocols import ExpectHandler, HostRoutable, Routable
from ._routedef import (
    AbstractRouteDef,
    RouteDef,
    RouteTableDef,
    StaticDef,
    delete,
    get,
    head,
    options,
    patch,
    post,
    put,
    route,
    static,
    view,
)
from ._routes import DynamicResource, PlainResource, Resource, ResourceRoute, Route
from ._shadowing import Shadowing
from ._static import DEFAULT_CHUNK_SIZE, IndexEntry, StaticResource
from ._static_path import StaticOutcome, StaticTarget
from ._views import ResourcesView, RoutesView

__all__ = [
    "__version__",
    # dispatcher and results
    "UrlDispatcher",
    "MatchInfo",
    "ErrorFactory",
    "Routable",
    "HostRoutable",
    "ExpectHandler",
    "METH_ANY",
    "ResourcesView",
    "RoutesView",
    # resources and routes
    "AbstractResource",
    "Resolution",
    "IndexKey",
    "Resource",
    "PlainResource",
    "DynamicResource",
    "AbstractRoute",
    "Route",
    "ResourceRoute",
    "PathPattern",
    "Segment",
    "parse_pattern",
    "DEFAULT_VARIABLE_REGEX",
    # static files
    "StaticResource",
    "StaticHandlerFactory",
    "StaticOutcome",
    "StaticTarget",
    "IndexEntry",
    "DEFAULT_CHUNK_SIZE",
    # nesting: sub-routers by prefix or by domain
    "NestedRouter",
    "PrefixedResource",
    "DomainResource",
    "Domain",
    "MaskDomain",
    "domain_rule",
    # route definitions
    "RouteRegistrar",
    "AbstractRouteDef",
    "RouteDef",
    "StaticDef",
    "RouteTableDef",
    "route",
    "head",
    "options",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "view",
    "static",
    # diagnostics and errors
    "RouteShadowingWarning",
    "Shadowing",
    "URLBuildError",
]
