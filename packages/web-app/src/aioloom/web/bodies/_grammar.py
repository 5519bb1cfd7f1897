"""Header grammar shared by the multipart reader, writer and Content-Disposition parser.

RFC 9110 tokens, quoted strings and parameters; RFC 2046 boundaries. Compiled once;
no ambiguous alternations, so no catastrophic backtracking on hostile headers.
Functions raise plain ValueError; callers re-raise the MultipartError that fits.
"""

from __future__ import annotations

import re

__all__ = [
    "is_token",
    "has_ctl",
    "parse_params",
    "parse_content_type",
    "check_reader_boundary",
    "check_writer_boundary",
    "quote_param",
]

_TCHARS = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_TCHARS_RE = re.compile(_TCHARS)
# qdtext or quoted-pair: any char but DQUOTE, backslash and CTLs (HT allowed).
_QUOTED = r'"((?:[^"\\\x00-\x08\x0a-\x1f\x7f]|\\[^\x00-\x08\x0a-\x1f\x7f])*)"'
_PARAM_RE = re.compile(
    r"[ \t]*;[ \t]*(?:("
    + _TCHARS
    + r")[ \t]*=[ \t]*(?:("
    + _TCHARS
    + r")|"
    + _QUOTED
    + r"))?[ \t]*"
)
_MIME_RE = re.compile(r"[ \t]*(" + _TCHARS + r")/(" + _TCHARS + r")[ \t]*")
_UNESCAPE_RE = re.compile(r"\\(.)", re.DOTALL)
_CTL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# RFC 2046 bchars; the writer is strict, the reader accepts any visible ASCII.
_WRITER_BOUNDARY_RE = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")
_READER_BOUNDARY_RE = re.compile(r"[\x20-\x7e]{0,199}[\x21-\x7e]")
_MAX_SHOWN = 40


def is_token(value: str) -> bool:
    return _TCHARS_RE.fullmatch(value) is not None


def has_ctl(value: str) -> bool:
    """True if value holds CR, LF, NUL or another control character other than HT."""
    return _CTL_RE.search(value) is not None


def parse_params(value: str, pos: int) -> list[tuple[str, str]]:
    """Parse ``*( ";" [name "=" value] )`` from ``pos`` to the end; names lowercased."""
    params: list[tuple[str, str]] = []
    end = len(value)
    while pos < end:
        m = _PARAM_RE.match(value, pos)
        if m is None:
            raise ValueError(f"unexpected {value[pos : pos + _MAX_SHOWN]!r}")
        pos = m.end()
        key, token, quoted = m.group(1, 2, 3)
        if key is None:
            continue  # empty parameter (";;" or a trailing ";"), harmless
        val = token if token is not None else _UNESCAPE_RE.sub(r"\1", quoted)
        params.append((key.lower(), val))
    return params


def parse_content_type(value: str) -> tuple[str, dict[str, str]]:
    """``type/subtype`` (lowercased) and its parameters; duplicate parameters are rejected."""
    m = _MIME_RE.match(value)
    if m is None:
        raise ValueError(f"invalid media type {value[:_MAX_SHOWN]!r}")
    params: dict[str, str] = {}
    for key, val in parse_params(value, m.end()):
        if key in params:
            raise ValueError(f"duplicate parameter {key!r}")
        params[key] = val
    return f"{m.group(1)}/{m.group(2)}".lower(), params


def check_reader_boundary(boundary: str) -> None:
    if _READER_BOUNDARY_RE.fullmatch(boundary) is None:
        raise ValueError(
            f"invalid boundary {boundary[:_MAX_SHOWN]!r}: "
            "1-200 visible ASCII characters, not ending with a space"
        )


def check_writer_boundary(boundary: str) -> None:
    if _WRITER_BOUNDARY_RE.fullmatch(boundary) is None:
        raise ValueError(
            f"invalid boundary {boundary[:_MAX_SHOWN]!r}: RFC 2046 allows 1-70 characters "
            "of [0-9A-Za-z'()+_,-./:=? ], not ending with a space"
        )


def quote_param(value: str) -> str:
    """A parameter value as a token if possible, else a quoted string."""
    if is_token(value):
        return value
    if has_ctl(value):
        raise ValueError(f"control character in header parameter {value[:_MAX_SHOWN]!r}")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
