"""aioloom.websocket: sans-IO RFC 6455 WebSocket for both roles."""

from .__about__ import __version__
from ._handshake import accept_token

__all__ = ["__version__", "accept_token"]
