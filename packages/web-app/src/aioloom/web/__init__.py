"""aioloom.web: the aiohttp.web server API. This module only re-exports."""

from aioloom.router import (
    AbstractResource,
    AbstractRoute,
    AbstractRouteDef,
    DomainResource,
    DynamicResource,
    MatchInfo,
    PlainResource,
    PrefixedResource,
    Resource,
    ResourceRoute,
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
from aioloom.websocket import WSCloseCode, WSMessage, WSMsgType

from . import _exceptions
from .__about__ import __version__
from ._access_log import AbstractAccessLogger, AccessLogger
from ._app import Application
from ._chain_map import ChainMapProxy
from ._cleanup_ctx import CleanupError
from ._content_disposition import content_disposition_filename, parse_content_disposition
from ._exceptions import *  # noqa: F403 - the hierarchy is listed in its __all__
from ._file_response import FileResponse
from ._form import FileField
from ._headers import ETag
from ._keys import AppKey, NotAppKeyWarning, RequestKey, ResponseKey
from ._middlewares import middleware, normalize_path_middleware
from ._multipart_errors import FormError, MultipartError, RequestBodyTooLarge
from ._multipart_reader import BodyPartReader, MultipartReader
from ._multipart_writer import BodyPartWriter, MultipartWriter
from ._protocol import RequestHandler
from ._request import BaseRequest, HttpVersion, Request
from ._response import ContentCoding, Response, StreamResponse, json_response
from ._routing import (
    MatchedSubAppResource,
    PrefixedSubAppResource,
    RouteTableDef,
    UrlDispatcher,
)
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
from ._websocket import WebSocketReady, WebSocketResponse

UrlMappingMatchInfo = MatchInfo


def __getattr__(name: str) -> object:
    # The Gunicorn workers need gunicorn, which aioloom-web does not depend on.
    if name in ("GunicornWebWorker", "GunicornUVLoopWebWorker"):
        from . import worker

        return getattr(worker, name)
    raise AttributeError(f"module 'aioloom.web' has no attribute {name!r}")


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
    # forms and multipart
    "FileField",
    "MultipartReader",
    "BodyPartReader",
    "MultipartWriter",
    "BodyPartWriter",
    "parse_content_disposition",
    "content_disposition_filename",
    "FormError",
    "MultipartError",
    "RequestBodyTooLarge",
    # websockets
    "WebSocketResponse",
    "WebSocketReady",
    "WSMsgType",
    "WSCloseCode",
    "WSMessage",
    # routing
    "UrlDispatcher",
    "UrlMappingMatchInfo",
    "AbstractResource",
    "Resource",
    "Route",
    "StaticResource",
    "PrefixedResource",
    "DomainResource",
    "PlainResource",
    "DynamicResource",
    "PrefixedSubAppResource",
    "MatchedSubAppResource",
    "AbstractRoute",
    "ResourceRoute",
    "AbstractRouteDef",
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
