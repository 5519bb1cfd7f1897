"""MultipartReader / BodyPartReader: framing, decoding, nesting, limits, malformed input."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gzip
import random
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aioloom.web.bodies._errors import (
    BadContentDisposition,
    InvalidBoundary,
    MalformedMultipart,
    MultipartError,
    PartDecodeError,
    PartHeaderError,
    RequestBodyTooLarge,
    TooManyParts,
    TruncatedMultipart,
)
from aioloom.web.bodies._reader import BodyPartReader, MultipartReader
from aioloom.web.bodies._stream import BodyStream


class MemoryStream:
    """An in-memory BodyStream that hands data out in random small pieces."""

    def __init__(self, data: bytes, *, max_piece: int = 0, seed: int = 0) -> None:
        self._data = data
        self._max_piece = max_piece
        self._rng = random.Random(seed)
        self.delivered = 0
        self.eof_reads = 0

    async def read(self, n: int = -1) -> bytes:
        await asyncio.sleep(0)  # a real suspension point, so wait_for can time out
        if self.delivered >= len(self._data):
            self.eof_reads += 1
            if self.eof_reads > 50:
                raise AssertionError("read() called again and again at EOF")
            return b""
        if n < 0:
            n = len(self._data)
        if self._max_piece:
            n = min(n, self._rng.randint(1, self._max_piece))
        chunk = self._data[self.delivered : self.delivered + n]
        self.delivered += len(chunk)
        return chunk

    def at_eof(self) -> bool:
        return self.delivered >= len(self._data)


_: BodyStream = MemoryStream(b"")

CT = {"Content-Type": "multipart/mixed; boundary=bnd"}


def body(*parts: bytes, preamble: bytes = b"", epilogue: bytes = b"") -> bytes:
    out = preamble + (b"\r\n" if preamble else b"")
    for part in parts:
        out += b"--bnd\r\n" + part + b"\r\n"
    return out + b"--bnd--\r\n" + epilogue


async def collect(reader: MultipartReader) -> list[tuple[dict[str, str], bytes]]:
    out = []
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        out.append((dict(part.headers), await part.read()))
    return out


PIECES = [0, 1, 3, 7, 64]


@pytest.mark.asyncio
@pytest.mark.parametrize("max_piece", PIECES)
async def test_parts_split_anywhere(max_piece: int) -> None:
    data = body(
        b"Content-Type: text/plain\r\n\r\nhello",
        b"X-A: 1\r\nX-B:  two words \r\n\r\nline1\r\nline2\r\n",
        b"\r\n",  # no headers, empty body
        preamble=b"this is the preamble\r\n--bn-not-quite",
        epilogue=b"epilogue --bnd\r\n",
    )
    reader = MultipartReader(CT, MemoryStream(data, max_piece=max_piece, seed=max_piece))
    parts = await collect(reader)
    assert parts == [
        ({"Content-Type": "text/plain"}, b"hello"),
        ({"X-A": "1", "X-B": "two words"}, b"line1\r\nline2\r\n"),
        ({}, b""),
    ]
    assert reader.at_eof()
    assert await reader.next() is None


@pytest.mark.asyncio
@pytest.mark.parametrize("max_piece", PIECES)
async def test_boundary_lookalikes_are_data(max_piece: int) -> None:
    payload = b"a\r\n--bn\r\n--b\r\r\n-\r\n--\r\n--bnx"[:-1] + b"\r\n\r\n-"
    data = body(b"\r\n" + payload)
    parts = await collect(MultipartReader(CT, MemoryStream(data, max_piece=max_piece)))
    assert parts == [({}, payload)]


@pytest.mark.asyncio
async def test_quoted_boundary_and_no_preamble_crlf() -> None:
    data = b"--a b:c\r\n\r\nx\r\n--a b:c--"
    reader = MultipartReader(
        {"content-type": 'multipart/mixed; boundary="a b:c"'}, MemoryStream(data)
    )
    assert await collect(reader) == [({}, b"x")]


@pytest.mark.asyncio
async def test_read_chunk_sizes_and_at_eof() -> None:
    data = body(b"\r\n" + b"0123456789" * 100)
    reader = MultipartReader(CT, MemoryStream(data))
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    got = bytearray()
    while chunk := await part.read_chunk(7):
        assert len(chunk) <= 7
        got += chunk
    assert got == b"0123456789" * 100
    assert part.at_eof()
    assert await part.read() == b""
    assert await reader.next() is None


@pytest.mark.asyncio
async def test_previous_part_is_released_by_next() -> None:
    data = body(b"\r\nfirst body", b"\r\nsecond")
    reader = MultipartReader(CT, MemoryStream(data))
    first = await reader.next()
    assert isinstance(first, BodyPartReader)
    assert await first.read_chunk(3) == b"fir"
    second = await reader.next()
    assert isinstance(second, BodyPartReader)
    assert await first.read_chunk() == b""  # stale: never yields the next part's bytes
    assert await second.read() == b"second"


@pytest.mark.asyncio
async def test_text_json_form() -> None:
    data = body(
        b"Content-Type: text/plain; charset=latin-1\r\n\r\n" + "café".encode("latin-1"),
        b'Content-Type: application/json\r\n\r\n{"a": [1, "\xc3\xa9"]}',
        b"Content-Type: application/json\r\n\r\n",
        b"Content-Type: application/x-www-form-urlencoded\r\n\r\na=1&b=%C3%A9&c\r\n",
    )
    reader = MultipartReader(CT, MemoryStream(data))
    parts = [p async for p in reader]
    assert all(isinstance(p, BodyPartReader) for p in parts)
    # Parts are released as the reader moves on; read them again from a fresh reader.
    reader = MultipartReader(CT, MemoryStream(data))
    p = await reader.next()
    assert isinstance(p, BodyPartReader)
    assert await p.text() == "café"
    p = await reader.next()
    assert isinstance(p, BodyPartReader)
    assert await p.json() == {"a": [1, "é"]}
    p = await reader.next()
    assert isinstance(p, BodyPartReader)
    assert await p.json() is None
    p = await reader.next()
    assert isinstance(p, BodyPartReader)
    assert await p.form() == [("a", "1"), ("b", "é"), ("c", "")]


@pytest.mark.asyncio
async def test_bad_json_and_charset_are_part_decode_errors() -> None:
    data = body(
        b"Content-Type: application/json\r\n\r\n{nope",
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n\xff\xfe",
        b"Content-Type: text/plain; charset=no-such-charset\r\n\r\nx",
    )
    reader = MultipartReader(CT, MemoryStream(data))
    for method in ("json", "text", "text"):
        part = await reader.next()
        assert isinstance(part, BodyPartReader)
        with pytest.raises(PartDecodeError):
            await getattr(part, method)()


@pytest.mark.asyncio
async def test_rfc5987_and_rfc2231_filenames() -> None:
    data = body(
        b"Content-Disposition: attachment; filename*=UTF-8''na%C3%AFve%20%E2%82%AC.txt\r\n\r\n",
        b'Content-Disposition: attachment; filename="fallback.txt"; '
        b"filename*=utf-8'en'%E2%82%AC.txt\r\n\r\n",
        b"Content-Disposition: attachment; filename*0*=UTF-8''%E2%82%AC; "
        b'filename*1="-long"; filename*2*=%C3%A9.txt\r\n\r\n',
        b'Content-Disposition: form-data; name="q\\"uoted"; filename="a \\"b\\".txt"\r\n\r\n',
        'Content-Disposition: form-data; name="f"; filename="été.txt"\r\n\r\n'.encode(),
        b"Content-Disposition: attachment; filename*=ISO-8859-1''%E9t%E9.txt\r\n\r\n",
    )
    reader = MultipartReader(CT, MemoryStream(data))
    names = []
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        names.append((part.name, part.filename))
    assert names == [
        (None, "naïve €.txt"),
        (None, "€.txt"),
        (None, "€-longé.txt"),
        ('q"uoted', 'a "b".txt'),
        ("f", "été.txt"),
        (None, "été.txt"),
    ]


@pytest.mark.parametrize(
    "header",
    [
        b"form-data; name=",
        b'form-data; name="unterminated',
        b'form-data; name="a"; name="b"',
        b"form-data; filename*=KOI8-R''%C1",
        b"form-data; filename*=UTF-8''%E2%82",
        b"form-data; filename*=UTF-8''bad%zz",
        b"form-data; name=a b",
        b"; name=a",
    ],
)
@pytest.mark.asyncio
async def test_bad_content_disposition(header: bytes) -> None:
    data = body(b"Content-Disposition: " + header + b"\r\n\r\n")
    part = await MultipartReader(CT, MemoryStream(data)).next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(BadContentDisposition):
        _ = part.name, part.filename


@pytest.mark.asyncio
@pytest.mark.parametrize("max_piece", [0, 1, 5])
async def test_base64_and_quoted_printable(max_piece: int) -> None:
    raw = bytes(range(256)) * 3
    b64 = base64.encodebytes(raw)  # with a line break every 76 characters
    qp = b"caf=C3=A9 soft=\r\nbreak =3D equals\r\nline two"
    data = body(
        b"Content-Transfer-Encoding: base64\r\n\r\n" + b64,
        b"Content-Transfer-Encoding: Quoted-Printable\r\n\r\n" + qp,
        b"Content-Transfer-Encoding: 8bit\r\n\r\nas is",
    )
    reader = MultipartReader(CT, MemoryStream(data, max_piece=max_piece))
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    assert await part.read(decode=True) == raw
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    assert await part.text() == "café softbreak = equals\r\nline two"
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    assert await part.read(decode=True) == b"as is"


@pytest.mark.parametrize(
    ("headers", "payload"),
    [
        (b"Content-Transfer-Encoding: base64", b"not base64!"),
        (b"Content-Transfer-Encoding: base64", b"QUJD="),
        (b"Content-Transfer-Encoding: uuencode", b"x"),
        (b"Content-Encoding: br", b"x"),
        (b"Content-Encoding: gzip", b"not gzip"),
        (b"Content-Encoding: gzip", gzip.compress(b"x" * 100)[:-9]),
    ],
)
@pytest.mark.asyncio
async def test_decode_errors(headers: bytes, payload: bytes) -> None:
    part = await MultipartReader(CT, MemoryStream(body(headers + b"\r\n\r\n" + payload))).next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(PartDecodeError):
        await part.read(decode=True)


@pytest.mark.asyncio
async def test_content_encoding_gzip_and_deflate() -> None:
    text = b"hello " * 1000
    raw_deflate = zlib.compressobj(wbits=-15)
    raw = raw_deflate.compress(text) + raw_deflate.flush()
    data = body(
        b"Content-Encoding: gzip\r\n\r\n" + gzip.compress(text),
        b"Content-Encoding: deflate\r\n\r\n" + zlib.compress(text),
        b"Content-Encoding: deflate\r\n\r\n" + raw,
    )
    reader = MultipartReader(CT, MemoryStream(data, max_piece=100))
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        assert await part.read(decode=True) == text


@pytest.mark.asyncio
async def test_decompression_is_bounded() -> None:
    bomb = gzip.compress(b"\0" * (4 * 1024 * 1024))
    data = body(b"Content-Encoding: gzip\r\n\r\n" + bomb)
    reader = MultipartReader(CT, MemoryStream(data), max_decompressed_size=1024 * 1024)
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(PartDecodeError, match="decompresses to more than"):
        await part.read(decode=True)


@pytest.mark.asyncio
async def test_form_data_parts_are_not_decompressed() -> None:
    payload = gzip.compress(b"x")
    data = body(b"Content-Encoding: gzip\r\n\r\n" + payload)
    reader = MultipartReader(
        {"Content-Type": "multipart/form-data; boundary=bnd"}, MemoryStream(data)
    )
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    assert await part.read(decode=True) == payload


NESTED = (
    b"--outer\r\nContent-Type: text/plain\r\n\r\nbefore\r\n"
    b"--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n"
    b"inner preamble\r\n"
    b"--inner\r\nContent-Type: text/plain\r\n\r\nplain\r\n"
    b"--inner\r\nContent-Type: text/html\r\n\r\n<b>html</b>\r\n"
    b"--inner--\r\ninner epilogue\r\n"
    b"--outer\r\nContent-Type: text/plain\r\n\r\nafter\r\n"
    b"--outer--\r\n"
)
OUTER = {"Content-Type": "multipart/mixed; boundary=outer"}


@pytest.mark.asyncio
@pytest.mark.parametrize("max_piece", [0, 1, 9])
async def test_nested_multipart(max_piece: int) -> None:
    reader = MultipartReader(OUTER, MemoryStream(NESTED, max_piece=max_piece))
    seen: list[object] = []
    async for part in reader:
        if isinstance(part, MultipartReader):
            seen.append([await p.text() async for p in part if isinstance(p, BodyPartReader)])
        else:
            seen.append(await part.text())
    assert seen == ["before", ["plain", "<b>html</b>"], "after"]


@pytest.mark.asyncio
async def test_nested_multipart_released_unread() -> None:
    reader = MultipartReader(OUTER, MemoryStream(NESTED, max_piece=4))
    await reader.next()
    nested = await reader.next()
    assert isinstance(nested, MultipartReader)
    inner = await nested.next()
    assert isinstance(inner, BodyPartReader)
    assert await inner.read_chunk(2) == b"pl"
    last = await reader.next()  # releases the rest of the nested body
    assert isinstance(last, BodyPartReader)
    assert await last.text() == "after"
    assert await reader.next() is None


@pytest.mark.asyncio
async def test_nested_reader_cannot_read_past_its_part() -> None:
    # The inner body never closes: that is an error inside the part, not a read beyond it.
    data = (
        b"--outer\r\nContent-Type: multipart/mixed; boundary=inner\r\n\r\n"
        b"--inner\r\n\r\nunterminated\r\n--outer\r\n\r\nx\r\n--outer--\r\n"
    )
    reader = MultipartReader(OUTER, MemoryStream(data))
    nested = await reader.next()
    assert isinstance(nested, MultipartReader)
    with pytest.raises(TruncatedMultipart):
        await nested.release()


@pytest.mark.asyncio
async def test_release_skips_everything() -> None:
    stream = MemoryStream(body(b"\r\n" + b"x" * 100_000, b"\r\ny"))
    reader = MultipartReader(CT, stream)
    await reader.release()
    assert reader.at_eof()


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain; boundary=bnd",
        "multipart/mixed",
        "multipart/mixed; boundary=",
        'multipart/mixed; boundary=""',
        "multipart/mixed; boundary=" + "x" * 201,
        'multipart/mixed; boundary="ends with space "',
        "multipart/mixed; boundary=a; boundary=b",
        "multipart/mixed; boundary=\x01",
        "multipart/",
    ],
)
def test_invalid_boundary(content_type: str | None) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    with pytest.raises(InvalidBoundary):
        MultipartReader(headers, MemoryStream(b""))


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (b"", TruncatedMultipart, "first boundary"),
        (b"no boundary here at all", TruncatedMultipart, "first boundary"),
        (b"--other\r\n\r\nx\r\n--other--\r\n", TruncatedMultipart, "first boundary"),
        (b"--bnd\r\n\r\nbody without end", TruncatedMultipart, "closing boundary"),
        (b"--bnd\r\nX-A: 1\r\n", TruncatedMultipart, "headers"),
        (b"--bnd", TruncatedMultipart, "after a boundary"),
        (b"--bnd\r\n\r\nx\r\n--bndjunk\r\n", MalformedMultipart, "after a boundary"),
        (b"--bnd\r\n\r\nx\r\n--bnd--junk\r\n", MalformedMultipart, "closing boundary"),
        (b"--bnd\r\nX-A: 1\nX-B: 2\r\n\r\n\r\n--bnd--", PartHeaderError, "control character"),
        (b"--bnd\r\nX-A: a\rb\r\n\r\n\r\n--bnd--", PartHeaderError, "control character"),
        (b"--bnd\r\nX-A: a\x00b\r\n\r\n\r\n--bnd--", PartHeaderError, "control character"),
        (b"--bnd\r\nX-A: 1\r\n  folded\r\n\r\n\r\n--bnd--", PartHeaderError, "folded"),
        (b"--bnd\r\nno colon\r\n\r\n\r\n--bnd--", PartHeaderError, "invalid"),
        (b"--bnd\r\nBad Name: 1\r\n\r\n\r\n--bnd--", PartHeaderError, "invalid"),
        (
            b"--bnd\r\nContent-Type: a/b\r\ncontent-type: c/d\r\n\r\n\r\n--bnd--",
            PartHeaderError,
            "duplicate",
        ),
    ],
)
@pytest.mark.asyncio
async def test_malformed_bodies(data: bytes, error: type[Exception], message: str) -> None:
    for max_piece in (0, 1):
        reader = MultipartReader(CT, MemoryStream(data, max_piece=max_piece))
        with pytest.raises(error, match=message):
            await reader.release()


@pytest.mark.asyncio
async def test_GHSA_m5qp_6w8w_w647_too_many_part_headers() -> None:
    headers = b"".join(b"X-H%d: v\r\n" % i for i in range(100_000))
    stream = MemoryStream(b"--bnd\r\n" + headers + b"\r\nbody\r\n--bnd--\r\n")
    reader = MultipartReader(CT, stream, max_part_headers=32)
    with pytest.raises(PartHeaderError, match="Too many headers received: more than 32 "):
        await reader.next()
    assert stream.delivered < 64 * 1024 + 100  # refused within one read, not after all of it


@pytest.mark.asyncio
@pytest.mark.parametrize("max_piece", [0, 100])
async def test_GHSA_m5qp_6w8w_w647_header_line_too_long_across_reads(max_piece: int) -> None:
    line = b"X-Long: " + b"a" * 10_000_000
    stream = MemoryStream(b"--bnd\r\n" + line + b"\r\n\r\n\r\n--bnd--", max_piece=max_piece)
    reader = MultipartReader(CT, stream, max_header_line=8190)
    with pytest.raises(PartHeaderError, match="Got more than 8190 bytes"):
        await reader.next()
    assert stream.delivered < 8190 + 64 * 1024 + 100


@pytest.mark.asyncio
async def test_GHSA_m5qp_6w8w_w647_padding_after_boundary_is_bounded() -> None:
    stream = MemoryStream(b"--bnd" + b" " * 1_000_000 + b"\r\n\r\n\r\n--bnd--")
    with pytest.raises(PartHeaderError):
        await MultipartReader(CT, stream, max_header_line=1000).next()
    assert stream.delivered < 1000 + 64 * 1024 + 100


@pytest.mark.asyncio
async def test_too_many_parts() -> None:
    data = body(*[b"\r\nx"] * 11)
    reader = MultipartReader(CT, MemoryStream(data), max_parts=10)
    with pytest.raises(TooManyParts, match="more than 10 parts"):
        await reader.release()


@pytest.mark.asyncio
async def test_max_size_is_enforced_while_reading() -> None:
    stream = MemoryStream(body(b"\r\n" + b"x" * 1_000_000))
    reader = MultipartReader(CT, stream, max_size=10_000)
    with pytest.raises(RequestBodyTooLarge) as info:
        await reader.release()
    assert info.value.max_size == 10_000
    assert info.value.actual_size == 10_001
    assert stream.delivered == 10_001


FRAGMENTS = st.one_of(
    st.sampled_from(
        [
            b"--bnd",
            b"--bnd--",
            b"\r\n--bnd\r\n",
            b"\r\n",
            b"\r\n\r\n",
            b"\r",
            b"\n",
            b"--",
            b"-",
            b" ",
            b'Content-Disposition: form-data; name="a"',
            b'Content-Disposition: form-data; name="f"; filename="x.bin"',
            b"Content-Disposition: form-data; name*=UTF-8''%E2",
            b"Content-Type: multipart/mixed; boundary=inner",
            b"Content-Type: multipart/mixed; boundary=bnd",
            b"--inner",
            b"--inner--",
            b"Content-Transfer-Encoding: base64",
            b"Content-Transfer-Encoding: quoted-printable",
            b"Content-Encoding: gzip",
            b"Content-Type: text/plain; charset=utf-8",
            b"X: y",
            b"=",
            b"\x00",
            b"QUJD",
        ]
    ),
    st.binary(max_size=16),
)
BODIES = st.builds(
    lambda opening, middle, closing: opening + b"".join(middle) + closing,
    st.sampled_from([b"", b"--bnd\r\n", b"--bnd\r\nX: y\r\n\r\n"]),
    st.lists(FRAGMENTS, max_size=40),
    st.sampled_from([b"", b"\r\n--bnd--\r\n", b"\r\n--bnd--"]),
)


async def _consume(reader: MultipartReader) -> None:
    async for part in reader:
        if isinstance(part, MultipartReader):
            await _consume(part)
            continue
        _ = part.name, part.filename
        await part.read_chunk(3)
        await part.text()


@given(
    data=BODIES, max_piece=st.integers(0, 8), content_type=st.sampled_from(["mixed", "form-data"])
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_GHSA_5m98_qgg9_wh84_malformed_multipart_terminates(
    data: bytes, max_piece: int, content_type: str
) -> None:
    async def run() -> None:
        stream = MemoryStream(data, max_piece=max_piece)
        headers = {"Content-Type": f"multipart/{content_type}; boundary=bnd"}
        reader = MultipartReader(headers, stream, max_size=4096, max_parts=20)
        with contextlib.suppress(MultipartError, RequestBodyTooLarge):
            await asyncio.wait_for(_consume(reader), timeout=5)

    asyncio.run(run())


@pytest.mark.asyncio
async def test_errors_are_sticky() -> None:
    stream = MemoryStream(b"--bnd\r\n\r\nbody without end")
    reader = MultipartReader(CT, stream)
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(TruncatedMultipart):
        await part.read()
    eof_reads = stream.eof_reads
    for _ in range(3):  # a caller that retries gets the same error, and nothing is read
        with pytest.raises(TruncatedMultipart):
            await reader.next()
    assert stream.eof_reads == eof_reads


@pytest.mark.asyncio
async def test_nothing_is_read_after_the_size_limit() -> None:
    stream = MemoryStream(body(b"\r\n" + b"x" * 100_000))
    reader = MultipartReader(CT, stream, max_size=1000)
    for _ in range(3):
        with pytest.raises(RequestBodyTooLarge):
            await reader.release()
    assert stream.delivered == 1001


@pytest.mark.asyncio
async def test_read_chunk_size_must_be_positive() -> None:
    part = await MultipartReader(CT, MemoryStream(body(b"\r\nx"))).next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(ValueError, match="positive"):
        await part.read_chunk(0)
