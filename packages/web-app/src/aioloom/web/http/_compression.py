"""Content codings for responses: Accept-Encoding negotiation and the compressors.

gzip and deflate come from zlib and are always there; br needs ``brotli`` (or
``brotlicffi``) and zstd needs ``zstandard`` (or Python 3.14's ``compression.zstd``).
A coding whose library is missing is never offered. Bodies larger than
``EXECUTOR_THRESHOLD`` bytes are compressed in the default executor, so a big body
does not stall the event loop.
"""

from __future__ import annotations

import asyncio
import importlib
import re
import zlib
from collections.abc import Callable, MutableMapping, Sequence
from concurrent.futures import Executor
from types import ModuleType
from typing import Any, Protocol

__all__ = [
    "EXECUTOR_THRESHOLD",
    "Compressor",
    "add_vary",
    "available_codings",
    "compress_body",
    "make_compressor",
    "negotiate",
    "parse_accept_encoding",
]

# Bodies (and streamed chunks) above this size are compressed off the event loop.
EXECUTOR_THRESHOLD = 64 * 1024
# Brotli's default quality (11) is far too slow for compressing on the fly.
_BROTLI_QUALITY = 4
_ZSTD_LEVEL = 3

# A coding, then optional parameters of which only q matters; tokens are ASCII.
_ITEM = re.compile(
    r"\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*((?:;\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*=\s*[^;,]*)*)\s*",
    re.ASCII,
)
_QVALUE = re.compile(r";\s*[qQ]\s*=\s*(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)\s*(?:;|$)", re.ASCII)


class Compressor(Protocol):
    """Streaming compression: ``flush`` makes all input so far decodable by the peer."""

    def compress(self, data: bytes) -> bytes: ...
    def flush(self) -> bytes: ...
    def finish(self) -> bytes: ...


class _ZlibCompressor:
    def __init__(self, wbits: int, strategy: int | None = None) -> None:
        self._zlib = zlib.compressobj(
            wbits=wbits, strategy=zlib.Z_DEFAULT_STRATEGY if strategy is None else strategy
        )

    def compress(self, data: bytes) -> bytes:
        return self._zlib.compress(data)

    def flush(self) -> bytes:
        return self._zlib.flush(zlib.Z_SYNC_FLUSH)

    def finish(self) -> bytes:
        return self._zlib.flush(zlib.Z_FINISH)


class _BrotliCompressor:
    def __init__(self, module: ModuleType) -> None:
        self._brotli: Any = module.Compressor(quality=_BROTLI_QUALITY)

    def compress(self, data: bytes) -> bytes:
        out: bytes = self._brotli.process(data)
        return out

    def flush(self) -> bytes:
        out: bytes = self._brotli.flush()
        return out

    def finish(self) -> bytes:
        out: bytes = self._brotli.finish()
        return out


class _ZstandardCompressor:
    """The ``zstandard`` package's streaming API."""

    def __init__(self, module: ModuleType) -> None:
        self._module = module
        self._zstd: Any = module.ZstdCompressor(level=_ZSTD_LEVEL).compressobj()

    def compress(self, data: bytes) -> bytes:
        out: bytes = self._zstd.compress(data)
        return out

    def flush(self) -> bytes:
        out: bytes = self._zstd.flush(self._module.COMPRESSOBJ_FLUSH_BLOCK)
        return out

    def finish(self) -> bytes:
        out: bytes = self._zstd.flush(self._module.COMPRESSOBJ_FLUSH_FINISH)
        return out


class _StdlibZstdCompressor:
    """Python 3.14's ``compression.zstd``."""

    def __init__(self, module: ModuleType) -> None:
        self._cls: Any = module.ZstdCompressor
        self._zstd: Any = module.ZstdCompressor(level=_ZSTD_LEVEL)

    def compress(self, data: bytes) -> bytes:
        out: bytes = self._zstd.compress(data)
        return out

    def flush(self) -> bytes:
        out: bytes = self._zstd.flush(self._cls.FLUSH_BLOCK)
        return out

    def finish(self) -> bytes:
        out: bytes = self._zstd.flush(self._cls.FLUSH_FRAME)
        return out


def _import_first(*names: str) -> ModuleType | None:
    for name in names:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


# A factory takes zlib's strategy (only gzip and deflate use it).
_Factory = Callable[[int | None], Compressor]


def _load_factories() -> dict[str, _Factory]:
    # The server's preference when the client's q-values tie: deflate, then gzip,
    # as aiohttp picks (its server makes no other coding); br and zstd only when
    # the client ranks them higher, or names only them.
    factories: dict[str, _Factory] = {
        "deflate": lambda strategy: _ZlibCompressor(zlib.MAX_WBITS, strategy),
        "gzip": lambda strategy: _ZlibCompressor(16 + zlib.MAX_WBITS, strategy),
    }
    brotli = _import_first("brotli", "brotlicffi")
    if brotli is not None:
        factories["br"] = lambda _: _BrotliCompressor(brotli)
    zstd = _import_first("compression.zstd")
    if zstd is not None:
        factories["zstd"] = lambda _: _StdlibZstdCompressor(zstd)
    else:
        zstandard = _import_first("zstandard")
        if zstandard is not None:
            factories["zstd"] = lambda _: _ZstandardCompressor(zstandard)
    return factories


# In the server's order of preference, used when the client's q-values tie.
_FACTORIES = _load_factories()


def available_codings() -> tuple[str, ...]:
    """The codings this process can produce, most preferred first."""
    return tuple(_FACTORIES)


def make_compressor(coding: str, strategy: int | None = None) -> Compressor:
    """A compressor for ``coding``; ``strategy`` is zlib's, for gzip and deflate."""
    factory = _FACTORIES.get(coding)
    if factory is None:
        raise ValueError(f"unsupported content coding {coding!r}")
    return factory(strategy)


def parse_accept_encoding(header: str) -> dict[str, float]:
    """``Accept-Encoding`` as {coding (lower case): q}; malformed items are skipped."""
    accepted: dict[str, float] = {}
    for item in header.split(","):
        match = _ITEM.fullmatch(item)
        if match is None:
            continue
        coding, params = match.group(1).lower(), match.group(2)
        quality = 1.0
        if params:
            q = _QVALUE.search(params)
            if q is None:
                continue  # a q we cannot read: ignore the item rather than guess
            quality = float(q.group(1))
        accepted[coding] = quality
    return accepted


def negotiate(header: str | None, offered: Sequence[str] | None = None) -> str | None:
    """The coding to use for a client's ``Accept-Encoding``; None means identity.

    Highest q wins, ties go to the server's preference (``offered`` order); q=0
    refuses a coding; ``*`` stands for every coding the client did not name.
    """
    if not header:
        return None
    accepted = parse_accept_encoding(header)
    wildcard = accepted.get("*", 0.0)
    best: str | None = None
    best_q = 0.0
    for coding in available_codings() if offered is None else offered:
        quality = accepted.get(coding, wildcard)
        if quality > best_q:
            best, best_q = coding, quality
    return best


async def compress_body(
    coding: str,
    body: bytes,
    *,
    executor_threshold: int | None = EXECUTOR_THRESHOLD,
    executor: Executor | None = None,
    strategy: int | None = None,
) -> bytes:
    """The whole ``body`` compressed; in ``executor`` when it is larger than the threshold."""
    compressor = make_compressor(coding, strategy)

    def run() -> bytes:
        return compressor.compress(body) + compressor.finish()

    if executor_threshold is not None and len(body) > executor_threshold:
        return await asyncio.get_running_loop().run_in_executor(executor, run)
    return run()


def add_vary(headers: MutableMapping[str, str], name: str) -> None:
    """Add ``name`` to the ``Vary`` header unless it (or ``*``) is there already."""
    current = headers.get("Vary")
    if not current:
        headers["Vary"] = name
        return
    listed = {item.strip().lower() for item in current.split(",")}
    if name.lower() not in listed and "*" not in listed:
        headers["Vary"] = f"{current}, {name}"
