"""aioloom.testing: test server, test client and the pytest plugin."""

from .__about__ import __version__
from ._client import TestClient
from ._response import ClientResponse
from ._server import TestServer
from .plugin import AioloomClient

__all__ = ["__version__", "TestClient", "TestServer", "ClientResponse", "AioloomClient"]
