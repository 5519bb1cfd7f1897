"""Serving what a static resource resolves: a file, an index page, 403 or 404."""

from __future__ import annotations

from aioloom.router import StaticOutcome, StaticResource

from ._exceptions import HTTPForbidden, HTTPNotFound
from ._file_response import FileResponse
from ._request import Request
from ._response import Response, StreamResponse
from ._typedefs import Handler

__all__ = ["make_static_handler"]


def make_static_handler(resource: StaticResource[Handler]) -> Handler:
    async def serve_static(request: Request) -> StreamResponse:
        target = resource.resolve_file(request.match_info["filename"])
        if target.outcome is StaticOutcome.FILE and target.path is not None:
            return FileResponse(target.path, chunk_size=resource.chunk_size)
        if target.outcome is StaticOutcome.DIRECTORY_INDEX and target.path is not None:
            return Response(text=resource.index_html(target.path), content_type="text/html")
        if target.outcome is StaticOutcome.FORBIDDEN:
            raise HTTPForbidden()
        raise HTTPNotFound()

    return serve_static
