"""Parsing a request's ``Cookie`` header by aiohttp 3.14's rules.

Real clients send cookies that RFC 6265 would refuse: names with ``{}``,
``/`` or ``[]`` (load balancers), quoted values holding spaces, ``;`` and
``\\"`` / ``\\054`` escapes (``SimpleCookie`` writes JSON that way, so our own
``set_cookie`` does), bare names such as ``Secure``. aiohttp keeps all of
these, and code written for it relies on that, so the scanner below accepts
the same language:

* a pair is a name, optionally ``=`` and a value, ended by whitespace, ``;``
  or the end of the header;
* a value is a quoted string (escapes allowed), an opening quote with no
  closing one (kept as is), an ``Expires``-style date (its comma and spaces
  would otherwise split it), or a run of plain characters;
* where that grammar does not match, the text up to the next ``;`` is read as
  ``name=value`` if it has an ``=``, else skipped, so one malformed pair never
  takes the pairs after it down with it;
* a name is kept when it is printable ASCII without ``"``, ``,``, ``;``, ``\\``
  or space. Rejected names are reported in one debug line per header, never
  one per cookie (GHSA-fh55-r93g-j68g: a client must not be able to multiply
  log lines).

Quoted values are unquoted as ``http.cookies`` does (``\\ooo`` octal escapes,
``\\x`` for any other ``x``), so whatever ``Response.set_cookie`` accepts comes
back unchanged.
"""

from __future__ import annotations

import logging
import re
from http.cookies import CookieError, Morsel

__all__ = ["parse_cookie_header", "internal_logger"]

# aiohttp reports bad cookies on "aiohttp.internal"; ours is its namesake.
internal_logger = logging.getLogger("aioloom.internal")

_WS = "[ \t\n\r\f\v]"
_WORD = "A-Za-z0-9_"
_DIGIT = "[0-9]"
# Characters the scanner takes into a name; a value may also hold "=".
_SCAN_NAME = rf"[{_WORD}!#$%&'*+\-.^`|~<>@,:/?(){{}}\[\]]+"
_PLAIN_VALUE = rf"[{_WORD}!#$%&'*+\-.^`|~<>@,:/?(){{}}\[\]=]*"
_QUOTED = r'"(?:[^\\"]|\\.)*"'
_OPEN_QUOTE = r'"[^";]*'  # no closing quote: kept verbatim (aiohttp issue 7993)
# "Thu, 01 Jan 2030 00:00:00 GMT" (RFC 1123/850/1036 shapes, or a +hhmm offset)
_HTTP_DATE = (
    rf"(?:[{_WORD}]{{3,6}}day|[{_WORD}]{{3}}),{_WS}"
    rf"[{_WORD}{_WS[1:-1]}-]{{9,11}}{_WS}[0-9:]{{8}}{_WS}(?:GMT|[+-]{_DIGIT}{{4}})"
)
# "Wed Jun  9 10:18:14 2021" (asctime)
_ASCTIME = (
    rf"[{_WORD}]{{3}}{_WS}+[{_WORD}]{{3}}{_WS}+[{_WS[1:-1]}0-9]{_DIGIT}{_WS}+"
    rf"{_DIGIT}{{2}}:{_DIGIT}{{2}}:{_DIGIT}{{2}}{_WS}+{_DIGIT}{{4}}"
)
_PAIR = re.compile(
    rf"{_WS}*(?P<name>{_SCAN_NAME})"
    rf"(?:{_WS}*={_WS}*(?P<value>{_QUOTED}|{_OPEN_QUOTE}|{_HTTP_DATE}|{_ASCTIME}|{_PLAIN_VALUE}))?"
    rf"{_WS}*(?:{_WS}+|;|$)"
)
# Printable ASCII except '"', ',', ';' and '\'.
_NAME = re.compile(r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+")
_ESCAPE = re.compile(r"\\(?:([0-3][0-7][0-7])|(.))")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MAX_LOGGED_NAMES = 10


def _unescape(match: re.Match[str]) -> str:
    octal, char = match.groups()
    return chr(int(octal, 8)) if octal else char


def _unquote(value: str) -> str:
    if len(value) < 2 or value[0] != '"' or value[-1] != '"':
        return value
    return _ESCAPE.sub(_unescape, value[1:-1])


def _morsel_rejects_controls() -> bool:
    """Whether this Python's ``http.cookies`` refuses control characters.

    Patched CPython releases do; then ``set_cookie`` cannot send them either,
    and aiohttp (whose Morsels raise) drops such a cookie. Follow the running
    Python so the two sides agree.
    """
    try:
        Morsel[str]().set("a", "\n", '"\\012"')
    except CookieError:
        return True
    return False


_REJECT_CONTROLS = _morsel_rejects_controls()


def parse_cookie_header(header: str) -> dict[str, str]:
    """The cookies of one ``Cookie`` header, name to value; the last of a name wins."""
    cookies: dict[str, str] = {}
    invalid: list[str] = []
    position = 0
    end = len(header)
    while position < end:
        match = _PAIR.match(header, position)
        if match is not None:
            position = match.end()
            name = match["name"]
            value = match["value"] or ""
        else:
            # Not the grammar: read up to the next ";" as name=value, if it is one.
            semicolon = header.find(";", position)
            stop = end if semicolon == -1 else semicolon
            equals = header.find("=", position, stop)
            start, position = position, stop + 1
            if equals == -1:
                continue
            name = header[start:equals].strip()
            value = header[equals + 1 : stop].strip()
        if _NAME.fullmatch(name) is None:
            invalid.append(name)
            continue
        value = _unquote(value)
        if _REJECT_CONTROLS and _CONTROL.search(value) is not None:
            continue
        cookies[name] = value
    if invalid:
        internal_logger.debug(
            "Cannot load cookie. Illegal cookie names: %r%s",
            invalid[:_MAX_LOGGED_NAMES],
            f" and {len(invalid) - _MAX_LOGGED_NAMES} more"
            if len(invalid) > _MAX_LOGGED_NAMES
            else "",
        )
    return cookies
