"""install() and uninstall(): aiohttp's server modules resolve to aioloom.web.

What changes while installed, and nothing else:

* ``sys.modules`` gets stand-ins for ``aiohttp.web`` and the server modules of
  ``_modules.SERVER_MODULES`` (and ``aiohttp.worker``), and the ``aiohttp``
  package gets them as attributes, so ``from aiohttp import web`` and
  ``import aiohttp.web_response`` both find them.
* ``aiohttp.abc``: its server half (see ``_abc``); ``aiohttp.typedefs``: the
  handler types ``Handler`` and ``Middleware``; ``aiohttp.GunicornWebWorker``
  (and the uvloop one): compat's workers.

Everything an aiohttp-based library then checks, returns, raises or stores is
aioloom's object, so the server understands it. aiohttp's client, ``hdrs``,
``helpers``, ``multipart`` and the rest are untouched.

A real ``aiohttp.web`` already imported cannot be taken back: code holding its
classes would keep them. So install() refuses then, and says how to fix it.
"""

from __future__ import annotations

import importlib
import sys
import types
from dataclasses import dataclass, field

from ._abc import SERVER_ABC
from ._modules import MIGRATION_DOCS, SERVER_MODULES, build_module

__all__ = [
    "AiohttpAlreadyImportedError",
    "install",
    "uninstall",
    "is_installed",
    "add_modules",
]

_WORKERS = ("GunicornWebWorker", "GunicornUVLoopWebWorker")
_ABSENT = object()


class AiohttpAlreadyImportedError(RuntimeError):
    """aiohttp's own server modules were imported before ``install()``."""


@dataclass
class _Saved:
    """What install() replaced, to be put back by uninstall()."""

    modules: dict[str, object] = field(default_factory=dict)
    attributes: list[tuple[types.ModuleType, str, object]] = field(default_factory=list)

    def put_module(self, name: str, module: types.ModuleType) -> None:
        self.modules[name] = sys.modules.get(name, _ABSENT)
        sys.modules[name] = module
        package, _, short = name.rpartition(".")
        self.set_attribute(sys.modules[package], short, module)

    def set_attribute(self, owner: types.ModuleType, name: str, value: object) -> None:
        self.attributes.append((owner, name, owner.__dict__.get(name, _ABSENT)))
        setattr(owner, name, value)

    def drop_attribute(self, owner: types.ModuleType, name: str) -> None:
        if name in owner.__dict__:
            self.attributes.append((owner, name, owner.__dict__[name]))
            delattr(owner, name)


_saved: _Saved | None = None


def is_installed() -> bool:
    """Whether aiohttp's server modules currently resolve to aioloom's."""
    return _saved is not None


def _already_imported() -> list[str]:
    names = [*SERVER_MODULES, "aiohttp.worker", "aiohttp.test_utils", "aiohttp.pytest_plugin"]
    return [name for name in names if name in sys.modules]


def _worker_getattr(original: object, owner: str = "aiohttp") -> object:
    """A module ``__getattr__`` giving compat's Gunicorn workers, else ``original``'s answer."""

    def __getattr__(name: str) -> object:
        if name in _WORKERS:
            # Imported on first use, as aiohttp does (gunicorn is slow to import), and
            # by name, as Gunicorn finds worker classes: the worker module installs
            # compat itself, so this module cannot import it.
            worker = importlib.import_module(f"{__package__}.worker")
            return getattr(worker, name)
        if callable(original):
            return original(name)
        raise AttributeError(f"module {owner!r} has no attribute {name!r}", name=name)

    return __getattr__


def _worker_module() -> types.ModuleType:
    module = types.ModuleType("aiohttp.worker", "aiohttp.worker on aioloom.")
    module.__dict__["__getattr__"] = _worker_getattr(None, "aiohttp.worker")
    module.__dict__["__all__"] = list(_WORKERS)
    return module


def install() -> None:
    """Make ``aiohttp.web`` and aiohttp's other server modules resolve to aioloom.web.

    Call it once, before the application (or any aiohttp extension) imports
    ``aiohttp.web``. Calling it again does nothing. Raises
    ``AiohttpAlreadyImportedError`` if aiohttp's server modules were imported
    already.
    """
    global _saved
    if _saved is not None:
        return
    early = _already_imported()
    if early:
        raise AiohttpAlreadyImportedError(
            f"{', '.join(early)} {'was' if len(early) == 1 else 'were'} imported before "
            "aioloom.aiohttp_compat.install(): objects of aiohttp's own server may already "
            "be in use, and aioloom cannot serve them. Call install() first thing in your "
            "entry point, before importing your application, aiohttp.web or any aiohttp "
            "extension; or start with 'python -m aioloom.aiohttp_compat module:factory', "
            "gunicorn's --worker-class aioloom.aiohttp_compat.GunicornWebWorker, pytest's "
            "'-p aioloom.aiohttp_compat.pytest_plugin', or (aiohttp-devtools) "
            f"'python -m aioloom.aiohttp_compat.adev runserver'. See {MIGRATION_DOCS}."
        )
    import aiohttp
    import aiohttp.abc
    import aiohttp.typedefs

    from aioloom import web

    saved = _Saved()
    for name in SERVER_MODULES:
        saved.put_module(name, build_module(name))
    saved.put_module("aiohttp.worker", _worker_module())
    for name, value in SERVER_ABC.items():
        saved.set_attribute(aiohttp.abc, name, value)
    saved.set_attribute(aiohttp.typedefs, "Handler", web.Handler)
    saved.set_attribute(aiohttp.typedefs, "Middleware", web.Middleware)
    # aiohttp sets its workers as globals once asked for them; drop those so that
    # the package's __getattr__ (wrapped here) answers with compat's.
    for name in _WORKERS:
        saved.drop_attribute(aiohttp, name)
    original = vars(aiohttp).get("__getattr__")
    saved.set_attribute(aiohttp, "__getattr__", _worker_getattr(original))
    _saved = saved


def add_modules(modules: dict[str, types.ModuleType]) -> None:
    """Put more stand-ins under aiohttp's names until ``uninstall()`` (compat's plugins).

    A name already served by a stand-in is left as it is.
    """
    if _saved is None:
        raise RuntimeError("aioloom.aiohttp_compat is not installed")
    for name, module in modules.items():
        if getattr(sys.modules.get(name), "__aioloom_compat__", False):
            continue
        if name in sys.modules:
            raise AiohttpAlreadyImportedError(f"{name} was imported before compat was installed")
        module.__dict__["__aioloom_compat__"] = True
        _saved.put_module(name, module)


def uninstall() -> None:
    """Undo ``install()`` (for tests): aiohttp's modules are aiohttp's again.

    Modules imported while compat was installed keep the aioloom objects they
    took; a test that installs and uninstalls should drop such modules too.
    """
    global _saved
    saved, _saved = _saved, None
    if saved is None:
        return
    for owner, name, value in reversed(saved.attributes):
        if value is _ABSENT:
            owner.__dict__.pop(name, None)
        else:
            setattr(owner, name, value)
    for name, module in saved.modules.items():
        if module is _ABSENT:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = module  # type: ignore[assignment]
