"""``python -m aioloom.web [-H HOST] [-P PORT] package.module:factory``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ._app import Application
from ._run_app import run_app

__all__ = ["main"]


def _load_factory(entry: str, parser: argparse.ArgumentParser) -> Application:
    module_name, sep, attribute = entry.partition(":")
    if not sep or not module_name or not attribute:
        parser.error(f"entry-func must look like 'package.module:factory', got {entry!r}")
    sys.path.insert(0, ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        parser.error(f"unable to import {module_name}: {exc}")
    factory = getattr(module, attribute, None)
    if factory is None or not callable(factory):
        parser.error(f"module {module_name!r} has no callable {attribute!r}")
    app = factory()
    if not isinstance(app, Application):
        parser.error(f"{entry} returned {type(app).__name__}, not an aioloom.web.Application")
    return app


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m aioloom.web", description="Serve an app.")
    parser.add_argument(
        "entry_func", help="callable returning the app, as 'package.module:factory'"
    )
    parser.add_argument("-H", "--hostname", default="localhost", help="TCP/IP hostname to serve on")
    parser.add_argument("-P", "--port", type=int, default=8080, help="TCP/IP port to serve on")
    args = parser.parse_args(argv)
    run_app(_load_factory(args.entry_func, parser), host=args.hostname, port=args.port)
