"""FileResponse over a real socket: validators, every conditional and range case, siblings."""

from __future__ import annotations

import asyncio
import gzip
import os
import shutil
import subprocess
import zlib
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path

import aiohttp
import pytest

from aioloom import web
from aioloom.testing import AioloomClient

from .conftest import ServeFactory

pytestmark = pytest.mark.asyncio

BODY = bytes(range(256)) * 40  # 10240 bytes


def curl_path() -> str:
    curl = shutil.which("curl")
    if curl is None:
        if os.environ.get("CI") == "true":
            pytest.fail("curl is required in CI")
        pytest.skip("curl is not installed")
    return curl


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "data.bin").write_bytes(BODY)
    (tmp_path / "page.html").write_text("<p>hi</p>")
    (tmp_path / "notes.txt").write_text("plain text\n")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "archive.tar.gz").write_bytes(gzip.compress(b"tar"))
    (tmp_path / "app.css").write_text("console.log('original');\n" * 50)
    (tmp_path / "app.css.gz").write_bytes(gzip.compress(b"console.log('gzip');\n"))
    (tmp_path / "app.css.br").write_bytes(b"not really brotli")
    return tmp_path


def make_app(root: Path, **response_kwargs: object) -> web.Application:
    async def send(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(root / request.match_info["name"], **response_kwargs)  # type: ignore[arg-type]

    app = web.Application()
    app.router.add_route("*", "/f/{name}", send)
    return app


def validators(path: Path) -> tuple[str, str, int]:
    info = path.stat()
    etag = f'"{info.st_mtime_ns:x}-{info.st_size:x}"'
    seconds = -(-info.st_mtime_ns // 1_000_000_000)
    return etag, formatdate(seconds, usegmt=True), seconds


async def raw_exchange(port: int, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        async with asyncio.timeout(10):
            return await reader.read()
    finally:
        writer.close()
        await writer.wait_closed()


# -- the basics ----------------------------------------------------------------------------


async def test_file_is_sent_with_type_validators_and_accept_ranges(
    aioloom_client: AioloomClient, files: Path
) -> None:
    client = await aioloom_client(make_app(files))
    response = await client.get("/f/data.bin")
    assert response.status == 200
    assert await response.read() == BODY
    etag, last_modified, _ = validators(files / "data.bin")
    assert response.headers["ETag"] == etag
    assert response.headers["Last-Modified"] == last_modified
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Content-Length"] == str(len(BODY))
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert "Vary" not in response.headers  # no sibling: nothing varies


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("page.html", "text/html"),
        ("notes.txt", "text/plain"),  # no charset added, as aiohttp
        ("archive.tar.gz", "application/gzip"),  # a compressed file is what it is
    ],
)
async def test_content_type_from_the_name(
    aioloom_client: AioloomClient, files: Path, name: str, content_type: str
) -> None:
    client = await aioloom_client(make_app(files))
    response = await client.get(f"/f/{name}", headers={"Accept-Encoding": "identity"})
    assert response.headers["Content-Type"] == content_type
    assert "Content-Encoding" not in response.headers


async def test_explicit_content_type_status_and_headers_are_kept(
    aioloom_client: AioloomClient, files: Path
) -> None:
    client = await aioloom_client(
        make_app(files, status=203, headers={"Content-Type": "x/y", "X-Extra": "1"})
    )
    response = await client.get("/f/notes.txt")
    assert response.status == 203
    assert response.headers["Content-Type"] == "x/y"
    assert response.headers["X-Extra"] == "1"


async def test_head_has_headers_but_no_body(aioloom_client: AioloomClient, files: Path) -> None:
    client = await aioloom_client(make_app(files))
    response = await client.head("/f/data.bin")
    assert response.status == 200
    assert response.headers["Content-Length"] == str(len(BODY))
    assert await response.read() == b""
    # Raw: nothing follows the head, and the connection stays usable.
    raw = await raw_exchange(
        client.server.port,
        b"HEAD /f/data.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /f/notes.txt HTTP/1.1\r\nHost: x\r\n"
        b"Connection: close\r\n\r\n",
    )
    assert raw.count(b"HTTP/1.1 200 OK") == 2
    assert raw.endswith(b"\r\n\r\nplain text\n")


async def test_empty_file(aioloom_client: AioloomClient, files: Path) -> None:
    client = await aioloom_client(make_app(files))
    response = await client.get("/f/empty.txt")
    assert response.status == 200
    assert response.headers["Content-Length"] == "0"
    assert await response.read() == b""


async def test_missing_file_is_404_and_special_file_403(
    aioloom_client: AioloomClient, files: Path
) -> None:
    os.mkfifo(files / "pipe")
    client = await aioloom_client(make_app(files))
    assert (await client.get("/f/nope.txt")).status == 404
    response = await client.get("/f/pipe")  # must not block on opening a FIFO
    assert response.status == 403


@pytest.mark.both_loops
async def test_large_file_and_ranges_on_both_loops(
    aioloom_client: AioloomClient, files: Path
) -> None:
    # asyncio's loop uses the kernel's sendfile; uvloop has none, so chunked reads.
    big = os.urandom(2 * 1024 * 1024 + 5)
    (files / "big.bin").write_bytes(big)
    client = await aioloom_client(make_app(files, chunk_size=100_000))
    assert await (await client.get("/f/big.bin")).read() == big
    response = await client.get("/f/big.bin", headers={"Range": "bytes=-300000"})
    assert response.status == 206
    assert await response.read() == big[-300000:]
    raw = await raw_exchange(
        client.server.port,
        b"HEAD /f/big.bin HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /f/big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=5-9\r\nConnection: close\r\n\r\n",
    )
    assert raw.count(b"HTTP/1.1 ") == 2
    assert raw.endswith(b"\r\n\r\n" + big[5:10])


async def test_large_file_via_sendfile_and_via_the_fallback(
    aioloom_client: AioloomClient, files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = os.urandom(3 * 1024 * 1024 + 17)
    (files / "big.bin").write_bytes(big)
    client = await aioloom_client(make_app(files, chunk_size=64 * 1024))
    assert await (await client.get("/f/big.bin")).read() == big

    calls: list[int] = []

    async def no_sendfile(*args: object, **kwargs: object) -> int:
        calls.append(1)
        raise NotImplementedError

    monkeypatch.setattr(asyncio.get_running_loop(), "sendfile", no_sendfile)
    assert await (await client.get("/f/big.bin")).read() == big
    response = await client.get("/f/big.bin", headers={"Range": "bytes=100-1048675"})
    assert response.status == 206
    assert await response.read() == big[100:1048676]
    assert calls == [1, 1]


# -- conditional requests (RFC 9110 §13) -----------------------------------------------------


async def test_if_none_match(aioloom_client: AioloomClient, files: Path) -> None:
    client = await aioloom_client(make_app(files))
    etag, last_modified, _ = validators(files / "data.bin")
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = await client.get("/f/data.bin", headers={"If-None-Match": header})
        assert response.status == 304, header
        assert await response.read() == b""
        assert response.headers["ETag"] == etag
        assert response.headers["Last-Modified"] == last_modified
        assert "Content-Length" not in response.headers
    head = await client.head("/f/data.bin", headers={"If-None-Match": etag})
    assert head.status == 304
    response = await client.get("/f/data.bin", headers={"If-None-Match": '"other"'})
    assert response.status == 200
    # Not GET/HEAD: a matching If-None-Match is a failed precondition.
    response = await client.request("POST", "/f/data.bin", headers={"If-None-Match": etag})
    assert response.status == 412


async def test_if_modified_since(aioloom_client: AioloomClient, files: Path) -> None:
    client = await aioloom_client(make_app(files))
    _, last_modified, seconds = validators(files / "data.bin")
    response = await client.get("/f/data.bin", headers={"If-Modified-Since": last_modified})
    assert response.status == 304
    later = formatdate(seconds + 3600, usegmt=True)
    assert (await client.get("/f/data.bin", headers={"If-Modified-Since": later})).status == 304
    earlier = formatdate(seconds - 1, usegmt=True)
    response = await client.get("/f/data.bin", headers={"If-Modified-Since": earlier})
    assert response.status == 200
    assert await response.read() == BODY
    # Not a date: ignored.
    response = await client.get("/f/data.bin", headers={"If-Modified-Since": "yesterday"})
    assert response.status == 200


async def test_if_none_match_takes_precedence_over_if_modified_since(
    aioloom_client: AioloomClient, files: Path
) -> None:
    client = await aioloom_client(make_app(files))
    etag, last_modified, _ = validators(files / "data.bin")
    response = await client.get(
        "/f/data.bin", headers={"If-None-Match": '"other"', "If-Modified-Since": last_modified}
    )
    assert response.status == 200  # the date is not even looked at
    response = await client.get(
        "/f/data.bin",
        headers={"If-None-Match": etag, "If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"},
    )
    assert response.status == 304


async def test_if_match(aioloom_client: AioloomClient, files: Path) -> None:
    client = await aioloom_client(make_app(files))
    etag, _, _ = validators(files / "data.bin")
    for header in (etag, "*", f'"a", {etag}'):
        assert (await client.get("/f/data.bin", headers={"If-Match": header})).status == 200
    for header in ('"other"', f"W/{etag}"):  # strong comparison: a weak tag never matches
        response = await client.get("/f/data.bin", headers={"If-Match": header})
        assert response.status == 412, header
        assert await response.read() == b""


async def test_if_unmodified_since(aioloom_client: AioloomClient, files: Path) -> None:
    client = await aioloom_client(make_app(files))
    _, last_modified, seconds = validators(files / "data.bin")
    headers = {"If-Unmodified-Since": last_modified}
    assert (await client.get("/f/data.bin", headers=headers)).status == 200
    earlier = formatdate(seconds - 10, usegmt=True)
    response = await client.get("/f/data.bin", headers={"If-Unmodified-Since": earlier})
    assert response.status == 412
    # If-Match present: If-Unmodified-Since is not evaluated.
    etag, _, _ = validators(files / "data.bin")
    response = await client.get(
        "/f/data.bin", headers={"If-Match": etag, "If-Unmodified-Since": earlier}
    )
    assert response.status == 200


async def test_precondition_failure_comes_before_not_modified(
    aioloom_client: AioloomClient, files: Path
) -> None:
    client = await aioloom_client(make_app(files))
    etag, _, _ = validators(files / "data.bin")
    response = await client.get(
        "/f/data.bin", headers={"If-Match": '"other"', "If-None-Match": etag}
    )
    assert response.status == 412


# -- ranges (RFC 9110 §14) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "start", "stop"),
    [
        ("bytes=0-0", 0, 1),
        ("bytes=0-99", 0, 100),
        ("bytes=100-", 100, len(BODY)),
        ("bytes=-100", len(BODY) - 100, len(BODY)),
        ("bytes=-999999", 0, len(BODY)),  # a suffix longer than the file: all of it
        ("bytes=10000-999999", 10000, len(BODY)),  # the end is clamped
        (f"bytes={len(BODY) - 1}-", len(BODY) - 1, len(BODY)),
        ("Bytes=5-9", 5, 10),  # the unit is case-insensitive
    ],
)
async def test_single_range(
    aioloom_client: AioloomClient, files: Path, header: str, start: int, stop: int
) -> None:
    client = await aioloom_client(make_app(files))
    response = await client.get("/f/data.bin", headers={"Range": header})
    assert response.status == 206
    assert await response.read() == BODY[start:stop]
    assert response.headers["Content-Range"] == f"bytes {start}-{stop - 1}/{len(BODY)}"
    assert response.headers["Content-Length"] == str(stop - start)
    assert response.headers["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize(
    "header",
    [
        f"bytes={len(BODY)}-",  # starts at the end
        "bytes=999999-9999999",
        "bytes=-0",  # a zero-length suffix
        "bytes=5-1",  # last before first
        "bytes=abc",
        "bytes=-",
        "bytes=1-2-3",
        "bytes= 1-2",
        "bytes=0x10-20",
        "bytes=1234567890123456789-",  # more digits than an offset can have
    ],
)
async def test_unsatisfiable_or_malformed_range_is_416(
    aioloom_client: AioloomClient, files: Path, header: str
) -> None:
    client = await aioloom_client(make_app(files))
    response = await client.get("/f/data.bin", headers={"Range": header})
    assert response.status == 416
    assert response.headers["Content-Range"] == f"bytes */{len(BODY)}"
    assert await response.read() == b""


async def test_range_on_an_empty_file_is_416(aioloom_client: AioloomClient, files: Path) -> None:
    client = await aioloom_client(make_app(files))
    for header in ("bytes=0-", "bytes=-5"):
        response = await client.get("/f/empty.txt", headers={"Range": header})
        assert response.status == 416
        assert response.headers["Content-Range"] == "bytes */0"


@pytest.mark.parametrize(
    "header", ["bytes=0-1,5-6", "bytes=0-1, -3", "items=0-5", "blocks=0-10", "bytes=0--10"]
)
async def test_several_ranges_or_another_unit_are_416_as_in_aiohttp(
    aioloom_client: AioloomClient, files: Path, header: str
) -> None:
    # aiohttp reads one bytes range and nothing else; the RFC would also allow a 200.
    client = await aioloom_client(make_app(files))
    response = await client.get("/f/data.bin", headers={"Range": header})
    assert response.status == 416
    assert response.headers["Content-Range"] == f"bytes */{len(BODY)}"
    assert await response.read() == b""


@pytest.mark.parametrize(
    "digits",
    [
        "\u0661",  # ARABIC-INDIC DIGIT ONE
        "\u0967",  # DEVANAGARI DIGIT ONE
        "\uff11",  # FULLWIDTH DIGIT ONE
        "\U0001d7cf",  # MATHEMATICAL BOLD DIGIT ONE
    ],
)
async def test_GHSA_69f9_5gxw_wvc2_non_ascii_digits_in_range_are_rejected(
    aioloom_client: AioloomClient, files: Path, digits: str
) -> None:
    client = await aioloom_client(make_app(files))
    for spec in (f"bytes={digits}-5", f"bytes=0-{digits}", f"bytes=-{digits}"):
        raw = await raw_exchange(
            client.server.port,
            b"GET /f/data.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\nRange: "
            + spec.encode()
            + b"\r\n\r\n",
        )
        status = raw.split(b" ", 2)[1]
        # Either the parser refuses the non-ASCII header (400) or the range is 416;
        # never a 206 that read the digit as a number.
        assert status in (b"416", b"400"), raw
    # The request.http_range API refuses them too.
    from aioloom.web.http._range import parse_range, select_range

    with pytest.raises(ValueError, match="range"):
        parse_range(f"bytes={digits}-5")
    with pytest.raises(ValueError, match="Range"):
        select_range(f"bytes=0-{digits}", 100)


async def test_GHSA_mqqc_3gqh_h2x8_non_ascii_digits_in_range_are_rejected() -> None:
    # The same rule for request.http_range, the API handlers use.
    from aioloom.web.http._range import parse_range

    for value in ("bytes=\u0661-\u0662", "bytes=-\u0663", "bytes=\u00b9-2"):
        with pytest.raises(ValueError, match="range"):
            parse_range(value)
    assert parse_range("bytes=1-2") == slice(1, 3, 1)


async def test_range_with_head(aioloom_client: AioloomClient, files: Path) -> None:
    client = await aioloom_client(make_app(files))
    response = await client.head("/f/data.bin", headers={"Range": "bytes=0-9"})
    assert response.status == 206
    assert response.headers["Content-Length"] == "10"
    assert await response.read() == b""


async def test_if_range(aioloom_client: AioloomClient, files: Path) -> None:
    client = await aioloom_client(make_app(files))
    etag, last_modified, seconds = validators(files / "data.bin")
    cases = [
        (etag, 206),
        (f"W/{etag}", 200),  # weak tags never match in If-Range
        ('"stale"', 200),
        (last_modified, 206),
        (formatdate(seconds - 60, usegmt=True), 200),  # an older date: changed since
        (formatdate(seconds + 60, usegmt=True), 206),  # not changed since: aiohttp's rule
        ("Fri, 31 Dec 9999 23:59:59 GMT", 206),
        ("not a date", 200),  # neither a tag nor a date: the whole file
    ]
    for if_range, status in cases:
        response = await client.get(
            "/f/data.bin", headers={"Range": "bytes=0-9", "If-Range": if_range}
        )
        assert response.status == status, if_range
        assert await response.read() == (BODY[:10] if status == 206 else BODY)
    # If-Range without Range changes nothing.
    response = await client.get("/f/data.bin", headers={"If-Range": etag})
    assert response.status == 200


async def test_preconditions_come_before_range(aioloom_client: AioloomClient, files: Path) -> None:
    client = await aioloom_client(make_app(files))
    etag, _, _ = validators(files / "data.bin")
    response = await client.get(
        "/f/data.bin", headers={"Range": "bytes=0-1", "If-None-Match": etag}
    )
    assert response.status == 304
    response = await client.get("/f/data.bin", headers={"Range": "bytes=0-1", "If-Match": '"x"'})
    assert response.status == 412


async def test_curl_ranges_and_conditionals(
    aioloom_client: AioloomClient, files: Path, tmp_path: Path
) -> None:
    curl = curl_path()
    client = await aioloom_client(make_app(files))
    url = client.make_url("/f/data.bin")

    async def run(*args: str) -> tuple[bytes, bytes]:
        process = await asyncio.create_subprocess_exec(
            curl, "-sS", "-D", "-", *args, url, stdout=subprocess.PIPE
        )
        out, _ = await process.communicate()
        assert process.returncode == 0
        head, _, body = out.partition(b"\r\n\r\n")
        return head, body

    head, body = await run("-r", "10-19")
    assert head.startswith(b"HTTP/1.1 206")
    assert body == BODY[10:20]
    head, body = await run("-H", "Range: bytes=999999-")
    assert head.startswith(b"HTTP/1.1 416")
    assert f"Content-Range: bytes */{len(BODY)}".encode() in head
    # curl's own conditional GET: -z sends If-Modified-Since.
    head, body = await run("-z", validators(files / "data.bin")[1])
    assert head.startswith(b"HTTP/1.1 304")
    assert body == b""
    # Resume a download with -C.
    partial = tmp_path / "partial.bin"
    partial.write_bytes(BODY[:1000])
    process = await asyncio.create_subprocess_exec(curl, "-sS", "-C", "-", "-o", str(partial), url)
    assert await process.wait() == 0
    assert partial.read_bytes() == BODY


# -- precompressed siblings ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "served"),
    [
        ("gzip", "gzip"),
        ("gzip, br", "br"),  # a tie: the server prefers br
        ("br;q=0.5, gzip;q=0.8", "gzip"),
        ("br;q=0, gzip", "gzip"),  # q=0 means no
        ("br;q=0, gzip;q=0", None),
        ("GZIP", "gzip"),  # codings are case-insensitive
        ("*", "br"),
        ("*;q=0.5, br;q=0", "gzip"),
        ("gzip;q=0.5, identity", None),  # identity preferred
        ("identity", None),
        ("deflate", None),  # no sibling for it
        ("", None),
        ("xgzip, gzipx", None),  # no substring matching
    ],
)
async def test_precompressed_sibling_negotiation(
    aioloom_client: AioloomClient, files: Path, accept: str, served: str | None
) -> None:
    client = await aioloom_client(make_app(files))
    headers = {"Accept-Encoding": accept}
    async with client.http.stream("GET", "/f/app.css", headers=headers) as response:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])  # not decoded
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["Content-Type"] == "text/css"
    assert response.headers.get("Content-Encoding") == served
    suffix = {"gzip": ".gz", "br": ".br", None: ""}[served]
    assert raw == (files / f"app.css{suffix}").read_bytes()
    etag, _, _ = validators(files / f"app.css{suffix}")
    assert response.headers["ETag"] == etag


async def test_precompressed_gzip_sibling_decoded_by_httpx(
    aioloom_client: AioloomClient, files: Path
) -> None:
    client = await aioloom_client(make_app(files))
    response = await client.get("/f/app.css", headers={"Accept-Encoding": "gzip"})
    assert await response.read() == b"console.log('gzip');\n"


async def test_precompressed_sibling_that_is_a_symlink_is_not_used(
    aioloom_client: AioloomClient, files: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.gz"
    outside.write_bytes(gzip.compress(b"secret"))
    (files / "notes.txt.gz").symlink_to(outside)
    client = await aioloom_client(make_app(files))
    response = await client.get("/f/notes.txt", headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert "Content-Encoding" not in response.headers
    assert await response.read() == b"plain text\n"


async def test_compression_enabled_on_a_file_response(
    aioloom_client: AioloomClient, files: Path
) -> None:
    async def send(request: web.Request) -> web.StreamResponse:
        response = web.FileResponse(files / "data.bin")
        response.enable_compression()
        return response

    app = web.Application()
    app.router.add_get("/", send)
    client = await aioloom_client(app)
    response = await client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Transfer-Encoding"] == "chunked"
    assert await response.read() == BODY
    response = await client.get("/", headers={"Accept-Encoding": "gzip", "Range": "bytes=0-9"})
    assert response.status == 206
    assert "Content-Encoding" not in response.headers  # a range of the identity bytes
    assert await response.read() == BODY[:10]


@pytest.mark.parametrize(
    ("accept", "coding", "decompress"),
    [
        ("gzip, deflate", "deflate", zlib.decompress),  # a tie: deflate, as aiohttp picks
        ("deflate, gzip", "deflate", zlib.decompress),
        ("gzip, deflate;q=0.5", "gzip", gzip.decompress),  # a preference is still honoured
    ],
)
async def test_compression_choice_as_aiohttp(
    serve: ServeFactory,
    files: Path,
    accept: str,
    coding: str,
    decompress: Callable[[bytes], bytes],
) -> None:
    async def send(request: web.Request) -> web.StreamResponse:
        response = web.FileResponse(files / "notes.txt")
        response.enable_compression()
        return response

    app = web.Application()
    app.router.add_get("/", send)
    server = await serve(app)
    async with aiohttp.ClientSession(auto_decompress=False) as session:
        headers = {"Accept-Encoding": accept}
        async with session.get(f"http://127.0.0.1:{server.port}/", headers=headers) as response:
            assert response.headers["Content-Encoding"] == coding
            body = await response.read()
    assert decompress(body) == b"plain text\n"
    # A file read in one piece is compressed in one go, ending in one final block:
    # the very bytes aiohttp sends.
    wbits = {"deflate": zlib.MAX_WBITS, "gzip": 16 + zlib.MAX_WBITS}[coding]
    whole = zlib.compressobj(wbits=wbits)
    assert body == whole.compress(b"plain text\n") + whole.flush()


@pytest.mark.parametrize("chunk_size", [1000, 4096, 100_000])
async def test_compressed_file_in_several_pieces(
    aioloom_client: AioloomClient, files: Path, chunk_size: int
) -> None:
    async def send(request: web.Request) -> web.StreamResponse:
        response = web.FileResponse(files / "data.bin", chunk_size=chunk_size)
        response.enable_compression()
        return response

    app = web.Application()
    app.router.add_get("/", send)
    client = await aioloom_client(app)
    for accept in ("deflate", "gzip"):
        response = await client.get("/", headers={"Accept-Encoding": accept})
        assert response.headers["Content-Encoding"] == accept
        assert await response.read() == BODY  # (httpx decodes it)
