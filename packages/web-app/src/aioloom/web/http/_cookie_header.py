"""Parsing a request's ``Cookie`` header, pair by pair.

A malformed pair is skipped silently (no log line a client could multiply,
GHSA-fh55-r93g-j68g) and does not take the valid pairs around it down with it,
unlike ``http.cookies.SimpleCookie``.
"""

from __future__ import annotations

import re

__all__ = ["parse_cookie_header"]

_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+", re.ASCII)
# RFC 6265 cookie-octets, optionally in double quotes.
_VALUE = re.compile(r'"?([\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e\x80-\xff]*)"?')


def parse_cookie_header(header: str) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for pair in header.split(";"):
        name, sep, value = pair.partition("=")
        name = name.strip()
        value = value.strip()
        if not sep or _NAME.fullmatch(name) is None:
            continue
        match = _VALUE.fullmatch(value)
        if match is None or (value.startswith('"') != value.endswith('"')) or value == '"':
            continue
        cookies[name] = match.group(1)
    return cookies
