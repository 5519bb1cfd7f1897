from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("check_layers", TOOLS / "check_layers.py")
assert _spec is not None
assert _spec.loader is not None
check_layers = importlib.util.module_from_spec(_spec)
sys.modules["check_layers"] = check_layers
_spec.loader.exec_module(check_layers)


def _package(root: Path, folder: str, dist: str, module: str, deps: list[str], code: str) -> None:
    base = root / "packages" / folder
    (base / "src" / "aioloom" / module).mkdir(parents=True)
    quoted = ", ".join(f'"{d}"' for d in deps)
    (base / "pyproject.toml").write_text(
        f'[project]\nname = "{dist}"\nversion = "0.1.0"\ndependencies = [{quoted}]\n'
    )
    (base / "src" / "aioloom" / module / "__init__.py").write_text(code)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    _package(tmp_path, "router", "aioloom-router", "router", ["yarl"], "import yarl\n")
    _package(tmp_path, "http-parser", "aioloom-http-parser", "http_parser", [], "import re\n")
    _package(
        tmp_path,
        "web-app",
        "aioloom-web",
        "web",
        ["aioloom-router==0.1.0", "aioloom-http-parser==0.1.0"],
        "import asyncio\nfrom aioloom.router import x\nfrom aioloom import http_parser\n",
    )
    return tmp_path


def test_clean_tree_passes(tree: Path) -> None:
    assert check_layers.check(tree) == []


def test_catches_import_of_undeclared_package(tree: Path) -> None:
    init = tree / "packages/router/src/aioloom/router/__init__.py"
    init.write_text("from aioloom.web import Application\n")
    [violation] = check_layers.check(tree)
    assert "aioloom.router imports aioloom.web" in violation.message
    assert "does not depend on aioloom-web" in violation.message
    assert violation.line == 1


def test_catches_from_aioloom_import_form(tree: Path) -> None:
    init = tree / "packages/router/src/aioloom/router/__init__.py"
    init.write_text("import yarl\nfrom aioloom import http_parser\n")
    [violation] = check_layers.check(tree)
    assert "aioloom.http_parser" in violation.message
    assert violation.line == 2


def test_catches_networking_in_sans_io_package(tree: Path) -> None:
    init = tree / "packages/http-parser/src/aioloom/http_parser/__init__.py"
    init.write_text("import re\nimport asyncio.streams\n")
    [violation] = check_layers.check(tree)
    assert "sans-IO package aioloom.http_parser imports asyncio" in violation.message


def test_main_exit_status(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check_layers.main(["--root", str(tree)]) == 0
    (tree / "packages/router/src/aioloom/router/__init__.py").write_text("import aioloom.web\n")
    assert check_layers.main(["--root", str(tree)]) == 1
    assert "1 layering violation(s)" in capsys.readouterr().out


def test_the_repository_itself_is_clean() -> None:
    assert check_layers.check(TOOLS.parent) == []


def _write(tree: Path, relative: str, code: str) -> Path:
    path = tree / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(code)
    return path


def test_catches_an_import_cycle_between_modules(tree: Path) -> None:
    base = "packages/router/src/aioloom/router"
    _write(tree, f"{base}/_a.py", "from ._b import B\n")
    _write(tree, f"{base}/_b.py", "import yarl\nfrom ._c import C\n")
    _write(tree, f"{base}/_c.py", "from aioloom.router._a import A\n")
    violations = check_layers.check(tree)
    assert len(violations) == 3
    assert all("import cycle" in v.message for v in violations)
    assert "aioloom.router._b imports aioloom.router._c" in violations[1].message
    assert violations[1].line == 2


def test_a_type_checking_import_still_makes_a_cycle(tree: Path) -> None:
    base = "packages/router/src/aioloom/router"
    _write(tree, f"{base}/_a.py", "from ._b import B\n")
    _write(
        tree,
        f"{base}/_b.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ._a import A\n",
    )
    assert {v.message.split(" (")[0] for v in check_layers.check(tree)} == {
        "import cycle: aioloom.router._a imports aioloom.router._b",
        "import cycle: aioloom.router._b imports aioloom.router._a",
    }


def test_importing_a_sibling_submodule_from_the_package_is_no_cycle(tree: Path) -> None:
    base = "packages/router/src/aioloom/router"
    _write(tree, f"{base}/__init__.py", "from ._a import A\n")
    _write(tree, f"{base}/_a.py", "from . import _b\nA = 1\n")
    _write(tree, f"{base}/_b.py", "B = 2\n")
    assert check_layers.check(tree) == []


def test_catches_a_module_over_the_size_limit(tree: Path) -> None:
    lines = check_layers.MAX_LINES + 1
    path = _write(tree, "packages/router/src/aioloom/router/_long.py", "x = 1\n" * lines)
    [violation] = check_layers.check(tree)
    assert violation.file == path
    assert f"{lines} lines: over {check_layers.MAX_LINES}" in violation.message
    _write(tree, "packages/router/src/aioloom/router/_long.py", "x = 1\n" * (lines - 1))
    assert check_layers.check(tree) == []


def test_a_listed_long_module_is_allowed(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tree, "packages/router/src/aioloom/router/_table.py", "x = 1\n" * 600)
    monkeypatch.setattr(
        check_layers, "LONG_MODULES", {"router/src/aioloom/router/_table.py": "generated"}
    )
    assert check_layers.check(tree) == []


def test_catches_a_web_layer_importing_upwards(tree: Path) -> None:
    base = "packages/web-app/src/aioloom/web"
    _write(tree, f"{base}/http/__init__.py", "")
    _write(tree, f"{base}/server/__init__.py", "")
    _write(tree, f"{base}/server/_protocol.py", "from ..http._request import R\n")
    _write(tree, f"{base}/http/_request.py", "import yarl\nfrom ..server import _protocol\n")
    violations = check_layers.check(tree)
    upward = [v for v in violations if "only point down" in v.message]
    assert len(upward) == 1
    assert "layer http imports aioloom.web.server._protocol" in upward[0].message
    assert upward[0].line == 2


def test_a_dependency_behind_an_extra_may_be_imported(tree: Path) -> None:
    _package(tree, "compat", "aioloom-compat", "compat", [], "from aioloom.web import x\n")
    pyproject = tree / "packages/compat/pyproject.toml"
    [violation] = check_layers.check(tree)
    assert "does not depend on aioloom-web" in violation.message
    pyproject.write_text(
        pyproject.read_text() + '[project.optional-dependencies]\nweb = ["aioloom-web==0.1.0"]\n'
    )
    assert check_layers.check(tree) == []
