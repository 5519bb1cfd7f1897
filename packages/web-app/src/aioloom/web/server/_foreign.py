"""Explain a handler failure caused by aiohttp's own server objects.

An aiohttp.web application moved to aioloom by changing only its import can
still meet aiohttp's classes through its extensions: a returned aiohttp
``Response`` (the server then fails on a missing attribute), a raised aiohttp
``HTTPException`` (not aioloom's, so not turned into its answer), an aiohttp
``AppKey`` (never found in an aioloom app). Only the error path calls this, so
the normal path pays nothing; aiohttp is recognised by its classes' module name
and never imported.
"""

from __future__ import annotations

__all__ = ["explain"]

_FIX = (
    "; aiohttp's server objects (from aiohttp.web or an aiohttp extension) need "
    "aioloom-aiohttp-compat: install it and call aioloom.aiohttp_compat.install() before "
    "the application imports aiohttp (see 'Migrating from aiohttp' in aioloom's docs)"
)


def _aiohttp_type(obj: object) -> str | None:
    cls = type(obj)
    module = cls.__module__
    if module == "aiohttp" or module.startswith("aiohttp."):
        return f"{module}.{cls.__qualname__}"
    return None


def explain(exc: BaseException) -> str:
    """``": <cause and fix>"`` when aiohttp's objects caused ``exc``, else ``""``."""
    found = _aiohttp_type(exc)
    if found is not None and any(c.__name__ == "HTTPException" for c in type(exc).__mro__):
        return f": the handler raised aiohttp's {found}, not an aioloom.web exception{_FIX}"
    if isinstance(exc, AttributeError):
        found = _aiohttp_type(exc.obj)
        if found is not None:
            return f": the handler returned aiohttp's {found}, not an aioloom.web response{_FIX}"
    if isinstance(exc, KeyError) and exc.args:
        found = _aiohttp_type(exc.args[0])
        if found is not None and found.endswith("AppKey"):
            return f": an aiohttp {found} was looked up in an aioloom.web app{_FIX}"
    return ""
