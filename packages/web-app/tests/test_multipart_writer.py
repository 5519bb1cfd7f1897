"""MultipartWriter: serialization, validation, and writer -> reader round trips."""

from __future__ import annotations

import asyncio
import io
import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aioloom.web.bodies._content_disposition import (
    content_disposition_filename,
    content_disposition_header,
    parse_content_disposition,
)
from aioloom.web.bodies._reader import BodyPartReader, MultipartReader
from aioloom.web.bodies._stream import BodyStream, ByteWriter
from aioloom.web.bodies._writer import MultipartWriter


class MemoryStream:
    """An in-memory BodyStream that hands data out in random small pieces."""

    def __init__(self, data: bytes, *, max_piece: int = 0, seed: int = 0) -> None:
        self._data = data
        self._max_piece = max_piece
        self._rng = random.Random(seed)
        self.delivered = 0

    async def read(self, n: int = -1) -> bytes:
        if self.delivered >= len(self._data):
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


class Sink:
    def __init__(self) -> None:
        self.data = bytearray()

    async def write(self, data: bytes) -> None:
        self.data += data


_: BodyStream = MemoryStream(b"")
__: ByteWriter = Sink()


async def serialize(writer: MultipartWriter) -> bytes:
    sink = Sink()
    await writer.write(sink)
    return bytes(sink.data)


@pytest.mark.asyncio
async def test_serialization_and_size(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7 ...")
    with MultipartWriter("mixed", boundary="b0undary") as mp, path.open("rb") as f:
        mp.append("héllo")
        mp.append(b"\x00\x01", {"X-Id": "7"})
        mp.append_json({"a": 1})
        mp.append_form([("q", "a b"), ("r", "é")])
        mp.append(f)
        assert len(mp) == 5
        assert mp.headers["Content-Type"] == "multipart/mixed; boundary=b0undary"
        size = mp.size
        data = await serialize(mp)
    assert size == len(data)
    assert data == (
        b"--b0undary\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nh\xc3\xa9llo\r\n"
        b"--b0undary\r\nX-Id: 7\r\nContent-Type: application/octet-stream\r\n\r\n\x00\x01\r\n"
        b'--b0undary\r\nContent-Type: application/json\r\n\r\n{"a": 1}\r\n'
        b"--b0undary\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n"
        b"q=a+b&r=%C3%A9\r\n"
        b"--b0undary\r\nContent-Type: application/pdf\r\n"
        b'Content-Disposition: attachment; filename="report.pdf"\r\n\r\n%PDF-1.7 ...\r\n'
        b"--b0undary--\r\n"
    )


@pytest.mark.asyncio
async def test_str_uses_the_given_charset_and_bytesio_size() -> None:
    mp = MultipartWriter("form-data")
    mp.append("é", {"Content-Type": "text/plain; charset=latin-1"})
    buf = io.BytesIO(b"0123456789")
    buf.seek(4)
    mp.append(buf)
    size = mp.size  # a file part's size is what remains from its position
    data = await serialize(mp)
    assert b"\r\n\r\n\xe9\r\n" in data
    assert b"\r\n\r\n456789\r\n" in data
    assert size == len(data)


def test_unknown_size_for_unsized_streams() -> None:
    class Pipe(io.RawIOBase):
        def readable(self) -> bool:
            return True

    mp = MultipartWriter()
    mp.append(io.BufferedReader(Pipe()))
    assert mp.size is None


def test_default_boundary_is_random_and_quoted_when_needed() -> None:
    assert MultipartWriter().boundary != MultipartWriter().boundary
    mp = MultipartWriter("related", boundary="a b:c")
    assert mp.headers["Content-Type"] == 'multipart/related; boundary="a b:c"'


@pytest.mark.parametrize(
    "boundary", ["", "x" * 71, "ends with space ", "crlf\r\n", 'quote"', "é", "semi;colon"]
)
def test_invalid_boundary_rejected(boundary: str) -> None:
    with pytest.raises(ValueError, match="boundary"):
        MultipartWriter(boundary=boundary)


def test_invalid_subtype_rejected() -> None:
    with pytest.raises(ValueError, match="subtype"):
        MultipartWriter("mixed; boundary=x")


@pytest.mark.parametrize(
    "headers",
    [
        {"X-A": "value\r\nInjected: yes"},
        {"X-A": "value\nx"},
        {"X-A": "nul\x00"},
        {"Bad Name": "x"},
        {"X-A\r\nInjected": "x"},
    ],
)
def test_crlf_in_part_headers_rejected(headers: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="header"):
        MultipartWriter().append(b"x", headers)


@pytest.mark.asyncio
async def test_headers_changed_after_append_are_checked_when_written() -> None:
    mp = MultipartWriter()
    part = mp.append(b"x")
    part.headers["X-A"] = "a\r\nInjected: 1"
    with pytest.raises(ValueError, match="control character"):
        await serialize(mp)


def test_text_files_rejected(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x")
    with path.open() as f, pytest.raises(TypeError, match="binary"):
        MultipartWriter().append(f)  # type: ignore[arg-type]


def test_content_disposition_header() -> None:
    assert content_disposition_header("attachment", filename="a.txt") == (
        'attachment; filename="a.txt"'
    )
    assert content_disposition_header("form-data", name='q"uo\\te') == (
        'form-data; name="q\\"uo\\\\te"'
    )
    value = content_disposition_header("attachment", filename="€ rates.csv")
    assert value == "attachment; filename=\"_ rates.csv\"; filename*=utf-8''%E2%82%AC%20rates.csv"
    assert content_disposition_filename(parse_content_disposition(value)[1]) == "€ rates.csv"
    raw = content_disposition_header("form-data", quote_fields=False, name="é")
    assert raw == 'form-data; name="é"'
    with pytest.raises(ValueError, match="Content-Disposition"):
        content_disposition_header("attachment", filename="a\r\nb")
    with pytest.raises(ValueError, match="Content-Disposition"):
        content_disposition_header("attachment", **{"bad key": "x"})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="type"):
        content_disposition_header("attach ment")


@pytest.mark.asyncio
async def test_set_content_disposition_round_trip() -> None:
    mp = MultipartWriter("form-data")
    mp.append("v").set_content_disposition("form-data", name="field")
    mp.append(b"\x89PNG").set_content_disposition("form-data", name="img", filename="é.png")
    reader = MultipartReader(mp.headers, MemoryStream(await serialize(mp), max_piece=3))
    got = []
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        got.append((part.name, part.filename, await part.read()))
    assert got == [("field", None, b"v"), ("img", "é.png", b"\x89PNG")]


@pytest.mark.asyncio
async def test_nested_writer_round_trip() -> None:
    inner = MultipartWriter("alternative")
    inner.append("plain")
    inner.append("<b>html</b>", {"Content-Type": "text/html"})
    outer = MultipartWriter("mixed")
    outer.append_json({"k": "v"})
    outer.append(inner)
    data = await serialize(outer)
    assert outer.size == len(data)
    reader = MultipartReader(outer.headers, MemoryStream(data, max_piece=5))
    first = await reader.next()
    assert isinstance(first, BodyPartReader)
    assert await first.json() == {"k": "v"}
    nested = await reader.next()
    assert isinstance(nested, MultipartReader)
    texts = [await p.text() async for p in nested if isinstance(p, BodyPartReader)]
    assert texts == ["plain", "<b>html</b>"]
    assert await reader.next() is None


HEADER_VALUES = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\x7f"), max_size=20
).map(str.strip)
PART = st.tuples(
    st.binary(max_size=300),
    st.none() | st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=20),
    st.dictionaries(st.sampled_from(["X-A", "X-B", "X-Long-Name"]), HEADER_VALUES, max_size=2),
)


@given(parts=st.lists(PART, max_size=6), max_piece=st.integers(0, 50), nest=st.booleans())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_writer_reader_round_trip(
    parts: list[tuple[bytes, str | None, dict[str, str]]], max_piece: int, nest: bool
) -> None:
    async def run() -> None:
        mp = MultipartWriter("mixed")
        for payload, filename, headers in parts:
            part = mp.append(payload, headers)
            if filename is not None:
                part.set_content_disposition("attachment", filename=filename)
        top = mp
        if nest:
            top = MultipartWriter("mixed")
            top.append(b"first")
            top.append(mp)
        data = await serialize(top)
        assert top.size == len(data)
        reader = MultipartReader(
            top.headers, MemoryStream(data, max_piece=max_piece, seed=len(data))
        )
        if nest:
            first = await reader.next()
            assert isinstance(first, BodyPartReader)
            assert await first.read() == b"first"
            inner = await reader.next()
            assert isinstance(inner, MultipartReader)
        else:
            inner = reader
        got: list[tuple[bytes, str | None, dict[str, str]]] = []
        async for received in inner:
            assert isinstance(received, BodyPartReader)
            extra = {k: v for k, v in received.headers.items() if k.startswith("X-")}
            got.append((await received.read(), received.filename, extra))
        assert got == [(p, fn, h) for p, fn, h in parts]
        assert await reader.next() is None

    asyncio.run(run())


def test_json_helper_matches_json_dumps() -> None:
    mp = MultipartWriter()
    part = mp.append_json([1, "é"])
    assert part.size == len(json.dumps([1, "é"]).encode())
