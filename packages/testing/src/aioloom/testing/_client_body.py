"""aiohttp's ``data=`` and header arguments mapped onto httpx's request arguments."""

from __future__ import annotations

import io
from collections.abc import AsyncIterable, Iterable, Mapping
from typing import Any

__all__ = ["request_body", "multi_items", "has_header"]


def multi_items(data: Any) -> list[tuple[str, Any]]:
    items = data.items() if isinstance(data, Mapping) else data
    return [(str(key), value) for key, value in items]


def _form(data: Any) -> dict[str, Any]:
    """A mapping or pairs as httpx form data (repeated keys become lists)."""
    if type(data) is dict:
        return data
    form: dict[str, Any] = {}
    for key, value in multi_items(data):
        if key in form:
            previous = form[key]
            form[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            form[key] = value
    return form


def has_header(headers: Any, name: str) -> bool:
    if headers is None:
        return False
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return any(str(key).lower() == name for key, _ in pairs)


def request_body(data: Any, build: dict[str, Any], headers: Any) -> list[tuple[str, str]]:
    """Map aiohttp's ``data=`` onto httpx arguments; returns headers to add."""
    if data is None:
        return []
    if isinstance(data, bytes | bytearray | memoryview):
        build["content"] = bytes(data)
        ctype = "application/octet-stream"
    elif isinstance(data, str):
        build["content"] = data.encode("utf-8")
        ctype = "text/plain; charset=utf-8"
    elif isinstance(data, io.IOBase):
        raw = data.read()
        build["content"] = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
        ctype = "application/octet-stream"
    elif isinstance(data, Mapping) or (
        isinstance(data, list | tuple) and all(isinstance(i, tuple) for i in data)
    ):
        build["data"] = _form(data)
        return []
    elif isinstance(data, AsyncIterable | Iterable):
        build["content"] = data
        ctype = "application/octet-stream"
    else:
        raise TypeError(f"unsupported data= type: {type(data).__name__}")
    if has_header(headers, "content-type"):
        return []
    return [("Content-Type", ctype)]
