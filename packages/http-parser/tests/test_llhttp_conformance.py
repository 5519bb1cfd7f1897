"""llhttp's request and response parse cases, fed whole and byte by byte.

The cases live outside the repository (shared/conformance, see its README).
Every case without a lenient flag must pass or be listed in DIFFERENCES below,
which mirrors the table of deliberate differences in the package README.
Cases that need a lenient flag are run too: we offer no such flags for
requests, so for those we only check that the parser does not crash.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
import sys
from typing import Any

import pytest

from aioloom.http_parser import (
    Body,
    EndOfMessage,
    HttpParserError,
    RequestHead,
    RequestParser,
    ResponseHead,
    ResponseParser,
    UpgradeData,
)


def conformance_dir() -> pathlib.Path | None:
    env = os.environ.get("AIOLOOM_SHARED_DIR")
    repo_root = pathlib.Path(__file__).resolve().parents[3]
    shared = pathlib.Path(env) if env else repo_root.parent / "shared"
    folder = shared / "conformance"
    return folder if (folder / "llhttp_cases.py").is_file() else None


def _load() -> list[Any]:
    folder = conformance_dir()
    if folder is None:
        return []
    sys.path.insert(0, str(folder))
    try:
        from llhttp_cases import load_cases  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(folder))
    return [c for c in load_cases() if c.type in ("request", "response")]


CASES = _load()

# Deliberate differences (see README.md "Deliberate differences from llhttp").
_RTSP = "llhttp's fixed method table (RTSP/ICE/PRI methods); RFC 9110 allows any token"
_VERSION = "only HTTP/1.0 and HTTP/1.1 are accepted (505 otherwise)"
_TE = "Transfer-Encoding with codings other than chunked is refused (501/400)"
_ASTERISK = "asterisk-form targets are only accepted with OPTIONS (RFC 9112 §3.2.4)"
DIFFERENCES: dict[str, str] = {
    "request/invalid.md:66": _RTSP,
    "request/invalid.md:356": _RTSP,
    "request/method.md:135": _ASTERISK,
    "request/method.md:372": "only the HTTP protocol (no ICE/RTSP request lines)",
    "request/method.md:400": "only the HTTP protocol (no ICE/RTSP request lines)",
    "request/method.md:430": "only the HTTP protocol (no ICE/RTSP request lines)",
    "request/method.md:458": _ASTERISK + "; no h2 prior-knowledge preface handling",
    "request/sample.md:314": "HTTP/0.9 request lines (no version) are rejected",
    "request/transfer-encoding.md:751": _TE,
    "request/transfer-encoding.md:793": "a repeated Transfer-Encoding field is rejected",
    "response/connection.md:4": "Proxy-Connection is not a standard field and is ignored",
    "response/sample.md:40": "only the HTTP protocol (no ICE/RTSP status lines)",
    "response/sample.md:60": "only the HTTP protocol (no ICE/RTSP status lines)",
    "response/sample.md:645": _VERSION,
}


@dataclasses.dataclass
class Seen:
    head: RequestHead | ResponseHead
    body: bytes = b""
    complete: bool = False
    trailers: list[tuple[bytes, bytes]] = dataclasses.field(default_factory=list)


def run(case: Any, whole: bool) -> tuple[list[Seen], HttpParserError | None, bytes]:
    parser: RequestParser | ResponseParser
    if case.type == "request":
        parser = RequestParser(upgrade_protocols=None)
    else:
        parser = ResponseParser()
        if case.meta.get("skipBody"):
            for _ in range(8):
                parser.expect_response_to("HEAD")
    seen: list[Seen] = []
    upgraded = b""
    pieces = [case.input] if whole else [case.input[i : i + 1] for i in range(len(case.input))]
    error: HttpParserError | None = None

    def absorb(events: list[Any]) -> None:
        nonlocal upgraded
        for event in events:
            if isinstance(event, RequestHead | ResponseHead):
                seen.append(Seen(event))
            elif isinstance(event, Body):
                seen[-1].body += event.data
            elif isinstance(event, EndOfMessage):
                seen[-1].complete = True
                if event.trailers is not None:
                    seen[-1].trailers = [
                        (k.encode(), v.encode("utf-8", "surrogateescape"))
                        for k, v in event.trailers.items()
                    ]
            elif isinstance(event, UpgradeData):
                upgraded += event.data

    try:
        for piece in pieces:
            parser.receive(piece)
            while events := parser.next_events():
                absorb(events)
        if case.eof is not None:
            absorb(parser.feed_eof())
    except HttpParserError as exc:
        error = exc
    return seen, error, upgraded


def _headers(pairs: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [(k.lower(), v.rstrip(b" \t")) for k, v in pairs]


def check(case: Any, whole: bool) -> None:
    seen, error, upgraded = run(case, whole)
    # llhttp reports "message begin" on the first byte; we report a message
    # once its head is complete.
    expected = [dataclasses.replace(m) for m in case.messages if m.headers_complete]
    if case.eof == "safe_with_cb" and expected:
        expected[-1].complete = True  # our harness does send the EOF
    if case.error is not None or case.eof == "unsafe":
        assert error is not None, f"expected {case.error}, parsed {len(seen)} messages"
        complete = [m for m in expected if m.complete]
        assert [s for s in seen if s.complete].__len__() <= len(complete)
        expected = complete
    else:
        assert error is None, f"unexpected error: {error!r}"
    for want, got in zip(expected, seen, strict=False):
        head = got.head
        if isinstance(head, RequestHead):
            assert head.method.encode() == want.method
            assert head.target.encode() == want.url
        else:
            assert head.status == want.status
        assert (head.version.major, head.version.minor) == want.version
        assert _headers(list(head.raw_headers)) == _headers(want.headers)
        assert got.body == want.body
        assert got.complete == want.complete
        if want.trailers:
            assert _headers(got.trailers) == _headers(want.trailers)
        if want.keep_alive is not None and want.complete and not want.upgrade:
            assert (not head.should_close) == want.keep_alive
    if case.error is None and case.eof != "unsafe":
        assert len(seen) == len(expected)
    if case.upgrade_offset is not None:
        assert upgraded == case.input[case.upgrade_offset :]


def _params() -> list[Any]:
    params = []
    for case in CASES:
        marks: list[Any] = []
        if case.id in DIFFERENCES:
            marks.append(pytest.mark.xfail(reason=DIFFERENCES[case.id], strict=True))
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


def _require_cases() -> None:
    if not CASES:
        if os.environ.get("CI") == "true":
            pytest.fail("shared/conformance is missing (required under CI=true)")
        pytest.skip("shared/conformance not found beside the repository")


def test_conformance_cases_found() -> None:
    _require_cases()
    assert len(CASES) == 251


@pytest.mark.parametrize("case", [p for p in _params() if not p.values[0].lenient])
@pytest.mark.parametrize("whole", [True, False], ids=["whole", "bytewise"])
def test_llhttp_case(case: Any, whole: bool) -> None:
    if case.meta.get("skipBody") and case.type == "request":
        pytest.skip("skipBody on a request is a harness-only mode")
    check(case, whole)


@pytest.mark.parametrize("case", [p for p in _params() if p.values[0].lenient])
def test_llhttp_lenient_case_does_not_crash(case: Any) -> None:
    """We offer no lenient flags for requests: a typed error or a parse, never a crash."""
    run(case, whole=True)
    run(case, whole=False)
