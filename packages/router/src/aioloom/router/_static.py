"""The static-files resource: matches ``/prefix/<path>``, resolves it safely, builds URLs.

Serving bytes is the caller's job: the dispatcher asks its ``static_handler_factory``
for the GET/HEAD handler of each StaticResource; that handler calls
``resolve_file(match_info["filename"])`` and answers according to the outcome.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from yarl import URL

from ._abc import NO_METHODS, AbstractResource, IndexKey, MatchInfo, Resolution
from ._errors import URLBuildError
from ._pattern import parse_pattern
from ._protocols import ExpectHandler, Routable
from ._quoting import quote_path, requote_path, unquote_safe
from ._routes import Route
from ._static_path import StaticOutcome, StaticTarget, resolve_static_path

__all__ = ["DEFAULT_CHUNK_SIZE", "IndexEntry", "StaticResource", "validate_prefix"]

H = TypeVar("H")

DEFAULT_CHUNK_SIZE = 256 * 1024
_VERSION_CACHE_SIZE = 1024
_PRECOMPRESSED = (("br", ".br"), ("gzip", ".gz"))


def validate_prefix(prefix: str, *, allow_root: bool) -> str:
    """A plain URL prefix without a trailing '/' ('' for the root), as written:
    decoded, like route paths (``requote_path`` gives its canonical form)."""
    if not prefix.startswith("/"):
        raise ValueError(f"prefix {prefix!r} must start with '/'")
    prefix = prefix.rstrip("/")
    if not prefix and not allow_root:
        raise ValueError("prefix cannot be '/' here")
    if "{" in prefix or "}" in prefix:
        raise ValueError(f"prefix {prefix!r} cannot contain variables")
    if prefix:
        parse_pattern(prefix)  # same checks as a route path (NUL...)
    return prefix


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One line of a directory listing; ``url`` is already percent-encoded."""

    name: str
    url: str
    is_dir: bool


@dataclass(slots=True)
class _Version:
    mtime_ns: int
    size: int
    inode: int
    digest: str


class StaticResource(AbstractResource[H]):
    VERSION_KEY = "v"

    def __init__(
        self,
        prefix: str,
        directory: str | os.PathLike[str],
        *,
        handler_factory: Callable[[StaticResource[H]], H],
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        show_index: bool = False,
        follow_symlinks: bool = False,
        append_version: bool = False,
    ) -> None:
        super().__init__(name=name)
        self._prefix = validate_prefix(prefix, allow_root=True)
        try:
            root = Path(directory).expanduser().resolve(strict=True)
        except FileNotFoundError as error:
            raise ValueError(f"static directory {str(directory)!r} does not exist") from error
        if not root.is_dir():
            raise ValueError(f"static path {str(directory)!r} is not a directory")
        if chunk_size <= 0:
            raise ValueError("chunk_size must be positive")
        self._directory = root
        self._chunk_size = chunk_size
        self._show_index = show_index
        self._follow_symlinks = follow_symlinks
        self._append_version = append_version
        self._expect_handler = expect_handler
        self._versions: dict[Path, _Version] = {}
        self._frozen = False
        handler = handler_factory(self)
        self._routes: dict[str, Route[H]] = {
            method: Route(method, handler, self, expect_handler=expect_handler)
            for method in ("GET", "HEAD")
        }
        self._allowed = frozenset(self._routes)

    # -- configuration, for the serving handler --------------------------------------
    @property
    def prefix(self) -> str:
        return self._prefix

    @property
    def directory(self) -> Path:
        return self._directory

    @property
    def chunk_size(self) -> int:
        return self._chunk_size

    @property
    def show_index(self) -> bool:
        return self._show_index

    @property
    def follow_symlinks(self) -> bool:
        return self._follow_symlinks

    @property
    def append_version(self) -> bool:
        return self._append_version

    @property
    def canonical(self) -> str:
        return requote_path(self._prefix)

    # -- matching --------------------------------------------------------------------
    def resolve_sync(self, request: Routable, method: str, path: str) -> Resolution[H]:
        prefix = self._prefix
        if path != prefix and not path.startswith(prefix + "/"):
            return None, NO_METHODS
        normalized = posixpath.normpath(path)
        if normalized != prefix and not normalized.startswith(prefix + "/"):
            return None, NO_METHODS  # /static/../x is not ours
        route = self._routes.get(method)
        if route is None:
            return None, self._allowed
        filename = unquote_safe(path[len(prefix) + 1 :])
        return MatchInfo({"filename": filename}, route), self._allowed

    def index_key(self) -> IndexKey:
        segments = parse_pattern(self._prefix).segments if self._prefix else ()
        return IndexKey(segments, True)

    def add_prefix(self, prefix: str) -> None:
        self._prefix = prefix + self._prefix

    def route_for(self, method: str) -> Route[H] | None:
        return self._routes.get(method)

    def set_options_route(self, handler: H) -> None:
        if self._frozen:
            raise RuntimeError("cannot add OPTIONS: the router is frozen (the app has started)")
        if "OPTIONS" in self._routes:
            raise RuntimeError("OPTIONS route was set already")
        self._routes["OPTIONS"] = Route(
            "OPTIONS", handler, self, expect_handler=self._expect_handler
        )
        self._allowed = frozenset(self._routes)

    def freeze(self) -> None:
        self._frozen = True

    def raw_match(self, path: str) -> bool:
        return False

    def get_info(self) -> dict[str, object]:
        return {"directory": self._directory, "prefix": self.canonical, "routes": self._routes}

    def __len__(self) -> int:
        return len(self._routes)

    def __iter__(self) -> Iterator[Route[H]]:
        return iter(self._routes.values())

    # -- resolution of files, for the serving handler ---------------------------------
    def resolve_file(self, filename: str) -> StaticTarget:
        """What ``filename`` (``match_info["filename"]``, decoded) refers to, safely."""
        return resolve_static_path(
            self._directory,
            filename,
            follow_symlinks=self._follow_symlinks,
            show_index=self._show_index,
        )

    def compressed_variants(self, filename: str) -> dict[str, Path]:
        """Precompressed siblings (``br``/``gzip`` -> path), each checked like a file."""
        variants: dict[str, Path] = {}
        for encoding, suffix in _PRECOMPRESSED:
            target = self.resolve_file(filename + suffix)
            if target.outcome is StaticOutcome.FILE and target.path is not None:
                variants[encoding] = target.path
        return variants

    def index_entries(self, directory: Path) -> list[IndexEntry]:
        """The entries of a directory listing, hiding what could not be served."""
        relative = directory.relative_to(self._directory).as_posix()
        base = "" if relative == "." else relative + "/"
        entries = []
        for child in sorted(directory.iterdir()):
            rel = base + child.name
            target = self.resolve_file(rel)
            if target.outcome in (StaticOutcome.NOT_FOUND, StaticOutcome.FORBIDDEN):
                continue  # (FORBIDDEN here: a FIFO, socket or device, never served)
            is_dir = target.path is not None and target.path.is_dir()
            url = quote_path(f"{self._prefix}/{rel}")  # (quotes the prefix as written too)
            entries.append(IndexEntry(child.name + ("/" if is_dir else ""), url, is_dir))
        return entries

    def index_html(self, directory: Path) -> str:
        """An HTML listing of ``directory``; every name and URL is HTML-escaped."""
        relative = directory.relative_to(self._directory).as_posix()
        title = "Index of /" + html.escape("" if relative == "." else relative, quote=True)
        items = "\n".join(
            f'<li><a href="{html.escape(entry.url, quote=True)}">'
            f"{html.escape(entry.name, quote=True)}</a></li>"
            for entry in self.index_entries(directory)
        )
        return (
            f"<html>\n<head>\n<title>{title}</title>\n</head>\n<body>\n<h1>{title}</h1>\n"
            f"<ul>\n{items}\n</ul>\n</body>\n</html>"
        )

    # -- URL building ----------------------------------------------------------------
    def url_for(  # type: ignore[override]
        self,
        *,
        filename: str | os.PathLike[str] | None = None,
        append_version: bool | None = None,
        **parts: str,
    ) -> URL:
        if filename is None or parts:
            raise URLBuildError(
                f"url_for() of static resource {self._prefix or '/'} takes filename= "
                "(and append_version=) only"
            )
        if append_version is None:
            append_version = self._append_version
        name = os.fspath(filename).lstrip("/")
        url = URL.build(path=requote_path(self._prefix) or "/", encoded=True) / name
        if append_version:
            digest = self._version_of(name)
            if digest is not None:
                url = url.with_query({self.VERSION_KEY: digest})
        return url

    def _version_of(self, filename: str) -> str | None:
        target = self.resolve_file(filename)
        if target.outcome is not StaticOutcome.FILE or target.path is None:
            return None
        path = target.path
        try:
            info = path.stat()
            cached = self._versions.get(path)
            if (
                cached is not None
                and cached.mtime_ns == info.st_mtime_ns
                and cached.size == info.st_size
                and cached.inode == info.st_ino
            ):
                return cached.digest
            digest = hashlib.sha256()
            with path.open("rb") as file:
                for block in iter(lambda: file.read(self._chunk_size), b""):
                    digest.update(block)
        except OSError:
            return None
        value = base64.urlsafe_b64encode(digest.digest()).decode("ascii")
        if len(self._versions) >= _VERSION_CACHE_SIZE:
            self._versions.pop(next(iter(self._versions)))
        self._versions[path] = _Version(info.st_mtime_ns, info.st_size, info.st_ino, value)
        return value

    def __repr__(self) -> str:
        name = f" {self.name!r}" if self.name is not None else ""
        return f"<StaticResource{name} {self._prefix or '/'} -> {str(self._directory)!r}>"
