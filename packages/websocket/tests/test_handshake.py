"""Opening handshake (RFC 6455 section 4): what Autobahn does not test."""

import base64

import pytest

from aioloom.websocket import (
    ClientAccepted,
    DeflateParams,
    HandshakeError,
    UnsupportedVersion,
    WSServerHandshakeError,
    accept_token,
    client_handshake,
    server_handshake,
)

KEY = "dGhlIHNhbXBsZSBub25jZQ=="


class CIHeaders:
    """Case-insensitive, multi-valued headers with ``getall`` (like a multidict)."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._items = items

    def get(self, key: str, /) -> str | None:
        values = self.getall(key, [])
        return values[0] if values else None

    def getall(self, key: str, default: list[str]) -> list[str]:
        found = [v for k, v in self._items if k.lower() == key.lower()]
        return found or default


def request(**overrides: str | None) -> CIHeaders:
    headers = {
        "Host": "example.com",
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": KEY,
        "Sec-WebSocket-Version": "13",
    }
    for name, value in overrides.items():
        name = name.replace("_", "-")
        if value is None:
            headers.pop(name, None)
        else:
            headers[name] = value
    return CIHeaders(list(headers.items()))


def test_accept_token_rfc_example() -> None:
    assert accept_token(KEY) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_valid_request() -> None:
    result = server_handshake("GET", request())
    assert result.key == KEY
    assert result.protocol is None
    assert result.deflate is None
    assert dict(result.headers) == {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Accept": "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
    }


def test_get_only() -> None:
    with pytest.raises(HandshakeError, match="needs GET") as info:
        server_handshake("POST", request())
    assert info.value.status == 405
    assert ("Allow", "GET") in info.value.headers


def test_http_1_0_rejected() -> None:
    with pytest.raises(HandshakeError, match=r"HTTP/1\.1") as info:
        server_handshake("GET", request(), http_version=(1, 0))
    assert info.value.status == 400


@pytest.mark.parametrize("value", ["websocket", "WebSocket", "WEBSOCKET", "foo, websocket"])
def test_upgrade_any_case(value: str) -> None:
    server_handshake("GET", request(Upgrade=value))


@pytest.mark.parametrize("value", [None, "", "h2c", "websockets"])
def test_upgrade_missing_or_wrong(value: str | None) -> None:
    with pytest.raises(HandshakeError, match="Upgrade header") as info:
        server_handshake("GET", request(Upgrade=value))
    assert info.value.status == 400
    assert not isinstance(info.value, UnsupportedVersion)


@pytest.mark.parametrize("value", ["Upgrade", "upgrade", "keep-alive, Upgrade", "UPGRADE , x"])
def test_connection_token_list(value: str) -> None:
    server_handshake("GET", request(Connection=value))


def test_connection_in_repeated_header_lines() -> None:
    headers = request(Connection="keep-alive")
    headers._items.append(("connection", "upgrade"))
    server_handshake("GET", headers)


@pytest.mark.parametrize("value", [None, "keep-alive", "upgrades", "close"])
def test_connection_missing_upgrade(value: str | None) -> None:
    with pytest.raises(HandshakeError, match="Connection header") as info:
        server_handshake("GET", request(Connection=value))
    assert info.value.status == 400


@pytest.mark.parametrize("value", [None, "8", "12", "14", "13, 8", ""])
def test_wrong_version_is_426_with_version_header(value: str | None) -> None:
    with pytest.raises(UnsupportedVersion, match="Sec-WebSocket-Version") as info:
        server_handshake("GET", request(Sec_WebSocket_Version=value))
    assert info.value.status == 426
    assert info.value.headers == (("Sec-WebSocket-Version", "13"),)


@pytest.mark.parametrize(
    "key",
    [
        None,
        "",
        "short",
        base64.b64encode(b"x" * 15).decode(),
        base64.b64encode(b"x" * 17).decode(),
        "dGhlIHNhbXBsZSBub25jZQ",
        "dGhlIHNhbXBsZSBub25jZQ=!",
        "!GhlIHNhbXBsZSBub25jZQ==",
    ],
)
def test_bad_key(key: str | None) -> None:
    with pytest.raises(HandshakeError, match="Sec-WebSocket-Key") as info:
        server_handshake("GET", request(Sec_WebSocket_Key=key))
    assert info.value.status == 400


def test_subprotocol_client_order_wins() -> None:
    headers = request(Sec_WebSocket_Protocol="chat.v2, chat.v1")
    result = server_handshake("GET", headers, protocols=("chat.v1", "chat.v2"))
    assert result.protocol == "chat.v2"
    assert ("Sec-WebSocket-Protocol", "chat.v2") in result.headers


def test_subprotocol_no_overlap_means_none() -> None:
    headers = request(Sec_WebSocket_Protocol="other")
    result = server_handshake("GET", headers, protocols=("chat",))
    assert result.protocol is None
    assert all(name != "Sec-WebSocket-Protocol" for name, _ in result.headers)


def test_origin_policy() -> None:
    allowed = {"https://good.example"}
    server_handshake("GET", request(Origin="https://good.example"), origins=allowed)
    with pytest.raises(HandshakeError, match="Origin") as info:
        server_handshake("GET", request(Origin="https://evil.example"), origins=allowed)
    assert info.value.status == 403
    with pytest.raises(HandshakeError, match="Origin"):
        server_handshake("GET", request(), origins=allowed)


def test_deflate_negotiated_and_declined() -> None:
    headers = request(Sec_WebSocket_Extensions="permessage-deflate; client_max_window_bits")
    result = server_handshake("GET", headers)
    assert result.deflate == DeflateParams()
    assert ("Sec-WebSocket-Extensions", "permessage-deflate") in result.headers
    assert server_handshake("GET", headers, compress=False).deflate is None
    bad = request(Sec_WebSocket_Extensions="permessage-deflate; bogus")
    assert server_handshake("GET", bad).deflate is None


def test_plain_mapping_headers_work() -> None:
    headers = {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": KEY,
        "Sec-WebSocket-Version": "13",
    }
    assert server_handshake("GET", headers).key == KEY


# -- client side -------------------------------------------------------------


def test_client_request_headers() -> None:
    hs = client_handshake(protocols=("a", "b"), origin="http://x")
    headers = dict(hs.headers)
    assert len(base64.b64decode(headers["Sec-WebSocket-Key"])) == 16
    assert headers["Sec-WebSocket-Version"] == "13"
    assert headers["Sec-WebSocket-Protocol"] == "a, b"
    assert headers["Sec-WebSocket-Extensions"] == "permessage-deflate; client_max_window_bits"
    assert headers["Origin"] == "http://x"
    assert client_handshake().key != client_handshake().key
    assert "Sec-WebSocket-Extensions" not in dict(client_handshake(compress=0).headers)


def test_client_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="subprotocol"):
        client_handshake(protocols=("bad name",))
    with pytest.raises(ValueError, match="compress"):
        client_handshake(compress=7)


def test_client_and_server_agree() -> None:
    hs = client_handshake(protocols=("chat",))
    server = server_handshake("GET", CIHeaders(list(hs.headers)), protocols=("chat",))
    accepted = hs.verify(101, CIHeaders(list(server.headers)))
    assert accepted == ClientAccepted("chat", server.deflate)
    assert accepted.deflate == DeflateParams()


def response(hs_key: str, **overrides: str | None) -> CIHeaders:
    headers = {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Accept": accept_token(hs_key),
    }
    for name, value in overrides.items():
        name = name.replace("_", "-")
        if value is None:
            headers.pop(name, None)
        else:
            headers[name] = value
    return CIHeaders(list(headers.items()))


@pytest.mark.parametrize(
    ("status", "overrides", "match"),
    [
        (200, {}, "Expected HTTP 101"),
        (101, {"Upgrade": None}, "Upgrade"),
        (101, {"Connection": "keep-alive"}, "Connection"),
        (101, {"Sec_WebSocket_Accept": "wrong"}, "Sec-WebSocket-Accept"),
        (101, {"Sec_WebSocket_Accept": None}, "Sec-WebSocket-Accept"),
        (101, {"Sec_WebSocket_Protocol": "other"}, "subprotocol"),
        (101, {"Sec_WebSocket_Extensions": "x-foo"}, "did not offer"),
    ],
)
def test_client_verify_failures(status: int, overrides: dict[str, str | None], match: str) -> None:
    hs = client_handshake(protocols=("chat",))
    with pytest.raises(WSServerHandshakeError, match=match) as info:
        hs.verify(status, response(hs.key, **overrides))
    assert info.value.status == status


def test_client_without_compression_rejects_extension() -> None:
    hs = client_handshake(compress=0)
    with pytest.raises(WSServerHandshakeError, match="did not offer"):
        hs.verify(101, response(hs.key, Sec_WebSocket_Extensions="permessage-deflate"))
