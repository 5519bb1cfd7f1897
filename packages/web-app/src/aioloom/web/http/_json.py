"""``json.dumps`` with its default arguments, minus its Python layers.

``json.dumps(obj)`` goes through ``JSONEncoder.encode`` and ``iterencode``,
which build a C encoder per call; making that encoder here directly gives the
same string (same separators, ASCII escaping, NaN handling, circular check and
``TypeError`` for unknown types) for about a third of the Python work. Without
the C accelerator (other interpreters) it is ``json.dumps`` itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json import encoder as _encoder
from typing import Any

__all__ = ["dumps", "JSONEncoder", "JSONDecoder"]

JSONEncoder = Callable[[Any], str]
JSONDecoder = Callable[[str], Any]

_default = json.JSONEncoder().default
# The C parts of the json module (None without its accelerator); typeshed
# does not list them.
_make_encoder: Any = getattr(_encoder, "c_make_encoder", None)
_escape: Any = getattr(_encoder, "c_encode_basestring_ascii", None)


def _dumps(obj: Any) -> str:
    if type(obj) is str:  # json.dumps escapes a lone string the same way
        return _escape(obj)  # type: ignore[no-any-return]
    # A fresh dict of the containers being encoded, as json.dumps makes per
    # call: it finds circular references.
    encode = _make_encoder({}, _default, _escape, None, ": ", ", ", False, False, True)
    return "".join(encode(obj, 0))


dumps = _dumps if _make_encoder is not None and _escape is not None else json.dumps
