"""AWS http-desync-guardian request cases: each gets its tier's verdict.

For an origin server (shared/conformance/smuggling/http-desync-guardian/SOURCES.md):
Severe and Ambiguous must be rejected with 400 or at least not reuse the
connection (should_close); Compliant and Acceptable must parse. The case files
are YAML; a small loader for their fixed shape lives here (no PyYAML needed).
"""

from __future__ import annotations

import codecs
import os
import pathlib
import re
from typing import Any

import pytest

from aioloom.http_parser import HttpParserError, RequestHead, RequestParser

_SHARED = pathlib.Path(
    os.environ.get("AIOLOOM_SHARED_DIR") or pathlib.Path(__file__).resolve().parents[4] / "shared"
)
FOLDER = _SHARED / "conformance" / "smuggling" / "http-desync-guardian"

_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|.)")
_SIMPLE = {"t": "\t", "n": "\n", "r": "\r", "0": "\x00", "\\": "\\", '"': '"', "/": "/", " ": " "}


def _scalar(text: str) -> str:
    text = text.strip()
    if text.startswith('"'):
        body = text[1 : text.rindex('"')]

        def unescape(match: re.Match[str]) -> str:
            code = match.group(1)
            if code[0] in "xu" and len(code) > 1:
                return chr(int(code[1:], 16))
            return _SIMPLE.get(code, code)

        return _ESCAPE.sub(unescape, body)
    if text.startswith("'"):
        return text[1 : text.rindex("'")].replace("''", "'")
    return text.split(" #", 1)[0].strip()


def load_yaml_cases(path: pathlib.Path) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    case: dict[str, Any] = {}
    section = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        item = line.strip()
        if indent == 0 and item.startswith("- "):
            case = {"headers": [], "expected": {}, "file": path.name}
            cases.append(case)
            item = item[2:]
            section = ""
        if indent <= 2 and ":" in item and not item.startswith("- "):
            key, _, value = item.partition(":")
            if key in ("headers", "expected"):
                section = key
                continue
            case[key] = _scalar(value)
            section = ""
            continue
        if section == "headers":
            if item.startswith("- "):
                case["headers"].append({})
                item = item[2:]
            key, _, value = item.partition(":")
            case["headers"][-1][key] = _scalar(value)
        elif section == "expected" and ":" in item and not item.startswith("- "):
            key, _, value = item.partition(":")
            case["expected"][key] = _scalar(value)
    return cases


def serialize(case: dict[str, Any]) -> bytes:
    version = case.get("version", "")
    line = f"{case['method']} {case['uri']}" + (f" {version}" if version else "")
    fields = "".join(f"{h['name']}:{h['value']}\r\n" for h in case["headers"])
    text = f"{line}\r\n{fields}\r\n"
    # \xNN escapes stand for bytes; real non-Latin-1 characters go out as UTF-8.
    return codecs.encode(text, "latin-1" if max(map(ord, text)) < 256 else "utf-8")


def _all_cases() -> list[dict[str, Any]]:
    if not FOLDER.is_dir():
        return []
    return [c for p in sorted(FOLDER.glob("*.yaml")) for c in load_yaml_cases(p)]


CASES = _all_cases()

# Cases where we are deliberately stricter than the tier asks (README table).
_CTL = "control characters in field names and values are rejected (GHSA-63hf-3vf5-4wqf)"
_WS = "whitespace before the colon is rejected (RFC 9112 §5.1)"
_TE = "Transfer-Encoding must be exactly one 'chunked' field (no other codings, params, repeats)"
_LINE = "the request line is strict: 'METHOD SP visible-ASCII-target SP HTTP/1.0|1.1'"
STRICTER: dict[str, str] = {
    "No TE/CL headers, some others are non-compliant": _WS,
    "TE and some others are non-compliant": _WS,
    "CL and some others are non-compliant": _WS,
    "A non-essential header with a non-printable character (x01)": _CTL,
    "Some-Header\\x01": _CTL,
    "\\x01Some-Header": _CTL,
    "Some-Header: \\x01value": _CTL,
    "Some-Header: value\\x01": _CTL,
    "Non-RFC, but OK HTTP/0.9": _LINE,
    "Empty version, which means HTTP/0.9": _LINE,
    "Unknown but OK HTTP/1.2": _LINE,
    "Extra spaces in version": _LINE,
    "[space] in URI": _LINE,
    "International in URI": _LINE,
    "Empty URI": _LINE,
    "Correct TE OK": _TE,
    "Transfer-Encoding: identity and chunked OK": _TE,
    "Multiple transfer encoding headers in a single request OK": _TE,
    "TE with custom parameters OK": _TE,
    "Different Transfer-Encoding headers": _TE,
    "Different Transfer-Encoding headers combined": _TE,
    "Transfer-Encoding with a param: chunked;custom_param": _TE,
}


def verdict(data: bytes) -> tuple[str, RequestHead | None]:
    parser = RequestParser()
    try:
        events = parser.feed(data)
    except HttpParserError as exc:
        status = exc.status
    else:
        status = 0
    if status:
        assert status in (400, 501, 505)
        return "rejected", None
    heads = [e for e in events if isinstance(e, RequestHead)]
    assert len(heads) == 1
    return ("no-reuse" if heads[0].should_close else "parsed"), heads[0]


def test_cases_found() -> None:
    if not CASES:
        if os.environ.get("CI") == "true":
            pytest.fail("shared/conformance smuggling cases missing (required under CI=true)")
        pytest.skip("shared/conformance not found beside the repository")
    assert len(CASES) == 159


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c['file']}:{c['expected']['tier']}:{c['name']}" for c in CASES]
)
def test_desync_guardian_case(case: dict[str, Any]) -> None:
    data = serialize(case)
    outcome, _head = verdict(data)
    tier = case["expected"]["tier"]
    if tier in ("Severe", "Ambiguous"):
        assert outcome in ("rejected", "no-reuse"), (tier, case["expected"].get("reason"))
        if tier == "Severe":
            assert outcome == "rejected"
    elif case["name"] in STRICTER:
        assert outcome == "rejected", STRICTER[case["name"]]
    else:
        assert outcome != "rejected", (tier, data)


def test_stricter_list_is_current() -> None:
    names = {c["name"] for c in CASES}
    assert not CASES or set(STRICTER) <= names
