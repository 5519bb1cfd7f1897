"""Enforce the layering of ../shared/DESIGN.md on the source tree.

* A package may import another aioloom package only if its pyproject.toml
  depends on that distribution.
* The sans-IO packages (``aioloom.http_parser``, ``aioloom.websocket``) never
  import asyncio's networking; websocket's one asyncio shell module is the
  exception the design allows.
* No import cycle between the modules of one distribution, counting every
  import (``TYPE_CHECKING`` ones too: a ``typing.Protocol`` in the lower module
  breaks a cycle, hiding it does not).
* aioloom.web's layers only point down (``WEB_LAYERS``).
* No module is longer than ``MAX_LINES`` lines (``LONG_MODULES`` lists the
  exceptions, each with its reason).

Usage: ``python tools/check_layers.py [--root DIR]``; exits 1 on a violation.
"""

from __future__ import annotations

import argparse
import ast
import sys
import tomllib
from collections.abc import Container, Iterator
from dataclasses import dataclass
from pathlib import Path

NETWORKING = frozenset({"asyncio", "socket", "ssl", "selectors", "socketserver"})
SANS_IO = frozenset({"http_parser", "websocket"})
# Modules of a sans-IO package that form its allowed asyncio shell.
ASYNCIO_SHELLS = {
    "websocket": frozenset(
        {"_ws_output.py", "_ws_send.py", "_websocket.py", "_ws_protocol.py", "_client.py"}
    )
}

MAX_LINES = 500
# Modules allowed past MAX_LINES, by path under packages/, with the reason.
LONG_MODULES: dict[str, str] = {}

# aioloom.web's subpackages, lowest first: a module may import its own
# subpackage and those of a lower rank; equal ranks are siblings that never
# meet. The top-level modules (the facade, worker, __main__) are above all.
WEB_LAYERS = {
    "bodies": 0,
    "http": 1,
    "files": 2,
    "websocket": 2,
    "application": 3,
    "server": 4,
}
_TOP = 5


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


def _module_name(package_dir: Path, file: Path) -> str:
    parts = [package_dir.name, *file.relative_to(package_dir).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return "aioloom." + ".".join(parts)


def _own_imports(
    name: str, is_package: bool, tree: ast.AST, modules: Container[str]
) -> Iterator[tuple[int, str]]:
    """The modules ``name`` imports (absolute names; ``from pkg import mod`` is ``pkg.mod``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            names = [f"{module}.{alias.name}" for alias in node.names]
            submodules = [n for n in names if n in modules]
            for target in submodules or [module]:
                yield node.lineno, target


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _web_rank(name: str) -> tuple[int, str]:
    parts = name.split(".")
    if len(parts) > 3 and parts[2] in WEB_LAYERS:
        return WEB_LAYERS[parts[2]], parts[2]
    if parts[2:] == ["__about__"]:
        return -1, "__about__"
    return _TOP, ""


def check_structure(package_dir: Path, root: Path) -> list[Violation]:
    """Cycles, aioloom.web's layer order and module length, for one import package."""
    found: list[Violation] = []
    files = {_module_name(package_dir, f): f for f in sorted(package_dir.rglob("*.py"))}
    graph: dict[str, set[str]] = {name: set() for name in files}
    first_line: dict[tuple[str, str], int] = {}
    for name, file in files.items():
        text = file.read_text()
        lines = text.count("\n")
        rel = file.relative_to(root / "packages").as_posix()
        if lines > MAX_LINES and rel not in LONG_MODULES:
            found.append(
                Violation(file, 1, f"{lines} lines: over {MAX_LINES}; split it along a seam")
            )
        tree = ast.parse(text, str(file))
        for line, target in _own_imports(name, file.name == "__init__.py", tree, files):
            if target in files and target != name:
                graph[name].add(target)
                first_line.setdefault((name, target), line)
    for component in _cycles(graph):
        members = set(component)
        found.extend(
            Violation(
                files[name],
                first_line[(name, target)],
                f"import cycle: {name} imports {target} (cycle of {', '.join(component)})",
            )
            for name in component
            for target in sorted(graph[name] & members)
        )
    if package_dir.name == "web":
        for name, targets in graph.items():
            rank, layer = _web_rank(name)
            for target in sorted(targets):
                target_rank, target_layer = _web_rank(target)
                if target_layer == layer or target_rank < rank:
                    continue
                found.append(
                    Violation(
                        files[name],
                        first_line[(name, target)],
                        f"layer {layer or 'top'} imports {target}: aioloom.web's layers "
                        "only point down (tools/check_layers.py WEB_LAYERS)",
                    )
                )
    return found


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
            found.extend(check_structure(package_dir, root))
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
