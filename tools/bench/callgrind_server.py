"""Instructions per request of one server process, counted by valgrind's callgrind.

    hatch run bench:python tools/bench/callgrind_server.py [--path /users/{n}] \
        [--framework aioloom|aiohttp] [--loop asyncio|uvloop]

The server is ``_server_apps/http_app.py`` under callgrind; one keep-alive
connection sends wrk's request (``GET <path>`` with only ``Host``), each
response read before the next request. The figure is the difference between a
run of ``--many`` and a run of ``--few`` requests, divided by the difference:
start-up, shutdown and the first requests' warm-up cancel out. ``{n}`` in the
path becomes a new number for every request (a target the parser has not seen).
Counts are of instructions, not time: repeatable on a busy machine.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _read_response(sock: socket.socket, buffer: bytearray) -> None:
    """Read one response with a Content-Length body (what the bench app sends)."""
    while True:
        end = buffer.find(b"\r\n\r\n")
        if end >= 0:
            head = bytes(buffer[:end]).lower()
            match = re.search(rb"content-length: *(\d+)", head)
            size = end + 4 + (int(match.group(1)) if match else 0)
            if len(buffer) >= size:
                del buffer[:size]
                return
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        buffer += chunk


def instructions(framework: str, loop: str, path: str, requests: int) -> int:
    """Total instructions the server process ran, serving ``requests`` requests."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        server = subprocess.Popen(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}",
                sys.executable,
                "-m",
                "_server_apps.http_app",
                framework,
                loop,
            ],
            cwd=HERE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        stdout, stdin = server.stdout, server.stdin
        if stdout is None or stdin is None:  # (both are pipes)
            raise RuntimeError("no pipes to the server")
        line = stdout.readline().decode()
        if not line.startswith("READY "):
            server.kill()
            raise RuntimeError(f"the server did not start: {line!r}")
        port = int(line.split()[1])
        with socket.create_connection(("127.0.0.1", port)) as sock:
            buffer = bytearray()
            for i in range(requests):
                target = path.replace("{n}", str(i))
                sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
                _read_response(sock, buffer)
        stdin.close()  # the app exits when its stdin closes
        server.wait(timeout=120)
        summary = re.search(rb"^summary: *(\d+)", out.read_bytes(), re.M)
        if summary is None:
            raise RuntimeError("callgrind wrote no summary")
        return int(summary.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--framework", default="aioloom", choices=["aioloom", "aiohttp"])
    parser.add_argument("--loop", default="asyncio", choices=["asyncio", "uvloop"])
    parser.add_argument("--path", default="/")
    parser.add_argument("--few", type=int, default=300)
    parser.add_argument("--many", type=int, default=1300)
    args = parser.parse_args(argv)
    few = instructions(args.framework, args.loop, args.path, args.few)
    many = instructions(args.framework, args.loop, args.path, args.many)
    per_request = (many - few) / (args.many - args.few)
    print(f"{args.framework} {args.loop} GET {args.path}: {per_request:,.0f} instructions/request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
