"""permessage-deflate (RFC 7692): offer/response negotiation and the per-message codec.

Rules:
- A server declines (answers without the extension) any offer it cannot honour:
  unknown or duplicate parameters, invalid values, malformed syntax. It accepts
  the first acceptable offer and answers with exactly one.
- A client fails the handshake on a response it did not ask for: unknown
  extensions, unknown or duplicate parameters, a window larger than offered,
  ``client_max_window_bits`` when not offered.
- zlib cannot compress with an 8-bit raw window; when the peer limits our window
  to 8 bits, we accept and simply send every message uncompressed (RSV1 is per
  message, so this is always allowed). Inflating always uses a 15-bit window,
  which reads data made with any smaller window.
- Inflated output is bounded while inflating (``max_length``), never after.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from ._errors import WebSocketError, WSServerHandshakeError
from ._types import WSCloseCode

__all__ = [
    "DeflateParams",
    "PerMessageDeflate",
    "client_deflate_offer",
    "client_accept_deflate",
    "parse_extensions",
    "server_negotiate_deflate",
]

EXTENSION_NAME = "permessage-deflate"

_TCHARS = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED = r'"(?:[^"\\\r\n]|\\[^\r\n])*"'
_NAME_RE = re.compile(rf"[ \t]*({_TCHARS})[ \t]*")
_PARAM_RE = re.compile(rf";[ \t]*({_TCHARS})(?:[ \t]*=[ \t]*({_TCHARS}|{_QUOTED}))?[ \t]*")
_SEP_RE = re.compile(r"[ \t]*,[ \t]*")
_BITS_RE = re.compile(r"(?:[89]|1[0-5])")
_SYNC_TAIL = b"\x00\x00\xff\xff"

Extension = tuple[str, list[tuple[str, str | None]]]


def parse_extensions(value: str) -> list[Extension]:
    """Parse a ``Sec-WebSocket-Extensions`` value; ValueError on bad syntax.

    Names and parameter names are lower-cased; quoted values are unquoted.
    """
    result: list[Extension] = []
    pos = 0
    end = len(value)
    while pos < end:
        sep = _SEP_RE.match(value, pos)
        if sep is not None:  # empty list elements are allowed (RFC 9110 section 5.6.1)
            pos = sep.end()
            continue
        name = _NAME_RE.match(value, pos)
        if name is None:
            raise ValueError(f"invalid extension list at offset {pos}: {value!r}")
        pos = name.end()
        params: list[tuple[str, str | None]] = []
        while (param := _PARAM_RE.match(value, pos)) is not None:
            raw = param.group(2)
            if raw is not None and raw.startswith('"'):
                raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
            params.append((param.group(1).lower(), raw))
            pos = param.end()
        if pos < end and value[pos] != ",":
            raise ValueError(f"invalid extension list at offset {pos}: {value!r}")
        result.append((name.group(1).lower(), params))
    return result


@dataclass(frozen=True, slots=True)
class DeflateParams:
    """Agreed permessage-deflate parameters (``None`` window: not limited, 15 bits)."""

    server_no_context_takeover: bool = False
    client_no_context_takeover: bool = False
    server_max_window_bits: int | None = None
    client_max_window_bits: int | None = None

    def response_value(self) -> str:
        """The ``Sec-WebSocket-Extensions`` value a server answers with."""
        parts = [EXTENSION_NAME]
        if self.server_no_context_takeover:
            parts.append("server_no_context_takeover")
        if self.client_no_context_takeover:
            parts.append("client_no_context_takeover")
        if self.server_max_window_bits is not None:
            parts.append(f"server_max_window_bits={self.server_max_window_bits}")
        if self.client_max_window_bits is not None:
            parts.append(f"client_max_window_bits={self.client_max_window_bits}")
        return "; ".join(parts)


def _server_accept(
    params: list[tuple[str, str | None]], *, no_context_takeover: bool
) -> DeflateParams | None:
    seen: set[str] = set()
    server_nct = no_context_takeover
    client_nct = False
    server_bits: int | None = None
    for name, value in params:
        if name in seen:
            return None
        seen.add(name)
        if name == "server_no_context_takeover" and value is None:
            server_nct = True
        elif name == "client_no_context_takeover" and value is None:
            client_nct = True
        elif name == "server_max_window_bits" and value is not None:
            if not _BITS_RE.fullmatch(value):
                return None
            server_bits = int(value)
        elif name == "client_max_window_bits":
            # We inflate with a 15-bit window, so we never need to limit the client.
            if value is not None and not _BITS_RE.fullmatch(value):
                return None
        else:
            return None
    return DeflateParams(
        server_no_context_takeover=server_nct,
        client_no_context_takeover=client_nct,
        server_max_window_bits=server_bits,
    )


def server_negotiate_deflate(
    header: str | None, *, no_context_takeover: bool = False
) -> DeflateParams | None:
    """Accept the first acceptable permessage-deflate offer in ``header``, or ``None``.

    ``no_context_takeover`` makes the server reset its compressor per message
    even when the client did not ask for it (saves memory per connection).
    """
    if not header:
        return None
    try:
        offers = parse_extensions(header)
    except ValueError:
        return None
    for name, params in offers:
        if name != EXTENSION_NAME:
            continue
        accepted = _server_accept(params, no_context_takeover=no_context_takeover)
        if accepted is not None:
            return accepted
    return None


def client_deflate_offer(
    *, server_max_window_bits: int = 15, client_no_context_takeover: bool = False
) -> str:
    """The ``Sec-WebSocket-Extensions`` offer a client sends."""
    if not 8 <= server_max_window_bits <= 15:
        raise ValueError("window bits must be in 8..15")
    parts = [EXTENSION_NAME, "client_max_window_bits"]
    if server_max_window_bits < 15:
        parts.append(f"server_max_window_bits={server_max_window_bits}")
    if client_no_context_takeover:
        parts.append("client_no_context_takeover")
    return "; ".join(parts)


def client_accept_deflate(
    header: str | None,
    *,
    server_max_window_bits: int = 15,
    client_no_context_takeover: bool = False,
) -> DeflateParams | None:
    """Check a server's ``Sec-WebSocket-Extensions`` answer to our offer.

    Raises WSServerHandshakeError when the answer is not one we may accept.
    """
    if not header:
        return None
    try:
        extensions = parse_extensions(header)
    except ValueError as exc:
        raise WSServerHandshakeError(f"invalid Sec-WebSocket-Extensions: {exc}") from None
    if not extensions:
        return None
    if len(extensions) != 1 or extensions[0][0] != EXTENSION_NAME:
        names = ", ".join(name for name, _ in extensions)
        raise WSServerHandshakeError(f"server accepted extensions we did not offer: {names}")
    seen: set[str] = set()
    values: dict[str, int | None] = {}
    for name, value in extensions[0][1]:
        if name in seen:
            raise WSServerHandshakeError(f"duplicate permessage-deflate parameter {name}")
        seen.add(name)
        if name in ("server_no_context_takeover", "client_no_context_takeover"):
            if value is not None:
                raise WSServerHandshakeError(f"{name} takes no value")
            values[name] = None
        elif name in ("server_max_window_bits", "client_max_window_bits"):
            if value is None or not _BITS_RE.fullmatch(value):
                raise WSServerHandshakeError(f"invalid {name} value: {value!r}")
            values[name] = int(value)
        else:
            raise WSServerHandshakeError(f"unknown permessage-deflate parameter {name}")
    server_bits = values.get("server_max_window_bits")
    if server_bits is not None and server_bits > server_max_window_bits:
        raise WSServerHandshakeError("server_max_window_bits larger than offered")
    if server_bits is None and server_max_window_bits < 15:
        raise WSServerHandshakeError("server ignored our server_max_window_bits")
    return DeflateParams(
        server_no_context_takeover="server_no_context_takeover" in values,
        client_no_context_takeover=client_no_context_takeover
        or "client_no_context_takeover" in values,
        server_max_window_bits=server_bits,
        client_max_window_bits=values.get("client_max_window_bits"),
    )


class PerMessageDeflate:
    """Compressor for the messages we send and bounded inflater for those we receive."""

    __slots__ = ("_compressor", "_decompressor", "_flush_mode", "_level", "_window_bits")

    def __init__(self, params: DeflateParams, *, is_client: bool, level: int = 6) -> None:
        if is_client:
            bits = params.client_max_window_bits
            no_takeover = params.client_no_context_takeover
        else:
            bits = params.server_max_window_bits
            no_takeover = params.server_no_context_takeover
        self._window_bits = 15 if bits is None else bits
        # A full flush resets the LZ77 dictionary: no context takeover without a new object.
        self._flush_mode = zlib.Z_FULL_FLUSH if no_takeover else zlib.Z_SYNC_FLUSH
        self._level = level
        self._compressor: zlib._Compress | None = None
        self._decompressor = zlib.decompressobj(wbits=-15)

    @property
    def can_compress(self) -> bool:
        """False when the peer limited our window to 8 bits, which zlib cannot produce."""
        return self._window_bits >= 9

    def compress(self, data: bytes) -> bytes:
        """The payload of one compressed message (without the ``00 00 ff ff`` tail)."""
        compressor = self._compressor
        if compressor is None:
            compressor = self._compressor = zlib.compressobj(
                self._level, zlib.DEFLATED, -self._window_bits
            )
        out = compressor.compress(data) + compressor.flush(self._flush_mode)
        if out.endswith(_SYNC_TAIL):
            return out[:-4]
        return out  # pragma: no cover - zlib always ends a flush with an empty stored block

    def decompress(self, data: bytes, fin: bool, limit: int | None) -> bytes:
        """Inflate one frame's payload: at most ``limit`` bytes (None: no limit), else 1009."""
        if fin:
            data += _SYNC_TAIL
        decompressor = self._decompressor
        try:
            if limit is not None:
                out = decompressor.decompress(data, limit + 1)
                if len(out) > limit:
                    raise WebSocketError(
                        WSCloseCode.MESSAGE_TOO_BIG,
                        f"Decompressed message exceeds the limit of {limit} bytes",
                    )
            else:
                out = decompressor.decompress(data)
        except zlib.error as exc:
            raise WebSocketError(
                WSCloseCode.PROTOCOL_ERROR, f"Invalid permessage-deflate data: {exc}"
            ) from None
        return out
