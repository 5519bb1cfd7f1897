"""Size limits of the parsers; every one has a default and a knob."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Limits counted while reading, across any number of ``feed`` calls.

    ``max_line_size`` bounds the request or status line (414 / 400),
    ``max_field_size`` each header and trailer line (400), ``max_headers`` the
    number of header fields and, separately, of trailer fields (400, as aiohttp).
    ``max_chunk_line_size`` bounds a chunk-size line including its extensions
    (400). ``max_body_size`` (None: unbounded) bounds the body as sent and
    ``max_decompressed_size`` the body after Content-Encoding decoding (413).

    ``max_remembered_head_size`` is not an error limit: a ``RequestParser``
    keeps the header fields of its last request (the bytes after the request
    line) up to this size, so that a next request on the connection with the
    very same bytes reuses their parse (0: keep nothing).
    """

    max_line_size: int = 8190
    max_field_size: int = 8190
    max_headers: int = 128
    max_chunk_line_size: int = 4096
    max_body_size: int | None = None
    max_decompressed_size: int = 32 * 1024 * 1024
    max_remembered_head_size: int = 4096
