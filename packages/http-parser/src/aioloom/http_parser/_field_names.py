"""Field names that requests commonly carry, looked up instead of examined.

A name found here (spelled exactly as listed, in its usual, lower-case or
Go-canonical casing) is a valid token, is stored in the ``CIMultiDict`` as a
prebuilt ``istr`` (so the dict need not lower-case and hash it again), and,
if the parser treats it specially, maps to its lower-cased form. Any other
name is checked and lowered the slow way. The table is fixed at import: what
a peer sends never adds to it.

The keys carry a leading NUL: the request-head fast path splits a head into
items whose field names start with that marker (see ``_request_head``).
"""

from __future__ import annotations

import sys

from multidict import istr

from ._abnf import SPECIAL_NAMES

__all__ = ["KNOWN_FIELDS", "MARK"]

MARK = "\0"

_COMMON = (
    # framing, routing and connection handling (all in SPECIAL_NAMES)
    "Host",
    "Content-Length",
    "Transfer-Encoding",
    "Content-Type",
    "Content-Location",
    "Content-Range",
    "Authorization",
    "Proxy-Authorization",
    "ETag",
    "Max-Forwards",
    "Server",
    "User-Agent",
    "Connection",
    "Upgrade",
    "Expect",
    "Content-Encoding",
    # what browsers, HTTP clients, proxies and load balancers send
    "Accept",
    "Accept-Charset",
    "Accept-Encoding",
    "Accept-Language",
    "Accept-Ranges",
    "Access-Control-Request-Headers",
    "Access-Control-Request-Method",
    "Cache-Control",
    "Content-Disposition",
    "Content-Language",
    "Cookie",
    "Date",
    "DNT",
    "Forwarded",
    "If-Match",
    "If-Modified-Since",
    "If-None-Match",
    "If-Range",
    "If-Unmodified-Since",
    "Keep-Alive",
    "Origin",
    "Pragma",
    "Priority",
    "Range",
    "Referer",
    "Sec-CH-UA",
    "Sec-CH-UA-Mobile",
    "Sec-CH-UA-Platform",
    "Sec-Fetch-Dest",
    "Sec-Fetch-Mode",
    "Sec-Fetch-Site",
    "Sec-Fetch-User",
    "Sec-GPC",
    "Sec-WebSocket-Extensions",
    "Sec-WebSocket-Key",
    "Sec-WebSocket-Protocol",
    "Sec-WebSocket-Version",
    "TE",
    "Trailer",
    "Upgrade-Insecure-Requests",
    "Via",
    "X-Correlation-ID",
    "X-CSRF-Token",
    "X-Forwarded-For",
    "X-Forwarded-Host",
    "X-Forwarded-Port",
    "X-Forwarded-Proto",
    "X-Real-IP",
    "X-Request-ID",
    "X-Requested-With",
)


def _spellings(name: str) -> set[str]:
    # As listed, lower-case (HTTP/2 gateways, some clients) and with each
    # hyphen-separated word capitalized (Go's and aiohttp's canonical form).
    return {name, name.lower(), "-".join(word.capitalize() for word in name.split("-"))}


# "\0" + name -> (the name as an istr: the CIMultiDict key,
#                the lower-cased name if it is in SPECIAL_NAMES, else None)
KNOWN_FIELDS: dict[str, tuple[istr, str | None]] = {
    MARK + spelling: (istr(spelling), sys.intern(lowered) if lowered in SPECIAL_NAMES else None)
    for name in _COMMON
    for lowered in [name.lower()]
    for spelling in _spellings(name)
}
