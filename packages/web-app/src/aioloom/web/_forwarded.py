"""Parsing the ``Forwarded`` header (RFC 7239). Exposed, never trusted by default."""

from __future__ import annotations

import re
from types import MappingProxyType

__all__ = ["parse_forwarded"]

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_QUOTED = r'"(?:[\t !#-\[\]-~\x80-\xff]|\\[\t !-~\x80-\xff])*"'
_PAIR = re.compile(rf"[ \t]*({_TOKEN})=({_TOKEN}|{_QUOTED})[ \t]*")
_UNESCAPE = re.compile(r"\\([\t !-~\x80-\xff])")


def parse_forwarded(values: list[str]) -> tuple[MappingProxyType[str, str], ...]:
    """One mapping per forwarded element, in order; a malformed element ends it."""
    elements: list[MappingProxyType[str, str]] = []
    for header in values:
        for element in header.split(","):
            pairs: dict[str, str] = {}
            for part in element.split(";"):
                if not part.strip():
                    continue
                match = _PAIR.fullmatch(part)
                if match is None:
                    break
                name, value = match.group(1).lower(), match.group(2)
                if value.startswith('"'):
                    value = _UNESCAPE.sub(r"\1", value[1:-1])
                pairs.setdefault(name, value)
            elements.append(MappingProxyType(pairs))
    return tuple(elements)
