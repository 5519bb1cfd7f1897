"""The request-target as a ``yarl.URL``, built the way aiohttp builds it.

origin-form goes through ``URL.build(..., encoded=True)`` so percent-encoding
(including encoded non-ASCII and reserved characters) round-trips unchanged;
authority-form is only for CONNECT, asterisk-form only for OPTIONS, and an
absolute-form target must name a host (RFC 9112 §3.2, RFC 9110 §4.2).
"""

from __future__ import annotations

from functools import lru_cache

from yarl import URL

from ._errors import BadRequest

__all__ = ["target_to_url", "origin_form_path", "origin_form_url", "URL_CACHE_SIZE"]

# URLs are immutable, and a client tends to repeat its targets: the URLs of
# the last origin-form targets are kept, keyed by the exact target string.
URL_CACHE_SIZE = 256


@lru_cache(maxsize=URL_CACHE_SIZE)
def origin_form_url(target: str) -> URL:
    """The URL of an origin-form target (it starts with "/")."""
    if "#" in target:
        rest, _, fragment = target.partition("#")
    else:
        rest, fragment = target, ""
    path, _, query = rest.partition("?")
    try:
        return URL.build(path=path, query_string=query, fragment=fragment, encoded=True)
    except ValueError as exc:
        raise BadRequest(f"invalid request target {target!r}: {exc}") from None


def origin_form_path(target: str) -> str:
    """``origin_form_url(target).raw_path``, without building the URL."""
    if "?" in target:
        target = target.partition("?")[0]
    if "#" in target:
        target = target.partition("#")[0]
    return target


def target_to_url(method: str, target: str) -> URL:
    try:
        if target[0] == "/" and method != "CONNECT":
            return origin_form_url(target)
        if method == "CONNECT":
            url = URL.build(authority=target, encoded=True)
            if not url.raw_host or url.explicit_port is None:
                raise BadRequest(f"CONNECT target {target!r} is not host:port")
            return url
        if target == "*":
            if method != "OPTIONS":
                raise BadRequest("asterisk-form target is only allowed with OPTIONS")
            return URL(target, encoded=True)
        scheme, sep, rest = target.partition("://")
        if not sep or not scheme or rest[:1] in ("", "/", "?", "#"):
            raise BadRequest(f"request target {target!r} is not origin-form or absolute-form")
        url = URL(target, encoded=True)
        if not url.raw_host:
            raise BadRequest(f"absolute-form target {target!r} has no host")
        return url
    except ValueError as exc:
        raise BadRequest(f"invalid request target {target!r}: {exc}") from None
