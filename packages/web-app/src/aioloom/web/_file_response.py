"""FileResponse: a file from disk, streamed in chunks."""

from __future__ import annotations

import asyncio
import mimetypes
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ._response import StreamResponse
from ._writer import StreamWriter

if TYPE_CHECKING:
    from ._request import BaseRequest

__all__ = ["FileResponse"]


class FileResponse(StreamResponse):
    """Send ``path``; the content type comes from its name."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        chunk_size: int = 256 * 1024,
        status: int = 200,
        reason: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status=status, reason=reason, headers=headers)
        self._path = Path(path)
        self._chunk_size = chunk_size

    async def prepare(self, request: BaseRequest) -> StreamWriter | None:
        loop = asyncio.get_running_loop()
        stat = await loop.run_in_executor(None, self._path.stat)
        if "Content-Type" not in self.headers:
            guessed, _ = mimetypes.guess_type(self._path.name)
            self.content_type = guessed or "application/octet-stream"
        self.last_modified = stat.st_mtime
        self.etag = f"{stat.st_mtime_ns:x}-{stat.st_size:x}"
        self.content_length = stat.st_size
        writer = await super().prepare(request)
        if request.method != "HEAD":
            with self._path.open("rb") as file:
                while chunk := await loop.run_in_executor(None, file.read, self._chunk_size):
                    await self.write(chunk)
        await self.write_eof()
        return writer
