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

from .__about__ import __version__
from .application._app import Application
from .application._chain_map import ChainMapProxy
from .application._cleanup_ctx import CleanupError
from .application._middlewares import middleware, normalize_path_middleware
from .application._request import Request
from .application._routing import (
    MatchedSubAppResource,
    PrefixedSubAppResource,
    RouteTableDef,
    UrlDispatcher,
)
from .application._static_handler import StaticResource
from .application._typedefs import Handler, Middleware
from .application._view import AbstractView, View
from .bodies._content_disposition import content_disposition_filename, parse_content_disposition
from .bodies._errors import FormError, MultipartError, RequestBodyTooLarge
from .bodies._form import FileField
from .bodies._reader import BodyPartReader, MultipartReader
from .bodies._writer import BodyPartWriter, MultipartWriter
from .files._file_response import FileResponse
from .http import _exceptions
from .http._exceptions import *  # noqa: F403 - the hierarchy is listed in its __all__
from .http._headers import ETag
from .http._json_response import json_bytes_response, json_response
from .http._keys import AppKey, NotAppKeyWarning, RequestKey, ResponseKey
from .http._payload import (
    AsyncIterablePayload,
    BasePayload,
    BytesPayload,
    Payload,
    PayloadWriter,
    StringPayload,
)
from .http._payload_io import IOBasePayload, TextIOPayload
from .http._payload_lookup import get_payload
from .http._request import BaseRequest, HttpVersion
from .http._response import Response
from .http._stream_response import ContentCoding, StreamResponse
from .http._streams import PayloadAccessError, RequestPayloadError, StreamReader
from .server._access_log import AbstractAccessLogger, AccessLogger
from .server._protocol import RequestHandler
from .server._run_app import run_app
from .server._runner import (
    AppRunner,
    BaseRunner,
    BaseSite,
    GracefulExit,
    ServerRunner,
    SockSite,
    TCPSite,
    UnixSite,
)
from .server._server import Server
from .websocket._response import WebSocketReady, WebSocketResponse

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
    "RequestPayloadError",
    "PayloadAccessError",
    "StreamResponse",
    "Response",
    "FileResponse",
    "json_response",
    "json_bytes_response",
    "ContentCoding",
    "ETag",
    # response bodies that write themselves
    "Payload",
    "PayloadWriter",
    "BasePayload",
    "BytesPayload",
    "StringPayload",
    "IOBasePayload",
    "TextIOPayload",
    "AsyncIterablePayload",
    "get_payload",
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
