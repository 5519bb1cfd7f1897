"""CookieJar: the client's cookies across requests, with aiohttp's ``CookieJar`` methods."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from http.cookiejar import Cookie
from http.cookies import Morsel, SimpleCookie

import httpx
from yarl import URL

__all__ = ["CookieJar"]


def _morsel(cookie: Cookie) -> Morsel[str]:
    morsel: Morsel[str] = Morsel()
    value = cookie.value or ""
    morsel.set(cookie.name, value, value)
    morsel["domain"] = cookie.domain
    morsel["path"] = cookie.path
    if cookie.secure:
        morsel["secure"] = True
    if cookie.expires is not None:
        morsel["expires"] = str(cookie.expires)
    return morsel


class CookieJar:
    """A view of the test client's cookies (shared with its httpx client).

    Cookies set by responses are stored and sent back on later requests to the
    same server; iterate the jar for ``Morsel`` objects as with aiohttp's.
    """

    def __init__(self, cookies: httpx.Cookies) -> None:
        self._cookies = cookies

    @property
    def httpx_cookies(self) -> httpx.Cookies:
        return self._cookies

    def __iter__(self) -> Iterator[Morsel[str]]:
        return (_morsel(cookie) for cookie in self._cookies.jar)

    def __len__(self) -> int:
        return len(self._cookies.jar)

    def __contains__(self, name: object) -> bool:
        return any(cookie.name == name for cookie in self._cookies.jar)

    def clear(self, predicate: Callable[[Morsel[str]], bool] | None = None) -> None:
        """Remove every cookie, or those for which ``predicate(morsel)`` is true."""
        if predicate is None:
            self._cookies.clear()
            return
        for cookie in list(self._cookies.jar):
            if predicate(_morsel(cookie)):
                self._cookies.jar.clear(cookie.domain, cookie.path, cookie.name)

    def update_cookies(
        self, cookies: Mapping[str, str | Morsel[str]], response_url: URL | str = ""
    ) -> None:
        """Add cookies as if ``response_url``'s server had set them (any host when empty)."""
        host = URL(response_url).host or ""
        if host and "." not in host and host != "localhost":
            host += ".local"  # the stdlib cookie jar's rule for dotless hosts
        for name, value in cookies.items():
            if isinstance(value, Morsel):
                path = value["path"] or "/"
                self._cookies.set(name, value.value, domain=value["domain"] or host, path=path)
            else:
                self._cookies.set(name, value, domain=host)

    def filter_cookies(self, request_url: URL | str) -> SimpleCookie:
        """The cookies a request to ``request_url`` would carry."""
        request = httpx.Request("GET", str(request_url))
        self._cookies.set_cookie_header(request)
        found: SimpleCookie = SimpleCookie()
        header = request.headers.get("Cookie")
        if header:
            found.load(header)
        return found

    def __repr__(self) -> str:
        return f"<CookieJar {[cookie.name for cookie in self._cookies.jar]!r}>"
