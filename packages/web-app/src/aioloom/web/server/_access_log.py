"""Access logging with aiohttp's format directives, and aiohttp's record ``extra``.

Each record's ``extra`` holds every value of the line under aiohttp's names
(``remote_address``, ``first_request_line``, ``request_header``: {name: value},
...), so a JSON or structured log handler can use them without parsing the line.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import time as time_mod
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from ..http._request import BaseRequest
from ..http._stream_response import StreamResponse

__all__ = ["AbstractAccessLogger", "AccessLogger", "access_logger"]

access_logger = logging.getLogger("aioloom.access")

# (request, response, seconds) -> the value; request and response may be None
# (a logger called directly, as aiohttp's may be), so each directive copes.
_Value = Callable[[Any, Any, float], Any]
_DIRECTIVE = re.compile(r"%(\{([A-Za-z0-9\-_]+)\}([ioe])|[atPrsbOD]|Tf?|%)")

# The record's ``extra`` key of each directive (aiohttp's names, and two of ours).
_EXTRA_KEYS = {
    "a": "remote_address",
    "t": "request_start_time",
    "P": "process_id",
    "r": "first_request_line",
    "s": "response_status",
    "b": "response_size",
    "O": "response_size",
    "T": "request_time",
    "Tf": "request_time_frac",
    "D": "request_time_micro",
    "i": "request_header",
    "o": "response_header",
    "e": "environment_variable",
}


class AbstractAccessLogger(ABC):
    """Subclass and implement ``log`` to write access lines your way."""

    def __init__(self, logger: logging.Logger, log_format: str) -> None:
        self.logger = logger
        self.log_format = log_format

    @abstractmethod
    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        """Record one answered request; ``time`` is the handling time in seconds."""

    @property
    def enabled(self) -> bool:
        """Whether ``log`` is called at all: always, unless a subclass says otherwise
        (aiohttp's default, so a custom logger runs whatever the logger's level)."""
        return True


class AccessLogger(AbstractAccessLogger):
    """Formats lines with ``%a %t %P %r %s %b %T %Tf %D %{H}i %{H}o %{V}e %%``."""

    LOG_FORMAT = '%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"'

    def __init__(self, logger: logging.Logger, log_format: str = LOG_FORMAT) -> None:
        super().__init__(logger, log_format)
        self._pieces = self._compile(log_format)

    @staticmethod
    def _compile(log_format: str) -> list[str | tuple[str, str | None, _Value]]:
        """Literal text, and (extra key, header or variable name, value) per directive."""
        pieces: list[str | tuple[str, str | None, _Value]] = []
        position = 0
        for match in _DIRECTIVE.finditer(log_format):
            if match.start() > position:
                pieces.append(log_format[position : match.start()])
            position = match.end()
            directive = match.group(1)
            if directive == "%":
                pieces.append("%")
            elif match.group(2) is not None:
                name, kind = match.group(2), match.group(3)
                pieces.append((_EXTRA_KEYS[kind], name, _named(kind, name)))
            else:
                pieces.append((_EXTRA_KEYS[directive], None, _SIMPLE[directive]))
        if position < len(log_format):
            pieces.append(log_format[position:])
        return pieces

    @property
    def enabled(self) -> bool:
        """Formatting is skipped while the logger would drop INFO records."""
        return self.logger.isEnabledFor(logging.INFO)

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        try:
            parts: list[str] = []
            extra: dict[str, Any] = {}
            for piece in self._pieces:
                if isinstance(piece, str):
                    parts.append(piece)
                    continue
                key, name, value_of = piece
                value = value_of(request, response, time)
                parts.append(str(value))
                if name is None:
                    extra[key] = value
                else:
                    extra.setdefault(key, {})[name] = value
            self.logger.info("".join(parts), extra=extra)
        except Exception:
            # A line that cannot be made (a broken custom request object, say)
            # must not fail the request it describes.
            self.logger.exception("Error in logging")


def _named(kind: str, name: str) -> _Value:
    if kind == "i":
        return lambda req, resp, t: "(no headers)" if req is None else req.headers.get(name, "-")
    if kind == "o":
        return lambda req, resp, t: resp.headers.get(name, "-")
    return lambda req, resp, t: os.environ.get(name, "-")


def _remote(request: Any) -> str:
    if request is None:
        return "-"
    ip = request.remote
    return "-" if ip is None else str(ip)  # a Unix socket's peer is "" and logs so


def _first_line(request: Any) -> str:
    if request is None:
        return "-"
    version = request.version
    return f"{request.method} {request.path_qs} HTTP/{version.major}.{version.minor}"


def _start_time(request: Any, response: Any, elapsed: float) -> str:
    """When the request started, in the local time zone (its current UTC offset)."""
    offset = datetime.timedelta(seconds=time_mod.localtime().tm_gmtoff)
    started = datetime.datetime.now(datetime.timezone(offset)) - datetime.timedelta(seconds=elapsed)
    return started.strftime("[%d/%b/%Y:%H:%M:%S %z]")


_SIMPLE: dict[str, _Value] = {
    "a": lambda req, resp, t: _remote(req),
    "t": _start_time,
    "P": lambda req, resp, t: f"<{os.getpid()}>",
    "r": lambda req, resp, t: _first_line(req),
    "s": lambda req, resp, t: resp.status,
    "b": lambda req, resp, t: resp.body_length,
    "O": lambda req, resp, t: resp.body_length,
    "T": lambda req, resp, t: str(round(t)),
    "Tf": lambda req, resp, t: f"{t:06f}",
    "D": lambda req, resp, t: str(round(t * 1_000_000)),
}
