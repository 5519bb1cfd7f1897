"""``python -m aioloom.aiohttp_compat.adev runserver app.py``: aiohttp-devtools on aioloom.

aiohttp-devtools' ``adev`` with compat installed in both of its processes.
``adev runserver`` serves the application from a child process started with
multiprocessing's "spawn" method; that child imports ``aiohttp.web`` (through
aiohttp-devtools' own modules) before the application, so an application module
cannot install compat itself. Before anything else, though, the child imports
the parent's main module again (unless it is a package's ``__main__``): run as
the main module, this module installs compat first in the child too.

The arguments and options are ``adev``'s (``runserver``, ``serve``).
"""

from ._install import install

__all__ = ["main"]

install()


def main() -> None:
    """``adev``'s command line (aiohttp-devtools' click group)."""
    from aiohttp_devtools.cli import cli

    cli(prog_name="python -m aioloom.aiohttp_compat.adev")


if __name__ == "__main__":
    main()
