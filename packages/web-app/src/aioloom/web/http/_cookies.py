"""A response's cookies: an ``http.cookies.SimpleCookie``, as aiohttp exposes them.

Code written for aiohttp reads and edits ``resp.cookies`` as a SimpleCookie
(``str()`` gives the Set-Cookie lines, ``resp.cookies[name]["max-age"] = 10``
works), so that is what it is. The response builds it only when a cookie is
set or ``cookies`` is read: a response without cookies pays nothing.

``set_cookie`` updates a cookie set earlier rather than replacing it (an
attribute left as None keeps its value), except that Max-Age and an expiry
left from ``del_cookie`` are dropped: aiohttp's rules.
"""

from __future__ import annotations

from http.cookies import CookieError, Morsel, SimpleCookie
from typing import Any, ClassVar

__all__ = ["ResponseCookies", "InvalidCookie", "set_cookie", "del_cookie", "render_cookie"]

_EXPIRED = "Thu, 01 Jan 1970 00:00:00 GMT"


class InvalidCookie(CookieError, ValueError):
    """A cookie name or attribute that cannot be sent.

    Both a ``CookieError`` (what aiohttp raises) and a ``ValueError``.
    """


def _morsel_class() -> type[Morsel[str]]:
    """Morsels that know the Partitioned flag (Python has it only from 3.14)."""
    if "partitioned" in getattr(Morsel, "_reserved", {}):
        return Morsel

    class PartitionedMorsel(Morsel[str]):
        _reserved: ClassVar[dict[str, str]] = {
            **getattr(Morsel, "_reserved", {}),
            "partitioned": "Partitioned",
        }
        _flags: ClassVar[set[str]] = getattr(Morsel, "_flags", set()) | {"partitioned"}

    return PartitionedMorsel


_Morsel = _morsel_class()


class ResponseCookies(SimpleCookie):
    """A SimpleCookie whose new Morsels accept ``partitioned`` on every Python."""

    def __setitem__(self, key: str, value: Any) -> None:
        if isinstance(value, Morsel):
            dict.__setitem__(self, key, value)
            return
        real, coded = self.value_encode(value)
        morsel = self.get(key)
        if morsel is None:
            morsel = _Morsel()
        morsel.set(key, real, coded)  # CookieError for an illegal or reserved name
        dict.__setitem__(self, key, morsel)


def set_cookie(
    cookies: ResponseCookies,
    name: str,
    value: str,
    *,
    expires: str | None = None,
    domain: str | None = None,
    max_age: int | str | None = None,
    path: str = "/",
    secure: bool | None = None,
    httponly: bool | None = None,
    version: str | None = None,
    samesite: str | None = None,
    partitioned: bool | None = None,
) -> None:
    """``StreamResponse.set_cookie``: add ``name`` to ``cookies`` or update it."""
    if not isinstance(value, str):
        raise TypeError(f"cookie value must be str, not {type(value).__name__}")
    # Everything is checked before the cookie changes: no half-updated cookie.
    _encodable(value, "value")  # SimpleCookie quotes and escapes what needs it
    attributes = {"expires": expires, "domain": domain, "path": path, "version": version}
    attributes["samesite"] = samesite
    for what, item in attributes.items():
        if item is not None:
            _check(item, what)
    age = "" if max_age is None else str(int(max_age))
    try:
        cookies[name] = value
    except CookieError as exc:
        raise InvalidCookie(f"invalid cookie name {name!r}: {exc}") from None
    morsel = cookies[name]
    if expires is not None:
        morsel["expires"] = expires
    elif morsel.get("expires") == _EXPIRED:
        morsel["expires"] = ""
    if domain is not None:
        morsel["domain"] = domain
    morsel["max-age"] = age
    morsel["path"] = path
    if secure is not None:
        morsel["secure"] = secure
    if httponly is not None:
        morsel["httponly"] = httponly
    if version is not None:
        morsel["version"] = version
    if samesite is not None:
        morsel["samesite"] = samesite
    if partitioned is not None:
        morsel["partitioned"] = partitioned


def del_cookie(
    cookies: ResponseCookies,
    name: str,
    *,
    domain: str | None = None,
    path: str = "/",
    secure: bool | None = None,
    httponly: bool | None = None,
    samesite: str | None = None,
) -> None:
    """``StreamResponse.del_cookie``: a fresh, expired, empty cookie named ``name``."""
    cookies.pop(name, None)
    set_cookie(
        cookies,
        name,
        "",
        expires=_EXPIRED,
        max_age=0,
        domain=domain,
        path=path,
        secure=secure,
        httponly=httponly,
        samesite=samesite,
    )


def render_cookie(morsel: Morsel[str]) -> str:
    """The Set-Cookie value; text beyond Latin-1 goes out as UTF-8, as aiohttp sends it.

    SimpleCookie escapes every Latin-1 character it quotes, but leaves wider
    ones as they are; the head is written as Latin-1, so those are passed as
    their UTF-8 bytes (a request's headers are read as UTF-8: they come back
    unchanged).
    """
    text = morsel.OutputString()
    if text.isascii():
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("latin-1")
    except UnicodeEncodeError:
        raise InvalidCookie(f"cookie {morsel.key!r} cannot be encoded") from None


def _check(value: str, what: str) -> None:
    """Refuse an attribute that would split the header or smuggle another attribute in."""
    if any(c in value for c in "\r\n;\x00"):
        raise InvalidCookie(f"cookie {what} {value!r} contains a forbidden character")
    _encodable(value, what)


def _encodable(value: str, what: str) -> None:
    try:
        value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raise InvalidCookie(f"cookie {what} {value!r} cannot be encoded") from None
