"""The HTTP objects a handler touches: requests, responses, exceptions, headers.

``BaseRequest`` (the parsed head, the body stream, cookies, forms),
``StreamResponse``/``Response``/``json_response`` and the head they serialize,
the HTTP exception hierarchy, header and cookie helpers, compression, the
request body stream and the response writer. It may import ``bodies`` and the
parser; never the application, files, WebSocket or server layers: what a
response needs from a request is the ``PreparingRequest`` protocol.
"""

__all__: list[str] = []  # private layer: the public names are re-exported by aioloom.web
