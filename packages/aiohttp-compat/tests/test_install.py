"""install() / uninstall(): what resolves to aioloom, and what stays aiohttp's."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from aioloom import aiohttp_compat, web
from aioloom.aiohttp_compat import SERVER_MODULES


@pytest.mark.usefixtures("compat")
def test_server_modules_are_aioloom_s() -> None:
    from aiohttp import web as aiohttp_web

    assert aiohttp_web.Application is web.Application
    assert aiohttp_web.Response is web.Response
    assert aiohttp_web.HTTPFound is web.HTTPFound
    assert aiohttp_web.AppKey is web.AppKey
    for name in SERVER_MODULES:
        module = importlib.import_module(name)
        for attribute in module.__all__:
            assert getattr(module, attribute) is getattr(web, attribute), (name, attribute)
    import aiohttp.web_exceptions
    import aiohttp.web_log

    assert aiohttp.web_exceptions.HTTPNotFound is web.HTTPNotFound
    assert aiohttp.web_log.AccessLogger is web.AccessLogger


@pytest.mark.usefixtures("compat")
def test_server_half_of_abc_and_handler_types() -> None:
    import aiohttp.abc
    import aiohttp.typedefs

    assert aiohttp.abc.AbstractView is web.AbstractView
    assert aiohttp.abc.AbstractAccessLogger is web.AbstractAccessLogger
    app = web.Application()
    assert isinstance(app.router, aiohttp.abc.AbstractRouter)
    assert isinstance(app.router.resolve_path("GET", "/"), aiohttp.abc.AbstractMatchInfo)
    assert aiohttp.typedefs.Handler is web.Handler
    assert aiohttp.typedefs.Middleware is web.Middleware

    # A subclass of aiohttp's AbstractView is a view aioloom's router accepts.
    class Hello(aiohttp.abc.AbstractView):
        async def _answer(self) -> web.StreamResponse:
            return web.Response(text="hi")

        def __await__(self):  # type: ignore[no-untyped-def]
            return self._answer().__await__()

    app.router.add_view("/", Hello)


@pytest.mark.usefixtures("compat")
def test_the_client_half_stays_aiohttp_s() -> None:
    import aiohttp
    import aiohttp.abc

    assert aiohttp.ClientSession.__module__ == "aiohttp.client"
    assert aiohttp.abc.AbstractCookieJar.__module__ == "aiohttp.abc"
    assert aiohttp.hdrs.CONTENT_TYPE == "Content-Type"


@pytest.mark.usefixtures("compat")
def test_install_is_idempotent_and_uninstall_restores() -> None:
    import aiohttp
    import aiohttp.abc
    import aiohttp.typedefs

    stand_in = sys.modules["aiohttp.web"]
    aiohttp_compat.install()
    assert sys.modules["aiohttp.web"] is stand_in
    aiohttp_compat.uninstall()
    assert not aiohttp_compat.is_installed()
    assert "aiohttp.web" not in sys.modules
    assert vars(aiohttp).get("web") is not stand_in  # absent, or the real one it was
    assert aiohttp.abc.AbstractView.__module__ == "aiohttp.abc"
    assert aiohttp.typedefs.Handler is not web.Handler
    aiohttp_compat.install()  # the fixture uninstalls it again
    assert aiohttp_compat.is_installed()


@pytest.mark.usefixtures("compat")
def test_a_name_aioloom_lacks_says_so() -> None:
    from aiohttp import web as aiohttp_web

    missing = aiohttp_compat.missing_names("aiohttp.web")
    if not missing:
        pytest.skip("aioloom.web has every name of aiohttp.web")
    with pytest.raises(AttributeError, match="no aioloom counterpart yet"):
        getattr(aiohttp_web, missing[0])
    with pytest.raises(AttributeError, match="has no attribute 'nonsense'"):
        aiohttp_web.nonsense  # noqa: B018


def test_installing_after_aiohttp_web_was_imported_says_how_to_fix() -> None:
    code = "import aiohttp.web\nfrom aioloom.aiohttp_compat import install\ninstall()\n"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "AiohttpAlreadyImportedError: aiohttp.web" in result.stderr
    assert "before importing your application" in result.stderr
    assert "python -m aioloom.aiohttp_compat" in result.stderr


def _all_of(source: Path) -> tuple[str, ...] | None:
    for node in ast.parse(source.read_text()).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            value: tuple[str, ...] = tuple(ast.literal_eval(node.value))
            return value
    return None


def test_the_module_table_follows_aiohttp() -> None:
    # Read aiohttp's sources without importing them (that would import aiohttp.web).
    spec = importlib.util.find_spec("aiohttp")
    assert spec is not None
    assert spec.origin is not None
    root = Path(spec.origin).parent
    for name, names in SERVER_MODULES.items():
        if name in ("aiohttp.web", "aiohttp.web_log"):  # web_log has no __all__
            continue
        expected = _all_of(root / f"{name.rpartition('.')[2]}.py")
        assert expected is not None, name
        assert set(names) == set(expected), name
    web_all = _all_of(root / "web.py")
    assert web_all is not None
    assert set(web_all) <= set(SERVER_MODULES["aiohttp.web"])
