"""Parsing the ``Forwarded`` header (RFC 7239). Exposed, never trusted by default.

The grammar is scanned left to right, as aiohttp does: ``,`` starts a new
element, ``;`` a new pair; whitespace is tolerated between pairs; a syntax error
skips to the next ``,`` (keeping what the element had so far). Quoted values may
contain ``,`` and ``;`` and are unescaped.
"""

from __future__ import annotations

import re
from types import MappingProxyType

__all__ = ["parse_forwarded"]

_TCHARS = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_QUOTED = r'"(?:[\t !#-\[\]-~\x80-\xff]|\\[\t !-~\x80-\xff])*"'
# A port after a quoted value (for="[::1]":80) is not RFC 7239, but seen in the wild.
_PAIR = re.compile(rf"({_TCHARS})=({_TCHARS}|{_QUOTED})(:[0-9]{{1,4}})?")
_UNESCAPE = re.compile(r"\\([\t !-~\x80-\xff])")


def parse_forwarded(values: list[str]) -> tuple[MappingProxyType[str, str], ...]:
    """One read-only mapping per forwarded element, in order."""
    elements: list[MappingProxyType[str, str]] = []
    for field in values:
        pairs: dict[str, str] = {}
        elements.append(MappingProxyType(pairs))
        length = len(field)
        pos = 0
        need_separator = False
        while 0 <= pos < length:
            match = _PAIR.match(field, pos)
            if match is not None:
                if need_separator:  # two pairs without ';': skip this element's rest
                    pos = field.find(",", pos)
                    continue
                name, value, port = match.groups()
                if value.startswith('"'):
                    value = _UNESCAPE.sub(r"\1", value[1:-1])
                pairs[name.lower()] = value + (port or "")
                pos = match.end()
                need_separator = True
                continue
            char = field[pos]
            if char == ",":
                pairs = {}
                elements.append(MappingProxyType(pairs))
                need_separator = False
                pos += 1
            elif char == ";":
                need_separator = False
                pos += 1
            elif char in " \t":
                pos += 1
            else:
                pos = field.find(",", pos)
    return tuple(elements)
