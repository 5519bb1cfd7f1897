"""aioloom.aiohttp_compat: aiohttp.web applications and their extensions on aioloom.

``install()`` before the application imports ``aiohttp.web``; or start with
``python -m aioloom.aiohttp_compat module:factory``, the Gunicorn worker class
``aioloom.aiohttp_compat.GunicornWebWorker``, or the pytest plugin
``-p aioloom.aiohttp_compat.pytest_plugin``. This module only re-exports.
"""

from .__about__ import __version__
from ._abc import AbstractMatchInfo, AbstractRouter
from ._install import AiohttpAlreadyImportedError, install, is_installed, uninstall
from ._modules import SERVER_MODULES, missing_names


def __getattr__(name: str) -> object:
    # The workers need gunicorn, which this distribution does not depend on.
    if name in ("GunicornWebWorker", "GunicornUVLoopWebWorker"):
        from . import worker

        return getattr(worker, name)
    raise AttributeError(f"module 'aioloom.aiohttp_compat' has no attribute {name!r}")


__all__ = [
    "__version__",
    "install",
    "uninstall",
    "is_installed",
    "AiohttpAlreadyImportedError",
    "SERVER_MODULES",
    "missing_names",
    "AbstractRouter",
    "AbstractMatchInfo",
]
