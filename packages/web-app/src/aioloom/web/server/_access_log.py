"""Access logging with aiohttp's format directives."""

from __future__ import annotations

import datetime
import logging
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Callable

from ..http._request import BaseRequest
from ..http._stream_response import StreamResponse

__all__ = ["AbstractAccessLogger", "AccessLogger", "access_logger"]

access_logger = logging.getLogger("aioloom.access")

_Piece = Callable[["BaseRequest", "StreamResponse", float], str]
_DIRECTIVE = re.compile(r"%(\{[A-Za-z0-9\-_]+\}([ioe])|[atPrsbOD]|Tf?|%)")


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
        return self.logger.isEnabledFor(logging.INFO)


class AccessLogger(AbstractAccessLogger):
    """Formats lines with ``%a %t %P %r %s %b %T %Tf %D %{H}i %{H}o %{V}e %%``."""

    LOG_FORMAT = '%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"'

    def __init__(self, logger: logging.Logger, log_format: str = LOG_FORMAT) -> None:
        super().__init__(logger, log_format)
        self._pieces = self._compile(log_format)

    @staticmethod
    def _compile(log_format: str) -> list[str | _Piece]:
        pieces: list[str | _Piece] = []
        position = 0
        for match in _DIRECTIVE.finditer(log_format):
            if match.start() > position:
                pieces.append(log_format[position : match.start()])
            pieces.append(_piece(match.group(1)))
            position = match.end()
        if position < len(log_format):
            pieces.append(log_format[position:])
        return pieces

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        line = "".join(
            piece if isinstance(piece, str) else piece(request, response, time)
            for piece in self._pieces
        )
        self.logger.info(line)


def _piece(directive: str) -> str | _Piece:
    if directive == "%":
        return "%"
    if directive.startswith("{"):
        name, kind = directive[1:-2], directive[-1]
        if kind == "i":
            return lambda req, resp, t: req.headers.get(name, "-")
        if kind == "o":
            return lambda req, resp, t: resp.headers.get(name, "-")
        return lambda req, resp, t: os.environ.get(name, "-")
    simple: dict[str, _Piece] = {
        "a": lambda req, resp, t: req.remote or "-",
        "t": lambda req, resp, t: (
            datetime.datetime.now(datetime.UTC).astimezone().strftime("[%d/%b/%Y:%H:%M:%S %z]")
        ),
        "P": lambda req, resp, t: f"<{os.getpid()}>",
        "r": lambda req, resp, t: (
            f"{req.method} {req.path_qs} HTTP/{req.version.major}.{req.version.minor}"
        ),
        "s": lambda req, resp, t: str(resp.status),
        "b": lambda req, resp, t: str(resp.body_length),
        "O": lambda req, resp, t: str(resp.body_length),
        "T": lambda req, resp, t: str(round(t)),
        "Tf": lambda req, resp, t: f"{t:06f}",
        "D": lambda req, resp, t: str(round(t * 1_000_000)),
    }
    return simple[directive]
