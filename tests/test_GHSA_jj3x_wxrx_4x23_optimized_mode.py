"""GHSA-jj3x-wxrx-4x23: no ``assert`` for control flow in shipped code.

Running pytest under ``python -O`` would strip the tests' own asserts, so a
test could no longer fail. Instead: (1) no shipped module contains an
``assert`` statement, and (2) the server, run under ``python -O``, still
rejects bad input with the right statuses (checked without assert).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_assert_statements_in_shipped_code() -> None:
    found = []
    for path in sorted(ROOT.glob("packages/*/src/**/*.py")):
        tree = ast.parse(path.read_text(), str(path))
        found += [
            f"{path.relative_to(ROOT)}:{n.lineno}"
            for n in ast.walk(tree)
            if isinstance(n, ast.Assert)
        ]
    assert found == []


PROBE = r"""
import asyncio, sys
from aioloom import web

async def echo(request):
    return web.Response(body=await request.read())

async def form(request):
    data = await request.post()
    return web.Response(text=",".join(sorted(data)))

BROKEN = b"--b\r\nno-end-of-headers"


async def main():
    app = web.Application(client_max_size=100)
    app.router.add_post("/echo", echo)
    app.router.add_post("/form", form)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    cases = [
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok", b"200"),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
         b"Transfer-Encoding: chunked\r\n\r\n", b"400"),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: +2\r\n\r\nok", b"400"),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n" + b"x" * 500, b"413"),
        (b"GET / HTTP/1.1\r\nHost: x\r\nBad\x00Header: 1\r\n\r\n", b"400"),
        (b"POST /form HTTP/1.1\r\nHost: x\r\n"
         b"Content-Type: multipart/form-data; boundary=b\r\n"
         b"Content-Length: %d\r\n\r\n%b" % (len(BROKEN), BROKEN), b"400"),
    ]
    failures = []
    for request, status in cases:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(65536), 10)
        writer.close()
        if not answer.startswith(b"HTTP/1.1 " + status):
            failures.append((request[:40], status, answer[:60]))
    await runner.cleanup()
    if __debug__:
        failures.append("not running under python -O")
    print(failures)
    sys.exit(1 if failures else 0)

asyncio.run(main())
"""


def test_server_rejects_bad_input_under_python_O() -> None:
    result = subprocess.run(
        [sys.executable, "-O", "-c", PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
