"""Serving what a static resource resolves: a file, an index page, 403 or 404.

The router decides what a request names (``resolve_file``: traversal, symlink
policy, special files); this module only answers. File-system work runs in the
default executor. Precompressed siblings come from ``compressed_variants``, which
checks each one exactly like the file itself (GHSA-jwhx-xcg6-8xhj).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aioloom import router as _router
from aioloom.router import StaticOutcome, StaticTarget

from ..files._file_response import FileResponse
from ..http._exceptions import HTTPForbidden, HTTPNotFound
from ..http._response import Response
from ..http._stream_response import StreamResponse
from ._request import Request
from ._typedefs import Handler

__all__ = ["StaticFileResponse", "StaticResource", "make_static_handler"]


class StaticFileResponse(FileResponse):
    """A FileResponse whose precompressed siblings are vetted by the static resource."""

    def __init__(
        self,
        resource: _router.StaticResource[Handler],
        filename: str,
        path: str | os.PathLike[str],
    ) -> None:
        super().__init__(path, chunk_size=resource.chunk_size)
        self._resource = resource
        self._filename = filename

    def _compressed_variants(self) -> dict[str, Path]:
        return self._resource.compressed_variants(self._filename)


async def _serve(resource: _router.StaticResource[Handler], request: Request) -> StreamResponse:
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


def make_static_handler(resource: _router.StaticResource[Handler]) -> Handler:
    """The handler of a static resource: its ``_handle`` when it has one (ours, or a
    subclass's override), else one that serves what the resource resolves."""
    if isinstance(resource, StaticResource):
        return resource._handle

    async def serve_static(request: Request) -> StreamResponse:
        return await _serve(resource, request)

    return serve_static


class StaticResource(_router.StaticResource[Handler]):
    """aiohttp's ``web.StaticResource``: ``add_static()`` makes these.

    Made as aiohttp makes it, ``StaticResource(prefix, directory, name=...,
    follow_symlinks=...)``; its routes call ``_handle(request)``, which a subclass
    may override and extend with ``super()._handle(request)`` (aiohttp-devtools does).
    """

    def __init__(
        self,
        prefix: str,
        directory: str | os.PathLike[str],
        *,
        handler_factory: Callable[[_router.StaticResource[Handler]], Handler] = (
            make_static_handler
        ),
        **kwargs: Any,
    ) -> None:
        super().__init__(prefix, directory, handler_factory=handler_factory, **kwargs)

    async def _handle(self, request: Request) -> StreamResponse:
        return await _serve(self, request)
