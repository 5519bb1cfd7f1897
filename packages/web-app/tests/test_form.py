"""read_form(): request.post() for urlencoded and multipart/form-data bodies."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import io
import random
import tracemalloc
from typing import IO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aioloom.web.bodies import _form
from aioloom.web.bodies._errors import (
    BadContentDisposition,
    FormError,
    MultipartError,
    PartHeaderError,
    RequestBodyTooLarge,
    TooManyFields,
    TooManyParts,
    TruncatedMultipart,
)
from aioloom.web.bodies._form import FileField, read_form
from aioloom.web.bodies._stream import BodyStream

MiB = 1024 * 1024
FORM = "multipart/form-data; boundary=bnd"


class MemoryStream:
    """An in-memory BodyStream that hands data out in random small pieces."""

    def __init__(self, data: bytes, *, max_piece: int = 0, seed: int = 0) -> None:
        self._data = data
        self._max_piece = max_piece
        self._rng = random.Random(seed)
        self.delivered = 0
        self.eof_reads = 0

    async def read(self, n: int = -1) -> bytes:
        await asyncio.sleep(0)
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


def field(name: str, value: bytes, *, headers: bytes = b"", filename: str | None = None) -> bytes:
    disp = f'Content-Disposition: form-data; name="{name}"'
    if filename is not None:
        disp += f'; filename="{filename}"'
    return b"--bnd\r\n" + disp.encode() + b"\r\n" + headers + b"\r\n" + value + b"\r\n"


def form_body(*fields: bytes) -> bytes:
    return b"".join(fields) + b"--bnd--\r\n"


# -- urlencoded ------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", ""])
async def test_urlencoded(content_type: str) -> None:
    stream = MemoryStream(b"a=1&b=%C3%A9+x&a=2&empty=&flag\r\n", max_piece=3)
    form = await read_form(content_type, stream, max_size=1000)
    assert list(form.fields.items()) == [
        ("a", "1"),
        ("b", "é x"),
        ("a", "2"),
        ("empty", ""),
        ("flag", ""),
    ]


@pytest.mark.asyncio
async def test_urlencoded_charset_parameter() -> None:
    stream = MemoryStream(b"name=caf%E9")
    form = await read_form(
        "application/x-www-form-urlencoded; charset=latin-1", stream, max_size=1000
    )
    assert form.fields["name"] == "café"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("content_type", "data", "error"),
    [
        ("application/x-www-form-urlencoded", b"a=%FF", FormError),
        ("application/x-www-form-urlencoded; charset=nope", b"a=1", FormError),
        ("application/x-www-form-urlencoded", b"&".join([b"a=1"] * 11), TooManyFields),
        ("application/x-www-form-urlencoded; =", b"", FormError),
    ],
)
async def test_urlencoded_errors(content_type: str, data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        await read_form(content_type, MemoryStream(data), max_size=1000, max_fields=10)


@pytest.mark.asyncio
async def test_urlencoded_max_size_while_reading() -> None:
    stream = MemoryStream(b"a=" + b"x" * 10 * MiB)
    with pytest.raises(RequestBodyTooLarge) as info:
        await read_form("application/x-www-form-urlencoded", stream, max_size=1000)
    assert (info.value.max_size, info.value.actual_size) == (1000, 1001)
    assert stream.delivered == 1001


@pytest.mark.asyncio
async def test_other_content_types_are_not_read() -> None:
    stream = MemoryStream(b'{"a": 1}')
    form = await read_form("application/json", stream, max_size=1000)
    assert len(form.fields) == 0
    assert stream.delivered == 0


# -- multipart/form-data ---------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("max_piece", [0, 1, 13])
async def test_multipart_fields_and_files(max_piece: int) -> None:
    data = form_body(
        field("text", "café".encode()),
        field(
            "latin",
            "café".encode("latin-1"),
            headers=b"Content-Type: text/plain; charset=latin-1\r\n",
        ),
        field("blob", b"\x00\x01", headers=b"Content-Type: application/octet-stream\r\n"),
        field(
            "mp3",
            b"ID3" + bytes(range(256)),
            headers=b"Content-Type: audio/mpeg\r\n",
            filename="song.mp3",
        ),
        field("nameless", b"", filename=""),
        field("text", b"second"),
    )
    form = await read_form(FORM, MemoryStream(data, max_piece=max_piece), max_size=10_000)
    with form:
        fields = form.fields
        assert fields.getall("text") == ["café", "second"]
        assert fields["latin"] == "café"
        assert fields["blob"] == b"\x00\x01"
        assert fields["nameless"] == ""  # filename="" is a plain field, as in aiohttp
        mp3 = fields["mp3"]
        assert isinstance(mp3, FileField)
        assert (mp3.name, mp3.filename, mp3.content_type) == ("mp3", "song.mp3", "audio/mpeg")
        assert mp3.headers["Content-Type"] == "audio/mpeg"
        assert mp3.file.read() == b"ID3" + bytes(range(256))  # the seed's upload example
        with pytest.raises(dataclasses.FrozenInstanceError):
            mp3.filename = "x"  # type: ignore[misc]
    assert mp3.file.closed


@pytest.mark.asyncio
async def test_file_field_rfc5987_name_base64_and_default_type() -> None:
    data = form_body(
        b'--bnd\r\nContent-Disposition: form-data; name="f"; filename="fallback"; '
        b"filename*=UTF-8''%E2%82%AC%20rates.csv\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(b"a,b\r\n1,2\r\n" * 50)
        + b"\r\n"
    )
    form = await read_form(FORM, MemoryStream(data, max_piece=5), max_size=10_000)
    f = form.fields["f"]
    assert isinstance(f, FileField)
    assert f.filename == "€ rates.csv"
    assert f.content_type == "application/octet-stream"
    assert f.file.read() == b"a,b\r\n1,2\r\n" * 50
    form.close()


@pytest.mark.asyncio
async def test_large_upload_spills_to_a_temporary_file(monkeypatch: pytest.MonkeyPatch) -> None:
    created: list[IO[bytes]] = []
    original = _form._temporary_file

    def spy(directory: str | None) -> IO[bytes]:
        f = original(directory)
        created.append(f)
        return f

    monkeypatch.setattr(_form, "_temporary_file", spy)
    payload = random.Random(1).randbytes(300_000)
    data = form_body(
        field("small", b"s" * 10, filename="s.txt"), field("big", payload, filename="b.bin")
    )
    form = await read_form(FORM, MemoryStream(data), max_size=MiB, spool_threshold=100_000)
    small, big = form.fields["small"], form.fields["big"]
    assert isinstance(small, FileField)
    assert isinstance(big, FileField)
    assert isinstance(small.file, io.BytesIO)
    assert created == [big.file]
    assert big.file.read() == payload
    form.close()
    assert big.file.closed
    assert small.file.closed


@pytest.mark.asyncio
async def test_files_are_closed_when_parsing_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    created: list[IO[bytes]] = []
    original = _form._temporary_file

    def spy(directory: str | None) -> IO[bytes]:
        created.append(original(directory))
        return created[-1]

    monkeypatch.setattr(_form, "_temporary_file", spy)
    data = field("big", b"x" * 5000, filename="b.bin") + b"--bnd\r\nbroken header\r\n\r\n"
    with pytest.raises(PartHeaderError):
        await read_form(FORM, MemoryStream(data), max_size=MiB, spool_threshold=100)
    assert len(created) == 1
    assert created[0].closed


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (form_body(b"--bnd\r\n\r\nno disposition\r\n"), BadContentDisposition, "missing name"),
        (
            form_body(b"--bnd\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n"),
            BadContentDisposition,
            "form-data",
        ),
        (
            form_body(b"--bnd\r\nContent-Disposition: form-data\r\n\r\nx\r\n"),
            BadContentDisposition,
            "name",
        ),
        (
            form_body(
                b"--bnd\r\nContent-Disposition: form-data; name=n\r\n"
                b"Content-Type: multipart/mixed; boundary=in\r\n\r\n--in--\r\n"
            ),
            MultipartError,
            "nested",
        ),
        (
            form_body(field("t", b"\xff", headers=b"Content-Type: text/plain\r\n")),
            MultipartError,
            "not valid utf-8",
        ),
        (
            form_body(field("t", b"x", headers=b"Content-Type: text/plain; charset=nope\r\n")),
            MultipartError,
            "unknown charset",
        ),
        (field("t", b"x"), TruncatedMultipart, "closing boundary"),
        (b"garbage", TruncatedMultipart, "first boundary"),
    ],
)
async def test_malformed_forms(data: bytes, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        await read_form(FORM, MemoryStream(data), max_size=MiB)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "content_type", ["multipart/form-data", "multipart/form-data; boundary=\x7f", "x"]
)
async def test_bad_form_content_type(content_type: str) -> None:
    with pytest.raises(FormError):
        await read_form(content_type, MemoryStream(b""), max_size=MiB)


@pytest.mark.asyncio
async def test_too_many_parts() -> None:
    data = form_body(*[field(f"f{i}", b"") for i in range(6)])
    with pytest.raises(TooManyParts):
        await read_form(FORM, MemoryStream(data), max_size=MiB, max_fields=5)


@pytest.mark.asyncio
async def test_epilogue_is_drained_and_counted() -> None:
    stream = MemoryStream(form_body(field("a", b"1")) + b"epilogue" * 100)
    form = await read_form(FORM, stream, max_size=MiB)
    assert form.fields["a"] == "1"
    assert stream.at_eof()
    with pytest.raises(RequestBodyTooLarge):
        await read_form(FORM, MemoryStream(form_body(field("a", b"1")) + b"e" * 1000), max_size=500)


# -- advisories ------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_GHSA_6jhg_hg63_jvvf_many_small_fields_count_toward_max_size() -> None:
    data = form_body(*[field(f"f{i}", b"v" * 900) for i in range(200)])
    stream = MemoryStream(data)
    with pytest.raises(RequestBodyTooLarge) as info:
        await read_form(FORM, stream, max_size=64 * 1024)
    assert info.value.max_size == 64 * 1024
    assert stream.delivered == 64 * 1024 + 1  # stopped reading at the limit


@pytest.mark.asyncio
@pytest.mark.parametrize("filename", [None, "upload.bin"])
async def test_GHSA_3wq7_rqq7_wx6j_one_large_field_refused_while_reading(
    filename: str | None,
) -> None:
    data = form_body(field("big", b"x" * 20 * MiB, filename=filename))
    stream = MemoryStream(data)
    tracemalloc.start()
    try:
        with pytest.raises(RequestBodyTooLarge):
            await read_form(FORM, stream, max_size=MiB, spool_threshold=MiB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert stream.delivered == MiB + 1
    assert peak < 4 * MiB


@pytest.mark.asyncio
async def test_GHSA_m5qp_6w8w_w647_form_part_headers_bounded() -> None:
    many = b"--bnd\r\n" + b"X-H: v\r\n" * 100_000 + b"\r\nx\r\n--bnd--\r\n"
    stream = MemoryStream(many)
    with pytest.raises(PartHeaderError, match="Too many headers received: more than 8 "):
        await read_form(FORM, stream, max_size=100 * MiB, max_part_headers=8)
    assert stream.delivered < 70_000
    long_line = b"--bnd\r\nX-H: " + b"v" * 10 * MiB + b"\r\n\r\nx\r\n--bnd--\r\n"
    stream = MemoryStream(long_line, max_piece=1000)
    with pytest.raises(PartHeaderError, match="more than 1000 bytes"):
        await read_form(FORM, stream, max_size=100 * MiB, max_header_line=1000)
    assert stream.delivered < 70_000


class GeneratedUpload:
    """A multipart body with a ``size``-byte file, generated as it is read."""

    BLOCK = bytes(range(256)) * 256  # 64 KiB

    def __init__(self, size: int) -> None:
        self._head = field("f", b"", filename="big.bin")[: -len(b"\r\n")]
        self._tail = b"\r\n" + field("after", b"done") + b"--bnd--\r\n"
        self._size = size
        self._pos = 0
        self.total = len(self._head) + size + len(self._tail)

    async def read(self, n: int = -1) -> bytes:
        head, size = len(self._head), self._size
        n = self.total if n < 0 else n
        if self._pos < head:
            chunk = self._head[self._pos : self._pos + n]
        elif self._pos < head + size:
            offset = (self._pos - head) % len(self.BLOCK)
            k = min(n, head + size - self._pos, len(self.BLOCK) - offset)
            chunk = self.BLOCK[offset : offset + k]
        else:
            start = self._pos - head - size
            chunk = self._tail[start : start + n]
        self._pos += len(chunk)
        return chunk

    def at_eof(self) -> bool:
        return self._pos >= self.total


@pytest.mark.asyncio
async def test_50_MiB_upload_spills_to_disk_with_bounded_memory() -> None:
    size = 50 * MiB
    stream = GeneratedUpload(size)
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        form = await read_form(FORM, stream, max_size=60 * MiB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak - baseline < 10 * MiB
    with form:
        assert form.fields["after"] == "done"
        f = form.fields["f"]
        assert isinstance(f, FileField)
        assert not isinstance(f.file, io.BytesIO)
        digest = hashlib.sha256()
        while chunk := f.file.read(MiB):
            digest.update(chunk)
        expected = hashlib.sha256(GeneratedUpload.BLOCK * (size // len(GeneratedUpload.BLOCK)))
        assert digest.hexdigest() == expected.hexdigest()


# -- fuzz ------------------------------------------------------------------------------


@st.composite
def corrupted_forms(draw: st.DrawFn) -> bytes:
    """Valid forms, then truncated, spliced or with bytes overwritten."""
    parts = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["a", "b", "f"]),
                st.binary(max_size=30),
                st.sampled_from([None, "x.bin", ""]),
                st.sampled_from(
                    [b"", b"Content-Type: text/plain\r\n", b"Content-Transfer-Encoding: base64\r\n"]
                ),
            ),
            max_size=5,
        )
    )
    data = bytearray(form_body(*[field(n, v, filename=fn, headers=h) for n, v, fn, h in parts]))
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["truncate", "overwrite", "insert", "delete"]))
        pos = draw(st.integers(0, len(data)))
        if op == "truncate":
            del data[pos:]
        elif op == "overwrite" and pos < len(data):
            data[pos] = draw(st.sampled_from(b'\r\n-\x00 ;="b'))
        elif op == "insert":
            data[pos:pos] = draw(
                st.sampled_from([b"--bnd", b"\r\n", b"--bnd--", b"\r\n\r\n", b"\n"])
            )
        else:
            del data[pos : pos + draw(st.integers(1, 8))]
    return bytes(data)


@given(data=corrupted_forms(), max_piece=st.integers(0, 6))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_GHSA_5m98_qgg9_wh84_corrupted_forms_terminate(data: bytes, max_piece: int) -> None:
    async def run() -> None:
        stream = MemoryStream(data, max_piece=max_piece)
        try:
            form = await asyncio.wait_for(
                read_form(FORM, stream, max_size=2048, max_fields=10, spool_threshold=16),
                timeout=5,
            )
        except (MultipartError, RequestBodyTooLarge):
            return
        form.close()

    asyncio.run(run())
