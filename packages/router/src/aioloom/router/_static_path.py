"""Safe resolution of a requested relative path to something under a static root.

Rules (see THREAT_MODEL.md): the request decides only *which name under the root*
it asks for, never where the root is. Anything that could name a place outside the
root -- ``..`` segments, absolute paths, backslashes, Windows drives and UNC paths,
NUL bytes -- is NOT_FOUND before the file system is touched. Symlinks are resolved;
without ``follow_symlinks`` the resolved path must still be under the root. With
``follow_symlinks`` only symlinks may lead elsewhere: the requested path itself is
checked lexically (GHSA-5h86-8mv2-jq9f). "Outside the root" and "does not exist"
give the very same NOT_FOUND result (GHSA-54jq-c3m8-4m76).
"""

from __future__ import annotations

import enum
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

__all__ = ["StaticOutcome", "StaticTarget", "resolve_static_path", "safe_join"]


class StaticOutcome(enum.Enum):
    """What a static request resolved to."""

    FILE = "file"  # serve ``path`` (a regular file)
    DIRECTORY_INDEX = "directory_index"  # ``path`` is a directory and show_index is on
    NOT_FOUND = "not_found"  # missing, outside the root, unsafe name: 404
    FORBIDDEN = "forbidden"  # a directory without show_index, a special file, no permission: 403


@dataclass(frozen=True, slots=True)
class StaticTarget:
    outcome: StaticOutcome
    path: Path | None = None  # set for FILE and DIRECTORY_INDEX

    @property
    def status(self) -> int:
        """The HTTP status a server answers with (200 for FILE and DIRECTORY_INDEX)."""
        return _STATUS[self.outcome]


_STATUS = {
    StaticOutcome.FILE: 200,
    StaticOutcome.DIRECTORY_INDEX: 200,
    StaticOutcome.NOT_FOUND: 404,
    StaticOutcome.FORBIDDEN: 403,
}
NOT_FOUND = StaticTarget(StaticOutcome.NOT_FOUND)
FORBIDDEN = StaticTarget(StaticOutcome.FORBIDDEN)


def _inside(root: Path, path: Path) -> bool:
    return path == root or path.is_relative_to(root)


def _unsafe_name(filename: str) -> bool:
    if "\x00" in filename or "\\" in filename or filename.startswith("/"):
        return True
    windows = PureWindowsPath(filename)
    if windows.drive or windows.root:  # C:, C:\, \\host\share, //host/share
        return True
    return any(part == ".." for part in filename.split("/"))


def safe_join(root: Path, filename: str, *, follow_symlinks: bool) -> Path | None:
    """The resolved path of ``filename`` under ``root`` (resolved, absolute), or None."""
    if _unsafe_name(filename):
        return None
    parts = [part for part in filename.split("/") if part not in ("", ".")]
    unresolved = root.joinpath(*parts)
    try:
        if follow_symlinks:
            lexical = Path(os.path.normpath(unresolved))
            if not _inside(root, lexical):
                return None
            return lexical.resolve()
        resolved = unresolved.resolve()
    except (OSError, RuntimeError, ValueError):  # symlink loops, odd names
        return None
    return resolved if _inside(root, resolved) else None


def resolve_static_path(
    root: Path, filename: str, *, follow_symlinks: bool, show_index: bool
) -> StaticTarget:
    """Decide what serving ``filename`` (decoded, relative to ``root``) means."""
    path = safe_join(root, filename, follow_symlinks=follow_symlinks)
    if path is None:
        return NOT_FOUND
    try:
        mode = path.stat().st_mode
    except PermissionError:
        return FORBIDDEN
    except (OSError, ValueError):
        return NOT_FOUND
    if stat.S_ISDIR(mode):
        return StaticTarget(StaticOutcome.DIRECTORY_INDEX, path) if show_index else FORBIDDEN
    if stat.S_ISREG(mode):
        return StaticTarget(StaticOutcome.FILE, path)
    return FORBIDDEN  # FIFOs, sockets, devices: never served (403, as aiohttp)
