"""aioloom.testing: test servers, the test client, mocked requests and the pytest plugin."""

from .__about__ import __version__
from ._client import ClientSession, RequestContextManager, TestClient
from ._cookies import CookieJar
from ._inprocess import InProcessTransport, MemoryTransport
from ._mocked import RecordingConnection, RecordingTransport, make_mocked_request
from ._response import ClientResponse, ClientResponseError, ContentTypeError, StreamContent
from ._server import BaseTestServer, RawTestServer, TestServer, unused_port
from .plugin import (
    AioloomClient,
    AioloomRawServer,
    AioloomServer,
    AioloomUnusedPort,
    AppOrFactory,
)

__all__ = [
    "__version__",
    # servers and client
    "BaseTestServer",
    "TestServer",
    "RawTestServer",
    "TestClient",
    "ClientSession",
    "RequestContextManager",
    "ClientResponse",
    "ClientResponseError",
    "ContentTypeError",
    "StreamContent",
    "CookieJar",
    "unused_port",
    # in-process mode
    "InProcessTransport",
    "MemoryTransport",
    # unit tests without a server
    "make_mocked_request",
    "RecordingConnection",
    "RecordingTransport",
    # fixture types
    "AppOrFactory",
    "AioloomClient",
    "AioloomServer",
    "AioloomRawServer",
    "AioloomUnusedPort",
]
