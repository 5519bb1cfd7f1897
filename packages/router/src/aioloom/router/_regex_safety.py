"""Can a variable's regex match a ``/``?  Used only to pick the fast index path.

The answer ``False`` must be a proof: the index then assumes the variable stays
inside one path segment. Anything we do not understand (lookarounds, anchors,
back-references, unknown opcodes, a missing ``re._parser``) answers ``True`` and
the resource is checked by its full regex instead, which is always correct.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from types import ModuleType

__all__ = ["may_match_slash"]

_SLASH = ord("/")


def _parser() -> ModuleType | None:
    try:
        return importlib.import_module("re._parser")
    except ImportError:  # pragma: no cover - every supported CPython has it
        return None


_PARSER = _parser()
_SAFE_CATEGORIES = frozenset({"CATEGORY_DIGIT", "CATEGORY_WORD", "CATEGORY_SPACE"})


def _class_has_slash(items: Iterable[tuple[object, object]]) -> bool | None:
    """True/False when the set of a ``[...]`` class surely does/does not hold '/'."""
    found = False
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            continue
        if name == "LITERAL":
            found = found or arg == _SLASH
        elif name == "RANGE":
            if not isinstance(arg, tuple):
                return None
            low, high = arg
            found = found or (low <= _SLASH <= high)
        elif name == "CATEGORY":
            if str(arg) not in _SAFE_CATEGORIES:
                return None
        else:
            return None
    return found


def _unsafe(tokens: Iterable[tuple[object, object]]) -> bool:
    for op, arg in tokens:
        name = str(op)
        if name == "LITERAL":
            if arg == _SLASH:
                return True
        elif name == "NOT_LITERAL":
            if arg != _SLASH:
                return True
        elif name == "IN":
            if not isinstance(arg, list):
                return True
            negated = any(str(item[0]) == "NEGATE" for item in arg)
            has_slash = _class_has_slash(arg)
            if has_slash is None or has_slash != negated:
                return True
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            if not isinstance(arg, tuple) or _unsafe(arg[2]):
                return True
        elif name == "SUBPATTERN":
            if not isinstance(arg, tuple) or _unsafe(arg[3]):
                return True
        elif name == "ATOMIC_GROUP":
            if _unsafe(arg):  # type: ignore[arg-type]
                return True
        elif name == "BRANCH":
            if not isinstance(arg, tuple) or any(_unsafe(branch) for branch in arg[1]):
                return True
        else:
            return True  # ANY, AT, ASSERT, GROUPREF, CATEGORY outside a class, ...
    return False


def may_match_slash(regex: str) -> bool:
    """False only when ``regex`` provably never matches text containing ``/``."""
    if _PARSER is None:  # pragma: no cover
        return True
    try:
        parsed = _PARSER.parse(regex)
        return _unsafe(parsed)
    except Exception:  # any surprise means "not provably safe"
        return True
