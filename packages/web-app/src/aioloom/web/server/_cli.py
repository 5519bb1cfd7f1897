"""``python -m aioloom.web [-H HOST] [-P PORT] [-U PATH] package.module:factory [args]``."""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
from collections.abc import Sequence

from ..application._app import Application
from ._run_app import run_app

__all__ = ["main"]


def _call_factory(
    factory: object, extra: list[str], parser: argparse.ArgumentParser, entry: str
) -> Application:
    if not callable(factory):
        parser.error(f"{entry} is not callable")
    try:
        takes_argv = bool(inspect.signature(factory).parameters)
    except (TypeError, ValueError):
        takes_argv = True
    if not takes_argv and extra:
        parser.error(f"{entry} takes no arguments, got {' '.join(extra)!r}")
    app = factory(extra) if takes_argv else factory()
    if not isinstance(app, Application):
        parser.error(f"{entry} returned {type(app).__name__}, not an aioloom.web.Application")
    return app


def load_app(entry: str, extra: list[str], parser: argparse.ArgumentParser) -> Application:
    module_name, sep, attribute = entry.partition(":")
    if not sep or not module_name or not attribute:
        parser.error(f"entry-func must look like 'package.module:factory', got {entry!r}")
    if "." not in sys.path and "" not in sys.path:
        sys.path.insert(0, ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        parser.error(f"unable to import {module_name}: {exc}")
    factory = getattr(module, attribute, None)
    if factory is None:
        parser.error(f"module {module_name!r} has no callable {attribute!r}")
    return _call_factory(factory, extra, parser, entry)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m aioloom.web",
        description="Serve the application returned by a factory function.",
        epilog="Arguments after the factory are passed to it as a list, if it takes one.",
    )
    parser.add_argument(
        "entry_func",
        help="callable returning the app, as 'package.module:factory'",
        metavar="entry-func",
    )
    parser.add_argument("-H", "--hostname", default="localhost", help="TCP/IP hostname to serve on")
    parser.add_argument("-P", "--port", type=int, default=8080, help="TCP/IP port to serve on")
    parser.add_argument("-U", "--path", help="Unix file system path to serve on")
    args, extra = parser.parse_known_args(argv)
    app = load_app(args.entry_func, extra, parser)
    if args.path:
        run_app(app, path=args.path)
    else:
        run_app(app, host=args.hostname, port=args.port)
