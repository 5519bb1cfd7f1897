"""Sending files: ``FileResponse`` with ranges, conditional requests and sendfile.

Precompressed siblings, ``Range``/``If-Range`` selection, ``If-Match`` and
friends (RFC 9110 §13), and the zero-copy ``loop.sendfile`` path with its
chunked fallback. It may import ``http`` and ``bodies``; the static route that
serves files lives in ``application``.
"""

__all__: list[str] = []  # private layer: the public names are re-exported by aioloom.web
