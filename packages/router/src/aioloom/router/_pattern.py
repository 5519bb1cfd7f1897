"""Route path syntax: ``/plain``, ``{name}``, ``{name:regex}``; parsed once, checked at add time.

A route path is written the way the decoded request path reads (``/café``,
``/a b``; see ``_quoting``): literals and custom regexes are matched against the
decoded path, as in aiohttp 3.14. Only the canonical form (``/caf%C3%A9``, used
to build URLs) is percent-encoded.

A pattern is split into path segments for the lookup index. A segment is a
literal, a lone default variable (any non-empty segment), or a small regex. When a
variable's regex may match ``/`` the pattern is *open-ended* from that segment on:
the index then only knows its leading segments and the full regex decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ._quoting import requote_path, unquote_safe
from ._regex_safety import may_match_slash

__all__ = ["DEFAULT_VARIABLE_REGEX", "PathPattern", "Segment", "parse_pattern"]

DEFAULT_VARIABLE_REGEX = "[^{}/]+"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)

SegmentKind = Literal["literal", "any", "regex"]


@dataclass(frozen=True, slots=True)
class Segment:
    """One ``/``-separated piece of a pattern, as the index sees it."""

    kind: SegmentKind
    text: str  # the literal (decoded, as written) or the regex source
    simple: bool  # only literals and default variables: matches non-empty text without braces
    compiled: re.Pattern[str] | None = None

    def matches(self, segment: str) -> bool:
        if self.kind == "literal":
            return segment == self.text
        if self.kind == "any":
            return segment != ""
        return self.compiled is not None and self.compiled.fullmatch(segment) is not None


@dataclass(frozen=True, slots=True)
class PathPattern:
    path: str  # as given
    canonical: str  # encoded literals, variables as {name}
    text: str  # what a plain path matches: the decoded path, as written
    regex: re.Pattern[str] | None  # None for a plain path
    variables: tuple[str, ...]
    segments: tuple[Segment, ...]  # segments known to the index (all of them unless open-ended)
    open_ended: bool  # a variable may match '/': segments after ``segments`` are unknown
    sample: str | None  # a path this pattern matches, when only default variables are used

    @property
    def is_plain(self) -> bool:
        return self.regex is None

    def match(self, path: str) -> dict[str, str] | None:
        """The variables (as handlers see them) if ``path`` (decoded) matches, else None."""
        if self.regex is None:
            return {} if path == self.text else None
        found = self.regex.fullmatch(path)
        if found is None:
            return None
        return {name: unquote_safe(value) for name, value in found.groupdict().items()}


# A token is a literal (decoded, as written) or a variable (name, regex, is_default).
_Literal = tuple[Literal["lit"], str]
_Variable = tuple[Literal["var"], str, str, bool]
_Token = _Literal | _Variable


def _tokenize(path: str) -> list[_Token]:
    tokens: list[_Token] = []
    seen: set[str] = set()
    literal_start = 0
    index = 0
    length = len(path)
    while index < length:
        char = path[index]
        if char == "}":
            raise ValueError(f"invalid route path {path!r}: unbalanced '}}' at position {index}")
        if char != "{":
            index += 1
            continue
        depth = 1
        end = index + 1
        while end < length and depth:
            if path[end] == "{":
                depth += 1
            elif path[end] == "}":
                depth -= 1
            end += 1
        if depth:
            raise ValueError(f"invalid route path {path!r}: unbalanced '{{' at position {index}")
        if literal_start < index:
            tokens.append(("lit", path[literal_start:index]))
        tokens.append(_variable(path, path[index + 1 : end - 1], seen))
        literal_start = index = end
    if literal_start < length:
        tokens.append(("lit", path[literal_start:]))
    return tokens


def _variable(path: str, body: str, seen: set[str]) -> _Variable:
    name, colon, regex = body.partition(":")
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"invalid route path {path!r}: variable name {name!r} in '{{{body}}}' is not an "
            "identifier"
        )
    if name in seen:
        raise ValueError(f"invalid route path {path!r}: duplicate variable {name!r}")
    seen.add(name)
    if not colon:
        return ("var", name, DEFAULT_VARIABLE_REGEX, True)
    if not regex:
        raise ValueError(f"invalid route path {path!r}: empty regex for variable {name!r}")
    try:
        compiled = re.compile(regex)
    except re.error as exc:
        raise ValueError(
            f"invalid route path {path!r}: bad regex {regex!r} for variable {name!r}: {exc}"
        ) from None
    if compiled.groupindex:
        # unnamed groups are harmless (aiohttp accepts them); a named one would
        # become a variable of its own
        raise ValueError(
            f"invalid route path {path!r}: the regex of variable {name!r} has a named "
            f"group; use (...) or (?:...) instead"
        )
    return ("var", name, regex, regex == DEFAULT_VARIABLE_REGEX)


def _segment(tokens: list[_Token]) -> Segment:
    if all(token[0] == "lit" for token in tokens):
        return Segment("literal", "".join(token[1] for token in tokens), simple=True)
    if len(tokens) == 1 and tokens[0][0] == "var" and tokens[0][3]:
        return Segment("any", DEFAULT_VARIABLE_REGEX, simple=True)
    source = "".join(
        re.escape(token[1]) if token[0] == "lit" else f"(?:{token[2]})" for token in tokens
    )
    simple = all(token[0] == "lit" or token[3] for token in tokens)
    return Segment("regex", source, simple=simple, compiled=re.compile(source))


def _split_segments(tokens: list[_Token]) -> tuple[tuple[Segment, ...], bool]:
    """Segments after the leading '/', and whether the pattern is open-ended."""
    segments: list[Segment] = []
    current: list[_Token] = []
    for token in tokens:
        if token[0] == "var":
            if may_match_slash(token[2]):
                return tuple(segments[1:]), True
            current.append(token)
            continue
        pieces = token[1].split("/")
        for piece in pieces[:-1]:
            if piece:
                current.append(("lit", piece))
            segments.append(_segment(current))
            current = []
        if pieces[-1]:
            current.append(("lit", pieces[-1]))
    segments.append(_segment(current))
    # the first "segment" is what precedes the leading '/': always empty
    return tuple(segments[1:]), False


def parse_pattern(path: str) -> PathPattern:
    """Parse and validate a route path; raise ValueError with the reason."""
    if not isinstance(path, str):
        raise TypeError(f"route path must be str, got {type(path).__name__}")
    if not path.startswith("/"):
        raise ValueError(f"invalid route path {path!r}: it must start with '/'")
    if "\x00" in path:
        raise ValueError(f"invalid route path {path!r}: NUL character")
    tokens = _tokenize(path)
    canonical = "".join(
        requote_path(token[1]) if token[0] == "lit" else "{" + token[1] + "}" for token in tokens
    )
    segments, open_ended = _split_segments(tokens)
    variables = tuple(token[1] for token in tokens if token[0] == "var")
    if not variables:
        return PathPattern(path, canonical, path, None, (), segments, False, path)
    source = "".join(
        re.escape(token[1]) if token[0] == "lit" else f"(?P<{token[1]}>{token[2]})"
        for token in tokens
    )
    try:
        regex = re.compile(source)
    except re.error as exc:  # pragma: no cover - parts were compiled one by one
        raise ValueError(f"invalid route path {path!r}: {exc}") from None
    sample: str | None = None
    if all(token[0] == "lit" or token[3] for token in tokens):
        sample = "".join(token[1] if token[0] == "lit" else "x" for token in tokens)
    return PathPattern(path, canonical, path, regex, variables, segments, open_ended, sample)
