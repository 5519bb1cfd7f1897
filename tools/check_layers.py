"""Enforce the layering of ../shared/DESIGN.md on the source tree.

* A package may import another aioloom package only if its pyproject.toml
  depends on that distribution.
* The sans-IO packages (``aioloom.http_parser``, ``aioloom.websocket``) never
  import asyncio's networking; websocket's one asyncio shell module is the
  exception the design allows.

Usage: ``python tools/check_layers.py [--root DIR]``; exits 1 on a violation.
"""

from __future__ import annotations

import argparse
import ast
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

NETWORKING = frozenset({"asyncio", "socket", "ssl", "selectors", "socketserver"})
SANS_IO = frozenset({"http_parser", "websocket"})
# Modules of a sans-IO package that form its allowed asyncio shell.
ASYNCIO_SHELLS = {"websocket": frozenset({"_websocket.py", "_client.py"})}


@dataclass(frozen=True)
class Violation:
    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def _distribution_names(root: Path) -> dict[str, str]:
    """Map import name (``router``) to distribution name (``aioloom-router``)."""
    names: dict[str, str] = {}
    for pyproject in sorted(root.glob("packages/*/pyproject.toml")):
        src = pyproject.parent / "src" / "aioloom"
        if not src.is_dir():
            continue
        dist = tomllib.loads(pyproject.read_text())["project"]["name"]
        for module in src.iterdir():
            if module.is_dir():
                names[module.name] = dist
    return names


def _dependencies(pyproject: Path) -> set[str]:
    """Declared dependencies, extras included: a module behind an extra (such as
    aiohttp-compat's pytest plugin, which needs ``[pytest]``) may import them."""
    project = tomllib.loads(pyproject.read_text())["project"]
    deps = set()
    extras = project.get("optional-dependencies", {}).values()
    for spec in [*project.get("dependencies", []), *(s for group in extras for s in group)]:
        name = spec.split(";")[0]
        for stop in "=<>!~[ ":
            name = name.split(stop)[0]
        deps.add(name.strip().lower())
    return deps


def _imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "aioloom":
                for alias in node.names:
                    yield node.lineno, f"aioloom.{alias.name}"
            else:
                yield node.lineno, node.module


def check(root: Path) -> list[Violation]:
    found: list[Violation] = []
    owners = _distribution_names(root)
    for pyproject in sorted(root.glob("packages/*/pyproject.toml")):
        src = pyproject.parent / "src" / "aioloom"
        if not src.is_dir():
            continue
        allowed = _dependencies(pyproject)
        for package_dir in (p for p in src.iterdir() if p.is_dir()):
            own = package_dir.name
            for file in sorted(package_dir.rglob("*.py")):
                tree = ast.parse(file.read_text(), str(file))
                for line, name in _imports(tree):
                    parts = name.split(".")
                    if parts[0] == "aioloom" and len(parts) > 1 and parts[1] != own:
                        target = owners.get(parts[1])
                        if target is None:
                            found.append(Violation(file, line, f"imports unknown {name}"))
                        elif target not in allowed:
                            found.append(
                                Violation(
                                    file,
                                    line,
                                    f"aioloom.{own} imports {name} but {pyproject.parent.name}"
                                    f"/pyproject.toml does not depend on {target}",
                                )
                            )
                    shells = ASYNCIO_SHELLS.get(own, frozenset())
                    if own in SANS_IO and parts[0] in NETWORKING and file.name not in shells:
                        found.append(
                            Violation(
                                file, line, f"sans-IO package aioloom.{own} imports {parts[0]}"
                            )
                        )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    violations = check(args.root)
    for violation in violations:
        print(violation)
    if violations:
        print(f"{len(violations)} layering violation(s)")
        return 1
    print("layering ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
