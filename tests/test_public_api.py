"""``__all__`` is the contract: every module imports alone and exports what it lists."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(
    ".".join(
        path.relative_to(path.parents[len(path.relative_to(src).parts) - 1]).with_suffix("").parts
    )
    for src in ROOT.glob("packages/*/src")
    for path in src.rglob("*.py")
    if path.name != "__main__.py"
)
PUBLIC = sorted({m.removesuffix(".__init__") for m in MODULES if m.endswith("__init__")})


def test_no_namespace_init_is_shipped() -> None:
    assert not list(ROOT.glob("packages/*/src/aioloom/__init__.py"))


def test_modules_were_found() -> None:
    assert {"aioloom.web", "aioloom.router", "aioloom.http_parser"} <= set(PUBLIC)


@pytest.mark.parametrize("module", [m.removesuffix(".__init__") for m in MODULES])
def test_module_imports_in_a_fresh_interpreter(module: str) -> None:
    probe = (
        "import importlib\n"
        f"m = importlib.import_module({module!r})\n"
        "missing = [n for n in getattr(m, '__all__', ()) if not hasattr(m, n)]\n"
        "assert not missing, missing\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, timeout=60)


@pytest.mark.parametrize("package", PUBLIC)
def test_public_package_declares_all(package: str) -> None:
    probe = f"import {package} as m; assert isinstance(m.__all__, list) and m.__all__"
    subprocess.run([sys.executable, "-c", probe], check=True, timeout=60)
