"""The asyncio layer over in-memory transports: aiohttp's WebSocketResponse semantics."""

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ws_testutil import MemoryTransport, frame, memory_pair

from aioloom.websocket import (
    Connection,
    DeflateParams,
    FrameReader,
    WebSocket,
    WSCloseCode,
    WSMessage,
    WSMsgType,
)
from aioloom.websocket._ws_send import _WRITE_APART_FROM


@pytest.mark.asyncio
async def test_send_and_receive_all_kinds() -> None:
    client, server, _, _ = memory_pair()
    await client.send_str("text")
    await client.send_bytes(b"bin")
    await client.send_json({"a": 1})
    assert await server.receive_str() == "text"
    assert await server.receive_bytes() == b"bin"
    assert await server.receive_json() == {"a": 1}
    await server.send_str('{"b": 2}')
    msg = await client.receive()
    assert msg.json() == {"b": 2}


@pytest.mark.asyncio
async def test_receive_type_errors() -> None:
    client, server, _, _ = memory_pair()
    await client.send_bytes(b"x")
    with pytest.raises(TypeError, match=r"is not WSMsgType\.TEXT"):
        await server.receive_str()
    await client.send_str("x")
    with pytest.raises(TypeError, match=r"is not WSMsgType\.BINARY"):
        await server.receive_bytes()
    with pytest.raises(TypeError, match="must be str"):
        await client.send_str(b"x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="byte-ish"):
        await client.send_bytes("x")  # type: ignore[arg-type]


@pytest.mark.asyncio
async def test_compressed_pair() -> None:
    client, server, ct, _ = memory_pair(deflate=DeflateParams())
    assert client.compress
    await client.send_str("z" * 10000)
    assert len(ct.written[-1]) < 200
    assert await server.receive_str() == "z" * 10000


@pytest.mark.asyncio
async def test_concurrent_receive_is_runtime_error() -> None:
    _, server, _, _ = memory_pair()
    first = asyncio.create_task(server.receive())
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="Concurrent call to receive"):
        await server.receive()
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first


@pytest.mark.asyncio
async def test_close_from_other_task_wakes_reader_and_completes_handshake() -> None:
    client, server, ct, st = memory_pair()
    reader = asyncio.create_task(server.receive())
    await asyncio.sleep(0)
    client_reader = asyncio.create_task(client.receive())
    assert await server.close(code=WSCloseCode.GOING_AWAY, message=b"bye") is True
    assert (await reader).type is WSMsgType.CLOSING
    msg = await client_reader
    assert msg == WSMessage(WSMsgType.CLOSE, 1001, "bye")
    assert server.closed
    assert server.close_code == 1000  # the client's autoclose answer
    assert client.close_code == 1001
    assert st.closing
    assert ct.closing
    assert await server.close() is False


@pytest.mark.asyncio
async def test_async_iteration_stops_on_close() -> None:
    client, server, _, _ = memory_pair()
    await client.send_str("a")
    await client.send_str("b")
    closer = asyncio.create_task(client.close())
    got = [msg.data async for msg in server]
    assert got == ["a", "b"]
    assert await closer is True
    assert server.close_code == 1000
    assert client.close_code == 1000
    assert (await server.receive()).type is WSMsgType.CLOSED


@pytest.mark.asyncio
async def test_closed_reads_raise_after_threshold() -> None:
    client, server, _, _ = memory_pair()
    closer = asyncio.create_task(client.close())
    assert (await server.receive()).type is WSMsgType.CLOSE
    await closer
    for _ in range(4):
        assert (await server.receive()).type is WSMsgType.CLOSED
    with pytest.raises(RuntimeError, match="closed"):
        await server.receive()


@pytest.mark.asyncio
async def test_autoclose_false_returns_close_and_lets_app_answer() -> None:
    client, server, _, _ = memory_pair(autoclose=False)
    closer = asyncio.create_task(client.close(code=4000, message="x"))
    msg = await server.receive()
    assert msg == WSMessage(WSMsgType.CLOSE, 4000, "x")
    assert not server.closed
    await server.send_str("after close is still allowed before answering")
    await server.close()
    assert await closer
    assert client.close_code == 1000


@pytest.mark.asyncio
async def test_autoping_answers_at_once_and_hides_ping() -> None:
    client, server, _, st = memory_pair()
    await client.ping(b"hi")
    await asyncio.sleep(0)
    assert st.written[-1] == b"\x8a\x02hi"
    await client.send_str("after")
    assert await server.receive_str() == "after"


@pytest.mark.asyncio
async def test_autoping_false_delivers_ping_and_pong() -> None:
    client, server, _, _ = memory_pair(autoping=False)
    await client.ping("p")
    msg = await server.receive()
    assert msg == WSMessage(WSMsgType.PING, b"p", None)
    await server.pong(msg.data)
    assert await client.receive() == WSMessage(WSMsgType.PONG, b"p", None)


@pytest.mark.asyncio
async def test_receive_timeout() -> None:
    _, server, _, _ = memory_pair(receive_timeout=0.01)
    with pytest.raises(TimeoutError):
        await server.receive()
    with pytest.raises(TimeoutError):
        await server.receive(timeout=0.01)


@pytest.mark.asyncio
async def test_close_times_out_without_peer_answer() -> None:
    transport = MemoryTransport()
    ws = WebSocket(transport, Connection(is_client=False), timeout=0.02)
    assert await ws.close() is True
    assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
    assert transport.aborted


@pytest.mark.asyncio
async def test_heartbeat_pings_and_closes_without_pong() -> None:
    transport = MemoryTransport()
    ws = WebSocket(transport, Connection(is_client=False), heartbeat=0.02)
    reader = asyncio.create_task(ws.receive())
    await asyncio.sleep(0.1)
    assert transport.written[0] == b"\x89\x00"  # a ping
    msg = await reader
    assert msg.type is WSMsgType.ERROR
    assert isinstance(msg.data, TimeoutError)
    assert ws.closed
    assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE
    assert isinstance(ws.exception(), TimeoutError)
    assert transport.aborted


@pytest.mark.asyncio
async def test_heartbeat_kept_alive_by_pongs() -> None:
    client, server, _, st = memory_pair(heartbeat=0.02)
    reader = asyncio.create_task(server.receive())
    await asyncio.sleep(0.15)
    assert not server.closed
    assert b"\x89\x00" in st.written
    await client.send_str("still here")
    assert (await reader).data == "still here"
    reader = asyncio.create_task(server.receive())
    await server.close()
    await reader


@pytest.mark.asyncio
async def test_protocol_error_closes_with_code() -> None:
    transport = MemoryTransport()
    ws = WebSocket(transport, Connection(is_client=False))
    ws.feed_data(frame(1, b"ok") + frame(1, b"\xff") + frame(9, b"no pong"))
    assert await ws.receive_str() == "ok"
    msg = await ws.receive()
    assert msg.type is WSMsgType.ERROR
    assert msg.data.code == WSCloseCode.INVALID_TEXT
    assert ws.close_code == WSCloseCode.INVALID_TEXT
    assert transport.written == [b"\x88\x02\x03\xef"]  # Close 1007, nothing after it
    assert transport.closing
    assert transport.reading_paused


@pytest.mark.asyncio
async def test_eof_without_close_is_abnormal() -> None:
    transport = MemoryTransport()
    ws = WebSocket(transport, Connection(is_client=False))
    reader = asyncio.create_task(ws.receive())
    await asyncio.sleep(0)
    ws.feed_eof()
    assert (await reader).type is WSMsgType.CLOSED
    assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE


@pytest.mark.asyncio
async def test_send_after_close_raises() -> None:
    client, server, _, _ = memory_pair()
    closer = asyncio.create_task(server.close())
    await asyncio.sleep(0)
    with pytest.raises(ConnectionResetError):
        await server.send_str("late")
    await client.receive()
    await closer


@pytest.mark.asyncio
async def test_close_rejects_invalid_code_without_closing() -> None:
    _, server, _, _ = memory_pair()
    with pytest.raises(ValueError, match="may not be sent"):
        await server.close(code=1005)
    assert not server.closed


@pytest.mark.asyncio
async def test_write_flow_control() -> None:
    client, server, _, _ = memory_pair()
    server.pause_writing()
    sender = asyncio.create_task(server.send_str("x"))
    await asyncio.sleep(0.01)
    assert not sender.done()
    server.resume_writing()
    await sender
    assert await client.receive_str() == "x"


@pytest.mark.asyncio
async def test_read_flow_control_pauses_transport() -> None:
    transport = MemoryTransport()
    ws = WebSocket(transport, Connection(is_client=False), read_limit=100)
    ws.feed_data(frame(2, b"x" * 150))
    assert transport.reading_paused
    await ws.receive()
    assert not transport.reading_paused


@pytest.mark.asyncio
async def test_send_frame_fragments() -> None:
    client, server, _, _ = memory_pair()
    await client.send_frame(b"ab", WSMsgType.TEXT, fin=False)
    await client.send_frame(b"c", WSMsgType.CONTINUATION)
    assert await server.receive_str() == "abc"
    with pytest.raises(ValueError, match="close"):
        await client.send_frame(b"", WSMsgType.CLOSE)


@pytest.mark.asyncio
async def test_context_manager_closes() -> None:
    client, server, _, _ = memory_pair()
    reader = asyncio.create_task(server.receive())
    async with client:
        pass
    assert client.closed
    assert (await reader).type is WSMsgType.CLOSE


# -- the direct paths: iteration, corked writes, large writes ---------------------------


class _ReceiveOverridden(WebSocket):
    """Takes the general iteration path: ``async for`` goes through receive()."""

    async def receive(self, timeout: float | None = None) -> WSMessage:
        return await super().receive(timeout)


_EVENTS = st.one_of(
    st.tuples(st.just(1), st.text(max_size=20).map(str.encode)),
    st.tuples(st.just(2), st.binary(max_size=20)),
    st.tuples(st.just(9), st.binary(max_size=10)),  # ping, answered by autoping
    st.tuples(st.just(8), st.just(b"\x0f\xa0bye")),  # close 4000
    st.tuples(st.just(3), st.just(b"")),  # reserved opcode: a protocol error
)


async def _consume(kind: str, chunks: list[bytes], end_with_eof: bool) -> tuple[object, ...]:
    transport = MemoryTransport()
    cls = _ReceiveOverridden if kind == "general" else WebSocket
    ws = cls(transport, Connection(is_client=False), timeout=0.01)
    loop = asyncio.get_running_loop()

    def arrive(i: int) -> None:  # one chunk per loop turn: the reader runs in between
        if i < len(chunks):
            ws.feed_data(chunks[i])
            loop.call_soon(arrive, i + 1)
        elif end_with_eof:
            ws.feed_eof()

    loop.call_soon(arrive, 0)
    got: list[WSMessage] = []
    async with asyncio.timeout(5):  # a broken reader must fail the test, not hang it
        if kind == "receive":
            while True:
                msg = await ws.receive()
                if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
                    break
                got.append(msg)
        else:
            got = [msg async for msg in ws]
    exc = ws.exception()
    return (
        [(m.type, m.data if m.type is not WSMsgType.ERROR else m.data.code) for m in got],
        ws.closed,
        ws.close_code,
        type(exc),
        b"".join(transport.written),
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(_EVENTS, max_size=8), st.integers(min_value=1, max_value=9), st.booleans())
def test_async_for_direct_path_agrees_with_receive(
    events: list[tuple[int, bytes]], cut: int, end_with_eof: bool
) -> None:
    # ``async for`` awaits the receive core itself; a subclass that overrides
    # receive() goes through it; a receive() loop is the reference. Same messages,
    # same close, same bytes written back.
    data = b"".join(frame(op, payload) for op, payload in events)
    if not end_with_eof:
        data += frame(8, b"\x03\xe8")  # else the stream would never end
    chunks = [data[i : i + cut * 7] for i in range(0, len(data), cut * 7)] or [b""]
    results = {
        kind: asyncio.run(_consume(kind, chunks, end_with_eof))
        for kind in ("receive", "direct", "general")
    }
    assert results["direct"] == results["receive"]
    assert results["general"] == results["receive"]


async def _echo_all(ws: WebSocket) -> None:
    async for msg in ws:
        await ws.send_str(msg.data)


@pytest.mark.asyncio
async def test_answers_to_one_read_go_out_in_one_write() -> None:
    transport = MemoryTransport()
    ws = WebSocket(transport, Connection(is_client=False))
    ws.feed_data(b"".join(frame(1, f"m{i}".encode()) for i in range(5)))
    echo = asyncio.create_task(_echo_all(ws))
    await asyncio.sleep(0)
    assert transport.written == [b"".join(b"\x81\x02m" + str(i).encode() for i in range(5))]
    ws.feed_data(frame(1, b"one"))  # alone: answered at once, nothing corked
    await asyncio.sleep(0)
    assert transport.written[1:] == [b"\x81\x03one"]
    echo.cancel()


@pytest.mark.asyncio
async def test_corked_frames_go_out_on_the_next_loop_turn_without_another_receive() -> None:
    transport = MemoryTransport()
    ws = WebSocket(transport, Connection(is_client=False))
    ws.feed_data(frame(1, b"a") + frame(1, b"b"))
    assert await ws.receive_str() == "a"
    await ws.send_str("A")  # "b" still waits in the queue: corked
    assert transport.written == []
    await asyncio.sleep(0)
    assert transport.written == [b"\x81\x01A"]


@pytest.mark.asyncio
async def test_corked_frames_keep_their_order_with_pongs_large_frames_and_close() -> None:
    transport = MemoryTransport()
    ws = WebSocket(transport, Connection(is_client=False))
    big = "B" * 20000
    ws.feed_data(frame(1, b"a") + frame(9, b"p") + frame(1, big.encode()) + frame(1, b"c"))
    assert await ws.receive_str() == "a"
    await ws.send_str("1")  # corked behind the pong feed_data corked
    assert await ws.receive_str() == big
    await ws.send_str(big)  # large: the corked frames go first
    assert await ws.receive_str() == "c"
    await ws.send_str("2")
    closer = asyncio.create_task(ws.close())
    await asyncio.sleep(0)
    reader = FrameReader(is_client=True)
    sent = reader.feed(b"".join(transport.written))
    assert [(m.type, m.data) for m in sent] == [
        (WSMsgType.PONG, b"p"),
        (WSMsgType.TEXT, "1"),
        (WSMsgType.TEXT, big),
        (WSMsgType.TEXT, "2"),
        (WSMsgType.CLOSE, 1000),
    ]
    ws.feed_data(frame(8, b"\x03\xe8"))
    assert await closer


@pytest.mark.asyncio
async def test_large_payloads_are_written_apart_from_their_header() -> None:
    transport = MemoryTransport()
    ws = WebSocket(transport, Connection(is_client=False))
    data = bytes(range(256)) * (_WRITE_APART_FROM // 256)
    await ws.send_bytes(data)
    assert transport.written[1] is data  # not copied behind the header
    await ws.send_str(data.decode("latin-1"))
    await ws.send_bytes(bytearray(data))  # mutable: copied into one frame
    assert len(transport.written) == 5
    sent = FrameReader(is_client=True, max_msg_size=0).feed(b"".join(transport.written))
    assert [m.data for m in sent] == [data, data.decode("latin-1"), data]
