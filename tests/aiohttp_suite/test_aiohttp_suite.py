"""aiohttp's own server tests on aioloom, against the committed list of expected failures.

The tests and their harness are read from ../shared/conformance/aiohttp-suite (never
copied here): skipped when it is absent, a failure when CI=true. tools/aiohttp_suite.py
has the logic and the maintainer's --update; expected_failures.tsv is the list.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

import pytest


@pytest.mark.slow
def test_aiohttp_suite_fails_only_where_expected(
    suite_tool: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = suite_tool.suite_dir()
    if suite is None:
        if os.environ.get("CI") == "true":
            pytest.fail("../shared/conformance/aiohttp-suite is missing (required under CI=true)")
        pytest.skip("../shared/conformance/aiohttp-suite not found beside the repository")
    entries = suite_tool.load_expected()
    result = suite_tool.run_and_read(suite, tmp_path / "work", jobs=suite_tool.JOBS)
    report = suite_tool.compare(result, entries)
    with capsys.disabled():
        # the harness's one-line summary belongs in the log even when all is as expected
        print(f"\naiohttp suite: {result.summary}\naiohttp suite: {report.counts_line()}")
    assert report.ok, (
        "\n" + report.render() + "\n(a maintainer regenerates the list with "
        "`hatch run test:python tools/aiohttp_suite.py --update` and reviews the diff)"
    )
