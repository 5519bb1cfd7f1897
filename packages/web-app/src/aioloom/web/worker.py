"""Gunicorn workers: ``gunicorn module:app --worker-class aioloom.web.worker.GunicornWebWorker``.

A public module of its own because it needs gunicorn, which aioloom-web does not
depend on; the workers live in ``server/_gunicorn.py``.
"""

from .server._gunicorn import GunicornUVLoopWebWorker, GunicornWebWorker

__all__ = ["GunicornWebWorker", "GunicornUVLoopWebWorker"]
