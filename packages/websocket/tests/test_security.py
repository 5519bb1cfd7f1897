"""SECURITY-CHECKLIST.md, websocket lines (and the generic ones that apply here)."""

import ast
import struct
import zlib
from pathlib import Path

import pytest
from ws_testutil import frame

from aioloom.websocket import Connection as SansIOConnection
from aioloom.websocket import (
    DeflateParams,
    FrameReader,
    PerMessageDeflate,
    WebSocket,
    WSCloseCode,
    WSMsgType,
    connect,
)

SRC = Path(__file__).parents[1] / "src"


def _reader(max_msg_size: int, deflate: bool = False) -> FrameReader:
    codec = PerMessageDeflate(DeflateParams(), is_client=False) if deflate else None
    return FrameReader(is_client=False, max_msg_size=max_msg_size, deflate=codec)


def test_GHSA_xcgm_r5h9_7989_huge_announced_length_rejected_before_buffering() -> None:
    reader = _reader(4 * 1024 * 1024)
    header = struct.pack("!BBQ", 0x82, 0xFF, 2**62) + b"\x01\x02\x03\x04"
    msgs = reader.feed(header + b"x" * 1000)
    assert len(msgs) == 1
    assert msgs[0].type is WSMsgType.ERROR
    assert msgs[0].data.code == WSCloseCode.MESSAGE_TOO_BIG
    # Nothing was kept: no pending payload, no header tail, later input ignored.
    assert reader._pending is None
    assert reader._head == b""
    assert reader.feed(b"x" * 100000) == []
    assert reader._pending is None


def test_GHSA_xcgm_r5h9_7989_limit_checked_on_header_alone() -> None:
    reader = _reader(1024)
    header = struct.pack("!BBH", 0x82, 0xFE, 1025) + b"\x01\x02\x03\x04"
    msgs = reader.feed(header)  # no payload byte yet
    assert msgs[-1].data.code == WSCloseCode.MESSAGE_TOO_BIG


def test_GHSA_xcgm_r5h9_7989_queued_fragments_count_against_limit() -> None:
    reader = _reader(10_000)
    for _ in range(9):
        assert reader.feed(frame(2 if _ == 0 else 0, b"x" * 1000, fin=False)) == []
    msgs = reader.feed(frame(0, b"x" * 1001, fin=False)[:14])  # the header is enough
    assert msgs[-1].data.code == WSCloseCode.MESSAGE_TOO_BIG
    assert reader._bin_parts == []


def test_GHSA_xcgm_r5h9_7989_deflate_bomb_bounded_while_inflating() -> None:
    limit = 1024 * 1024
    bomb = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = bomb.compress(b"\x00" * (200 * 1024 * 1024)) + bomb.flush(zlib.Z_SYNC_FLUSH)
    payload = payload[:-4]
    assert len(payload) < 300_000  # small on the wire, 200 MiB inflated
    reader = _reader(limit, deflate=True)
    msgs = reader.feed(frame(2, payload, rsv=4))
    assert msgs[-1].type is WSMsgType.ERROR
    assert msgs[-1].data.code == WSCloseCode.MESSAGE_TOO_BIG


def test_GHSA_xcgm_r5h9_7989_deflate_output_of_fragments_bounded() -> None:
    stream = zlib.compressobj(6, zlib.DEFLATED, -15)
    part = stream.compress(b"a" * 600) + stream.flush(zlib.Z_SYNC_FLUSH)
    reader = _reader(1000, deflate=True)
    assert reader.feed(frame(1, part, fin=False, rsv=4)) == []
    more = (stream.compress(b"b" * 600) + stream.flush(zlib.Z_SYNC_FLUSH))[:-4]
    msgs = reader.feed(frame(0, more))
    assert msgs[-1].data.code == WSCloseCode.MESSAGE_TOO_BIG


def test_GHSA_xcgm_r5h9_7989_default_limit_is_4_mib() -> None:
    conn = SansIOConnection(is_client=False)
    header = struct.pack("!BBQ", 0x82, 0xFF, 4 * 1024 * 1024 + 1) + b"\x00" * 4
    assert conn.receive_data(header)[-1].data.code == 1009
    ok = SansIOConnection(is_client=False)
    header = struct.pack("!BBQ", 0x82, 0xFF, 4 * 1024 * 1024) + b"\x00" * 4
    assert ok.receive_data(header) == []


@pytest.mark.asyncio
async def test_GHSA_xcgm_r5h9_7989_server_answers_1009_and_closes() -> None:
    from ws_testutil import MemoryTransport

    transport = MemoryTransport()
    ws = WebSocket(transport, SansIOConnection(is_client=False, max_msg_size=100))
    ws.feed_data(struct.pack("!BBQ", 0x82, 0xFF, 2**40) + b"\x00" * 4)
    msg = await ws.receive()
    assert msg.type is WSMsgType.ERROR
    assert transport.written == [b"\x88\x02\x03\xf1"]
    assert ws.close_code == 1009
    assert transport.closing


def test_GHSA_jj3x_wxrx_4x23_no_assert_in_shipped_code() -> None:
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        asserts = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert)]
        assert not asserts, f"{path}: assert at lines {asserts}"


@pytest.mark.asyncio
async def test_GHSA_mwh4_6h8g_pg8w_crlf_in_client_header_raises() -> None:
    with pytest.raises(ValueError, match="CR or LF"):
        await connect("ws://127.0.0.1:9/", headers=[("X-Evil", "a\r\nInjected: 1")])


def test_server_masked_frames_never_sent() -> None:
    server = SansIOConnection(is_client=False)
    for data in (server.send_text("x"), server.send_ping(b"p"), server.send_close(1000)):
        assert not data[1] & 0x80


def test_client_frames_always_masked() -> None:
    client = SansIOConnection(is_client=True)
    for data in (client.send_text("x"), client.send_ping(b"p"), client.send_close(1000)):
        assert data[1] & 0x80
