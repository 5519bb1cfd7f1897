"""The fast path of a request head: a few C-level passes over the whole head.

It takes only the common shape: ``method SP target SP HTTP/1.x``, then lines
``name ": " value`` with one space after the colon, no whitespace to strip,
no ``": "`` inside a value, no HTAB and no other control byte. For anything
else it returns None and the head goes through ``_fields.parse_head``, whose
checks are the reference for verdicts and messages; the fast path never
raises. Costs: one translate, one decode, one replace, one split, and per
field a table lookup (``_field_names``) instead of a match, a lower() and a
hash.
"""

from __future__ import annotations

from multidict import CIMultiDict

from ._abnf import FAST_HEAD_CHECK_TABLE, FAST_HEAD_MAX, KNOWN_METHODS, SPECIAL_NAMES, TOKEN
from ._events import HTTP10, HTTP11, HttpVersion
from ._field_names import KNOWN_FIELDS, MARK
from ._limits import Limits

__all__ = ["split_request_head", "split_request_line", "SplitHead"]

# (method, target, version, fields, lower-cased special names in order)
SplitHead = tuple[str, str, HttpVersion, CIMultiDict[str], list[str]]

_VERSIONS = {"HTTP/1.1": HTTP11, "HTTP/1.0": HTTP10}
_LINE_END = ": " + MARK


def split_request_head(head: bytes, limits: Limits) -> SplitHead | None:
    """Split a common request head (no final CRLFCRLF), or None."""
    # (0 in bytes: an int needle is a plain memchr, a bytes one is not.)
    if len(head) > FAST_HEAD_MAX or 0 in head.translate(FAST_HEAD_CHECK_TABLE):
        return None
    text = head.decode("utf-8", "surrogateescape")
    # Each CRLF becomes ": \0", so one split at ": " gives [request line,
    # "\0" name, value, "\0" name, value, ...]. It is the split into lines and
    # fields iff there are two items per CRLF (the text grew by one character
    # per CRLF) and every name item starts with "\0" (the text had no NUL, so
    # then no value holds one). A CR or LF left over was bare. ":  " and
    # " : \0" (or a final space) mean whitespace around a value, to strip.
    marked = text.replace("\r\n", _LINE_END)
    if (
        "\r" in marked
        or "\n" in marked
        or ":  " in marked
        or " : " + MARK in marked
        or marked.endswith(" ")
    ):
        return None
    items = marked.split(": ")
    lines = len(marked) - len(text)
    start = items[0]
    line = _split_line(start, limits)  # (controls are already excluded)
    if (
        line is None
        or len(items) != 2 * lines + 1
        or lines > limits.max_headers
        or len(head) - len(start) > limits.max_field_size  # start is ASCII
    ):
        return None
    pairs: list[tuple[str, str]] = []
    specials: list[str] = []
    known = KNOWN_FIELDS.get
    rest = iter(items)
    next(rest)
    for marked_name, value in zip(rest, rest):  # noqa: B905 - (name, value) pairs of one iterator
        entry = known(marked_name) or _other_field(marked_name)
        if entry is None:
            return None
        key, special = entry
        pairs.append((key, value))
        if special is not None:
            specials.append(special)
    return *line, CIMultiDict(pairs), specials


def _split_line(start: str, limits: Limits) -> tuple[str, str, HttpVersion] | None:
    """Method, target and version of a request line without control bytes, if
    it has the common shape (single spaces, an ASCII target, a known version)."""
    try:
        method, target, version_text = start.split(" ")
    except ValueError:
        return None
    version = _VERSIONS.get(version_text)
    if (
        version is None
        or not target
        or not target.isascii()
        or (method not in KNOWN_METHODS and TOKEN.fullmatch(method) is None)
        or len(start) > limits.max_line_size
    ):
        return None
    return method, target, version


def _other_field(marked_name: str) -> tuple[str, str | None] | None:
    """Key and special name of a field the table does not know; None if the
    name is not a token or might be a look-alike of a framing field."""
    if not marked_name.startswith(MARK) or TOKEN.fullmatch(marked_name, 1) is None:
        return None
    name = marked_name[1:]
    if "_" in name or "--" in name:
        return None  # the slow path checks look-alikes
    lowered = name.lower()
    return name, lowered if lowered in SPECIAL_NAMES else None


def split_request_line(line: bytes, limits: Limits) -> tuple[str, str, HttpVersion] | None:
    """Method, target and version of a common request line (no CRLF), or None.

    The same checks as the request line of ``split_request_head``, so a line it
    accepts gets the same result in the full paths. None only means: use them.
    """
    if len(line) > limits.max_line_size:
        return None
    try:
        text = line.decode("ascii")
    except UnicodeDecodeError:
        return None
    if not text.isprintable():  # no control byte, CR, LF or HTAB
        return None
    return _split_line(text, limits)
