"""The ``Cookie`` header parser: aiohttp 3.14's reading of real-world headers."""

from __future__ import annotations

import logging
from http.cookies import SimpleCookie

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aioloom.web.http._cookie_header import parse_cookie_header

try:  # aiohttp is the reference; the differential test needs it
    from aiohttp import _cookie_helpers as aiohttp_cookies
except ImportError:  # pragma: no cover - depends on the environment
    aiohttp_cookies = None

# SimpleCookie's quoting of a JSON session, as aiohttp-session's cookie storage sends it.
_JSON = '{"created": 1700000000, "session": {"user": "ann", "tags": ["a;b", "c"]}}'
_JSON_CODED = SimpleCookie({"AIOHTTP_SESSION": _JSON})["AIOHTTP_SESSION"].coded_value


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("cookie1=value1; cookie2=value2", {"cookie1": "value1", "cookie2": "value2"}),
        ("{test}=value1; normal=value2", {"{test}": "value1", "normal": "value2"}),
        ("test/name=value1; valid=value2", {"test/name": "value1", "valid": "value2"}),
        (
            "ISAWPLB{DB45DF86-F806-407C-932C-D52A60E4019E}=val1; n=val2",
            {"ISAWPLB{DB45DF86-F806-407C-932C-D52A60E4019E}": "val1", "n": "val2"},
        ),
        ("{c1}=1; c/2=2; c[3]=3; c(4)=4", {"{c1}": "1", "c/2": "2", "c[3]": "3", "c(4)": "4"}),
        ("test=; normal=value", {"test": "", "normal": "value"}),
        ('test="quoted value"; normal=unquoted', {"test": "quoted value", "normal": "unquoted"}),
        ('data="value;with;semicolons"', {"data": "value;with;semicolons"}),
        (r'escaped="value with \" quote"', {"escaped": 'value with " quote'}),
        (r'octal="a\054b\073c"', {"octal": "a,b;c"}),
        (
            'token="abc123"; Path=/; Secure; HttpOnly',
            {"token": "abc123", "Path": "/", "Secure": "", "HttpOnly": ""},
        ),
        ("sess=x; Domain=.example.com", {"sess": "x", "Domain": ".example.com"}),
        # A date keeps its comma and spaces; a value may hold "=".
        (
            "e=Thu, 01 Jan 2030 00:00:00 GMT; b64=YWJj==",
            {"e": "Thu, 01 Jan 2030 00:00:00 GMT", "b64": "YWJj=="},
        ),
        ("e=Wed Jun  9 10:18:14 2021; x=1", {"e": "Wed Jun  9 10:18:14 2021", "x": "1"}),
        # Whitespace ends a pair; an unclosed quote is kept as sent.
        ("a=1 b=2", {"a": "1", "b": "2"}),
        ('x="open; z=5', {"x": '"open', "z": "5"}),
        # Not the grammar: the text up to ";" is still read as name=value.
        ('a="x"y; b=2', {"a": '"x"y', "b": "2"}),
        ("a=1; a=2", {"a": "2"}),
        ("", {}),
        (" ; ;; ", {}),
        ("AIOHTTP_SESSION=" + _JSON_CODED, {"AIOHTTP_SESSION": _JSON}),
    ],
)
def test_aiohttp_examples(header: str, expected: dict[str, str]) -> None:
    assert parse_cookie_header(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bad,name=1; good=2", {"good": "2"}),  # "," is not allowed in a name
        ("=novalue; c=4", {"c": "4"}),
        ('"broken; ok=1', {"ok": "1"}),
        ("bad\x01name=1; ok=1", {"ok": "1"}),
    ],
)
def test_bad_pairs_do_not_take_the_others_down(header: str, expected: dict[str, str]) -> None:
    assert parse_cookie_header(header) == expected


def test_many_invalid_names_log_one_debug_line(caplog: pytest.LogCaptureFixture) -> None:
    bad = "bad" + chr(1) + "name"
    header = "; ".join(f"{bad}{i}=1" for i in range(3000))
    with caplog.at_level(logging.DEBUG):
        assert parse_cookie_header(header) == {}
    assert len(caplog.records) == 1
    record = caplog.records[0]
    assert (record.name, record.levelno) == ("aioloom.internal", logging.DEBUG)
    assert record.getMessage().startswith("Cannot load cookie")
    assert len(record.getMessage()) < 500  # the names listed are capped, too


def test_valid_header_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        parse_cookie_header('a=1; b="two words"; Secure')
    assert caplog.records == []


# Characters that matter to the grammar, plus whole dates and escapes.
_PIECES = st.sampled_from(
    [*'ab=;" \\,{}/[]$\t\x01019:-', "GMT", "Thu, 01 Jan 2030 00:00:00 GMT", "\\054", "é"]
)


@pytest.mark.skipif(aiohttp_cookies is None, reason="needs aiohttp")
@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, max_size=24).map("".join))
def test_same_as_aiohttp(header: str) -> None:
    """Differential: aiohttp's own parser, where it is installed, agrees on every header."""
    parsed = aiohttp_cookies.parse_cookie_header(header)  # type: ignore[union-attr]
    expected = {name: morsel.value for name, morsel in parsed}
    assert parse_cookie_header(header) == expected


@given(st.text(max_size=60))
def test_never_raises(header: str) -> None:
    cookies = parse_cookie_header(header)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in cookies.items())
