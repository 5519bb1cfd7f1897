"""Frame reader: RFC 6455 section 5 rules, both roles, split feeding."""

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ws_testutil import frame

from aioloom.websocket import (
    FrameReader,
    WebSocketError,
    WSCloseCode,
    WSMessage,
    WSMsgType,
    build_frame,
)

TEXT, BINARY, CONT, CLOSE, PING, PONG = 1, 2, 0, 8, 9, 10


def server_reader(**kwargs: object) -> FrameReader:
    return FrameReader(is_client=False, **kwargs)  # type: ignore[arg-type]


def error_code(messages: list[WSMessage]) -> int:
    assert messages, "expected an ERROR message"
    last = messages[-1]
    assert last.type is WSMsgType.ERROR
    assert isinstance(last.data, WebSocketError)
    return last.data.code


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 128, 65535, 65536, 100000])
def test_lengths_round_trip_both_roles(size: int) -> None:
    payload = bytes(range(256)) * (size // 256 + 1)
    payload = payload[:size]
    for is_client in (False, True):
        data = build_frame(BINARY, payload, mask=not is_client)
        msgs = FrameReader(is_client=is_client, max_msg_size=0).feed(data)
        assert msgs == [WSMessage(WSMsgType.BINARY, payload, None)]


def test_text_message() -> None:
    msgs = server_reader().feed(frame(TEXT, "héllo".encode()))
    assert msgs == [WSMessage(WSMsgType.TEXT, "héllo", None)]


def test_several_frames_in_one_chunk() -> None:
    data = frame(TEXT, b"a") + frame(PING, b"p") + frame(BINARY, b"b") + frame(PONG, b"q")
    msgs = server_reader().feed(data)
    assert [m.type for m in msgs] == [
        WSMsgType.TEXT,
        WSMsgType.PING,
        WSMsgType.BINARY,
        WSMsgType.PONG,
    ]
    assert msgs[1].data == b"p"
    assert msgs[3].data == b"q"


def test_server_rejects_unmasked_frame() -> None:
    assert error_code(server_reader().feed(frame(TEXT, b"x", mask=None))) == 1002


def test_client_rejects_masked_frame() -> None:
    reader = FrameReader(is_client=True)
    assert error_code(reader.feed(frame(TEXT, b"x"))) == 1002


def test_client_reads_unmasked() -> None:
    reader = FrameReader(is_client=True)
    assert reader.feed(frame(TEXT, b"x", mask=None)) == [WSMessage(WSMsgType.TEXT, "x", None)]


@pytest.mark.parametrize("rsv", [1, 2, 4, 3, 7])
@pytest.mark.parametrize("opcode", [TEXT, BINARY, PING, CLOSE])
def test_rsv_bits_rejected_without_extension(rsv: int, opcode: int) -> None:
    assert error_code(server_reader().feed(frame(opcode, b"", rsv=rsv))) == 1002


@pytest.mark.parametrize("opcode", [3, 4, 5, 6, 7, 11, 12, 13, 14, 15])
def test_reserved_opcodes_rejected(opcode: int) -> None:
    assert error_code(server_reader().feed(frame(opcode, b""))) == 1002


@pytest.mark.parametrize("opcode", [PING, PONG, CLOSE])
def test_fragmented_control_frame_rejected(opcode: int) -> None:
    assert error_code(server_reader().feed(frame(opcode, b"", fin=False))) == 1002


def test_control_frame_over_125_bytes_rejected_from_header() -> None:
    data = frame(PING, b"x" * 126)
    # Only the header: the violation is found before any payload arrives.
    assert error_code(server_reader().feed(data[:4])) == 1002


def test_control_frame_of_125_bytes_accepted() -> None:
    msgs = server_reader().feed(frame(PING, b"x" * 125))
    assert msgs == [WSMessage(WSMsgType.PING, b"x" * 125, None)]


def test_non_minimal_16_bit_length_rejected() -> None:
    assert error_code(server_reader().feed(frame(BINARY, b"x" * 125, length_form=16))) == 1002


def test_non_minimal_64_bit_length_rejected() -> None:
    assert error_code(server_reader().feed(frame(BINARY, b"x" * 200, length_form=64))) == 1002


def test_64_bit_length_with_top_bit_rejected() -> None:
    head = struct.pack("!BBQ", 0x82, 0xFF, 1 << 63) + b"\x00" * 4
    assert error_code(server_reader(max_msg_size=0).feed(head)) == 1002


def test_fragmented_text_reassembled() -> None:
    reader = server_reader()
    assert reader.feed(frame(TEXT, b"Hel", fin=False)) == []
    assert reader.feed(frame(CONT, b"lo ", fin=False)) == []
    assert reader.feed(frame(CONT, b"world")) == [WSMessage(WSMsgType.TEXT, "Hello world", None)]


def test_fragmented_binary_with_empty_fragments() -> None:
    reader = server_reader()
    data = frame(BINARY, b"", fin=False) + frame(CONT, b"ab", fin=False) + frame(CONT, b"")
    assert reader.feed(data) == [WSMessage(WSMsgType.BINARY, b"ab", None)]


def test_control_frames_interleave_with_fragments() -> None:
    reader = server_reader()
    data = frame(TEXT, b"a", fin=False) + frame(PING, b"1") + frame(CONT, b"b")
    msgs = reader.feed(data)
    assert msgs == [WSMessage(WSMsgType.PING, b"1", None), WSMessage(WSMsgType.TEXT, "ab", None)]


def test_continuation_without_message_rejected() -> None:
    assert error_code(server_reader().feed(frame(CONT, b"x"))) == 1002
    assert error_code(server_reader().feed(frame(CONT, b"x", fin=False))) == 1002


def test_new_message_inside_fragmented_one_rejected() -> None:
    data = frame(TEXT, b"a", fin=False) + frame(TEXT, b"b")
    assert error_code(server_reader().feed(data)) == 1002


def test_utf8_split_inside_code_point_is_valid() -> None:
    raw = "κόσμε".encode()
    reader = server_reader()
    msgs = reader.feed(frame(TEXT, raw[:1], fin=False) + frame(CONT, raw[1:3], fin=False))
    assert msgs == []
    assert reader.feed(frame(CONT, raw[3:])) == [WSMessage(WSMsgType.TEXT, "κόσμε", None)]


def test_invalid_utf8_single_frame_is_1007() -> None:
    assert error_code(server_reader().feed(frame(TEXT, b"\xff"))) == 1007


def test_invalid_utf8_fails_fast_in_first_bad_fragment() -> None:
    reader = server_reader()
    assert reader.feed(frame(TEXT, "κόσμε".encode(), fin=False)) == []
    # U+110000 encoded: invalid as soon as this fragment arrives, before the final one.
    assert error_code(reader.feed(frame(CONT, b"\xf4\x90\x80\x80", fin=False))) == 1007


def test_surrogate_prefix_fails_fast() -> None:
    reader = server_reader()
    assert error_code(reader.feed(frame(TEXT, b"ab\xed\xa0", fin=False))) == 1007


def test_incomplete_utf8_at_end_of_message_is_1007() -> None:
    reader = server_reader()
    assert reader.feed(frame(TEXT, b"\xce", fin=False)) == []
    assert error_code(reader.feed(frame(CONT, b""))) == 1007


def test_invalid_utf8_fails_fast_inside_one_frame_split_across_reads() -> None:
    # Autobahn 6.4.3/6.4.4: the bad bytes arrive before the rest of the same frame.
    raw = frame(TEXT, "κόσμε".encode() + b"\xf4\x90\x80\x80" + b"edited" * 100)
    reader = server_reader()
    assert reader.feed(raw[:12]) == []  # header + a valid prefix
    assert error_code(reader.feed(raw[12:20])) == 1007  # the rest of the frame never came


def test_invalid_utf8_single_bad_byte_in_split_frame_fails_at_once() -> None:
    raw = frame(TEXT, b"abc" + b"\xff" + b"x" * 1000)
    reader = server_reader()
    assert reader.feed(raw[:11]) == []  # 8 header bytes + "abc"
    assert error_code(reader.feed(raw[11:12])) == 1007


def test_surrogate_prefix_inside_split_frame_fails_fast() -> None:
    raw = frame(TEXT, b"ab\xed\xa0\x80" + b"x" * 100)
    reader = server_reader()
    assert reader.feed(raw[:9]) == []  # 6 header bytes + "ab" + ED
    assert error_code(reader.feed(raw[9:10])) == 1007  # A0: a surrogate, held back by codecs


@pytest.mark.parametrize("size", [200, 600, 5000, 70000])
@pytest.mark.parametrize("step", [1, 3, 517, 4096])
def test_split_large_frames_unmask_piece_by_piece(size: int, step: int) -> None:
    text = ("κόσμε-" * size)[:size]
    blob = bytes(range(256)) * (size // 256 + 1)
    data = frame(TEXT, text.encode()) + frame(BINARY, blob[:size]) + frame(TEXT, b"end")
    if step == 1 and size > 5000:
        step = 97
    reader = server_reader()
    msgs = []
    for i in range(0, len(data), step):
        msgs += reader.feed(data[i : i + step])
    assert msgs == [
        WSMessage(WSMsgType.TEXT, text, None),
        WSMessage(WSMsgType.BINARY, blob[:size], None),
        WSMessage(WSMsgType.TEXT, "end", None),
    ]


def test_close_frame_parsed_and_input_after_it_ignored() -> None:
    reader = server_reader()
    msgs = reader.feed(frame(CLOSE, b"\x03\xe8bye") + frame(TEXT, b"late"))
    assert msgs == [WSMessage(WSMsgType.CLOSE, 1000, "bye")]
    assert reader.done
    assert reader.feed(frame(PING, b"")) == []


def test_empty_close_reports_code_0() -> None:
    assert server_reader().feed(frame(CLOSE, b"")) == [WSMessage(WSMsgType.CLOSE, 0, "")]


@pytest.mark.parametrize("code", [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000])
def test_invalid_close_codes_are_1002(code: int) -> None:
    assert error_code(server_reader().feed(frame(CLOSE, struct.pack("!H", code)))) == 1002


def test_close_with_one_byte_payload_is_1002() -> None:
    assert error_code(server_reader().feed(frame(CLOSE, b"\x03"))) == 1002


def test_close_reason_invalid_utf8_is_1007() -> None:
    assert error_code(server_reader().feed(frame(CLOSE, b"\x03\xe8\xff"))) == 1007


def test_nothing_after_an_error_is_processed() -> None:
    reader = server_reader()
    msgs = reader.feed(frame(TEXT, b"ok") + frame(TEXT, b"", rsv=2) + frame(PING, b""))
    assert msgs[0] == WSMessage(WSMsgType.TEXT, "ok", None)
    assert len(msgs) == 2
    assert error_code(msgs) == 1002
    assert reader.feed(frame(PING, b"")) == []


def test_max_msg_size_counts_fragments() -> None:
    reader = server_reader(max_msg_size=10)
    assert reader.feed(frame(BINARY, b"x" * 6, fin=False)) == []
    assert error_code(reader.feed(frame(CONT, b"x" * 5))) == WSCloseCode.MESSAGE_TOO_BIG


def test_max_msg_size_zero_is_unlimited() -> None:
    msgs = server_reader(max_msg_size=0).feed(frame(BINARY, b"x" * 70000))
    assert msgs[0].data == b"x" * 70000


def test_max_msg_size_exact_limit_allowed() -> None:
    assert server_reader(max_msg_size=5).feed(frame(TEXT, b"12345"))[0].data == "12345"


STREAM = (
    frame(TEXT, "ünïcødé".encode())
    + frame(BINARY, b"\x00" * 300, fin=False)
    + frame(PING, b"ping")
    + frame(CONT, b"\x01" * 70000)
    + frame(TEXT, "κό".encode(), fin=False)
    + frame(CONT, "σμε".encode())
    + frame(PONG, b"")
    + frame(CLOSE, b"\x03\xe8")
)
EXPECTED = [
    WSMessage(WSMsgType.TEXT, "ünïcødé", None),
    WSMessage(WSMsgType.PING, b"ping", None),
    WSMessage(WSMsgType.BINARY, b"\x00" * 300 + b"\x01" * 70000, None),
    WSMessage(WSMsgType.TEXT, "κόσμε", None),
    WSMessage(WSMsgType.PONG, b"", None),
    WSMessage(WSMsgType.CLOSE, 1000, ""),
]


@settings(max_examples=150)
@given(st.lists(st.integers(min_value=1, max_value=len(STREAM)), max_size=40))
def test_split_feeding_gives_same_messages(cuts: list[int]) -> None:
    reader = server_reader()
    points = sorted(set(cuts))
    out: list[WSMessage] = []
    start = 0
    for point in [*points, len(STREAM)]:
        out += reader.feed(STREAM[start:point])
        start = point
    assert out == EXPECTED


def test_byte_by_byte_feeding() -> None:
    reader = server_reader()
    out: list[WSMessage] = []
    for i in range(len(STREAM[:2000])):
        out += reader.feed(STREAM[i : i + 1])
    assert out == EXPECTED[:2]


@settings(max_examples=100)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just(TEXT), st.text(max_size=300)),
            st.tuples(st.just(BINARY), st.binary(max_size=300)),
            st.tuples(st.just(PING), st.binary(max_size=125)),
        ),
        max_size=10,
    ),
    st.booleans(),
)
def test_writer_reader_round_trip(items: list[tuple[int, object]], client_sends: bool) -> None:
    data = b""
    expected = []
    for opcode, value in items:
        payload = value.encode() if isinstance(value, str) else value
        assert isinstance(payload, bytes)
        data += build_frame(opcode, payload, mask=client_sends)
        expected.append(WSMessage(WSMsgType(opcode), value, None))
    reader = FrameReader(is_client=not client_sends)
    assert reader.feed(data) == expected


@settings(max_examples=150)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([TEXT, BINARY]),
            st.binary(max_size=125),
            st.binary(min_size=4, max_size=4),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_small_frame_fast_path_agrees_with_the_general_path(
    frames: list[tuple[int, bytes, bytes]],
) -> None:
    # Whole small frames in one read take the fast path (one int for key and
    # payload); fed a byte at a time, the same frames take the general path.
    data = b""
    for opcode, payload, mask in frames:
        if opcode == TEXT:
            payload = payload.decode("utf-8", "replace").encode("utf-8")[:125]
            payload = payload.decode("utf-8", "ignore").encode("utf-8")
        data += frame(opcode, payload, mask=mask)
    whole = server_reader().feed(data)
    reader = server_reader()
    pieces: list[WSMessage] = []
    for i in range(len(data)):
        pieces += reader.feed(data[i : i + 1])
    assert whole == pieces
    assert [m.type for m in whole] == [WSMsgType(op) for op, _, _ in frames]
