from __future__ import annotations

from aioloom import web


def test_app_keys_sort_before_strings_from_either_side() -> None:
    b = web.AppKey("b", str)
    c = web.AppKey("c", str)
    assert sorted(["d", c, "a", b]) == [b, c, "a", "d"]
    assert sorted([c, "a", b]) == [b, c, "a"]
    assert not (b > "a")
