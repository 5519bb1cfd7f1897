"""Sphinx configuration for the aioloom documentation."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "aioloom"
author = "The aioloom developers"
copyright = "2026, The aioloom developers"
extensions = ["sphinx.ext.autodoc", "aioloom_api"]
exclude_patterns = ["_build"]
html_theme = "furo"
html_title = "aioloom"
html_static_path = ["_static"]

autodoc_typehints = "signature"
autodoc_member_order = "bysource"
autodoc_preserve_defaults = True
autodoc_inherit_docstrings = True

# Every reference to an aioloom name must resolve. Names of Python, its standard
# library and our third-party dependencies have no inventory offline (intersphinx
# would fetch one), so references outside ``aioloom`` are not checked.
nitpicky = True
nitpick_ignore_regex = [(r"py:.*", r"(?!aioloom\.).*")]

# Classes that public signatures name but no package exports (yet): shown as text.
aioloom_unexported = frozenset(
    {
        "aioloom.http_parser._machine.MessageParser",
        "aioloom.router._nested._NestedResource",
        "aioloom.router._routes._PatternResource",
        "aioloom.testing._mocked.VersionLike",
        "aioloom.web._keys._Key",
        "aioloom.web._multipart_stream.BodyStream",
        "aioloom.web._protocol.UpgradeTarget",
        "aioloom.web._request.ConnectionInfo",
        "aioloom.web._streams.FlowControl",
    }
)
