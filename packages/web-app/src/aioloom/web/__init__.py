"""aioloom.web: the aiohttp.web server API. This module only re-exports."""

from aioloom.router import (
    AbstractResource,
    DomainResource,
    MatchInfo,
    PrefixedResource,
    Resource,
    Route,
    RouteDef,
    StaticDef,
    StaticResource,
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

from . import _exceptions
from ._access_log import AbstractAccessLogger, AccessLogger
from ._app import Application
from ._chain_map import ChainMapProxy
from ._cleanup_ctx import CleanupError
from ._exceptions import *  # noqa: F403 - the hierarchy is listed in its __all__
from ._file_response import FileResponse
from ._headers import ETag
from ._keys import AppKey, NotAppKeyWarning, RequestKey, ResponseKey
from ._middlewares import middleware, normalize_path_middleware
from ._protocol import RequestHandler
from ._request import BaseRequest, HttpVersion, Request
from ._response import ContentCoding, Response, StreamResponse, json_response
from ._routing import RouteTableDef, UrlDispatcher
from ._run_app import run_app
from ._runner import (
    AppRunner,
    BaseRunner,
    BaseSite,
    GracefulExit,
    ServerRunner,
    SockSite,
    TCPSite,
    UnixSite,
)
from ._server import Server
from ._streams import StreamReader
from ._typedefs import Handler, Middleware
from ._view import AbstractView, View
from .__about__ import __version__

UrlMappingMatchInfo = MatchInfo

__all__ = [
    "__version__",
    # application
    "Application",
    "AppKey",
    "RequestKey",
    "ResponseKey",
    "NotAppKeyWarning",
    "CleanupError",
    "ChainMapProxy",
    # requests and responses
    "BaseRequest",
    "Request",
    "HttpVersion",
    "StreamReader",
    "StreamResponse",
    "Response",
    "FileResponse",
    "json_response",
    "ContentCoding",
    "ETag",
    # routing
    "UrlDispatcher",
    "UrlMappingMatchInfo",
    "AbstractResource",
    "Resource",
    "Route",
    "StaticResource",
    "PrefixedResource",
    "DomainResource",
    "RouteDef",
    "StaticDef",
    "RouteTableDef",
    "route",
    "get",
    "head",
    "options",
    "post",
    "put",
    "patch",
    "delete",
    "view",
    "static",
    "View",
    "AbstractView",
    "Handler",
    "Middleware",
    # middlewares
    "middleware",
    "normalize_path_middleware",
    # serving
    "Server",
    "RequestHandler",
    "BaseRunner",
    "AppRunner",
    "ServerRunner",
    "BaseSite",
    "TCPSite",
    "UnixSite",
    "SockSite",
    "GracefulExit",
    "run_app",
    "AbstractAccessLogger",
    "AccessLogger",
]
__all__ += _exceptions.__all__
