"""The asyncio layer over in-memory transports: aiohttp's WebSocketResponse semantics."""

import asyncio

import pytest
from ws_testutil import MemoryTransport, frame, memory_pair

from aioloom.websocket import (
    Connection,
    DeflateParams,
    WebSocket,
    WSCloseCode,
    WSMessage,
    WSMsgType,
)


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
