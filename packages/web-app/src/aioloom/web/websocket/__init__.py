"""``WebSocketResponse``: a response that upgrades its connection to RFC 6455.

The handshake answer, then ``aioloom.websocket``'s connection over the
transport. It may import ``http``; what it needs from the server's connection
(the transport, taking over reading) is the ``UpgradableConnection`` protocol.
"""

__all__: list[str] = []  # private layer: the public names are re-exported by aioloom.web
