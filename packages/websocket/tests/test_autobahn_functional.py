"""The Autobahn|Testsuite subset (tools/autobahn/run.py --subset) through kosoku, in-process.

Skipped when kosoku is not installed, except in CI (CI=true), where that is a failure.
"""

import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from ws_testutil import echo_handler, serve

RUN_PY = Path(__file__).parents[3] / "tools" / "autobahn" / "run.py"


def _runner() -> Any:
    spec = importlib.util.spec_from_file_location("aioloom_autobahn_run", RUN_PY)
    if spec is None or spec.loader is None:
        pytest.fail(f"cannot load {RUN_PY}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.asyncio
# kosoku's vendored Autobahn cases open their data files without closing them.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_autobahn_subset_has_no_failures() -> None:
    if importlib.util.find_spec("kosoku") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("kosoku is not installed in CI")
        pytest.skip("kosoku is not installed")
    if not RUN_PY.exists():
        pytest.skip("tools/autobahn is not part of this checkout")
    runner = _runner()
    server = await serve(echo_handler, "127.0.0.1", 0, **runner.SERVER_OPTIONS)
    try:
        port = server.sockets[0].getsockname()[1]
        results = await runner.run_cases(f"ws://127.0.0.1:{port}", runner.SUBSET, 2)
    finally:
        server.close()
        await server.wait_closed()
    counts, failed = runner.tally(results)
    assert len(results) >= len(runner.SUBSET)
    sections = {r.case_id.split(".")[0] for r in results}
    assert sections == {"1", "2", "3", "4", "5", "6", "7", "9", "10", "12", "13"}
    assert not failed, [(r.case_id, r.behavior.value, r.result) for r in failed]
    assert counts["OK"] > 0
