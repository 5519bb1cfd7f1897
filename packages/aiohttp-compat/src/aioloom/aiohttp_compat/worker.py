"""Gunicorn workers with compat installed.

``gunicorn app:app --worker-class aioloom.aiohttp_compat.GunicornWebWorker``.

Importing this module installs compat. Gunicorn's arbiter imports the worker
class before it loads the application (also with ``--preload``, and before it
forks the workers), so the application's ``from aiohttp import web`` already
resolves to aioloom. Needs gunicorn installed.
"""

from __future__ import annotations

from aioloom.web.worker import GunicornUVLoopWebWorker as _UVLoopWorker
from aioloom.web.worker import GunicornWebWorker as _Worker

from ._install import install

__all__ = ["GunicornWebWorker", "GunicornUVLoopWebWorker"]

install()


class GunicornWebWorker(_Worker):
    """aioloom's Gunicorn worker, serving an aiohttp.web application on aioloom."""

    def init_process(self) -> None:
        install()  # a no-op unless uninstall() ran in between: the app is loaded next
        super().init_process()


class GunicornUVLoopWebWorker(_UVLoopWorker):
    """The same on uvloop (needs ``aioloom-web[speedups]``)."""

    def init_process(self) -> None:
        install()
        super().init_process()
