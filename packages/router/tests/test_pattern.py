from __future__ import annotations

import pytest

from aioloom.router import parse_pattern
from aioloom.router._regex_safety import may_match_slash


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/{a", "unbalanced '{'"),
        ("/a}", "unbalanced '}'"),
        ("/{a}/{a}", "duplicate variable 'a'"),
        ("/{a:(}", "bad regex"),
        ("/{a:(?P<b>x)}", "named group"),
        ("x", "must start with '/'"),
        ("", "must start with '/'"),
        ("/{1a}", "not an identifier"),
        ("/{a:}", "empty regex"),
        ("/{}", "not an identifier"),
        ("/a\x00", "NUL"),
    ],
)
def test_bad_patterns_are_rejected_with_the_reason(path: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason.replace("(", r"\(")):
        parse_pattern(path)


def test_nested_braces_in_a_regex_are_allowed() -> None:
    pattern = parse_pattern(r"/{year:\d{4}}/{slug}")
    assert pattern.canonical == "/{year}/{slug}"
    assert pattern.match("/2024/x") == {"year": "2024", "slug": "x"}
    assert pattern.match("/24/x") is None


def test_non_capturing_groups_are_fine() -> None:
    assert parse_pattern("/{a:(?:x|y)+}").match("/xyx") == {"a": "xyx"}


def test_unicode_literals_are_stored_percent_encoded() -> None:
    pattern = parse_pattern("/путь/{x}")
    assert pattern.canonical == "/%D0%BF%D1%83%D1%82%D1%8C/{x}"
    assert parse_pattern("/a b").canonical == "/a%20b"
    assert parse_pattern("/a%20b").canonical == "/a%20b"  # existing escapes are kept


def test_segments_and_open_ended_patterns() -> None:
    assert [s.kind for s in parse_pattern("/r1/{x}/detail").segments] == [
        "literal",
        "any",
        "literal",
    ]
    tail = parse_pattern("/static/{tail:.+}")
    assert tail.open_ended
    assert [s.text for s in tail.segments] == ["static"]
    assert parse_pattern("/{p:.*}").segments == ()
    mixed = parse_pattern(r"/item{i:\d+}.json")
    assert not mixed.open_ended
    assert mixed.segments[0].kind == "regex"


@pytest.mark.parametrize(
    ("regex", "may"),
    [
        (r"[^{}/]+", False),
        (r"\d+", False),
        (r"\w+", False),
        (r"[a-z0-9_-]{2,5}", False),
        (r"(?:ab|cd)*", False),
        (r"[^/]+", False),
        (r".+", True),
        (r".*", True),
        (r"[a-z/]+", True),
        (r"[!-~]+", True),  # the range covers '/'
        (r"[^a]+", True),
        (r"\S+", True),
        (r"\D+", True),
        (r"a(?=/)", True),
        (r"x$", True),
    ],
)
def test_regex_slash_analysis_is_conservative(regex: str, may: bool) -> None:
    assert may_match_slash(regex) is may


def test_unnamed_groups_in_a_variable_regex_are_accepted_as_in_aiohttp() -> None:
    pattern = parse_pattern(r"/{ids:([0-9]+)(,([0-9]+))*}/hello")
    assert pattern.match("/467,802,24834/hello") == {"ids": "467,802,24834"}
    assert pattern.variables == ("ids",)
