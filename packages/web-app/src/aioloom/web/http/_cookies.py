"""Set-Cookie values for responses."""

from __future__ import annotations

from http.cookies import Morsel, SimpleCookie

__all__ = ["make_morsel", "render_cookie"]

_EXPIRED = "Thu, 01 Jan 1970 00:00:00 GMT"


def make_morsel(
    name: str,
    value: str,
    *,
    expires: str | None = None,
    domain: str | None = None,
    max_age: int | str | None = None,
    path: str = "/",
    secure: bool | None = None,
    httponly: bool | None = None,
    samesite: str | None = None,
    partitioned: bool | None = None,
) -> Morsel[str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar[name] = value
    except Exception as exc:  # http.cookies.CookieError
        raise ValueError(f"invalid cookie name or value: {name!r}") from exc
    morsel = jar[name]
    for key, item in (("expires", expires), ("domain", domain), ("samesite", samesite)):
        if item is not None:
            _check(item, key)
            morsel[key] = item
    if max_age is not None:
        morsel["max-age"] = str(int(max_age))
    if path:
        _check(path, "path")
        morsel["path"] = path
    if secure:
        morsel["secure"] = True
    if httponly:
        morsel["httponly"] = True
    if partitioned:
        # Morsel knows "partitioned" only from Python 3.14; keep it beside.
        morsel.__dict__["_aioloom_partitioned"] = True
    return morsel


def expired_morsel(
    name: str,
    *,
    domain: str | None,
    path: str,
    secure: bool | None = None,
    httponly: bool | None = None,
    samesite: str | None = None,
) -> Morsel[str]:
    """A cookie that tells the client to drop ``name`` now."""
    return make_morsel(
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
    text = morsel.OutputString()
    if morsel.__dict__.get("_aioloom_partitioned"):
        text += "; Partitioned"
    return text


def _check(value: str, what: str) -> None:
    if any(c in value for c in "\r\n;\x00"):
        raise ValueError(f"cookie {what} {value!r} contains a forbidden character")
