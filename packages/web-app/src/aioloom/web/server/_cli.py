"""``python -m aioloom.web [-H HOST] [-P PORT] [-U PATH] [--reload] module:factory [args]``."""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

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
    if module_name.startswith("."):
        parser.error("relative module names not supported")  # (aiohttp's words)
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
    parser.add_argument(
        "--reload",
        action="store_true",
        help="restart the server when a Python file changes (development only; "
        "needs the aioloom-web[reload] extra)",
    )
    parser.add_argument(
        "--reload-dir",
        action="append",
        type=Path,
        metavar="DIR",
        help="directory to watch with --reload (repeatable; default: the current one)",
    )
    args, extra = parser.parse_known_args(argv)
    if args.reload:
        sys.exit(_serve_reloading(args, extra, parser))
    app = load_app(args.entry_func, extra, parser)
    if args.path:
        run_app(app, path=args.path)
    else:
        run_app(app, host=args.hostname, port=args.port)


def _serve_reloading(
    args: argparse.Namespace, extra: list[str], parser: argparse.ArgumentParser
) -> int:
    """Serve in a child process, started again whenever a watched Python file changes.

    The child is this command without ``--reload``: a fresh interpreter, so every
    module is imported anew. watchfiles stops it with SIGINT (``run_app`` shuts down
    gracefully), waits, and starts the next one.
    """
    try:
        import watchfiles  # optional: the aioloom-web[reload] extra
    except ImportError:
        parser.error("--reload needs watchfiles: pip install 'aioloom-web[reload]'")
    where = ["-U", args.path] if args.path else ["-H", args.hostname, "-P", str(args.port)]
    child = [sys.executable, "-m", "aioloom.web", *where, args.entry_func, *extra]
    command = subprocess.list2cmdline(child) if os.name == "nt" else shlex.join(child)
    directories = args.reload_dir or [Path.cwd()]
    for directory in directories:
        if not directory.is_dir():
            parser.error(f"--reload-dir {directory}: not a directory")
    print(
        f"aioloom.web: watching {', '.join(map(str, directories))} for changes to "
        "Python files; the server restarts on each",
        file=sys.stderr,
        flush=True,
    )

    def report(changes: set[tuple[watchfiles.Change, str]]) -> None:
        names = ", ".join(sorted({os.path.basename(path) for _, path in changes}))
        print(f"aioloom.web: {names} changed, restarting", file=sys.stderr, flush=True)

    watchfiles.run_process(
        *directories,
        target=command,
        target_type="command",
        watch_filter=watchfiles.PythonFilter(),
        callback=report,
    )
    return 0
