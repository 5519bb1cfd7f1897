"""``__all__`` is the contract; every module imports alone in a fresh interpreter."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import aioloom.http_parser as package


def test_all_names_exist() -> None:
    for name in package.__all__:
        assert hasattr(package, name), name


def test_every_module_imports_alone_and_declares_all() -> None:
    modules = [m.name for m in pkgutil.iter_modules(package.__path__)]
    assert "_machine" in modules
    for name in modules:
        code = (
            f"import importlib; m = importlib.import_module('aioloom.http_parser.{name}'); "
            "assert isinstance(getattr(m, '__all__', None), list), m"
        )
        subprocess.run([sys.executable, "-c", code], check=True)
