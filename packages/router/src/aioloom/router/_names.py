"""Validation of route names and HTTP methods at add time."""

from __future__ import annotations

import keyword
import re

__all__ = ["METH_ANY", "validate_method", "validate_route_name"]

METH_ANY = "*"
_METHOD = re.compile(r"[0-9A-Za-z!#$%&'*+\-.^_`|~]+", re.ASCII)
_NAME_SPLIT = re.compile(r"[.:-]")


def validate_method(method: str) -> str:
    """Upper-cased method; ``*`` means any. ValueError for anything not an HTTP token."""
    if not _METHOD.fullmatch(method):
        raise ValueError(f"{method!r} is not a valid HTTP method")
    return method.upper()


def validate_route_name(name: str) -> None:
    """A name is Python identifiers joined by ``.``, ``:`` or ``-`` (no keywords)."""
    if not isinstance(name, str):
        raise TypeError(f"route name must be str, got {type(name).__name__}")
    for part in _NAME_SPLIT.split(name):
        if keyword.iskeyword(part):
            raise ValueError(
                f"incorrect route name {name!r}: python keywords cannot be used in a route name"
            )
        if not part.isidentifier():
            raise ValueError(
                f"incorrect route name {name!r}: the name should be a sequence of python "
                "identifiers separated by dash, dot or colon"
            )
