"""aioloom.web: the aiohttp.web server API. This module only re-exports."""

from .__about__ import __version__
from ._app import Application, Handler
from ._exceptions import HTTPException, HTTPInternalServerError, HTTPMethodNotAllowed, HTTPNotFound
from ._request import Request
from ._response import Response
from ._run_app import run_app
from ._runner import AppRunner, TCPSite

__all__ = [
    "__version__",
    "Application",
    "Handler",
    "Request",
    "Response",
    "HTTPException",
    "HTTPNotFound",
    "HTTPMethodNotAllowed",
    "HTTPInternalServerError",
    "AppRunner",
    "TCPSite",
    "run_app",
]
