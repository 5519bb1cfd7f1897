"""``python -m aioloom.aiohttp_compat [-H HOST] [-P PORT] [-U PATH] module:factory [args]``.

aioloom.web's command line, run with compat installed first, so the factory's
module and everything it imports see aioloom behind ``aiohttp.web``.
"""

import runpy

from ._install import install

install()
# aioloom.web's own entry point (its __main__), not a copy of it.
runpy.run_module("aioloom.web", run_name="__main__", alter_sys=True)
