"""Which aiohttp modules are server modules, and the names each one offers.

The names are those of aiohttp 3.14's modules (their ``__all__``; ``web_log``
has none, so its public classes). While compat is installed each of these
modules is replaced by a module of the same name whose attributes are
aioloom.web's objects. A name aioloom.web does not have (yet) is left out and
asking for it raises an ``AttributeError`` that says so, instead of handing out
aiohttp's own class, which aioloom's server would not understand.
"""

from __future__ import annotations

import types
from collections.abc import Awaitable, Callable

from aioloom import web

__all__ = ["SERVER_MODULES", "MIGRATION_DOCS", "build_module", "missing_names"]

MIGRATION_DOCS = "'Migrating from aiohttp' in aioloom's docs (docs/migration.rst)"


# aiohttp module -> the public names it defines (aiohttp 3.14.5).
SERVER_MODULES: dict[str, tuple[str, ...]] = {
    "aiohttp.web_app": ("Application", "CleanupError"),
    "aiohttp.web_request": ("BaseRequest", "FileField", "Request"),
    "aiohttp.web_response": (
        "ContentCoding",
        "StreamResponse",
        "Response",
        "json_response",
        "json_bytes_response",
    ),
    "aiohttp.web_exceptions": (
        "HTTPException",
        "HTTPError",
        "HTTPRedirection",
        "HTTPSuccessful",
        "HTTPOk",
        "HTTPCreated",
        "HTTPAccepted",
        "HTTPNonAuthoritativeInformation",
        "HTTPNoContent",
        "HTTPResetContent",
        "HTTPPartialContent",
        "HTTPMove",
        "HTTPMultipleChoices",
        "HTTPMovedPermanently",
        "HTTPFound",
        "HTTPSeeOther",
        "HTTPNotModified",
        "HTTPUseProxy",
        "HTTPTemporaryRedirect",
        "HTTPPermanentRedirect",
        "HTTPClientError",
        "HTTPBadRequest",
        "HTTPUnauthorized",
        "HTTPPaymentRequired",
        "HTTPForbidden",
        "HTTPNotFound",
        "HTTPMethodNotAllowed",
        "HTTPNotAcceptable",
        "HTTPProxyAuthenticationRequired",
        "HTTPRequestTimeout",
        "HTTPConflict",
        "HTTPGone",
        "HTTPLengthRequired",
        "HTTPPreconditionFailed",
        "HTTPRequestEntityTooLarge",
        "HTTPRequestURITooLong",
        "HTTPUnsupportedMediaType",
        "HTTPRequestRangeNotSatisfiable",
        "HTTPExpectationFailed",
        "HTTPMisdirectedRequest",
        "HTTPUnprocessableEntity",
        "HTTPFailedDependency",
        "HTTPUpgradeRequired",
        "HTTPPreconditionRequired",
        "HTTPTooManyRequests",
        "HTTPRequestHeaderFieldsTooLarge",
        "HTTPUnavailableForLegalReasons",
        "HTTPServerError",
        "HTTPInternalServerError",
        "HTTPNotImplemented",
        "HTTPBadGateway",
        "HTTPServiceUnavailable",
        "HTTPGatewayTimeout",
        "HTTPVersionNotSupported",
        "HTTPVariantAlsoNegotiates",
        "HTTPInsufficientStorage",
        "HTTPNotExtended",
        "HTTPNetworkAuthenticationRequired",
    ),
    "aiohttp.web_urldispatcher": (
        "UrlDispatcher",
        "UrlMappingMatchInfo",
        "AbstractResource",
        "Resource",
        "PlainResource",
        "DynamicResource",
        "AbstractRoute",
        "ResourceRoute",
        "StaticResource",
        "View",
    ),
    "aiohttp.web_routedef": (
        "AbstractRouteDef",
        "RouteDef",
        "StaticDef",
        "RouteTableDef",
        "head",
        "options",
        "get",
        "post",
        "patch",
        "put",
        "delete",
        "route",
        "view",
        "static",
    ),
    "aiohttp.web_middlewares": ("middleware", "normalize_path_middleware"),
    "aiohttp.web_ws": ("WebSocketResponse", "WebSocketReady", "WSMsgType"),
    "aiohttp.web_fileresponse": ("FileResponse",),
    "aiohttp.web_runner": (
        "BaseSite",
        "TCPSite",
        "UnixSite",
        "NamedPipeSite",
        "SockSite",
        "BaseRunner",
        "AppRunner",
        "ServerRunner",
        "GracefulExit",
    ),
    "aiohttp.web_server": ("Server",),
    "aiohttp.web_log": ("AccessLogger", "AbstractAccessLogger"),
    "aiohttp.web_protocol": ("RequestHandler", "RequestPayloadError", "PayloadAccessError"),
}
# aiohttp.web itself: its submodules' names, the few it defines or takes from
# elsewhere, and what aioloom.web adds, under one roof.
SERVER_MODULES["aiohttp.web"] = tuple(
    dict.fromkeys(
        [
            *(name for names in SERVER_MODULES.values() for name in names),
            *("AppKey", "RequestKey", "ResponseKey", "NotAppKeyWarning"),
            *("PrefixedSubAppResource", "run_app"),
            *(name for name in web.__all__ if name != "__version__"),
        ]
    )
)


# Private names that aiohttp-based code imports all the same (pytest-aiohttp's
# plugin types its raw-server fixture with this one).
_EXTRAS: dict[str, dict[str, object]] = {
    "aiohttp.web_protocol": {
        "_RequestHandler": Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]
    },
}


def _resolve(name: str) -> object | None:
    return getattr(web, name, None)


def missing_names(module: str) -> list[str]:
    """The names of aiohttp's ``module`` that aioloom.web does not provide."""
    return [name for name in SERVER_MODULES[module] if _resolve(name) is None]


def _missing(module: str) -> Callable[[str], object]:
    def __getattr__(name: str) -> object:
        if name in SERVER_MODULES[module]:
            raise AttributeError(
                f"{module}.{name} has no aioloom counterpart yet: aioloom.web has no "
                f"{name!r} (aioloom-aiohttp-compat maps aiohttp's server modules to "
                f"aioloom.web; see {MIGRATION_DOCS})",
                name=name,
            )
        raise AttributeError(f"module {module!r} has no attribute {name!r}", name=name)

    return __getattr__


def build_module(module: str) -> types.ModuleType:
    """A stand-in for aiohttp's ``module`` whose names are aioloom.web's objects."""
    stand_in = types.ModuleType(module, f"{module} on aioloom (aioloom-aiohttp-compat).")
    present = {
        name: value for name in SERVER_MODULES[module] if (value := _resolve(name)) is not None
    }
    stand_in.__dict__.update(present)
    stand_in.__dict__.update(_EXTRAS.get(module, {}))
    stand_in.__dict__["__all__"] = list(present)
    stand_in.__dict__["__getattr__"] = _missing(module)
    stand_in.__dict__["__aioloom_compat__"] = True
    return stand_in
