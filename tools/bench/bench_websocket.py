"""WebSocket core micro-benchmark: frame parse, frame build, masking.

Compares aioloom.websocket's sans-IO core with wsproto's frame protocol and
aiohttp's reader (C and pure-Python builds) when those are importable, in one run:

    python tools/bench/bench_websocket.py [--quick]

Parse: a server reads one masked client frame per ``feed`` call (what an echo
server sees with small messages), text 32 B and 16 KiB, binary 1 MiB.
Build: a server builds one unmasked frame; a client one masked frame.
Mask: XOR throughput in MB/s. Lower us/op is better; ratios are vs aioloom.
The full server echo benchmark (CPU per echoed message) comes with web-app.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import time
from collections.abc import Callable
from typing import Any

from aioloom.websocket import Connection, FrameReader, apply_mask, build_frame

Bench = Callable[[], object]


def _optional(name: str) -> Any:
    """A module of a library this benchmark compares with, or None when absent."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def measure(fn: Bench, seconds: float) -> float:
    """Best-of-3 time per call in microseconds."""
    fn()
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed > seconds / 3:
            break
        n *= 2
    best = elapsed / n
    for _ in range(2):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - start) / n)
    return best * 1e6


def client_frame(opcode: int, payload: bytes) -> bytes:
    return build_frame(opcode, payload, mask=True)


def ours_parse(data: bytes) -> Bench:
    reader = FrameReader(is_client=False, max_msg_size=0)
    return lambda: reader.feed(data)


def wsproto_parse(data: bytes) -> Bench | None:
    module = _optional("wsproto.frame_protocol")
    if module is None:
        return None
    proto = module.FrameProtocol(client=False, extensions=[])

    def run() -> object:
        proto.receive_bytes(data)
        return list(proto.received_frames())

    return run


def aiohttp_parse(data: bytes, pure: bool) -> Bench | None:
    module = _optional("aiohttp._websocket.reader_py" if pure else "aiohttp._websocket.reader_c")
    if module is None:
        return None

    class _Proto:
        _reading_paused = False

        def pause_reading(self) -> None: ...

        def resume_reading(self) -> None: ...

    loop = asyncio.new_event_loop()
    # The queue's size counter is read-only in the C build and only grows here, so
    # a fresh queue and reader replace the old ones every few thousand frames.
    state: dict[str, Any] = {"left": 0}

    def run() -> object:
        if state["left"] == 0:
            queue = module.WebSocketDataQueue(_Proto(), 2**30, loop=loop)
            state["reader"] = module.WebSocketReader(queue, 0, compress=False, decode_text=True)
            state["drain"] = queue._buffer.clear
            state["left"] = 2000
        state["left"] -= 1
        result = state["reader"].feed_data(data)
        state["drain"]()
        return result

    return run


def ours_build(payload: bytes, client: bool) -> Bench:
    conn = Connection(is_client=client)
    return lambda: conn.send_bytes(payload)


def wsproto_build(payload: bytes, client: bool) -> Bench | None:
    module = _optional("wsproto.frame_protocol")
    if module is None:
        return None
    proto = module.FrameProtocol(client=client, extensions=[])
    return lambda: proto.send_data(payload, fin=True)


def aiohttp_mask(pure: bool) -> Callable[[bytes, bytearray], None] | None:
    if pure:
        module = _optional("aiohttp._websocket.helpers")
        return None if module is None else module._websocket_mask_python
    module = _optional("aiohttp._websocket.mask")
    return None if module is None else module._websocket_mask_cython


def row(name: str, results: dict[str, float | None], unit: str = "us") -> None:
    base = results.get("aioloom")
    cells = []
    for impl, value in results.items():
        if value is None:
            cells.append(f"{impl}: n/a")
        elif impl == "aioloom" or base is None:
            cells.append(f"{impl}: {value:.2f} {unit}")
        else:
            ratio = value / base
            cells.append(f"{impl}: {value:.2f} {unit} ({ratio:.2f}x)")
    print(f"{name:<28} " + " | ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter timings")
    args = parser.parse_args()
    seconds = 0.3 if args.quick else 1.0
    cases = [
        ("parse text 32 B", 1, os.urandom(16).hex().encode()),
        ("parse text 16 KiB", 1, os.urandom(8192).hex().encode()),
        ("parse binary 1 MiB", 2, os.urandom(1 << 20)),
    ]
    print("us per frame (lower is better; ratio vs aioloom)")
    for name, opcode, payload in cases:
        data = client_frame(opcode, payload)
        benches: dict[str, Bench | None] = {
            "aioloom": ours_parse(data),
            "wsproto": wsproto_parse(data),
            "aiohttp-c": aiohttp_parse(data, pure=False),
            "aiohttp-py*": aiohttp_parse(data, pure=True),
        }
        row(name, {k: None if b is None else measure(b, seconds) for k, b in benches.items()})
    for size in (32, 16384):
        payload = os.urandom(size)
        for client in (False, True):
            role = "client/masked" if client else "server"
            builders: dict[str, Bench | None] = {
                "aioloom": ours_build(payload, client),
                "wsproto": wsproto_build(payload, client),
            }
            results = {k: None if b is None else measure(b, seconds) for k, b in builders.items()}
            row(f"build {size} B {role}", results)
    print("mask throughput, MB/s (higher is better)")
    key = os.urandom(4)
    for size in (32, 16384, 1 << 20):
        payload = os.urandom(size)
        mb: dict[str, float | None] = {}

        def ours(p: bytes = payload) -> bytes:
            return apply_mask(key, p)

        mb["aioloom"] = size / measure(ours, seconds)
        for label, pure in (("aiohttp-c", False), ("aiohttp-py", True)):
            fn = aiohttp_mask(pure)
            if fn is None:
                mb[label] = None
                continue
            buf = bytearray(payload)

            def theirs(f: Callable[[bytes, bytearray], None] = fn, b: bytearray = buf) -> None:
                f(key, b)

            mb[label] = size / measure(theirs, seconds)
        print(
            f"mask {size:>8} B                "
            + " | ".join(f"{k}: {'n/a' if v is None else f'{v:.0f}'}" for k, v in mb.items())
        )


if __name__ == "__main__":
    main()
