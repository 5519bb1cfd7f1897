"""Makes the helper module ``ws_testutil`` (next to this file) importable from the tests."""

import sys
from pathlib import Path

_HERE = str(Path(__file__).parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
