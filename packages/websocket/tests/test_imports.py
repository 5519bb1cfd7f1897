"""Every module imports alone in a fresh interpreter; ``__all__`` is the contract."""

import subprocess
import sys
from pathlib import Path

import pytest

import aioloom.websocket

PKG = Path(aioloom.websocket.__file__).parent
MODULES = sorted(p.stem for p in PKG.glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_alone_and_all_is_defined(module: str) -> None:
    code = (
        f"import importlib; m = importlib.import_module('aioloom.websocket.{module}');"
        "missing = [n for n in getattr(m, '__all__', []) if not hasattr(m, n)];"
        "assert hasattr(m, '__all__') or m.__name__.endswith('__about__'), 'no __all__';"
        "assert not missing, missing"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_package_all_resolves() -> None:
    for name in aioloom.websocket.__all__:
        assert getattr(aioloom.websocket, name) is not None


def test_sans_io_core_does_not_import_asyncio() -> None:
    code = (
        "import sys; import aioloom.websocket as ws;"
        "ws.Connection(is_client=False); ws.server_handshake;"
        "assert 'asyncio' not in sys.modules, 'asyncio imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_tests_pass_without_asserts_enabled_in_src() -> None:
    # GHSA-jj3x-wxrx-4x23: the core works under python -O.
    code = (
        "import aioloom.websocket as ws;"
        "p = ws.Connection(is_client=True); s = ws.Connection(is_client=False);"
        "m = s.receive_data(p.send_text('hi'));"
        "import sys; sys.exit(0 if m[0].data == 'hi' else 1)"
    )
    subprocess.run([sys.executable, "-O", "-c", code], check=True)
