"""Static routes end to end over a real socket, and every traversal attempt we know of.

Attack paths are sent as raw bytes (asyncio.open_connection) and with
``curl --path-as-is`` so that no client normalizes them first.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from aioloom import web
from aioloom.testing import AioloomClient

pytestmark = pytest.mark.asyncio

SECRET = b"TOP SECRET outside the root"
XSS_NAMES = [
    "<script>alert(1)<script>.txt",
    "\"><img src=x onerror=alert('x')>.txt",
    "a&b'c.txt",
]


@dataclass
class Tree:
    root: Path
    outside: Path


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    (root / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.txt").write_bytes(SECRET)
    (outside / "evil.gz").write_bytes(gzip.compress(SECRET))
    (root / "hello.txt").write_bytes(b"hello static\n")
    (root / "sub" / "inner.txt").write_bytes(b"inner\n")
    (root / "app.css").write_bytes(b"body { color: red }\n")
    (root / "app.css.gz").write_bytes(gzip.compress(b"body { color: gzip }\n"))
    (root / "site.css").write_bytes(b"p { margin: 0 }\n")
    (root / "site.css.gz").symlink_to(outside / "evil.gz")  # a variant leading out
    (root / "link_in.txt").symlink_to(root / "hello.txt")
    (root / "link_out.txt").symlink_to(outside / "secret.txt")
    (root / "link_dangling.txt").symlink_to(outside / "nothing.txt")
    (root / "dir_out").symlink_to(outside, target_is_directory=True)
    for name in XSS_NAMES:
        (root / name).write_bytes(b"x")
    return Tree(root, outside)


def static_app(root: Path, **kwargs: object) -> web.Application:
    app = web.Application()
    app.router.add_static("/static", root, name="static", **kwargs)  # type: ignore[arg-type]
    return app


@dataclass
class RawResponse:
    status: int
    head: bytes
    body: bytes


async def raw_get(port: int, target: bytes, *, method: bytes = b"GET") -> RawResponse:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(method + b" " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        await writer.drain()
        async with asyncio.timeout(10):
            data = await reader.read()
    finally:
        writer.close()
        await writer.wait_closed()
    head, _, body = data.partition(b"\r\n\r\n")
    return RawResponse(int(head.split(b" ", 2)[1]), head, body)


def curl_path() -> str:
    curl = shutil.which("curl")
    if curl is None:
        if os.environ.get("CI") == "true":
            pytest.fail("curl is required in CI")
        pytest.skip("curl is not installed")
    return curl


async def curl_get(url: str, *args: str) -> tuple[int, bytes]:
    process = await asyncio.create_subprocess_exec(
        curl_path(),
        "-sS",
        "--path-as-is",
        "-o",
        "-",
        "-w",
        "\n%{http_code}",
        *args,
        url,
        stdout=subprocess.PIPE,
    )
    out, _ = await process.communicate()
    assert process.returncode == 0
    body, _, code = out.rpartition(b"\n")
    return int(code), body


def without_date(head: bytes) -> bytes:
    return b"\r\n".join(line for line in head.split(b"\r\n") if not line.startswith(b"Date:"))


# -- serving -------------------------------------------------------------------------------


async def test_serves_files_with_validators(aioloom_client: AioloomClient, tree: Tree) -> None:
    client = await aioloom_client(static_app(tree.root))
    response = await client.get("/static/hello.txt")
    assert response.status == 200
    assert await response.read() == b"hello static\n"
    assert response.headers["Content-Type"] == "text/plain"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert "ETag" in response.headers
    assert "Last-Modified" in response.headers
    response = await client.get("/static/sub/inner.txt")
    assert await response.read() == b"inner\n"
    response = await client.get("/static/hello.txt", headers={"Range": "bytes=0-4"})
    assert response.status == 206
    assert await response.read() == b"hello"
    etag = response.headers["ETag"]
    response = await client.get("/static/hello.txt", headers={"If-None-Match": etag})
    assert response.status == 304


async def test_head_and_other_methods(aioloom_client: AioloomClient, tree: Tree) -> None:
    client = await aioloom_client(static_app(tree.root))
    response = await client.head("/static/hello.txt")
    assert response.status == 200
    assert response.headers["Content-Length"] == "13"
    assert await response.read() == b""
    response = await client.post("/static/hello.txt")
    assert response.status == 405


async def test_percent_encoded_names_are_served(aioloom_client: AioloomClient, tree: Tree) -> None:
    (tree.root / "with space é.txt").write_bytes(b"spaced")
    client = await aioloom_client(static_app(tree.root))
    raw = await raw_get(client.server.port, b"/static/with%20space%20%C3%A9.txt")
    assert raw.status == 200
    assert raw.body == b"spaced"


async def test_directory_is_403_without_show_index(
    aioloom_client: AioloomClient, tree: Tree
) -> None:
    client = await aioloom_client(static_app(tree.root))
    for path in ("/static/", "/static/sub", "/static/sub/", "/static"):
        assert (await client.get(path)).status == 403, path


async def test_fifo_and_socket_under_the_root_are_403(
    aioloom_client: AioloomClient, tree: Tree
) -> None:
    os.mkfifo(tree.root / "pipe")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(tree.root / "unix.sock"))
    try:
        client = await aioloom_client(static_app(tree.root, show_index=True))
        # As aiohttp: forbidden, never opened (a FIFO would block the open).
        for name in ("pipe", "unix.sock"):
            response = await client.get(f"/static/{name}")
            assert response.status == 403, name
        assert (await client.get("/static/no-such-file")).status == 404
        page = await (await client.get("/static/")).text()
        assert "pipe" not in page
        assert "unix.sock" not in page  # what cannot be served is not listed
    finally:
        listener.close()


async def test_show_index_lists_the_directory(aioloom_client: AioloomClient, tree: Tree) -> None:
    client = await aioloom_client(static_app(tree.root, show_index=True))
    response = await client.get("/static/")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    page = await response.text()
    assert '<a href="/static/hello.txt">hello.txt</a>' in page
    assert '<a href="/static/sub">sub/</a>' in page
    assert "link_in.txt" in page
    assert "link_out.txt" not in page  # what cannot be served is not listed
    response = await client.get("/static/sub")
    assert response.status == 200
    assert '<a href="/static/sub/inner.txt">inner.txt</a>' in await response.text()


async def test_GHSA_7gpw_8wmc_pm8g_show_index_escapes_every_name(
    aioloom_client: AioloomClient, tree: Tree
) -> None:
    nested = tree.root / "<b>dir<b>"
    nested.mkdir()
    (nested / "x.txt").write_bytes(b"x")
    client = await aioloom_client(static_app(tree.root, show_index=True))
    page = await (await client.get("/static/")).text()
    for name in [*XSS_NAMES, "<b>dir<b>"]:
        assert name not in page
    assert "<script>" not in page
    assert "<img" not in page
    assert "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;script&gt;.txt" in page
    assert "a&amp;b&#x27;c.txt" in page
    # The listing of a directory whose own name is hostile escapes the title too.
    response = await client.get("/static/%3Cb%3Edir%3Cb%3E/")
    assert response.status == 200
    sub_page = await response.text()
    assert "<b>" not in sub_page
    assert "&lt;b&gt;dir&lt;b&gt;" in sub_page
    # And every listed link works.
    for name in XSS_NAMES:
        assert await (await client.get(f"/static/{name}")).read() == b"x"


async def test_symlink_policy(aioloom_client: AioloomClient, tree: Tree) -> None:
    client = await aioloom_client(static_app(tree.root))
    assert await (await client.get("/static/link_in.txt")).read() == b"hello static\n"
    for path in ("/static/link_out.txt", "/static/dir_out/secret.txt", "/static/link_dangling.txt"):
        response = await client.get(path)
        assert response.status == 404, path
        assert SECRET not in await response.read()

    following = await aioloom_client(static_app(tree.root, follow_symlinks=True))
    assert await (await following.get("/static/link_out.txt")).read() == SECRET
    assert await (await following.get("/static/dir_out/secret.txt")).read() == SECRET
    assert (await following.get("/static/link_dangling.txt")).status == 404


async def test_append_version(aioloom_client: AioloomClient, tree: Tree) -> None:
    app = static_app(tree.root, append_version=True)
    client = await aioloom_client(app)
    resource = app.router["static"]
    url = resource.url_for(filename="hello.txt")
    assert url.path == "/static/hello.txt"
    version = url.query["v"]
    assert version
    assert "v" not in resource.url_for(filename="hello.txt", append_version=False).query
    assert "v" not in resource.url_for(filename="missing.txt").query  # no file, no version
    response = await client.get(str(url))
    assert response.status == 200
    assert await response.read() == b"hello static\n"
    # The version changes with the content.
    (tree.root / "hello.txt").write_bytes(b"changed content\n")
    assert resource.url_for(filename="hello.txt").query["v"] != version


async def test_web_static_and_routes_static(aioloom_client: AioloomClient, tree: Tree) -> None:
    routes = web.RouteTableDef()
    routes.static("/assets", tree.root, show_index=True)
    app = web.Application()
    app.add_routes(routes)
    app.add_routes([web.static("/files", tree.root, append_version=True)])
    client = await aioloom_client(app)
    assert await (await client.get("/assets/hello.txt")).read() == b"hello static\n"
    assert (await client.get("/assets/")).status == 200
    assert await (await client.get("/files/sub/inner.txt")).read() == b"inner\n"
    assert (await client.get("/files/sub")).status == 403


async def test_static_at_the_root_prefix(aioloom_client: AioloomClient, tree: Tree) -> None:
    app = web.Application()
    app.router.add_static("/", tree.root)
    client = await aioloom_client(app)
    assert await (await client.get("/hello.txt")).read() == b"hello static\n"
    raw = await raw_get(client.server.port, b"/../outside/secret.txt")
    assert raw.status in (400, 404)
    assert SECRET not in raw.body


async def test_precompressed_sibling_through_a_static_route(
    aioloom_client: AioloomClient, tree: Tree
) -> None:
    client = await aioloom_client(static_app(tree.root))
    response = await client.get("/static/app.css", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["Content-Type"] == "text/css"
    assert await response.read() == b"body { color: gzip }\n"
    response = await client.get("/static/app.css", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert await response.read() == b"body { color: red }\n"


async def test_GHSA_jwhx_xcg6_8xhj_precompressed_variant_is_checked_like_the_file(
    aioloom_client: AioloomClient, tree: Tree
) -> None:
    client = await aioloom_client(static_app(tree.root))
    response = await client.get("/static/site.css", headers={"Accept-Encoding": "gzip, br"})
    assert response.status == 200
    assert "Content-Encoding" not in response.headers
    assert await response.read() == b"p { margin: 0 }\n"
    # The variant cannot be fetched directly either.
    response = await client.get("/static/site.css.gz")
    assert response.status == 404
    assert SECRET not in await response.read()


# -- traversal: none escapes the root ----------------------------------------------------------

TRAVERSALS = [
    b"/static/../outside/secret.txt",
    b"/static/../../outside/secret.txt",
    b"/static/sub/../../outside/secret.txt",
    b"/static/%2e%2e/outside/secret.txt",
    b"/static/%2E%2E/outside/secret.txt",
    b"/static/.%2e/outside/secret.txt",
    b"/static/%2e%2e%2foutside%2fsecret.txt",
    b"/static/..%2foutside%2fsecret.txt",
    b"/static/..%2Foutside%2Fsecret.txt",
    b"/static/sub%2f..%2f..%2foutside%2fsecret.txt",
    b"/static/%252e%252e/outside/secret.txt",  # double encoding is a literal name
    b"/static/..%5coutside%5csecret.txt",
    b"/static/..\\outside\\secret.txt",
    b"/static/sub\\..\\..\\outside\\secret.txt",
    b"/static/....//outside/secret.txt",
    b"/static/%00",
    b"/static/hello.txt%00.css",
    b"/static/%00/../outside/secret.txt",
    b"/static//etc/passwd",
    b"/static/%2fetc%2fpasswd",
    b"/static/%2F..%2Foutside%2Fsecret.txt",
    b"/static" + os.fsencode(Path(__file__).resolve()),
    b"/static/%2f" + os.fsencode(Path(__file__).resolve())[1:].replace(b"/", b"%2f"),
]


@pytest.mark.parametrize("target", TRAVERSALS, ids=[t.decode(errors="replace") for t in TRAVERSALS])
@pytest.mark.parametrize("follow_symlinks", [False, True])
async def test_traversal_attempts_never_escape(
    aioloom_client: AioloomClient, tree: Tree, target: bytes, follow_symlinks: bool
) -> None:
    client = await aioloom_client(static_app(tree.root, follow_symlinks=follow_symlinks))
    for method in (b"GET", b"HEAD"):
        raw = await raw_get(client.server.port, target, method=method)
        assert raw.status in (400, 404), (target, raw.head)
        assert SECRET not in raw.body
        assert b"root:" not in raw.body


async def test_GHSA_5h86_8mv2_jq9f_no_traversal_even_with_follow_symlinks(
    aioloom_client: AioloomClient, tree: Tree
) -> None:
    client = await aioloom_client(static_app(tree.root, follow_symlinks=True, show_index=True))
    # Symlinks may lead out (that is what follow_symlinks means)...
    assert await (await client.get("/static/link_out.txt")).read() == SECRET
    # ...but the request path itself never does.
    (tree.outside / "other.txt").write_bytes(SECRET)
    for target in (
        b"/static/../outside/other.txt",
        b"/static/%2e%2e/outside/other.txt",
        b"/static/dir_out/../../outside/other.txt",
        b"/static/dir_out/%2e%2e/%2e%2e/outside/other.txt",
        b"/static/sub/..%2f..%2foutside/other.txt",
    ):
        raw = await raw_get(client.server.port, target)
        assert raw.status in (400, 404), target
        assert SECRET not in raw.body
    code, body = await curl_get(client.make_url("/static/%2e%2e/outside/other.txt"))
    assert code == 404
    assert SECRET not in body


async def test_GHSA_54jq_c3m8_4m76_outside_and_missing_look_the_same(
    aioloom_client: AioloomClient, tree: Tree
) -> None:
    client = await aioloom_client(static_app(tree.root))
    port = client.server.port
    missing = await raw_get(port, b"/static/does-not-exist.txt")
    assert missing.status == 404
    for target in (
        b"/static/link_out.txt",  # exists, outside the root
        b"/static/link_dangling.txt",  # outside the root, does not exist
        b"/static/dir_out/secret.txt",
        b"/static/dir_out/nothing.txt",
        b"/static/..%2foutside%2fsecret.txt",
        b"/static/..%2foutside%2fnothing.txt",
    ):
        raw = await raw_get(port, target)
        assert raw.status == 404, target
        assert without_date(raw.head) == without_date(missing.head), target
        assert raw.body == missing.body


@pytest.mark.parametrize(
    "target",
    [
        b"/static/\\\\host\\share\\secret.txt",
        b"/static/%5c%5chost%5cshare%5csecret.txt",
        b"/static/%5C%5Clocalhost%5Cc$%5Cwindows%5Cwin.ini",
        b"/static///host/share/secret.txt",
        b"/static/%2f%2fhost%2fshare%2fsecret.txt",
        b"/static/C:/Windows/win.ini",
        b"/static/C:%5cWindows%5cwin.ini",
        b"/static/c:secret.txt",
        b"/static/C%3A/Windows/win.ini",
        b"/static/sub/C:/x",
    ],
)
async def test_GHSA_p998_jp59_783m_windows_unc_and_drive_paths_are_never_resolved(
    aioloom_client: AioloomClient, tree: Tree, target: bytes
) -> None:
    # Names that would be a drive or a share on Windows; on POSIX they could be
    # legitimate file names, but a static root never serves them.
    (tree.root / "c:secret.txt").write_bytes(SECRET)
    client = await aioloom_client(static_app(tree.root))
    raw = await raw_get(client.server.port, target)
    assert raw.status in (400, 404), raw.head
    assert SECRET not in raw.body


async def test_curl_path_as_is_traversals(aioloom_client: AioloomClient, tree: Tree) -> None:
    client = await aioloom_client(static_app(tree.root))
    base = client.make_url("/").rstrip("/")
    for path in (
        "/static/../outside/secret.txt",
        "/static/%2e%2e/outside/secret.txt",
        "/static/..%2foutside%2fsecret.txt",
        "/static/..%5coutside%5csecret.txt",
        "/static/%5c%5chost%5cshare",
        "/static/C:%5cWindows",
        "/static/link_out.txt",
    ):
        code, body = await curl_get(base + path)
        assert code in (400, 404), path
        assert SECRET not in body
    code, body = await curl_get(base + "/static/hello.txt")
    assert (code, body) == (200, b"hello static\n")


async def test_a_static_resource_subclass_the_aiohttp_way(
    aioloom_client: AioloomClient, tree: Tree
) -> None:
    # aiohttp-devtools' pattern: made without a handler factory, _handle extended.
    class Tagged(web.StaticResource):
        async def _handle(self, request: web.Request) -> web.StreamResponse:
            response = await super()._handle(request)
            response.headers["X-Tagged"] = "yes"
            return response

    app = web.Application()
    app.router.register_resource(Tagged("/tagged", tree.root, name="tagged"))
    assert isinstance(app.router.add_static("/plain", tree.root), web.StaticResource)
    client = await aioloom_client(app)
    response = await client.get("/tagged/hello.txt")
    assert (response.status, response.headers.get("X-Tagged")) == (200, "yes")
    assert await response.read() == b"hello static\n"
    assert (await client.get("/plain/hello.txt")).headers.get("X-Tagged") is None
