"""The HTTP/1.1 grammar (RFC 9110, RFC 9112) as bytes patterns, compiled once.

Everything here matches bytes (or ASCII-only str produced from validated
bytes); digit classes are spelled ``[0-9]`` and never ``\\d``; digit counts
are capped so no number can overflow or take super-linear time.
"""

from __future__ import annotations

import re

__all__ = [
    "TCHAR",
    "REQUEST_LINE",
    "STATUS_LINE",
    "BAD_FIELD_LINE_START",
    "SPECIAL_FIELDS",
    "SPECIAL_NAMES",
    "SINGLETON_FIELDS",
    "CONTENT_LENGTH",
    "MAX_LENGTH_DIGITS",
    "CHUNK_LINE",
    "HEAD_CHECK_TABLE",
    "LENIENT_HEAD_CHECK_TABLE",
    "TRAILER_CHECK_TABLE",
    "LENIENT_EOL",
    "FIELD_LINE",
    "LOOKALIKE_FRAMING_FIELD",
    "FIELD_LINE_PREFIX",
    "REQUEST_LINE_PREFIX",
    "OBS_FOLD",
    "HEAD_END_LENIENT",
    "TOKEN",
    "FAST_HEAD_CHECK_TABLE",
    "FAST_HEAD_MAX",
    "KNOWN_METHODS",
]

# token = 1*tchar (RFC 9110 §5.6.2)
TCHAR = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]"
_TOKEN = TCHAR + rb"+"

# request-line = method SP request-target SP HTTP-version (RFC 9112 §3).
# The target is visible ASCII only (no raw non-ASCII, no controls, no spaces).
REQUEST_LINE = re.compile(
    r"(" + _TOKEN.decode() + r") ([\x21-\x7e]+) HTTP/([0-9])\.([0-9])", re.ASCII
)

# status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4)
# Matched on the head decoded after validation (utf-8/surrogateescape), so the
# reason may hold any non-control character.
STATUS_LINE = re.compile(r"HTTP/([0-9])\.([0-9]) ([0-9]{3})(?: ([^\x00-\x08\x0a-\x1f\x7f]*))?")

# A header line must start with a token followed directly by ':' (this also
# rejects obs-fold, whitespace before the colon and empty names). Searched in
# a head whose start line has already been split off at the first "\n".
BAD_FIELD_LINE_START = re.compile(rb"\n(?!" + _TOKEN + rb":)")

# token, matched on text decoded from validated bytes (request methods, names).
TOKEN = re.compile(_TOKEN.decode())
# Methods known to be tokens without a match.
KNOWN_METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}
)
# Longer heads take the slow path, which bounds them by the limits first.
FAST_HEAD_MAX = 16384

# Header fields whose value or multiplicity changes how a message is framed
# or routed. Searched in the lower-cased head, anchored at line starts.
SINGLETON_FIELDS = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "content-type",
        "content-location",
        "content-range",
        "authorization",
        "proxy-authorization",
        "etag",
        "max-forwards",
        "server",
        "user-agent",
    }
)
# The fields a parser looks at (lower-cased): singletons and those that
# decide keep-alive, protocol switch, 100-continue and decoding.
SPECIAL_NAMES = SINGLETON_FIELDS | {"connection", "upgrade", "expect", "content-encoding"}
SPECIAL_FIELDS = re.compile(
    rb"\n("
    + b"|".join(re.escape(n.encode()) for n in sorted(SPECIAL_NAMES, key=len, reverse=True))
    + rb"):"
)

# Content-Length = 1*DIGIT (callers cap the digit count at 18: no overflow).
CONTENT_LENGTH = re.compile(r"[0-9]+", re.ASCII)
MAX_LENGTH_DIGITS = 18

# chunk-size [ chunk-ext ] CRLF (RFC 9112 §7.1), no whitespace after the size.
_QUOTED = rb'"(?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t \x21-\x7e\x80-\xff])*"'
_CHUNK_EXT = (
    rb"(?:[ \t]*;[ \t]*" + _TOKEN + rb"(?:[ \t]*=[ \t]*(?:" + _TOKEN + rb"|" + _QUOTED + rb"))?)*"
)
CHUNK_LINE = re.compile(rb"([0-9A-Fa-f]{1,16})(" + _CHUNK_EXT + rb")\r\n")


def _table(forbidden: set[int]) -> bytes:
    return bytes(0 if byte in forbidden else 1 for byte in range(256))


_CTL = set(range(0x20)) | {0x7F}
# bytes.translate tables: a 0 in the output marks a byte not allowed in a head.
# CR and LF are allowed here; the caller checks they only occur as CRLF pairs.
HEAD_CHECK_TABLE = _table(_CTL - {0x09, 0x0D, 0x0A})
# Lenient (responses only): controls are allowed except NUL, CR and LF.
LENIENT_HEAD_CHECK_TABLE = _table({0x00})
TRAILER_CHECK_TABLE = HEAD_CHECK_TABLE
# The request-head fast path also refuses HTAB (it would be OWS to strip);
# CR and LF pass here, the fast path proves they come as CRLF.
FAST_HEAD_CHECK_TABLE = _table(_CTL - {0x0D, 0x0A})

LENIENT_EOL = re.compile(rb"\r?\n")
OBS_FOLD = re.compile(rb"\r\n[ \t]+")
HEAD_END_LENIENT = re.compile(rb"\r?\n\r?\n")

# Checks of a head that has not fully arrived (reject early, not at the end).
_VALUE_BYTES = rb"[\t \x21-\x7e\x80-\xff]*"
FIELD_LINE = re.compile(rb"(" + _TOKEN + rb"):" + _VALUE_BYTES)
FIELD_LINE_PREFIX = re.compile(TCHAR + rb"*(?::" + _VALUE_BYTES + rb")?\r?")
REQUEST_LINE_PREFIX = re.compile(
    TCHAR
    + rb"*(?: [\x21-\x7e]*(?: (?:H(?:T(?:T(?:P(?:/(?:[0-9](?:\.(?:([0-9])\r?)?)?)?)?)?)?)?)?)?)?"
)

# Names some proxies would normalize into a framing field (Transfer_Encoding,
# Content--Length): underscores or repeated hyphens between the two words.
LOOKALIKE_FRAMING_FIELD = re.compile(
    rb"\n(?:transfer(?:-*_[-_]*|--+)encoding|content(?:-*_[-_]*|--+)length):", re.IGNORECASE
)
