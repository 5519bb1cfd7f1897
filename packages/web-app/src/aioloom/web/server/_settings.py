"""The connection knobs: every keyword ``web.Server``, ``AppRunner`` and ``handler_args`` take.

Checked once, when the server is made (``runner.setup()``, ``run_app()``): an
unknown keyword or a value out of range is a ``TypeError``/``ValueError`` naming
it, before anything listens. Checking per connection, in the protocol factory,
would fail every accepted connection instead, silently.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["KNOBS", "validate_settings"]


@dataclass(frozen=True, slots=True)
class _Knob:
    kind: type | tuple[type, ...]
    check: Callable[[Any], bool]
    rule: str


def _number(minimum: float, *, integer: bool = False) -> _Knob:
    kind: tuple[type, ...] = (int,) if integer else (int, float)
    return _Knob(kind, lambda v: v >= minimum, f"a number >= {minimum}")


_FLAG = _Knob(bool, lambda v: True, "True or False")

# The keyword, what it must be. Names and meanings are aiohttp's (its RequestHandler),
# plus aioloom's own limits; the protocol's constructor takes exactly these.
KNOBS: Mapping[str, _Knob] = {
    "keepalive_timeout": _number(0),
    "read_header_timeout": _number(0),
    "tcp_keepalive": _FLAG,
    "max_line_size": _number(1, integer=True),
    "max_field_size": _number(1, integer=True),
    "max_headers": _number(1, integer=True),
    "max_remembered_head_size": _number(0, integer=True),
    "max_pipelined_requests": _number(1, integer=True),
    "lingering_time": _number(0),
    "lingering_bytes": _number(0, integer=True),
    "read_bufsize": _number(1, integer=True),
    "auto_decompress": _FLAG,
    "max_decompressed_size": _number(1, integer=True),
    "timeout_ceil_threshold": _number(0),
    # Any logger-like object (a Logger, a LoggerAdapter, a test double), as aiohttp.
    "logger": _Knob(
        object,
        lambda v: all(callable(getattr(v, m, None)) for m in ("debug", "error", "exception")),
        "a logger (debug, error and exception methods)",
    ),
    "handler_cancellation": _FLAG,
    "debug": _FLAG,
}


def validate_settings(
    settings: Mapping[str, Any], *, owner: str = "web.Server()"
) -> dict[str, Any]:
    """The settings to use; raises for an unknown knob or a value it cannot take.

    ``timeout_ceil_threshold`` is read as aiohttp reads it: None means the default
    and a numeric string its number.
    """
    normalized = dict(settings)
    threshold = normalized.get("timeout_ceil_threshold", 0.0)
    if threshold is None:
        del normalized["timeout_ceil_threshold"]
    elif isinstance(threshold, str):
        with contextlib.suppress(ValueError):  # else reported below, with the knob's rule
            normalized["timeout_ceil_threshold"] = float(threshold)
    for name, value in normalized.items():
        knob = KNOBS.get(name)
        if knob is None:
            known = ", ".join(sorted(KNOBS))
            raise TypeError(f"{owner} got an unexpected keyword argument {name!r} (known: {known})")
        # bool is an int: a number knob refuses it, a flag takes only it.
        is_bool = isinstance(value, bool)
        if (
            not isinstance(value, knob.kind)
            or (is_bool and knob is not _FLAG)
            or not knob.check(value)
        ):
            raise ValueError(f"{owner}: {name} must be {knob.rule}, not {value!r}")
    return normalized
