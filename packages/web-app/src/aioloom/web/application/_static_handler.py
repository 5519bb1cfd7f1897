"""Serving what a static resource resolves: a file, an index page, 403 or 404.

The router decides what a request names (``resolve_file``: traversal, symlink
policy, special files); this module only answers. File-system work runs in the
default executor. Precompressed siblings come from ``compressed_variants``, which
checks each one exactly like the file itself (GHSA-jwhx-xcg6-8xhj).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from aioloom.router import StaticOutcome, StaticResource, StaticTarget

from ..files._file_response import FileResponse
from ..http._exceptions import HTTPForbidden, HTTPNotFound
from ..http._response import Response
from ..http._stream_response import StreamResponse
from ._request import Request
from ._typedefs import Handler

__all__ = ["StaticFileResponse", "make_static_handler"]


class StaticFileResponse(FileResponse):
    """A FileResponse whose precompressed siblings are vetted by the static resource."""

    def __init__(
        self,
        resource: StaticResource[Handler],
        filename: str,
        path: str | os.PathLike[str],
    ) -> None:
        super().__init__(path, chunk_size=resource.chunk_size)
        self._resource = resource
        self._filename = filename

    def _compressed_variants(self) -> dict[str, Path]:
        return self._resource.compressed_variants(self._filename)


def make_static_handler(resource: StaticResource[Handler]) -> Handler:
    async def serve_static(request: Request) -> StreamResponse:
        filename = request.match_info["filename"]
        loop = asyncio.get_running_loop()
        target: StaticTarget = await loop.run_in_executor(None, resource.resolve_file, filename)
        if target.outcome is StaticOutcome.FILE and target.path is not None:
            return StaticFileResponse(resource, filename, target.path)
        if target.outcome is StaticOutcome.DIRECTORY_INDEX and target.path is not None:
            try:
                page = await loop.run_in_executor(None, resource.index_html, target.path)
            except OSError:
                raise HTTPForbidden() from None  # e.g. a directory we may not list
            return Response(text=page, content_type="text/html")
        if target.outcome is StaticOutcome.FORBIDDEN:
            raise HTTPForbidden()
        raise HTTPNotFound()

    return serve_static
