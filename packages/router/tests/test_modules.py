"""__all__ is the contract: every module imports alone and exports what it lists."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import aioloom.router

MODULES = sorted(
    f"aioloom.router.{info.name}" for info in pkgutil.iter_modules(aioloom.router.__path__)
)


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_in_a_fresh_interpreter(module: str) -> None:
    code = (
        f"import sys, {module} as m\n"
        "assert all(hasattr(m, n) for n in getattr(m, '__all__', ())), 'missing export'\n"
        "bad = [n for n in sys.modules if n.startswith(('aioloom.web', 'asyncio'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_public_names() -> None:
    for name in aioloom.router.__all__:
        assert getattr(aioloom.router, name) is not None
    for module in MODULES:
        if module.endswith("__about__"):
            continue
        exported = getattr(importlib.import_module(module), "__all__", None)
        assert exported is not None, module
        assert len(set(exported)) == len(exported)
