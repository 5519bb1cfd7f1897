"""Test set-up: ``ws_testutil`` importable, and every test run over both masking routes."""

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from aioloom.websocket import _mask

_HERE = str(Path(__file__).parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


@pytest.fixture(scope="session", autouse=True, params=["python", "accelerated"])
def masking_route(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every test of this package runs with each masking route (one spec, two routes)."""
    route = _mask.python_unmask if request.param == "python" else _mask.accelerated_unmask
    if route is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the masking accelerator (websockets.speedups) must be installed in CI")
        pytest.skip("the masking accelerator (websockets.speedups) is not installed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_mask, "unmask", route)
        yield request.param
