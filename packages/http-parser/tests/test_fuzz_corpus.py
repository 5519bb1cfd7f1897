"""h2o's HTTP/1 fuzz corpus: only typed errors, no hang, bounded buffering."""

from __future__ import annotations

import os
import pathlib
import time

import pytest

from aioloom.http_parser import HttpParserError, Limits, RequestParser

_SHARED = pathlib.Path(
    os.environ.get("AIOLOOM_SHARED_DIR") or pathlib.Path(__file__).resolve().parents[4] / "shared"
)
CORPUS = _SHARED / "conformance" / "robustness" / "h2o-fuzz" / "http1-corpus"
MARK = b"\n--MARK--\n"
LIMITS = Limits(max_line_size=2048, max_field_size=2048, max_headers=32)
# The most a parser may hold unparsed: one incomplete head (or chunk line).
MAX_BUFFERED = LIMITS.max_line_size + LIMITS.max_headers * (LIMITS.max_field_size + 2) + 4


def _files() -> list[pathlib.Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_file()) if CORPUS.is_dir() else []


FILES = _files()


def drive(segments: list[bytes]) -> None:
    parser = RequestParser(LIMITS)
    try:
        for segment in segments:
            parser.receive(segment)
            while parser.next_events(4):
                pass
            assert parser.buffered <= MAX_BUFFERED + len(segment) or parser.upgraded
        parser.feed_eof()
    except HttpParserError as exc:
        error: HttpParserError | None = exc
    else:
        error = None
    if error is not None:
        assert error.status in (400, 413, 414, 415, 431, 501, 505)
        assert error.message


def test_corpus_present() -> None:
    if not FILES:
        if os.environ.get("CI") == "true":
            pytest.fail("h2o fuzz corpus missing (required under CI=true)")
        pytest.skip("shared/conformance not found beside the repository")
    assert len(FILES) == 1972


def test_h2o_corpus_only_typed_errors_no_hang() -> None:
    if not FILES:
        pytest.skip("shared/conformance not found beside the repository")
    slowest = 0.0
    for path in FILES:
        data = path.read_bytes()
        start = time.perf_counter()
        drive([data.replace(MARK, b"")])
        drive(data.split(MARK)[:-1] if MARK in data else [data])
        drive([data[i : i + 7] for i in range(0, len(data), 7)])
        slowest = max(slowest, time.perf_counter() - start)
    assert slowest < 2.0, f"an input took {slowest:.2f}s"


def test_atheris_harness_check_runs_without_atheris() -> None:
    import importlib.util

    harness = pathlib.Path(__file__).resolve().parents[3] / "tools" / "fuzz" / "fuzz_http_parser.py"
    spec = importlib.util.spec_from_file_location("fuzz_http_parser", harness)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path in FILES[:100]:
        module.check(path.read_bytes())
    module.check(b"")
    module.check(b"GET / HTTP/1.1\r\n\r\n")
