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
        # aioloom.web's layers meet through these protocols and bases (see the
        # web-app README's "Architecture"); public signatures mention them.
        "aioloom.web.application._request.AppLike",
        "aioloom.web.bodies._decoders.PartDecoder",
        "aioloom.web.bodies._stream.BodyStream",
        "aioloom.web.http._keys._Key",
        "aioloom.web.http._protocols.ConnectionInfo",
        "aioloom.web.http._protocols.UpgradeTarget",
        "aioloom.web.http._request_body.RequestBody",
        "aioloom.web.http._response_fields.ResponseFields",
        "aioloom.web.http._stream_response.PreparingRequest",
        "aioloom.web.http._streams.FlowControl",
        "aioloom.web.http._writer.StreamWriter",
        "aioloom.web.server._connection.Connection",
        "aioloom.web.server._protocol.ConnectionOwner",
        "aioloom.websocket._ws_send.Sender",
    }
)
