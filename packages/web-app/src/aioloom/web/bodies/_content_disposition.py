"""Content-Disposition parsing (RFC 6266, RFC 8187 ext-values, RFC 2231 continuations).

Strict where ambiguity could hide a different file name: duplicate parameters, bad
percent escapes and unknown charsets are rejected rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote, unquote_to_bytes

from ._errors import BadContentDisposition
from ._grammar import has_ctl, is_token, parse_params

__all__ = [
    "parse_content_disposition",
    "content_disposition_filename",
    "content_disposition_header",
]

_TYPE_RE = re.compile(r"[ \t]*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]*")
# RFC 8187: charset "'" [ language ] "'" value-chars
_EXT_VALUE_RE = re.compile(
    r"([!#$%&+\-^_`{}~0-9A-Za-z]*)'([0-9A-Za-z\-]*)'((?:%[0-9A-Fa-f]{2}|[!#$&+\-.^_`|~0-9A-Za-z])*)"
)
_CONTINUATION_RE = re.compile(r"\*[0-9]+\*?\Z")
_CHARSETS = {"utf-8": "utf-8", "iso-8859-1": "iso-8859-1", "us-ascii": "ascii", "": "utf-8"}
_MAX_SEGMENTS = 64
_ATTR_SAFE = "!#$&+.^_`|~"


def _decode_ext_value(value: str) -> str:
    m = _EXT_VALUE_RE.fullmatch(value)
    if m is None:
        raise BadContentDisposition(f"invalid RFC 8187 extended value {value[:40]!r}")
    return _decode_pct(m.group(1), m.group(3))


def _decode_pct(charset: str, pct_value: str) -> str:
    codec = _CHARSETS.get(charset.lower())
    if codec is None:
        raise BadContentDisposition(f"unsupported charset {charset!r} in Content-Disposition")
    try:
        return unquote_to_bytes(pct_value).decode(codec)
    except UnicodeDecodeError:
        raise BadContentDisposition(f"Content-Disposition value is not valid {codec}") from None


def parse_content_disposition(header: str | None) -> tuple[str | None, dict[str, str]]:
    """Split a Content-Disposition value into its type (lowercased) and parameters.

    Parameter names are lowercased. ``name*`` values are decoded and kept under ``name*``
    (as aiohttp does); RFC 2231 segments (``name*0``, ``name*1*``) are kept raw for
    ``content_disposition_filename``. ``None`` gives ``(None, {})``.
    """
    if header is None:
        return None, {}
    m = _TYPE_RE.match(header)
    if m is None:
        raise BadContentDisposition(f"invalid Content-Disposition {header[:60]!r}")
    try:
        raw = parse_params(header, m.end())
    except ValueError as exc:
        raise BadContentDisposition(f"invalid Content-Disposition {header[:60]!r}: {exc}") from None
    params: dict[str, str] = {}
    for key, value in raw:
        if key in params:
            raise BadContentDisposition(f"duplicate Content-Disposition parameter {key!r}")
        if key.endswith("*") and _CONTINUATION_RE.search(key) is None:
            params[key] = _decode_ext_value(value)
        else:
            params[key] = value
    return m.group(1).lower(), params


def content_disposition_filename(params: Mapping[str, str], name: str = "filename") -> str | None:
    """The value of ``name`` (``filename`` by default): ``name*`` first, then ``name``,
    then RFC 2231 continuations ``name*0``, ``name*1*``... joined and decoded."""
    if f"{name}*" in params:
        return params[f"{name}*"]
    if name in params:
        return params[name]
    segments: list[tuple[str, bool]] = []
    for i in range(_MAX_SEGMENTS):
        if (value := params.get(f"{name}*{i}*")) is not None:
            segments.append((value, True))
        elif (value := params.get(f"{name}*{i}")) is not None:
            segments.append((value, False))
        else:
            break
    if not segments:
        return None
    if not segments[0][1]:
        if any(encoded for _, encoded in segments):
            raise BadContentDisposition("RFC 2231 continuation: charset missing from segment 0")
        return "".join(value for value, _ in segments)
    first = _EXT_VALUE_RE.fullmatch(segments[0][0])
    if first is None:
        raise BadContentDisposition(f"invalid RFC 2231 segment {segments[0][0][:40]!r}")
    charset = first.group(1)
    codec = _CHARSETS.get(charset.lower(), "utf-8")
    pieces = [first.group(3)]
    for value, encoded in segments[1:]:
        pieces.append(value if encoded else quote(value, safe=_ATTR_SAFE, encoding=codec))
    return _decode_pct(charset, "".join(pieces))


def content_disposition_header(
    disptype: str, quote_fields: bool = True, _charset: str = "utf-8", **params: str
) -> str:
    """Build a Content-Disposition value; ValueError for bad names or control characters.

    With ``quote_fields`` a non-ASCII value is sent as ``name*=utf-8''...`` (RFC 8187),
    plus an ASCII ``filename`` fallback for old clients; without it, values go raw in a
    quoted string, as browsers send form-data names.
    """
    if not is_token(disptype):
        raise ValueError(f"invalid Content-Disposition type {disptype!r}")
    items = [disptype]
    for key, value in params.items():
        if not is_token(key):
            raise ValueError(f"invalid Content-Disposition parameter name {key!r}")
        if has_ctl(value):
            raise ValueError(f"control character in Content-Disposition parameter {key!r}")
        if quote_fields and not value.isascii():
            if key.lower() == "filename":
                fallback = value.encode("ascii", "replace").decode("ascii").replace("?", "_")
                items.append(f'{key}="{_escape(fallback)}"')
            items.append(f"{key}*={_charset}''{quote(value, safe=_ATTR_SAFE, encoding=_charset)}")
        else:
            items.append(f'{key}="{_escape(value)}"')
    return "; ".join(items)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')
