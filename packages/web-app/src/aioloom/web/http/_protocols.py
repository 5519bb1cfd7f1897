"""What the HTTP objects need from the connection that carries them.

The server's connection protocol satisfies these structurally; a test's mocked
connection may satisfy only ``ConnectionInfo``. Declared here, in the lower
layer, so that requests and responses never import the server runtime.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from ._writer import WriteTarget

__all__ = ["ConnectionInfo", "UpgradeTarget", "UpgradableConnection"]


class ConnectionInfo(WriteTarget, Protocol):
    """What a request needs from its connection."""

    @property
    def transport(self) -> asyncio.Transport | None: ...


class UpgradeTarget(Protocol):
    """Who receives the bytes once a connection has switched protocols."""

    def data_received(self, data: bytes) -> None: ...
    def eof_received(self) -> None: ...
    def connection_lost(self, exc: BaseException | None) -> None: ...
    def pause_writing(self) -> None: ...
    def resume_writing(self) -> None: ...


class UpgradableConnection(ConnectionInfo, Protocol):
    """A connection that can hand its bytes to another protocol (a WebSocket)."""

    def switch_protocols(self, target: UpgradeTarget) -> bytes:
        """Hand the connection to ``target``; returns the bytes already read past the head."""
        ...
